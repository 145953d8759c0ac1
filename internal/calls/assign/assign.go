// Package assign chooses expert evaluators for the applications of a call for
// projects. It is pure computation, no database: the calls package loads the
// experts, applications, existing assignments and conflicts of interest,
// calls Solve and stores the pairs it returns.
//
// The objective is lexicographic: (1) fill as many needed places as possible;
// (2) among those, balance the experts' loads, measured by the sum of squared
// total loads (which yields max − min ≤ 1 whenever conflicts and caps allow
// it); (3) among those, maximise the total expertise score. A forbidden pair
// (conflict of interest) is never produced, whatever it would gain.
package assign

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Feature is one weighted trait of an application, such as
// "sector:diagnostics" (weight 3), "brick:ai" (2) or "kw:microfluidics" (1).
type Feature struct {
	Key    string
	Weight int
}

// Expert is a possible evaluator. Load counts the applications already
// assigned to them elsewhere (other calls or applications outside the
// problem); it weighs in the balance and against Max. Max caps the total load
// (Load, fixed and new assignments); 0 means no cap.
type Expert struct {
	ID       int64
	Features []string
	Load     int
	Max      int
}

// Application needs Need more experts on top of those in Fixed, who are
// already assigned: they count in their expert's load and are never assigned
// to it a second time.
type Application struct {
	ID       int64
	Features []Feature
	Need     int
	Fixed    []int64
}

// Problem is one assignment run. Forbidden holds the conflicts of interest as
// {application ID, expert ID} pairs; pairs naming unknown ids are ignored. A
// forbidden pair that is also fixed stays as it is: Solve only adds pairs.
type Problem struct {
	Experts      []Expert
	Applications []Application
	Forbidden    map[[2]int64]bool
}

// Pair is a new assignment. Score is the sum of the weights of the
// application's features the expert has; Matched lists those keys, heaviest
// first, then by key, so the staff can see why the expert was chosen.
type Pair struct {
	Application, Expert int64
	Score               int
	Matched             []string
}

// Reasons a place stays empty, carried in Shortfall.Reason; the web layer
// turns them into messages.
const (
	// ReasonNoEligibleExpert: every expert is in conflict with the
	// application or already on it.
	ReasonNoEligibleExpert = "no_eligible_expert"
	// ReasonCapacity: experts could take the application but have all
	// reached their cap.
	ReasonCapacity = "capacity"
)

// Shortfall reports Missing places of an application left empty for one
// Reason. An application may have two shortfalls, one per reason: with three
// places needed and two eligible experts at their cap, two places lack
// capacity and one lacks an eligible expert.
type Shortfall struct {
	Application int64
	Missing     int
	Reason      string
}

// Result is the outcome of Solve.
type Result struct {
	// Pairs are the new assignments only, ordered by application then
	// expert id.
	Pairs []Pair
	// Shortfalls are ordered by application id, then capacity before
	// no_eligible_expert.
	Shortfalls []Shortfall
	// Loads is every expert's total load afterwards: Load, fixed and new.
	Loads map[int64]int
}

// Spread is the difference between the largest and the smallest load, 0
// without experts.
func (r Result) Spread() int {
	first, lo, hi := true, 0, 0
	for _, l := range r.Loads {
		if first {
			first, lo, hi = false, l, l
		}
		lo, hi = min(lo, l), max(hi, l)
	}
	return hi - lo
}

// Score is the total expertise score of the new pairs.
func (r Result) Score() int {
	s := 0
	for _, p := range r.Pairs {
		s += p.Score
	}
	return s
}

// MaxWeight bounds a feature's weight and MaxLoad an expert's Load and Max,
// far above real use, so that no cost in the solver can overflow.
const (
	MaxWeight = 1_000_000
	MaxLoad   = 1_000_000
)

// ErrInvalid is wrapped by every error of Solve: the problem breaks a rule
// (duplicate id, negative number, unknown fixed expert). These come from the
// caller's data, not from a user's form, hence plain errors.
var ErrInvalid = errors.New("assign: invalid problem")

// Solve assigns experts to applications; see the package comment for the
// objective and flow.go for why the result is optimal. It is deterministic:
// the result depends neither on the order of the slices nor on map
// iteration, and ties between equally good solutions are settled by ids
// (the search visits applications and experts by increasing id).
func Solve(p Problem) (Result, error) {
	in, err := compile(p)
	if err != nil {
		return Result{}, err
	}
	n := newNetwork(in)
	n.run()
	return in.result(n), nil
}

// instance is a validated problem with experts and applications sorted by id
// and referred to by index.
type instance struct {
	experts []Expert
	apps    []Application
	keys    []string   // interned feature keys of the applications
	appKeys [][]weight // per application, its features, heaviest first, then by key
	skills  [][]uint64 // per expert, a bitset over keys
	state   []pairState
	base    []int // per expert: Load + fixed assignments
	room    []int // per expert: how many new assignments fit under Max
}

type weight struct {
	key, w int
}

// pairState is what an (application, expert) pair may become, indexed
// app*len(experts)+expert.
type pairState uint8

const (
	allowed pairState = iota
	forbidden
	fixed
)

