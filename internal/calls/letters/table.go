package letters

import "strings"

// column is one column of a table: its heading, width in millimetres and
// alignment ("L", "C", "R").
type column struct {
	title string
	width float64
	align string
}

// piece is part of a cell's text in one face; the pieces of a cell are
// stacked, each starting on a new line.
type piece struct {
	text  string // cleaned; "\n" breaks lines
	style string
	size  float64
	color rgb
	link  string // a URL the text links to, optional
}

// cell is what one column of a row holds.
type cell []piece

// printed is one wrapped line of a cell, in its face.
type printed struct {
	text string
	p    piece
	h    float64
}

// Table spacing, in millimetres.
const (
	cellPadX  = 1.5
	cellPadY  = 1.4
	headerH   = 7.0
	tableFont = 9.0
)

// table draws rows under a header that is repeated at the top of every
// page the table runs onto. Rows are kept whole on a page when they can
// be; a row taller than a page continues column by column on the next.
// after, when not nil, is called after each row (by index) is drawn.
func (d *doc) table(cols []column, rows []row, after func(i int)) {
	header := func() {
		y := d.pdf.GetY()
		d.face("B", tableFont, rgb{255, 255, 255})
		d.pdf.SetFillColor(accent.r, accent.g, accent.b)
		d.pdf.Rect(marginX, y, d.textW(), headerH, "F")
		x := marginX
		for _, c := range cols {
			d.pdf.SetXY(x+cellPadX, y)
			d.pdf.CellFormat(c.width-2*cellPadX, headerH, c.title, "", 0, c.align, false, 0, "")
			x += c.width
		}
		d.pdf.SetY(y + headerH)
	}
	// The header never ends a page alone.
	first := 0.0
	if len(rows) > 0 {
		first = min(d.rowHeight(cols, d.layRow(cols, rows[0])), 3*8)
	}
	d.need(headerH + first)
	header()
	d.resume = header
	defer func() { d.resume = nil }()
	fresh := d.bottom - marginTop - 4 - headerH // the room of a new page under the header
	for i, r := range rows {
		lines := d.layRow(cols, r)
		if h := d.rowHeight(cols, lines); d.pdf.GetY()+h > d.bottom && h <= fresh {
			d.newPage()
		}
		broke := false
		for {
			y := d.pdf.GetY()
			room := d.bottom - y - 2*cellPadY
			used, more := 0.0, false
			take := make([]int, len(cols))
			for c := range cols {
				h := 0.0
				for _, l := range lines[c] {
					if h+l.h > room {
						break
					}
					h += l.h
					take[c]++
				}
				used = max(used, h)
				more = more || take[c] < len(lines[c])
			}
			if used == 0 && more {
				if !broke {
					d.newPage() // not even one line fits here
					broke = true
					continue
				}
				// Not even on a new page: a line taller than a page. Print
				// one anyway rather than break pages forever.
				for c := range cols {
					if len(lines[c]) > 0 {
						take[c] = 1
						used = max(used, lines[c][0].h)
					}
				}
				more = false
				for c := range cols {
					more = more || take[c] < len(lines[c])
				}
			}
			broke = false
			if i%2 == 1 {
				d.pdf.SetFillColor(shade.r, shade.g, shade.b)
				d.pdf.Rect(marginX, y, d.textW(), used+2*cellPadY, "F")
			}
			x := marginX
			for c, col := range cols {
				ly := y + cellPadY
				for _, l := range lines[c][:take[c]] {
					d.face(l.p.style, l.p.size, l.p.color)
					d.pdf.SetXY(x+cellPadX, ly)
					d.pdf.CellFormat(col.width-2*cellPadX, l.h, l.text, "", 0, col.align, false, 0, "")
					ly += l.h
				}
				lines[c] = lines[c][take[c]:]
				x += col.width
			}
			d.line(marginX, y+used+2*cellPadY, d.w-marginX, rule, 0.15)
			d.pdf.SetY(y + used + 2*cellPadY)
			if !more {
				break
			}
			d.newPage()
			broke = true
		}
		if after != nil {
			after(i)
		}
	}
}

// row is one cell per column.
type row []cell

// layRow wraps each cell of a row to its column.
func (d *doc) layRow(cols []column, r row) [][]printed {
	out := make([][]printed, len(cols))
	for c, col := range cols {
		if c >= len(r) {
			continue
		}
		for _, p := range r[c] {
			if p.text == "" {
				continue
			}
			d.face(p.style, p.size, p.color)
			h := d.lineH()
			for l := range strings.SplitSeq(p.text, "\n") {
				for _, w := range d.wrap(l, col.width-2*cellPadX) {
					out[c] = append(out[c], printed{text: w, p: p, h: h})
				}
			}
		}
	}
	return out
}

// rowHeight is the height of a laid-out row.
func (d *doc) rowHeight(cols []column, lines [][]printed) float64 {
	h := 0.0
	for c := range cols {
		ch := 0.0
		for _, l := range lines[c] {
			ch += l.h
		}
		h = max(h, ch)
	}
	return h + 2*cellPadY
}
