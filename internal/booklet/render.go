package booklet

import (
	"math"
	"strconv"

	"github.com/go-pdf/fpdf"
)

var (
	tocColumns = columns{n: 1, firstTop: sectionTop, top: marginTop, end: contentBottom,
		titleH: 8, entryH: 6.2, gap: 5}
	indexColumns = columns{n: 2, firstTop: sectionTop, top: marginTop, end: contentBottom,
		titleH: 5.6, entryH: 4.8, gap: 2.6}

	sectionFace  = face{"B", 18, accent}
	tocTitle     = face{"B", 11, accent}
	tocEntry     = face{"", 10, ink}
	indexTitle   = face{"B", 9, accent}
	indexEntry   = face{"", 8.5, ink}
	footerFace   = face{"", 7.5, muted}
	coverCluster = face{"B", 16, rgb{255, 255, 255}}
)

// plan lays the whole booklet out before the first page is drawn: the
// profiles' lines, then the page of everything, so that the table of
// contents can give page numbers that are known to be right.
func (d *doc) plan() {
	d.profiles = make([]planned, len(d.b.Profiles))
	for i, p := range d.b.Profiles {
		pl := &d.profiles[i]
		pl.p = cleanProfile(p)
		d.addLogo(pl, p.Logo)
		d.layoutProfile(pl)
		pl.half = i % 2
		pl.link = d.pdf.AddLink()
	}
	if len(d.profiles) == 0 {
		d.pages = 1
		return
	}
	// The table of contents has one line per profile and per index, so its
	// length is known before any page number is.
	_, d.tocPages = flow(d.tocGroups(), tocColumns, d.contd)
	d.firstPage = 2 + d.tocPages
	for i := range d.profiles {
		d.profiles[i].page = d.firstPage + i/2
	}
	d.brickStart = d.firstPage + (len(d.profiles)+1)/2
	d.bricks, d.brickPages = flow(d.indexOrEmpty(indexGroups(func(p *planned) []string { return p.p.Bricks }, d.profiles)), indexColumns, d.contd)
	d.certStart = d.brickStart + d.brickPages
	d.certs, d.certPages = flow(d.indexOrEmpty(indexGroups(validCertifications, d.profiles)), indexColumns, d.contd)
	d.pages = d.certStart + d.certPages - 1

	d.brickLink, d.certLink = d.pdf.AddLink(), d.pdf.AddLink()
	d.pdf.SetLink(d.brickLink, 0, d.brickStart)
	d.pdf.SetLink(d.certLink, 0, d.certStart)
	for _, pl := range d.profiles {
		d.pdf.SetLink(pl.link, profileTop(pl.half), pl.page)
	}
	d.toc, _ = flow(d.tocGroups(), tocColumns, d.contd)
}

func validCertifications(p *planned) []string {
	var names []string
	for _, c := range p.p.Certifications {
		if !c.Expired {
			names = append(names, c.Name)
		}
	}
	return names
}

func (d *doc) tocGroups() []group {
	orgs := group{title: d.t("booklet.organisations")}
	for _, pl := range d.profiles {
		orgs.entries = append(orgs.entries, entry{text: pl.p.Name, page: pl.page, link: pl.link})
	}
	indexes := group{title: d.t("booklet.indexes"), entries: []entry{
		{text: d.t("booklet.index_bricks"), page: d.brickStart, link: d.brickLink},
		{text: d.t("booklet.index_certifications"), page: d.certStart, link: d.certLink},
	}}
	return []group{orgs, indexes}
}

// indexOrEmpty gives an empty index a line that says so.
func (d *doc) indexOrEmpty(groups []group) []group {
	if len(groups) == 0 {
		return []group{{entries: []entry{{text: d.t("booklet.index_empty")}}}}
	}
	return groups
}

func (d *doc) contd(title string) string { return d.t("booklet.continued", title) }

func profileTop(half int) float64 {
	return marginTop + float64(half)*(halfH+halfGap)
}

// render draws the planned booklet.
func (d *doc) render() {
	d.pdf.SetFooterFunc(d.footer)
	d.cover()
	if len(d.profiles) == 0 {
		return
	}
	d.section(d.t("booklet.contents"), d.toc, d.tocPages, contentW, 0, tocTitle, tocEntry)
	for i := range d.profiles {
		d.drawProfile(&d.profiles[i])
	}
	d.section(d.t("booklet.index_bricks"), d.bricks, d.brickPages, indexColW, indexColGap, indexTitle, indexEntry)
	d.section(d.t("booklet.index_certifications"), d.certs, d.certPages, indexColW, indexColGap, indexTitle, indexEntry)
}

// cover draws the first page: cluster, title, selection, date and size.
func (d *doc) cover() {
	pdf := d.pdf
	pdf.AddPage()
	pdf.SetFillColor(accent.r, accent.g, accent.b)
	pdf.Rect(0, 0, pageW, 62, "F")
	d.setFace(coverCluster)
	d.text(marginX, 26, 8, shorten(d.b.ClusterName, contentW, d.measurer(coverCluster)), "")
	pdf.Bookmark(d.b.Title, 0, 0)

	y := 92.0
	y = d.paragraph(d.b.Title, face{"B", 28, accent}, y, 12, 4)
	if d.b.Selection != "" {
		y = d.paragraph(d.t("booklet.selection", d.b.Selection), face{"I", 12, muted}, y+4, 6, 5)
	}
	pdf.SetDrawColor(accent.r, accent.g, accent.b)
	pdf.SetLineWidth(0.8)
	pdf.Line(marginX, y+6, marginX+40, y+6)
	var count string
	switch n := len(d.profiles); n {
	case 0:
		count = d.t("booklet.empty")
	case 1:
		count = d.t("booklet.count_one")
	default:
		count = d.t("booklet.count", n)
	}
	d.paragraph(count, face{"B", 14, ink}, y+12, 7, 3)
	if !d.b.Generated.IsZero() {
		d.setFace(face{"", 10, muted})
		d.text(marginX, 262, 6, d.t("booklet.generated", formatDate(d.lang, d.b.Generated)), "")
	}
}

