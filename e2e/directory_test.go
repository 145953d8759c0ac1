package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"unicode"

	"github.com/chromedp/chromedp"
)

// TestSearchFilterOpenAndDownloadTheBooklet searches the public directory,
// narrows it with two facets, opens a profile, then downloads the
// booklet of the selection and reads its text.
func TestSearchFilterOpenAndDownloadTheBooklet(t *testing.T) {
	tb := newTab(t)
	if code := tb.open("/organisations"); code != http.StatusOK {
		t.Fatalf("GET /organisations = %d", code)
	}
	tb.fill("#q", "dispositifs medicaux")
	if code := tb.submit(`form[role=search] button[type=submit]`); code != http.StatusOK {
		t.Fatalf("search = %d", code)
	}
	all := countOf(t, tb.text(`p[role=status]`))
	if all == 0 {
		t.Fatal("the demo has no match for « dispositifs medicaux »")
	}
	// Two facets: the first value of the step facet, then of the region facet.
	for _, facet := range []string{"step", "region"} {
		sel := `section[aria-labelledby=facet-` + facet + `] li a`
		if code := tb.submit(sel); code != http.StatusOK {
			t.Fatalf("choosing a %s = %d", facet, code)
		}
		if q := tb.query(); q.Get(facet) == "" || q.Get("q") != "dispositifs medicaux" {
			t.Fatalf("after choosing a %s the URL holds %v", facet, q)
		}
	}
	narrowed := countOf(t, tb.text(`p[role=status]`))
	if narrowed == 0 || narrowed > all {
		t.Fatalf("two filters left %d of %d organisations", narrowed, all)
	}
	names := step(tb, "read the result names", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("table tbody td:first-child > a")).map(a => a.textContent)`))
	if len(names) == 0 {
		t.Fatal("no result rows")
	}
	booklet := tb.attr("#booklet-fr", "href")

	// Open the first profile.
	if code := tb.submit(`table tbody td:first-child > a`); code != http.StatusOK {
		t.Fatalf("opening a profile = %d", code)
	}
	if got := tb.text("h1"); !strings.Contains(got, names[0]) {
		t.Errorf("profile heading %q, want %q", got, names[0])
	}

	// The booklet of the selection: a PDF whose text holds the names.
	res, err := http.Get(tb.app.url + booklet)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("booklet %s: %d %s", booklet, res.StatusCode, res.Header.Get("Content-Type"))
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if strict() {
			t.Fatal("pdftotext (poppler-utils) is required")
		}
		t.Skip("pdftotext not installed")
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	accented := ""
	for _, n := range names {
		if !strings.Contains(text, strings.Join(strings.Fields(n), " ")) {
			t.Errorf("the booklet lacks %q", n)
		}
		if accented == "" && strings.IndexFunc(n, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsLetter(r) }) >= 0 {
			accented = n
		}
	}
	if accented == "" {
		t.Errorf("no organisation name with an accent among %v: the check proves nothing", names)
	}
}

// query is the query string of the page's URL.
func (tb *tab) query() url.Values {
	tb.t.Helper()
	loc := step(tb, "read the location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		tb.t.Fatalf("location %q: %v", loc, err)
	}
	return u.Query()
}

// countOf reads the number at the start of "123 organisations".
func countOf(t *testing.T, status string) int {
	t.Helper()
	n := 0
	for _, r := range status {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}
