// Package facets is an in-memory index of documents for the organisation
// directory search: the text match and its relevance, the filters, the
// facet counts, the order and the page. (The database keeps its own text
// index, the durable one; a search may also pass IDs matched there.)
//
// Each document gets a dense slot (freed slots are reused); every (facet,
// value) keeps one bitmap of slots per visibility level, so a filter is an
// OR of bitmaps and a facet count a population count of an AND. Numbers and
// points are per-slot columns. Expired terms are dropped from the bitmaps
// by the first search whose Now passes the next expiry date. The slots are
// kept sorted by SortKey, so a page in name order walks that order and stops
// at the page's end; a page in rank order keeps the best hits in a heap.
// The documents' words go to an inverted index (text.go) whose terms
// evaluate to bitmaps of slots too.
package facets

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"
)

// Level is a level of visibility: a value with level L is seen by viewers
// whose level is L or more.
type Level uint8

// The levels of visibility. Values above Staff are seen by nobody; a query
// above Staff sees what Staff sees.
const (
	Public  Level = 0
	Members Level = 1
	Staff   Level = 2
)

// numLevels is the number of levels a bitmap is kept for.
const numLevels = int(Staff) + 1

// Term is one facet value of a document, such as sector "medtech". A term
// whose Until is before Query.Now neither matches filters nor counts (an
// expired certification); a zero Until never expires.
type Term struct {
	Facet, Value string
	Level        Level
	Until        time.Time
}

// Number is a numeric attribute for range filters, such as cleanroom_area
// 120. A document may hold several Numbers with one Name: any of them may
// satisfy a range. NaN values are ignored.
type Number struct {
	Name  string
	Value float64
	Level Level
}

// Point is a document's location in degrees, for Near queries. A point with
// |Lat| > 90 or a Lon that is not finite counts as no location.
type Point struct {
	Lat, Lon float64
	Level    Level
}

// Doc is a document as given to the index. SortKey orders results by name
// (compared bytewise; fold it beforehand for accent-insensitive order).
// Words are the stems Query.Text matches.
type Doc struct {
	ID      int64
	SortKey string
	Terms   []Term
	Numbers []Number
	Geo     *Point
	Words   []Word
}

// ref is a term of an indexed document.
type ref struct {
	vid   uint32 // index in Index.values
	until int32  // index in slotDoc.untils, or -1 when the term never expires
	level Level
}

// slotDoc is what a slot remembers of its document.
type slotDoc struct {
	id     int64
	key    string
	refs   []ref
	untils []time.Time // expiry dates of the timed refs
	nums   []uint32    // number columns holding a value for this slot
}

// facet is the vocabulary of one facet.
type facet struct {
	name   string
	byName map[string]uint32 // value -> vid
	vids   []uint32
}

// value holds the slots having one facet value, per viewer level: bits[L]
// holds the slots with a live term of this value at level L or below. Most
// values only ever occur at one level, so bits[L] is materialised (made bit
// L) only once a term at level L is added; until then level L reads as the
// nearest materialised level below it, which holds the same slots.
type value struct {
	name string
	bits [numLevels]bitmap
	made uint8
}

// view returns the slots seeing this value at level l. The result is shared:
// callers must not modify it.
func (v *value) view(l Level) bitmap {
	for L := int(l); L >= 0; L-- {
		if v.made&(1<<L) != 0 {
			return v.bits[L]
		}
	}
	return nil
}

// add records that slot s sees the value from level m on. Adding the same
// slot again at another level keeps the lowest.
func (v *value) add(s int32, m Level) {
	if v.made&(1<<m) == 0 {
		v.bits[m] = slices.Clone(v.view(m))
		v.made |= 1 << m
	}
	for L := int(m); L < numLevels; L++ {
		if v.made&(1<<L) != 0 {
			v.bits[L].set(s)
		}
	}
}

// remove drops slot s at every level.
func (v *value) remove(s int32) {
	for L := range numLevels {
		if v.made&(1<<L) != 0 {
			v.bits[L].clear(s)
		}
	}
}

// numColumn holds one numeric attribute per slot: the first visible value
// in vals (NaN when absent), any further ones in extra.
type numColumn struct {
	vals  []float64
	lvls  []Level
	multi bitmap
	extra map[int32][]numEntry
}

type numEntry struct {
	v float64
	l Level
}

// extraWithin reports whether slot s has a further value in [lo, hi]
// visible at level l.
func (c *numColumn) extraWithin(s int32, l Level, lo, hi float64) bool {
	for _, e := range c.extra[s] {
		if e.v >= lo && e.v <= hi && e.l <= l {
			return true
		}
	}
	return false
}

