package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPercentileIsTheNearestRankOfTheSortedSamples(t *testing.T) {
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"no samples", nil, 99, 0},
		{"one sample is every percentile", []time.Duration{7}, 50, 7},
		{"median of 1..100 ms", hundred, 50, 50 * time.Millisecond},
		{"p90 of 1..100 ms", hundred, 90, 90 * time.Millisecond},
		{"p99 of 1..100 ms", hundred, 99, 99 * time.Millisecond},
		{"p100 is the maximum", hundred, 100, 100 * time.Millisecond},
		{"p0 is the minimum", hundred, 0, time.Millisecond},
		{"p99 of ten samples is the largest", hundred[:10], 99, 10 * time.Millisecond},
		{"median of four rounds up to the second", []time.Duration{1, 2, 3, 4}, 50, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(p%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarizeCountsUnexpectedStatusesAndFailuresAsErrors(t *testing.T) {
	sc := scenario{name: "login-post", method: http.MethodPost, path: "/login", expect: http.StatusSeeOther}
	s := newSample()
	s.clients, s.elapsed = 3, 2*time.Second
	s.latencies = []time.Duration{4, 1, 3, 2, 5, 6}
	s.statuses[http.StatusSeeOther] = 4
	s.statuses[http.StatusUnprocessableEntity] = 1
	s.failures["connection reset"] = 1

	r := summarize(sc, s)
	if r.Requests != 6 || r.Errors != 2 || r.Clients != 3 {
		t.Errorf("requests, errors, clients = %d, %d, %d; want 6, 2, 3", r.Requests, r.Errors, r.Clients)
	}
	if r.PerSecond != 3 {
		t.Errorf("requests/s = %v, want 3 (6 in 2s)", r.PerSecond)
	}
	if r.P50 != 3 || r.Max != 6 {
		t.Errorf("p50, max = %v, %v; want 3ns, 6ns (from the sorted samples)", r.P50, r.Max)
	}
}

func TestReportShowsEachScenarioAgainstTheBaseline(t *testing.T) {
	results := []Result{
		{Scenario: "baseline", Request: "GET /healthz", Clients: 50, Requests: 20000, PerSecond: 2000,
			P50: 1500 * time.Microsecond, P90: 3 * time.Millisecond, P99: 12345 * time.Microsecond, Max: 40 * time.Millisecond},
		{Scenario: "login-page", Request: "GET /login", Clients: 50, Requests: 5000, PerSecond: 500},
		{Scenario: "login-post", Request: "POST /login", Clients: 10, Requests: 300, PerSecond: 30, Errors: 2,
			Statuses: map[int]int{303: 298, 422: 2}},
	}
	withBaseline(results)
	var out bytes.Buffer
	writeReport(&out, machine{GoVersion: "go1.26", GOMAXPROCS: 2, CPU: "Test CPU", Duration: 10 * time.Second}, results)
	got := out.String()
	for _, want := range []string{
		"| baseline | `GET /healthz` | 50 | 20000 | 2000 | 1.50 ms | 3.00 ms | 12.35 ms | 40.00 ms | 0 | 1.00 |",
		"| login-page | `GET /login` | 50 | 5000 | 500 |",
		"| 0 | 0.25 |",
		"| login-post | `POST /login` | 10 | 300 | 30.0 |",
		"| 2 | 0.015 |",
		"login-post errors: status 303 × 298; status 422 × 2;",
		"GOMAXPROCS 2", "Test CPU", "then 10s measured",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}

func TestReportWithoutBaselineShowsNoRatio(t *testing.T) {
	results := []Result{{Scenario: "dashboard", Request: "GET /dashboard", Clients: 5, Requests: 10, PerSecond: 1}}
	withBaseline(results)
	var out bytes.Buffer
	writeReport(&out, machine{}, results)
	if !strings.Contains(out.String(), "| 0 | - |") {
		t.Errorf("want a dash in the ratio column:\n%s", out.String())
	}
}

func TestJSONCarriesTheMachineAndEveryResult(t *testing.T) {
	var out bytes.Buffer
	err := writeJSON(&out, machine{GOMAXPROCS: 2}, []Result{{Scenario: "baseline", P99: 5 * time.Millisecond, XBaseline: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Machine struct {
			GOMAXPROCS int `json:"gomaxprocs"`
		} `json:"machine"`
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if doc.Machine.GOMAXPROCS != 2 || len(doc.Results) != 1 || doc.Results[0]["p99_ns"] != float64(5e6) {
		t.Errorf("unexpected document: %s", out.String())
	}
}

func TestUnknownScenarioIsRefusedBeforeAnyWork(t *testing.T) {
	err := run(t.Context(), []string{"-scenarios", "baseline,nope"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `unknown scenario "nope"`) {
		t.Errorf("err = %v, want unknown scenario", err)
	}
}
