package booklet

import (
	"sort"

	"filiere/internal/textsearch"
)

// entry is one line of the table of contents or of an index: a text and
// the page it points to (0 for none).
type entry struct {
	text string
	page int
	link int // fpdf internal link, 0 for none
}

// group is a titled list of entries: a brick and its organisations, or a
// part of the table of contents.
type group struct {
	title   string
	entries []entry
}

// placed is a title or an entry at its place: page (counted from the
// section's first page), column and top y in millimetres.
type placed struct {
	page, col int
	y         float64
	title     string // set for a group title
	entry     entry
}

// columns describe how a section flows: its number of columns, where the
// first page's columns start (below the section heading), where the other
// pages' start, where all end, and the line heights.
type columns struct {
	n                   int
	firstTop, top, end  float64
	titleH, entryH, gap float64
}

// flow places groups in columns, page after page. A title never ends a
// column; a group that goes on in the next column repeats its title there
// with contd. It returns the places and the number of pages used.
func flow(groups []group, c columns, contd func(string) string) ([]placed, int) {
	var out []placed
	page, col := 0, 0
	y := c.firstTop
	fresh := true // at the top of a column
	next := func() {
		col++
		if col == c.n {
			col, page = 0, page+1
		}
		y = c.top
		if page == 0 {
			y = c.firstTop
		}
		fresh = true
	}
	for _, g := range groups {
		if g.title != "" {
			gap := c.gap
			if fresh {
				gap = 0
			}
			need := gap + c.titleH
			if len(g.entries) > 0 {
				need += c.entryH
			}
			if y+need > c.end && !fresh {
				next()
				gap = 0
			}
			y += gap
			out = append(out, placed{page: page, col: col, y: y, title: g.title})
			y += c.titleH
			fresh = false
		}
		for _, e := range g.entries {
			if y+c.entryH > c.end && !fresh {
				next()
				if g.title != "" {
					out = append(out, placed{page: page, col: col, y: y, title: contd(g.title)})
					y += c.titleH
				}
			}
			out = append(out, placed{page: page, col: col, y: y, entry: e})
			y += c.entryH
			fresh = false
		}
	}
	return out, page + 1
}

// indexGroups makes one group per distinct key, titled by the key, listing
// the organisations that have it; both sorted as a reader expects
// (accents and case aside).
func indexGroups(keys func(p *planned) []string, profiles []planned) []group {
	byKey := map[string][]entry{}
	for i := range profiles {
		p := &profiles[i]
		seen := map[string]bool{}
		for _, k := range keys(p) {
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			byKey[k] = append(byKey[k], entry{text: p.p.Name, page: p.page, link: p.link})
		}
	}
	groups := make([]group, 0, len(byKey))
	for k, es := range byKey {
		sort.SliceStable(es, func(i, j int) bool { return lessText(es[i].text, es[j].text) })
		groups = append(groups, group{title: k, entries: es})
	}
	sort.Slice(groups, func(i, j int) bool { return lessText(groups[i].title, groups[j].title) })
	return groups
}

// lessText orders texts alphabetically, accents and case aside, then
// exactly, so that the order never depends on the input's.
func lessText(a, b string) bool {
	fa, fb := textsearch.Fold(a), textsearch.Fold(b)
	if fa != fb {
		return fa < fb
	}
	return a < b
}
