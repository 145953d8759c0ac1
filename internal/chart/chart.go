// Package chart draws small charts as inline SVG on the server, for pages
// that run no JavaScript and whose Content-Security-Policy forbids inline
// styles: colours come from SVG presentation attributes (fill=, stroke=),
// which the stylesheet may override through the classes listed by CSS.
//
// Every chart carries a <title> and a <desc>, shows each value as text, and
// is deterministic: the same input gives the same bytes, element ids
// included, so pages can be compared and cached.
package chart

import (
	"encoding/xml"
	"hash/fnv"
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Colours, shared by the presentation attributes and CSS. Blues from light
// to dark for quantities, a warm orange for gaps; the text colours keep a
// contrast of at least 4.5:1 on the fills they sit on.
const (
	colInk      = "#1b2430"
	colMuted    = "#4f5b69"
	colBar      = "#2b6ca3"
	colBarHover = "#084359"
	colZero     = "#4f5b69"
	colGap      = "#c2410c"
	colGapFill  = "#fff7ed"
	colGapHatch = "#f5c9a6"
	colFocus    = "#c25e00"
)

// shades are the five heat levels, light to dark; levels 4 and 5 take
// white text.
var shades = [5]string{"#deebf7", "#9ecae1", "#6baed6", "#2b6ca3", "#08306b"}

// charWidth estimates the advance of one character of a sans-serif font, as
// a share of the font size, for layout without font metrics.
const charWidth = 0.6

// svg builds markup; every text and attribute value goes through escape.
type svg struct {
	b strings.Builder
}

func (s *svg) raw(parts ...string) {
	for _, p := range parts {
		s.b.WriteString(p)
	}
}

// text writes escaped character data.
func (s *svg) text(t string) {
	s.b.WriteString(escape(t))
}

// attr writes ` name="value"`, value escaped.
func (s *svg) attr(name, value string) {
	s.b.WriteString(" ")
	s.b.WriteString(name)
	s.b.WriteString(`="`)
	s.b.WriteString(escape(value))
	s.b.WriteString(`"`)
}

// num writes ` name="n"` for a coordinate or length.
func (s *svg) num(name string, n float64) {
	s.attr(name, coord(n))
}

// open opens the root element and writes its title and description.
// Charts with links are groups, so that assistive technology reaches the
// links; without links they are images described by their desc.
func (s *svg) open(id, class string, width, height float64, linked bool, title, desc string) {
	s.raw(`<svg xmlns="http://www.w3.org/2000/svg"`)
	s.attr("class", class)
	s.num("width", width)
	s.num("height", height)
	s.attr("viewBox", "0 0 "+coord(width)+" "+coord(height))
	if linked {
		s.attr("role", "group")
	} else {
		s.attr("role", "img")
	}
	s.attr("aria-labelledby", id+"-title")
	s.attr("aria-describedby", id+"-desc")
	s.raw(`><title`)
	s.attr("id", id+"-title")
	s.raw(">")
	s.text(title)
	s.raw(`</title><desc`)
	s.attr("id", id+"-desc")
	s.raw(">")
	s.text(desc)
	s.raw("</desc>")
}

// item opens a chart element (a bar, a cell): a link when href is safe,
// else a group, which in a linked chart is an image named by label so that
// its bare number is not read out of context. It returns the closing tag.
func (s *svg) item(class, href, label string, linked bool) string {
	if h, ok := safeHref(href); ok {
		s.raw("<a")
		s.attr("class", class)
		s.attr("href", h)
		s.attr("aria-label", label)
		s.raw(">")
		return "</a>"
	}
	s.raw("<g")
	s.attr("class", class)
	if linked {
		s.attr("role", "img")
		s.attr("aria-label", label)
	}
	s.raw(">")
	return "</g>"
}

func (s *svg) String() string { return s.b.String() }

// escape makes t safe as XML character data and attribute value; invalid
// XML characters become U+FFFD.
func escape(t string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(t)) // a strings.Builder never fails
	return b.String()
}

