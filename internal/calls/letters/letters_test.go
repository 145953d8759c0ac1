package letters_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"filiere/internal/calls/letters"
)

// supportVars are what the calls domain fills a support letter with.
var supportVars = map[string]string{
	"project": "Capteur cardiaque connecté", "acronym": "CARDIO-LINK", "lead": "Cardiolys SAS",
	"partners": "CHU de Lyon et INSA Lyon", "call": "Appel à projets 2026", "scheme": "i-Démo régionalisé",
	"session_date": "3 mars 2026", "date": "10 mars 2026",
}

func supportLetter(t *testing.T, lang, tmpl string) letters.SupportLetter {
	t.Helper()
	body, err := letters.Fill(tmpl, supportVars)
	if err != nil {
		t.Fatal(err)
	}
	return letters.SupportLetter{Lang: lang, Date: day(2026, 3, 10), Body: body, Reference: "AAP-2026-014",
		Recipient: []string{"Bpifrance", "Direction régionale", "69002 Lyon"}, Subject: "Soutien au projet CARDIO-LINK 中"}
}

func TestSupportLetterNamesTheProjectAndTheSignatory(t *testing.T) {
	lh := letterhead(t)
	l := supportLetter(t, "fr", letters.DefaultSupportLetter("fr"))
	pdf := render(t, func(b *bytes.Buffer) error { return letters.WriteSupportLetter(b, lh, l) })
	pages := pdfText(t, pdf)
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	contains(t, "the letter", pages[0], "Cluster Santé Innovation Rhône", "69003 Lyon", "Lyon, le 10 mars 2026",
		"Bpifrance", "Réf. : AAP-2026-014", "Objet : Soutien au projet CARDIO-LINK ?", // 中 is not in the fonts
		"Capteur cardiaque connecté (CARDIO-LINK)", "Cardiolys SAS", "i-Démo régionalisé", "séance du 3 mars 2026",
		"Madame, Monsieur,", "Hélène Mercier", "Présidente du cluster")
	if strings.Contains(pages[0], "Page 1") || strings.Contains(pages[0], "{{") {
		t.Errorf("a one-page letter is numbered, or a placeholder is left:\n%s", pages[0])
	}

	l = supportLetter(t, "en", letters.DefaultSupportLetter("en"))
	lh.Logo = []byte("not an image") // left out, never an error
	pages = pdfText(t, render(t, func(b *bytes.Buffer) error { return letters.WriteSupportLetter(b, lh, l) }))
	contains(t, "the English letter", pages[0], "Lyon, 10 March 2026", "Our ref.: AAP-2026-014", "Subject: ",
		"Dear Sir or Madam", "Capteur cardiaque connecté (CARDIO-LINK)", "Hélène Mercier")
}

func TestALongLetterContinuesOnNumberedPages(t *testing.T) {
	lh := letterhead(t)
	tmpl := letters.DefaultSupportLetter("fr")
	for i := range 12 {
		tmpl += fmt.Sprintf("\n\nParagraphe %d. %s", i+1, strings.Repeat("Le projet {{acronym}} mobilise des compétences rares. ", 8))
	}
	l := supportLetter(t, "fr", tmpl)
	pages := pdfText(t, render(t, func(b *bytes.Buffer) error { return letters.WriteSupportLetter(b, lh, l) }))
	if len(pages) < 2 {
		t.Fatalf("%d pages, want at least 2", len(pages))
	}
	n := len(pages)
	for i, p := range pages {
		contains(t, fmt.Sprintf("page %d", i+1), p, fmt.Sprintf("Page %d / %d", i+1, n))
	}
	contains(t, "the first page", pages[0], "Paragraphe 1.")
	contains(t, "the last page", pages[n-1], "Paragraphe 12.", "Hélène Mercier")
	if i := strings.Index(pages[n-1], "Hélène Mercier"); i < strings.Index(pages[n-1], "Paragraphe 12.") {
		t.Error("the signature is not after the body")
	}
}

