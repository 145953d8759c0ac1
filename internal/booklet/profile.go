package booklet

import (
	"bytes"
	"strings"

	"github.com/go-pdf/fpdf"
)

// Page geometry, in millimetres (A4 portrait).
const (
	pageW         = 210.0
	marginX       = 18.0
	marginTop     = 18.0
	contentW      = pageW - 2*marginX
	contentBottom = 279.0
	footerY       = 284.0
	halfGap       = 8.0                                       // between the two profiles of a page
	halfH         = (contentBottom - marginTop - halfGap) / 2 // room of one profile
	logoBoxW      = 38.0                                      // a logo is scaled to fit this box
	logoBoxH      = 20.0                                      //
	logoGap       = 5.0                                       // between the header text and the logo
	sectionTop    = marginTop + 16                            // below a section heading
	indexColGap   = 8.0                                       //
	indexColW     = (contentW - indexColGap) / 2              //
	headerRoom    = contentW - logoBoxW - logoGap             // header text beside a logo
	profileBottom = 2.0                                       // kept free under a profile
	lineH         = 4.2                                       // body text
)

// limits say how much of a profile is shown at most; the rest is summed up
// ("… and 3 more") or cut with an ellipsis. A profile that overflows its
// half page with the normal limits is laid out again with the compact
// ones, so that its certifications and contacts keep a place.
type limits struct {
	descriptionLines int
	services         int
	serviceLines     int
	certifications   int
	certLines        int
	contacts         int
	contactLines     int
	labelLines       int // sectors, steps, bricks
}

var (
	normal  = limits{descriptionLines: 7, services: 4, serviceLines: 2, certifications: 4, certLines: 2, contacts: 3, contactLines: 2, labelLines: 2}
	compact = limits{descriptionLines: 3, services: 3, serviceLines: 1, certifications: 3, certLines: 1, contacts: 2, contactLines: 1, labelLines: 1}
)

const maxNameLines = 2

var (
	ink    = rgb{33, 37, 41}
	accent = rgb{0, 86, 120}
	muted  = rgb{100, 106, 112}
	alert  = rgb{168, 38, 38}
	rule   = rgb{190, 198, 204}

	body      = face{"", 8.5, ink}
	bodyBold  = face{"B", 8.5, ink}
	bodyMuted = face{"I", 8.5, muted}
	nameFace  = face{"B", 13, accent}
	kindFace  = face{"I", 9, muted}
	headFace  = face{"B", 8.5, accent}
	linkFace  = face{"", 8.5, accent}
)

// planned is a profile laid out: its cleaned content, its lines, its logo
// and where it goes.
type planned struct {
	p     Profile
	logo  *logo
	logoW float64 // drawn size in millimetres
	logoH float64
	lines []line
	page  int
	half  int // 0 top, 1 bottom
	link  int
}

// cleanProfile sanitises every text of p.
func cleanProfile(p Profile) Profile {
	out := Profile{
		Name: clean(p.Name), Kind: clean(p.Kind), City: clean(p.City), Region: clean(p.Region),
		Website: clean(p.Website), Description: cleanText(p.Description),
		Sectors: cleanList(p.Sectors), Steps: cleanList(p.Steps), Bricks: cleanList(p.Bricks),
	}
	for _, s := range p.Services {
		s = Service{Title: clean(s.Title), Description: cleanText(s.Description)}
		if s.Title != "" || s.Description != "" {
			out.Services = append(out.Services, s)
		}
	}
	for _, c := range p.Certifications {
		c.Name, c.Scope, c.Issuer = clean(c.Name), clean(c.Scope), clean(c.Issuer)
		if c.Name != "" {
			out.Certifications = append(out.Certifications, c)
		}
	}
	for _, c := range p.Contacts {
		c = Contact{Name: clean(c.Name), Role: clean(c.Role), Email: clean(c.Email), Phone: clean(c.Phone)}
		if c != (Contact{}) {
			out.Contacts = append(out.Contacts, c)
		}
	}
	return out
}

// addLogo registers p's logo with fpdf, or leaves it out when it cannot be
// read.
func (d *doc) addLogo(pl *planned, data []byte) {
	l := d.logos.add(data)
	if l == nil {
		return
	}
	if d.pdf.GetImageInfo(l.name) == nil {
		d.pdf.RegisterImageOptionsReader(l.name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(l.png))
		if d.pdf.Error() != nil {
			d.pdf.ClearError() // a logo is never worth the booklet
			return
		}
	}
	pl.logo = l
	ratio := float64(l.w) / float64(l.h)
	pl.logoW, pl.logoH = logoBoxW, logoBoxW/ratio
	if pl.logoH > logoBoxH {
		pl.logoW, pl.logoH = logoBoxH*ratio, logoBoxH
	}
}

