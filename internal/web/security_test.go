package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/directory"
	"filiere/internal/i18n"
)

func TestCrossSitePostIsRefused(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		staff := f.session("staff")
		form := url.Values{"name": {"Forged"}}
		w := f.do("POST", "/account", staff, form, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
		if w.Code != http.StatusForbidden {
			t.Fatalf("cross-site POST: %d, want 403", w.Code)
		}
		u, _ := f.srv.Auth.UserByID(context.Background(), f.users["staff"].ID)
		if u.Name == "Forged" {
			t.Fatal("cross-site POST changed the account")
		}
		// Origin alone, without Fetch metadata (older browsers), is refused too.
		w = f.do("POST", "/account", staff, form, map[string]string{"Origin": "https://evil.example"})
		if w.Code != http.StatusForbidden {
			t.Errorf("POST with foreign Origin: %d, want 403", w.Code)
		}
		// The same POST from the site itself goes through.
		w = f.do("POST", "/account", staff, url.Values{"name": {"Camille Martin"}, "lang": {"fr"}}, map[string]string{"Sec-Fetch-Site": "same-origin"})
		if w.Code != http.StatusSeeOther {
			t.Errorf("same-origin POST: %d, want 303", w.Code)
		}
	})
}

func TestTenWrongPasswordsThrottleWithAClearMessage(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		email := f.users["expert"].Email
		for i := range 10 {
			w := f.do("POST", "/login", "", url.Values{"email": {email}, "password": {"wrong password " + fmt.Sprint(i)}}, nil)
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), i18n.T("fr", "auth.invalid_credentials")) {
				t.Fatalf("wrong password %d: %d", i+1, w.Code)
			}
		}
		w := f.do("POST", "/login", "", url.Values{"email": {email}, "password": {testPassword}}, map[string]string{"Accept-Language": "en"})
		body := w.Body.String()
		prefix, _, _ := strings.Cut(i18n.T("en", "auth.throttled"), "%d")
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, prefix) || !strings.Contains(body, `role="alert"`) {
			t.Fatalf("11th attempt with the right password: %d, want the throttle message %q in an alert\n%s", w.Code, prefix, body)
		}
		if c := w.Result().Cookies(); len(c) > 0 {
			for _, k := range c {
				if k.Name == sessionCookie && k.Value != "" {
					t.Fatal("a throttled login set a session cookie")
				}
			}
		}
	})
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		for _, path := range []string{"/", "/login", "/no-such-page", "/healthz"} {
			w := f.do("GET", path, "", nil, nil)
			h := w.Header()
			csp := h.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: CSP %q", path, csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s: headers %v", path, h)
			}
		}
		// No inline script anywhere in the pages (the CSP would block it).
		w := f.do("GET", "/login", "", nil, nil)
		if strings.Contains(w.Body.String(), "<script>") || strings.Contains(w.Body.String(), " onclick=") {
			t.Error("inline script in /login")
		}
	})
}

func TestSessionCookieFlags(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		w := f.do("POST", "/login", "", url.Values{"email": {f.users["staff"].Email}, "password": {testPassword}}, nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/dashboard" {
			t.Fatalf("login: %d %s", w.Code, w.Header().Get("Location"))
		}
		var c *http.Cookie
		for _, k := range w.Result().Cookies() {
			if k.Name == sessionCookie {
				c = k
			}
		}
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Value == "" {
			t.Fatalf("session cookie = %+v", c)
		}
		// The session works, and logout ends it server-side.
		if w := f.do("GET", "/dashboard", c.Value, nil, nil); w.Code != http.StatusOK {
			t.Fatalf("dashboard with session: %d", w.Code)
		}
		f.do("POST", "/logout", c.Value, url.Values{}, nil)
		if w := f.do("GET", "/dashboard", c.Value, nil, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("dashboard after logout: %d", w.Code)
		}
	})
}

func TestLoginRedirectsOnlyToLocalPaths(t *testing.T) {
	for in, want := range map[string]string{"/admin/users?x=1": "/admin/users?x=1", "https://evil.example/": "", "//evil.example": "", "/\\evil.example": "", "": ""} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPanicBecomesA500PageWithoutInternals(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		h := f.srv.middleware(f.srv.guard(Route{Pattern: "GET /boom", Action: auth.ActPublic}, func(http.ResponseWriter, *http.Request) {
			panic("secret: dsn=postgres://admin:hunter2@db")
		}))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/boom", nil))
		if w.Code != http.StatusInternalServerError {
			t.Fatalf("status %d", w.Code)
		}
		if strings.Contains(w.Body.String(), "hunter2") || strings.Contains(w.Body.String(), "goroutine") {
			t.Fatal("500 page leaks internals")
		}
		if !strings.Contains(w.Body.String(), i18n.T("fr", "error.500.title")) {
			t.Error("500 page lacks its title")
		}
	})
}

