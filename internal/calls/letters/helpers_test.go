package letters_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"filiere/internal/calls/letters"
	"filiere/internal/pdffont/pdftest"
)

// pdfText extracts a PDF's text, one string per page, read line by line
// across columns (-layout) with runs of white space made one.
func pdfText(t *testing.T, pdf []byte) []string {
	t.Helper()
	pages := strings.Split(strings.TrimSuffix(pdftest.Text(t, pdf, "-layout"), "\f"), "\f")
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ") // wrapping is layout, not content
	}
	return pages
}

// render runs write twice, checks it gives the same PDF both times and
// returns it.
func render(t *testing.T, write func(*bytes.Buffer) error) []byte {
	t.Helper()
	var a, b bytes.Buffer
	if err := write(&a); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", a.Bytes()[:min(16, a.Len())])
	}
	if err := write(&b); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("the same document gave different bytes (%v)", err)
	}
	return a.Bytes()
}

// contains fails the test for each of want missing from text.
func contains(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// logoPNG is a small two-colour logo with transparency.
func logoPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 160, 60))
	for y := range 60 {
		for x := range 160 {
			switch {
			case x < 60:
				img.Set(x, y, color.NRGBA{0x1f, 0x4e, 0x79, 0xff})
			case y > 20 && y < 40:
				img.Set(x, y, color.NRGBA{0xb0, 0x3a, 0x2e, 0xff})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func letterhead(t *testing.T) letters.Letterhead {
	return letters.Letterhead{
		Name:           "Cluster Santé Innovation Rhône",
		AddressLines:   []string{"12 rue de la Part-Dieu", "69003 Lyon", "contact@cluster-sante.example"},
		Logo:           logoPNG(t),
		SignatoryName:  "Hélène Mercier",
		SignatoryTitle: "Présidente du cluster",
		City:           "Lyon",
	}
}

var paris, _ = time.LoadLocation("Europe/Paris")

// day is noon in Paris on that date.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, paris).UTC() }
