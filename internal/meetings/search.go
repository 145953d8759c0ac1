package meetings

import (
	"math"
	"math/rand/v2"
	"sort"
)

// search improves a state: a greedy construction, then augmenting
// insertions and a large-neighbourhood search. Everything it does depends on
// the problem and the seed only, never on the clock.
type search struct {
	*state
	rng    *rand.Rand
	reqsOf [][]int32 // person → the requests they are part of
	share  []float64 // request → how much of it the relaxation schedules, if known
}

func newSearch(in *instance, seed uint64) *search {
	sr := &search{
		state:  newState(in),
		rng:    rand.New(rand.NewPCG(seed, 0x6d656574696e6773)), // "meetings"
		reqsOf: make([][]int32, len(in.ids)),
	}
	for e, r := range in.reqs {
		sr.reqsOf[r.a] = append(sr.reqsOf[r.a], int32(e))
		sr.reqsOf[r.b] = append(sr.reqsOf[r.b], int32(e))
	}
	return sr
}

// greedy places the open requests one by one, each in the free slot the
// requests still to come want least. Without a relaxation to follow (rx
// nil) the scarcest come first: heavier, then at a stand (no table used),
// then heavier per common slot and per meeting their busier person can
// still have. With one, the requests the relaxation schedules most come
// first, each preferably in the slot where it puts most of it.
func (sr *search) greedy(rx *relaxation) {
	in := sr.in
	S := in.slots
	demand := make([]int32, len(in.ids)*S) // person*slots+slot → requests still to come that could use it
	load := make([]float64, len(in.ids))   // person → open requests per meeting they can still have
	order := make([]int, 0, len(sr.open))
	for _, e := range sr.open {
		r := &in.reqs[e]
		order = append(order, int(e))
		for _, s := range r.common {
			demand[r.a*S+int(s)]++
			demand[r.b*S+int(s)]++
		}
		load[r.a]++
		load[r.b]++
	}
	for p := range load {
		free := 0
		for s := range S {
			if in.avail[p*S+s] && sr.busy(p, s) < 0 {
				free++
			}
		}
		load[p] /= float64(max(1, min(free, in.limit[p]-sr.count[p])))
	}
	// Shares are compared in twentieths: finer differences are noise of an
	// unfinished relaxation.
	level := func(x float64) int { return int(math.Round(x * 20)) }
	var total []float64
	var share func(e, s int) float64
	if rx != nil {
		total, share = rx.hint(len(in.reqs))
	}
	scarcity := make([]float64, len(in.reqs))
	for _, e := range order {
		r := &in.reqs[e]
		scarcity[e] = float64(r.weight) * max(load[r.a], load[r.b]) / float64(len(r.common))
	}
	sort.SliceStable(order, func(i, j int) bool {
		ei, ej := order[i], order[j]
		ri, rj := &in.reqs[ei], &in.reqs[ej]
		if total != nil {
			if li, lj := level(total[ei]), level(total[ej]); li != lj {
				return li > lj
			}
		}
		if ri.weight != rj.weight {
			return ri.weight > rj.weight
		}
		if ri.table != rj.table {
			return !ri.table
		}
		if scarcity[ei] != scarcity[ej] {
			return scarcity[ei] > scarcity[ej]
		}
		return ei < ej
	})
	for _, e := range order {
		r := &in.reqs[e]
		for _, s := range r.common {
			demand[r.a*S+int(s)]--
			demand[r.b*S+int(s)]--
		}
		best, bestLevel, bestDemand := -1, 0, int32(0)
		for _, s16 := range r.common {
			s := int(s16)
			if !sr.fits(e, s) {
				continue
			}
			lv, d := 0, demand[r.a*S+s]+demand[r.b*S+s]
			if share != nil {
				lv = level(share(e, s))
			}
			if best < 0 || lv > bestLevel || (lv == bestLevel && d < bestDemand) {
				best, bestLevel, bestDemand = s, lv, d
			}
		}
		if best >= 0 {
			sr.place(e, best)
		}
	}
	sr.commit()
}