func compile(p Problem) (*instance, error) {
	in := &instance{
		experts: slices.Clone(p.Experts),
		apps:    slices.Clone(p.Applications),
	}
	slices.SortFunc(in.experts, func(a, b Expert) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(in.apps, func(a, b Application) int { return cmp.Compare(a.ID, b.ID) })
	nE := len(in.experts)
	expIndex := make(map[int64]int, nE)
	for j, e := range in.experts {
		if j > 0 && in.experts[j-1].ID == e.ID {
			return nil, fmt.Errorf("%w: expert %d appears twice", ErrInvalid, e.ID)
		}
		if e.Load < 0 || e.Load > MaxLoad || e.Max < 0 || e.Max > MaxLoad {
			return nil, fmt.Errorf("%w: expert %d: load %d and max %d must be within 0..%d", ErrInvalid, e.ID, e.Load, e.Max, MaxLoad)
		}
		expIndex[e.ID] = j
	}
	appIndex := make(map[int64]int, len(in.apps))
	in.state = make([]pairState, len(in.apps)*nE)
	in.base = make([]int, nE)
	for j, e := range in.experts {
		in.base[j] = e.Load
	}
	keyIndex := map[string]int{}
	in.appKeys = make([][]weight, len(in.apps))
	totalNeed := 0
	for i, a := range in.apps {
		if i > 0 && in.apps[i-1].ID == a.ID {
			return nil, fmt.Errorf("%w: application %d appears twice", ErrInvalid, a.ID)
		}
		if a.Need < 0 {
			return nil, fmt.Errorf("%w: application %d needs %d experts", ErrInvalid, a.ID, a.Need)
		}
		appIndex[a.ID] = i
		totalNeed += a.Need
		for _, id := range a.Fixed {
			j, ok := expIndex[id]
			if !ok {
				return nil, fmt.Errorf("%w: application %d: fixed expert %d is unknown", ErrInvalid, a.ID, id)
			}
			if in.state[i*nE+j] == fixed {
				return nil, fmt.Errorf("%w: application %d: fixed expert %d appears twice", ErrInvalid, a.ID, id)
			}
			in.state[i*nE+j] = fixed
			in.base[j]++
		}
		// A key listed twice counts once, at its heaviest.
		byKey := map[int]int{}
		for _, f := range a.Features {
			if f.Weight < 0 || f.Weight > MaxWeight {
				return nil, fmt.Errorf("%w: application %d: feature %q weighs %d, not within 0..%d", ErrInvalid, a.ID, f.Key, f.Weight, MaxWeight)
			}
			k, ok := keyIndex[f.Key]
			if !ok {
				k = len(in.keys)
				keyIndex[f.Key] = k
				in.keys = append(in.keys, f.Key)
			}
			if w, seen := byKey[k]; !seen || f.Weight > w {
				byKey[k] = f.Weight
			}
		}
		ws := make([]weight, 0, len(byKey))
		for k, w := range byKey {
			ws = append(ws, weight{k, w})
		}
		slices.SortFunc(ws, func(x, y weight) int {
			return cmp.Or(cmp.Compare(y.w, x.w), cmp.Compare(in.keys[x.key], in.keys[y.key]))
		})
		in.appKeys[i] = ws
	}
	// Building a set: the map's iteration order does not matter.
	for pair, on := range p.Forbidden {
		i, okA := appIndex[pair[0]]
		j, okE := expIndex[pair[1]]
		if on && okA && okE && in.state[i*nE+j] == allowed {
			in.state[i*nE+j] = forbidden
		}
	}
	words := (len(in.keys) + 63) / 64
	in.skills = make([][]uint64, nE)
	in.room = make([]int, nE)
	for j, e := range in.experts {
		set := make([]uint64, words)
		for _, key := range e.Features {
			if k, ok := keyIndex[key]; ok {
				set[k/64] |= 1 << (k % 64)
			}
		}
		in.skills[j] = set
		// More room than places to fill is as good as no cap.
		in.room[j] = totalNeed
		if e.Max > 0 {
			in.room[j] = min(totalNeed, max(0, e.Max-in.base[j]))
		}
	}
	return in, nil
}

// score is the expertise of expert j on application i.
func (in *instance) score(i, j int) int {
	s, set := 0, in.skills[j]
	for _, f := range in.appKeys[i] {
		if set[f.key/64]&(1<<(f.key%64)) != 0 {
			s += f.w
		}
	}
	return s
}

// matched lists the keys behind score(i, j), heaviest first.
func (in *instance) matched(i, j int) []string {
	var keys []string
	set := in.skills[j]
	for _, f := range in.appKeys[i] {
		if set[f.key/64]&(1<<(f.key%64)) != 0 {
			keys = append(keys, in.keys[f.key])
		}
	}
	return keys
}

// result reads the pairs, loads and shortfalls off the solved network.
func (in *instance) result(n *network) Result {
	nE := len(in.experts)
	r := Result{Loads: make(map[int64]int, nE)}
	for j, e := range in.experts {
		r.Loads[e.ID] = n.load[j]
	}
	for i, a := range in.apps {
		eligible := 0
		for k := n.appStart[i]; k < n.appStart[i+1]; k++ {
			arc := &n.arcs[k]
			if arc.used {
				j := int(arc.exp)
				r.Pairs = append(r.Pairs, Pair{Application: a.ID, Expert: in.experts[j].ID, Score: in.score(i, j), Matched: in.matched(i, j)})
			} else {
				eligible++
			}
		}
		missing := a.Need - n.filled[i]
		if missing == 0 {
			continue
		}
		// The flow is maximum, so no path s→i→j→t remains: every eligible
		// expert left off the application is at their cap.
		if c := min(missing, eligible); c > 0 {
			r.Shortfalls = append(r.Shortfalls, Shortfall{Application: a.ID, Missing: c, Reason: ReasonCapacity})
			missing -= c
		}
		if missing > 0 {
			r.Shortfalls = append(r.Shortfalls, Shortfall{Application: a.ID, Missing: missing, Reason: ReasonNoEligibleExpert})
		}
	}
	return r
}