// minutes is a long session: 40 applications, a recused expert every
// seventh, and a voucher ranking of 12 for 5 places.
func minutes(lang string) letters.Minutes {
	m := letters.Minutes{Lang: lang, Title: "Comité d'évaluation des projets — séance 4", Date: day(2026, 3, 3),
		Place: "Lyon, salle du conseil", Present: []string{"A. Dupont", "B. Martin", "C. Roux", "D. Petit", "E. Leroy", "F. Moreau", "G. Simon"},
		Absent: []string{"H. Laurent"}, Quorum: 5, QuorumMet: true, Notes: "La prochaine séance aura lieu en juin.\n\nLe comité remercie les porteurs."}
	for i := range 40 {
		it := letters.MinutesItem{Reference: fmt.Sprintf("AAP26-%03d", i+1), Title: fmt.Sprintf("Projet %d : %s", i+1, strings.Repeat("dispositif médical innovant ", i%4+1)),
			Lead: fmt.Sprintf("Société %d", i+1), Score: fmt.Sprintf("%d,5 / 20", 10+i%10), Decision: "Labellisé",
			Comment: strings.Repeat("Le comité salue la qualité du consortium. ", i%3)}
		if i%7 == 0 {
			it.Recused = []string{fmt.Sprintf("Expert%d Roux", i+1)}
		}
		m.Items = append(m.Items, it)
	}
	m.Ranking = &letters.Ranking{Available: 5, TieRule: "à note égale, la date de dépôt"}
	for i := range 12 {
		m.Ranking.Rows = append(m.Ranking.Rows, letters.RankRow{Rank: i + 1, Reference: fmt.Sprintf("CHQ-%02d", i+1),
			Title: fmt.Sprintf("Chèque innovation %d", i+1), Lead: fmt.Sprintf("PME %d", i+1), Score: fmt.Sprint(18 - i), Selected: i < 5})
	}
	return m
}

func TestMinutesListRecusalsAndTheVoucherCutOff(t *testing.T) {
	lh := letterhead(t)
	m := minutes("fr")
	pdf := render(t, func(b *bytes.Buffer) error { return letters.WriteMinutes(b, lh, m) })
	if len(pdf) > 200<<10 {
		t.Errorf("40-item minutes weigh %d bytes, want under 200 KB", len(pdf))
	}
	pages := pdfText(t, pdf)
	if len(pages) < 3 {
		t.Fatalf("%d pages, want the 40 items to run over several", len(pages))
	}
	all := strings.Join(pages, "\n")
	contains(t, "the minutes", all, "Comité d'évaluation des projets — séance 4", "Date : 3 mars 2026", "Lieu : Lyon, salle du conseil",
		"Présents : A. Dupont, B. Martin", "Absents excusés : H. Laurent", "Quorum : 5 membres requis, 7 présents — le quorum est atteint.",
		"Porteur : Société 40", "Départage des ex æquo : à note égale, la date de dépôt", "Places disponibles : 5", "Observations", "Hélène Mercier")
	for i := 0; i < 40; i += 7 {
		contains(t, "the minutes", all, fmt.Sprintf("Déport (ont quitté la salle) : Expert%d Roux", i+1))
	}
	for i := range 40 {
		contains(t, "the minutes", all, fmt.Sprintf("AAP26-%03d", i+1))
	}
	// The table's header starts every page the items run onto.
	for i, p := range pages {
		if strings.Contains(p, "AAP26-") && !strings.Contains(p, "Réf. Projet Note Décision") {
			t.Errorf("page %d has items but no header:\n%s", i+1, p)
		}
		contains(t, fmt.Sprintf("page %d", i+1), p, fmt.Sprintf("Page %d / %d", i+1, len(pages)))
	}
	cut := strings.Index(all, "Limite des 5 places disponibles")
	if cut < 0 || strings.Count(all, "Limite des 5 places") != 1 {
		t.Fatalf("no single cut-off line:\n%s", all)
	}
	if fifth, sixth := strings.Index(all, "CHQ-05"), strings.Index(all, "CHQ-06"); !(fifth < cut && cut < sixth) {
		t.Errorf("the cut-off is not between the 5th (%d) and 6th (%d) rows (%d)", fifth, sixth, cut)
	}

	m = minutes("en")
	m.QuorumMet = false
	m.Ranking.Available = 20 // everyone fits: no line
	all = strings.Join(pdfText(t, render(t, func(b *bytes.Buffer) error { return letters.WriteMinutes(b, lh, m) })), "\n")
	contains(t, "the English minutes", all, "Date: 3 March 2026", "Present: A. Dupont", "the quorum is not met", "Recused (left the room): Expert1 Roux",
		"Ref. Project Score Decision", "Rank Ref. Project Score Selected")
	if strings.Contains(all, "Cut-off") {
		t.Error("a cut-off line with places for every application")
	}
	m.Ranking.Available = 3
	all = strings.Join(pdfText(t, render(t, func(b *bytes.Buffer) error { return letters.WriteMinutes(b, lh, m) })), "\n")
	if cut := strings.Index(all, "Cut-off: 3 places available"); cut < strings.Index(all, "CHQ-03") || cut > strings.Index(all, "CHQ-04") {
		t.Errorf("the English cut-off is not after the third row:\n%s", all)
	}
}