// insert tries to schedule unscheduled request e, moving scheduled meetings
// to other slots along chains of at most depth moves; it never drops a
// meeting. It reports whether e was placed; on failure nothing changed.
func (sr *search) insert(e, depth int) bool {
	r := &sr.in.reqs[e]
	if sr.count[r.a] >= sr.in.limit[r.a] || sr.count[r.b] >= sr.in.limit[r.b] {
		return false
	}
	n := len(r.common)
	start := 0
	if n > 1 {
		start = sr.rng.IntN(n)
	}
	for i := range n {
		s := int(r.common[(start+i)%n])
		if sr.fits(e, s) {
			sr.place(e, s)
			return true
		}
	}
	if depth == 0 {
		return false
	}
	for i := range n {
		s := int(r.common[(start+i)%n])
		if sr.insertAt(e, s, depth) {
			return true
		}
	}
	return false
}

// insertAt places e in slot s by moving whatever is in the way (the
// meetings of a and b in s, and a table meeting when the slot's tables are
// all taken) to other slots, each within depth-1 further moves.
func (sr *search) insertAt(e, s, depth int) bool {
	r := &sr.in.reqs[e]
	S := sr.in.slots
	ca, cb := int(sr.at[r.a*S+s]), int(sr.at[r.b*S+s])
	if (ca >= 0 && sr.locked[ca]) || (cb >= 0 && sr.locked[cb]) {
		return false
	}
	tablesLeft := sr.in.tables - len(sr.tables[s])
	for _, c := range []int{ca, cb} {
		if c >= 0 && sr.in.reqs[c].table {
			tablesLeft++
		}
	}
	needTable := r.table && tablesLeft <= 0
	if needTable && sr.in.tables == 0 {
		return false
	}
	m := sr.mark()
	var moved [3]int
	nm := 0
	for _, c := range []int{ca, cb} {
		if c >= 0 {
			sr.unplace(c)
			moved[nm] = c
			nm++
		}
	}
	if needTable {
		// Move out the table meeting of this slot that is easiest to place
		// elsewhere: one with a directly free slot if any, else the first.
		list := sr.tables[s]
		g := -1
		for tries, k := 0, sr.rng.IntN(len(list)); tries < min(len(list), 8); tries, k = tries+1, (k+1)%len(list) {
			c := int(list[k])
			if sr.locked[c] {
				continue
			}
			if g < 0 {
				g = c
			}
			if sr.fitsElsewhere(c, s) {
				g = c
				break
			}
		}
		if g < 0 {
			sr.rollback(m)
			return false
		}
		sr.unplace(g)
		moved[nm] = g
		nm++
	}
	sr.place(e, s)
	for _, c := range moved[:nm] {
		if !sr.insert(c, depth-1) {
			sr.rollback(m)
			return false
		}
	}
	return true
}

// fitsElsewhere reports whether scheduled request e has a free slot other
// than its own.
func (sr *search) fitsElsewhere(e, own int) bool {
	r := &sr.in.reqs[e]
	S := sr.in.slots
	for _, s16 := range r.common {
		s := int(s16)
		if s != own && sr.at[r.a*S+s] < 0 && sr.at[r.b*S+s] < 0 && len(sr.tables[s]) < sr.in.tables {
			return true
		}
	}
	return false
}

// fill tries every open request once with insert at depth, the heaviest
// first, and reports whether anything was placed.
func (sr *search) fill(depth int) bool {
	open := append([]int32(nil), sr.open...)
	sort.Slice(open, func(i, j int) bool {
		wi, wj := sr.in.reqs[open[i]].weight, sr.in.reqs[open[j]].weight
		if wi != wj {
			return wi > wj
		}
		return open[i] < open[j]
	})
	placed := false
	for _, e := range open {
		if sr.slot[e] < 0 && sr.insert(int(e), depth) {
			placed = true
		}
		sr.commit()
	}
	return placed
}

