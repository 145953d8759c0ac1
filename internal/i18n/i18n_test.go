package i18n

import (
	"testing"
	"testing/fstest"
)

func TestEveryKeyHasFrenchAndEnglish(t *testing.T) {
	if len(Keys()) == 0 {
		t.Fatal("no messages loaded")
	}
	for _, k := range Keys() {
		if T("fr", k) == k || T("en", k) == k {
			t.Errorf("key %q does not translate", k)
		}
	}
}

func TestDuplicateOrHalfTranslatedKeysAreRejected(t *testing.T) {
	dup := fstest.MapFS{
		"messages/a.json": {Data: []byte(`{"x": {"fr": "a", "en": "a"}}`)},
		"messages/b.json": {Data: []byte(`{"x": {"fr": "b", "en": "b"}}`)},
	}
	if _, err := load(dup); err == nil {
		t.Error("duplicate key accepted")
	}
	half := fstest.MapFS{"messages/a.json": {Data: []byte(`{"x": {"fr": "a"}}`)}}
	if _, err := load(half); err == nil {
		t.Error("key without English accepted")
	}
}

func TestTFormatsArgumentsAndFallsBackToFrench(t *testing.T) {
	if got := T("en", "validate.too_long", 80); got != "This text is too long (at most 80 characters)." {
		t.Errorf("T en = %q", got)
	}
	if got := T("de", "validate.required"); got != "Ce champ est obligatoire." {
		t.Errorf("T de = %q", got)
	}
	if Lang("en") != "en" || Lang("xx") != "fr" {
		t.Error("Lang")
	}
}
