package booklet

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"filiere/internal/pdffont/pdftest"
)

var generated = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// pngLogo draws a w×h logo: a coloured disc on transparent ground.
func pngLogo(t testing.TB, w, h int, c color.NRGBA) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	cx, cy, r := w/2, h/2, min(w, h)/2
	for y := range h {
		for x := range w {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r {
				img.SetNRGBA(x, y, c)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func until(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sample is a booklet of seven profiles in lang: accented, Greek and
// Cyrillic names, a €, logos (one broken), an expired certification and a
// profile far too long for its half page.
func sample(t testing.TB, lang string) Booklet {
	t.Helper()
	long := strings.Repeat("Conception et fabrication de dispositifs médicaux implantables. ", 40)
	return Booklet{
		Lang:        lang,
		ClusterName: "Pôle Santé Rhône-Alpes",
		Title:       "Sous-traitants medtech",
		Selection:   "stérilisation · Auvergne-Rhône-Alpes",
		Generated:   generated,
		Profiles: []Profile{
			{
				Name: "Biomécanique Œuvre & Cie", Kind: "PME", City: "Grenoble", Region: "Auvergne-Rhône-Alpes",
				Website: "www.biomeca-oeuvre.example", Description: "Usinage de précision d'implants orthopédiques en titane.",
				Logo:    pngLogo(t, 120, 60, color.NRGBA{0, 90, 160, 255}),
				Sectors: []string{"Medtech"}, Steps: []string{"Industrialisation", "Production"},
				Bricks:   []string{"Usinage 5 axes", "Stérilisation"},
				Services: []Service{{Title: "Prototypage rapide", Description: "Forfait à partir de 1 500 € HT."}},
				Certifications: []Certification{
					{Name: "ISO 13485", Scope: "implants orthopédiques", Issuer: "GMED", ValidUntil: until(2027, 6, 30)},
					{Name: "ISO 9001", Issuer: "AFNOR", ValidUntil: until(2024, 1, 31), Expired: true},
				},
				Contacts: []Contact{{Name: "Élise Martin", Role: "Directrice commerciale", Email: "elise@biomeca.example", Phone: "+33 4 76 00 00 00"}},
			},
			{
				Name: "Ελληνική Ιατρική", Kind: "Startup", City: "Αθήνα",
				Description: "Λογισμικό ιατρικής απεικόνισης.",
				Logo:        pngLogo(t, 120, 60, color.NRGBA{200, 40, 40, 255}), // same width as the first: output must stay stable
				Sectors:     []string{"Diagnostic"}, Bricks: []string{"Imagerie", "Intelligence artificielle"},
				Certifications: []Certification{{Name: "ISO 27001", Scope: "hébergement", ValidUntil: until(2028, 1, 15)}},
			},
			{
				Name: "Медицина", Kind: "ETI", City: "Lyon", Region: "Auvergne-Rhône-Alpes",
				Description: "Контрактное производство.\n\nStérilisation à l'oxyde d'éthylène.",
				Logo:        []byte("not an image at all"),
				Bricks:      []string{"Stérilisation"},
				Certifications: []Certification{
					{Name: "ISO 13485", Scope: "stérilisation", ValidUntil: until(2026, 12, 1)},
				},
			},
			{
				Name: "Laboratoire d'essais Zéphyr", Kind: "Laboratoire", City: "Saint-Étienne",
				Description: long,
				Sectors:     []string{"Medtech", "Pharma", "Cosmétique"},
				Bricks:      []string{"Essais mécaniques", "Biocompatibilité", "Stérilisation"},
				Services: []Service{
					{Title: "Essais de fatigue", Description: long},
					{Title: "Biocompatibilité ISO 10993", Description: "Cytotoxicité, sensibilisation, irritation."},
					{Title: "Validation de stérilisation", Description: "Oxyde d'éthylène, rayonnements gamma."},
					{Title: "Vieillissement accéléré", Description: "ASTM F1980."},
					{Title: "Emballage", Description: "ISO 11607."},
					{Title: "Nettoyage", Description: "Validation des procédés."},
				},
				Certifications: []Certification{{Name: "COFRAC", Scope: "essais", ValidUntil: until(2029, 3, 1)}},
				Contacts: []Contact{
					{Name: "Jean Dupont", Role: "Directeur", Email: "jd@zephyr.example"},
					{Name: "Anne Roux", Role: "Qualité", Phone: "04 77 00 00 00"},
				},
			},
			{
				Name: "Hôpital\x00 Universitaire\u200b\tNord", Kind: "CHU", City: "Clermont-Ferrand",
				Description: "Plateforme d'investigation clinique. Motlongsansespaces" + strings.Repeat("abcdefghij", 30),
				Bricks:      []string{"Investigation clinique"},
			},
			{
				Name: "Start Up Sans Logo", Kind: "Startup", Region: "Occitanie",
				Services: []Service{{Title: "Conseil réglementaire"}},
			},
			{
				Name:    "Dernière Organisation",
				Website: "https://derniere.example/fr",
				Contacts: []Contact{
					{Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: "D"},
				},
			},
		},
	}
}

func renderPDF(t testing.TB, b Booklet) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, b); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// pdfText extracts the text of a PDF, laid out as printed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return pdftest.Text(t, pdf, "-layout")
}

// pages splits pdftotext output into pages (it ends each with a form feed).
func pages(text string) []string {
	return strings.Split(strings.TrimSuffix(text, "\f"), "\f")
}

func TestBookletIsAPDFAndTheSameInputGivesTheSameBytes(t *testing.T) {
	a := renderPDF(t, sample(t, "fr"))
	if !bytes.HasPrefix(a, []byte("%PDF-")) {
		t.Fatalf("no PDF header: %q", a[:min(len(a), 16)])
	}
	if !bytes.Contains(a[len(a)-64:], []byte("%%EOF")) {
		t.Error("no end-of-file marker")
	}
	// Two logos have the same width: fpdf would order them at random.
	if b := renderPDF(t, sample(t, "fr")); !bytes.Equal(a, b) {
		t.Fatalf("a second render differs from the first (%d vs %d bytes)", len(b), len(a))
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20260314103000)")) {
		t.Error("creation date is not the booklet's date in Paris time")
	}
}

func TestBookletTextHasNamesTOCIndexesAndExpiry(t *testing.T) {
	tests := []struct {
		lang string
		want []string
		not  []string
	}{
		{"fr", []string{
			"Sommaire", "Index des briques technologiques", "Index des certifications",
			"valable jusqu'au 30/06/2027", "expirée", "Secteurs :", "Page 3 sur ", "7 organisations",
			"Édité le 14/03/2026", "Sélection : stérilisation · Auvergne-Rhône-Alpes",
		}, []string{"Contents", "Index by", "valid until", "Page 3 of"}},
		{"en", []string{
			"Contents", "Index by technology brick", "Index by certification",
			"valid until 30 Jun 2027", "expired", "Sectors:", "Page 3 of ", "7 organisations",
			"Published 14 Mar 2026", "Selection: stérilisation",
		}, []string{"Sommaire", "Index des", "valable jusqu", "expirée"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			text := pdfText(t, renderPDF(t, sample(t, tt.lang)))
			common := []string{
				"Pôle Santé Rhône-Alpes", "Sous-traitants medtech",
				"Biomécanique Œuvre & Cie", "Ελληνική Ιατρική", "Медицина", "1 500 €",
				"Hôpital Universitaire Nord", "ISO 13485",
			}
			for _, s := range append(common, tt.want...) {
				if !strings.Contains(text, s) {
					t.Errorf("text lacks %q", s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(text, s) {
					t.Errorf("text has %q, from the other language", s)
				}
			}
		})
	}
}

// many repeats the sample's profiles under distinct names up to n.
func many(t testing.TB, lang string, n int) Booklet {
	bk := sample(t, lang)
	base := bk.Profiles
	bk.Profiles = nil
	for i := range n {
		p := base[i%len(base)]
		p.Name = fmt.Sprintf("%s %d", cleanProfile(p).Name, i+1)
		bk.Profiles = append(bk.Profiles, p)
	}
	return bk
}

// TestTableOfContentsGivesThePagesWhereThingsAre checks each line of the
// contents against the page its profile or index really is on, with
// contents of one page and of several.
func TestTableOfContentsGivesThePagesWhereThingsAre(t *testing.T) {
	tests := []struct {
		name     string
		booklet  Booklet
		tocPages int
	}{
		{"seven profiles", sample(t, "en"), 1},
		{"sixty profiles", many(t, "en", 60), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := newDoc(tt.booklet)
			if err != nil {
				t.Fatal(err)
			}
			d.plan()
			if d.tocPages != tt.tocPages {
				t.Errorf("%d pages of contents, want %d", d.tocPages, tt.tocPages)
			}
			pg := pages(pdfText(t, renderPDF(t, tt.booklet)))
			if len(pg) != d.pages {
				t.Fatalf("the PDF has %d pages, the plan %d", len(pg), d.pages)
			}
			// Where each heading is, after the contents (pages count from 1).
			where := map[string]int{}
			for i := 1 + d.tocPages; i < len(pg); i++ {
				for _, l := range strings.Split(pg[i], "\n") {
					if l = strings.TrimSpace(l); l != "" {
						if _, ok := where[l]; !ok {
							where[l] = i + 1
						}
					}
				}
			}
			// What the contents say, from "Name   12" lines.
			says := map[string]string{}
			for _, p := range pg[1 : 1+d.tocPages] {
				for _, l := range strings.Split(p, "\n") {
					if f := strings.Fields(l); len(f) > 1 {
						says[strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(l), f[len(f)-1]))] = f[len(f)-1]
					}
				}
			}
			entries := []string{"Index by technology brick", "Index by certification"}
			for _, p := range tt.booklet.Profiles {
				entries = append(entries, cleanProfile(p).Name)
			}
			for _, e := range entries {
				page, ok := where[e]
				if !ok {
					t.Errorf("%q is on no page", e)
					continue
				}
				if got := says[e]; got != fmt.Sprint(page) {
					t.Errorf("contents give %q page %q, it is on page %d", e, got, page)
				}
			}
			// Two profiles a page, in order, right after the contents.
			for i, p := range tt.booklet.Profiles {
				if got, want := where[cleanProfile(p).Name], 2+d.tocPages+i/2; got != want {
					t.Errorf("profile %d is on page %d, want %d", i, got, want)
				}
			}
		})
	}
}

