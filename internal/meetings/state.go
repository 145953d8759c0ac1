package meetings

// state is a schedule under construction: which request sits in which slot,
// with the indexes that make every rule an O(1) check, and a journal so that
// a tentative change can be undone.
type state struct {
	in     *instance
	at     []int32   // person*slots + slot → request met there, or -1
	slot   []int32   // request → its slot, or -1
	tables [][]int32 // slot → the table meetings held there
	tpos   []int32   // request → its index in tables[slot]
	count  []int     // person → meetings
	locked []bool    // request → fixed by the problem
	weight int
	placed int

	// open lists the unscheduled requests that have a common slot: the
	// candidates of the search. opos is each one's index in open, or -1.
	open []int32
	opos []int32

	journal []change
}

// change is one journal entry: a request placed in or removed from a slot.
type change struct {
	req, slot int32
	placed    bool
}

func newState(in *instance) *state {
	st := &state{
		in:     in,
		at:     make([]int32, len(in.ids)*in.slots),
		slot:   make([]int32, len(in.reqs)),
		tables: make([][]int32, in.slots),
		tpos:   make([]int32, len(in.reqs)),
		count:  make([]int, len(in.ids)),
		locked: make([]bool, len(in.reqs)),
		opos:   make([]int32, len(in.reqs)),
	}
	for i := range st.at {
		st.at[i] = -1
	}
	for e := range in.reqs {
		st.slot[e] = -1
		st.opos[e] = -1
	}
	for _, f := range in.fixed {
		st.place(f.req, f.slot)
		st.locked[f.req] = true
	}
	for e, r := range in.reqs {
		if st.slot[e] < 0 && len(r.common) > 0 {
			st.opos[e] = int32(len(st.open))
			st.open = append(st.open, int32(e))
		}
	}
	st.commit()
	return st
}

// fits reports whether unscheduled request e can be placed in slot s as the
// schedule stands.
func (st *state) fits(e, s int) bool {
	r := &st.in.reqs[e]
	S := st.in.slots
	return st.in.avail[r.a*S+s] && st.in.avail[r.b*S+s] &&
		st.at[r.a*S+s] < 0 && st.at[r.b*S+s] < 0 &&
		(!r.table || len(st.tables[s]) < st.in.tables) &&
		st.count[r.a] < st.in.limit[r.a] && st.count[r.b] < st.in.limit[r.b]
}

// place puts unscheduled request e in slot s, which must be free for it.
func (st *state) place(e, s int) {
	r := &st.in.reqs[e]
	S := st.in.slots
	st.at[r.a*S+s], st.at[r.b*S+s] = int32(e), int32(e)
	st.slot[e] = int32(s)
	if r.table {
		st.tpos[e] = int32(len(st.tables[s]))
		st.tables[s] = append(st.tables[s], int32(e))
	}
	st.count[r.a]++
	st.count[r.b]++
	st.weight += r.weight
	st.placed++
	if i := st.opos[e]; i >= 0 {
		last := st.open[len(st.open)-1]
		st.open[i], st.opos[last] = last, i
		st.open = st.open[:len(st.open)-1]
		st.opos[e] = -1
	}
	st.journal = append(st.journal, change{int32(e), int32(s), true})
}

// unplace removes scheduled request e from its slot.
func (st *state) unplace(e int) {
	r := &st.in.reqs[e]
	S := st.in.slots
	s := int(st.slot[e])
	st.at[r.a*S+s], st.at[r.b*S+s] = -1, -1
	st.slot[e] = -1
	if r.table {
		list := st.tables[s]
		i, last := st.tpos[e], list[len(list)-1]
		list[i], st.tpos[last] = last, i
		st.tables[s] = list[:len(list)-1]
	}
	st.count[r.a]--
	st.count[r.b]--
	st.weight -= r.weight
	st.placed--
	st.opos[e] = int32(len(st.open))
	st.open = append(st.open, int32(e))
	st.journal = append(st.journal, change{int32(e), int32(s), false})
}

// commit forgets the journal: what was done stays done.
func (st *state) commit() { st.journal = st.journal[:0] }

// mark returns a point of the journal to roll back to.
func (st *state) mark() int { return len(st.journal) }

// rollback undoes every change made since mark m.
func (st *state) rollback(m int) {
	for len(st.journal) > m {
		c := st.journal[len(st.journal)-1]
		if c.placed {
			st.unplace(int(c.req))
		} else {
			st.place(int(c.req), int(c.slot))
		}
		// Undoing journals the inverse change too: drop both entries.
		st.journal = st.journal[:len(st.journal)-2]
	}
}

// busy returns the request person p meets in slot s, or -1.
func (st *state) busy(p, s int) int { return int(st.at[p*st.in.slots+s]) }
