package assign

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// forbid builds a Forbidden set from {application, expert} pairs.
func forbid(pairs ...[2]int64) map[[2]int64]bool {
	m := map[[2]int64]bool{}
	for _, p := range pairs {
		m[p] = true
	}
	return m
}

func experts(ids ...int64) []Expert {
	es := make([]Expert, len(ids))
	for i, id := range ids {
		es[i] = Expert{ID: id}
	}
	return es
}

func solve(t *testing.T, p Problem) Result {
	t.Helper()
	r, err := Solve(p)
	if err != nil {
		t.Fatalf("Solve: %v", err)
	}
	check(t, p, r)
	return r
}

// pairsOf lists the result's pairs as {application, expert}.
func pairsOf(r Result) [][2]int64 {
	var ps [][2]int64
	for _, p := range r.Pairs {
		ps = append(ps, [2]int64{p.Application, p.Expert})
	}
	return ps
}

// check asserts the rules every result must keep, whatever the instance.
func check(t *testing.T, p Problem, r Result) {
	t.Helper()
	exp := map[int64]Expert{}
	for _, e := range p.Experts {
		exp[e.ID] = e
	}
	load := map[int64]int{}
	for _, e := range p.Experts {
		load[e.ID] = e.Load
	}
	on := map[[2]int64]bool{}
	for _, a := range p.Applications {
		for _, id := range a.Fixed {
			on[[2]int64{a.ID, id}] = true
			load[id]++
		}
	}
	newPer := map[int64]int{}
	for k, pr := range r.Pairs {
		key := [2]int64{pr.Application, pr.Expert}
		if p.Forbidden[key] {
			t.Fatalf("forbidden pair %v assigned", key)
		}
		if on[key] {
			t.Fatalf("pair %v assigned twice (or on top of a fixed one)", key)
		}
		if _, ok := exp[pr.Expert]; !ok {
			t.Fatalf("unknown expert in %v", key)
		}
		if k > 0 {
			prev := r.Pairs[k-1]
			if prev.Application > pr.Application || prev.Application == pr.Application && prev.Expert >= pr.Expert {
				t.Fatalf("pairs out of order: %v then %v", prev, pr)
			}
		}
		on[key] = true
		load[pr.Expert]++
		newPer[pr.Application]++
	}
	if !reflect.DeepEqual(load, r.Loads) && !(len(load) == 0 && len(r.Loads) == 0) {
		t.Fatalf("loads %v, want %v", r.Loads, load)
	}
	for id, l := range load {
		if m := exp[id].Max; m > 0 && l > m && l > exp[id].Load+countFixed(p, id) {
			t.Fatalf("expert %d has load %d over its cap %d", id, l, m)
		}
	}
	short := map[int64]int{}
	for _, s := range r.Shortfalls {
		if s.Missing <= 0 {
			t.Fatalf("empty shortfall %+v", s)
		}
		short[s.Application] += s.Missing
	}
	for _, a := range p.Applications {
		if got := newPer[a.ID] + short[a.ID]; got != a.Need {
			t.Fatalf("application %d: %d assigned + %d short, need %d", a.ID, newPer[a.ID], short[a.ID], a.Need)
		}
	}
}

func countFixed(p Problem, expert int64) int {
	n := 0
	for _, a := range p.Applications {
		if slices.Contains(a.Fixed, expert) {
			n++
		}
	}
	return n
}

func TestConflictIsNeverUsedEvenWhenItWouldBalance(t *testing.T) {
	p := Problem{
		Experts: []Expert{{ID: 1}, {ID: 2, Load: 5}},
		Applications: []Application{
			{ID: 10, Need: 1},
			{ID: 11, Need: 2},
		},
		Forbidden: forbid([2]int64{10, 1}, [2]int64{11, 1}),
	}
	r := solve(t, p)
	if want := [][2]int64{{10, 2}, {11, 2}}; !reflect.DeepEqual(pairsOf(r), want) {
		t.Errorf("pairs %v, want %v", pairsOf(r), want)
	}
	if want := []Shortfall{{11, 1, ReasonNoEligibleExpert}}; !reflect.DeepEqual(r.Shortfalls, want) {
		t.Errorf("shortfalls %v, want %v", r.Shortfalls, want)
	}
	if r.Loads[1] != 0 || r.Loads[2] != 7 {
		t.Errorf("loads %v, want 1:0 2:7", r.Loads)
	}
}