// block collects the lines of a profile.
type block struct {
	d     *doc
	lines []line
}

// add wraps spans into at most max lines (0: no limit) of room minus
// indent, the first one gap below the previous line.
func (b *block) add(spans []span, room, indent, gap, height float64, max int, keep bool) {
	wrapped := b.d.wrapSpans(spans, room-indent)
	cut := max > 0 && len(wrapped) > max
	if cut {
		wrapped = trimBlank(wrapped[:max])
	}
	for i, runs := range wrapped {
		l := line{runs: runs, indent: indent, room: room - indent, height: height, keep: keep}
		if i == 0 {
			l.gap = gap
		}
		if cut && i == len(wrapped)-1 {
			b.d.ellipsize(&l)
		}
		b.lines = append(b.lines, l)
	}
}

// trimBlank drops the blank lines (paragraph breaks) that end lines.
func trimBlank(lines [][]run) [][]run {
	for len(lines) > 1 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func (b *block) height() float64 {
	h := 0.0
	for _, l := range b.lines {
		h += l.gap + l.height
	}
	return h
}

// layoutProfile lays out one profile in the room of half a page.
func (d *doc) layoutProfile(pl *planned) {
	room := halfH - profileBottom
	b := d.profileBlock(pl, normal)
	if b.height() > room {
		b = d.profileBlock(pl, compact)
	}
	pl.lines = d.fit(b.lines, room)
}

// profileBlock lays out the lines of a profile within lim.
func (d *doc) profileBlock(pl *planned, lim limits) *block {
	p := pl.p
	b := &block{d: d}
	room := contentW
	if pl.logo != nil {
		room = headerRoom
	}

	// Header, beside the logo.
	b.add([]span{{text: p.Name, face: nameFace}}, room, 0, 0, 6, maxNameLines, false)
	if kind := kindLine(p); kind != "" {
		b.add([]span{{text: kind, face: kindFace}}, room, 0, 0.4, 4.6, 2, false)
	}
	d.addLabelled(b, "booklet.sectors", p.Sectors, room, 1, lim.labelLines)
	d.addLabelled(b, "booklet.steps", p.Steps, room, 0, lim.labelLines)

	// The body starts below the logo.
	gap := 2.0
	if pl.logo != nil {
		gap = max(gap, pl.logoH+1.5-b.height())
	}
	if p.Description != "" {
		b.add([]span{{text: p.Description, face: body}}, contentW, 0, gap, lineH, lim.descriptionLines, false)
		gap = 2
	}
	if len(p.Services) > 0 {
		b.add([]span{{text: d.t("booklet.services"), face: headFace}}, contentW, 0, gap, 5, 1, true)
		for i, s := range p.Services {
			if i == lim.services {
				b.add([]span{{text: d.more(len(p.Services) - i), face: bodyMuted}}, contentW, 3, 0.6, lineH, 1, false)
				break
			}
			spans := []span{{text: s.Title, face: bodyBold}}
			if s.Description != "" {
				if s.Title != "" {
					spans[0].text += " —"
				}
				spans = append(spans, span{text: s.Description, face: body})
			}
			b.add(spans, contentW, 3, 0.6, lineH, lim.serviceLines, false)
		}
		gap = 2
	}
	if d.addLabelled(b, "booklet.bricks", p.Bricks, contentW, gap, lim.labelLines) {
		gap = 2
	}
	if len(p.Certifications) > 0 {
		b.add([]span{{text: d.t("booklet.certifications"), face: headFace}}, contentW, 0, gap, 5, 1, true)
		for i, c := range p.Certifications {
			if i == lim.certifications {
				b.add([]span{{text: d.more(len(p.Certifications) - i), face: bodyMuted}}, contentW, 3, 0.6, lineH, 1, false)
				break
			}
			b.add(d.certificationSpans(c), contentW, 3, 0.6, lineH, lim.certLines, false)
		}
		gap = 2
	}
	if len(p.Contacts) > 0 {
		b.add([]span{{text: d.t("booklet.contacts"), face: headFace}}, contentW, 0, gap, 5, 1, true)
		for i, c := range p.Contacts {
			if i == lim.contacts {
				b.add([]span{{text: d.more(len(p.Contacts) - i), face: bodyMuted}}, contentW, 3, 0.6, lineH, 1, false)
				break
			}
			spans := []span{{text: c.Name, face: bodyBold}}
			if rest := joinNonEmpty(" · ", c.Role, c.Email, c.Phone); rest != "" {
				if c.Name != "" {
					spans[0].text += ","
				}
				spans = append(spans, span{text: rest, face: body})
			}
			b.add(spans, contentW, 3, 0.6, lineH, lim.contactLines, false)
		}
		gap = 2
	}
	if p.Website != "" {
		b.add([]span{
			{text: d.t("booklet.website"), face: bodyBold},
			{text: p.Website, face: linkFace, link: websiteURL(p.Website)},
		}, contentW, 0, gap, lineH, 1, false)
	}
	return b
}

// addLabelled adds "Label: a, b, c" when labels is not empty, and reports
// whether it did.
func (d *doc) addLabelled(b *block, key string, labels []string, room, gap float64, lines int) bool {
	if len(labels) == 0 {
		return false
	}
	b.add([]span{
		{text: d.t(key), face: bodyBold},
		{text: strings.Join(labels, ", "), face: body},
	}, room, 0, gap, lineH, lines, false)
	return true
}

// certificationSpans writes "ISO 13485 (scope, by issuer) — valid until
// 30/06/2027", or "— expired".
func (d *doc) certificationSpans(c Certification) []span {
	spans := []span{{text: c.Name, face: bodyBold}}
	issuer := ""
	if c.Issuer != "" {
		issuer = d.t("booklet.issuer", c.Issuer)
	}
	if details := joinNonEmpty(", ", c.Scope, issuer); details != "" {
		spans = append(spans, span{text: "(" + details + ")", face: body})
	}
	switch {
	case c.Expired:
		spans = append(spans, span{text: "— " + d.t("booklet.expired"), face: face{"B", body.size, alert}})
	case !c.ValidUntil.IsZero():
		spans = append(spans, span{text: "— " + d.t("booklet.valid_until", formatDate(d.lang, c.ValidUntil)), face: bodyMuted})
	}
	return spans
}

// more says how many items were left out.
func (d *doc) more(n int) string {
	if n == 1 {
		return d.t("booklet.more_one")
	}
	return d.t("booklet.more", n)
}

// kindLine writes "Kind · City (Region)" with whatever is known.
func kindLine(p Profile) string {
	place := p.City
	switch {
	case p.City != "" && p.Region != "":
		place = p.City + " (" + p.Region + ")"
	case p.City == "":
		place = p.Region
	}
	return joinNonEmpty(" · ", p.Kind, place)
}

func joinNonEmpty(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, s := range parts {
		if s != "" {
			kept = append(kept, s)
		}
	}
	return strings.Join(kept, sep)
}

// websiteURL turns what an organisation typed as its website into a link
// target: only http(s) addresses are linked; a bare domain gets https.
func websiteURL(s string) string {
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "http://"):
		return s
	case strings.ContainsAny(s, " :@") || !strings.Contains(s, "."):
		return ""
	}
	return "https://" + s
}

