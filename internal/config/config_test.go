package config

import (
	"flag"
	"os"
	"strings"
	"testing"
)

func TestFlagsOverrideEnvironmentOverrideDefaults(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	vals := Register(fs)
	if err := fs.Parse([]string{"--addr", "127.0.0.1:9999"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"FILIERE_ADDR": "0.0.0.0:1", "FILIERE_DATABASE_URL": "postgres://db/x", "FILIERE_LOG_FORMAT": "json"}
	c, err := Resolve(vals, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9999" || c.DatabaseURL != "postgres://db/x" || c.LogFormat != "json" || c.ClusterName != "filiere" {
		t.Fatalf("config = %+v", c)
	}
	if c.BaseURL != "http://127.0.0.1:9999" || c.SecureCookies() {
		t.Errorf("base url %q secure %v", c.BaseURL, c.SecureCookies())
	}
}

func TestBadValuesAreRefusedWithTheVariableName(t *testing.T) {
	for env, val := range map[string]string{
		"FILIERE_LOG_FORMAT":      "xml",
		"FILIERE_SESSION_IDLE":    "soon",
		"FILIERE_MAX_BODY_BYTES":  "-1",
		"FILIERE_BASE_URL":        "ftp://x",
		"FILIERE_TRUSTED_PROXIES": "10.0.0.0/8, nonsense",
	} {
		_, err := Resolve(nil, func(k string) string {
			if k == env {
				return val
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%s: err = %v", env, val, err)
		}
	}
}

func TestTrustedProxiesAcceptCIDRsAndPlainAddresses(t *testing.T) {
	c, err := Resolve(nil, func(k string) string {
		if k == "FILIERE_TRUSTED_PROXIES" {
			return "10.0.0.0/8, 192.0.2.10 ,::1"
		}
		return ""
	})
	if err != nil || len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "192.0.2.10/32" {
		t.Fatalf("TrustedProxies = %v, %v", c.TrustedProxies, err)
	}
}

func TestReadmeConfigurationTableMatchesOptions(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), MarkdownTable()) {
		t.Errorf("README.md's configuration table is out of date; paste this:\n%s", MarkdownTable())
	}
}
