package chart

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func cellRects(root node) []node {
	return root.all(func(n node) bool { return n.XMLName.Local == "rect" && n.hasClass("chart-heat") && !inLegend(root, n) })
}

func inLegend(root node, n node) bool {
	for _, g := range root.all(classed("chart-legend")) {
		for _, r := range g.all(named("rect")) {
			if r.attr("x") == n.attr("x") && r.attr("y") == n.attr("y") {
				return true
			}
		}
	}
	return false
}

func TestHeatShadesByFifthsOfTheMaxAndMarksGaps(t *testing.T) {
	rows := []string{"Medtech", "E-santé"}
	cols := []string{"Préclinique", "Clinique", "Marché"}
	cells := [][]Cell{
		{{Value: 10}, {Value: 6}, {Value: 1}},
		{{Value: 2}, {Value: 0}, {Value: 8}},
	}
	root := parse(t, Heat(rows, cols, cells, HeatOptions{Title: "Secteurs × phases", Desc: "Nombre d'organisations.", Thin: 1}))
	if root.attr("role") != "img" {
		t.Errorf("role %q, want img", root.attr("role"))
	}
	checkAccessibleName(t, root, "Secteurs × phases", "Nombre d'organisations.", "Medtech × Préclinique: 10", "E-santé × Clinique: 0")

	wantClass := []string{"chart-heat-5", "chart-heat-3", "chart-gap", "chart-heat-1", "chart-gap", "chart-heat-4"}
	rects := cellRects(root)
	if len(rects) != len(wantClass) {
		t.Fatalf("%d cell squares, want %d", len(rects), len(wantClass))
	}
	for i, r := range rects {
		if !r.hasClass(wantClass[i]) {
			t.Errorf("cell %d: class %q, want %s", i, r.attr("class"), wantClass[i])
		}
		if r.hasClass("chart-gap") && (!strings.HasPrefix(r.attr("fill"), "url(#") || r.attr("stroke") != colGap) {
			t.Errorf("gap cell %d: fill %q stroke %q, want hatched and outlined", i, r.attr("fill"), r.attr("stroke"))
		}
	}
	pattern := root.all(named("pattern"))
	if len(pattern) != 1 || rects[2].attr("fill") != "url(#"+pattern[0].attr("id")+")" {
		t.Errorf("gap fill %q does not use the chart's pattern", rects[2].attr("fill"))
	}

	var values []string
	for _, v := range root.all(classed("chart-heat-value")) {
		values = append(values, v.allText())
	}
	if want := []string{"10", "6", "1", "2", "0", "8"}; !slices.Equal(values, want) {
		t.Errorf("values %q, want %q", values, want)
	}
	for _, v := range root.all(classed("chart-heat-value")) {
		dark := v.allText() == "10" || v.allText() == "8"
		if v.hasClass("chart-on-dark") != dark {
			t.Errorf("value %s: class %q", v.allText(), v.attr("class"))
		}
	}

	var heads []string
	for _, h := range root.all(classed("chart-heat-col")) {
		heads = append(heads, h.allText())
		if !strings.HasPrefix(h.attr("transform"), "rotate(-45 ") {
			t.Errorf("column header %q not rotated: %q", h.allText(), h.attr("transform"))
		}
	}
	if !slices.Equal(heads, cols) {
		t.Errorf("column headers %q", heads)
	}
	heads = nil
	for _, h := range root.all(classed("chart-heat-row")) {
		heads = append(heads, h.allText())
	}
	if !slices.Equal(heads, rows) {
		t.Errorf("row headers %q", heads)
	}
}

func TestHeatLinksCellsWithTheirLabels(t *testing.T) {
	cells := [][]Cell{{
		{Value: 12, Href: "/organisations?secteur=medtech&phase=preclinique", Label: "Medtech × Préclinique: 12 organisations"},
		{Value: 0, Href: "javascript:alert(1)"},
	}}
	out := Heat([]string{"Medtech"}, []string{"Préclinique", "Clinique"}, cells, HeatOptions{Title: "t"})
	root := parse(t, out)
	if root.attr("role") != "group" {
		t.Errorf("role %q, want group", root.attr("role"))
	}
	links := root.all(named("a"))
	if len(links) != 1 {
		t.Fatalf("%d links, want 1", len(links))
	}
	if links[0].attr("href") != "/organisations?secteur=medtech&phase=preclinique" ||
		links[0].attr("aria-label") != "Medtech × Préclinique: 12 organisations" {
		t.Errorf("link %+v", links[0].Attrs)
	}
	if tip, _ := links[0].child("title"); tip.Text != "Medtech × Préclinique: 12 organisations" {
		t.Errorf("tooltip %q", tip.Text)
	}
	if strings.Contains(string(out), "javascript") {
		t.Errorf("unsafe href kept")
	}
	unlinked := root.all(func(n node) bool { return n.XMLName.Local == "g" && n.hasClass("chart-cell") })
	if len(unlinked) != 1 || unlinked[0].attr("role") != "img" || unlinked[0].attr("aria-label") != "Medtech × Clinique: 0" {
		t.Errorf("unlinked cell %+v", unlinked)
	}
}

