package chart

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func barWidth(t *testing.T, n node) float64 {
	t.Helper()
	w, err := strconv.ParseFloat(n.attr("width"), 64)
	if err != nil {
		t.Fatalf("bar width %q: %v", n.attr("width"), err)
	}
	return w
}

func TestHBarIsAnImageDescribedWithItsValues(t *testing.T) {
	out := HBar([]Bar{
		{Label: "Medtech", Value: 12},
		{Label: "E-santé", Value: 3, Note: "dont 1 nouvelle"},
	}, BarOptions{Title: "Organisations par secteur", Desc: "Adhérents au 1er janvier.", Unit: "organisations"})
	root := parse(t, out)
	if root.attr("role") != "img" {
		t.Errorf("role %q, want img", root.attr("role"))
	}
	checkAccessibleName(t, root, "Organisations par secteur",
		"Adhérents au 1er janvier.", "Medtech: 12 organisations", "E-santé: 3 organisations · dont 1 nouvelle")

	values := root.all(classed("chart-value"))
	if len(values) != 2 {
		t.Fatalf("%d value texts, want 2", len(values))
	}
	if got := values[0].allText(); got != "12 organisations" {
		t.Errorf("first value %q", got)
	}
	if got := values[1].allText(); got != "3 organisations · dont 1 nouvelle" {
		t.Errorf("second value %q", got)
	}
	if len(root.all(named("a"))) != 0 {
		t.Errorf("links in a chart without Href")
	}
}

func TestHBarLengthsAreProportionalAndZeroIsAThinMark(t *testing.T) {
	out := HBar([]Bar{
		{Label: "a", Value: 10},
		{Label: "b", Value: 5},
		{Label: "c", Value: 2.5},
		{Label: "d", Value: 0},
		{Label: "e", Value: math.NaN()},
		{Label: "f", Value: -4},
	}, BarOptions{Title: "t"})
	root := parse(t, out)
	bars := root.all(classed("chart-bar"))
	if len(bars) != 6 {
		t.Fatalf("%d bars, want 6", len(bars))
	}
	full := barWidth(t, bars[0])
	for i, want := range []float64{1, 0.5, 0.25} {
		if got := barWidth(t, bars[i]) / full; math.Abs(got-want) > 0.01 {
			t.Errorf("bar %d is %.3f of the longest, want %.2f", i, got, want)
		}
	}
	for _, b := range bars[3:] {
		if !b.hasClass("chart-zero") || barWidth(t, b) != zeroMark {
			t.Errorf("zero bar: class %q width %q, want chart-zero of %d", b.attr("class"), b.attr("width"), zeroMark)
		}
	}
	if bars[0].hasClass("chart-zero") {
		t.Errorf("non-zero bar marked zero")
	}
	if got := root.all(classed("chart-value"))[4].allText(); got != "–" {
		t.Errorf("NaN shows %q", got)
	}
}

func TestHBarLinksBarsWithSafeHrefs(t *testing.T) {
	out := HBar([]Bar{
		{Label: "Medtech", Value: 12, Href: "/organisations?secteur=medtech&phase=pre"},
		{Label: "Evil", Value: 1, Href: "javascript:alert(1)"},
		{Label: "Plain", Value: 2},
	}, BarOptions{Title: "Secteurs", Unit: "org."})
	root := parse(t, out)
	if root.attr("role") != "group" {
		t.Errorf("role %q, want group for a chart with links", root.attr("role"))
	}
	links := root.all(named("a"))
	if len(links) != 1 {
		t.Fatalf("%d links, want 1", len(links))
	}
	if got := links[0].attr("href"); got != "/organisations?secteur=medtech&phase=pre" {
		t.Errorf("href %q", got)
	}
	if got := links[0].attr("aria-label"); got != "Medtech: 12 org." {
		t.Errorf("aria-label %q", got)
	}
	if len(links[0].all(classed("chart-bar"))) != 1 || len(links[0].all(classed("chart-label"))) != 1 {
		t.Errorf("the link does not hold the bar and its label")
	}
	if strings.Contains(string(out), "javascript") {
		t.Errorf("unsafe href kept")
	}
	// Unlinked bars in a linked chart are named images, not bare numbers.
	for _, g := range root.all(func(n node) bool { return n.XMLName.Local == "g" && n.hasClass("chart-row") }) {
		if g.attr("role") != "img" || !strings.HasPrefix(g.attr("aria-label"), g.allText()[:1]) {
			t.Errorf("unlinked row: role %q label %q", g.attr("role"), g.attr("aria-label"))
		}
	}
}

