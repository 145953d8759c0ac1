// Package letters renders the documents of a cluster's calls for projects
// as A4 PDFs: support letters to funders, committee minutes, label
// certificates and the public catalogue of current labels.
//
// It knows no database: the caller fills plain structs with text already
// chosen and translated (decisions, labels), and this package adds the
// fixed words from the i18n catalog (keys "letters.*"), lays the text out
// (wrapping, page breaks, table headers repeated on each page) and prints
// what the Go fonts cannot draw as "?". The same input always gives the
// same bytes.
package letters

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"

	"filiere/internal/i18n"
	"filiere/internal/pdffont"
)

// Letterhead is the cluster's identity printed on every document.
type Letterhead struct {
	Name           string
	AddressLines   []string
	Logo           []byte // PNG or JPEG, optional; an unreadable logo is left out
	SignatoryName  string
	SignatoryTitle string
	City           string // where documents are signed: "Lyon" gives "Lyon, le 3 mars 2026"
}

// The page, in millimetres. Documents are A4, portrait but for the
// certificate.
const (
	family     = "go"
	marginX    = 20.0
	marginTop  = 15.0
	marginFoot = 20.0 // below the text: the page number
	lineGap    = 0.45 // the space between lines, as a fraction of the font size
)

// rgb is a colour.
type rgb struct{ r, g, b int }

var (
	black  = rgb{0, 0, 0}
	grey   = rgb{100, 100, 100}
	accent = rgb{0x1f, 0x4e, 0x79}
	rule   = rgb{190, 190, 190}
	shade  = rgb{0xee, 0xf2, 0xf7}
)

// doc is one document being drawn, with manual page breaks: auto page
// break is off so that every break goes through newPage, which redraws
// what continues (a table's header).
type doc struct {
	pdf     *fpdf.Fpdf
	lang    string
	lh      Letterhead // cleaned
	w, h    float64    // the page
	bottom  float64    // where text stops
	running string     // the header of pages after the first; "" for none
	resume  func()     // redraws what continues on a new page, set by tables
}

// newDoc starts a document in lang with the cluster's fonts and metadata;
// orientation is "P" or "L", stamp its creation date (fpdf would take the
// clock, and the bytes would change from run to run).
func newDoc(lang string, lh Letterhead, orientation, title string, stamp time.Time) (*doc, error) {
	lang = i18n.Lang(lang)
	pdf := fpdf.New(orientation, "mm", "A4", "")
	pdf.SetCatalogSort(true)
	if stamp.IsZero() {
		stamp = time.Unix(0, 0)
	}
	stamp = stamp.In(paris())
	pdf.SetCreationDate(stamp)
	pdf.SetModificationDate(stamp)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(marginX, marginTop, marginX)
	pdf.SetCellMargin(0)
	pdf.AliasNbPages("")
	if err := pdffont.Register(pdf, family, pdffont.Regular, pdffont.Bold, pdffont.Italic); err != nil {
		return nil, err
	}
	d := &doc{pdf: pdf, lang: lang, lh: cleanLetterhead(lh)}
	d.w, d.h = pdf.GetPageSize()
	d.bottom = d.h - marginFoot
	pdf.SetTitle(pdffont.Clean(title), true)
	pdf.SetAuthor(d.lh.Name, true)
	pdf.SetCreator("filiere", false)
	pdf.SetLang(lang)
	pdf.SetFooterFuncLpi(d.footer)
	d.pdf.AddPage()
	return d, nil
}

func cleanLetterhead(lh Letterhead) Letterhead {
	lh.Name = pdffont.Clean(lh.Name)
	lh.AddressLines = cleanList(lh.AddressLines)
	lh.SignatoryName = pdffont.Clean(lh.SignatoryName)
	lh.SignatoryTitle = pdffont.Clean(lh.SignatoryTitle)
	lh.City = pdffont.Clean(lh.City)
	return lh
}