func TestFixedExpertCountsInLoadAndIsNotAssignedAgain(t *testing.T) {
	p := Problem{
		Experts: experts(1, 2, 3),
		Applications: []Application{
			{ID: 10, Need: 1, Fixed: []int64{1}},
			{ID: 11, Need: 1, Fixed: []int64{2}},
			{ID: 12, Need: 1},
		},
	}
	r := solve(t, p)
	// Experts 1 and 2 start at 1 through their fixed applications; the three
	// new places bring the total to 5, best spread as 2, 2, 1.
	for _, pr := range pairsOf(r) {
		if pr == [2]int64{10, 1} || pr == [2]int64{11, 2} {
			t.Fatalf("fixed expert assigned again: %v", pr)
		}
	}
	loads := []int{r.Loads[1], r.Loads[2], r.Loads[3]}
	slices.Sort(loads)
	if !reflect.DeepEqual(loads, []int{1, 2, 2}) {
		t.Errorf("loads %v, want 1,2,2 in some order", r.Loads)
	}
}

func TestCapIsRespectedAndReportedAsCapacity(t *testing.T) {
	p := Problem{
		Experts: []Expert{{ID: 1, Max: 1}, {ID: 2, Load: 3}},
		Applications: []Application{
			{ID: 10, Need: 1}, {ID: 11, Need: 1}, {ID: 12, Need: 1},
		},
	}
	r := solve(t, p)
	if r.Loads[1] != 1 || r.Loads[2] != 5 {
		t.Errorf("loads %v, want 1:1 (its cap) and 2:5", r.Loads)
	}

	p = Problem{
		Experts:      []Expert{{ID: 1, Max: 1}, {ID: 2, Load: 2, Max: 2}},
		Applications: []Application{{ID: 10, Need: 1}, {ID: 11, Need: 3}},
	}
	r = solve(t, p)
	// Expert 1 fills one place; 10 or 11 then lacks capacity. Application
	// 11 also lacks an eligible expert for its third place.
	if len(r.Pairs) != 1 || r.Loads[1] != 1 || r.Loads[2] != 2 {
		t.Fatalf("pairs %v loads %v, want one pair for expert 1", r.Pairs, r.Loads)
	}
	var got []Shortfall
	for _, s := range r.Shortfalls {
		if s.Reason == ReasonCapacity {
			got = append(got, s)
		}
	}
	wantCap := 2 // 1+3 places, 1 filled, 1 without any expert
	total := 0
	for _, s := range got {
		total += s.Missing
	}
	if total != wantCap {
		t.Errorf("shortfalls %v: %d places for capacity, want %d", r.Shortfalls, total, wantCap)
	}
	if !slices.Contains(r.Shortfalls, Shortfall{11, 1, ReasonNoEligibleExpert}) {
		t.Errorf("shortfalls %v, want 11 missing one for no_eligible_expert", r.Shortfalls)
	}
}

func TestShortfallReasons(t *testing.T) {
	p := Problem{
		Experts: []Expert{{ID: 1, Load: 4, Max: 4}, {ID: 2, Load: 1, Max: 1}, {ID: 3}},
		Applications: []Application{
			{ID: 10, Need: 3, Fixed: []int64{3}}, // 1 and 2 eligible but full
			{ID: 11, Need: 1},                    // 3 is free
			{ID: 12, Need: 2},                    // all conflicted
		},
		Forbidden: forbid([2]int64{12, 1}, [2]int64{12, 2}, [2]int64{12, 3}),
	}
	r := solve(t, p)
	want := []Shortfall{
		{10, 2, ReasonCapacity},
		{10, 1, ReasonNoEligibleExpert},
		{12, 2, ReasonNoEligibleExpert},
	}
	if !reflect.DeepEqual(r.Shortfalls, want) {
		t.Errorf("shortfalls %v, want %v", r.Shortfalls, want)
	}
	if want := [][2]int64{{11, 3}}; !reflect.DeepEqual(pairsOf(r), want) {
		t.Errorf("pairs %v, want %v", pairsOf(r), want)
	}
}