// improve runs the large-neighbourhood search for at most budget moves, or
// until the schedule's weight reaches goal. A move forces an open request
// into one of its slots, dropping what is in the way, then tries to put the
// dropped meetings back elsewhere and to fill the gaps they leave with other
// open requests; it is kept when the total weight did not go down.
func (sr *search) improve(budget int, goal int) {
	for it := 0; it < budget && sr.weight < goal && len(sr.open) > 0; it++ {
		e := int(sr.open[sr.rng.IntN(len(sr.open))])
		if o := int(sr.open[sr.rng.IntN(len(sr.open))]); sr.better(o, e) {
			e = o
		}
		before := sr.weight
		m := sr.mark()
		if dropped, slots, ok := sr.force(e); ok {
			sr.repair(dropped, slots)
		}
		if sr.weight < before || sr.slot[e] < 0 {
			sr.rollback(m)
		}
		sr.commit()
	}
}

// better reports whether open request a looks more worth forcing in than b:
// the relaxation schedules more of it, or it weighs more.
func (sr *search) better(a, b int) bool {
	if sr.share != nil {
		if ha, hb := math.Round(sr.share[a]*10), math.Round(sr.share[b]*10); ha != hb {
			return ha > hb
		}
	}
	return sr.in.reqs[a].weight > sr.in.reqs[b].weight
}

// force places open request e in one of its slots, removing the meetings
// in the way and, if a or b is at their maximum, one of their meetings. Half
// the time the slot is random, else the one where the least weight is in
// the way. It returns the removed meetings and the slots they left, or false
// when a fixed meeting is in the way.
func (sr *search) force(e int) (dropped, slots []int, ok bool) {
	r := &sr.in.reqs[e]
	S := sr.in.slots
	s := int(r.common[sr.rng.IntN(len(r.common))])
	if sr.rng.IntN(2) == 0 {
		best := -1
		for _, c := range r.common {
			cost := 0
			for _, p := range []int{r.a, r.b} {
				if o := int(sr.at[p*S+int(c)]); o >= 0 {
					cost += sr.in.reqs[o].weight
					if sr.locked[o] {
						cost += MaxWeight
					}
				}
			}
			if r.table && len(sr.tables[c]) >= sr.in.tables {
				cost++
			}
			if best < 0 || cost < best {
				best, s = cost, int(c)
			}
		}
	}
	drop := func(c int) bool {
		if sr.locked[c] {
			return false
		}
		dropped, slots = append(dropped, c), append(slots, int(sr.slot[c]))
		sr.unplace(c)
		return true
	}
	for _, p := range []int{r.a, r.b} {
		if c := int(sr.at[p*S+s]); c >= 0 && !drop(c) {
			return nil, nil, false
		}
	}
	if r.table && len(sr.tables[s]) >= sr.in.tables {
		if sr.in.tables == 0 {
			return nil, nil, false
		}
		list := sr.tables[s]
		if !drop(int(list[sr.rng.IntN(len(list))])) {
			return nil, nil, false
		}
	}
	for _, p := range []int{r.a, r.b} {
		if sr.count[p] < sr.in.limit[p] {
			continue
		}
		var mine []int
		for _, c := range sr.reqsOf[p] {
			if sr.slot[c] >= 0 && !sr.locked[c] {
				mine = append(mine, int(c))
			}
		}
		if len(mine) == 0 || !drop(mine[sr.rng.IntN(len(mine))]) {
			return nil, nil, false
		}
	}
	sr.place(e, s)
	return dropped, slots, true
}

// repair tries to put each dropped meeting back elsewhere; for those that
// stay out, it tries the other open requests of their people in the slot
// they left (in any slot when a maximum was what held them back).
func (sr *search) repair(dropped []int, slots []int) {
	for i, c := range dropped {
		if sr.insert(c, 1) {
			dropped[i] = -1
		}
	}
	for i, c := range dropped {
		if c < 0 {
			continue
		}
		r := &sr.in.reqs[c]
		for _, p := range []int{r.a, r.b} {
			limited := sr.in.limit[p] < unlimited
			for _, o := range sr.reqsOf[p] {
				if sr.slot[o] >= 0 || len(sr.in.reqs[o].common) == 0 {
					continue
				}
				if limited {
					sr.insert(int(o), 0)
				} else if sr.fits(int(o), slots[i]) {
					sr.place(int(o), slots[i])
				}
			}
		}
	}
}