func TestIndexesListOrganisationsWithTheirPages(t *testing.T) {
	pg := pages(pdfText(t, renderPDF(t, sample(t, "fr"))))
	bricks, certs := pg[len(pg)-2], pg[len(pg)-1]
	for _, want := range []string{"Stérilisation", "Biomécanique Œuvre & Cie", "Медицина", "Usinage 5 axes", "Imagerie"} {
		if !strings.Contains(bricks, want) {
			t.Errorf("brick index lacks %q", want)
		}
	}
	// The expired ISO 9001 is not indexed; the valid ISO 13485 lists both holders.
	if strings.Contains(certs, "ISO 9001") {
		t.Error("an expired certification is in the index")
	}
	for _, want := range []string{"ISO 13485", "ISO 27001", "COFRAC", "Медицина"} {
		if !strings.Contains(certs, want) {
			t.Errorf("certification index lacks %q", want)
		}
	}
	// Sorted accents aside: "Essais mécaniques" < "Imagerie" < "Stérilisation" < "Usinage".
	order := []string{"Biocompatibilité", "Essais mécaniques", "Imagerie", "Intelligence artificielle", "Investigation clinique", "Stérilisation", "Usinage 5 axes"}
	last := -1
	for _, s := range order {
		i := strings.Index(bricks, s)
		if i < last {
			t.Errorf("%q is out of order in the brick index", s)
		}
		last = i
	}
}

