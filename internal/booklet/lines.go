package booklet

import (
	"strings"
)

// face is a font and colour: the Go font family in one style ("", "B" or
// "I") at a size in points.
type face struct {
	style string
	size  float64
	color rgb
}

type rgb struct{ r, g, b int }

// span is a piece of text in one face, maybe a link. Consecutive spans are
// separated by a space when printed.
type span struct {
	text string
	face face
	link string // URL
}

// run is the part of a span that lands on one line, at x millimetres from
// the line's start.
type run struct {
	text string
	face face
	link string
	x    float64
	span int // index of the span it comes from: runs merge only within one
}

// line is one printed line of a block: its runs, the room it had, the
// space above it and its height.
type line struct {
	runs   []run
	indent float64
	room   float64
	gap    float64
	height float64
	keep   bool // a heading: never the last line of a block
}

// wrapSpans lays spans out in lines at most room wide. A "\n" in a span's
// text starts a new line; words wider than room are cut between runes.
func (d *doc) wrapSpans(spans []span, room float64) [][]run {
	var (
		lines [][]run
		cur   []run
		x     float64
	)
	flush := func() {
		lines = append(lines, cur)
		cur, x = nil, 0
	}
	for si, sp := range spans {
		m := d.measurer(sp.face)
		space := m(" ")
		paras := strings.Split(sp.text, "\n")
		for pi, para := range paras {
			if pi > 0 {
				flush()
			}
			for _, word := range strings.Fields(para) {
				ww := m(word)
				gap := 0.0
				if len(cur) > 0 {
					gap = space
				}
				if x+gap+ww > room && len(cur) > 0 {
					flush()
					gap = 0
				}
				for ww > room { // a word alone wider than the line
					head := fitRunes(word, room, m)
					if head == "" {
						head = string([]rune(word)[:1])
					}
					cur = append(cur, run{text: head, face: sp.face, link: sp.link, span: si})
					flush()
					word = word[len(head):]
					ww = m(word)
				}
				if word == "" {
					continue
				}
				if n := len(cur); n > 0 && cur[n-1].span == si {
					cur[n-1].text += " " + word
				} else {
					cur = append(cur, run{text: word, face: sp.face, link: sp.link, x: x + gap, span: si})
				}
				x += gap + ww
			}
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}