// fit keeps the lines that fit in room. When some are dropped, headings
// left last go too and the last line kept ends with an ellipsis.
func (d *doc) fit(lines []line, room float64) []line {
	y := 0.0
	for i, l := range lines {
		if y+l.gap+l.height > room {
			lines = lines[:i]
			for n := len(lines); n > 0 && (lines[n-1].keep || len(lines[n-1].runs) == 0); n = len(lines) {
				lines = lines[:n-1]
			}
			if n := len(lines); n > 0 {
				d.ellipsize(&lines[n-1])
			}
			return lines
		}
		y += l.gap + l.height
	}
	return lines
}

// ellipsize ends l with an ellipsis, cutting its last run to make room.
func (d *doc) ellipsize(l *line) {
	runs := append([]run(nil), l.runs...)
	for len(runs) > 0 {
		last := &runs[len(runs)-1]
		m := d.measurer(last.face)
		if strings.HasSuffix(last.text, ellipsis) {
			break
		}
		room := l.room - last.x
		// A run with no room for a word and an ellipsis gives way to the one before.
		if room-m(ellipsis) < 6 && len(runs) > 1 {
			runs = runs[:len(runs)-1]
			continue
		}
		last.text = withEllipsis(last.text, room, m)
		break
	}
	l.runs = runs
}