// paragraph draws text wrapped to the content width, at most max lines,
// and returns the y below it.
func (d *doc) paragraph(text string, f face, y, height float64, max int) float64 {
	b := &block{d: d}
	b.add([]span{{text: text, face: f}}, contentW, 0, 0, height, max, false)
	return d.drawLines(b.lines, marginX, y)
}

// drawLines draws laid-out lines from (x, y) and returns the y below them.
func (d *doc) drawLines(lines []line, x, y float64) float64 {
	for _, l := range lines {
		y += l.gap
		for _, r := range l.runs {
			d.setFace(r.face)
			d.text(x+l.indent+r.x, y, l.height, r.text, r.link)
		}
		y += l.height
	}
	return y
}

// text draws s in the current face with its top-left at (x, y) in a line
// of the given height.
func (d *doc) text(x, y, height float64, s, link string) {
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(d.pdf.GetStringWidth(s), height, s, "", 0, "L", false, 0, link)
}

// drawProfile draws a profile in its half page, starting a page for the
// top one.
func (d *doc) drawProfile(pl *planned) {
	pdf := d.pdf
	if pl.half == 0 {
		pdf.AddPage()
	} else {
		y := marginTop + halfH + halfGap/2
		pdf.SetDrawColor(rule.r, rule.g, rule.b)
		pdf.SetLineWidth(0.3)
		pdf.Line(marginX, y, marginX+contentW, y)
	}
	top := profileTop(pl.half)
	if pl == &d.profiles[0] {
		pdf.Bookmark(d.t("booklet.organisations"), 0, top)
	}
	pdf.Bookmark(pl.p.Name, 1, top)
	if pl.logo != nil {
		pdf.ImageOptions(pl.logo.name, marginX+contentW-pl.logoW, top, pl.logoW, pl.logoH, false,
			fpdf.ImageOptions{ImageType: "PNG"}, 0, websiteURL(pl.p.Website))
	}
	d.drawLines(pl.lines, marginX, top)
}

// section draws a table of contents or an index: its heading on the
// first page, then its placed titles and entries in columns colW wide.
func (d *doc) section(heading string, items []placed, pages int, colW, colGap float64, titleFace, entryFace face) {
	pdf := d.pdf
	for page := range pages {
		pdf.AddPage()
		if page == 0 {
			d.setFace(sectionFace)
			d.text(marginX, marginTop, 9, heading, "")
			pdf.Bookmark(heading, 0, marginTop)
		}
		for _, it := range items {
			if it.page != page {
				continue
			}
			x := marginX + float64(it.col)*(colW+colGap)
			if it.title != "" {
				d.setFace(titleFace)
				d.text(x, it.y, 6, shorten(it.title, colW, d.measurer(titleFace)), "")
				continue
			}
			d.drawEntry(it.entry, x, it.y, colW, entryFace)
		}
	}
}

// drawEntry draws "text ······ page" across w, the whole line a link.
func (d *doc) drawEntry(e entry, x, y, w float64, f face) {
	pdf := d.pdf
	d.setFace(f)
	m := d.measurer(f)
	const h = 5.0
	num := ""
	if e.page > 0 {
		num = strconv.Itoa(e.page)
	}
	numW := m(num)
	text := shorten(e.text, w-numW-8, m)
	textW := m(text)
	d.text(x, y, h, text, "")
	if num == "" {
		return
	}
	d.text(x+w-numW, y, h, num, "")
	// A dotted leader along the baseline, drawn rather than typed so that
	// the text extracted from the PDF stays clean.
	pdf.SetDrawColor(muted.r, muted.g, muted.b)
	pdf.SetLineWidth(0.25)
	// The pattern's phase lines the dots up from one entry to the next.
	const dot, space = 0.25, 1.2
	from := x + textW + 1.5
	pdf.SetDashPattern([]float64{dot, space}, math.Mod(from-x, dot+space))
	base := y + h/2 + 0.3*f.size*25.4/72 // where CellFormat puts the baseline
	pdf.Line(from, base, x+w-numW-1.5, base)
	pdf.SetDashPattern(nil, 0)
	if e.link > 0 {
		pdf.Link(x, y, w, h, e.link)
	}
}

// footer prints the cluster and the page number on every page but the cover.
func (d *doc) footer() {
	pdf := d.pdf
	n := pdf.PageNo()
	if n <= 1 {
		return
	}
	pdf.SetDrawColor(rule.r, rule.g, rule.b)
	pdf.SetLineWidth(0.2)
	pdf.Line(marginX, footerY-1.5, marginX+contentW, footerY-1.5)
	d.setFace(footerFace)
	m := d.measurer(footerFace)
	page := d.t("booklet.page", n, d.pages)
	d.text(marginX+contentW-m(page), footerY, 4, page, "")
	d.text(marginX, footerY, 4, shorten(d.b.ClusterName, contentW-m(page)-10, m), "")
}
