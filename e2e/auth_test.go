package e2e

import (
	"net/http"
	"strings"
	"testing"

	"filiere/internal/auth"
	"filiere/internal/i18n"
)

// wantLang checks the page is in lang: the html element says so.
func (tb *tab) wantLang(lang string) {
	tb.t.Helper()
	if got := tb.attr("html", "lang"); got != lang {
		tb.t.Errorf("html lang = %q, want %q", got, lang)
	}
}

func TestStaffLogsInSwitchesLanguageAndLogsOut(t *testing.T) {
	tb := newTab(t)
	staff := tb.app.account(t, auth.RoleStaff)

	if code := tb.open("/login"); code != http.StatusOK {
		t.Fatalf("GET /login = %d, want 200", code)
	}
	tb.wantLang("fr")
	if got := tb.text("h1"); got != "Connexion" {
		t.Fatalf("login heading = %q, want %q (the browser asks for French)", got, "Connexion")
	}

	if code := tb.login(staff.email, staff.password); code != http.StatusOK {
		t.Fatalf("login as %s led to a page with status %d, want 200", staff.email, code)
	}
	if got := tb.path(); got != "/dashboard" {
		t.Fatalf("after login the browser is on %s, want /dashboard", got)
	}
	if got := tb.text("h1"); !strings.Contains(got, "Bonjour") {
		t.Errorf("dashboard heading = %q, want it to contain %q", got, "Bonjour")
	}

	if got := tb.text("#lang-switch"); got != "English" {
		t.Fatalf("language switch reads %q on a French page, want %q", got, "English")
	}
	tb.submit("#lang-switch")
	if got := tb.path(); got != "/dashboard" {
		t.Errorf("after switching language the browser is on %s, want /dashboard", got)
	}
	tb.wantLang("en")
	if got := tb.text("h1"); !strings.Contains(got, "Hello") {
		t.Errorf("dashboard heading in English = %q, want it to contain %q", got, "Hello")
	}
	if got := tb.text("nav.nav"); !strings.Contains(got, "Dashboard") {
		t.Errorf("navigation in English = %q, want it to contain %q", got, "Dashboard")
	}

	if got := tb.text("#lang-switch"); got != "Français" {
		t.Fatalf("language switch reads %q on an English page, want %q", got, "Français")
	}
	tb.submit("#lang-switch")
	tb.wantLang("fr")
	if got := tb.text("h1"); !strings.Contains(got, "Bonjour") {
		t.Errorf("dashboard heading back in French = %q, want it to contain %q", got, "Bonjour")
	}
	if got := tb.text("nav.nav"); !strings.Contains(got, "Tableau de bord") {
		t.Errorf("navigation back in French = %q, want it to contain %q", got, "Tableau de bord")
	}

	tb.submit("#logout")
	if got := tb.path(); got != "/login" {
		t.Fatalf("after logout the browser is on %s, want /login", got)
	}
	if got := tb.text(".flash"); got != "Vous êtes déconnecté·e." {
		t.Errorf("flash after logout = %q, want %q", got, "Vous êtes déconnecté·e.")
	}
	tb.open("/dashboard")
	if got := tb.path(); got != "/login" {
		t.Errorf("after logout /dashboard led to %s, want /login", got)
	}
}

func TestWrongPasswordShowsAClearMessageAndKeepsTheEmail(t *testing.T) {
	tb := newTab(t)
	expert := tb.app.account(t, auth.RoleExpert)

	tb.open("/login")
	if code := tb.login(expert.email, "not-"+expert.password); code != http.StatusUnprocessableEntity {
		t.Errorf("login with a wrong password answered %d, want 422", code)
	}
	if got := tb.path(); got != "/login" {
		t.Errorf("after a wrong password the browser is on %s, want /login", got)
	}
	want := i18n.T("fr", "auth.invalid_credentials")
	if got := tb.text(".alert"); got != want {
		t.Errorf("alert = %q, want %q", got, want)
	}
	if got := tb.value("#f-email"); got != expert.email {
		t.Errorf("email field = %q after the failed login, want it kept as %q", got, expert.email)
	}
	if got := tb.value("#f-password"); got != "" {
		t.Errorf("password field = %q after the failed login, want it empty", got)
	}
}

func TestMemberSeesOwnOrganisationAndCannotOpenAdmin(t *testing.T) {
	tb := newTab(t)
	member := tb.app.account(t, auth.RoleMember)

	tb.open("/login")
	tb.login(member.email, member.password)
	if got := tb.path(); got != "/dashboard" {
		t.Fatalf("after login the browser is on %s, want /dashboard", got)
	}
	if got := tb.text("#my-org"); got != "Mon organisation" {
		t.Errorf("dashboard card heading = %q, want %q", got, "Mon organisation")
	}

	if code := tb.open("/admin/users"); code != http.StatusForbidden {
		t.Errorf("GET /admin/users as a member = %d, want 403", code)
	}
	if got := tb.text("h1"); got != "Accès refusé" {
		t.Errorf("heading of /admin/users for a member = %q, want %q", got, "Accès refusé")
	}
}
