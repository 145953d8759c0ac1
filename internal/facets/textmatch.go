package facets

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
)

// matchText narrows cand to the live slots matching every term at level
// lvl (any of them, with anyTerm), and prepares sc.score for them.
func (x *Index) matchText(terms []TextTerm, anyTerm bool, lvl Level, cand bitmap, sc *scratch) {
	nw := len(cand)
	for len(sc.terms) < len(terms) {
		sc.terms, sc.names = append(sc.terms, nil), append(sc.names, nil)
	}
	if anyTerm {
		sc.union = resize(sc.union, nw)
	}
	c := &sc.score
	c.idf = c.idf[:0]
	n := float64(x.live)
	for i, term := range terms {
		has, name := resize(sc.terms[i], nw), resize(sc.names[i], nw)
		sc.terms[i], sc.names[i] = has, name
		df := 0
		if anyTerm || cand.any() { // once nothing is left, the other terms do not matter
			x.text.match(term, lvl, has, name, &sc.tmp)
			has.and(x.alive)
			df = has.count()
			if anyTerm {
				sc.union.or(has)
			} else {
				cand.and(has)
			}
		}
		idf := 0.0
		if df > 0 {
			idf = math.Log(1 + n/float64(df))
		}
		c.idf = append(c.idf, idf)
	}
	if anyTerm {
		cand.and(sc.union)
	}
	c.any = anyTerm
	c.has, c.names = sc.terms[:len(terms)], sc.names[:len(terms)]
	c.lens, c.lvl = x.text.lens, lvl
	c.avg = float64(x.text.sums[lvl]) / n
	if !(c.avg > 0) {
		c.avg = 1 // no visible word anywhere: nothing matched
	}
}

// scorer computes the relevance of Query.Text (see there) for the
// documents of one search.
type scorer struct {
	idf   []float64 // per term
	any   bool      // Query.AnyText: a term counts only where it matches
	has   []bitmap  // per term, the slots matching it
	names []bitmap  // per term, the slots whose matching word is a Name word
	lens  [][numLevels]uint32
	lvl   Level
	avg   float64
}

// score returns the relevance of slot s. The sum runs in term order, and
// the conversion keeps the compiler from fusing multiply and add, so that a
// score only depends on the documents and the query.
func (c *scorer) score(s int32) float64 {
	sum := 0.0
	for i, idf := range c.idf {
		switch {
		case c.any && !c.has[i].has(s):
		case c.names[i].has(s):
			sum += float64(4 * idf)
		default:
			sum += idf
		}
	}
	return c.norm(s, sum)
}

// norm divides the sum of slot s by its length normalisation.
func (c *scorer) norm(s int32, sum float64) float64 {
	return sum / (1 + 0.25*float64(c.lens[s][c.lvl])/c.avg)
}

// mask returns the terms slot s matches, as Result.TermMasks tells them.
func (c *scorer) mask(s int32) uint64 {
	var m uint64
	for i, has := range c.has[:min(len(c.has), MaxMaskTerms)] {
		if has.has(s) {
			m |= 1 << i
		}
	}
	return m
}

// rankAll sets rank for every slot of full.
func (c *scorer) rankAll(full bitmap, rank []float64) {
	if !c.any {
		for w, word := range full {
			for ; word != 0; word &= word - 1 {
				s := int32(w<<6 + bits.TrailingZeros64(word))
				rank[s] = c.score(s)
			}
		}
		return
	}
	// Many terms, each matching part of the hits: summing term by term
	// visits only the matches, and reads each bitmap in order. The sums
	// are those of score, made in the same order.
	zeroRanks(full, rank)
	for i, idf := range c.idf {
		if idf == 0 {
			continue // matches nothing
		}
		add := [2]float64{idf, float64(4 * idf)}
		has, name := c.has[i], c.names[i]
		for w, word := range full {
			m := word & has[w]
			for nm := name[w]; m != 0; m &= m - 1 {
				t := bits.TrailingZeros64(m)
				rank[w<<6+t] += add[nm>>t&1]
			}
		}
	}
	for w, word := range full {
		for ; word != 0; word &= word - 1 {
			s := int32(w<<6 + bits.TrailingZeros64(word))
			rank[s] = c.norm(s, rank[s])
		}
	}
}

// match sets in has the slots having a word visible at level l that
// matches term, and in name those whose matching word is a Name word (for
// a prefix, any of them). tmp is working memory.
func (t *textIndex) match(term TextTerm, l Level, has, name bitmap, tmp *bitmap) {
	if term.Stem == "" {
		return
	}
	if !term.Prefix {
		if sid, ok := t.sids[term.Stem]; ok {
			t.scan(sid, l, has, name, tmp)
		}
		return
	}
	lo, _ := slices.BinarySearchFunc(t.sorted, term.Stem, t.cmpStem)
	// The stems starting with the prefix follow it, up to the first that
	// does not.
	hi := lo + sort.Search(len(t.sorted)-lo, func(i int) bool {
		return !strings.HasPrefix(t.stems[t.sorted[lo+i]], term.Stem)
	})
	for _, sid := range t.sorted[lo:hi] {
		t.scan(sid, l, has, name, tmp)
	}
}

// scan adds the slots of stem sid to has and name, as match does.
func (t *textIndex) scan(sid uint32, l Level, has, name bitmap, tmp *bitmap) {
	lim := uint32(l+1) << levelShift
	list := t.post[sid]
	d := t.dense[sid]
	if d == 0 {
		for _, p := range list {
			if p >= lim {
				continue
			}
			s := p & slotMask
			has[s>>6] |= 1 << (s & 63)
			name[s>>6] |= uint64(p>>29&1) << (s & 63)
		}
		return
	}
	// A dense stem: its bitmap, less its exceptions above l. Another stem
	// of a prefix may have set those bits already, hence the copy.
	b := t.bits[d-1]
	if l < Staff {
		*tmp = resize(*tmp, len(b))
		copy(*tmp, b)
		b = *tmp
		for _, p := range list {
			if p >= lim {
				b.clear(int32(p & slotMask))
			}
		}
	}
	has.or(b)
	for _, p := range list {
		if p < lim && p&nameBit != 0 {
			name.set(int32(p & slotMask))
		}
	}
}