func TestCertificateShowsItsValidityInFrenchAndEnglish(t *testing.T) {
	lh := letterhead(t)
	c := letters.Certificate{Lang: "fr", Holder: "Cardiolys SAS", Title: "Formation aux dispositifs médicaux connectés",
		Label: "Label Santé Innovation", Number: "LBL-2026-007", ValidFrom: day(2026, 3, 1), ValidUntil: day(2029, 3, 2)}
	pages := pdfText(t, render(t, func(b *bytes.Buffer) error { return letters.WriteCertificate(b, lh, c) }))
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	contains(t, "the certificate", pages[0], "CERTIFICAT DE LABELLISATION", "Cluster Santé Innovation Rhône atteste que", "Cardiolys SAS",
		"a obtenu le label", "Label Santé Innovation", "Formation aux dispositifs médicaux connectés", "Certificat n° LBL-2026-007",
		"Délivré le 1er mars 2026", "Valable jusqu'au 2 mars 2029", "Lyon, le 1er mars 2026", "Hélène Mercier")

	c.Lang = "en"
	pages = pdfText(t, render(t, func(b *bytes.Buffer) error { return letters.WriteCertificate(b, lh, c) }))
	contains(t, "the English certificate", pages[0], "LABEL CERTIFICATE", "has been awarded the label", "Certificate no. LBL-2026-007",
		"Issued on 1 March 2026", "Valid until 2 March 2029", "Lyon, 1 March 2026")

	c.ValidUntil = time.Time{}
	pages = pdfText(t, render(t, func(b *bytes.Buffer) error { return letters.WriteCertificate(b, lh, c) }))
	contains(t, "a certificate without expiry", pages[0], "No expiry date")
	if strings.Contains(pages[0], "Valid until") {
		t.Errorf("a certificate without expiry has an end:\n%s", pages[0])
	}
}