func TestHeatEscapesAndTruncatesHeaders(t *testing.T) {
	row := `R&D <"labo"> 'x'`
	col := strings.Repeat("Très long intitulé de phase ", 3)
	out := Heat([]string{row}, []string{col}, [][]Cell{{{Value: 3, Label: "<b>3</b> & co"}}}, HeatOptions{Title: "a&b", Desc: "<desc>"})
	if strings.Contains(string(out), "<b>") || strings.Contains(string(out), `<"labo">`) {
		t.Fatalf("unescaped markup in %s", out)
	}
	root := parse(t, out)
	checkAccessibleName(t, root, "a&b", "<desc>", "<b>3</b> & co")
	if got := root.all(classed("chart-heat-row"))[0].allText(); got != row {
		t.Errorf("row header %q", got)
	}
	c := root.all(classed("chart-heat-col"))[0]
	if !strings.HasSuffix(c.allText(), "…") || len([]rune(c.allText())) != heatHeadChars+1 {
		t.Errorf("column header %q not truncated to %d characters", c.allText(), heatHeadChars)
	}
	if tip, ok := c.child("title"); !ok || tip.Text != col {
		t.Errorf("column tooltip %q", tip.Text)
	}
}

func TestHeatToleratesRaggedAndEmptyInput(t *testing.T) {
	root := parse(t, Heat([]string{"a", "b"}, []string{"x", "y"}, [][]Cell{{{Value: 4}}}, HeatOptions{Title: "t"}))
	rects := cellRects(root)
	if len(rects) != 4 {
		t.Fatalf("%d squares, want 4", len(rects))
	}
	for i, r := range rects[1:] {
		if !r.hasClass("chart-gap") {
			t.Errorf("missing cell %d not a gap: %q", i+1, r.attr("class"))
		}
	}
	for _, empty := range []matrix{{nil, nil}, {[]string{"a"}, nil}, {nil, []string{"x"}}} {
		root := parse(t, Heat(empty.rows, empty.cols, nil, HeatOptions{Title: "vide"}))
		if len(cellRects(root)) != 0 {
			t.Errorf("squares for an empty matrix")
		}
	}
}

type matrix struct{ rows, cols []string }

func TestHeatIsDeterministicWithIDsPerChart(t *testing.T) {
	rows, cols := []string{"a"}, []string{"x"}
	one := Heat(rows, cols, [][]Cell{{{Value: 1}}}, HeatOptions{Title: "t"})
	if Heat(rows, cols, [][]Cell{{{Value: 1}}}, HeatOptions{Title: "t"}) != one {
		t.Errorf("same input, different output")
	}
	two := Heat(rows, cols, [][]Cell{{{Value: 2}}}, HeatOptions{Title: "t"})
	if parse(t, one).attr("aria-labelledby") == parse(t, two).attr("aria-labelledby") {
		t.Errorf("two charts share ids")
	}
}

func TestLegendLevelsGiveEachShadeItsRange(t *testing.T) {
	cases := []struct {
		max, thin int
		want      []string
	}{
		{10, 1, []string{"≤ 1", "2", "3–4", "5–6", "7–8", "9–10"}},
		{10, 0, []string{"0", "1–2", "3–4", "5–6", "7–8", "9–10"}},
		{3, 0, []string{"0", "1", "2", "3"}},
		{1, 0, []string{"0", "1"}},
		{0, 0, []string{"0"}},
		{5, 7, []string{"≤ 7"}},
		{100, 30, []string{"≤ 30", "31–40", "41–60", "61–80", "81–100"}},
	}
	for _, c := range cases {
		var got []string
		for _, l := range legendLevels(c.max, c.thin) {
			got = append(got, l.text)
			// Every value of the range really gets that level.
			if l.level > 0 {
				lo := strings.Split(l.text, "–")[0]
				if heatLevel(mustAtoi(t, lo), c.max, c.thin) != l.level {
					t.Errorf("max %d: %s is not level %d", c.max, lo, l.level)
				}
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("legendLevels(%d, %d) = %q, want %q", c.max, c.thin, got, c.want)
		}
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