func TestExpertiseDecidesAmongEquallyBalanced(t *testing.T) {
	p := Problem{
		Experts: []Expert{
			{ID: 1, Features: []string{"brick:ai", "sector:diagnostics", "kw:microfluidics"}},
			{ID: 2, Features: []string{"brick:ai"}},
		},
		Applications: []Application{
			{ID: 10, Need: 1, Features: []Feature{{"brick:ai", 2}}},
			{ID: 11, Need: 1, Features: []Feature{{"kw:microfluidics", 1}, {"brick:ai", 2}, {"sector:diagnostics", 3}}},
		},
	}
	r := solve(t, p)
	want := []Pair{
		{Application: 10, Expert: 2, Score: 2, Matched: []string{"brick:ai"}},
		{Application: 11, Expert: 1, Score: 6, Matched: []string{"sector:diagnostics", "brick:ai", "kw:microfluidics"}},
	}
	if !reflect.DeepEqual(r.Pairs, want) {
		t.Errorf("pairs %+v, want %+v", r.Pairs, want)
	}
	if r.Score() != 8 || r.Spread() != 0 {
		t.Errorf("score %d spread %d, want 8 and 0", r.Score(), r.Spread())
	}
}

func TestBalanceComesBeforeExpertise(t *testing.T) {
	// Expert 1 is the better match everywhere, but two applications for one
	// expert and none for the other is less balanced than one each.
	p := Problem{
		Experts: []Expert{{ID: 1, Features: []string{"sector:a", "sector:b"}}, {ID: 2}},
		Applications: []Application{
			{ID: 10, Need: 1, Features: []Feature{{"sector:a", 3}}},
			{ID: 11, Need: 1, Features: []Feature{{"sector:b", 1}}},
		},
	}
	r := solve(t, p)
	if want := [][2]int64{{10, 1}, {11, 2}}; !reflect.DeepEqual(pairsOf(r), want) {
		t.Errorf("pairs %v, want %v (balance first, then the heavier match)", pairsOf(r), want)
	}
}

func TestFillingComesBeforeBalance(t *testing.T) {
	// Only expert 1 may take application 11, so it must, even though expert 1
	// is already far busier.
	p := Problem{
		Experts:      []Expert{{ID: 1, Load: 9}, {ID: 2}},
		Applications: []Application{{ID: 11, Need: 1}},
		Forbidden:    forbid([2]int64{11, 2}),
	}
	r := solve(t, p)
	if want := [][2]int64{{11, 1}}; !reflect.DeepEqual(pairsOf(r), want) {
		t.Errorf("pairs %v, want %v", pairsOf(r), want)
	}
}

func TestSameInputInAnyOrderGivesSameResult(t *testing.T) {
	p := Instance(40, 12, 3, 7)
	want := solve(t, p)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		q := Problem{
			Experts:      slices.Clone(p.Experts),
			Applications: slices.Clone(p.Applications),
			Forbidden:    map[[2]int64]bool{},
		}
		for k, v := range p.Forbidden {
			q.Forbidden[k] = v
		}
		rng.Shuffle(len(q.Experts), func(i, j int) { q.Experts[i], q.Experts[j] = q.Experts[j], q.Experts[i] })
		rng.Shuffle(len(q.Applications), func(i, j int) {
			q.Applications[i], q.Applications[j] = q.Applications[j], q.Applications[i]
		})
		for i := range q.Applications {
			fs := slices.Clone(q.Applications[i].Features)
			rng.Shuffle(len(fs), func(a, b int) { fs[a], fs[b] = fs[b], fs[a] })
			q.Applications[i].Features = fs
		}
		if got := solve(t, q); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffled input gives a different result")
		}
	}
}

func TestInvalidProblemsAreRefused(t *testing.T) {
	cases := map[string]Problem{
		"duplicate expert":      {Experts: experts(1, 1)},
		"duplicate application": {Applications: []Application{{ID: 3}, {ID: 3}}},
		"negative need":         {Applications: []Application{{ID: 3, Need: -1}}},
		"negative load":         {Experts: []Expert{{ID: 1, Load: -1}}},
		"negative max":          {Experts: []Expert{{ID: 1, Max: -1}}},
		"unknown fixed":         {Experts: experts(1), Applications: []Application{{ID: 3, Fixed: []int64{2}}}},
		"fixed twice":           {Experts: experts(1), Applications: []Application{{ID: 3, Fixed: []int64{1, 1}}}},
		"negative weight":       {Applications: []Application{{ID: 3, Features: []Feature{{"x", -1}}}}},
	}
	for name, p := range cases {
		if _, err := Solve(p); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", name, err)
		}
	}
}

