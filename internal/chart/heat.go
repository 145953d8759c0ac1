package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Cell is one square of a heat map.
type Cell struct {
	// Value is the count the square shows.
	Value int
	// Href, when set, makes the square a link; only relative, http, https
	// and mailto references are kept.
	Href string
	// Label is what the square says to a screen reader and in its tooltip
	// ("Medtech × Preclinical: 12 organisations"); by default
	// "row × column: value".
	Label string
}

// HeatOptions sets up Heat.
type HeatOptions struct {
	// Title names the chart (its <title>); Desc describes it (its <desc>).
	Title, Desc string
	// Thin marks gaps: squares whose value is at most Thin, and empty ones,
	// are drawn hatched and outlined in a warm colour.
	Thin int
}

// Heat map layout, in pixels and characters.
const (
	heatFontSize  = 12
	heatCell      = 34
	heatStep      = heatCell + 2
	heatPad       = 6
	heatHeadChars = 30
	heatLevels    = 5
	legendSwatch  = 14
)

// Heat draws a matrix of counts: rows down the left, column headers
// slanted on top, one square per cell shaded in five levels of blue by its
// fifth of the largest value, with the value written in it; cells at or
// under o.Thin are gaps, hatched and outlined in orange. A legend gives
// each level's range. cells[i][j] is the cell of rows[i] and cols[j];
// missing cells count as empty.
func Heat(rows, cols []string, cells [][]Cell, o HeatOptions) template.HTML {
	const p = "chart"
	fs := float64(heatFontSize)
	cos45 := math.Sqrt2 / 2

	grid := make([][]Cell, len(rows))
	maxV := 0
	linked := false
	for i := range rows {
		grid[i] = make([]Cell, len(cols))
		for j := range cols {
			if i < len(cells) && j < len(cells[i]) {
				grid[i][j] = cells[i][j]
			}
			c := &grid[i][j]
			if c.Label == "" {
				c.Label = rows[i] + " × " + cols[j] + ": " + strconv.Itoa(c.Value)
			}
			maxV = max(maxV, c.Value)
			if _, ok := safeHref(c.Href); ok {
				linked = true
			}
		}
	}

	rowHeads, rowCut := truncateAll(rows, heatHeadChars)
	colHeads, colCut := truncateAll(cols, heatHeadChars)
	rowHeadW := widest(rowHeads, fs) + 2*heatPad
	colTextW := widest(colHeads, fs)
	colHeadH := colTextW*cos45 + fs + heatPad
	gridX, gridY := rowHeadW, colHeadH
	gridW := float64(len(cols)) * heatStep
	gridH := float64(len(rows)) * heatStep

	levels := legendLevels(maxV, o.Thin)
	legendY := gridY + gridH + heatPad
	legendW := 0.0
	for _, l := range levels {
		legendW += legendSwatch + 4 + textWidth(l.text, fs) + 12
	}
	width := max(gridX+gridW+colTextW*cos45+heatPad, legendW+heatPad)
	height := legendY + legendSwatch + 2*heatPad

	labels := make([]string, 0, len(rows)*len(cols))
	for _, row := range grid {
		for _, c := range row {
			labels = append(labels, c.Label)
		}
	}
	idParts := append([]string{o.Title, o.Desc, strconv.Itoa(o.Thin), strings.Join(rows, "\x1f"), strings.Join(cols, "\x1f")}, labels...)
	id := chartID(p+"-heat", idParts...)
	desc := o.Desc
	if !linked && len(labels) > 0 {
		desc = strings.TrimSpace(desc + " " + strings.Join(labels, " ; ") + ".")
	}
	hatch := id + "-hatch"

	var s svg
	s.open(id, p+" "+p+"-heatmap", width, height, linked, o.Title, desc)
	s.raw(`<defs><pattern`)
	s.attr("id", hatch)
	s.raw(` width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6"`)
	s.attr("fill", colGapFill)
	s.raw(`/><line x1="0" y1="0" x2="0" y2="6" stroke-width="2"`)
	s.attr("stroke", colGapHatch)
	s.raw(`/></pattern></defs>`)

	for j := range cols {
		x := gridX + float64(j)*heatStep + heatCell/2 + fs*0.35
		y := colHeadH - heatPad
		s.raw("<text")
		s.attr("class", p+"-heat-head "+p+"-heat-col")
		s.num("x", x)
		s.num("y", y)
		s.attr("transform", "rotate(-45 "+coord(x)+" "+coord(y)+")")
		s.attr("font-size", strconv.Itoa(heatFontSize))
		s.attr("fill", colInk)
		s.raw(">")
		headText(&s, cols[j], colHeads[j], colCut[j])
		s.raw("</text>")
	}
	for i := range rows {
		s.raw("<text")
		s.attr("class", p+"-heat-head "+p+"-heat-row")
		s.num("x", rowHeadW-heatPad)
		s.num("y", gridY+float64(i)*heatStep+heatCell/2)
		s.attr("dy", "0.35em")
		s.attr("text-anchor", "end")
		s.attr("font-size", strconv.Itoa(heatFontSize))
		s.attr("fill", colInk)
		s.raw(">")
		headText(&s, rows[i], rowHeads[i], rowCut[i])
		s.raw("</text>")
	}

	for i, row := range grid {
		for j, c := range row {
			x := gridX + float64(j)*heatStep
			y := gridY + float64(i)*heatStep
			level := heatLevel(c.Value, maxV, o.Thin)
			end := s.item(p+"-cell", c.Href, c.Label, linked)
			s.raw("<title>")
			s.text(c.Label)
			s.raw("</title>")
			swatch(&s, p, level, hatch, x, y, heatCell)
			s.raw("<text")
			class, fill := p+"-heat-value", colInk
			if level >= 4 {
				class, fill = class+" "+p+"-on-dark", "#ffffff"
			}
			s.attr("class", class)
			s.num("x", x+heatCell/2)
			s.num("y", y+heatCell/2)
			s.attr("dy", "0.35em")
			s.attr("text-anchor", "middle")
			s.attr("font-size", strconv.Itoa(heatFontSize))
			s.attr("fill", fill)
			s.raw(">", strconv.Itoa(c.Value), "</text>", end)
		}
	}

	if len(rows) > 0 && len(cols) > 0 {
		s.raw("<g")
		s.attr("class", p+"-legend")
		s.raw(">")
		x := heatPad / 2.0
		for _, l := range levels {
			swatch(&s, p, l.level, hatch, x, legendY, legendSwatch)
			x += legendSwatch + 4
			s.raw("<text")
			s.attr("class", p+"-legend-text")
			s.num("x", x)
			s.num("y", legendY+legendSwatch/2)
			s.attr("dy", "0.35em")
			s.attr("font-size", strconv.Itoa(heatFontSize))
			s.attr("fill", colInk)
			s.raw(">")
			s.text(l.text)
			s.raw("</text>")
			x += textWidth(l.text, fs) + 12
		}
		s.raw("</g>")
	}
	s.raw("</svg>")
	return template.HTML(s.String()) // every text and attribute is escaped by svg
}