func TestOversizedBodyGets413(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		big := url.Values{"email": {strings.Repeat("a", 70<<10)}, "password": {"x"}}
		if w := f.do("POST", "/login", "", big, nil); w.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized POST: %d, want 413", w.Code)
		}
	})
}

func TestTemplatesEscapeUserContent(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		o, err := f.srv.Directory.CreateOrganisation(context.Background(), directoryOrg(`<script>alert("x")</script> Labs`))
		if err != nil {
			t.Fatal(err)
		}
		w := f.do("GET", fmt.Sprintf("/organisations/%d", o.ID), f.session("buyer"), nil, nil)
		if strings.Contains(w.Body.String(), `<script>alert`) || !strings.Contains(w.Body.String(), "&lt;script&gt;") {
			t.Fatal("organisation name not escaped")
		}
	})
}

func TestLanguageComesFromChoiceThenAcceptLanguage(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		w := f.do("GET", "/login", "", nil, map[string]string{"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
		if !strings.Contains(w.Body.String(), `<html lang="en">`) || !strings.Contains(w.Body.String(), "Sign in") {
			t.Error("Accept-Language en did not give an English page")
		}
		w = f.do("GET", "/login", "", nil, map[string]string{"Accept-Language": "de-DE"})
		if !strings.Contains(w.Body.String(), `<html lang="fr">`) {
			t.Error("an unsupported language did not fall back to French")
		}
		// The switch sets a cookie that wins over the header.
		w = f.do("POST", "/lang", "", url.Values{"lang": {"fr"}, "next": {"/login"}}, map[string]string{"Accept-Language": "en"})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" {
			t.Fatalf("switch: %d %s", w.Code, w.Header().Get("Location"))
		}
		r := httptest.NewRequest("GET", "/login", nil)
		r.Header.Set("Accept-Language", "en")
		for _, c := range w.Result().Cookies() {
			r.AddCookie(c)
		}
		w2 := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(w2, r)
		if !strings.Contains(w2.Body.String(), `<html lang="fr">`) {
			t.Error("the language cookie did not win over Accept-Language")
		}
		// A signed-in user's saved choice wins, and switching saves it.
		staff := f.session("staff")
		f.do("POST", "/lang", staff, url.Values{"lang": {"en"}, "next": {"/dashboard"}}, nil)
		w = f.do("GET", "/dashboard", staff, nil, map[string]string{"Accept-Language": "fr"})
		if !strings.Contains(w.Body.String(), "Hello Staff Test") {
			t.Error("the saved language was not used on the dashboard")
		}
	})
}

func TestFormErrorsShowBesideTheirFieldInTheUsersLanguage(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		admin := f.session("admin")
		f.do("POST", "/lang", admin, url.Values{"lang": {"en"}}, nil)
		w := f.do("POST", "/admin/users/new", admin, url.Values{"email": {"not-an-email"}, "name": {""}, "role": {"member"}, "lang": {"fr"}, "password": {"short"}}, nil)
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", w.Code)
		}
		body := w.Body.String()
		for _, field := range []string{"email", "name", "password", "organisation"} {
			if !strings.Contains(body, `id="e-`+field+`"`) {
				t.Errorf("no error beside %s", field)
			}
		}
		if !strings.Contains(body, `value="not-an-email"`) {
			t.Error("the submitted e-mail was lost")
		}
		if strings.Contains(body, `value="short"`) {
			t.Error("the password was echoed back")
		}
		if !strings.Contains(body, `lang="en"`) || strings.Contains(body, "Ce champ est obligatoire") {
			t.Error("errors not in the admin's language (English)")
		}
	})
}

func TestAPITokensAuthenticateAndRevokedOnesDoNot(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		plain, tok, err := f.srv.Auth.CreateAPIToken(ctx, f.users["buyer"].ID, "erp", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		w := f.do("GET", "/api/v1/me", "", nil, map[string]string{"Authorization": "Bearer " + plain})
		var me apiUser
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &me) != nil || me.Email != f.users["buyer"].Email {
			t.Fatalf("me: %d %s", w.Code, w.Body.String())
		}
		w = f.do("GET", "/api/v1/organisations?sector=medtech&q=cardiolys", "", nil, map[string]string{"Authorization": "Bearer " + plain})
		var list struct {
			Total   int                   `json:"total"`
			Results []apiOrganisation     `json:"results"`
			Facets  map[string][]apiFacet `json:"facets"`
		}
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &list) != nil || list.Total != 1 || list.Results[0].Name != "Cardiolys" {
			t.Fatalf("organisations: %d %s", w.Code, w.Body.String())
		}
		if fs := list.Facets["sector"]; len(fs) != 1 || fs[0] != (apiFacet{Value: "medtech", Count: 1}) {
			t.Errorf("sector facet = %+v", list.Facets["sector"])
		}
		if err := f.srv.Auth.RevokeAPIToken(ctx, f.users["buyer"].ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		w = f.do("GET", "/api/v1/me", "", nil, map[string]string{"Authorization": "Bearer " + plain, "Accept-Language": "en"})
		if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), i18n.T("en", "api.unauthorized")) {
			t.Fatalf("revoked token: %d %s", w.Code, w.Body.String())
		}
		// An API token can't reach staff-only API data either.
		w = f.do("GET", "/api/v1/organisations/999999", "", nil, map[string]string{"Authorization": "Bearer nonsense"})
		if w.Code != http.StatusUnauthorized {
			t.Errorf("bad token: %d", w.Code)
		}
	})
}