func TestCatalogueListsItsEntriesOverSeveralPages(t *testing.T) {
	lh := letterhead(t)
	c := letters.Catalogue{Lang: "fr", Title: "Formations labellisées 2026", Intro: "Le cluster labellise des formations.\n\nElles sont listées ci-dessous."}
	for i := range 30 {
		c.Entries = append(c.Entries, letters.CatalogueEntry{Title: fmt.Sprintf("Formation %02d", i+1), Holder: fmt.Sprintf("Organisme %d", i+1), Place: "Lyon",
			Description: strings.Repeat("Une formation pour les ingénieurs biomédicaux. ", 4+i%6), Website: fmt.Sprintf("www.formation%d.example", i+1),
			ValidUntil: day(2027, 6, 30)})
	}
	c.Entries[29].ValidUntil = time.Time{}
	pages := pdfText(t, render(t, func(b *bytes.Buffer) error { return letters.WriteCatalogue(b, lh, c) }))
	if len(pages) < 3 {
		t.Fatalf("%d pages, want the 30 entries over several", len(pages))
	}
	contains(t, "the first page", pages[0], "Formations labellisées 2026", "30 labels en cours", "Elles sont listées ci-dessous.")
	all := strings.Join(pages, "\n")
	last := -1
	for i, e := range c.Entries {
		at := strings.Index(all, e.Title)
		if at < last {
			t.Errorf("%s is missing or out of order", e.Title)
		}
		last = at
		// An entry is kept on one page: its title, holder and site together.
		for _, p := range pages {
			if strings.Contains(p, e.Title) {
				contains(t, e.Title+"'s page", p, fmt.Sprintf("Organisme %d · Lyon", i+1), e.Website)
			}
		}
	}
	if n := strings.Count(all, "Valable jusqu'au 30 juin 2027"); n != 29 {
		t.Errorf("%d validity lines, want 29", n)
	}
	for i, p := range pages {
		contains(t, fmt.Sprintf("page %d", i+1), p, fmt.Sprintf("Page %d / %d", i+1, len(pages)))
		if i > 0 {
			contains(t, fmt.Sprintf("page %d", i+1), p, "Cluster Santé Innovation Rhône — Formations labellisées 2026")
		}
	}

	empty := letters.Catalogue{Lang: "en", Title: "Labelled trainings"}
	pages = pdfText(t, render(t, func(b *bytes.Buffer) error { return letters.WriteCatalogue(b, lh, empty) }))
	contains(t, "an empty catalogue", pages[0], "Labelled trainings", "0 current labels", "No current label.")
}

func TestAnItemLongerThanAPageContinuesOnTheNext(t *testing.T) {
	m := letters.Minutes{Lang: "fr", Title: "Séance", Items: []letters.MinutesItem{
		{Reference: "AAP26-001", Title: "Court", Decision: "Ajourné"},
		{Reference: "AAP26-002", Title: "Très long", Decision: "Labellisé", Comment: strings.Repeat("Un long commentaire du comité. ", 400) + "FIN-DU-COMMENTAIRE"},
		{Reference: "AAP26-003", Title: "Après", Decision: "Rejeté"},
	}}
	pages := pdfText(t, render(t, func(b *bytes.Buffer) error { return letters.WriteMinutes(b, letterhead(t), m) }))
	if len(pages) < 3 {
		t.Fatalf("%d pages, want the comment over at least 3", len(pages))
	}
	all := strings.Join(pages, "\n")
	if a, b, c := strings.Index(all, "AAP26-002"), strings.Index(all, "FIN-DU-COMMENTAIRE"), strings.Index(all, "AAP26-003"); !(0 <= a && a < b && b < c) {
		t.Errorf("the long comment is cut or out of order (%d, %d, %d)", a, b, c)
	}
	if n := strings.Count(all, "Un long commentaire du comité."); n != 400 {
		t.Errorf("%d sentences of the comment printed, want 400", n)
	}
	for i, p := range pages[1:] {
		contains(t, fmt.Sprintf("page %d", i+2), p, "Réf. Projet Note Décision")
	}
}

func TestEmptyDocumentsStillRender(t *testing.T) {
	var lh letters.Letterhead
	for name, write := range map[string]func(*bytes.Buffer) error{
		"letter": func(b *bytes.Buffer) error { return letters.WriteSupportLetter(b, lh, letters.SupportLetter{}) },
		"minutes": func(b *bytes.Buffer) error {
			return letters.WriteMinutes(b, lh, letters.Minutes{Ranking: &letters.Ranking{}})
		},
		"certificate": func(b *bytes.Buffer) error { return letters.WriteCertificate(b, lh, letters.Certificate{}) },
		"catalogue":   func(b *bytes.Buffer) error { return letters.WriteCatalogue(b, lh, letters.Catalogue{}) },
	} {
		t.Run(name, func(t *testing.T) {
			pages := pdfText(t, render(t, write))
			if len(pages) != 1 {
				t.Errorf("%d pages, want 1", len(pages))
			}
		})
	}
}
