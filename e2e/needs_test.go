package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"filiere/internal/auth"

	"github.com/chromedp/chromedp"
	_ "modernc.org/sqlite" // reads the server's demo database
)

// database opens the server's demo database read-only, to read what a
// person would find in their mailbox (the demo has no SMTP server: mails
// wait in the outbox).
func (a *app) database(t *testing.T) *sql.DB {
	t.Helper()
	path := filepath.Join(a.dir, "work", "filiere-demo.db")
	d, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// mailLink is the path of the first link under prefix in the latest mail
// to addr.
func (a *app) mailLink(t *testing.T, d *sql.DB, addr, prefix string) string {
	t.Helper()
	var body string
	if err := d.QueryRow("SELECT body_text FROM outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1", addr).Scan(&body); err != nil {
		t.Fatalf("no mail to %s: %v", addr, err)
	}
	m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `[0-9]+-[A-Za-z0-9_-]+`).FindString(body)
	if m == "" {
		t.Fatalf("no %s link in the mail to %s:\n%s", prefix, addr, body)
	}
	return m
}

// check ticks the radio button or checkbox sel.
func (tb *tab) check(sel string) {
	tb.t.Helper()
	step(tb, "check "+sel, chromedp.Evaluate[bool](fmt.Sprintf(`(e => { e.checked = true; return e.checked })(document.querySelector(%q))`, sel)))
}

// TestANeedGoesFromThePublicFormToAnIntroductionAndItsOutcome runs the
// matchmaking desk's whole journey in the browser: a buyer posts a need on
// the public form and confirms it from the mail, staff shortlist the
// member's organisation, the member accepts, the buyer consents, both then
// see each other's contact, and the buyer records the outcome.
func TestANeedGoesFromThePublicFormToAnIntroductionAndItsOutcome(t *testing.T) {
	a := startedApp(t)
	d := a.database(t)
	ctx := context.Background()
	const buyerEmail = "alice.achats@medachat.example"

	// The buyer, without an account.
	buyer := newTab(t)
	if code := buyer.open("/needs/post"); code != http.StatusOK {
		t.Fatalf("GET /needs/post = %d", code)
	}
	buyer.fill("#f-title", "Stérilisation à l'oxyde d'éthylène de cathéters")
	buyer.fill("#f-description", "Nous cherchons un sous-traitant certifié pour stériliser 40 000 cathéters par an.")
	buyer.fill("#f-buyer_name", "Alice Achat")
	buyer.fill("#f-buyer_email", buyerEmail)
	buyer.fill("#f-buyer_company", "MedAchat")
	buyer.check(`input[name=anonymous]`)
	if code := buyer.submit(`form.need-form button[type=submit]`); code != http.StatusOK || buyer.path() != "/needs/posted" {
		t.Fatalf("posting the need = %d at %s", code, buyer.path())
	}
	if code := buyer.open(a.mailLink(t, d, buyerEmail, "/needs/verify/")); code != http.StatusOK || !strings.HasPrefix(buyer.path(), "/needs/track/") {
		t.Fatalf("confirming the e-mail = %d at %s", code, buyer.path())
	}
	track := buyer.path()
	var needID int64
	if err := d.QueryRowContext(ctx, "SELECT id FROM needs WHERE buyer_email = ?", buyerEmail).Scan(&needID); err != nil {
		t.Fatal(err)
	}
	var orgID int64
	var orgName string
	if err := d.QueryRowContext(ctx, `SELECT o.id, o.name FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.email = ?`,
		a.account(t, auth.RoleMember).email).Scan(&orgID, &orgName); err != nil {
		t.Fatal(err)
	}

	// Staff add the member's organisation from a search and validate.
	staff := newTab(t)
	staff.open("/login")
	staffLogin := a.account(t, auth.RoleStaff)
	staff.login(staffLogin.email, staffLogin.password)
	review := "/admin/needs/" + strconv.FormatInt(needID, 10)
	if code := staff.open(review); code != http.StatusOK {
		t.Fatalf("GET %s = %d", review, code)
	}
	staff.fill("#add-q", orgName)
	staff.submit(`form[role=search] button[type=submit]`)
	add := fmt.Sprintf(`form[action$="/candidates"]:has(input[name=org_id][value="%d"]) button[type=submit]`, orgID)
	if code := staff.submit(add); code != http.StatusOK {
		t.Fatalf("adding %s = %d", orgName, code)
	}
	if code := staff.submit(`form[action$="/shortlist"] button[type=submit]`); code != http.StatusOK {
		t.Fatalf("validating the shortlist = %d", code)
	}

	// The member answers: interested. The buyer stays hidden.
	member := newTab(t)
	member.open("/login")
	memberLogin := a.account(t, auth.RoleMember)
	member.login(memberLogin.email, memberLogin.password)
	needPage := "/needs/" + strconv.FormatInt(needID, 10)
	if code := member.open(needPage); code != http.StatusOK {
		t.Fatalf("the member opens %s = %d", needPage, code)
	}
	if body := member.text("main"); strings.Contains(body, buyerEmail) || strings.Contains(body, "MedAchat") {
		t.Fatal("the provider sees the anonymous buyer before the introduction")
	}
	member.fill("#f-message", "Nous stérilisons déjà des cathéters : disponibles dès le mois prochain.")
	if code := member.submit(`button[name=accept][value="1"]`); code != http.StatusOK {
		t.Fatalf("accepting = %d", code)
	}

	// The buyer sees who accepted, not their contact, then consents.
	buyer.open(track)
	if body := buyer.text("main"); !strings.Contains(body, orgName) || strings.Contains(body, memberLogin.email) {
		t.Fatalf("before consenting, the buyer's page shows %q and %q: %v, %v", orgName, memberLogin.email,
			strings.Contains(body, orgName), strings.Contains(body, memberLogin.email))
	}
	if code := buyer.submit(`form[action*="/decide/"]:has(input[name=accept][value="1"]) button[type=submit]`); code != http.StatusOK {
		t.Fatalf("consenting = %d", code)
	}
	if body := buyer.text("main"); !strings.Contains(body, memberLogin.email) {
		t.Fatal("after the introduction the buyer does not see the provider's e-mail")
	}
	member.open(needPage)
	if body := member.text("main"); !strings.Contains(body, buyerEmail) || !strings.Contains(body, "MedAchat") {
		t.Fatal("after the introduction the provider does not see the buyer")
	}

	// The buyer records the outcome.
	buyer.check(`form[action*="/outcome/"] input[name=outcome][value=order_won]`)
	buyer.fill(`form[action*="/outcome/"] input[name=amount]`, "12 500")
	if code := buyer.submit(`form[action*="/outcome/"] button[type=submit]`); code != http.StatusOK {
		t.Fatalf("recording the outcome = %d", code)
	}
	var outcome string
	var amount int64
	if err := d.QueryRowContext(ctx, `SELECT x.outcome, x.amount FROM need_outcomes x JOIN need_candidates c ON c.id = x.candidate_id
		WHERE c.need_id = ? AND x.side = 'buyer'`, needID).Scan(&outcome, &amount); err != nil || outcome != "order_won" || amount != 1_250_000 {
		t.Fatalf("outcome recorded: %q %d %v", outcome, amount, err)
	}
}
