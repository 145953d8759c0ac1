package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"filiere/internal/auth"
	"filiere/internal/config"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
)

const testPassword = "correct horse battery"

// fixture is a server with one user per role and two organisations.
type fixture struct {
	t      *testing.T
	srv    *Server
	d      *db.DB
	orgA   directory.Organisation // the member's organisation
	orgB   directory.Organisation
	users  map[string]auth.User // by role name, plus "target"
	client *http.Client
}

// run runs fn against a fresh fixture on every engine.
func run(t *testing.T, fn func(t *testing.T, f *fixture)) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) { fn(t, newFixture(t, d)) })
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Resolve(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxBodyBytes = 64 << 10
	authSvc := auth.NewService(d, auth.Options{BaseURL: cfg.BaseURL, Argon2: auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1}})
	dir := directory.NewStore(d)
	srv, err := New(Deps{DB: d, Auth: authSvc, Directory: dir, Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, srv: srv, d: d, users: map[string]auth.User{},
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	mk := func(name string) directory.Organisation {
		o, err := dir.CreateOrganisation(ctx, directory.Organisation{Name: name, Kind: "sme", Membership: "member", Country: "FR", City: "Dijon", Sectors: []string{"medtech"}})
		if err != nil {
			t.Fatalf("create organisation: %v", err)
		}
		return o
	}
	f.orgA, f.orgB = mk("Cardiolys"), mk("Neurovance")
	for _, role := range []string{"admin", "staff", "member", "buyer", "expert", "funder", "target"} {
		nu := auth.NewUser{Email: role + "@test.example", Name: strings.ToUpper(role[:1]) + role[1:] + " Test", Lang: "fr", Role: auth.Role(role), Password: testPassword}
		if role == "member" {
			nu.OrganisationID = f.orgA.ID
		}
		if role == "target" {
			nu.Role = auth.RoleBuyer
		}
		u, err := authSvc.CreateUser(ctx, nu)
		if err != nil {
			t.Fatalf("create %s: %v", role, err)
		}
		f.users[role] = u
	}
	return f
}

// session signs role in and returns its session cookie ("" for anonymous).
func (f *fixture) session(role string) string {
	f.t.Helper()
	if role == "anonymous" {
		return ""
	}
	_, tok, err := f.srv.Auth.Login(context.Background(), f.users[role].Email, testPassword, "198.51.100.7", "test")
	if err != nil {
		f.t.Fatalf("login %s: %v", role, err)
	}
	return tok
}

// do serves one request in-process. form, when non-nil, is posted.
func (f *fixture) do(method, path, session string, form url.Values, header map[string]string) *httptest.ResponseRecorder {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, path, body)
	r.RemoteAddr = "198.51.100.7:4242"
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if session != "" {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, r)
	return w
}
