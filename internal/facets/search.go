package facets

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"
)

// Filter keeps the documents having any of Values in Facet. Filters combine
// with AND; a Filter without Values is ignored; a value unknown to the index
// matches nothing.
type Filter struct {
	Facet  string
	Values []string
}

// Range keeps the documents with a visible Number named Name within
// [Min, Max]; use math.Inf for open ends.
type Range struct {
	Name     string
	Min, Max float64
}

// Near keeps the documents whose visible Geo is within Km kilometres
// (great-circle distance) of (Lat, Lon).
type Near struct {
	Lat, Lon, Km float64
}

// Query is a search over the index.
type Query struct {
	// Level is the viewer's visibility level; above Staff it is Staff.
	Level Level
	// All makes every document a candidate; Match and Ranks are then
	// ignored.
	All bool
	// Match holds the candidate IDs from a text search run elsewhere; IDs
	// unknown to the index are ignored, a repeated ID keeps its best rank.
	Match []int64
	// Ranks is parallel to Match, higher is better; missing or NaN ranks
	// are 0.
	Ranks []float64
	// Text keeps the documents having, for every term, a word visible at
	// Level that is the term's stem, or starts with it for a prefix term.
	// It narrows the candidates of All or Match, and its relevance replaces
	// Ranks. The relevance of a document d is
	//
	//	Σ_terms idf(t) × (4 if d's matching word is a Name word, else 1)
	//	        / (1 + 0.25 × len(d) / avg len)
	//
	// where N is the number of documents, df(t) the number of them
	// matching t, idf(t) = ln(1 + N/df(t)), len(d) the number of d's
	// distinct words, and avg len their mean over the N documents, all as
	// seen at Level. A prefix term's matching word is a Name word if any
	// is. The sum runs in term order, so that a score is the same from one
	// search to the next.
	Text []TextTerm
	// AnyText makes Text keep the documents matching at least one term
	// instead of every term; the relevance then sums over the terms a
	// document matches (idf and lengths as above, df still counting every
	// document at Level that matches the term).
	AnyText bool
	Filters []Filter
	Ranges  []Range
	Near    *Near
	// Exclude lists documents never returned nor counted.
	Exclude []int64
	// Boosts and IDBoosts add to the rank of the documents they name: a
	// Boost to those having its facet value visible at Level and not
	// expired (as a Filter would keep them), an IDBoost to its document.
	// The rank of a document is its base rank (the Text relevance, or else
	// its Ranks entry, or else 0), then each Boost it has in order, then
	// its IDBoost: a fixed order of additions, so that ranks are the same
	// from one search to the next. Adds that are NaN or infinite are
	// ignored.
	Boosts   []Boost
	IDBoosts map[int64]float64
	// Facets lists the facets to count.
	Facets []string
	// ByRank orders by rank (best first), then SortKey, then ID; otherwise
	// the order is SortKey, then ID.
	ByRank bool
	// Offset and Limit select the page; Limit <= 0 means 20.
	Offset, Limit int
	// Now decides which terms have expired: those whose Until is before it.
	// With a zero Now no term has expired.
	Now time.Time
}

// Boost is a rank bonus for the documents having one facet value.
type Boost struct {
	Facet, Value string
	Add          float64
}

// MaxMaskTerms is the number of Text terms Result.TermMasks can tell:
// terms past it are matched and scored, but never in a mask.
const MaxMaskTerms = 64

// DefaultLimit is the page size of a Query without Limit.
const DefaultLimit = 20

// Count is the number of documents having one facet value.
type Count struct {
	Value string
	Count int
}

// Result is the outcome of a Search.
type Result struct {
	// Total is the number of documents matching the whole query.
	Total int
	// IDs is the page, in order.
	IDs []int64
	// Ranks is parallel to IDs: the relevance of Query.Text, or else the
	// ranks given with Match, plus the boosts (see Query.Boosts).
	Ranks []float64
	// TextRanks is parallel to IDs when the query has Text: the relevance
	// of Text alone, without boosts.
	TextRanks []float64
	// TermMasks is parallel to IDs when the query has Text: bit i is set
	// when the document matches Text[i], for i < MaxMaskTerms.
	TermMasks []uint64
	// Distances is parallel to IDs, in km, only when the query has Near.
	Distances []float64
	// Facets holds every asked facet, with an empty slice when no value
	// counts. A facet's counts ignore the filters on that facet but apply
	// every other filter, the ranges, Near and the match. Values counting
	// zero are left out; the order is count descending, then value.
	Facets map[string][]Count
}

