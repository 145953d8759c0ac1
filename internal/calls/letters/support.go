package letters

import (
	"io"
	"strings"
	"time"

	"filiere/internal/pdffont"
)

// SupportLetter is the letter a cluster writes to a funder for a project
// it labelled.
type SupportLetter struct {
	Lang      string
	Date      time.Time
	Recipient []string // the funder's address, one line each
	Subject   string
	Body      string // the filled template (see Fill): paragraphs separated by blank lines
	Reference string // the cluster's reference for the letter, optional
}

// WriteSupportLetter renders l as an A4 PDF on the cluster's letterhead:
// place and date, recipient, reference, subject, body and signatory.
func WriteSupportLetter(w io.Writer, lh Letterhead, l SupportLetter) error {
	d, err := newDoc(l.Lang, lh, "P", l.Subject, l.Date)
	if err != nil {
		return err
	}
	d.running = d.lh.Name
	d.letterhead()

	// The recipient sits in the right half, where a window envelope shows it.
	right := d.w/2 + 5
	d.face("", 10.5, black)
	if !l.Date.IsZero() {
		d.text(right, d.w-marginX-right, d.placeDate(l.Date), "L")
	}
	if rec := cleanList(l.Recipient); len(rec) > 0 {
		d.pdf.SetY(d.pdf.GetY() + 6)
		d.text(right, d.w-marginX-right, strings.Join(rec, "\n"), "L")
	}
	d.pdf.SetY(d.pdf.GetY() + 10)
	if ref := pdffont.Clean(l.Reference); ref != "" {
		d.face("", 9, grey)
		d.text(marginX, d.textW(), d.t("letters.reference", ref), "L")
		d.pdf.SetY(d.pdf.GetY() + 1)
	}
	if subject := pdffont.Clean(l.Subject); subject != "" {
		d.face("B", 10.5, black)
		d.text(marginX, d.textW(), d.t("letters.subject", subject), "L")
		d.pdf.SetY(d.pdf.GetY() + 6)
	}
	d.face("", 10.5, black)
	d.paragraphs(l.Body, 3.5)
	d.signature(right)
	return d.write(w, "support letter")
}