// checkFits fails when a line of pl overflows its width or the lines
// overflow half a page, and returns the profile's text.
func checkFits(t *testing.T, d *doc, pl planned) string {
	t.Helper()
	h, text := 0.0, ""
	for _, l := range pl.lines {
		h += l.gap + l.height
		for _, r := range l.runs {
			if w := d.measurer(r.face)(r.text); r.x+w > l.room+0.01 {
				t.Errorf("run %q is %.1f mm wide from %.1f, room %.1f", r.text, w, r.x, l.room)
			}
			text += r.text + " "
		}
		text += "\n"
	}
	if h > halfH {
		t.Errorf("profile is %.1f mm high, half a page is %.1f", h, halfH)
	}
	return text
}

func TestLongTextsAreClampedWithAnEllipsis(t *testing.T) {
	d, err := newDoc(sample(t, "fr"))
	if err != nil {
		t.Fatal(err)
	}
	d.plan()
	text := checkFits(t, d, d.profiles[3])
	if !strings.Contains(text, "implantables…") {
		t.Errorf("the long description is not clamped with an ellipsis:\n%s", text)
	}
	if !strings.Contains(text, "… et 2 autres") {
		t.Errorf("services beyond the fourth are not summed up:\n%s", text)
	}
	checkFits(t, d, d.profiles[4]) // a long word wraps instead of running off the page
	if text := checkFits(t, d, d.profiles[6]); !strings.Contains(text, "… et 1 autre") {
		t.Errorf("contacts beyond the third are not summed up:\n%s", text)
	}
}

