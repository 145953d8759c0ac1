package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"
)

// Result is one scenario's figures. Durations are in nanoseconds in JSON.
type Result struct {
	Scenario  string         `json:"scenario"`
	Request   string         `json:"request"`
	Clients   int            `json:"clients"`
	Requests  int            `json:"requests"`
	Errors    int            `json:"errors"`
	PerSecond float64        `json:"requests_per_second"`
	P50       time.Duration  `json:"p50_ns"`
	P90       time.Duration  `json:"p90_ns"`
	P99       time.Duration  `json:"p99_ns"`
	Max       time.Duration  `json:"max_ns"`
	XBaseline float64        `json:"x_baseline,omitempty"` // PerSecond over the baseline's, 0 without one
	Statuses  map[int]int    `json:"statuses"`
	Failures  map[string]int `json:"failures,omitempty"`
}

// machine describes where and how the run happened.
type machine struct {
	GoVersion  string        `json:"go_version"`
	Platform   string        `json:"platform"`
	GOMAXPROCS int           `json:"gomaxprocs"`
	NumCPU     int           `json:"num_cpu"`
	CPU        string        `json:"cpu"`
	Date       string        `json:"date"`
	Database   string        `json:"database"`
	Duration   time.Duration `json:"duration_ns"`
	Warmup     time.Duration `json:"warmup_ns"`
}

// summarize turns what sc's clients saw into its figures: percentiles from
// every measured latency, errors for failed requests and unexpected statuses.
func summarize(sc scenario, s sample) Result {
	slices.Sort(s.latencies)
	r := Result{
		Scenario: sc.name, Request: sc.method + " " + sc.path, Clients: s.clients, Requests: len(s.latencies),
		P50: percentile(s.latencies, 50), P90: percentile(s.latencies, 90), P99: percentile(s.latencies, 99),
		Statuses: s.statuses, Failures: s.failures,
	}
	if len(s.latencies) > 0 {
		r.Max = s.latencies[len(s.latencies)-1]
	}
	if s.elapsed > 0 {
		r.PerSecond = float64(r.Requests) / s.elapsed.Seconds()
	}
	for status, n := range s.statuses {
		if status != sc.expect {
			r.Errors += n
		}
	}
	for _, n := range s.failures {
		r.Errors += n
	}
	return r
}

// percentile is the nearest-rank p-th percentile of sorted: the smallest
// sample that at least p% of the samples do not exceed.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// withBaseline sets every result's ratio to the baseline's requests/s, when
// the baseline ran.
func withBaseline(results []Result) {
	i := slices.IndexFunc(results, func(r Result) bool { return r.Scenario == "baseline" })
	if i < 0 || results[i].PerSecond == 0 {
		return
	}
	for j := range results {
		results[j].XBaseline = results[j].PerSecond / results[i].PerSecond
	}
}

// writeReport prints the machine and a Markdown table of the results, then
// what went wrong in each scenario that had errors.
func writeReport(w io.Writer, m machine, results []Result) {
	fmt.Fprintf(w, "%s %s, GOMAXPROCS %d (%d CPUs: %s), %s\n", m.GoVersion, m.Platform, m.GOMAXPROCS, m.NumCPU, m.CPU, m.Date)
	fmt.Fprintf(w, "database: %s\n", m.Database)
	fmt.Fprintf(w, "each scenario: %s warm-up, then %s measured\n\n", m.Warmup, m.Duration)
	fmt.Fprintln(w, "| scenario | request | clients | requests | req/s | p50 | p90 | p99 | max | errors | x baseline |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		ratio := "-"
		switch {
		case r.XBaseline >= 0.1:
			ratio = strconv.FormatFloat(r.XBaseline, 'f', 2, 64)
		case r.XBaseline > 0: // two significant digits: 0.0042
			ratio = strconv.FormatFloat(r.XBaseline, 'g', 2, 64)
		}
		fmt.Fprintf(w, "| %s | `%s` | %d | %d | %s | %s | %s | %s | %s | %d | %s |\n", r.Scenario, r.Request, r.Clients, r.Requests,
			perSecond(r.PerSecond), ms(r.P50), ms(r.P90), ms(r.P99), ms(r.Max), r.Errors, ratio)
	}
	for _, r := range results {
		if r.Errors == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s errors:", r.Scenario)
		for _, status := range slices.Sorted(maps.Keys(r.Statuses)) {
			fmt.Fprintf(w, " status %d × %d;", status, r.Statuses[status])
		}
		for _, msg := range slices.Sorted(maps.Keys(r.Failures)) {
			fmt.Fprintf(w, " %s × %d;", msg, r.Failures[msg])
		}
		fmt.Fprintln(w)
	}
}

// writeJSON prints the machine and the results as one JSON document.
func writeJSON(w io.Writer, m machine, results []Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Machine machine  `json:"machine"`
		Results []Result `json:"results"`
	}{m, results})
}

// ms shows a latency in milliseconds.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}

// perSecond shows a rate with one decimal below 100, none above.
func perSecond(v float64) string {
	if v < 100 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}