// Search runs q. Searches run concurrently, except the first one after q.Now
// crosses a term's expiry date, which updates the bitmaps.
func (x *Index) Search(q Query) Result {
	var res Result
	x.atTime(q.Now, func() { res = x.search(&q) })
	return res
}

// Values returns, for one facet, every value present at level lvl or below
// with its number of documents, for pages listing the whole vocabulary in
// use. The order is that of Result.Facets.
func (x *Index) Values(facet string, lvl Level, now time.Time) []Count {
	out := []Count{}
	x.atTime(now, func() {
		fa := x.facets[facet]
		if fa == nil {
			return
		}
		for _, vid := range fa.vids {
			v := x.values[vid]
			if n := v.view(min(lvl, Staff)).count(); n > 0 {
				out = append(out, Count{Value: v.name, Count: n})
			}
		}
		sortCounts(out)
	})
	return out
}

// atTime runs read with the bitmaps right for now: under the read lock
// usually, under the write lock when the clock must move first.
func (x *Index) atTime(now time.Time, read func()) {
	x.mu.RLock()
	if x.clock.covers(now) {
		defer x.mu.RUnlock()
		read()
		return
	}
	x.mu.RUnlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.clock.covers(now) {
		x.advance(now)
	}
	read()
}

// scratch holds a search's working memory, pooled across searches.
type scratch struct {
	cand, full, mask bitmap
	ors              []bitmap // OR buffers, one per filter
	active           []activeFilter
	rank             []float64 // per slot, set for candidates only
	nz               []int32
	page             []int32

	// The text terms: per term its matches and their Name words.
	terms, names []bitmap
	tmp, union   bitmap
	score        scorer
	boosts       []activeBoost
}

// activeFilter is a filter resolved to its slots (nil: none).
type activeFilter struct {
	facet string
	bits  bitmap
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (x *Index) search(q *Query) Result {
	lvl := min(q.Level, Staff)
	nw := len(x.alive)
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)

	cand, rank, ranked := x.candidates(q, lvl, nw, sc)
	text := len(q.Text) > 0

	// The filters, and everything together.
	sc.active = sc.active[:0]
	for len(sc.ors) < len(q.Filters) {
		sc.ors = append(sc.ors, nil)
	}
	for i, f := range q.Filters {
		if len(f.Values) > 0 {
			sc.active = append(sc.active, activeFilter{f.Facet, x.filterBits(f, lvl, &sc.ors[i], nw)})
		}
	}
	sc.full = resize(sc.full, nw)
	full := sc.full
	copy(full, cand)
	for _, a := range sc.active {
		full.and(a.bits)
	}
	res := Result{Total: full.count(), Facets: make(map[string][]Count, len(q.Facets))}

	for _, name := range q.Facets {
		if _, done := res.Facets[name]; done {
			continue
		}
		mask := full
		if slices.ContainsFunc(sc.active, func(a activeFilter) bool { return a.facet == name }) {
			sc.mask = resize(sc.mask, nw)
			mask = sc.mask
			copy(mask, cand)
			for _, a := range sc.active {
				if a.facet != name {
					mask.and(a.bits)
				}
			}
		}
		res.Facets[name] = x.count(name, mask, lvl, sc)
	}

	// With ByRank, every hit's rank is computed for the page's selection;
	// otherwise only the page's.
	boosts := x.boosts(q, lvl, sc)
	boosted := len(boosts) > 0 || len(q.IDBoosts) > 0
	all := false // rank holds every hit's final rank
	if q.ByRank && res.Total > 0 && (text || boosted) {
		switch {
		case text:
			sc.score.rankAll(full, rank)
		case q.All:
			zeroRanks(full, rank)
		}
		if boosted {
			x.boostAll(full, rank, boosts, q.IDBoosts)
		}
		ranked, all = true, true
	}
	page := x.page(q, full, res.Total, rank, ranked, sc)
	res.IDs = make([]int64, len(page))
	res.Ranks = make([]float64, len(page))
	for i, s := range page {
		res.IDs[i] = x.docs[s].id
		switch {
		case all:
			res.Ranks[i] = rank[s]
		case text:
			res.Ranks[i] = x.boost(s, sc.score.score(s), boosts, q.IDBoosts)
		case !q.All:
			res.Ranks[i] = x.boost(s, rank[s], boosts, q.IDBoosts)
		default:
			res.Ranks[i] = x.boost(s, 0, boosts, q.IDBoosts)
		}
	}
	if text {
		res.TextRanks = make([]float64, len(page))
		res.TermMasks = make([]uint64, len(page))
		for i, s := range page {
			res.TextRanks[i] = sc.score.score(s)
			res.TermMasks[i] = sc.score.mask(s)
		}
	}
	if n := q.Near; n != nil {
		res.Distances = make([]float64, len(page))
		for i, s := range page {
			res.Distances[i] = haversine(n.Lat, n.Lon, x.lat[s], x.lon[s])
		}
	}
	return res
}

