package ics

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCalendarIsWrittenAsTheRFCSays(t *testing.T) {
	c := Calendar{Name: "Agenda du pôle", Events: []Event{{
		UID:         "event-42@filiere.example",
		Stamp:       time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC),
		Start:       time.Date(2026, 3, 17, 14, 0, 0, 0, time.FixedZone("CET", 3600)),
		End:         time.Date(2026, 3, 17, 16, 30, 0, 0, time.UTC),
		Summary:     `Comité Medtech, réglementation; MDR \ IVDR`,
		Location:    "Pôle Santé, 12 rue de la Paix, Dijon",
		URL:         "https://filiere.example/events/42",
		Description: "Ordre du jour :\r\n1. Accueil\n2. MDR",
		Status:      StatusConfirmed,
		Sequence:    2,
	}, {
		UID:     "event-43@filiere.example",
		Stamp:   time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		Start:   time.Date(2026, 4, 1, 7, 0, 0, 0, time.UTC),
		End:     time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC),
		Summary: "Webinaire",
		Status:  StatusCancelled,
	}}}
	want := strings.Join([]string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//filiere//events//FR",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		"X-WR-CALNAME:Agenda du pôle",
		"BEGIN:VEVENT",
		"UID:event-42@filiere.example",
		"DTSTAMP:20260301T083000Z",
		"DTSTART:20260317T130000Z",
		"DTEND:20260317T163000Z",
		"SEQUENCE:2",
		`SUMMARY:Comité Medtech\, réglementation\; MDR \\ IVDR`,
		`LOCATION:Pôle Santé\, 12 rue de la Paix\, Dijon`,
		"URL:https://filiere.example/events/42",
		`DESCRIPTION:Ordre du jour :\n1. Accueil\n2. MDR`,
		"STATUS:CONFIRMED",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:event-43@filiere.example",
		"DTSTAMP:20260302T000000Z",
		"DTSTART:20260401T070000Z",
		"DTEND:20260401T080000Z",
		"SUMMARY:Webinaire",
		"STATUS:CANCELLED",
		"END:VEVENT",
		"END:VCALENDAR",
	}, "\r\n") + "\r\n"
	if got := string(Marshal(c)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestLongLinesAreFoldedAt75OctetsBetweenRunes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SUMMARY:short", "SUMMARY:short"},
		// 12 + 62 octets: a 32nd "é" would end on octet 76.
		{"DESCRIPTION:" + strings.Repeat("é", 40), "DESCRIPTION:" + strings.Repeat("é", 31) + "\r\n " + strings.Repeat("é", 9)},
		// A 4-octet rune that would straddle octet 75 moves whole to the next line.
		{"SUMMARY:" + strings.Repeat("a", 66) + "😀b", "SUMMARY:" + strings.Repeat("a", 66) + "\r\n 😀b"},
		// Continuation lines hold 74 octets after their space.
		{strings.Repeat("x", 75+74+1), strings.Repeat("x", 75) + "\r\n " + strings.Repeat("x", 74) + "\r\n x"},
	} {
		if got := fold(c.in); got != c.want {
			t.Errorf("fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFoldingRandomTextKeepsEveryLineShortValidAndUnfoldsBack(t *testing.T) {
	alphabet := []rune("aé€😀 ,;\\中ß")
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		n := r.IntN(400)
		var b strings.Builder
		for range n {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		line := "DESCRIPTION:" + Text(b.String())
		folded := fold(line)
		for _, l := range strings.Split(folded, "\r\n") {
			if len(l) > 75 || !utf8.ValidString(l) {
				t.Fatalf("line of %d octets (valid UTF-8: %v): %q", len(l), utf8.ValidString(l), l)
			}
		}
		if back := strings.ReplaceAll(folded, "\r\n ", ""); back != line {
			t.Fatalf("unfolded %q, want %q", back, line)
		}
	}
}

func TestTextDropsControlCharactersAndURIKeepsOneLine(t *testing.T) {
	if got := Text("a\x00b\x1bc\td\re"); got != "abc\td\\ne" {
		t.Errorf("Text = %q", got)
	}
	if got := uri("https://x.example/a b\r\nX-EVIL:1"); got != "https://x.example/abX-EVIL:1" {
		t.Errorf("uri = %q", got)
	}
}
