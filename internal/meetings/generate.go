package meetings

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Scenario describes a generated event, for benchmarks and tests: sizes and
// a few shares; Generate fills in a realistic crowd.
type Scenario struct {
	Participants int
	Slots        int
	Tables       int
	Requests     int     // distinct pairs; fewer when there are not enough pairs
	Fixed        int     // meetings already sent, kept where they are
	Stands       float64 // share of stand-holders (exhibitors)
	Weighted     bool    // some requests carry a staff priority of 2 or 3
}

// Congress is the benchmark of issue 6: a two-day congress with 2,000
// participants, 16 slots, 150 tables per slot and 10,000 accepted requests.
var Congress = Scenario{Participants: 2000, Slots: 16, Tables: 150, Requests: 10000, Stands: 0.1, Weighted: true}

// Small is an instance an exact solver handles in seconds: 60
// participants, 8 slots, 300 requests.
var Small = Scenario{Participants: 60, Slots: 8, Tables: 10, Requests: 300, Fixed: 4, Stands: 0.1, Weighted: true}

// GenerateCongress returns the congress benchmark instance for seed.
func GenerateCongress(seed uint64) Problem { return Congress.Generate(seed) }

// Generate builds the scenario's problem; the same seed gives the same
// problem. The crowd: a share of exhibitors at stands, most people available
// all the time, some for one day or a half-day or with a few gaps, a few
// with a maximum; who asks and who is asked are skewed (some people are
// popular, exhibitors most of all).
func (sc Scenario) Generate(seed uint64) Problem {
	rng := rand.New(rand.NewPCG(seed, 0x636f6e6772657373)) // "congress"
	n, S := sc.Participants, sc.Slots
	p := Problem{Slots: S, Tables: sc.Tables}
	half := max(1, S/4) // a half-day
	activity := make([]float64, n)
	popularity := make([]float64, n)
	for i := range n {
		pt := Participant{ID: fmt.Sprintf("p%04d", i), Stand: rng.Float64() < sc.Stands}
		var avail []int
		switch x := rng.Float64(); {
		case x < 0.62 || pt.Stand && x < 0.9:
			avail = span(0, S)
		case x < 0.75: // all but a few slots
			avail = span(0, S)
			for range min(1+rng.IntN(3), S-1) {
				k := rng.IntN(len(avail))
				avail = slices.Delete(avail, k, k+1)
			}
		case x < 0.88: // one day
			start := rng.IntN(2) * (S / 2)
			avail = span(start, start+max(1, S/2))
		default: // some half-days
			for h := range max(1, S/half) {
				if rng.IntN(2) == 0 {
					avail = append(avail, span(h*half, min(S, (h+1)*half))...)
				}
			}
			if len(avail) == 0 {
				avail = span(0, half)
			}
		}
		pt.Available = avail
		if !pt.Stand && rng.Float64() < 0.15 {
			pt.MaxMeetings = max(1, S/4+rng.IntN(S/2+1))
		}
		p.Participants = append(p.Participants, pt)
		// Pareto-like skew: a few people send and receive many requests.
		activity[i] = math.Pow(1-rng.Float64(), -0.3)
		popularity[i] = math.Pow(1-rng.Float64(), -0.4)
		if pt.Stand {
			popularity[i] *= 2
		}
	}
	pickA, pickB := sampler(activity), sampler(popularity)
	seen := map[[2]int]bool{}
	for tries := 0; len(p.Requests) < sc.Requests && tries < 50*sc.Requests; tries++ {
		a, b := pickA(rng), pickB(rng)
		if a == b || seen[pairKey(a, b)] {
			continue
		}
		seen[pairKey(a, b)] = true
		w := 1
		if sc.Weighted {
			switch x := rng.Float64(); {
			case x < 0.05:
				w = 3
			case x < 0.15:
				w = 2
			}
		}
		p.Requests = append(p.Requests, Request{A: p.Participants[a].ID, B: p.Participants[b].ID, Weight: w})
	}
	p.Fixed = sc.fix(p, rng)
	return p
}

// fix picks sc.Fixed requests and puts each in a random slot where it fits,
// as if they had been scheduled and sent earlier.
func (sc Scenario) fix(p Problem, rng *rand.Rand) []Meeting {
	in, err := compile(p)
	if err != nil || sc.Fixed == 0 {
		return nil
	}
	st := newState(in)
	var out []Meeting
	for _, e := range rng.Perm(len(in.reqs)) {
		if len(out) == sc.Fixed {
			break
		}
		r := in.reqs[e]
		var ok []int
		for _, s := range r.common {
			if st.fits(e, int(s)) {
				ok = append(ok, int(s))
			}
		}
		if len(ok) == 0 {
			continue
		}
		s := ok[rng.IntN(len(ok))]
		st.place(e, s)
		m := Meeting{A: in.ids[r.a], B: in.ids[r.b], Slot: s}
		if r.table {
			m.Table = len(st.tables[s]) // tables 1, 2, … in the order they were fixed
		}
		out = append(out, m)
	}
	return out
}

// span returns the slots from..to-1.
func span(from, to int) []int {
	s := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

// sampler returns a function drawing index i with probability proportional
// to weights[i].
func sampler(weights []float64) func(*rand.Rand) int {
	cum := make([]float64, len(weights))
	total := 0.0
	for i, w := range weights {
		total += w
		cum[i] = total
	}
	return func(rng *rand.Rand) int {
		i, _ := slices.BinarySearch(cum, rng.Float64()*total)
		return min(i, len(cum)-1)
	}
}
