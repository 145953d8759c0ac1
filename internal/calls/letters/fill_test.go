package letters_test

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"filiere/internal/calls/letters"
	"filiere/internal/i18n"
)

func TestFillReplacesKnownAndRepeatedPlaceholders(t *testing.T) {
	got, err := letters.Fill("{{project}} ({{ acronym }}) — {{project}}, }} {{lead}}", map[string]string{
		"project": "Capteur connecté", "acronym": "CARDIO", "lead": "{{project}}",
	})
	if err != nil {
		t.Fatal(err)
	}
	// Values go in as they are: a value that looks like a placeholder is not filled in turn.
	if want := "Capteur connecté (CARDIO) — Capteur connecté, }} {{project}}"; got != want {
		t.Errorf("Fill = %q, want %q", got, want)
	}
	if got, err := letters.Fill("no placeholder", nil); err != nil || got != "no placeholder" {
		t.Errorf("Fill plain = %q, %v", got, err)
	}
}

func TestFillListsEveryUnknownPlaceholderOnce(t *testing.T) {
	_, err := letters.Fill("{{project}} {{budget}} {{ Projet }} {{budget}}", map[string]string{"project": "x"})
	var fe *letters.FillError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a *FillError", err)
	}
	if want := []string{"budget", "Projet"}; !slices.Equal(fe.Unknown, want) || len(fe.Unclosed) != 0 {
		t.Errorf("unknown %q unclosed %q, want %q", fe.Unknown, fe.Unclosed, want)
	}
	errs := fe.Errors("body")
	if len(errs) != 1 || errs[0].Field != "body" || errs[0].Key != "letters.fill.unknown" || !i18n.Has(errs[0].Key) {
		t.Fatalf("field errors %+v", errs)
	}
	if msg := i18n.T("fr", errs[0].Key, errs[0].Args...); !strings.Contains(msg, "{{budget}}, {{Projet}}") {
		t.Errorf("message %q", msg)
	}
}

func TestFillReportsUnclosedPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		tmpl     string
		unclosed []string
		unknown  []string
	}{
		{"Le projet {{project est soutenu", []string{"{{project est"}, nil},
		{"{{project\n}} suite", []string{"{{project"}, nil},
		{"{{project {{acronym}} {{lead", []string{"{{project", "{{lead"}, nil},
		{"{{oops}} et {{call", []string{"{{call"}, []string{"oops"}},
	} {
		_, err := letters.Fill(tc.tmpl, map[string]string{"project": "P", "acronym": "A", "lead": "L", "call": "C"})
		var fe *letters.FillError
		if !errors.As(err, &fe) {
			t.Errorf("%q: err = %v, want a *FillError", tc.tmpl, err)
			continue
		}
		if !slices.Equal(fe.Unclosed, tc.unclosed) || !slices.Equal(fe.Unknown, tc.unknown) {
			t.Errorf("%q: unclosed %q unknown %q, want %q and %q", tc.tmpl, fe.Unclosed, fe.Unknown, tc.unclosed, tc.unknown)
		}
		for _, e := range fe.Errors("body") {
			if !i18n.Has(e.Key) {
				t.Errorf("key %s is not in the catalog", e.Key)
			}
		}
	}
}

func TestDefaultSupportLettersUseOnlyTheDomainsPlaceholders(t *testing.T) {
	used := regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)
	for _, lang := range []string{"fr", "en"} {
		tmpl := letters.DefaultSupportLetter(lang)
		if err := letters.Check(tmpl); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
		seen := map[string]bool{}
		for _, m := range used.FindAllStringSubmatch(tmpl, -1) {
			seen[m[1]] = true
		}
		for _, p := range letters.Placeholders {
			if !seen[p] {
				t.Errorf("%s: the default letter does not use {{%s}}", lang, p)
			}
		}
		if !strings.Contains(tmpl, "\n\n") {
			t.Errorf("%s: no paragraphs:\n%s", lang, tmpl)
		}
	}
	if fr, en := letters.DefaultSupportLetter("fr"), letters.DefaultSupportLetter("en"); fr == en || !strings.Contains(fr, "Madame, Monsieur") || !strings.Contains(en, "Dear") {
		t.Error("the default letters are not in French and English")
	}
	if err := letters.Check("{{project}} {{budget}}"); err == nil {
		t.Error("Check accepted {{budget}}")
	}
}

func TestDatesArePrintedInParisInTheDocumentsLanguage(t *testing.T) {
	lateUTC := time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC) // already 1 March in Paris
	for _, tc := range []struct {
		lang string
		t    time.Time
		want string
	}{
		{"fr", day(2026, 3, 3), "3 mars 2026"},
		{"en", day(2026, 3, 3), "3 March 2026"},
		{"fr", lateUTC, "1er mars 2026"},
		{"en", lateUTC, "1 March 2026"},
		{"xx", day(2026, 8, 15), "15 août 2026"},
	} {
		if got := letters.Date(tc.lang, tc.t); got != tc.want {
			t.Errorf("Date(%s, %v) = %q, want %q", tc.lang, tc.t, got, tc.want)
		}
	}
}
