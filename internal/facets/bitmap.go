package facets

import "math/bits"

// bitmap is a dense set of slots, one bit per slot. A bitmap may be shorter
// than the index's slot count: the missing words are zero.
type bitmap []uint64

// words returns the number of 64-bit words needed to hold n slots.
func words(n int) int { return (n + 63) >> 6 }

func (b bitmap) has(s int32) bool {
	w := int(s >> 6)
	return w < len(b) && b[w]&(1<<(uint(s)&63)) != 0
}

// set adds slot s, growing the bitmap when needed.
func (b *bitmap) set(s int32) {
	w := int(s >> 6)
	if w >= len(*b) {
		*b = append(*b, make([]uint64, w+1-len(*b))...)
	}
	(*b)[w] |= 1 << (uint(s) & 63)
}

func (b bitmap) clear(s int32) {
	if w := int(s >> 6); w < len(b) {
		b[w] &^= 1 << (uint(s) & 63)
	}
}

func (b bitmap) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// and keeps in b only the slots also in o.
func (b bitmap) and(o bitmap) {
	n := min(len(b), len(o))
	for i := range n {
		b[i] &= o[i]
	}
	clear(b[n:])
}

// or adds to b the slots of o that fit in b.
func (b bitmap) or(o bitmap) {
	n := min(len(b), len(o))
	for i := range n {
		b[i] |= o[i]
	}
}

// copyFrom makes b equal to o over b's length.
func (b bitmap) copyFrom(o bitmap) {
	n := copy(b, o)
	clear(b[n:])
}

// resize returns a zeroed bitmap of n words, reusing b's storage if it can.
func resize(b bitmap, n int) bitmap {
	if cap(b) < n {
		return make(bitmap, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// any reports whether b holds a slot.
func (b bitmap) any() bool {
	for _, w := range b {
		if w != 0 {
			return true
		}
	}
	return false
}
