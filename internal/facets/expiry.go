package facets

import (
	"math/bits"
	"time"
)

// clock is the instant the value bitmaps reflect: a term whose Until is
// before asOf has its bits dropped. The bitmaps stay right for any query
// instant in (lo, hi]: no term's Until lies in between. Both bounds may be
// tighter than needed (after deletions), which only costs a rebuild.
type clock struct {
	asOf         time.Time
	lo, hi       time.Time // latest expired Until, earliest live Until
	hasLo, hasHi bool
}

// expired reports whether a term valid until u is expired as of the clock.
func (c *clock) expired(u time.Time) bool { return u.Before(c.asOf) }

// covers reports whether the bitmaps are right for a query at now.
func (c *clock) covers(now time.Time) bool {
	return (!c.hasLo || c.lo.Before(now)) && (!c.hasHi || !c.hi.Before(now))
}

// note narrows the bounds for a term valid until u.
func (c *clock) note(u time.Time) {
	if c.expired(u) {
		if !c.hasLo || u.After(c.lo) {
			c.lo, c.hasLo = u, true
		}
		return
	}
	if !c.hasHi || u.Before(c.hi) {
		c.hi, c.hasHi = u, true
	}
}

// advance moves the clock to now and recomputes the bits of every document
// with an expiring term. Time may also go backwards: terms come back.
func (x *Index) advance(now time.Time) {
	x.clock = clock{asOf: now}
	for w, word := range x.timed {
		for ; word != 0; word &= word - 1 {
			s := int32(w<<6 + bits.TrailingZeros64(word))
			for _, u := range x.docs[s].untils {
				x.clock.note(u)
			}
			x.placeRefs(s, false)
		}
	}
}
