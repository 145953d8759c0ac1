package events_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"filiere/internal/events"
	"filiere/internal/i18n"
)

// TestEveryMessageKeyTheCodeUsesIsInEventsJSON scans the package's source
// for "events.*" literals and adds the keys built from the lists, so that
// no key reaches a user untranslated.
func TestEveryMessageKeyTheCodeUsesIsInEventsJSON(t *testing.T) {
	raw, err := os.ReadFile("../i18n/messages/events.json")
	if err != nil {
		t.Fatal(err)
	}
	var catalog map[string]map[string]string
	if err := json.Unmarshal(raw, &catalog); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"(events\.[a-z_.]*[a-z_])"`)
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			if _, prefix := catalog[m[1]+".subject"]; !prefix { // a mail's key prefix
				used[m[1]] = true
			}
		}
	}
	for _, mail := range []string{"confirm", "confirmed", "waiting", "promoted", "cancelled_by_staff", "event_cancelled"} {
		for _, part := range []string{"subject", "body"} {
			used["events.mail."+mail+"."+part] = true
		}
	}
	for _, notice := range []string{"promoted", "cancelled_by_staff", "event_cancelled"} {
		used["events.mail."+notice+".notice"] = true
	}
	for _, list := range []struct {
		codes []string
		key   func(string) string
	}{{events.Types, events.TypeKey}, {events.Audiences, events.AudienceKey}, {events.Statuses, events.StatusKey},
		{events.Levels, events.LevelKey}, {events.RegistrationStatuses, events.RegistrationStatusKey},
		{events.Categories, events.CategoryKey}, {events.InvoiceStatuses, events.InvoiceKey}} {
		for _, c := range list.codes {
			used[list.key(c)] = true
		}
	}
	for i := range 7 {
		used["events.weekday."+string(rune('0'+i))] = true
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	for k := range used {
		if _, ok := catalog[k]; !ok {
			t.Errorf("%s is used but not in events.json", k)
		}
		if !i18n.Has(k) {
			t.Errorf("%s is not in the embedded catalogs", k)
		}
	}
	for k := range catalog {
		if !strings.HasPrefix(k, "events.") {
			t.Errorf("events.json holds %s, outside the events. namespace", k)
		}
	}
}

func TestDatesAndPricesAreWrittenOutInParisTimeAndEachLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang       string
		start, end time.Time
		want       string
	}{
		{"fr", mar17(14, 0), mar17(17, 30), "mardi 17 mars 2026, 14:00 – 17:30"},
		{"en", mar17(14, 0), mar17(17, 30), "Tuesday 17 March 2026, 14:00–17:30"},
		// Summer time from 29 March 2026: 07:00 UTC is 09:00 in Paris.
		{"fr", time.Date(2026, 3, 31, 7, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 16, 0, 0, 0, time.UTC),
			"du mardi 31 mars 2026, 09:00 au mercredi 1 avril 2026, 18:00"},
		// 23:30 UTC on 31 December is already New Year's Day in Paris.
		{"en", time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC), time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC), "Thursday 1 January 2026, 00:30–02:00"},
	} {
		if got := events.When(tc.lang, tc.start, tc.end); got != tc.want {
			t.Errorf("When(%s) = %q, want %q", tc.lang, got, tc.want)
		}
	}
	for _, tc := range []struct {
		lang  string
		cents int64
		want  string
	}{{"fr", 0, "0\u00a0€"}, {"fr", 125000, "1\u202f250\u00a0€"}, {"fr", 1250, "12,50\u00a0€"}, {"en", 125000, "€1,250"},
		{"en", 1234567, "€12,345.67"}, {"en", -500, "-€5"}} {
		if got := events.Price(tc.lang, tc.cents); got != tc.want {
			t.Errorf("Price(%s, %d) = %q, want %q", tc.lang, tc.cents, got, tc.want)
		}
	}
	at, err := events.ParseLocal("2026-07-14", "10:30")
	if err != nil || !at.Equal(time.Date(2026, 7, 14, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("ParseLocal = %v, %v", at, err)
	}
	if _, err := events.ParseLocal("14/07/2026", "10:30"); err == nil {
		t.Error("ParseLocal took a French date")
	}
}
