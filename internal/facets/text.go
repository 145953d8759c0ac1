package facets

import (
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// Word is a stem of a document's search text, at the visibility level of
// the field it comes from; Name marks stems of the organisation's name. A
// stem given several times counts once, at its lowest level, as a Name
// word if any occurrence is one. Words above Staff and empty stems are
// ignored.
type Word struct {
	Stem  string
	Level Level
	Name  bool
}

// TextTerm is one term of the search box: a stem, matched whole, or as a
// prefix of stems when Prefix. An empty stem matches nothing.
type TextTerm struct {
	Stem   string
	Prefix bool
}

// The text index is an inverted index: a dictionary of stems, kept sorted
// so that a prefix term is a range of it, and per stem the slots having
// the stem. A posting packs the slot with the level and the name flag of
// the slot's word:
//
//	bits 31-30: level (0-2)   bit 29: name   bits 28-0: slot
//
// so that "level <= l" is "posting < (l+1)<<30". Slots from maxTextSlot on
// (over 500 million documents) get no postings: their documents never
// match a text query. Entries of a document's words use the same packing
// with the sid in place of the slot.
//
// A rare stem keeps a posting list, in no particular order (ascending after
// a bulk load, appended to by later puts): a term is evaluated into a
// bitmap, which needs no order. A stem in more than a sixteenth of the
// slots (and more than denseMin) is dense: a bitmap of its slots, and a
// list of the exceptions, the postings of its words above Public or in a
// name. A dense stem takes a fraction of the memory of its list and is
// read much faster; it stays dense.
//
// A deleted or replaced document's postings are not looked for: its slot
// is retired (not alive, so its postings are masked out) and not reused
// until a purge, run once retired postings make an eighth of the total,
// filters them out of every list and bitmap. A replaced document with
// words therefore moves to a fresh slot.
const (
	levelShift  = 30
	nameBit     = 1 << 29
	slotMask    = nameBit - 1
	maxTextSlot = nameBit
	maxStems    = nameBit // stems past it are ignored
)

// denseMin is the least number of postings of a dense stem.
const denseMin = 256

// textIndex holds the postings of the documents' words.
type textIndex struct {
	sids   map[string]uint32 // stem -> sid
	stems  []string          // by sid
	post   [][]uint32        // by sid: the postings, or a dense stem's exceptions
	dense  []int32           // by sid: 1 + index in bits for a dense stem, else 0
	bits   []bitmap          // the slots of the dense stems
	sorted []uint32          // the sids in stem order, but for fresh
	// fresh holds the stems added by a bulk load, which merges them into
	// sorted at its end instead of inserting each in place.
	fresh []uint32
	// denseMin is the constant, but for tests.
	denseMin int

	// lens holds per slot the number of distinct stems visible at each
	// level, sums their total over the live slots.
	lens [][numLevels]uint32
	sums [numLevels]uint64

	postings    int    // of every stem, retired ones included
	retired     bitmap // retired slots whose postings are still in the lists
	nRetired    int
	retiredPost int // postings of the retired slots

	// Working memory of collect: per sid, the call that last saw it and
	// where in its output.
	serial uint32
	mark   []uint32
	at     []int32
	cur    []uint32
}

func newTextIndex() textIndex {
	return textIndex{sids: map[string]uint32{}, denseMin: denseMin}
}

// hasPostings reports whether slot s has postings.
func (t *textIndex) hasPostings(s int32) bool {
	return int(s) < len(t.lens) && t.lens[s][Staff] > 0
}

// grow makes room for slot s.
func (t *textIndex) grow(s int32) {
	for len(t.lens) <= int(s) {
		t.lens = append(t.lens, [numLevels]uint32{})
	}
}

// isDense reports whether a stem with n postings should be dense.
func (t *textIndex) isDense(n int) bool {
	return n > t.denseMin && n > len(t.lens)/16
}

// exception reports whether posting p must be listed for a dense stem.
func exception(p uint32) bool { return p&^slotMask != 0 }

// post1 adds posting p to stem sid.
func (t *textIndex) post1(sid, p uint32) {
	if d := t.dense[sid]; d > 0 {
		t.bits[d-1].set(int32(p & slotMask))
		if exception(p) {
			t.post[sid] = append(t.post[sid], p)
		}
		return
	}
	t.post[sid] = append(t.post[sid], p)
	if t.isDense(len(t.post[sid])) {
		t.densify(sid)
	}
}

// densify turns stem sid dense.
func (t *textIndex) densify(sid uint32) {
	b := make(bitmap, words(len(t.lens)))
	var exc []uint32
	for _, p := range t.post[sid] {
		b.set(int32(p & slotMask))
		if exception(p) {
			exc = append(exc, p)
		}
	}
	t.post[sid] = exc
	t.bits = append(t.bits, b)
	t.dense[sid] = int32(len(t.bits))
}

// add posts the words of the document in slot s, which has none yet.
func (t *textIndex) add(s int32, words []Word) {
	if len(words) == 0 || s >= maxTextSlot {
		return
	}
	t.cur = t.collect(t.cur[:0], words, nil, false)
	for _, e := range t.cur {
		t.post1(e&slotMask, uint32(s)|e&^slotMask)
	}
	t.count(s, t.cur)
}

// addAll posts the words of a bulk load: docs[i] went to slots[i], with no
// postings yet; a slot given twice keeps its last document. The words are
// resolved first, then each list grows once, then the postings are
// written: doing one thing at a time keeps the caches warm, and the lists
// need no reallocation.
func (t *textIndex) addAll(slots []int32, docs []Doc) {
	n := 0
	for i := range docs {
		n += len(docs[i].Words)
	}
	if n == 0 {
		return
	}
	last := make(bitmap, words(len(t.lens)))
	keep := make([]bool, len(docs))
	for i := len(docs) - 1; i >= 0; i-- {
		if s := slots[i]; s < maxTextSlot && !last.has(s) {
			last.set(s)
			keep[i] = true
		}
	}
	ents := make([]uint32, 0, n)
	ends := make([]int, len(docs))
	var buf []uint32
	for lo := 0; lo < len(docs); {
		hi, m := lo, 0
		for hi < len(docs) && (m == 0 || m+len(docs[hi].Words) <= resolveBlock) {
			m += len(docs[hi].Words)
			hi++
		}
		buf = t.resolve(docs[lo:hi], buf[:0])
		res := buf
		for i := lo; i < hi; i++ {
			ws := docs[i].Words
			if keep[i] {
				start := len(ents)
				ents = t.collect(ents, ws, res[:len(ws)], true)
				t.count(slots[i], ents[start:])
			}
			res = res[len(ws):]
			ends[i] = len(ents)
		}
		lo = hi
	}
	added := make([]int32, len(t.stems))
	for _, e := range ents {
		added[e&slotMask]++
	}
	for sid, k := range added {
		list := t.post[sid]
		switch {
		case k == 0 || t.dense[sid] > 0:
		case t.isDense(len(list) + int(k)):
			t.densify(uint32(sid))
		case cap(list)-len(list) < int(k):
			// A little room for the next Puts, more for a list that grows
			// batch after batch.
			need := len(list) + int(k)
			grown := make([]uint32, len(list), need+max(need/32, len(list)/4))
			copy(grown, list)
			t.post[sid] = grown
		}
	}
	start := 0
	for i, s := range slots {
		for _, e := range ents[start:ends[i]] {
			t.post1(e&slotMask, uint32(s)|e&^slotMask)
		}
		start = ends[i]
	}
}

// resolveBlock is the number of words resolve looks up at a time.
const resolveBlock = 1 << 15

// noSid marks a stem missing from the dictionary.
const noSid = ^uint32(0)

// resolve appends to res the sids of the stems of docs' words, noSid for
// those not in the dictionary. Looking the stems up is most of the cost of
// a bulk load: both halves of a large block are looked up at once.
func (t *textIndex) resolve(docs []Doc, res []uint32) []uint32 {
	n := 0
	for i := range docs {
		n += len(docs[i].Words)
	}
	res = slices.Grow(res, n)[:n]
	look := func(docs []Doc, res []uint32) {
		k := 0
		for i := range docs {
			for _, w := range docs[i].Words {
				sid, ok := t.sids[w.Stem]
				if !ok {
					sid = noSid
				}
				res[k] = sid
				k++
			}
		}
	}
	if n < 4096 || len(docs) < 2 {
		look(docs, res)
		return res
	}
	half, k := 0, 0
	for k < n/2 {
		k += len(docs[half].Words)
		half++
	}
	var wg sync.WaitGroup
	wg.Go(func() { look(docs[half:], res[k:]) })
	look(docs[:half], res[:k])
	wg.Wait()
	return res
}

// collect appends to dst the words as entries; res, when not nil, holds
// their sids as resolve gives them. A stem given several times gives one
// entry, at its lowest level, with the name flag if any occurrence has it.
func (t *textIndex) collect(dst []uint32, words []Word, res []uint32, bulk bool) []uint32 {
	t.serial++
	if t.serial == 0 { // wrapped: forget every mark
		clear(t.mark)
		t.serial = 1
	}
	start := len(dst)
	for i, w := range words {
		if w.Level > Staff || w.Stem == "" {
			continue
		}
		sid := noSid
		if res != nil {
			sid = res[i]
		}
		if sid == noSid {
			var ok bool
			if sid, ok = t.intern(w.Stem, bulk); !ok {
				continue
			}
		}
		e := sid | uint32(w.Level)<<levelShift
		if w.Name {
			e |= nameBit
		}
		if t.mark[sid] != t.serial {
			t.mark[sid], t.at[sid] = t.serial, int32(len(dst)-start)
			dst = append(dst, e)
			continue
		}
		old := &dst[start+int(t.at[sid])]
		if e>>levelShift < *old>>levelShift {
			*old = *old&^(3<<levelShift) | e&(3<<levelShift)
		}
		*old |= e & nameBit
	}
	return dst
}

// count records the number of words of slot s visible at each level, from
// its entries.
func (t *textIndex) count(s int32, ents []uint32) {
	var n [numLevels]uint32
	for _, e := range ents {
		n[e>>levelShift]++
	}
	n[Members] += n[Public]
	n[Staff] += n[Members]
	t.lens[s] = n
	for l := range numLevels {
		t.sums[l] += uint64(n[l])
	}
	t.postings += len(ents)
}

// intern returns the sid of stem, adding it to the dictionary when new
// (false when the dictionary is full: maxStems).
func (t *textIndex) intern(stem string, bulk bool) (uint32, bool) {
	if sid, ok := t.sids[stem]; ok {
		return sid, true
	}
	if len(t.stems) >= maxStems {
		return 0, false
	}
	sid := uint32(len(t.stems))
	stem = strings.Clone(stem) // do not pin the caller's text
	t.sids[stem] = sid
	t.stems = append(t.stems, stem)
	t.post = append(t.post, nil)
	t.dense = append(t.dense, 0)
	t.mark = append(t.mark, 0)
	t.at = append(t.at, 0)
	if bulk {
		t.fresh = append(t.fresh, sid)
		return sid, true
	}
	i, _ := slices.BinarySearchFunc(t.sorted, stem, t.cmpStem)
	t.sorted = slices.Insert(t.sorted, i, sid)
	return sid, true
}

func (t *textIndex) cmpStem(sid uint32, stem string) int { return strings.Compare(t.stems[sid], stem) }

// sortDictionary merges the stems of a bulk load into the stem order.
func (t *textIndex) sortDictionary() {
	if len(t.fresh) == 0 {
		return
	}
	cmp := func(a, b uint32) int { return strings.Compare(t.stems[a], t.stems[b]) }
	slices.SortFunc(t.fresh, cmp)
	old := t.sorted
	if len(old) == 0 {
		t.sorted, t.fresh = t.fresh, nil
		return
	}
	t.sorted = make([]uint32, 0, len(old)+len(t.fresh))
	i, j := 0, 0
	for i < len(old) && j < len(t.fresh) {
		if cmp(old[i], t.fresh[j]) < 0 {
			t.sorted = append(t.sorted, old[i])
			i++
		} else {
			t.sorted = append(t.sorted, t.fresh[j])
			j++
		}
	}
	t.sorted = append(append(t.sorted, old[i:]...), t.fresh[j:]...)
	t.fresh = t.fresh[:0]
}

// retire takes slot s, whose document leaves, out of the counts; its
// postings stay until the next purge. It reports whether the slot must wait
// for that purge before reuse.
func (t *textIndex) retire(s int32) bool {
	if !t.hasPostings(s) {
		return false
	}
	n := t.lens[s]
	for l := range numLevels {
		t.sums[l] -= uint64(n[l])
	}
	t.lens[s] = [numLevels]uint32{}
	t.retired.set(s)
	t.nRetired++
	t.retiredPost += int(n[Staff])
	return true
}

// needsPurge reports whether the retired postings are worth filtering out:
// they make an eighth of all, or the retired slots an eighth of the live.
func (t *textIndex) needsPurge(live int) bool {
	return t.nRetired > 0 && (t.retiredPost*8 > t.postings || t.nRetired*8 > live+64)
}

// purge filters the retired slots' postings out of every stem and returns
// those slots, free for reuse. Lists left with much spare capacity are
// trimmed, and stems left without postings leave the dictionary once they
// are a quarter of it.
func (t *textIndex) purge() []int32 {
	empty := 0
	for sid, list := range t.post {
		kept := list[:0]
		for _, p := range list {
			if !t.retired.has(int32(p & slotMask)) {
				kept = append(kept, p)
			}
		}
		if cap(kept) > len(kept)+len(kept)/4+8 {
			kept = slices.Clip(slices.Clone(kept))
		}
		t.post[sid] = kept
		if d := t.dense[sid]; d > 0 {
			b := t.bits[d-1]
			for w := range min(len(b), len(t.retired)) {
				b[w] &^= t.retired[w]
			}
		} else if len(kept) == 0 {
			empty++
		}
	}
	t.postings -= t.retiredPost
	var freed []int32
	for w, word := range t.retired {
		for ; word != 0; word &= word - 1 {
			freed = append(freed, int32(w<<6+bits.TrailingZeros64(word)))
		}
	}
	t.retired = t.retired[:0]
	t.nRetired, t.retiredPost = 0, 0
	if empty*4 > len(t.stems) {
		t.dropEmptyStems()
	}
	return freed
}

// dropEmptyStems removes the sparse stems without postings and renumbers
// the rest.
func (t *textIndex) dropEmptyStems() {
	stems, post, dense := t.stems[:0], t.post[:0], t.dense[:0]
	for sid, list := range t.post {
		st, d := t.stems[sid], t.dense[sid]
		if len(list) == 0 && d == 0 {
			delete(t.sids, st)
			continue
		}
		t.sids[st] = uint32(len(stems))
		stems, post, dense = append(stems, st), append(post, list), append(dense, d)
	}
	clear(t.stems[len(stems):])
	clear(t.post[len(post):])
	t.stems, t.post, t.dense = slices.Clip(stems), slices.Clip(post), slices.Clip(dense)
	t.mark, t.at = make([]uint32, len(stems)), make([]int32, len(stems))
	t.serial = 0
	t.sorted = t.sorted[:0]
	for sid := range stems {
		t.fresh = append(t.fresh, uint32(sid))
	}
	t.sortDictionary()
}
