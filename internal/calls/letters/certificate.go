package letters

import (
	"io"
	"strings"
	"time"

	"filiere/internal/pdffont"
)

// Certificate is the certificate of a label awarded to a project or a
// training.
type Certificate struct {
	Lang       string
	Holder     string // who holds the label: an organisation, a consortium
	Title      string // the labelled project or training
	Label      string // the label's name
	Number     string
	ValidFrom  time.Time
	ValidUntil time.Time // zero: no expiry
}

// WriteCertificate renders c as one landscape A4 page: the cluster, the
// holder, the label and what it was awarded for, the certificate's number
// and validity, and the signatory.
func WriteCertificate(w io.Writer, lh Letterhead, c Certificate) error {
	d, err := newDoc(c.Lang, lh, "L", strings.Join(nonEmpty(pdffont.Clean(c.Label), pdffont.Clean(c.Holder)), " — "), c.ValidFrom)
	if err != nil {
		return err
	}
	// The frame.
	d.pdf.SetDrawColor(accent.r, accent.g, accent.b)
	d.pdf.SetLineWidth(1.2)
	d.pdf.Rect(10, 10, d.w-20, d.h-20, "D")
	d.pdf.SetLineWidth(0.3)
	d.pdf.Rect(13, 13, d.w-26, d.h-26, "D")

	x, room := 40.0, d.w-80
	y := 20.0
	if lg := logoFor(d.lh.Logo); lg != nil {
		// Measured first at the box's size, then drawn centred.
		ratio := float64(lg.w) / float64(lg.h)
		lw := min(50, 20*ratio)
		if _, h, ok := d.image(lg, (d.w-lw)/2, y, lw, 20); ok {
			y += h + 3
		}
	}
	d.pdf.SetY(y)
	d.face("B", 14, accent)
	d.lines(x, room, d.lh.Name, "C", 2)
	d.pdf.SetY(d.pdf.GetY() + 6)
	d.face("B", 26, black)
	d.lines(x, room, strings.ToUpper(d.t("letters.certificate.heading")), "C", 1)
	d.pdf.SetY(d.pdf.GetY() + 5)
	if d.lh.Name != "" {
		d.face("", 12, grey)
		d.lines(x, room, d.t("letters.certificate.certifies", d.lh.Name), "C", 2)
	}
	d.pdf.SetY(d.pdf.GetY() + 2)
	d.face("B", 22, black)
	d.lines(x, room, pdffont.Clean(c.Holder), "C", 2)
	d.pdf.SetY(d.pdf.GetY() + 2)
	d.face("", 12, grey)
	d.lines(x, room, d.t("letters.certificate.awarded"), "C", 1)
	d.pdf.SetY(d.pdf.GetY() + 1)
	d.face("B", 18, accent)
	d.lines(x, room, pdffont.Clean(c.Label), "C", 2)
	if title := pdffont.Clean(c.Title); title != "" {
		d.pdf.SetY(d.pdf.GetY() + 2)
		d.face("", 12, grey)
		d.lines(x, room, d.t("letters.certificate.for"), "C", 1)
		d.face("I", 14, black)
		d.lines(x, room, title, "C", 3)
	}

	// The validity at the bottom left, the signature at the bottom right.
	half := (d.w - 2*30) / 2
	base := d.h - 52
	d.pdf.SetY(base)
	d.face("", 10, black)
	if n := pdffont.Clean(c.Number); n != "" {
		d.lines(30, half, d.t("letters.certificate.number", n), "L", 1)
	}
	if !c.ValidFrom.IsZero() {
		d.lines(30, half, d.t("letters.certificate.issued", Date(d.lang, c.ValidFrom)), "L", 1)
	}
	d.face("B", 10, black)
	if c.ValidUntil.IsZero() {
		d.lines(30, half, d.t("letters.certificate.no_expiry"), "L", 1)
	} else {
		d.lines(30, half, d.t("letters.valid_until", Date(d.lang, c.ValidUntil)), "L", 1)
	}
	d.pdf.SetY(base)
	d.face("", 10, black)
	if !c.ValidFrom.IsZero() {
		d.lines(30+half, half, d.placeDate(c.ValidFrom), "R", 1)
	}
	d.pdf.SetY(d.pdf.GetY() + 10)
	d.face("B", 10.5, black)
	d.lines(30+half, half, d.lh.SignatoryName, "R", 1)
	d.face("", 10, grey)
	d.lines(30+half, half, d.lh.SignatoryTitle, "R", 2)
	return d.write(w, "certificate")
}

// lines prints cleaned text wrapped to w in at most most lines, the last
// one cut with an ellipsis, without ever breaking the page.
func (d *doc) lines(x, w float64, s, align string, most int) {
	if s == "" {
		return
	}
	h := d.lineH()
	ls := d.wrap(s, w)
	if len(ls) > most {
		ls = ls[:most]
		ls[most-1] = pdffont.Ellipsize(d.pdf, ls[most-1]+"…", w)
	}
	for _, l := range ls {
		d.pdf.SetX(x)
		d.pdf.CellFormat(w, h, l, "", 1, align, false, 0, "")
	}
}
