package meetings

import "testing"

// BenchmarkCongress schedules the congress (2,000 participants, 16
// slots, 150 tables, 10,000 requests) and reports the share of the upper
// bound placed. Target: at most 2 s, at least 97%.
//
//	go test ./internal/meetings -run '^$' -bench Congress -benchtime 5x
func BenchmarkCongress(b *testing.B) {
	benchmarkSchedule(b, GenerateCongress(1))
}

// BenchmarkSmall schedules one of the instances docs/benchmarks.md compares
// with glpsol's optimum.
func BenchmarkSmall(b *testing.B) {
	benchmarkSchedule(b, Small.Generate(1))
}

func benchmarkSchedule(b *testing.B, p Problem) {
	var s Schedule
	for b.Loop() {
		var err error
		if s, err = Solve(p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(s.Scheduled), "scheduled")
	b.ReportMetric(float64(s.Weight), "weight")
	b.ReportMetric(float64(s.UpperBound), "bound")
	b.ReportMetric(100*float64(s.Weight)/float64(s.UpperBound), "%bound")
}