// heatLevel is 0 for a gap, else 1 to 5: the fifth of max the value is in.
func heatLevel(v, maxV, thin int) int {
	if v <= thin || v <= 0 || maxV <= 0 {
		return 0
	}
	l := int(math.Ceil(float64(heatLevels) * float64(v) / float64(maxV)))
	return min(max(l, 1), heatLevels)
}

// swatch draws a square of level's shade, or a hatched, outlined gap.
func swatch(s *svg, p string, level int, hatch string, x, y, size float64) {
	s.raw("<rect")
	if level == 0 {
		s.attr("class", p+"-heat "+p+"-gap")
		s.attr("fill", "url(#"+hatch+")")
		s.attr("stroke", colGap)
		s.attr("stroke-width", "1.5")
		s.attr("stroke-dasharray", "3 2")
		// Inset by half the stroke, so that outlined and plain squares
		// have the same outer size.
		x, y, size = x+0.75, y+0.75, size-1.5
	} else {
		n := strconv.Itoa(level)
		s.attr("class", p+"-heat "+p+"-heat-"+n)
		s.attr("fill", shades[level-1])
	}
	s.num("x", x)
	s.num("y", y)
	s.num("width", size)
	s.num("height", size)
	s.raw("/>")
}

// legendLevel is one swatch of the legend.
type legendLevel struct {
	level int
	text  string
}

// legendLevels lists the gap and the levels that some value can reach,
// with their ranges of values ("≤ 2", "3–4", "10").
func legendLevels(maxV, thin int) []legendLevel {
	gap := "0"
	if thin > 0 {
		gap = "≤ " + strconv.Itoa(thin)
	}
	out := []legendLevel{{0, gap}}
	if maxV <= thin || maxV <= 0 {
		return out
	}
	lo := max(thin, 0) + 1
	for l := 1; l <= heatLevels; l++ {
		hi := int(math.Floor(float64(maxV) * float64(l) / heatLevels))
		if l == heatLevels {
			hi = maxV
		}
		// hi is the largest value whose level is l; check against
		// heatLevel, which rounds up.
		for hi >= lo && heatLevel(hi, maxV, thin) > l {
			hi--
		}
		if hi < lo {
			continue
		}
		text := strconv.Itoa(lo)
		if hi > lo {
			text += "–" + strconv.Itoa(hi)
		}
		out = append(out, legendLevel{l, text})
		lo = hi + 1
	}
	return out
}

// headText writes a header's text, with the full text as a tooltip when it
// was cut.
func headText(s *svg, full, shown string, cut bool) {
	if cut {
		s.raw("<title>")
		s.text(full)
		s.raw("</title>")
	}
	s.text(shown)
}

func truncateAll(texts []string, max int) ([]string, []bool) {
	out, cut := make([]string, len(texts)), make([]bool, len(texts))
	for i, t := range texts {
		out[i], cut[i] = truncate(t, max)
	}
	return out, cut
}

func widest(texts []string, fs float64) float64 {
	w := 0.0
	for _, t := range texts {
		w = max(w, textWidth(t, fs))
	}
	return w
}
