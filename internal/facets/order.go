package facets

import "math/bits"

// page returns the slots of full on the query's page, in order. The name
// order walks x.order and stops at the page's end, unless the hits are so
// sparse that selecting among them costs less; the rank order keeps the
// best Offset+Limit hits in a heap.
func (x *Index) page(q *Query, full bitmap, total int, rank []float64, ranked bool, sc *scratch) []int32 {
	off := max(q.Offset, 0)
	lim := q.Limit
	if lim <= 0 {
		lim = DefaultLimit
	}
	if off >= total {
		return nil
	}
	n := min(lim, total-off)
	need := off + n

	byRank := q.ByRank && ranked // without ranks, rank order is name order
	// A walk visits about need*len(order)/total slots at a few ns each; a
	// selection compares every hit's key at some 10 ns.
	if !byRank && int64(need)*int64(len(x.order)) <= 10*int64(total)*int64(total) {
		page, seen := sc.page[:0], 0
		for _, s := range x.order {
			if !full.has(s) {
				continue
			}
			if seen++; seen > off {
				page = append(page, s)
				if len(page) == n {
					break
				}
			}
		}
		sc.page = page
		return page
	}

	sel := selector{x: x, byRank: byRank, rank: rank, k: need, h: sc.page[:0]}
	for w, word := range full {
		for ; word != 0; word &= word - 1 {
			s := int32(w<<6 + bits.TrailingZeros64(word))
			if byRank && len(sel.h) == need && rank[s] < rank[sel.h[0]] {
				continue // worse than the worst kept: the common case
			}
			sel.offer(s)
		}
	}
	sc.page = sel.h
	return sel.sorted()[off:]
}

// selector keeps the first k slots offered, in result order, as a max-heap:
// the root is the last of them.
type selector struct {
	x      *Index
	byRank bool
	rank   []float64
	k      int
	h      []int32
}

// before reports whether slot a comes before slot b in the result.
func (p *selector) before(a, b int32) bool {
	if p.byRank {
		if ra, rb := p.rank[a], p.rank[b]; ra != rb {
			return ra > rb
		}
	}
	return p.x.cmpSlots(a, b) < 0
}

func (p *selector) offer(s int32) {
	if len(p.h) < p.k {
		p.h = append(p.h, s)
		p.up(len(p.h) - 1)
		return
	}
	if p.before(s, p.h[0]) {
		p.h[0] = s
		p.down(0, len(p.h))
	}
}

func (p *selector) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !p.before(p.h[parent], p.h[i]) {
			return
		}
		p.h[parent], p.h[i] = p.h[i], p.h[parent]
		i = parent
	}
}

func (p *selector) down(i, n int) {
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && p.before(p.h[c], p.h[c+1]) {
			c++
		}
		if !p.before(p.h[i], p.h[c]) {
			return
		}
		p.h[i], p.h[c] = p.h[c], p.h[i]
		i = c
	}
}

// sorted empties the heap into result order (heap sort, in place).
func (p *selector) sorted() []int32 {
	for n := len(p.h) - 1; n > 0; n-- {
		p.h[0], p.h[n] = p.h[n], p.h[0]
		p.down(0, n)
	}
	return p.h
}
