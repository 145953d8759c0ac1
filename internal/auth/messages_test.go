package auth_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"filiere/internal/auth"
	"filiere/internal/i18n"
)

// TestEveryMessageKeyTheCodeReturnsIsInAuthJSON scans the package's source
// for "auth.*" literals, so that no key reaches a user untranslated.
func TestEveryMessageKeyTheCodeReturnsIsInAuthJSON(t *testing.T) {
	catalog := authCatalog(t)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"(auth\.[a-z_.]*[a-z_])"`)
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
			used[m[1]] = true
		}
	}
	for _, r := range auth.Roles {
		used[r.MessageKey()] = true
	}
	if len(used) < 20 {
		t.Fatalf("found only %d keys in the source: the scan is broken", len(used))
	}
	for k := range used {
		if _, ok := catalog[k]; !ok {
			t.Errorf("%s is used but not in auth.json", k)
		}
		if !i18n.Has(k) {
			t.Errorf("%s is not in the embedded catalogs", k)
		}
	}
	for k, v := range catalog {
		if !strings.HasPrefix(k, "auth.") {
			t.Errorf("auth.json holds %s, outside the auth. namespace", k)
		}
		if v["fr"] == v["en"] && k != "auth.role.expert" {
			t.Errorf("%s: the French text is the English one", k)
		}
	}
}

func TestThrottledMessageFormatsTheMinutes(t *testing.T) {
	if got := i18n.T("fr", "auth.throttled", 7); got != "Trop de tentatives. Réessayez dans 7 min." {
		t.Errorf("fr: %q", got)
	}
	if got := i18n.T("en", "auth.reset_mail.body", "Alex", "http://x/reset/t", 60); !strings.Contains(got, "Hello Alex,") || !strings.Contains(got, "\nhttp://x/reset/t\n") || !strings.Contains(got, "60 minutes") {
		t.Errorf("en body: %q", got)
	}
}