// candidates returns the match (or every document) less Exclude, narrowed
// by the text terms, the ranges and Near, which apply to every count, and
// the ranks by slot (nil with All, no Text and no boosts; with Text, left
// for the caller to fill from sc.score). ranked reports a non-zero rank
// from Match.
func (x *Index) candidates(q *Query, lvl Level, nw int, sc *scratch) (cand bitmap, rank []float64, ranked bool) {
	sc.cand = resize(sc.cand, nw)
	cand = sc.cand
	if !q.All || len(q.Text) > 0 || len(q.Boosts) > 0 || len(q.IDBoosts) > 0 {
		if cap(sc.rank) < len(x.docs) {
			sc.rank = make([]float64, len(x.docs))
		}
		rank = sc.rank[:len(x.docs)]
	}
	if q.All {
		copy(cand, x.alive)
	} else {
		for i, id := range q.Match {
			s, ok := x.lookup(id)
			if !ok {
				continue
			}
			r := 0.0
			if i < len(q.Ranks) && !math.IsNaN(q.Ranks[i]) {
				r = q.Ranks[i]
			}
			ranked = ranked || r != 0
			w, bit := s>>6, uint64(1)<<(uint(s)&63)
			if cand[w]&bit != 0 { // a repeated ID keeps its best rank
				rank[s] = max(rank[s], r)
				continue
			}
			cand[w] |= bit
			rank[s] = r
		}
	}
	for _, id := range q.Exclude {
		if s, ok := x.lookup(id); ok {
			cand.clear(s)
		}
	}
	if len(q.Text) > 0 {
		x.matchText(q.Text, q.AnyText, lvl, cand, sc)
		ranked = false // the text scores replace Match's ranks
	}
	for _, rg := range q.Ranges {
		id, ok := x.numIDs[rg.Name]
		if !ok {
			clear(cand)
			break
		}
		x.nums[id].keep(cand, lvl, rg.Min, rg.Max)
	}
	if q.Near != nil {
		x.keepNear(cand, lvl, newNearBox(*q.Near))
	}
	return cand, rank, ranked
}

// Ranges and Near test each candidate against per-slot columns. Random
// data makes those tests unpredictable branches, so a word holding many
// candidates is tested on all its 64 slots at once without branching, and
// only a sparse word visits its bits one by one.
const sparseWord = 8

// b2u returns 1 for true and 0 for false; the compiler makes it a SETcc.
func b2u(b bool) uint64 {
	var u uint64
	if b {
		u = 1
	}
	return u
}

// keep clears the slots of cand without a value in [lo, hi] visible at
// level l.
func (c *numColumn) keep(cand bitmap, l Level, lo, hi float64) {
	vals, lvls := c.vals, c.lvls[:len(c.vals)]
	for w, word := range cand {
		if word == 0 {
			continue
		}
		base := w << 6
		var ok uint64
		if base+64 <= len(vals) && bits.OnesCount64(word) > sparseWord {
			vs, ls := vals[base:base+64], lvls[base:base+64]
			for t := range 64 {
				ok |= (b2u(vs[t] >= lo) & b2u(vs[t] <= hi) & b2u(ls[t] <= l)) << t
			}
		} else {
			for m := word; m != 0; m &= m - 1 {
				t := bits.TrailingZeros64(m)
				if s := base + t; s < len(vals) && vals[s] >= lo && vals[s] <= hi && lvls[s] <= l {
					ok |= 1 << t
				}
			}
		}
		if w < len(c.multi) {
			for m := word &^ ok & c.multi[w]; m != 0; m &= m - 1 {
				t := bits.TrailingZeros64(m)
				if c.extraWithin(int32(base+t), l, lo, hi) {
					ok |= 1 << t
				}
			}
		}
		cand[w] = word & ok
	}
}

