package meetings

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"filiere/internal/events"
	"filiere/internal/i18n"
)

// The agenda's layout, in millimetres: A4 portrait.
const (
	pdfFont    = "go"
	pdfMargin  = 15.0
	pdfWidth   = 210 - 2*pdfMargin
	pdfBottom  = 297 - 20.0
	colTime    = 32.0
	colPlace   = 48.0
	rowHeight  = 12.0
	lineHeight = 5.0
)

// WriteAgendaPDF renders a person's agenda as an A4 PDF in lang: the
// event, the person, then one row per meeting (time in Europe/Paris,
// table or stand, the other person and their organisation). The
// cancelled meetings are left out.
func WriteAgendaPDF(w io.Writer, a Agenda, lang string) error {
	lang = i18n.Lang(lang)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true) // with the fixed dates, the same agenda gives the same bytes
	stamp := time.Unix(0, 0)
	pdf.SetCreationDate(stamp)
	pdf.SetModificationDate(stamp)
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes(pdfFont, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(pdfFont, "B", gobold.TTF)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("meetings: agenda pdf: load fonts: %w", err)
	}
	e := a.Event
	pdf.SetTitle(printable(i18n.T(lang, "programme.pdf.title", e.Title(lang))), true)
	pdf.SetCreator("filiere", false)
	pdf.SetLang(lang)
	pdf.AddPage()

	text := func(style string, size, h float64, s string) {
		pdf.SetFont(pdfFont, style, size)
		pdf.SetX(pdfMargin)
		pdf.CellFormat(pdfWidth, h, fit(pdf, printable(s), pdfWidth), "", 1, "L", false, 0, "")
	}
	pdf.SetTextColor(90, 90, 90)
	text("B", 10, 5, i18n.T(lang, "programme.pdf.heading"))
	pdf.SetTextColor(0, 0, 0)
	text("B", 16, 8, e.Title(lang))
	text("", 10, 5, e.When(lang))
	if place := e.Place(); place != "" {
		text("", 10, 5, place)
	}
	pdf.Ln(4)
	text("B", 13, 6, a.Attendee.Name)
	if a.Attendee.Organisation != "" {
		text("", 11, 5, a.Attendee.Organisation)
	}
	if a.Attendee.Stand {
		text("", 10, 5, i18n.T(lang, "programme.pdf.own_stand", standOf(a.Attendee.Person, a.Attendee.Person)))
	}
	pdf.Ln(4)

	header := func() {
		pdf.SetFont(pdfFont, "B", 10)
		pdf.SetFillColor(0x1f, 0x4e, 0x79)
		pdf.SetTextColor(255, 255, 255)
		pdf.SetX(pdfMargin)
		pdf.CellFormat(colTime, 7, i18n.T(lang, "programme.pdf.time"), "", 0, "L", true, 0, "")
		pdf.CellFormat(colPlace, 7, i18n.T(lang, "programme.pdf.place"), "", 0, "L", true, 0, "")
		pdf.CellFormat(pdfWidth-colTime-colPlace, 7, i18n.T(lang, "programme.pdf.with"), "", 1, "L", true, 0, "")
		pdf.SetTextColor(0, 0, 0)
	}
	header()
	live := a.Live()
	if len(live) == 0 {
		text("", 10, rowHeight, i18n.T(lang, "programme.pdf.none"))
	}
	day := ""
	for i, it := range live {
		if pdf.GetY()+rowHeight+lineHeight > pdfBottom {
			pdf.AddPage()
			header()
			day = ""
		}
		if d := events.Local(it.Slot.Start).Format("2006-01-02"); d != day {
			day = d
			pdf.SetFont(pdfFont, "B", 9)
			pdf.SetTextColor(90, 90, 90)
			pdf.SetX(pdfMargin)
			pdf.CellFormat(pdfWidth, lineHeight+1, printable(dayTitle(lang, it.Slot.Start)), "", 1, "L", false, 0, "")
			pdf.SetTextColor(0, 0, 0)
		}
		y := pdf.GetY()
		if i%2 == 1 {
			pdf.SetFillColor(0xee, 0xf2, 0xf7)
			pdf.Rect(pdfMargin, y, pdfWidth, rowHeight, "F")
		}
		pdf.SetFont(pdfFont, "B", 11)
		pdf.SetXY(pdfMargin, y+1)
		pdf.CellFormat(colTime, lineHeight, it.Slot.Label(), "", 0, "L", false, 0, "")
		pdf.SetFont(pdfFont, "", 10)
		pdf.CellFormat(colPlace, lineHeight, fit(pdf, printable(it.Place(lang)), colPlace-2), "", 0, "L", false, 0, "")
		room := pdfWidth - colTime - colPlace
		pdf.SetFont(pdfFont, "B", 10)
		pdf.CellFormat(room, lineHeight, fit(pdf, printable(it.With.Name), room), "", 1, "L", false, 0, "")
		pdf.SetFont(pdfFont, "", 9)
		pdf.SetX(pdfMargin + colTime + colPlace)
		pdf.CellFormat(room, lineHeight, fit(pdf, printable(it.With.Organisation), room), "", 1, "L", false, 0, "")
		pdf.SetY(y + rowHeight)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("meetings: agenda pdf: render: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("meetings: agenda pdf: write: %w", err)
	}
	return nil
}

// dayTitle is a day in Europe/Paris written out in lang.
func dayTitle(lang string, t time.Time) string {
	when := events.When(lang, t, t)
	if i := strings.LastIndex(when, ","); i > 0 {
		return when[:i]
	}
	return when
}

// fit cuts s with an ellipsis so that it takes at most room in the
// current font.
func fit(pdf *fpdf.Fpdf, s string, room float64) string {
	if pdf.GetStringWidth(s) <= room {
		return s
	}
	runes := []rune(s)
	for len(runes) > 0 && pdf.GetStringWidth(string(runes)+"…") > room {
		runes = runes[:len(runes)-1]
	}
	return strings.TrimSpace(string(runes)) + "…"
}

// glyphs records which runes of the Basic Multilingual Plane the Go fonts
// draw: fpdf takes no rune beyond U+FFFF, and one without a glyph prints
// as an empty box.
var glyphs = sync.OnceValue(func() *[1 << 16 / 64]uint64 {
	var set [1 << 16 / 64]uint64
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		for r := 0x20; r < 0x7f; r++ {
			set[r/64] |= 1 << (r % 64)
		}
		return &set
	}
	var buf sfnt.Buffer
	for r := 0; r < 1<<16; r++ {
		if g, err := f.GlyphIndex(&buf, rune(r)); err == nil && g != 0 {
			set[r/64] |= 1 << (r % 64)
		}
	}
	return &set
})

// printable makes s printable on one line: spaces collapse, control and
// format characters go, runes the font lacks become "?".
func printable(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		case r >= 1<<16 || glyphs()[r/64]&(1<<(r%64)) == 0:
			if unicode.Is(unicode.Mn, r) {
				continue
			}
			r = '?'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
