package events_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/events"
	"filiere/internal/pdffont/pdftest"
)

// pdfText extracts the text of a PDF.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return pdftest.Text(t, pdf)
}

func TestBadgesAreEightAnA4PageWithAccentsAndCategories(t *testing.T) {
	sheet := events.BadgeSheet{Lang: "fr", Event: "Congrès Santé & Innovation", When: "mardi 17 mars 2026, 09:00 – 18:00"}
	sheet.Badges = append(sheet.Badges,
		events.Badge{Name: "Jérôme Lefèvre", Organisation: "Hôpital Saint-Éloi", Category: events.CategorySpeaker},
		events.Badge{Name: "Zoë Brontë", Organisation: "Cardiolys", Category: events.CategoryExhibitor},
		events.Badge{Name: "Marie-Églantine de La Tour-Fontaine-Montmorency-Laval", Organisation: "Centre hospitalier universitaire de Besançon, pôle recherche clinique et innovation", Category: events.CategoryStaff},
	)
	for i := range 6 {
		sheet.Badges = append(sheet.Badges, events.Badge{Name: fmt.Sprintf("Participant %d", i+1), Category: events.CategoryParticipant})
	}
	var a, b bytes.Buffer
	if err := events.WriteBadges(&a, sheet); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", a.Bytes()[:min(16, a.Len())])
	}
	if err := events.WriteBadges(&b, sheet); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("the same badges gave different bytes (%v)", err)
	}
	text := pdfText(t, a.Bytes())
	pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
	if len(pages) != 2 {
		t.Errorf("%d pages, want 2", len(pages))
	}
	for _, want := range []string{"Jérôme Lefèvre", "Hôpital Saint-Éloi", "Zoë Brontë", "INTERVENANT", "EXPOSANT", "ORGANISATION", "PARTICIPANT",
		"Congrès Santé & Innovation", "Marie-Églantine", "…"} {
		if !strings.Contains(pages[0], want) {
			t.Errorf("page 1 lacks %q:\n%s", want, pages[0])
		}
	}
	if !strings.Contains(pages[1], "Participant 6") {
		t.Errorf("page 2:\n%s", pages[1])
	}
}

func TestBadgeCategoriesFollowTheAgendaAndExhibitors(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.Type = events.TypeCongress
		e := c.published(in)
		if _, err := c.ev.AddSession(ctx, e.ID, events.SessionInput{Title: "Keynote", Start: mar17(14, 0), End: mar17(15, 0),
			Speakers: []events.Speaker{{Name: "Élise Durand", Organisation: "CHU de Dijon"}}}); err != nil {
			t.Fatal(err)
		}
		if err := c.ev.SetExhibitor(ctx, e.ID, c.startup.ID, "B12"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			reg  func() (events.Registration, error)
			name string
			cat  string
		}{
			{func() (events.Registration, error) { return c.ev.Register(ctx, &c.member, e.ID, events.Registrant{}) }, "Jane Doe", events.CategoryExhibitor},
			{func() (events.Registration, error) { return c.ev.Register(ctx, &c.staff, e.ID, events.Registrant{}) }, "Camille Martin", events.CategoryStaff},
			{func() (events.Registration, error) {
				return c.ev.Register(ctx, &c.nonMember, e.ID, events.Registrant{})
			}, "Paul Achat", events.CategoryParticipant},
			{func() (events.Registration, error) {
				return c.ev.AddRegistration(ctx, e.ID, events.StaffRegistration{Registrant: events.Registrant{Name: "ELISE durand", Email: "ed@chu.example"}})
			}, "ELISE durand", events.CategorySpeaker},
		} {
			r, err := tc.reg()
			if err != nil {
				t.Fatal(err)
			}
			if r.Category != tc.cat {
				t.Errorf("%s: category %s, want %s", tc.name, r.Category, tc.cat)
			}
		}
		var buf bytes.Buffer
		if err := c.ev.Badges(ctx, &buf, e.ID, "en", nil); err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, buf.Bytes())
		for _, s := range []string{"Camille Martin", "ELISE durand", "Jane Doe", "Paul Achat", "Cardiolys", "Medtech committee", "SPEAKER", "EXHIBITOR"} {
			if !strings.Contains(text, s) {
				t.Errorf("badges lack %q:\n%s", s, text)
			}
		}
		buf.Reset()
		r, err := c.ev.RegistrationOf(ctx, &c.nonMember, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.ev.Badges(ctx, &buf, e.ID, "fr", []int64{r.ID}); err != nil {
			t.Fatal(err)
		}
		if text := pdfText(t, buf.Bytes()); !strings.Contains(text, "Paul Achat") || strings.Contains(text, "Jane Doe") {
			t.Errorf("one badge:\n%s", text)
		}
	})
}
