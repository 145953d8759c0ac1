package letters

import (
	"io"
	"strings"
	"time"

	"filiere/internal/pdffont"
)

// Catalogue is the public list of current labels, e.g. the labelled
// trainings.
type Catalogue struct {
	Lang    string
	Title   string
	Intro   string           // paragraphs separated by blank lines
	Entries []CatalogueEntry // in the order printed
}

// CatalogueEntry is one current label.
type CatalogueEntry struct {
	Title, Holder, Place, Description, Website string
	ValidUntil                                 time.Time // zero: no expiry, nothing printed
}

var linkBlue = rgb{0x1a, 0x5f, 0xb4}

// WriteCatalogue renders c as an A4 PDF on the cluster's letterhead: the
// title, the introduction and the entries one under the other, each kept
// on one page when it fits, with page numbers.
func WriteCatalogue(w io.Writer, lh Letterhead, c Catalogue) error {
	d, err := newDoc(c.Lang, lh, "P", c.Title, time.Time{})
	if err != nil {
		return err
	}
	title := pdffont.Clean(c.Title)
	d.running = strings.Join(nonEmpty(d.lh.Name, title), " — ")
	d.letterhead()
	d.face("B", 16, black)
	d.text(marginX, d.textW(), title, "L")
	d.face("", 9.5, grey)
	count := d.t("letters.catalogue.count", len(c.Entries))
	if len(c.Entries) == 1 {
		count = d.t("letters.catalogue.count_one")
	}
	d.text(marginX, d.textW(), count, "L")
	d.pdf.SetY(d.pdf.GetY() + 4)
	if strings.TrimSpace(c.Intro) != "" {
		d.face("", 10, black)
		d.paragraphs(c.Intro, 2.5)
		d.pdf.SetY(d.pdf.GetY() + 4)
	}
	if len(c.Entries) == 0 {
		d.face("I", 10, grey)
		d.text(marginX, d.textW(), d.t("letters.catalogue.empty"), "L")
	}
	fresh := d.bottom - marginTop - 4
	for i, e := range c.Entries {
		lines := d.entry(e)
		h := 0.0
		for _, l := range lines {
			h += l.h
		}
		if h <= fresh {
			d.need(h)
		}
		if i > 0 && d.pdf.GetY() > marginTop+4 {
			d.line(marginX, d.pdf.GetY()-2, d.w-marginX, rule, 0.15)
		}
		for _, l := range lines {
			d.need(l.h)
			d.face(l.p.style, l.p.size, l.p.color)
			d.pdf.SetX(marginX)
			d.pdf.CellFormat(d.textW(), l.h, l.text, "", 1, "L", false, 0, l.p.link)
		}
		d.pdf.SetY(d.pdf.GetY() + 4)
	}
	return d.write(w, "catalogue")
}

// entry lays out one catalogue entry in lines.
func (d *doc) entry(e CatalogueEntry) []printed {
	pieces := []piece{{text: pdffont.Clean(e.Title), style: "B", size: 11.5, color: accent}}
	if who := strings.Join(nonEmpty(pdffont.Clean(e.Holder), pdffont.Clean(e.Place)), " · "); who != "" {
		pieces = append(pieces, piece{text: who, style: "B", size: 9.5, color: black})
	}
	if desc := pdffont.CleanText(e.Description); desc != "" {
		pieces = append(pieces, piece{text: desc, size: 9.5, color: black})
	}
	if site := pdffont.Clean(e.Website); site != "" {
		pieces = append(pieces, piece{text: site, size: 9, color: linkBlue, link: websiteURL(site)})
	}
	if !e.ValidUntil.IsZero() {
		pieces = append(pieces, piece{text: d.t("letters.valid_until", Date(d.lang, e.ValidUntil)), style: "I", size: 8.5, color: grey})
	}
	var out []printed
	for _, p := range pieces {
		if p.text == "" {
			continue
		}
		d.face(p.style, p.size, p.color)
		h := d.lineH()
		for _, l := range d.wrap(p.text, d.textW()) {
			out = append(out, printed{text: l, p: p, h: h})
		}
	}
	return out
}

// websiteURL makes a website as people write it ("www.example.fr") a link;
// anything but http(s) gets no link.
func websiteURL(s string) string {
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "http://"):
		return s
	case strings.Contains(s, "://"), strings.ContainsAny(s, " :"):
		return ""
	}
	return "https://" + s
}