func TestProfileTooLongForHalfAPageIsCutCleanly(t *testing.T) {
	long := strings.Repeat("Très long texte sans fin. ", 60)
	var labels []string
	for i := range 40 {
		labels = append(labels, fmt.Sprintf("Étiquette %d", i))
	}
	p := Profile{Name: strings.Repeat("Nom interminable ", 12), Kind: "PME", City: "Lyon", Region: "ARA",
		Logo: pngLogo(t, 40, 200, color.NRGBA{0, 0, 0, 255}), Website: "https://" + strings.Repeat("x", 300) + ".example",
		Description: long, Sectors: labels, Steps: labels, Bricks: labels}
	for range 9 {
		p.Services = append(p.Services, Service{Title: "Service", Description: long})
		p.Certifications = append(p.Certifications, Certification{Name: "ISO 13485", Scope: long, ValidUntil: until(2030, 1, 1)})
		p.Contacts = append(p.Contacts, Contact{Name: "Nom", Role: long})
	}
	d, err := newDoc(Booklet{Lang: "en", Profiles: []Profile{p}})
	if err != nil {
		t.Fatal(err)
	}
	d.plan()
	pl := d.profiles[0]
	text := checkFits(t, d, pl)
	last := pl.lines[len(pl.lines)-1]
	if last.keep {
		t.Error("the cut profile ends on a heading")
	}
	if r := last.runs[len(last.runs)-1]; !strings.HasSuffix(r.text, ellipsis) {
		t.Errorf("the cut profile's last line %q has no ellipsis", r.text)
	}
	if name := strings.TrimSpace(strings.Split(text, "\n")[1]); !strings.HasSuffix(name, ellipsis) {
		t.Errorf("a name longer than two lines is not clamped:\n%s", text)
	}
	// Beside a tall logo the header is narrower than the page.
	if pl.lines[0].room >= contentW {
		t.Error("the header does not leave room for the logo")
	}
	if renderPDF(t, Booklet{Profiles: []Profile{p}}) == nil {
		t.Error("no PDF")
	}
}