// cleanList cleans each line and drops the empty ones.
func cleanList(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = pdffont.Clean(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// write finishes the document into w.
func (d *doc) write(w io.Writer, what string) error {
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("letters: %s: render: %w", what, err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("letters: %s: write: %w", what, err)
	}
	return nil
}

// t translates a fixed word into the document's language.
func (d *doc) t(key string, args ...any) string { return i18n.T(d.lang, key, args...) }

// textW is the width between the margins.
func (d *doc) textW() float64 { return d.w - 2*marginX }

// face selects a style ("", "B", "I") at size points in colour c.
func (d *doc) face(style string, size float64, c rgb) {
	d.pdf.SetFont(family, style, size)
	d.pdf.SetTextColor(c.r, c.g, c.b)
}

// lineH is the height of a line in the current font.
func (d *doc) lineH() float64 {
	_, size := d.pdf.GetFontSize()
	return size * (1 + lineGap)
}

// newPage starts a page: the running header, then whatever continues.
func (d *doc) newPage() {
	d.pdf.AddPage()
	if d.running != "" {
		d.face("", 8, grey)
		d.pdf.SetXY(marginX, marginTop-5)
		d.pdf.CellFormat(d.textW(), 4, pdffont.Ellipsize(d.pdf, d.running, d.textW()), "", 0, "L", false, 0, "")
		d.line(marginX, marginTop, d.w-marginX, rule, 0.2)
		d.pdf.SetY(marginTop + 4)
	} else {
		d.pdf.SetY(marginTop)
	}
	if d.resume != nil {
		d.resume()
	}
}

// need starts a new page unless h millimetres fit below the current line.
func (d *doc) need(h float64) {
	if d.pdf.GetY()+h > d.bottom {
		d.newPage()
	}
}

// footer numbers the pages of a document that has more than one.
func (d *doc) footer(last bool) {
	if last && d.pdf.PageNo() == 1 {
		return
	}
	d.face("", 8, grey)
	d.pdf.SetXY(marginX, d.h-marginFoot+8)
	// Centred, so that the page count, known only at the end, need not be
	// measured: fpdf puts it in place of "{nb}".
	d.pdf.CellFormat(d.textW(), 4, d.t("letters.page", d.pdf.PageNo(), "{nb}"), "", 0, "C", false, 0, "")
}

// line draws a horizontal rule at y.
func (d *doc) line(x1, y, x2 float64, c rgb, width float64) {
	d.pdf.SetDrawColor(c.r, c.g, c.b)
	d.pdf.SetLineWidth(width)
	d.pdf.Line(x1, y, x2, y)
}

// wrap splits cleaned text into lines at most w wide in the current font;
// "\n" starts a new line and an empty line stays empty.
func (d *doc) wrap(s string, w float64) []string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if line == "" {
			out = append(out, "")
			continue
		}
		for _, l := range d.pdf.SplitText(line, w) {
			out = append(out, strings.TrimRight(l, " "))
		}
	}
	return out
}

// text prints cleaned text wrapped to w from x, line by line, breaking
// pages between lines.
func (d *doc) text(x, w float64, s, align string) {
	h := d.lineH()
	for _, l := range d.wrap(s, w) {
		d.need(h)
		d.pdf.SetX(x)
		d.pdf.CellFormat(w, h, l, "", 1, align, false, 0, "")
	}
}

// paragraphs prints text made of paragraphs separated by blank lines,
// with gap millimetres between them; a paragraph's first two lines are
// kept together.
func (d *doc) paragraphs(s string, gap float64) {
	h := d.lineH()
	for i, p := range strings.Split(pdffont.CleanText(s), "\n\n") {
		if i > 0 {
			d.pdf.SetY(d.pdf.GetY() + gap)
		}
		d.need(float64(min(2, len(d.wrap(p, d.textW())))) * h)
		d.text(marginX, d.textW(), p, "L")
	}
}

// letterhead draws the cluster's logo, name and address at the top of the
// first page and leaves the cursor below them.
func (d *doc) letterhead() {
	top := marginTop
	x := marginX
	bottom := top
	if lg := logoFor(d.lh.Logo); lg != nil {
		if w, h, ok := d.image(lg, x, top, 38, 22); ok {
			x += w + 6
			bottom = top + h
		}
	}
	room := d.w - marginX - x
	y := top + 1
	if d.lh.Name != "" {
		d.face("B", 13, accent)
		for _, l := range d.wrap(d.lh.Name, room) {
			d.pdf.SetXY(x, y)
			d.pdf.CellFormat(room, 6, l, "", 0, "L", false, 0, "")
			y += 6
		}
	}
	d.face("", 8.5, grey)
	for _, a := range d.lh.AddressLines {
		d.pdf.SetXY(x, y)
		d.pdf.CellFormat(room, 4, pdffont.Ellipsize(d.pdf, a, room), "", 0, "L", false, 0, "")
		y += 4
	}
	bottom = max(bottom, y)
	d.line(marginX, bottom+3, d.w-marginX, accent, 0.4)
	d.pdf.SetY(bottom + 9)
}

// signature prints the signatory's name and title at x, kept together,
// after room for a handwritten signature.
func (d *doc) signature(x float64) {
	if d.lh.SignatoryName == "" && d.lh.SignatoryTitle == "" {
		return
	}
	w := d.w - marginX - x
	d.need(30)
	d.pdf.SetY(d.pdf.GetY() + 16)
	if d.lh.SignatoryName != "" {
		d.face("B", 10.5, black)
		d.text(x, w, d.lh.SignatoryName, "L")
	}
	if d.lh.SignatoryTitle != "" {
		d.face("", 10, grey)
		d.text(x, w, d.lh.SignatoryTitle, "L")
	}
}

// placeDate is "Lyon, le 3 mars 2026", or the date alone without a city.
func (d *doc) placeDate(t time.Time) string {
	if d.lh.City == "" {
		return Date(d.lang, t)
	}
	return d.t("letters.place_date", d.lh.City, Date(d.lang, t))
}

var paris = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
})

// Date writes t's day in Europe/Paris in lang, as documents print it:
// "3 mars 2026" (and "1er mars 2026") in French, "3 March 2026" in
// English. Callers fill the {{date}} and {{session_date}} placeholders
// with it.
func Date(lang string, t time.Time) string {
	lang = i18n.Lang(lang)
	t = t.In(paris())
	month := i18n.T(lang, fmt.Sprintf("letters.month.%d", t.Month()))
	if t.Day() == 1 {
		return i18n.T(lang, "letters.date_first", t.Day(), month, t.Year())
	}
	return i18n.T(lang, "letters.date", t.Day(), month, t.Year())
}