func TestEmptyProblem(t *testing.T) {
	r := solve(t, Problem{})
	if len(r.Pairs) != 0 || len(r.Shortfalls) != 0 || r.Spread() != 0 {
		t.Errorf("result %+v, want nothing", r)
	}
	r = solve(t, Problem{Applications: []Application{{ID: 1, Need: 2}}})
	if want := []Shortfall{{1, 2, ReasonNoEligibleExpert}}; !reflect.DeepEqual(r.Shortfalls, want) {
		t.Errorf("shortfalls %v, want %v", r.Shortfalls, want)
	}
}

// TestBenchmarkInstanceIsBalanced checks the issue's instance: 300
// applications, 60 experts, 3 per application, with conflicts.
func TestBenchmarkInstanceIsBalanced(t *testing.T) {
	for seed := range uint64(3) {
		p := Instance(300, 60, 3, seed)
		r := solve(t, p)
		if len(r.Shortfalls) != 0 {
			t.Errorf("seed %d: shortfalls %v", seed, r.Shortfalls)
		}
		if r.Spread() > 1 {
			t.Errorf("seed %d: spread %d, want ≤ 1", seed, r.Spread())
		}
	}
}

// randomTiny makes an instance small enough to enumerate, with every rule in
// play: conflicts, fixed experts, loads, caps and features.
func randomTiny(rng *rand.Rand) Problem {
	keys := []string{"a", "b", "c", "d"}
	nE, nA := 1+rng.IntN(4), 1+rng.IntN(3)
	p := Problem{Forbidden: map[[2]int64]bool{}}
	for j := range nE {
		e := Expert{ID: int64(10 * (j + 1)), Load: rng.IntN(3)}
		if rng.IntN(3) == 0 {
			e.Max = e.Load + rng.IntN(3)
		}
		for _, k := range keys {
			if rng.IntN(2) == 0 {
				e.Features = append(e.Features, k)
			}
		}
		p.Experts = append(p.Experts, e)
	}
	for i := range nA {
		a := Application{ID: int64(i + 1), Need: rng.IntN(3)}
		for _, k := range keys {
			if rng.IntN(2) == 0 {
				a.Features = append(a.Features, Feature{k, 1 + rng.IntN(3)})
			}
		}
		for _, e := range p.Experts {
			switch rng.IntN(6) {
			case 0:
				p.Forbidden[[2]int64{a.ID, e.ID}] = true
			case 1:
				a.Fixed = append(a.Fixed, e.ID)
			}
		}
		p.Applications = append(p.Applications, a)
	}
	return p
}

// objective is the lexicographic goal: more places filled, then smaller
// sum of squared loads, then more score.
type objective struct{ filled, squares, score int }

func (o objective) better(p objective) bool {
	if o.filled != p.filled {
		return o.filled > p.filled
	}
	if o.squares != p.squares {
		return o.squares < p.squares
	}
	return o.score > p.score
}

func objectiveOf(p Problem, r Result) objective {
	o := objective{filled: len(r.Pairs), score: r.Score()}
	for _, l := range r.Loads {
		o.squares += l * l
	}
	return o
}

// bruteForce enumerates every assignment (for each application, a subset of
// its eligible experts of at most Need) and returns the best objective.
func bruteForce(p Problem) objective {
	nE := len(p.Experts)
	load := make([]int, nE)
	for j, e := range p.Experts {
		load[j] = e.Load + countFixed(p, e.ID)
	}
	score := func(a Application, e Expert) int {
		s := 0
		for _, f := range a.Features {
			if slices.Contains(e.Features, f.Key) {
				s += f.Weight
			}
		}
		return s
	}
	best := objective{filled: -1}
	var walk func(i, filled, sc int)
	walk = func(i, filled, sc int) {
		if i == len(p.Applications) {
			o := objective{filled: filled, score: sc}
			for _, l := range load {
				o.squares += l * l
			}
			if o.better(best) {
				best = o
			}
			return
		}
		a := p.Applications[i]
		eligible := 0
		for j, e := range p.Experts {
			if !p.Forbidden[[2]int64{a.ID, e.ID}] && !slices.Contains(a.Fixed, e.ID) {
				eligible |= 1 << j
			}
		}
	subsets:
		for set := 0; set < 1<<nE; set++ {
			if set&^eligible != 0 || bits.OnesCount(uint(set)) > a.Need {
				continue
			}
			for j, e := range p.Experts {
				if set&(1<<j) != 0 && e.Max > 0 && load[j]+1 > e.Max {
					continue subsets
				}
			}
			add := 0
			for j, e := range p.Experts {
				if set&(1<<j) != 0 {
					load[j]++
					add += score(a, e)
				}
			}
			walk(i+1, filled+bits.OnesCount(uint(set)), sc+add)
			for j := range p.Experts {
				if set&(1<<j) != 0 {
					load[j]--
				}
			}
		}
	}
	walk(0, 0, 0)
	return best
}

func TestRandomTinyInstancesMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 0))
	for n := range 3000 {
		p := randomTiny(rng)
		r := solve(t, p)
		got, want := objectiveOf(p, r), bruteForce(p)
		if got != want {
			t.Fatalf("instance %d %+v: objective %+v, brute force %+v", n, p, got, want)
		}
		checkReasons(t, p, r)
	}
}

// checkReasons asserts a capacity shortfall names only experts at their cap:
// an eligible expert left off an application short of experts is full.
func checkReasons(t *testing.T, p Problem, r Result) {
	t.Helper()
	on := map[[2]int64]bool{}
	for _, pr := range r.Pairs {
		on[[2]int64{pr.Application, pr.Expert}] = true
	}
	short := map[int64]bool{}
	for _, s := range r.Shortfalls {
		short[s.Application] = true
	}
	for _, a := range p.Applications {
		if !short[a.ID] {
			continue
		}
		for _, e := range p.Experts {
			key := [2]int64{a.ID, e.ID}
			if p.Forbidden[key] || on[key] || slices.Contains(a.Fixed, e.ID) {
				continue
			}
			if e.Max == 0 || r.Loads[e.ID] < e.Max {
				t.Fatalf("application %d short of experts while expert %d (load %d, max %d) could take it",
					a.ID, e.ID, r.Loads[e.ID], e.Max)
			}
		}
	}
}

func TestRandomMediumInstancesKeepTheRules(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 0))
	for n := range 200 {
		apps, exps, per := 1+rng.IntN(40), 1+rng.IntN(12), 1+rng.IntN(4)
		p := Instance(apps, exps, per, uint64(n))
		// Tighten some caps and add conflicts so shortfalls happen too.
		for j := range p.Experts {
			if rng.IntN(3) == 0 {
				p.Experts[j].Max = 1 + rng.IntN(6)
			}
		}
		for _, a := range p.Applications {
			for _, e := range p.Experts {
				if rng.IntN(4) == 0 {
					p.Forbidden[[2]int64{a.ID, e.ID}] = true
				}
			}
		}
		r := solve(t, p)
		checkReasons(t, p, r)
		if again := solve(t, p); !reflect.DeepEqual(again, r) {
			t.Fatalf("instance %d: two runs differ", n)
		}
	}
}

func ExampleSolve() {
	r, err := Solve(Problem{
		Experts: []Expert{
			{ID: 1, Features: []string{"sector:diagnostics", "brick:ai", "kw:microfluidics"}},
			{ID: 2, Features: []string{"kw:microfluidics"}, Load: 1},
			{ID: 3, Features: []string{"sector:diagnostics"}},
		},
		Applications: []Application{
			{ID: 100, Need: 2, Features: []Feature{{"sector:diagnostics", 3}, {"brick:ai", 2}, {"kw:microfluidics", 1}}},
			{ID: 101, Need: 1, Features: []Feature{{"kw:microfluidics", 1}}},
		},
		Forbidden: map[[2]int64]bool{{101, 2}: true}, // expert 2 co-wrote application 101
	})
	if err != nil {
		panic(err)
	}
	for _, p := range r.Pairs {
		fmt.Println(p.Application, p.Expert, p.Score, p.Matched)
	}
	fmt.Println("loads:", r.Loads[1], r.Loads[2], r.Loads[3])
	// Output:
	// 100 1 6 [sector:diagnostics brick:ai kw:microfluidics]
	// 100 3 3 [sector:diagnostics]
	// 101 1 1 [kw:microfluidics]
	// loads: 2 1 1
}