// keepNear clears the slots of cand without a point in b visible at level
// l. The bounding box is tested first, branch-free for dense words.
func (x *Index) keepNear(cand bitmap, l Level, b nearBox) {
	lat, lon, lvls := x.lat, x.lon[:len(x.lat)], x.geoLevel[:len(x.lat)]
	for w, word := range cand {
		if word == 0 {
			continue
		}
		base := w << 6
		if base+64 <= len(lat) && bits.OnesCount64(word) > sparseWord {
			la, lo, lv := lat[base:base+64], lon[base:base+64], lvls[base:base+64]
			var box uint64
			for t := range 64 {
				dl := math.Abs(lo[t] - b.Lon) // the short way round is 360-dl when dl > 180
				in := b2u(la[t] >= b.minLat) & b2u(la[t] <= b.maxLat) & b2u(lv[t] <= l) &
					(b2u(dl <= b.dLon) | b2u(dl >= 360-b.dLon) | b2u(dl > 360))
				box |= in << t
			}
			word &= box
		}
		for m := word; m != 0; m &= m - 1 {
			t := bits.TrailingZeros64(m)
			if s := base + t; s < len(lat) && lvls[s] <= l && b.within(lat[s], lon[s]) {
				continue
			}
			word &^= 1 << t
		}
		cand[w] = word
	}
}

// filterBits returns the slots having any of f's values at level lvl: a
// value's own bitmap when a single value is known, else their OR in buf.
func (x *Index) filterBits(f Filter, lvl Level, buf *bitmap, nw int) bitmap {
	fa := x.facets[f.Facet]
	if fa == nil {
		return nil
	}
	var one bitmap
	n := 0
	for _, val := range f.Values {
		vid, ok := fa.byName[val]
		if !ok {
			continue
		}
		b := x.values[vid].view(lvl)
		switch n {
		case 0:
			one = b
		case 1:
			*buf = resize(*buf, nw)
			buf.copyFrom(one)
			fallthrough
		default:
			buf.or(b)
		}
		n++
	}
	if n <= 1 {
		return one
	}
	return *buf
}

// count counts the values of facet name over the slots of mask.
func (x *Index) count(name string, mask bitmap, lvl Level, sc *scratch) []Count {
	out := []Count{}
	fa := x.facets[name]
	if fa == nil {
		return out
	}
	// Few non-zero words (a small match set): visit only those.
	nz, sparse := sc.nz[:0], true
	lo, hi := len(mask), 0
	for w, m := range mask {
		if m == 0 {
			continue
		}
		lo, hi = min(lo, w), w+1
		if sparse {
			if len(nz) >= len(mask)/8 {
				sparse = false
			} else {
				nz = append(nz, int32(w))
			}
		}
	}
	sc.nz = nz
	if hi == 0 {
		return out
	}
	for _, vid := range fa.vids {
		v := x.values[vid]
		b := v.view(lvl)
		n := 0
		if sparse {
			for _, w := range nz {
				if int(w) < len(b) {
					n += bits.OnesCount64(mask[w] & b[w])
				}
			}
		} else if e := min(hi, len(b)); e > lo {
			n = andCount(mask[lo:e], b[lo:e])
		}
		if n > 0 {
			out = append(out, Count{Value: v.name, Count: n})
		}
	}
	sortCounts(out)
	return out
}

// sortCounts orders counts by count descending, then value.
func sortCounts(c []Count) {
	slices.SortFunc(c, func(a, b Count) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return strings.Compare(a.Value, b.Value)
	})
}

// andCount returns the number of slots in both a and b, of equal length.
// Four accumulators let the popcounts overlap.
func andCount(a, b bitmap) int {
	b = b[:len(a)]
	var n0, n1, n2, n3 int
	i := 0
	for ; i+4 <= len(a); i += 4 {
		n0 += bits.OnesCount64(a[i] & b[i])
		n1 += bits.OnesCount64(a[i+1] & b[i+1])
		n2 += bits.OnesCount64(a[i+2] & b[i+2])
		n3 += bits.OnesCount64(a[i+3] & b[i+3])
	}
	for ; i < len(a); i++ {
		n0 += bits.OnesCount64(a[i] & b[i])
	}
	return n0 + n1 + n2 + n3
}
