package meetings

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// violations checks schedule s against problem p from scratch, without any
// of the solver's code, and lists every rule it breaks.
func violations(p Problem, s Schedule) []string {
	var bad []string
	report := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }

	people := map[string]Participant{}
	for _, pt := range p.Participants {
		people[pt.ID] = pt
	}
	type pair struct{ a, b string }
	key := func(a, b string) pair {
		if a > b {
			a, b = b, a
		}
		return pair{a, b}
	}
	weight := map[pair]int{}
	for _, r := range p.Requests {
		weight[key(r.A, r.B)] = r.Weight
	}
	available := func(id string, slot int) bool { return slices.Contains(people[id].Available, slot) }

	met := map[pair]bool{}
	busy := map[string]map[int]bool{}
	count := map[string]int{}
	tables := map[[2]int]bool{}
	total := 0
	for _, m := range s.Meetings {
		k := key(m.A, m.B)
		w, requested := weight[k]
		if !requested {
			report("meeting %s–%s was not requested", m.A, m.B)
			continue
		}
		if met[k] {
			report("%s and %s meet twice", m.A, m.B)
		}
		met[k] = true
		total += w
		if m.Slot < 0 || m.Slot >= p.Slots {
			report("meeting %s–%s in slot %d out of range", m.A, m.B, m.Slot)
		}
		for _, id := range []string{m.A, m.B} {
			if !available(id, m.Slot) {
				report("%s is not available in slot %d", id, m.Slot)
			}
			if busy[id] == nil {
				busy[id] = map[int]bool{}
			}
			if busy[id][m.Slot] {
				report("%s has two meetings in slot %d", id, m.Slot)
			}
			busy[id][m.Slot] = true
			count[id]++
		}
		atStand := people[m.A].Stand || people[m.B].Stand
		switch {
		case atStand && m.Table != 0:
			report("meeting %s–%s at a stand has table %d", m.A, m.B, m.Table)
		case !atStand && (m.Table < 1 || m.Table > p.Tables):
			report("meeting %s–%s has table %d of %d", m.A, m.B, m.Table, p.Tables)
		case !atStand && tables[[2]int{m.Slot, m.Table}]:
			report("table %d in slot %d is used twice", m.Table, m.Slot)
		}
		tables[[2]int{m.Slot, m.Table}] = true
	}
	for id, n := range count {
		if max := people[id].MaxMeetings; max > 0 && n > max {
			report("%s has %d meetings, more than their maximum of %d", id, n, max)
		}
	}
	for _, f := range p.Fixed {
		if !slices.ContainsFunc(s.Meetings, func(m Meeting) bool {
			return key(m.A, m.B) == key(f.A, f.B) && m.Slot == f.Slot && m.Table == f.Table && m.Fixed
		}) {
			report("fixed meeting %s–%s moved or lost", f.A, f.B)
		}
	}
	listed := map[pair]int{}
	for k := range met {
		listed[k]++
	}
	for _, u := range s.Unscheduled {
		k := key(u.A, u.B)
		listed[k]++
		if u.Weight != weight[k] {
			report("unscheduled %s–%s has weight %d, want %d", u.A, u.B, u.Weight, weight[k])
		}
		if why := wrongReason(p, s, u, busy, count); why != "" {
			report("unscheduled %s–%s: %s", u.A, u.B, why)
		}
		if u.Message == "" || u.Message == "meetings.reason."+string(u.Reason) {
			report("unscheduled %s–%s has no message", u.A, u.B)
		}
	}
	for _, r := range p.Requests {
		if n := listed[key(r.A, r.B)]; n != 1 {
			report("request %s–%s appears %d times in meetings and unscheduled", r.A, r.B, n)
		}
	}
	if len(listed) != len(p.Requests) {
		report("%d pairs listed for %d requests", len(listed), len(p.Requests))
	}
	if s.Scheduled != len(s.Meetings) {
		report("scheduled = %d for %d meetings", s.Scheduled, len(s.Meetings))
	}
	if s.Weight != total {
		report("weight = %d, the meetings weigh %d", s.Weight, total)
	}
	if s.UpperBound < s.Weight {
		report("upper bound %d below the weight %d", s.UpperBound, s.Weight)
	}
	return bad
}

