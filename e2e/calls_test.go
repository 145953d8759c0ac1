package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"filiere/internal/auth"

	"github.com/chromedp/chromedp"
)

// fetchBytes downloads path with the tab's session (cookies and all)
// and returns the body and its status.
func (tb *tab) fetchBytes(path string) ([]byte, int) {
	tb.t.Helper()
	js := fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(async r => {
		const b = new Uint8Array(await r.arrayBuffer());
		let s = ""; for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
		return r.status + ":" + btoa(s);
	})`, path)
	out := step(tb, "fetch "+path, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	status, b64, _ := strings.Cut(out, ":")
	body, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		tb.t.Fatalf("fetch %s: %v", path, err)
	}
	code, _ := strconv.Atoi(status)
	return body, code
}

// TestApplyAssignScoreLabelAndDownloadTheSupportLetter runs issue 5's
// journey in the browser on the demo: the member applies to the open ANR
// PRCE labelling call with a partner and a PDF annex, staff pre-select
// it and assign two experts among those offered, both score it, a
// committee session labels it, and the member downloads the support
// letter, whose text names the project.
func TestApplyAssignScoreLabelAndDownloadTheSupportLetter(t *testing.T) {
	a := startedApp(t)
	d := a.database(t)
	ctx := context.Background()
	memberLogin, staffLogin := a.account(t, auth.RoleMember), a.account(t, auth.RoleStaff)

	var callID, memberOrg int64
	if err := d.QueryRowContext(ctx, `SELECT id FROM calls WHERE scheme = 'ANR PRCE' AND published = 1 AND imported = 0
		ORDER BY closes_at DESC LIMIT 1`).Scan(&callID); err != nil {
		t.Fatalf("the demo has no open ANR PRCE call: %v", err)
	}
	if err := d.QueryRowContext(ctx, "SELECT organisation_id FROM users WHERE email = ?", memberLogin.email).Scan(&memberOrg); err != nil {
		t.Fatal(err)
	}
	var partnerID int64
	var partnerName string
	if err := d.QueryRowContext(ctx, `SELECT id, name FROM organisations WHERE membership = 'member' AND kind = 'lab' AND id <> ?
		ORDER BY id LIMIT 1`, memberOrg).Scan(&partnerID, &partnerName); err != nil {
		t.Fatal(err)
	}
	title := "Pansement connecté e2e " + strconv.FormatInt(time.Now().UnixNano()%100000, 10)
	annex := filepath.Join(t.TempDir(), "annexe.pdf")
	if err := os.WriteFile(annex, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	// The member applies and submits.
	member := newTab(t)
	member.open("/login")
	member.login(memberLogin.email, memberLogin.password)
	apply := fmt.Sprintf("/calls/%d/apply", callID)
	if code := member.open(apply); code != http.StatusOK {
		t.Fatalf("GET %s = %d", apply, code)
	}
	member.fill(`[name=title]`, title)
	member.fill(`[name=acronym]`, "PANSE")
	member.fill(`[name="answers.budget"]`, "480 000")
	member.fill(`[name="answers.aid"]`, "240 000")
	member.fill(`[name="answers.duration"]`, "24")
	member.set(`[name="answers.trl"]`, "trl5")
	member.fill(`[name="answers.summary"]`, "Un pansement qui mesure la cicatrisation et alerte l'infirmière.")
	member.fill(`#f-partner-0`, fmt.Sprintf("%s (%d)", partnerName, partnerID))
	step(member, "attach the annex", chromedp.SetUploadFiles(`[name="answers.annex"]`, []string{annex}))
	if code := member.submit(`button[name=submit][value="1"]`); code != http.StatusOK {
		t.Fatalf("apply and submit = %d: %s", code, member.text("main"))
	}
	appPath := member.path()
	appID, err := strconv.ParseInt(strings.TrimPrefix(appPath, "/applications/"), 10, 64)
	if err != nil {
		t.Fatalf("after submitting, the member is on %s", appPath)
	}
	var status string
	if err := d.QueryRowContext(ctx, "SELECT status FROM applications WHERE id = ?", appID).Scan(&status); err != nil || status != "submitted" {
		t.Fatalf("application %d: %q, %v", appID, status, err)
	}

	// Staff pre-select it and assign two of the experts offered.
	staff := newTab(t)
	staff.open("/login")
	staff.login(staffLogin.email, staffLogin.password)
	staff.open(fmt.Sprintf("/admin/calls/%d", callID))
	if code := staff.submit(fmt.Sprintf(`form[action="/admin/applications/%d/preselect"] button`, appID)); code != http.StatusOK {
		t.Fatalf("preselect = %d", code)
	}
	admin := fmt.Sprintf("/admin/applications/%d", appID)
	staff.open(admin)
	offered := step(staff, "read the experts offered", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('form[action$="/assign"] input[name=expert]')).map(e => e.value)`))
	type expert struct {
		id    string
		email string
	}
	var chosen []expert
	for _, id := range offered {
		var email string
		if err := d.QueryRowContext(ctx, "SELECT u.email FROM experts e JOIN users u ON u.id = e.user_id WHERE e.id = ?", id).Scan(&email); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(email, "@demo.filiere.example") {
			chosen = append(chosen, expert{id, email})
		}
		if len(chosen) == 2 {
			break
		}
	}
	if len(chosen) < 2 {
		t.Fatalf("fewer than two demo experts offered: %v", offered)
	}
	for _, x := range chosen {
		sel := fmt.Sprintf(`form[action="%s/assign"]:has(input[name=expert][value="%s"]) button`, admin, x.id)
		if code := staff.submit(sel); code != http.StatusOK {
			t.Fatalf("assign expert %s = %d", x.id, code)
		}
	}

	// Both experts score it and submit.
	for _, x := range chosen {
		ex := newTab(t)
		ex.open("/login")
		ex.login(x.email, "demo-expert-2026")
		review := fmt.Sprintf("/applications/%d/review", appID)
		if code := ex.open(review); code != http.StatusOK {
			t.Fatalf("expert %s: GET %s = %d", x.email, review, code)
		}
		for _, crit := range []string{"innovation", "impact", "team", "feasibility"} {
			ex.set(fmt.Sprintf(`[name="scores.%s"]`, crit), "4")
		}
		if code := ex.submit(`form[action$="/review"] button[name=submit][value="1"]`); code != http.StatusOK {
			t.Fatalf("submit the review = %d", code)
		}
		var submitted int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM assignments WHERE application_id = ? AND expert_id = ?
			AND submitted_at IS NOT NULL`, appID, x.id).Scan(&submitted); err != nil || submitted != 1 {
			t.Fatalf("the review of %s is not submitted: %v", x.email, err)
		}
	}

	// A committee session with both: present, the project on the
	// agenda, labelled.
	staff.open("/admin/sessions/new")
	staff.fill(`[name=title]`, "Séance e2e")
	paris, _ := time.LoadLocation("Europe/Paris")
	staff.set(`[name=held_at]`, time.Now().In(paris).Format("2006-01-02T15:04"))
	staff.fill(`[name=quorum]`, "2")
	for _, x := range chosen {
		staff.check(fmt.Sprintf(`input[name=members][value="%s"]`, x.id))
	}
	if code := staff.submit(`form[action="/admin/sessions/new"] button[type=submit]`); code != http.StatusOK {
		t.Fatalf("create the session = %d", code)
	}
	sessionPath := staff.path()
	for _, x := range chosen {
		sel := fmt.Sprintf(`form[action$="/presence"]:has(input[name=expert][value="%s"]) button`, x.id)
		if code := staff.submit(sel); code != http.StatusOK {
			t.Fatalf("mark %s present = %d", x.email, code)
		}
	}
	staff.check(fmt.Sprintf(`input[name=applications][value="%d"]`, appID))
	if code := staff.submit(`form[action$="/items"] button[type=submit]`); code != http.StatusOK {
		t.Fatalf("add to the agenda = %d", code)
	}
	staff.set(fmt.Sprintf(`#dec-%d`, appID), "labelled")
	if code := staff.submit(fmt.Sprintf(`form[action$="/decide"]:has(input[name=application][value="%d"]) button`, appID)); code != http.StatusOK {
		t.Fatalf("decide = %d on %s", code, sessionPath)
	}
	var decision string
	if err := d.QueryRowContext(ctx, "SELECT decision FROM applications WHERE id = ?", appID).Scan(&decision); err != nil || decision != "labelled" {
		t.Fatalf("decision %q, %v: %s", decision, err, staff.text("main"))
	}

	// The member downloads the support letter; it names the project.
	if code := member.open(appPath); code != http.StatusOK {
		t.Fatalf("GET %s = %d", appPath, code)
	}
	href := member.attr(`a[href*="/letter.pdf"]`, "href")
	pdf, code := member.fetchBytes(href)
	if code != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("letter %s: %d, %d bytes", href, code, len(pdf))
	}
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if strict() {
			t.Fatal("pdftotext is required under FILIERE_TEST_STRICT")
		}
		t.Skip("pdftotext not installed: the letter's text is not checked")
	}
	cmd := exec.Command(bin, "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	text, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(text)), " ")
	if !strings.Contains(flat, title) {
		t.Fatalf("the support letter does not name %q:\n%s", title, text)
	}
}
