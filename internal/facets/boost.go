package facets

import (
	"math"
	"math/bits"
)

// activeBoost is a Boost resolved to the slots it applies to.
type activeBoost struct {
	bits bitmap // shared with the value: read only
	add  float64
}

// boosts resolves q.Boosts at level lvl, leaving out those that apply to
// nobody or add nothing.
func (x *Index) boosts(q *Query, lvl Level, sc *scratch) []activeBoost {
	out := sc.boosts[:0]
	for _, b := range q.Boosts {
		if !finite(b.Add) || b.Add == 0 {
			continue
		}
		fa := x.facets[b.Facet]
		if fa == nil {
			continue
		}
		if vid, ok := fa.byName[b.Value]; ok {
			if bm := x.values[vid].view(lvl); len(bm) > 0 {
				out = append(out, activeBoost{bm, b.Add})
			}
		}
	}
	sc.boosts = out
	return out
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// boost returns r, the base rank of slot s, plus its boosts, added in the
// order boostAll adds them.
func (x *Index) boost(s int32, r float64, boosts []activeBoost, ids map[int64]float64) float64 {
	for _, b := range boosts {
		if b.bits.has(s) {
			r += b.add
		}
	}
	if add, ok := ids[x.docs[s].id]; ok && finite(add) {
		r += add
	}
	return r
}

// boostAll adds the boosts to the rank of every slot of full.
func (x *Index) boostAll(full bitmap, rank []float64, boosts []activeBoost, ids map[int64]float64) {
	for _, b := range boosts {
		n := min(len(full), len(b.bits))
		for w, word := range full[:n] {
			for m := word & b.bits[w]; m != 0; m &= m - 1 {
				rank[w<<6+bits.TrailingZeros64(m)] += b.add
			}
		}
	}
	for id, add := range ids { // one add per slot: the map's order does not matter
		if s, ok := x.lookup(id); ok && full.has(s) && finite(add) {
			rank[s] += add
		}
	}
}

// zeroRanks sets the rank of every slot of full to 0.
func zeroRanks(full bitmap, rank []float64) {
	for w, word := range full {
		for ; word != 0; word &= word - 1 {
			rank[w<<6+bits.TrailingZeros64(word)] = 0
		}
	}
}
