package pdffont_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"filiere/internal/pdffont"
	"filiere/internal/pdffont/pdftest"
)

func TestCleanKeepsWhatTheFontsDrawOnOneLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  Jérôme\t\n Lefèvre  ", "Jérôme Lefèvre"},
		{"Œuvre 12 € · Ωμέγα Жук “ok” – …", "Œuvre 12 € · Ωμέγα Жук “ok” – …"},
		{"中文 ok", "?? ok"},                           // no CJK in the Go fonts
		{"smile 😀", "smile ?"},                       // beyond U+FFFF: fpdf cannot take it
		{"Rene\u0301e", "Renee"},                     // a combining mark the fonts lack goes, its letter stays
		{"zero\u200bwidth\x07bell", "zerowidthbell"}, // format and control characters go
		{"A\u00a0B\u202fC", "A B C"},                 // no-break spaces are spaces
		{"bad \ufffd byte", "bad \ufffd byte"},       // the fonts draw U+FFFD
		{"", ""},
	} {
		if got := pdffont.Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanTextKeepsLinesAndOneBlankLineBetweenParagraphs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Madame,\r\n\r\n\r\nLigne  1\nLigne\t2 中\n\n", "Madame,\n\nLigne 1\nLigne 2 ?"},
		{"  \n \t\n début", "début"},
		{"un\u2029deux\u2028trois\rquatre", "un\n\ndeux\ntrois\nquatre"},
		{"seul", "seul"},
	} {
		if got := pdffont.CleanText(tc.in); got != tc.want {
			t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDrawable(t *testing.T) {
	for r, want := range map[rune]bool{'é': true, '€': true, 'œ': true, 'Ж': true, '中': false, 0x1F600: false, -1: false, 0x301: false} {
		if got := pdffont.Drawable(r); got != want {
			t.Errorf("Drawable(%U) = %v, want %v", r, got, want)
		}
	}
}

func TestRegisteredFontsPrintAccentsAndSymbols(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	if err := pdffont.Register(pdf, "go", "X"); err == nil {
		t.Error("an unknown style was accepted")
	}
	if err := pdffont.Register(pdf, "go", pdffont.Regular, pdffont.Bold, pdffont.Italic, pdffont.BoldItalic); err != nil {
		t.Fatal(err)
	}
	pdf.AddPage()
	line := "Zoë Brontë — 12 € · œuvre Ωμέγα Жук"
	for _, style := range []string{pdffont.Regular, pdffont.Bold, pdffont.Italic, pdffont.BoldItalic} {
		pdf.SetFont("go", style, 12)
		pdf.CellFormat(0, 8, pdffont.Clean(line+" 😀"), "", 1, "L", false, 0, "")
	}
	pdf.SetFont("go", "", 12)
	long := strings.Repeat("Hôpital Saint-Éloi ", 10)
	cut := pdffont.Ellipsize(pdf, long, 60)
	if !strings.HasSuffix(cut, "…") || pdf.GetStringWidth(cut) > 60 || !strings.HasPrefix(long, strings.TrimSuffix(cut, "…")) {
		t.Errorf("Ellipsize = %q (%.1f mm)", cut, pdf.GetStringWidth(cut))
	}
	if got := pdffont.Ellipsize(pdf, "Court", 60); got != "Court" {
		t.Errorf("Ellipsize of a short text = %q", got)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}

	out := pdftest.Text(t, buf.Bytes())
	if n := strings.Count(string(out), line+" ?"); n != 4 {
		t.Errorf("%d lines of %q, want one per style:\n%s", n, line+" ?", out)
	}
}

// BenchmarkRegister measures what each document pays to load the fonts:
// fpdf parses them again every time.
func BenchmarkRegister(b *testing.B) {
	for b.Loop() {
		pdf := fpdf.New("P", "mm", "A4", "")
		if err := pdffont.Register(pdf, "go", pdffont.Regular, pdffont.Bold, pdffont.Italic); err != nil {
			b.Fatal(err)
		}
	}
}
