package assign

import (
	"cmp"
	"slices"
	"testing"
)

// BenchmarkSolve300x60 assigns the instance: 300 applications, 60
// experts, 3 per application, with conflicts. Target: at most 1 s. It
// reports the load spread (max − min) and the total expertise score.
//
//	go test ./internal/calls/assign -run '^$' -bench . -benchtime 5x
func BenchmarkSolve300x60(b *testing.B) {
	p := Instance(300, 60, 3, 1)
	var r Result
	for b.Loop() {
		var err error
		if r, err = Solve(p); err != nil {
			b.Fatal(err)
		}
	}
	report(b, r)
}

// BenchmarkGreedy300x60 is the baseline on the same instance: each
// application in turn takes its least-loaded allowed experts.
func BenchmarkGreedy300x60(b *testing.B) {
	p := Instance(300, 60, 3, 1)
	var r Result
	for b.Loop() {
		r = greedy(p)
	}
	report(b, r)
}

func report(b *testing.B, r Result) {
	missing := 0
	for _, s := range r.Shortfalls {
		missing += s.Missing
	}
	b.ReportMetric(float64(r.Spread()), "spread")
	b.ReportMetric(float64(r.Score()), "score")
	b.ReportMetric(float64(missing), "missing")
}

// greedy is the naive baseline: applications by id, each taking the
// least-loaded allowed experts under their cap, ties by id.
func greedy(p Problem) Result {
	es := slices.Clone(p.Experts)
	slices.SortFunc(es, func(a, b Expert) int { return cmp.Compare(a.ID, b.ID) })
	apps := slices.Clone(p.Applications)
	slices.SortFunc(apps, func(a, b Application) int { return cmp.Compare(a.ID, b.ID) })
	load := map[int64]int{}
	for _, e := range es {
		load[e.ID] += e.Load
	}
	for _, a := range apps {
		for _, id := range a.Fixed {
			load[id]++
		}
	}
	r := Result{Loads: load}
	order := make([]Expert, len(es))
	for _, a := range apps {
		copy(order, es)
		slices.SortStableFunc(order, func(x, y Expert) int { return cmp.Compare(load[x.ID], load[y.ID]) })
		got := 0
		for _, e := range order {
			if got == a.Need {
				break
			}
			if p.Forbidden[[2]int64{a.ID, e.ID}] || slices.Contains(a.Fixed, e.ID) || e.Max > 0 && load[e.ID] >= e.Max {
				continue
			}
			s := 0
			for _, f := range a.Features {
				if slices.Contains(e.Features, f.Key) {
					s += f.Weight
				}
			}
			r.Pairs = append(r.Pairs, Pair{Application: a.ID, Expert: e.ID, Score: s})
			load[e.ID]++
			got++
		}
		if got < a.Need {
			r.Shortfalls = append(r.Shortfalls, Shortfall{Application: a.ID, Missing: a.Need - got})
		}
	}
	return r
}