func TestFlowPlacesGroupsInColumnsAndPages(t *testing.T) {
	c := columns{n: 2, firstTop: 20, top: 10, end: 50, titleH: 5, entryH: 5, gap: 5}
	contd := func(s string) string { return s + " (cont.)" }
	entries := func(n int) []entry {
		es := make([]entry, n)
		for i := range es {
			es[i] = entry{text: fmt.Sprint(i), page: i + 1}
		}
		return es
	}
	type at struct {
		page, col int
		y         float64
		title     string
	}
	tests := []struct {
		name   string
		groups []group
		pages  int
		want   []at // the places of titles, in order
		last   at   // the place of the last item
	}{
		{"fits in one column", []group{{title: "A", entries: entries(2)}}, 1,
			[]at{{0, 0, 20, "A"}}, at{0, 0, 30, ""}},
		{"title kept with its first entry", []group{{title: "A", entries: entries(4)}, {title: "B", entries: entries(1)}}, 1,
			[]at{{0, 0, 20, "A"}, {0, 1, 20, "B"}}, at{0, 1, 25, ""}},
		{"a long group repeats its title", []group{{title: "A", entries: entries(8)}}, 1,
			[]at{{0, 0, 20, "A"}, {0, 1, 20, "A (cont.)"}}, at{0, 1, 35, ""}},
		{"later pages start higher", []group{{title: "A", entries: entries(16)}}, 2,
			[]at{{0, 0, 20, "A"}, {0, 1, 20, "A (cont.)"}, {1, 0, 10, "A (cont.)"}}, at{1, 0, 40, ""}},
		{"untitled group", []group{{entries: entries(1)}}, 1, nil, at{0, 0, 20, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, pages := flow(tt.groups, c, contd)
			if pages != tt.pages {
				t.Errorf("pages = %d, want %d", pages, tt.pages)
			}
			var titles []at
			for _, p := range out {
				if p.title != "" {
					titles = append(titles, at{p.page, p.col, p.y, p.title})
				}
				if p.y < c.top || p.y+c.entryH > c.end+1e-9 {
					t.Errorf("%+v is outside the column", p)
				}
			}
			if fmt.Sprint(titles) != fmt.Sprint(tt.want) {
				t.Errorf("titles at %v, want %v", titles, tt.want)
			}
			l := out[len(out)-1]
			if got := (at{l.page, l.col, l.y, l.title}); got != tt.last {
				t.Errorf("last item at %v, want %v", got, tt.last)
			}
		})
	}
}

func TestConcurrentWritesGiveTheSameBytes(t *testing.T) {
	want := renderPDF(t, sample(t, "en"))
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			var buf bytes.Buffer
			err := Write(&buf, sample(t, "en"))
			if err == nil && !bytes.Equal(buf.Bytes(), want) {
				err = fmt.Errorf("concurrent render differs")
			}
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestWriteReportsAFailingWriter(t *testing.T) {
	if err := Write(failingWriter{}, sample(t, "fr")); err == nil || !strings.Contains(err.Error(), "booklet: write") {
		t.Errorf("err = %v, want a wrapped write error", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestEmptySelectionIsACoverSayingSo(t *testing.T) {
	for _, tt := range []struct{ lang, want string }{
		{"fr", "Aucune organisation ne correspond à cette sélection."},
		{"en", "No organisation matches this selection."},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			pdf := renderPDF(t, Booklet{Lang: tt.lang, ClusterName: "Pôle", Generated: generated})
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatal("no PDF header")
			}
			text := pdfText(t, pdf)
			if n := len(pages(text)); n != 1 {
				t.Errorf("%d pages, want the cover only", n)
			}
			def := map[string]string{"fr": "Livret des compétences", "en": "Competencies booklet"}[tt.lang]
			for _, s := range []string{tt.want, def, "Pôle"} {
				if !strings.Contains(text, s) {
					t.Errorf("cover lacks %q:\n%s", s, text)
				}
			}
		})
	}
}

func TestBadOrOddInputNeverFails(t *testing.T) {
	b := Booklet{Lang: "de", Profiles: []Profile{
		{Logo: []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0}},
		{Name: "😀 emoji \U0001F600 and 漢字", Description: strings.Repeat("x", 5000),
			Bricks: []string{"", " "}, Certifications: []Certification{{Name: ""}}},
	}}
	pdf := renderPDF(t, b)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("no PDF header")
	}
}

