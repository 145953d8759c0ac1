package meetings

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/pdffont"
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
	if err := pdffont.Register(pdf, pdfFont, pdffont.Regular, pdffont.Bold); err != nil {
		return fmt.Errorf("meetings: agenda pdf: %w", err)
	}
	e := a.Event
	pdf.SetTitle(pdffont.Clean(i18n.T(lang, "programme.pdf.title", e.Title(lang))), true)
	pdf.SetCreator("filiere", false)
	pdf.SetLang(lang)
	pdf.AddPage()

	text := func(style string, size, h float64, s string) {
		pdf.SetFont(pdfFont, style, size)
		pdf.SetX(pdfMargin)
		pdf.CellFormat(pdfWidth, h, pdffont.Ellipsize(pdf, pdffont.Clean(s), pdfWidth), "", 1, "L", false, 0, "")
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
			pdf.CellFormat(pdfWidth, lineHeight+1, pdffont.Clean(dayTitle(lang, it.Slot.Start)), "", 1, "L", false, 0, "")
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
		pdf.CellFormat(colPlace, lineHeight, pdffont.Ellipsize(pdf, pdffont.Clean(it.Place(lang)), colPlace-2), "", 0, "L", false, 0, "")
		room := pdfWidth - colTime - colPlace
		pdf.SetFont(pdfFont, "B", 10)
		pdf.CellFormat(room, lineHeight, pdffont.Ellipsize(pdf, pdffont.Clean(it.With.Name), room), "", 1, "L", false, 0, "")
		pdf.SetFont(pdfFont, "", 9)
		pdf.SetX(pdfMargin + colTime + colPlace)
		pdf.CellFormat(room, lineHeight, pdffont.Ellipsize(pdf, pdffont.Clean(it.With.Organisation), room), "", 1, "L", false, 0, "")
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