// Index is an in-memory index of documents. It is safe for concurrent use.
type Index struct {
	mu sync.RWMutex

	docs  []slotDoc
	free  []int32 // slots freed by Delete, reused first
	alive bitmap
	live  int

	dense  []int32         // id -> slot+1 for 0 <= id < len(dense); 0: absent
	sparse map[int64]int32 // the other ids

	facets map[string]*facet
	values []*value

	numIDs map[string]uint32
	nums   []*numColumn

	lat, lon []float64 // per slot, NaN without a visible point
	geoLevel []Level

	order []int32 // live slots by (SortKey, ID)

	clock clock
	timed bitmap // slots with at least one expiring term

	text textIndex
}

// New returns an empty index.
func New() *Index {
	return &Index{
		sparse: map[int64]int32{},
		facets: map[string]*facet{},
		numIDs: map[string]uint32{},
		text:   newTextIndex(),
	}
}

// Len returns the number of documents.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.live
}

// Has reports whether document id is indexed.
func (x *Index) Has(id int64) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	_, ok := x.lookup(id)
	return ok
}

// Put inserts document d, or replaces the document with its ID.
func (x *Index) Put(d Doc) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.put(&d, &arena{}, false)
	x.purgeText()
}

// PutAll inserts or replaces many documents at once; a later document in
// docs replaces an earlier one with the same ID. The name order and the
// postings are updated once for the batch instead of per document, which
// makes PutAll much faster than as many Puts; batches of a few thousand
// documents keep the memory the caller holds small at little cost.
func (x *Index) PutAll(docs []Doc) {
	if len(docs) == 0 {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	var terms, timed, nums int
	for i := range docs {
		terms += len(docs[i].Terms)
		nums += len(docs[i].Numbers)
		for _, t := range docs[i].Terms {
			if !t.Until.IsZero() {
				timed++
			}
		}
	}
	a := arena{make([]ref, 0, terms), make([]time.Time, 0, timed), make([]uint32, 0, nums)}
	x.docs = slices.Grow(x.docs, len(docs))
	slots := make([]int32, len(docs))
	for i := range docs {
		slots[i] = x.put(&docs[i], &a, true)
	}
	x.text.addAll(slots, docs)
	x.text.sortDictionary()
	x.placeOrder(slots)
	x.purgeText()
}

// placeOrder puts the slots of a bulk load in the name order: a sort from
// scratch for a large batch, else a merge of the batch, sorted, with the
// rest of the order.
func (x *Index) placeOrder(slots []int32) {
	if len(slots)*8 > x.live {
		x.sortOrder()
		return
	}
	touched := make(bitmap, len(x.alive))
	for _, s := range slots {
		touched.set(s)
	}
	kept := x.order[:0]
	for _, s := range x.order {
		if x.alive.has(s) && !touched.has(s) {
			kept = append(kept, s)
		}
	}
	added := make([]int32, 0, len(slots))
	for w, word := range touched {
		for ; word != 0; word &= word - 1 {
			if s := int32(w<<6 + bits.TrailingZeros64(word)); x.alive.has(s) {
				added = append(added, s)
			}
		}
	}
	slices.SortFunc(added, x.cmpSlots)
	order := make([]int32, 0, len(kept)+len(added))
	i, j := 0, 0
	for i < len(kept) && j < len(added) {
		if x.cmpSlots(kept[i], added[j]) < 0 {
			order = append(order, kept[i])
			i++
		} else {
			order = append(order, added[j])
			j++
		}
	}
	order = append(order, kept[i:]...)
	x.order = append(order, added[j:]...)
}

// arena holds the per-document slices of a bulk load in a few large
// allocations, which keeps the load and the garbage collector fast.
type arena struct {
	refs   []ref
	untils []time.Time
	nums   []uint32
}

// carve returns an empty slice of capacity n from the spare capacity of
// *pool, or a new one when the pool is short.
func carve[T any](pool *[]T, n int) []T {
	p := *pool
	if cap(p)-len(p) < n {
		return make([]T, 0, n)
	}
	*pool = p[:len(p)+n]
	return p[len(p) : len(p) : len(p)+n]
}

// sortOrder rebuilds the name order from scratch. Sorting the keys next to
// their slots, compared by an integer prefix first, is a few times faster
// than sorting slots through x.docs.
func (x *Index) sortOrder() {
	type keyed struct {
		prefix uint64 // the key's first 8 bytes, big-endian, zero-padded
		key    string
		id     int64
		s      int32
	}
	ks := make([]keyed, 0, x.live)
	for w, word := range x.alive {
		for ; word != 0; word &= word - 1 {
			s := int32(w<<6 + bits.TrailingZeros64(word))
			d := &x.docs[s]
			var p [8]byte
			copy(p[:], d.key)
			ks = append(ks, keyed{binary.BigEndian.Uint64(p[:]), d.key, d.id, s})
		}
	}
	// Prefixes that differ order their keys as strings.Compare would.
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.prefix != b.prefix {
			return cmp.Compare(a.prefix, b.prefix)
		}
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	x.order = slices.Grow(x.order[:0], len(ks))
	for _, k := range ks {
		x.order = append(x.order, k.s)
	}
}

// Delete removes document id; an unknown id is ignored.
func (x *Index) Delete(id int64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	s, ok := x.lookup(id)
	if !ok {
		return
	}
	x.unindex(s, false)
	x.unbind(id)
	x.release(s)
	x.live--
	x.purgeText()
}

// release empties slot s, whose document has been unindexed, and frees it,
// or retires it while its postings remain in the text index.
func (x *Index) release(s int32) {
	x.alive.clear(s)
	x.docs[s] = slotDoc{}
	if !x.text.retire(s) {
		x.free = append(x.free, s)
	}
}

// purgeText filters the retired slots' postings out of the text index when
// they have grown worth it, freeing those slots.
func (x *Index) purgeText() {
	if x.text.needsPurge(x.live) {
		x.free = append(x.free, x.text.purge()...)
	}
}

// put indexes d, carving its slices from a, and returns its slot. With
// bulk, the name order and the words are left for the caller.
func (x *Index) put(d *Doc, a *arena, bulk bool) int32 {
	s, ok := x.lookup(d.ID)
	if ok && x.text.hasPostings(s) {
		// The slot's postings cannot be found to be removed: the document
		// moves to a fresh slot, the old one retires.
		x.unindex(s, bulk)
		x.release(s)
		x.live--
		ok = false
	}
	if ok {
		x.unindex(s, bulk)
	} else {
		s = x.allocSlot()
		x.bind(d.ID, s)
		x.alive.set(s)
		x.live++
	}
	sd := &x.docs[s]
	sd.id, sd.key = d.ID, d.SortKey

	timed := 0
	for _, t := range d.Terms {
		if !t.Until.IsZero() {
			timed++
		}
	}
	refs := carve(&a.refs, len(d.Terms))
	var untils []time.Time
	if timed > 0 {
		untils = carve(&a.untils, timed)
	}
	var fa *facet // the facet of the previous term, usually the same
	for _, t := range d.Terms {
		if t.Level > Staff {
			continue // seen by nobody
		}
		if fa == nil || t.Facet != fa.name {
			fa = x.facet(t.Facet)
		}
		r := ref{vid: x.intern(fa, t.Value), until: -1, level: t.Level}
		if !t.Until.IsZero() {
			r.until = int32(len(untils))
			untils = append(untils, t.Until)
			x.clock.note(t.Until)
		}
		refs = append(refs, r)
	}
	sd.refs, sd.untils = refs, untils
	if len(untils) > 0 {
		x.timed.set(s)
	}
	x.placeRefs(s, true)

	if len(d.Numbers) > 0 {
		sd.nums = carve(&a.nums, len(d.Numbers))
	}
	for _, n := range d.Numbers {
		if math.IsNaN(n.Value) || n.Level > Staff {
			continue
		}
		id, c := x.column(n.Name)
		for len(c.vals) <= int(s) {
			c.vals = append(c.vals, math.NaN())
			c.lvls = append(c.lvls, 0)
		}
		if math.IsNaN(c.vals[s]) {
			c.vals[s], c.lvls[s] = n.Value, n.Level
			sd.nums = append(sd.nums, id)
			continue
		}
		if c.extra == nil {
			c.extra = map[int32][]numEntry{}
		}
		c.multi.set(s)
		c.extra[s] = append(c.extra[s], numEntry{n.Value, n.Level})
	}
	if g := d.Geo; validPoint(g) {
		x.lat[s], x.lon[s], x.geoLevel[s] = g.Lat, g.Lon, g.Level
	}
	if !bulk {
		x.text.add(s, d.Words)
		i, _ := slices.BinarySearchFunc(x.order, s, x.cmpSlots)
		x.order = slices.Insert(x.order, i, s)
	}
	return s
}

// unindex removes slot s's terms, numbers, point and place in the name
// order, keeping its ID binding.
func (x *Index) unindex(s int32, bulk bool) {
	if !bulk {
		if i, ok := slices.BinarySearchFunc(x.order, s, x.cmpSlots); ok {
			x.order = slices.Delete(x.order, i, i+1)
		}
	}
	sd := &x.docs[s]
	for _, r := range sd.refs {
		x.values[r.vid].remove(s)
	}
	for _, id := range sd.nums {
		c := x.nums[id]
		c.vals[s] = math.NaN()
		if c.multi.has(s) {
			c.multi.clear(s)
			delete(c.extra, s)
		}
	}
	x.timed.clear(s)
	x.lat[s], x.lon[s], x.geoLevel[s] = math.NaN(), math.NaN(), 0
	*sd = slotDoc{id: sd.id, key: sd.key}
}

// placeRefs sets slot s's value bits from its refs, as of the clock. fresh
// says the slot holds no bits yet, so nothing needs clearing.
func (x *Index) placeRefs(s int32, fresh bool) {
	sd := &x.docs[s]
	if !fresh {
		for _, r := range sd.refs {
			x.values[r.vid].remove(s)
		}
	}
	for _, r := range sd.refs {
		if r.until < 0 || !x.clock.expired(sd.untils[r.until]) {
			x.values[r.vid].add(s, r.level)
		}
	}
}

// cmpSlots orders slots by sort key, then ID.
func (x *Index) cmpSlots(a, b int32) int {
	da, db := &x.docs[a], &x.docs[b]
	if c := strings.Compare(da.key, db.key); c != 0 {
		return c
	}
	return cmp.Compare(da.id, db.id)
}

func (x *Index) allocSlot() int32 {
	if n := len(x.free); n > 0 {
		s := x.free[n-1]
		x.free = x.free[:n-1]
		return s
	}
	s := int32(len(x.docs))
	x.docs = append(x.docs, slotDoc{})
	x.lat = append(x.lat, math.NaN())
	x.lon = append(x.lon, math.NaN())
	x.geoLevel = append(x.geoLevel, 0)
	x.text.grow(s)
	for len(x.alive) < words(len(x.docs)) {
		x.alive = append(x.alive, 0)
	}
	return s
}

// facet returns the vocabulary of facet name, creating it when new.
func (x *Index) facet(name string) *facet {
	f := x.facets[name]
	if f == nil {
		f = &facet{name: name, byName: map[string]uint32{}}
		x.facets[name] = f
	}
	return f
}

// intern returns the vid of value val of facet f, creating it when new.
func (x *Index) intern(f *facet, val string) uint32 {
	if vid, ok := f.byName[val]; ok {
		return vid
	}
	vid := uint32(len(x.values))
	x.values = append(x.values, &value{name: val, made: 1})
	f.byName[val] = vid
	f.vids = append(f.vids, vid)
	return vid
}

func (x *Index) column(name string) (uint32, *numColumn) {
	id, ok := x.numIDs[name]
	if !ok {
		id = uint32(len(x.nums))
		x.numIDs[name] = id
		x.nums = append(x.nums, &numColumn{})
	}
	return id, x.nums[id]
}

// lookup returns the slot of document id.
func (x *Index) lookup(id int64) (int32, bool) {
	if uint64(id) < uint64(len(x.dense)) {
		s := x.dense[id]
		return s - 1, s != 0
	}
	s, ok := x.sparse[id]
	return s, ok
}

// bind maps id to slot s. Small non-negative IDs (database serials) go to a
// table, which makes resolving a match set of 100,000 IDs cheap; the table
// grows up to a few times the number of documents, other IDs go to a map.
func (x *Index) bind(id int64, s int32) {
	if uint64(id) >= uint64(len(x.dense)) && id >= 0 && id < int64(4*x.live+4096) {
		n := max(int(id)+1, 2*len(x.dense), 1024)
		n = min(n, 4*x.live+4096)
		x.dense = append(x.dense, make([]int32, n-len(x.dense))...)
		for k, v := range x.sparse {
			if k >= 0 && k < int64(n) {
				x.dense[k] = v + 1
				delete(x.sparse, k)
			}
		}
	}
	if uint64(id) < uint64(len(x.dense)) {
		x.dense[id] = s + 1
		return
	}
	x.sparse[id] = s
}

func (x *Index) unbind(id int64) {
	if uint64(id) < uint64(len(x.dense)) {
		x.dense[id] = 0
		return
	}
	delete(x.sparse, id)
}