// wrongReason says what is false in an unscheduled request's reason, or "".
func wrongReason(p Problem, s Schedule, u Unscheduled, busy map[string]map[int]bool, count map[string]int) string {
	people := map[string]Participant{}
	for _, pt := range p.Participants {
		people[pt.ID] = pt
	}
	var common []int
	for _, slot := range people[u.A].Available {
		if slices.Contains(people[u.B].Available, slot) {
			common = append(common, slot)
		}
	}
	usedTables := map[int]int{}
	for _, m := range s.Meetings {
		if m.Table > 0 {
			usedTables[m.Slot]++
		}
	}
	switch u.Reason {
	case NoCommonSlot:
		if len(common) > 0 {
			return fmt.Sprintf("no common slot, yet they share %v", common)
		}
	case MaxReached:
		pt := people[u.Participant]
		if (u.Participant != u.A && u.Participant != u.B) || pt.MaxMeetings == 0 || count[u.Participant] < pt.MaxMeetings {
			return fmt.Sprintf("%q has not reached a maximum", u.Participant)
		}
	case TablesFull:
		bothFree := 0
		for _, slot := range common {
			if !busy[u.A][slot] && !busy[u.B][slot] {
				bothFree++
				if usedTables[slot] < p.Tables || people[u.A].Stand || people[u.B].Stand {
					return fmt.Sprintf("slot %d has both free and a table left", slot)
				}
			}
		}
		if bothFree == 0 {
			return "tables full, yet no common slot has both free"
		}
	case NoFreeSlot:
		for _, slot := range common {
			if !busy[u.A][slot] && !busy[u.B][slot] {
				return fmt.Sprintf("no free slot, yet both are free in slot %d", slot)
			}
		}
		if len(common) == 0 {
			return "no free slot, yet they share no slot at all"
		}
	default:
		return fmt.Sprintf("unknown reason %q", u.Reason)
	}
	return ""
}

// optimum is the best schedule's weight, by exhaustive search: each request
// in turn is left out or put in each slot where the rules allow it.
func optimum(p Problem) int {
	idx := map[string]int{}
	for i, pt := range p.Participants {
		idx[pt.ID] = i
	}
	n := len(p.Participants)
	avail := make([][]bool, n)
	for i, pt := range p.Participants {
		avail[i] = make([]bool, p.Slots)
		for _, s := range pt.Available {
			avail[i][s] = true
		}
	}
	type req struct{ a, b, w, fixed int }
	var reqs []req
	for _, r := range p.Requests {
		q := req{idx[r.A], idx[r.B], r.Weight, -1}
		for _, f := range p.Fixed {
			if (f.A == r.A && f.B == r.B) || (f.A == r.B && f.B == r.A) {
				q.fixed = f.Slot
			}
		}
		reqs = append(reqs, q)
	}
	busy := make([][]bool, n)
	for i := range busy {
		busy[i] = make([]bool, p.Slots)
	}
	count := make([]int, n)
	tables := make([]int, p.Slots)
	rest := make([]int, len(reqs)+1) // weight of requests i.. onwards
	for i := len(reqs) - 1; i >= 0; i-- {
		rest[i] = rest[i+1] + reqs[i].w
	}
	best := -1
	var dfs func(i, w int)
	dfs = func(i, w int) {
		if w+rest[i] <= best {
			return
		}
		if i == len(reqs) {
			best = w
			return
		}
		r := reqs[i]
		table := !p.Participants[r.a].Stand && !p.Participants[r.b].Stand
		for s := range p.Slots {
			if r.fixed >= 0 && s != r.fixed {
				continue
			}
			if !avail[r.a][s] || !avail[r.b][s] || busy[r.a][s] || busy[r.b][s] || (table && tables[s] >= p.Tables) {
				continue
			}
			if m := p.Participants[r.a].MaxMeetings; m > 0 && count[r.a] >= m {
				continue
			}
			if m := p.Participants[r.b].MaxMeetings; m > 0 && count[r.b] >= m {
				continue
			}
			busy[r.a][s], busy[r.b][s] = true, true
			count[r.a]++
			count[r.b]++
			if table {
				tables[s]++
			}
			dfs(i+1, w+r.w)
			busy[r.a][s], busy[r.b][s] = false, false
			count[r.a]--
			count[r.b]--
			if table {
				tables[s]--
			}
		}
		if r.fixed < 0 {
			dfs(i+1, w)
		}
	}
	dfs(0, 0)
	return best
}

// tinyProblem is a random problem small enough for optimum: at most 8
// people, 3 slots and 10 requests, with stands, gaps, maxima, scarce tables
// and now and then a fixed meeting.
func tinyProblem(rng *rand.Rand) Problem {
	p := Problem{Slots: 1 + rng.IntN(3), Tables: rng.IntN(3)}
	n := 3 + rng.IntN(6)
	for i := range n {
		pt := Participant{ID: fmt.Sprintf("t%d", i), Stand: rng.IntN(4) == 0}
		for s := range p.Slots {
			if rng.IntN(5) > 0 {
				pt.Available = append(pt.Available, s)
			}
		}
		if rng.IntN(4) == 0 {
			pt.MaxMeetings = 1 + rng.IntN(2)
		}
		p.Participants = append(p.Participants, pt)
	}
	seen := map[[2]int]bool{}
	for range 1 + rng.IntN(10) {
		a, b := rng.IntN(n), rng.IntN(n)
		if a == b || seen[pairKey(a, b)] {
			continue
		}
		seen[pairKey(a, b)] = true
		p.Requests = append(p.Requests, Request{A: p.Participants[a].ID, B: p.Participants[b].ID, Weight: 1 + rng.IntN(3)*rng.IntN(2)})
	}
	if len(p.Requests) > 0 && rng.IntN(3) == 0 {
		sc := Scenario{Fixed: 1 + rng.IntN(2)}
		p.Fixed = sc.fix(p, rng)
	}
	return p
}
