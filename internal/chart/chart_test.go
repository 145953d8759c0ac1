package chart

import (
	"encoding/xml"
	"html/template"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// node is a parsed SVG element.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []node     `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) hasClass(c string) bool {
	return slices.Contains(strings.Fields(n.attr("class")), c)
}

// all returns the elements under n (n included) that match.
func (n node) all(match func(node) bool) []node {
	var out []node
	if match(n) {
		out = append(out, n)
	}
	for _, c := range n.Children {
		out = append(out, c.all(match)...)
	}
	return out
}

func named(local string) func(node) bool {
	return func(n node) bool { return n.XMLName.Local == local }
}

func classed(c string) func(node) bool {
	return func(n node) bool { return n.hasClass(c) }
}

// allText is the text of n and its descendants, in document order, <title>
// elements left out.
func (n node) allText() string {
	if n.XMLName.Local == "title" {
		return ""
	}
	var b strings.Builder
	b.WriteString(n.Text)
	for _, c := range n.Children {
		b.WriteString(c.allText())
	}
	return b.String()
}

// child returns n's first child element named local.
func (n node) child(local string) (node, bool) {
	for _, c := range n.Children {
		if c.XMLName.Local == local {
			return c, true
		}
	}
	return node{}, false
}

// parse checks that out is one well-formed SVG element, with no inline
// style (the pages' CSP forbids it), and returns it.
func parse(t *testing.T, out template.HTML) node {
	t.Helper()
	var root node
	if err := xml.Unmarshal([]byte(out), &root); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, out)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is %v, want svg", root.XMLName)
	}
	if len(root.all(named("style"))) > 0 || len(root.all(func(n node) bool { return n.attr("style") != "" })) > 0 {
		t.Errorf("inline style in output")
	}
	if regexp.MustCompile(`="-?[0-9.]+e[-+]?[0-9]+"`).MatchString(string(out)) {
		t.Errorf("a number with an exponent in %s", out)
	}
	return root
}

// checkAccessibleName checks the title and desc the root points to.
func checkAccessibleName(t *testing.T, root node, title string, descParts ...string) {
	t.Helper()
	ids := map[string]node{}
	for _, n := range root.all(func(n node) bool { return n.attr("id") != "" }) {
		if _, dup := ids[n.attr("id")]; dup {
			t.Errorf("duplicate id %q", n.attr("id"))
		}
		ids[n.attr("id")] = n
	}
	tn, ok := ids[root.attr("aria-labelledby")]
	if !ok || tn.XMLName.Local != "title" || tn.Text != title {
		t.Errorf("aria-labelledby %q points to %+v, want title %q", root.attr("aria-labelledby"), tn, title)
	}
	if first, _ := root.child("title"); first.Text != title {
		t.Errorf("first title %q, want %q", first.Text, title)
	}
	dn, ok := ids[root.attr("aria-describedby")]
	if !ok || dn.XMLName.Local != "desc" {
		t.Fatalf("aria-describedby %q points to no desc", root.attr("aria-describedby"))
	}
	for _, p := range descParts {
		if !strings.Contains(dn.Text, p) {
			t.Errorf("desc %q lacks %q", dn.Text, p)
		}
	}
}

func TestCSSStylesOnlyClassesTheChartsUse(t *testing.T) {
	used := map[string]bool{}
	outputs := []template.HTML{
		HBar([]Bar{{Label: "a", Value: 1, Href: "/a", Note: "n"}, {Label: "b", Value: 0}}, BarOptions{Title: "t"}),
		Heat([]string{"r"}, []string{"c1", "c2", "c3", "c4", "c5", "c6"},
			[][]Cell{{{Value: 0}, {Value: 2}, {Value: 4}, {Value: 6}, {Value: 8, Href: "/x"}, {Value: 10}}}, HeatOptions{Title: "t"}),
	}
	for _, out := range outputs {
		root := parse(t, out)
		for _, n := range root.all(func(node) bool { return true }) {
			for _, c := range strings.Fields(n.attr("class")) {
				used[c] = true
			}
		}
	}
	css := CSS()
	for _, m := range regexp.MustCompile(`\.(chart[a-z0-9-]*)`).FindAllStringSubmatch(css, -1) {
		if !used[m[1]] {
			t.Errorf("CSS styles .%s, which no chart uses", m[1])
		}
	}
	for _, c := range []string{"chart", "chart-bar", "chart-zero", "chart-value", "chart-note", "chart-gap", "chart-heat-1", "chart-heat-5", "chart-on-dark"} {
		if !strings.Contains(css, "."+c+" ") && !strings.Contains(css, "."+c+",") && !strings.Contains(css, "."+c+".") {
			t.Errorf("CSS has no rule for .%s", c)
		}
	}
	if strings.Count(css, "{") != strings.Count(css, "}") {
		t.Errorf("unbalanced braces in CSS")
	}
}

func TestSafeHrefKeepsOnlyHarmlessLinks(t *testing.T) {
	cases := map[string]bool{
		"/organisations?secteur=medtech&phase=1": true,
		"organisations/12":                       true,
		"#top":                                   true,
		"https://example.org/a":                  true,
		"mailto:contact@example.org":             true,
		"":                                       false,
		"javascript:alert(1)":                    false,
		" JaVaScRiPt:alert(1)":                   false,
		"java\tscript:alert(1)":                  false,
		"data:text/html,<script>":                false,
		"vbscript:x":                             false,
	}
	for in, want := range cases {
		if _, got := safeHref(in); got != want {
			t.Errorf("safeHref(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestNumberNeverUsesAnExponent(t *testing.T) {
	cases := map[float64]string{
		0:         "0",
		12:        "12",
		0.1 + 0.2: "0.3",
		2.346:     "2.35",
		-0.001:    "0",
		1e21:      "1000000000000000000000",
		1234567.5: "1234567.5",
		-3.5:      "-3.5",
	}
	for in, want := range cases {
		if got := Number(in); got != want {
			t.Errorf("Number(%v) = %q, want %q", in, got, want)
		}
	}
}
