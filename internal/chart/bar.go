package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Bar is one bar of a horizontal bar chart.
type Bar struct {
	// Label names the bar, left of it.
	Label string
	// Value sets the bar's length; negative and NaN values count as zero.
	Value float64
	// Href, when set, makes the bar, its label and its value a link.
	// Only relative, http, https and mailto references are kept.
	Href string
	// Note is optional text shown after the value ("dont 3 nouvelles").
	Note string
}

// BarOptions sets up HBar. Zero fields take the defaults given.
type BarOptions struct {
	// Title names the chart (its <title>); Desc describes it (its <desc>).
	Title, Desc string
	// Unit follows each value ("organisations").
	Unit string
	// Width is the chart's width in pixels; 640 by default.
	Width int
	// BarHeight is each bar's thickness in pixels; 22 by default.
	BarHeight int
	// MaxLabelChars truncates longer labels with "…" (the full label stays
	// in a tooltip); 28 by default.
	MaxLabelChars int
	// ClassPrefix prefixes every class; "chart" by default, the prefix CSS
	// styles.
	ClassPrefix string
	// Format writes a value; Number by default.
	Format func(float64) string
}

// Bar chart layout, in pixels.
const (
	barFontSize = 13
	barPad      = 8
	minBarArea  = 40
	zeroMark    = 2
)

// HBar draws a horizontal bar chart: one row per bar with its label, a bar
// whose length is proportional to the largest value (a thin mark for zero)
// and the value as text. Without links it is an image whose description
// also lists every value; with links it is a group of links, each named by
// its label and value.
func HBar(bars []Bar, o BarOptions) template.HTML {
	o = barDefaults(o)
	p := o.ClassPrefix
	fs := float64(barFontSize)

	linked := false
	maxV := 0.0
	values := make([]float64, len(bars))
	for i, b := range bars {
		v := b.Value
		if math.IsNaN(v) || v < 0 {
			v = 0
		}
		if math.IsInf(v, 1) {
			v = math.MaxFloat64
		}
		values[i] = v
		maxV = max(maxV, v)
		if _, ok := safeHref(b.Href); ok {
			linked = true
		}
	}

	// Labels get at most 40% of the width and values with their notes 45%;
	// their character budgets follow.
	width := float64(o.Width)
	labelChars := max(min(o.MaxLabelChars, int(width*0.4/(fs*charWidth))), 1)
	labels := make([]string, len(bars))
	truncated := make([]bool, len(bars))
	labelW := 0.0
	for i, b := range bars {
		labels[i], truncated[i] = truncate(b.Label, labelChars)
		labelW = max(labelW, textWidth(labels[i], fs))
	}
	labelW += barPad

	valueChars := max(int(width*0.45/(fs*charWidth)), 1)
	valueTexts := make([]string, len(bars))
	notes := make([]string, len(bars))
	valueW := 0.0
	for i, b := range bars {
		valueTexts[i] = o.Format(b.Value)
		if o.Unit != "" {
			valueTexts[i] += " " + o.Unit
		}
		if b.Note != "" {
			notes[i], _ = truncate("· "+b.Note, max(valueChars-len([]rune(valueTexts[i])), 4))
		}
		valueW = max(valueW, textWidth(valueTexts[i]+" "+notes[i], fs))
	}
	valueW += barPad

	barX := labelW + barPad
	barArea := max(width-barX-valueW, minBarArea)
	rowH := float64(o.BarHeight)
	gap := max(4, math.Round(rowH/3))
	n := float64(len(bars))
	height := 2*barPad + n*rowH + max(n-1, 0)*gap
	if len(bars) == 0 {
		height = 2*barPad + rowH
	}

	full := make([]string, len(bars)) // what a bar says, for tooltips and screen readers
	for i, b := range bars {
		full[i] = b.Label + ": " + valueTexts[i]
		if b.Note != "" {
			full[i] += " · " + b.Note
		}
	}
	idParts := append([]string{o.Title, o.Desc, o.Unit}, full...)
	id := chartID(p, idParts...)
	desc := o.Desc
	if !linked && len(bars) > 0 {
		desc = strings.TrimSpace(desc + " " + strings.Join(full, " ; ") + ".")
	}

	var s svg
	s.open(id, p, width, height, linked, o.Title, desc)
	for i, b := range bars {
		y := barPad + float64(i)*(rowH+gap)
		mid := y + rowH/2
		end := s.item(p+"-row", b.Href, full[i], linked)

		s.raw("<title>")
		s.text(full[i])
		s.raw("</title><text")
		s.attr("class", p+"-label")
		s.num("x", labelW)
		s.num("y", mid)
		s.attr("dy", "0.35em")
		s.attr("text-anchor", "end")
		s.attr("font-size", strconv.Itoa(barFontSize))
		s.attr("fill", colInk)
		s.raw(">")
		if truncated[i] {
			s.raw("<title>")
			s.text(b.Label)
			s.raw("</title>")
		}
		s.text(labels[i])
		s.raw("</text>")

		w := values[i] / max(maxV, math.SmallestNonzeroFloat64) * barArea
		class, fill := p+"-bar", colBar
		if values[i] == 0 {
			class, fill = p+"-bar "+p+"-zero", colZero
		}
		w = max(w, zeroMark)
		s.raw("<rect")
		s.attr("class", class)
		s.num("x", barX)
		s.num("y", y)
		s.num("width", w)
		s.num("height", rowH)
		s.attr("fill", fill)
		s.raw("/><text")
		s.attr("class", p+"-value")
		s.num("x", barX+w+6)
		s.num("y", mid)
		s.attr("dy", "0.35em")
		s.attr("font-size", strconv.Itoa(barFontSize))
		s.attr("fill", colInk)
		s.raw(">")
		s.text(valueTexts[i])
		if notes[i] != "" {
			// The space goes before the tspan: some renderers drop one
			// that starts it.
			s.text(" ")
			s.raw("<tspan")
			s.attr("class", p+"-note")
			s.attr("fill", colMuted)
			s.raw(">")
			s.text(notes[i])
			s.raw("</tspan>")
		}
		s.raw("</text>", end)
	}
	s.raw("</svg>")
	return template.HTML(s.String()) // every text and attribute is escaped by svg
}

func barDefaults(o BarOptions) BarOptions {
	if o.Width <= 0 {
		o.Width = 640
	}
	if o.BarHeight <= 0 {
		o.BarHeight = 22
	}
	if o.MaxLabelChars <= 0 {
		o.MaxLabelChars = 28
	}
	o.ClassPrefix = className(o.ClassPrefix)
	if o.Format == nil {
		o.Format = Number
	}
	return o
}

// className keeps the letters, digits, '-' and '_' of prefix; "chart" when
// none is left.
func className(prefix string) string {
	c := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return -1
	}, prefix)
	if c == "" {
		return "chart"
	}
	return c
}
