package meetings

import (
	"fmt"

	"filiere/internal/validate"
)

// instance is a validated problem with participants and requests turned
// into indexes, the form every algorithm of the package works on.
type instance struct {
	slots, tables int
	ids           []string
	stand         []bool
	avail         []bool // person*slots + slot
	limit         []int  // most meetings a person may have: MaxMeetings, or unlimited
	reqs          []request
	fixed         []fixedMeeting
}

// request is an accepted request between people a and b.
type request struct {
	a, b   int
	weight int
	table  bool    // the meeting needs a table: neither side holds a stand
	common []int16 // slots where both are available
}

// fixedMeeting is a meeting kept where the problem put it.
type fixedMeeting struct {
	req, slot, table int
}

// unlimited stands for "no maximum": more than any person can have.
const unlimited = 1 << 30

// Validate checks p against the rules and returns a validate.Errors, one
// entry per problem found (field "slots", "participants[3]", "requests[5]",
// "fixed[0]"…), or nil.
func Validate(p Problem) error {
	_, err := compile(p)
	return err
}

// compile validates p and indexes it.
func compile(p Problem) (*instance, error) {
	var errs validate.Errors
	if p.Slots < 1 || p.Slots > MaxSlots {
		errs.Add("slots", "meetings.slots_range", MaxSlots, p.Slots)
		return nil, errs
	}
	if p.Tables < 0 || p.Tables > MaxTables {
		errs.Add("tables", "meetings.tables_range", MaxTables, p.Tables)
	}
	in := &instance{slots: p.Slots, tables: p.Tables}
	n := len(p.Participants)
	in.ids = make([]string, n)
	in.stand = make([]bool, n)
	in.avail = make([]bool, n*p.Slots)
	in.limit = make([]int, n)
	index := make(map[string]int, n)
	for i, pt := range p.Participants {
		field := fmt.Sprintf("participants[%d]", i)
		switch _, dup := index[pt.ID]; {
		case pt.ID == "":
			errs.Add(field, "meetings.id_required")
		case dup:
			errs.Add(field, "meetings.id_duplicate", pt.ID)
		default:
			index[pt.ID] = i
		}
		in.ids[i], in.stand[i] = pt.ID, pt.Stand
		for _, s := range pt.Available {
			switch {
			case s < 0 || s >= p.Slots:
				errs.Add(field, "meetings.slot_range", s, p.Slots-1)
			case in.avail[i*p.Slots+s]:
				errs.Add(field, "meetings.slot_twice", s)
			default:
				in.avail[i*p.Slots+s] = true
			}
		}
		in.limit[i] = unlimited
		switch {
		case pt.MaxMeetings < 0:
			errs.Add(field, "meetings.max_negative", pt.MaxMeetings)
		case pt.MaxMeetings > 0:
			in.limit[i] = pt.MaxMeetings
		}
	}

	pairs := make(map[[2]int]int, len(p.Requests))
	in.reqs = make([]request, len(p.Requests))
	for i, r := range p.Requests {
		field := fmt.Sprintf("requests[%d]", i)
		a, okA := index[r.A]
		b, okB := index[r.B]
		if !okA {
			errs.Add(field, "meetings.unknown_participant", r.A)
		}
		if !okB && r.B != r.A {
			errs.Add(field, "meetings.unknown_participant", r.B)
		}
		if r.Weight < 1 || r.Weight > MaxWeight {
			errs.Add(field, "meetings.weight_range", MaxWeight, r.Weight)
		}
		if !okA || !okB {
			continue
		}
		if a == b {
			errs.Add(field, "meetings.self_request", r.A)
			continue
		}
		key := pairKey(a, b)
		if first, dup := pairs[key]; dup {
			errs.Add(field, "meetings.duplicate_request", r.A, r.B, first)
			continue
		}
		pairs[key] = i
		rq := request{a: a, b: b, weight: r.Weight, table: !in.stand[a] && !in.stand[b]}
		for s := range p.Slots {
			if in.avail[a*p.Slots+s] && in.avail[b*p.Slots+s] {
				rq.common = append(rq.common, int16(s))
			}
		}
		in.reqs[i] = rq
	}
	if len(errs) > 0 {
		// The fixed meetings are checked against valid participants and
		// requests only.
		return nil, errs
	}
	in.checkFixed(p.Fixed, pairs, &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	return in, nil
}

// checkFixed checks the fixed meetings one by one, then against each other,
// and records the valid ones.
func (in *instance) checkFixed(fixed []Meeting, pairs map[[2]int]int, errs *validate.Errors) {
	index := make(map[string]int, len(in.ids))
	for i, id := range in.ids {
		index[id] = i
	}
	busy := map[[2]int]int{}  // person, slot → fixed meeting
	table := map[[2]int]int{} // slot, table → fixed meeting
	count := make([]int, len(in.ids))
	fixedReq := map[int]int{} // request → fixed meeting
	for i, m := range fixed {
		field := fmt.Sprintf("fixed[%d]", i)
		a, okA := index[m.A]
		b, okB := index[m.B]
		if !okA {
			errs.Add(field, "meetings.unknown_participant", m.A)
		}
		if !okB && m.B != m.A {
			errs.Add(field, "meetings.unknown_participant", m.B)
		}
		if !okA || !okB {
			continue
		}
		req, ok := pairs[pairKey(a, b)]
		if !ok {
			errs.Add(field, "meetings.fixed_not_requested", m.A, m.B)
			continue
		}
		if first, dup := fixedReq[req]; dup {
			errs.Add(field, "meetings.fixed_twice", m.A, m.B, first)
			continue
		}
		if m.Slot < 0 || m.Slot >= in.slots {
			errs.Add(field, "meetings.slot_range", m.Slot, in.slots-1)
			continue
		}
		bad := false
		for _, p := range []int{a, b} {
			if !in.avail[p*in.slots+m.Slot] {
				errs.Add(field, "meetings.fixed_unavailable", in.ids[p], m.Slot)
				bad = true
			} else if other, taken := busy[[2]int{p, m.Slot}]; taken {
				errs.Add(field, "meetings.fixed_busy", in.ids[p], m.Slot, other)
				bad = true
			}
		}
		switch {
		case !in.reqs[req].table && m.Table != 0:
			errs.Add(field, "meetings.fixed_table_stand", m.Table)
			bad = true
		case in.reqs[req].table && (m.Table < 1 || m.Table > in.tables):
			errs.Add(field, "meetings.fixed_table_range", m.Table, in.tables)
			bad = true
		case in.reqs[req].table:
			if other, taken := table[[2]int{m.Slot, m.Table}]; taken {
				errs.Add(field, "meetings.fixed_table_taken", m.Table, m.Slot, other)
				bad = true
			}
		}
		if bad {
			continue
		}
		for _, p := range []int{a, b} {
			count[p]++
			if count[p] == in.limit[p]+1 {
				errs.Add(field, "meetings.fixed_over_max", in.ids[p], in.limit[p])
				bad = true
			}
		}
		busy[[2]int{a, m.Slot}], busy[[2]int{b, m.Slot}] = i, i
		if in.reqs[req].table {
			table[[2]int{m.Slot, m.Table}] = i
		}
		fixedReq[req] = i
		if !bad {
			in.fixed = append(in.fixed, fixedMeeting{req: req, slot: m.Slot, table: m.Table})
		}
	}
}

// pairKey identifies an unordered pair of people.
func pairKey(a, b int) [2]int {
	if a > b {
		a, b = b, a
	}
	return [2]int{a, b}
}