func TestHBarEscapesEverything(t *testing.T) {
	label := `<script>"R&D" & 'co'</script>`
	out := HBar([]Bar{{Label: label, Value: 1, Href: `/o?q="x"&y=<z>`, Note: "<i>&"}},
		BarOptions{Title: `T & "t" <x>`, Desc: "a < b", Unit: "€ & co", MaxLabelChars: 40, ClassPrefix: `x" onload="alert(1)`})
	if strings.Contains(string(out), "<script") || strings.Contains(string(out), "<i>") || strings.Contains(string(out), "onload=") {
		t.Fatalf("unescaped markup in %s", out)
	}
	root := parse(t, out)
	checkAccessibleName(t, root, `T & "t" <x>`, "a < b")
	labels := root.all(func(n node) bool { return strings.HasSuffix(n.attr("class"), "-label") })
	if len(labels) != 1 || labels[0].allText() != label {
		t.Errorf("label %q, want %q", labels[0].allText(), label)
	}
	if got := root.all(named("a"))[0].attr("href"); got != `/o?q="x"&y=<z>` {
		t.Errorf("href %q", got)
	}
	if root.attr("class") != "xonloadalert1" {
		t.Errorf("class prefix %q not reduced to a class name", root.attr("class"))
	}
}

func TestHBarTruncatesLongLabelsKeepingThemInATooltip(t *testing.T) {
	long := "Dispositifs médicaux implantables actifs"
	root := parse(t, HBar([]Bar{{Label: long, Value: 3}, {Label: "Court", Value: 1}},
		BarOptions{Title: "t", MaxLabelChars: 12}))
	labels := root.all(classed("chart-label"))
	shown := labels[0].allText()
	if shown != "Dispositifs…" || utf8.RuneCountInString(shown) > 13 {
		t.Errorf("shown %q, want %q", shown, "Dispositifs…")
	}
	if tip, ok := labels[0].child("title"); !ok || tip.Text != long {
		t.Errorf("tooltip %q, want the full label", tip.Text)
	}
	if _, ok := labels[1].child("title"); ok || labels[1].allText() != "Court" {
		t.Errorf("short label changed: %q", labels[1].allText())
	}
}

func TestHBarIsDeterministicWithIDsPerChart(t *testing.T) {
	bars := []Bar{{Label: "a", Value: 1}, {Label: "b", Value: 2}}
	one := HBar(bars, BarOptions{Title: "Un"})
	if again := HBar(bars, BarOptions{Title: "Un"}); again != one {
		t.Errorf("same input, different output")
	}
	two := HBar(bars, BarOptions{Title: "Deux"})
	idOne, idTwo := parse(t, one).attr("aria-labelledby"), parse(t, two).attr("aria-labelledby")
	if idOne == idTwo {
		t.Errorf("two charts share the id %q", idOne)
	}
	other := HBar([]Bar{{Label: "a", Value: 1}, {Label: "b", Value: 3}}, BarOptions{Title: "Un"})
	if parse(t, other).attr("aria-labelledby") == idOne {
		t.Errorf("charts with different values share an id")
	}
}

func TestHBarHandlesEdgeCases(t *testing.T) {
	cases := map[string][]Bar{
		"no bars":     nil,
		"all zero":    {{Label: "a"}, {Label: "b"}},
		"huge":        {{Label: "a", Value: 1e300}, {Label: "b", Value: math.Inf(1)}, {Label: "c", Value: 1}},
		"empty label": {{Value: 1}},
		"bad utf8":    {{Label: "a\xff\x00b", Value: 1, Note: "\x01"}},
	}
	for name, bars := range cases {
		t.Run(name, func(t *testing.T) {
			root := parse(t, HBar(bars, BarOptions{Title: "t", Width: 120, BarHeight: 10}))
			if w := root.attr("width"); w != "120" {
				t.Errorf("width %q", w)
			}
			if got := len(root.all(classed("chart-bar"))); got != len(bars) {
				t.Errorf("%d bars, want %d", got, len(bars))
			}
		})
	}
}

func TestHBarFormatAndDefaults(t *testing.T) {
	root := parse(t, HBar([]Bar{{Label: "a", Value: 12.5}}, BarOptions{
		Title: "t", Unit: "%", Format: func(v float64) string { return strings.Replace(Number(v), ".", ",", 1) },
	}))
	if got := root.all(classed("chart-value"))[0].allText(); got != "12,5 %" {
		t.Errorf("value %q, want %q", got, "12,5 %")
	}
	if root.attr("width") != "640" {
		t.Errorf("default width %q", root.attr("width"))
	}
	if h := root.all(classed("chart-bar"))[0].attr("height"); h != "22" {
		t.Errorf("default bar height %q", h)
	}
}
