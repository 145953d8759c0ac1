package events_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/events"
)

func TestOneEventICSIsTheKnownOutput(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.DescriptionFR = "Réglementation MDR, retours d'expérience; questions et réécriture des dossiers.\nInscription obligatoire."
		e := c.published(in)
		got, err := c.ev.Event(ctx, nil, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Join([]string{
			"BEGIN:VCALENDAR",
			"VERSION:2.0",
			"PRODID:-//filiere//events//FR",
			"CALSCALE:GREGORIAN",
			"METHOD:PUBLISH",
			"BEGIN:VEVENT",
			fmt.Sprintf("UID:event-%d@filiere.example", e.ID),
			"DTSTAMP:20260302T090000Z",
			"DTSTART:20260317T130000Z",
			"DTEND:20260317T160000Z",
			"SEQUENCE:1",
			"LAST-MODIFIED:20260302T090000Z",
			"SUMMARY:Comité Medtech",
			`LOCATION:Maison de l'innovation\, 12 rue de la Paix\, Dijon`,
			fmt.Sprintf("URL:https://filiere.example/events/%d", e.ID),
			// 74 octets: the next "é" would straddle octet 75, so it starts the next line.
			`DESCRIPTION:Réglementation MDR\, retours d'expérience\; questions et ré`,
			` écriture des dossiers.\nInscription obligatoire.`,
			"STATUS:CONFIRMED",
			"END:VEVENT",
			"END:VCALENDAR",
		}, "\r\n") + "\r\n"
		if ics := string(c.ev.ICS(got, "fr")); ics != want {
			t.Errorf("got:\n%s\nwant:\n%s", ics, want)
		}
		en := string(c.ev.ICS(got, "en"))
		if !strings.Contains(en, "SUMMARY:Medtech committee\r\n") {
			t.Errorf("English ICS:\n%s", en)
		}
	})
}

func TestFeedHoldsPublicPublishedAndCancelledEventsOnly(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		open := c.published(input())
		in := input()
		in.TitleFR = "Webinaire annulé"
		cancelled := c.published(in)
		c.now = c.now.Add(time.Hour)
		if _, err := c.ev.CancelEvent(ctx, cancelled.ID, "Intervenant malade"); err != nil {
			t.Fatal(err)
		}
		in.TitleFR, in.Audience = "Réservé aux adhérents", events.AudienceMembers
		c.published(in)
		in.TitleFR, in.Audience = "Brouillon", events.AudiencePublic
		if _, err := c.ev.Create(ctx, in); err != nil {
			t.Fatal(err)
		}
		in.TitleFR = "Il y a un an"
		in.Start, in.End = in.Start.AddDate(-1, 0, 0), in.End.AddDate(-1, 0, 0)
		c.published(in)
		feed, err := c.ev.Feed(ctx, "fr")
		if err != nil {
			t.Fatal(err)
		}
		s := string(feed)
		if n := strings.Count(s, "BEGIN:VEVENT"); n != 2 {
			t.Errorf("%d events in the feed:\n%s", n, s)
		}
		for _, want := range []string{"X-WR-CALNAME:Agenda du pôle\r\n", fmt.Sprintf("UID:event-%d@filiere.example\r\n", open.ID),
			fmt.Sprintf("UID:event-%d@filiere.example\r\n", cancelled.ID), "SUMMARY:Webinaire annulé\r\n", "STATUS:CANCELLED\r\n",
			"SEQUENCE:2\r\n", "DTSTAMP:20260302T100000Z\r\n", "DESCRIPTION:Motif\u00a0: Intervenant malade\\n\\nRéglementation MDR"} {
			if !strings.Contains(s, want) {
				t.Errorf("feed lacks %q:\n%s", want, s)
			}
		}
		for _, absent := range []string{"Réservé aux adhérents", "Brouillon", "Il y a un an"} {
			if strings.Contains(s, absent) {
				t.Errorf("feed holds %q", absent)
			}
		}
		for _, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
			if len(line) > 75 || strings.Contains(line, "\n") {
				t.Errorf("bad line %q", line)
			}
		}
	})
}