// coord formats a length with at most two decimals, never an exponent.
func coord(n float64) string {
	if math.IsNaN(n) || math.IsInf(n, 0) {
		n = 0
	}
	if math.Abs(n) < 1e15 { // larger values have no decimals to round
		n = math.Round(n*100) / 100
	}
	if n == 0 {
		n = 0 // no "-0"
	}
	return strconv.FormatFloat(n, 'f', -1, 64)
}

// Number formats a value for display: digits without exponent or
// thousands separator, at most two decimals, '.' as the decimal mark. It
// is the default of BarOptions.Format.
func Number(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return coord(v)
}

// truncate shortens s to max characters plus an ellipsis; max <= 0 keeps s.
func truncate(s string, max int) (string, bool) {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s, false
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:max]), unicode.IsSpace) + "…", true
}

// textWidth estimates the width of s at font size fs.
func textWidth(s string, fs float64) float64 {
	return float64(utf8.RuneCountInString(s)) * fs * charWidth
}

// chartID derives an element id from a chart's content, so that two
// different charts on a page do not share ids and the output stays
// deterministic.
func chartID(kind string, parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return kind + "-" + strconv.FormatUint(h.Sum64(), 36)
}

// safeHref accepts relative references and http, https and mailto URLs;
// anything else (javascript:, data:, control characters) drops the link.
func safeHref(h string) (string, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return "", false
	}
	u, err := url.Parse(h)
	if err != nil {
		return "", false
	}
	switch u.Scheme {
	case "", "http", "https", "mailto":
		return h, true
	}
	return "", false
}

// CSS returns the stylesheet rules for the classes the charts use with the
// default class prefix "chart", to paste into the site's stylesheet. The
// charts render without it; it adds hover and focus states, high-contrast
// mode and scaling to narrow screens.
func CSS() string {
	var b strings.Builder
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString(l)
			b.WriteString("\n")
		}
	}
	w("/* internal/chart: server-side SVG charts */",
		".chart { display: block; max-width: 100%; height: auto; overflow: visible; }",
		".chart text { font-family: inherit; fill: "+colInk+"; }",
		".chart-label, .chart-value { font-size: 13px; }",
		".chart-value { font-variant-numeric: tabular-nums; }",
		".chart-note { fill: "+colMuted+"; }",
		".chart-bar { fill: "+colBar+"; }",
		".chart-bar.chart-zero { fill: "+colZero+"; }",
		"a.chart-row:hover .chart-bar, a.chart-row:focus .chart-bar { fill: "+colBarHover+"; }",
		"a.chart-row:hover .chart-label, a.chart-row:focus .chart-label { text-decoration: underline; }",
		"a.chart-row:focus, a.chart-cell:focus { outline: 3px solid "+colFocus+"; outline-offset: 1px; }",
		".chart-heat-head { font-size: 12px; }",
		".chart-heat-value { font-size: 12px; font-variant-numeric: tabular-nums; text-anchor: middle; }",
	)
	for i, c := range shades {
		n := strconv.Itoa(i + 1)
		w(".chart-heat-" + n + " { fill: " + c + "; }")
	}
	w(".chart text.chart-on-dark { fill: #ffffff; }",
		".chart-gap { stroke: "+colGap+"; stroke-width: 1.5; stroke-dasharray: 3 2; }",
		"a.chart-cell:hover rect, a.chart-cell:focus rect { stroke: "+colFocus+"; stroke-width: 3; }",
		"@media (forced-colors: active) {",
		"  .chart text { fill: CanvasText; }",
		"  .chart-bar, .chart-bar.chart-zero { fill: CanvasText; }",
		"  .chart-heat-1, .chart-heat-2, .chart-heat-3, .chart-heat-4, .chart-heat-5 { fill: Canvas; stroke: CanvasText; }",
		"  .chart-gap { stroke: LinkText; }",
		"}",
	)
	return b.String()
}