func TestStaticAssetsAreCacheBusted(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		u := f.srv.assets.URL("style.css")
		w := f.do("GET", u, "", nil, nil)
		if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Cache-Control"), "immutable") || !strings.Contains(w.Header().Get("Content-Type"), "text/css") {
			t.Fatalf("%s: %d %v", u, w.Code, w.Header())
		}
		w = f.do("GET", "/static/000000000000/style.css", "", nil, nil)
		if w.Code != http.StatusOK || strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("stale hash: %d %s", w.Code, w.Header().Get("Cache-Control"))
		}
	})
}

func TestChangesThroughThePagesReachTheAuditLog(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		admin := f.session("admin")
		target := fmt.Sprint(f.users["target"].ID)
		if w := f.do("POST", "/admin/users/"+target+"/disable", admin, url.Values{}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("disable: %d", w.Code)
		}
		entries, _, err := audit.List(context.Background(), f.d, audit.Filter{Entity: "user", EntityID: target, Action: "disable"})
		if err != nil || len(entries) != 1 || entries[0].ActorID != f.users["admin"].ID || entries[0].IP != "198.51.100.7" {
			t.Fatalf("audit entries %+v, %v", entries, err)
		}
		w := f.do("GET", "/admin/audit?entity=user&entity_id="+target, f.session("staff"), nil, nil)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "admin@test.example") || !strings.Contains(w.Body.String(), ">"+i18n.T("fr", "audit.action.disable")+"<") {
			t.Fatalf("audit page: %d", w.Code)
		}
	})
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		f.do("GET", "/login", "", nil, nil)
		f.srv.Config.MetricsToken = "scrape-me"
		w := f.do("GET", "/metrics", "", nil, map[string]string{"Authorization": "Bearer scrape-me"})
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(body, `filiere_http_requests_total{code="200",route="GET /login"} 1`) ||
			!strings.Contains(body, "filiere_http_request_duration_seconds_bucket") || !strings.Contains(body, `filiere_db_connections_open{pool="write"}`) {
			t.Fatalf("metrics: %d\n%s", w.Code, body)
		}
		if w := f.do("GET", "/metrics", "", nil, map[string]string{"Authorization": "Bearer wrong"}); w.Code != http.StatusUnauthorized {
			t.Errorf("wrong scraper token: %d", w.Code)
		}
	})
}

func directoryOrg(name string) directory.Organisation {
	return directory.Organisation{Name: name, Kind: "lab", Membership: "member", Country: "FR", Sectors: []string{"biotech"}}
}

func TestClientIPBelievesForwardedForOnlyFromTrustedProxies(t *testing.T) {
	s := &Server{}
	s.Config.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	cases := []struct{ remote, xff, want string }{
		{"203.0.113.5:1234", "198.51.100.1", "203.0.113.5"},                  // untrusted peer: header ignored
		{"10.0.0.2:1234", "198.51.100.1", "198.51.100.1"},                    // trusted proxy
		{"10.0.0.2:1234", "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"}, // spoofed left part skipped
		{"10.0.0.2:1234", "", "10.0.0.2"},
		{"10.0.0.2:1234", "not-an-ip", "10.0.0.2"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.clientIP(r); got != c.want {
			t.Errorf("remote %s, XFF %q: %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}

func TestOrganisationSearchFoldsAccentsHighlightsAndCountsFacets(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		buyer := f.session("buyer")
		w := f.do("GET", "/organisations?q=CARDIOL", buyer, nil, nil)
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(body, "<mark>Cardiolys</mark>") || strings.Contains(body, "Neurovance") {
			t.Fatalf("search CARDIOL: %d\n%s", w.Code, body)
		}
		// Facet counts are shown beside each choice, over the matches.
		w = f.do("GET", "/organisations", buyer, nil, nil)
		if !strings.Contains(w.Body.String(), `sector=medtech">Dispositifs médicaux (Medtech)</a> <span class="count">2</span>`) {
			t.Errorf("the medtech choice does not count the 2 organisations:\n%s", w.Body.String())
		}
		// Injection-looking input is just text.
		w = f.do("GET", `/organisations?q=%22%3B+DROP+TABLE+organisations%3B--+NEAR(`, buyer, nil, nil)
		if w.Code != http.StatusOK {
			t.Errorf("odd query: %d", w.Code)
		}
	})
}