func TestSanitizeAndDates(t *testing.T) {
	tests := []struct{ in, oneLine, text string }{
		{"a\x00b\x07c", "abc", "abc"},
		{"  a \t b  ", "a b", "a b"},
		{"a\r\nb\n\n\n\nc", "a b c", "a\nb\n\nc"},
		{"zero\u200bwidth\u202e", "zerowidth", "zerowidth"},
		{"Œuvre € Ελλάδα Москва", "Œuvre € Ελλάδα Москва", "Œuvre € Ελλάδα Москва"},
		{"emoji 😀", "emoji ?", "emoji ?"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.oneLine {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.oneLine)
		}
		if got := cleanText(tt.in); got != tt.text {
			t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.text)
		}
	}
	// 30 June at UTC midnight is 30 June in Paris.
	if got := formatDate("fr", until(2027, 6, 30)); got != "30/06/2027" {
		t.Errorf("fr date %q", got)
	}
	if got := formatDate("en", until(2027, 6, 30)); got != "30 Jun 2027" {
		t.Errorf("en date %q", got)
	}
	// 23:30 UTC on 31 December is already New Year's Day in Paris.
	if got := formatDate("fr", time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)); got != "01/01/2027" {
		t.Errorf("Paris date %q", got)
	}
}

func TestLogosWithTheSameWidthGetDistinctWidths(t *testing.T) {
	s := newLogoSet()
	a := s.add(pngLogo(t, 100, 50, color.NRGBA{255, 0, 0, 255}))
	b := s.add(pngLogo(t, 100, 50, color.NRGBA{0, 0, 255, 255}))
	again := s.add(pngLogo(t, 100, 50, color.NRGBA{255, 0, 0, 255}))
	big := s.add(pngLogo(t, 800, 200, color.NRGBA{0, 128, 0, 255}))
	if a == nil || b == nil || big == nil {
		t.Fatal("a valid logo was refused")
	}
	if a.w == b.w {
		t.Errorf("two different logos share width %d", a.w)
	}
	if again != a {
		t.Error("the same logo twice is stored twice")
	}
	if big.w > logoMaxW || big.h > logoMaxH || big.w != 480 || big.h != 120 {
		t.Errorf("big logo scaled to %d×%d", big.w, big.h)
	}
	if s.add([]byte("GIF89a")) != nil || s.add(nil) != nil {
		t.Error("a bad logo was accepted")
	}
}

func BenchmarkWrite100Profiles(b *testing.B) {
	base := sample(b, "fr").Profiles
	bk := sample(b, "fr")
	bk.Profiles = nil
	for i := range 100 {
		p := base[i%len(base)]
		p.Name = fmt.Sprintf("%s %d", p.Name, i)
		if i%3 == 0 {
			p.Logo = pngLogo(b, 100+i, 60, color.NRGBA{uint8(i), 80, 160, 255})
		}
		bk.Profiles = append(bk.Profiles, p)
	}
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := Write(&buf, bk); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
	b.ReportMetric(float64(size)/1024, "KiB")
}

func TestClampedParagraphsEndOnTextWithAnEllipsis(t *testing.T) {
	d, err := newDoc(Booklet{})
	if err != nil {
		t.Fatal(err)
	}
	b := &block{d: d}
	b.add([]span{{text: cleanText("p0\np1\n\np2\n\np3\n\np4"), face: body}}, contentW, 0, 0, lineH, 7, false)
	last := b.lines[len(b.lines)-1]
	if len(b.lines) != 6 || len(last.runs) != 1 || last.runs[0].text != "p3…" {
		t.Errorf("%d lines, the last %+v; want six ending with p3…", len(b.lines), last.runs)
	}
}
