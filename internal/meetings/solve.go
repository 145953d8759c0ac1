package meetings

import (
	"fmt"
	"sort"
)

// Work budgets at Effort 1. They are counts, not durations, so that the same
// problem always gives the same schedule.
const (
	// Steps of the relaxation, in rounds of doubling length; after each
	// round a greedy construction follows the relaxation's solution.
	relaxationSteps = 800
	firstRound      = 50
	// Moves of the large-neighbourhood search: per request, at least
	// minMoves.
	movesPerRequest = 4
	minMoves        = 50000
)

// Solve schedules p. It returns a validate.Errors when p breaks a rule
// (see Validate).
func Solve(p Problem, opt Options) (Schedule, error) {
	in, err := compile(p)
	if err != nil {
		return Schedule{}, fmt.Errorf("meetings: %w", err)
	}
	effort := opt.Effort
	if effort <= 0 {
		effort = 1
	}
	best := newSearch(in, opt.Seed)
	best.greedy(nil)
	rx := newRelaxation(in)
	steps := int(relaxationSteps * effort)
	for round := firstRound; rx.iterations < steps; round *= 2 {
		rx.solve(min(round, steps-rx.iterations), best.weight)
		if rx.bound() <= best.weight {
			break // proven optimal
		}
		sr := newSearch(in, opt.Seed)
		sr.greedy(rx)
		sr.fill(1)
		if sr.weight > best.weight {
			best = sr
		}
	}
	bound := rx.bound()
	best.share, _ = rx.hint(len(in.reqs))
	best.improve(int(float64(max(minMoves, movesPerRequest*len(in.reqs)))*effort), bound)
	// Every request that fits as the schedule stands goes in, so that each
	// unscheduled request has one of the reasons reason gives.
	best.fill(0)
	return best.schedule(bound), nil
}

// schedule writes the state out: table numbers, sorted meetings, and the
// reason of each unscheduled request.
func (sr *search) schedule(bound int) Schedule {
	in := sr.in
	out := Schedule{Weight: sr.weight, Scheduled: sr.placed, UpperBound: bound}
	table := make([]int, len(in.reqs))
	taken := make([][]bool, in.slots)
	for _, f := range in.fixed {
		table[f.req] = f.table
		if f.table > 0 {
			if taken[f.slot] == nil {
				taken[f.slot] = make([]bool, in.tables+1)
			}
			taken[f.slot][f.table] = true
		}
	}
	next := make([]int, in.slots)
	for e, r := range in.reqs {
		s := int(sr.slot[e])
		if s < 0 || !r.table || sr.locked[e] {
			continue
		}
		next[s]++
		for taken[s] != nil && taken[s][next[s]] {
			next[s]++
		}
		table[e] = next[s]
	}
	for e, r := range in.reqs {
		if s := int(sr.slot[e]); s >= 0 {
			out.Meetings = append(out.Meetings, Meeting{A: in.ids[r.a], B: in.ids[r.b], Slot: s, Table: table[e], Fixed: sr.locked[e]})
			continue
		}
		u := sr.reason(e)
		u.Message = u.Text("en")
		out.Unscheduled = append(out.Unscheduled, u)
	}
	sort.SliceStable(out.Meetings, func(i, j int) bool {
		mi, mj := out.Meetings[i], out.Meetings[j]
		if mi.Slot != mj.Slot {
			return mi.Slot < mj.Slot
		}
		return mi.Table < mj.Table
	})
	return out
}

// reason explains why unscheduled request e is not in the schedule, which
// must be maximal (no unscheduled request fits as it stands).
func (sr *search) reason(e int) Unscheduled {
	in := sr.in
	r := &in.reqs[e]
	u := Unscheduled{A: in.ids[r.a], B: in.ids[r.b], Weight: r.weight}
	switch {
	case len(r.common) == 0:
		u.Reason = NoCommonSlot
		return u
	case sr.count[r.a] >= in.limit[r.a]:
		u.Reason, u.Participant, u.limit = MaxReached, in.ids[r.a], in.limit[r.a]
		return u
	case sr.count[r.b] >= in.limit[r.b]:
		u.Reason, u.Participant, u.limit = MaxReached, in.ids[r.b], in.limit[r.b]
		return u
	}
	for _, s := range r.common {
		if sr.busy(r.a, int(s)) < 0 && sr.busy(r.b, int(s)) < 0 {
			u.Reason = TablesFull
			return u
		}
	}
	u.Reason, u.slots = NoFreeSlot, len(r.common)
	return u
}
