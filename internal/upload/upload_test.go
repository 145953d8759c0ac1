package upload

import "testing"

func TestFilenameKeepsTheLastElementWithoutControlsOrQuotes(t *testing.T) {
	for in, want := range map[string]string{
		"annexe.pdf":                      "annexe.pdf",
		`C:\Users\marie\Budget "v2".xlsx`: "Budget v2.xlsx",
		"../../etc/passwd":                "passwd",
		"rapport\r\nX-Injected: 1.pdf":    "rapportX-Injected: 1.pdf",
		"  espace .pdf  ":                 "espace .pdf",
		"":                                "",
		"/":                               "",
		".":                               "",
		"dossier/":                        "dossier",
		"\x00\x01":                        "",
	} {
		if got := Filename(in); got != want {
			t.Errorf("Filename(%q) = %q, want %q", in, got, want)
		}
	}
}
