package web

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"image"
	"image/color"
	pngenc "image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/calls"
	"filiere/internal/calls/letters"
	"filiere/internal/directory"
	"filiere/internal/tabular"
)

var callCtx = audit.WithActor(context.Background(), audit.Actor{Label: "test"})

var callStaff = calls.Viewer{Role: auth.RoleStaff}

// aPDF is the smallest document the calls take as a PDF.
var aPDF = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")

// esc writes text as the pages escape it (apostrophes become &#39;).
func esc(s string) string { return template.HTMLEscapeString(s) }

// callWorld is a published project-labelling call with one submitted
// application of the member's organisation (Cardiolys) carrying a PDF, a
// free expert assigned to it and an expert working for Cardiolys who sits
// on the session that discusses it.
type callWorld struct {
	f                *fixture
	call             calls.Call
	orgC             directory.Organisation
	other            auth.User // a member of Neurovance
	free, conflicted calls.Expert
	conflictedUser   auth.User
	app              calls.Application
	fileID           int64
	session          calls.Session
}

// callNow is the clock of the calls' tests: the call below is open.
var callNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func (f *fixture) user(email, name string, role auth.Role, org int64) auth.User {
	f.t.Helper()
	u, err := f.srv.Auth.CreateUser(callCtx, auth.NewUser{Email: email, Name: name, Lang: "fr", Role: role, OrganisationID: org, Password: testPassword})
	if err != nil {
		f.t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// sessionOf signs a user in by e-mail.
func (f *fixture) sessionOf(email string) string {
	f.t.Helper()
	_, tok, err := f.srv.Auth.Login(callCtx, email, testPassword, "198.51.100.7", "test")
	if err != nil {
		f.t.Fatalf("login %s: %v", email, err)
	}
	return tok
}

func (f *fixture) viewer(u auth.User) calls.Viewer {
	f.t.Helper()
	v, err := f.srv.Calls.ViewerFor(callCtx, &u)
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

// expertOf puts an account in the expert pool.
func (f *fixture) expertOf(u auth.User, affiliation int64, sectors ...string) calls.Expert {
	f.t.Helper()
	e, err := f.srv.Calls.SaveExpert(callCtx, callStaff, 0, calls.ExpertInput{UserID: u.ID, AffiliationID: affiliation, Sectors: sectors, Active: true})
	if err != nil {
		f.t.Fatalf("expert %s: %v", u.Email, err)
	}
	return e
}

// testCall is the call of the tests: open from 1 March to 30 April 2026
// at noon, Paris time.
func testCall() calls.Call {
	return calls.Call{Type: calls.TypeProjectLabel, TitleFR: "Labellisation ANR PRCE 2026", TitleEN: "ANR PRCE 2026 labelling",
		DescriptionFR: "Le pôle labellise les projets collaboratifs.", SchemeGroup: "ANR", Scheme: "ANR PRCE", Year: 2026,
		OpensAt: time.Date(2026, 3, 1, 0, 0, 0, 0, calls.Paris), ClosesAt: time.Date(2026, 4, 30, 12, 0, 0, 0, calls.Paris),
		Audience: calls.AudienceMembers, Consortium: calls.ConsortiumOptional, MaxPartners: 4, Written: true, Committee: true,
		Evaluators: 1, LabelName: "Label Santé Innovation", LabelMonths: 24,
		Fields: []calls.Field{
			{Code: "budget", Kind: calls.FieldMoney, LabelFR: "Budget total", LabelEN: "Total budget", Required: true},
			{Code: "trl", Kind: calls.FieldChoice, LabelFR: "Maturité", Choices: []calls.Choice{{Code: "trl4", FR: "TRL 4"}, {Code: "trl6", FR: "TRL 6"}}},
			{Code: "annex", Kind: calls.FieldFile, LabelFR: "Annexe technique", Required: true},
		},
		Criteria: []calls.Criterion{{Code: "innovation", LabelFR: "Innovation", Weight: 2, Scale: 5}, {Code: "market", LabelFR: "Marché", Weight: 1, Scale: 5}},
	}
}

func newCallWorld(t *testing.T, f *fixture) *callWorld {
	t.Helper()
	f.srv.Calls.Now = func() time.Time { return callNow }
	w := &callWorld{f: f}
	var err error
	if w.orgC, err = f.srv.Directory.CreateOrganisation(callCtx, directory.Organisation{Name: "Hôpital Tiers", Kind: "hospital", Membership: "member", Country: "FR", City: "Lyon", Sectors: []string{"medtech"}}); err != nil {
		t.Fatal(err)
	}
	w.other = f.user("other@test.example", "Other Member", auth.RoleMember, f.orgB.ID)
	if w.call, err = f.srv.Calls.CreateCall(callCtx, testCall()); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.Calls.Publish(callCtx, w.call.ID, true); err != nil {
		t.Fatal(err)
	}
	w.free = f.expertOf(f.users["expert"], w.orgC.ID, "medtech")
	w.conflictedUser = f.user("conflicted@test.example", "Claire Conflit", auth.RoleExpert, 0)
	w.conflicted = f.expertOf(w.conflictedUser, f.orgA.ID, "medtech")
	member := f.viewer(f.users["member"])
	a, err := f.srv.Calls.CreateDraft(callCtx, member, w.call.ID, calls.ApplicationInput{Title: "Capteur cardiaque implantable",
		Acronym: "CARDIO", Answers: map[string]string{"budget": "250 000"}, Files: map[string]calls.Upload{"annex": {Filename: "annexe.pdf", Data: aPDF}}})
	if err != nil {
		t.Fatal(err)
	}
	if w.app, err = f.srv.Calls.Submit(callCtx, member, a.ID); err != nil {
		t.Fatal(err)
	}
	w.fileID = w.app.Files[0].ID
	if err := f.srv.Calls.Assign(callCtx, callStaff, w.app.ID, w.free.ID); err != nil {
		t.Fatal(err)
	}
	if w.session, err = f.srv.Calls.SaveSession(callCtx, callStaff, 0, calls.SessionInput{Title: "Comité de mai",
		HeldAt: time.Date(2026, 5, 15, 14, 0, 0, 0, calls.Paris), Quorum: 1, MemberIDs: []int64{w.free.ID, w.conflicted.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.Calls.AddItems(callCtx, callStaff, w.session.ID, []int64{w.app.ID}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *callWorld) appPath() string { return applicationPath(w.app.ID) }

func (w *callWorld) filePath() string {
	return w.appPath() + "/files/" + strconv.FormatInt(w.fileID, 10)
}

func (w *callWorld) callPath() string { return "/calls/" + strconv.FormatInt(w.call.ID, 10) }

func TestCallPagesGiveEachRoleWhatTheDomainAllows(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		w := newCallWorld(t, f)
		hidden, err := f.srv.Calls.CreateCall(callCtx, calls.Call{Type: calls.TypeInterest, TitleFR: "AMI confidentiel", Year: 2026,
			OpensAt: callNow, ClosesAt: callNow.AddDate(0, 1, 0), Audience: calls.AudienceAll, Consortium: calls.ConsortiumSingle, Committee: true})
		if err != nil {
			t.Fatal(err)
		}
		hiddenPath := "/calls/" + strconv.FormatInt(hidden.ID, 10)
		member, other, expert := f.session("member"), f.sessionOf(w.other.Email), f.session("expert")
		staff, funder, buyer := f.session("staff"), f.session("funder"), f.session("buyer")
		ref := w.app.Reference

		rows := []struct {
			who, session, path string
			status             int
			want, unwanted     []string
		}{
			{"anonymous", "", "/calls", 200, []string{"Labellisation ANR PRCE 2026", "30/04/2026 à 12:00", "Adhérents uniquement"}, []string{"AMI confidentiel"}},
			{"anonymous", "", w.callPath(), 200, []string{"Se connecter pour candidater", "Budget total", "Innovation", "catalogue des labels"}, nil},
			{"anonymous", "", hiddenPath, 404, nil, nil},
			{"anonymous", "", "/labels", 200, []string{"Catalogue des labels"}, nil},
			{"member", member, w.callPath(), 200, []string{"Déposer une candidature", ref}, nil},
			{"member", member, w.callPath() + "/apply", 200, []string{`name="answers.budget"`, `enctype="multipart/form-data"`}, nil},
			{"member", member, "/applications", 200, []string{ref, "Capteur cardiaque implantable", "Déposé"}, nil},
			{"member", member, w.appPath(), 200, []string{"Capteur cardiaque implantable", "250\u202f000\u00a0€", "annexe.pdf", "Retirer la candidature"}, []string{"Experts possibles"}},
			{"member", member, hiddenPath, 404, nil, nil},
			{"member", member, "/admin/calls", 403, nil, nil},
			{"member", member, "/calls/stats", 403, nil, nil},
			{"other member", other, w.appPath(), 404, nil, nil},
			{"other member", other, w.filePath(), 404, nil, nil},
			{"other member", other, "/applications", 200, []string{"aucun appel"}, []string{ref}},
			{"buyer", buyer, w.callPath() + "/apply", 200, []string{esc("rattaché à aucune organisation")}, []string{`name="answers.budget"`}},
			{"expert", expert, w.appPath(), 200, []string{"Capteur cardiaque implantable", "Évaluer"}, []string{"Retirer la candidature"}},
			{"expert", expert, "/expert", 200, []string{ref, "Comité de mai", "15/05/2026 à 14:00", "À faire"}, nil},
			{"expert", expert, w.appPath() + "/review", 200, []string{`name="scores.innovation"`, "Déclarer un conflit"}, nil},
			{"expert", expert, "/calls/" + strconv.FormatInt(w.call.ID, 10) + "/apply", 403, nil, nil},
			{"funder", funder, "/calls/stats", 200, []string{"ANR PRCE", "Reçues"}, nil},
			{"funder", funder, w.appPath(), 404, nil, nil},
			{"staff", staff, "/admin/calls", 200, []string{"Labellisation ANR PRCE 2026", "AMI confidentiel", "Non publié"}, nil},
			{"staff", staff, "/admin/calls/" + strconv.FormatInt(w.call.ID, 10), 200, []string{ref, "Affectation automatique", "0 évaluation(s) reçue(s), 1 expert(s) assigné(s)"}, nil},
			{"staff", staff, "/admin/applications/" + strconv.FormatInt(w.app.ID, 10), 200, []string{"Experts possibles", "Expert Test", "Claire Conflit", "Travaille pour Cardiolys"}, nil},
			{"staff", staff, hiddenPath, 200, []string{"AMI confidentiel", "Non publié"}, nil},
			{"staff", staff, "/admin/sessions/" + strconv.FormatInt(w.session.ID, 10), 200, []string{"Claire Conflit (Affiliation)", "Quorum non atteint"}, nil},
		}
		for _, row := range rows {
			res := f.doChecked("GET", row.path, row.session, nil, nil)
			if res.Code != row.status {
				t.Errorf("%s GET %s: %d, want %d", row.who, row.path, res.Code, row.status)
				continue
			}
			what := row.who + " GET " + row.path
			mustContain(t, what, res.Body.String(), row.want...)
			mustNotContain(t, what, res.Body.String(), row.unwanted...)
		}
		// In English, with the close in Paris time all the same.
		res := f.doChecked("GET", w.callPath(), "", nil, map[string]string{"Accept-Language": "en"})
		mustContain(t, "the call in English", res.Body.String(), "ANR PRCE 2026 labelling", "Sign in to apply", "30/04/2026 at 12:00", "Total budget")
		// Anonymous visitors are sent to sign in first.
		for _, p := range []string{w.callPath() + "/apply", w.appPath(), "/expert"} {
			if res := f.do("GET", p, "", nil, nil); res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Header().Get("Location"), "/login?next=") {
				t.Errorf("anonymous GET %s: %d %q, want the sign-in", p, res.Code, res.Header().Get("Location"))
			}
		}
		// The lead's document downloads, never inline.
		res = f.do("GET", w.filePath(), member, nil, nil)
		if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(res.Header().Get("Content-Disposition"), "attachment") || !strings.Contains(res.Header().Get("Content-Disposition"), "annexe.pdf") ||
			res.Header().Get("X-Content-Type-Options") != "nosniff" || !bytes.Equal(res.Body.Bytes(), aPDF) {
			t.Errorf("file download: %d %v", res.Code, res.Header())
		}
		// The public API lists the published calls only.
		var list struct {
			Total   int       `json:"total"`
			Results []apiCall `json:"results"`
		}
		if code := f.api("GET", "/api/v1/calls", "", nil, &list); code != 200 || list.Total != 1 || list.Results[0].TitleFR != "Labellisation ANR PRCE 2026" || len(list.Results[0].Fields) != 3 {
			t.Errorf("GET /api/v1/calls: %d %+v", code, list)
		}
	})
}

// expertRefs reads the references of an expert's assignments workbook.
func expertRefs(t *testing.T, f *fixture, session string) []string {
	t.Helper()
	res := f.do("GET", "/expert/assignments.xlsx", session, nil, nil)
	if res.Code != http.StatusOK || res.Header().Get("Content-Type") != xlsxType {
		t.Fatalf("assignments.xlsx: %d %q", res.Code, res.Header().Get("Content-Type"))
	}
	table, _, err := tabular.ReadXLSX(bytes.NewReader(res.Body.Bytes()), 1<<22)
	if err != nil {
		t.Fatalf("assignments.xlsx: %v", err)
	}
	if len(table.Header) == 0 || table.Header[0] != "Référence" {
		t.Fatalf("assignments.xlsx header: %q", table.Header)
	}
	var refs []string
	for _, row := range table.Rows {
		refs = append(refs, row.Cells[0])
	}
	return refs
}

// apiRefs lists the references /api/v1/applications gives a token.
func apiRefs(t *testing.T, f *fixture, token string) []string {
	t.Helper()
	var list struct {
		Total   int              `json:"total"`
		Results []apiApplication `json:"results"`
	}
	if code := f.api("GET", "/api/v1/applications", token, nil, &list); code != http.StatusOK {
		t.Fatalf("GET /api/v1/applications: %d", code)
	}
	var refs []string
	for _, a := range list.Results {
		refs = append(refs, a.Reference)
	}
	return refs
}

func TestAnExpertInConflictNeverReachesTheApplicationThroughThePagesOrTheAPI(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		w := newCallWorld(t, f)
		ref := w.app.Reference
		conflicted := f.sessionOf(w.conflictedUser.Email)
		token, _, err := f.srv.Auth.CreateAPIToken(callCtx, w.conflictedUser.ID, "scripts", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		// The expert works for the lead and sits on the session that
		// discusses the application: every door answers "not found".
		for _, p := range []string{w.appPath(), w.appPath() + "/review", w.filePath(), w.appPath() + "/letter.pdf"} {
			if res := f.doChecked("GET", p, conflicted, nil, nil); res.Code != http.StatusNotFound || strings.Contains(res.Body.String(), "Capteur") {
				t.Errorf("conflicted expert GET %s: %d", p, res.Code)
			}
		}
		if res := f.do("POST", w.appPath()+"/review", conflicted, url.Values{"scores.innovation": {"5"}, "submit": {"1"}}, nil); res.Code != http.StatusNotFound {
			t.Errorf("conflicted expert scoring: %d", res.Code)
		}
		body := f.doChecked("GET", "/expert", conflicted, nil, nil).Body.String()
		mustNotContain(t, "the conflicted expert's page", body, ref, "Capteur cardiaque")
		mustContain(t, "the conflicted expert's page", body, "Comité de mai")
		body = f.doChecked("GET", "/expert/sessions/"+strconv.FormatInt(w.session.ID, 10), conflicted, nil, nil).Body.String()
		mustContain(t, "the conflicted expert's session", body, "Comité de mai", esc("L'ordre du jour est vide."))
		mustNotContain(t, "the conflicted expert's session", body, ref)
		if refs := expertRefs(t, f, conflicted); len(refs) != 0 {
			t.Errorf("the conflicted expert's workbook lists %v", refs)
		}
		if refs := apiRefs(t, f, token); len(refs) != 0 {
			t.Errorf("the API gives the conflicted expert %v", refs)
		}
		var one apiApplication
		if code := f.api("GET", "/api/v1/applications/"+strconv.FormatInt(w.app.ID, 10), token, nil, &one); code != http.StatusNotFound {
			t.Errorf("GET /api/v1/applications/{id} for the conflicted expert: %d %+v", code, one)
		}

		// The free expert, assigned, finds it everywhere.
		free := f.session("expert")
		freeToken, _, err := f.srv.Auth.CreateAPIToken(callCtx, f.users["expert"].ID, "scripts", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if refs := expertRefs(t, f, free); len(refs) != 1 || refs[0] != ref {
			t.Errorf("the free expert's workbook: %v", refs)
		}
		if refs := apiRefs(t, f, freeToken); len(refs) != 1 || refs[0] != ref {
			t.Errorf("the API gives the free expert %v", refs)
		}
		if res := f.do("GET", w.filePath(), free, nil, nil); res.Code != http.StatusOK {
			t.Errorf("the free expert's download: %d", res.Code)
		}

		// Staff cannot assign the conflicted expert: the page says why.
		staff := f.session("staff")
		adminApp := "/admin/applications/" + strconv.FormatInt(w.app.ID, 10)
		res := f.doChecked("POST", adminApp+"/assign", staff, url.Values{"expert": {strconv.FormatInt(w.conflicted.ID, 10)}}, nil)
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("assigning the conflicted expert: %d", res.Code)
		}
		mustContain(t, "the refused assignment", res.Body.String(), esc("Cet expert est en conflit d'intérêts avec ce dossier"), "Travaille pour Cardiolys")
		as, err := f.srv.Calls.Assignments(callCtx, callStaff, w.app.ID)
		if err != nil || len(as) != 1 || as[0].ExpertID != w.free.ID {
			t.Errorf("assignments after the refusal: %+v %v", as, err)
		}
		// The candidates never offer them; the refusal is logged.
		body = f.doChecked("GET", adminApp, staff, nil, nil).Body.String()
		mustContain(t, "the back office", body, "Journal des exclusions", "Claire Conflit</th><td>Affiliation")
		if strings.Contains(body, `name="expert" value="`+strconv.FormatInt(w.conflicted.ID, 10)+`"><button type="submit" class="button small secondary">Assigner`) {
			t.Error("the conflicted expert is offered as a candidate")
		}

		// An expert declaring a conflict loses the application at once.
		res = f.doChecked("POST", w.appPath()+"/conflict", free, url.Values{"reason": {""}}, nil)
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "Ce champ est obligatoire") {
			t.Errorf("declaring without a reason: %d", res.Code)
		}
		redirectedTo(t, "declaring a conflict", f.do("POST", w.appPath()+"/conflict", free, url.Values{"reason": {"Ancien associé du porteur"}}, nil))
		if res := f.do("GET", w.appPath(), free, nil, nil); res.Code != http.StatusNotFound {
			t.Errorf("after declaring a conflict the expert still reads the application: %d", res.Code)
		}
	})
}

func TestASubmissionOneSecondAfterTheCloseIsRefusedNamingTheCloseInParisTime(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		w := newCallWorld(t, f)
		member := f.viewer(f.users["member"])
		draft, err := f.srv.Calls.CreateDraft(callCtx, member, w.call.ID, calls.ApplicationInput{Title: "Second projet",
			Answers: map[string]string{"budget": "1000"}, Files: map[string]calls.Upload{"annex": {Filename: "a.pdf", Data: aPDF}}})
		if err != nil {
			t.Fatal(err)
		}
		f.srv.Calls.Now = func() time.Time { return w.call.ClosesAt.Add(time.Second) }
		session := f.session("member")
		want := esc("L'appel est clos : les candidatures étaient reçues jusqu'au 30/04/2026 à 12:00 (heure de Paris).")
		res := f.doChecked("POST", applicationPath(draft.ID)+"/submit", session, url.Values{}, nil)
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), want) {
			t.Fatalf("late submission: %d\n%s", res.Code, res.Body.String())
		}
		res = f.doChecked("POST", applicationPath(draft.ID), session, url.Values{"title": {"Second projet modifié"}}, nil)
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), want) {
			t.Errorf("late change: %d", res.Code)
		}
		a, err := f.srv.Calls.Application(callCtx, member, draft.ID)
		if err != nil || a.Status != calls.StatusDraft || a.Title != "Second projet" {
			t.Errorf("the draft after the refusals: %+v %v", a, err)
		}
		// One second before, the same click goes through.
		f.srv.Calls.Now = func() time.Time { return w.call.ClosesAt.Add(-time.Second) }
		redirectedTo(t, "submission before the close", f.do("POST", applicationPath(draft.ID)+"/submit", session, url.Values{}, nil))
		if a, _ := f.srv.Calls.Application(callCtx, member, draft.ID); a.Status != calls.StatusSubmitted {
			t.Errorf("status after a timely submission: %q", a.Status)
		}
	})
}

func TestTheApplicationFormShowsErrorsBesideTheFieldsAndKeepsWhatWasTyped(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		w := newCallWorld(t, f)
		member := f.session("member")
		apply := w.callPath() + "/apply"
		form := url.Values{"title": {"Mon projet"}, "answers.budget": {"beaucoup"}, "partners": {"Zzz Inconnue"}}
		res := f.postMultipart(apply, member, form, "", "", nil)
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("unknown partner: %d", res.Code)
		}
		mustContain(t, "the refused form", res.Body.String(), "Organisation inconnue", "Zzz Inconnue", `value="Mon projet"`)
		form.Set("partners", "Neurovance")
		res = f.postMultipart(apply, member, form, "", "", nil)
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad amount: %d", res.Code)
		}
		mustContain(t, "the refused form", res.Body.String(), "Saisissez un montant en euros", `id="f-answers.budget" name="answers.budget" type="text" inputmode="decimal" value="beaucoup" aria-describedby=" e-answers.budget" aria-invalid="true"`, `value="Neurovance"`)
		apps, err := f.srv.Calls.Applications(callCtx, f.viewer(f.users["member"]), calls.ApplicationFilter{CallID: w.call.ID})
		if err != nil || len(apps) != 1 {
			t.Errorf("a refused form created an application: %d %v", len(apps), err)
		}
		// Submitting a draft missing its document says which.
		form.Set("answers.budget", "12 000")
		form.Set("submit", "1")
		res = f.postMultipart(apply, member, form, "", "", nil)
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("submitting without the document: %d", res.Code)
		}
		mustContain(t, "the refused submission", res.Body.String(), "Ce document est obligatoire", "Enregistrer et déposer")
		apps, _ = f.srv.Calls.Applications(callCtx, f.viewer(f.users["member"]), calls.ApplicationFilter{CallID: w.call.ID, Status: calls.StatusDraft})
		if len(apps) != 1 || apps[0].Title != "Mon projet" || len(apps[0].Partners) != 1 {
			t.Errorf("the draft kept: %+v", apps)
		}
	})
}

// locatedID reads the id at the end of a redirect's location.
func locatedID(t *testing.T, what, loc string) int64 {
	t.Helper()
	loc, _, _ = strings.Cut(loc, "#")
	id, err := strconv.ParseInt(loc[strings.LastIndexByte(loc, '/')+1:], 10, 64)
	if err != nil {
		t.Fatalf("%s: no id in %q", what, loc)
	}
	return id
}

func TestStaffRunACallFromTheEditorToTheLabelAndTheSupportLetter(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		f.srv.Calls.Now = func() time.Time { return callNow }
		staff, member := f.session("staff"), f.session("member")
		if _, err := f.srv.Directory.CreateOrganisation(callCtx, directory.Organisation{Name: "Hôpital Tiers", Kind: "hospital", Membership: "member", Country: "FR"}); err != nil {
			t.Fatal(err)
		}

		// The editor: a refused form keeps the rows, then the call is saved.
		form := url.Values{"type": {"project_label"}, "year": {"2026"}, "title_fr": {"Labellisation Région 2026"},
			"scheme_group": {"Région"}, "scheme": {"Région Innovation"}, "opens_at": {"2026-03-01T00:00"}, "closes_at": {"2026-04-30T12:00"},
			"reviews_due": {"2026-05-20T18:00"}, "audience": {"members"}, "consortium": {"optional"}, "min_partners": {"0"}, "max_partners": {"0"}, "written": {"1"},
			"committee": {"1"}, "evaluators": {"1"}, "vouchers": {"0"}, "label_name": {"Label Santé"}, "label_months": {"24"},
			"renewal": {"none"}, "nfields": {"4"}, "ncriteria": {"2"},
			"fields.0.code": {"budget"}, "fields.0.kind": {"money"}, "fields.0.label_fr": {"Budget"}, "fields.0.required": {"1"},
			"fields.1.code": {"trl"}, "fields.1.kind": {"choice"}, "fields.1.label_fr": {"Maturité"},
			"fields.2.kind": {"text"},
			"fields.3.code": {"annex"}, "fields.3.kind": {"file"}, "fields.3.label_fr": {"Annexe"}, "fields.3.required": {"1"},
			"criteria.0.code": {"innovation"}, "criteria.0.label_fr": {"Innovation"}, "criteria.0.weight": {"2"}, "criteria.0.scale": {"5"},
			"criteria.1.weight": {"1"}, "criteria.1.scale": {"5"}}
		res := f.doChecked("POST", "/admin/calls/new", staff, form, nil)
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("a choice without choices: %d", res.Code)
		}
		mustContain(t, "the refused editor", res.Body.String(), `id="e-fields.1.choices"`, "Une liste de choix compte de 1 à 50 options", `value="Labellisation Région 2026"`, `value="annex"`)
		form.Set("fields.1.choices", "trl4|TRL 4|TRL 4\ntrl6|TRL 6|TRL 6")
		callID := locatedID(t, "new call", redirectedTo(t, "saving the call", f.do("POST", "/admin/calls/new", staff, form, nil)))
		c, err := f.srv.Calls.Call(callCtx, callStaff, callID)
		if err != nil || len(c.Fields) != 3 || len(c.Fields[1].Choices) != 2 || len(c.Criteria) != 1 ||
			!c.ClosesAt.Equal(time.Date(2026, 4, 30, 10, 0, 0, 0, time.UTC)) || !c.ReviewsDue.Equal(time.Date(2026, 5, 20, 16, 0, 0, 0, time.UTC)) || c.Published {
			t.Fatalf("the saved call: %+v %v", c, err)
		}
		if body := f.doChecked("GET", adminCallPath(callID)+"/edit", staff, nil, nil).Body.String(); !strings.Contains(body, `value="2026-04-30T12:00"`) || !strings.Contains(body, `value="2026-05-20T18:00"`) || !strings.Contains(body, "trl6|TRL 6|TRL 6") {
			t.Error("the editor does not show the saved call as typed")
		}
		if res := f.do("GET", "/calls/"+strconv.FormatInt(callID, 10), member, nil, nil); res.Code != http.StatusNotFound {
			t.Errorf("an unpublished call for a member: %d", res.Code)
		}
		redirectedTo(t, "publishing", f.do("POST", adminCallPath(callID)+"/publish", staff, url.Values{}, nil))

		// The pool: an expert of a hospital, and one working for the lead.
		conflictedUser := f.user("conflicted@test.example", "Claire Conflit", auth.RoleExpert, 0)
		redirectedTo(t, "adding the free expert", f.do("POST", "/admin/experts/new", staff, url.Values{"user": {strconv.FormatInt(f.users["expert"].ID, 10)},
			"affiliation": {"Hôpital Tiers"}, "sectors": {"medtech"}, "keywords": {"capteur, cardiologie"}, "max_load": {"5"}, "active": {"1"}}, nil))
		res = f.doChecked("POST", "/admin/experts/new", staff, url.Values{"user": {strconv.FormatInt(conflictedUser.ID, 10)},
			"affiliation": {"Nulle Part"}, "active": {"1"}}, nil)
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "Organisation inconnue") {
			t.Errorf("an unknown affiliation: %d", res.Code)
		}
		redirectedTo(t, "adding the conflicted expert", f.do("POST", "/admin/experts/new", staff, url.Values{"user": {strconv.FormatInt(conflictedUser.ID, 10)},
			"affiliation": {orgValue(f.orgA.ID, "Cardiolys")}, "sectors": {"medtech"}, "active": {"1"}}, nil))
		experts, err := f.srv.Calls.Experts(callCtx, callStaff, true)
		if err != nil || len(experts) != 2 {
			t.Fatalf("the pool: %+v %v", experts, err)
		}
		var free, conflicted calls.Expert
		for _, e := range experts {
			if e.UserID == conflictedUser.ID {
				conflicted = e
			} else {
				free = e
			}
		}
		if conflicted.AffiliationID != f.orgA.ID || len(free.Keywords) != 2 || free.MaxLoad != 5 {
			t.Fatalf("the experts as saved: %+v %+v", free, conflicted)
		}

		// The member applies with every kind of answer and a PDF.
		apply := "/calls/" + strconv.FormatInt(callID, 10) + "/apply"
		if body := f.doChecked("GET", apply, member, nil, nil).Body.String(); !strings.Contains(body, `name="answers.annex" type="file"`) || !strings.Contains(body, `<option value="trl6">TRL 6</option>`) {
			t.Fatal("the application form lacks its fields")
		}
		res = f.postMultipart(apply, member, url.Values{"title": {"Capteur cardiaque implantable"}, "acronym": {"CARDIO"},
			"summary": {"Un capteur pour suivre l'insuffisance cardiaque."}, "lang": {"fr"}, "answers.budget": {"250 000,50"},
			"answers.trl": {"trl6"}, "partners": {"Neurovance", ""}, "submit": {"1"}}, "answers.annex", "annexe technique.pdf", aPDF)
		appID := locatedID(t, "the application", redirectedTo(t, "applying", res))
		mv := f.viewer(f.users["member"])
		a, err := f.srv.Calls.Application(callCtx, mv, appID)
		if err != nil || a.Status != calls.StatusSubmitted || a.Answers["budget"] != "25000050" || a.Answers["trl"] != "trl6" ||
			len(a.Partners) != 1 || a.Partners[0].ID != f.orgB.ID || len(a.Files) != 1 || a.Files[0].ContentType != "application/pdf" {
			t.Fatalf("the submitted application: %+v %v", a, err)
		}
		body := f.doChecked("GET", applicationPath(appID), member, nil, nil).Body.String()
		mustContain(t, "the applicant's page", body, "250\u202f000,50\u00a0€", "TRL 6", "annexe technique.pdf", "Neurovance", "Déposé")

		// Once applications are in, the editor still changes the call's
		// text, but no longer its form.
		edit := callValues(c)
		for _, row := range callFieldRows(c.Fields) {
			p := "fields." + strconv.Itoa(row.Index) + "."
			edit.Set(p+"code", row.Code)
			edit.Set(p+"kind", row.Kind)
			edit.Set(p+"label_fr", row.LabelFR)
			edit.Set(p+"choices", row.Choices)
			if row.Required {
				edit.Set(p+"required", "1")
			}
		}
		for _, row := range callCriterionRows(c.Criteria) {
			for _, col := range []string{"code", "label_fr", "weight", "scale"} {
				edit.Set("criteria."+strconv.Itoa(row.Index)+"."+col, row.Get(col))
			}
		}
		edit.Set("nfields", strconv.Itoa(len(c.Fields)))
		edit.Set("ncriteria", strconv.Itoa(len(c.Criteria)))
		edit.Set("description_fr", "Projets régionaux en santé.")
		redirectedTo(t, "editing the call's text", f.do("POST", adminCallPath(callID)+"/edit", staff, edit, nil))
		edit.Set("fields.0.label_fr", "Budget total HT")
		res = f.doChecked("POST", adminCallPath(callID)+"/edit", staff, edit, nil)
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "le formulaire ne peut plus changer") {
			t.Errorf("changing the form after a submission: %d", res.Code)
		}
		if c, _ := f.srv.Calls.Call(callCtx, callStaff, callID); c.DescriptionFR != "Projets régionaux en santé." || c.Fields[0].LabelFR != "Budget" {
			t.Errorf("the call after the edits: %q %q", c.DescriptionFR, c.Fields[0].LabelFR)
		}

		// Automatic assignment: the free expert, never the conflicted one.
		res = f.doChecked("POST", adminCallPath(callID)+"/assign", staff, url.Values{}, nil)
		if res.Code != http.StatusOK {
			t.Fatalf("automatic assignment: %d", res.Code)
		}
		mustContain(t, "the assignment report", res.Body.String(), "Résultat de l&#39;affectation", "Expert Test", "Dispositifs médicaux (Medtech)",
			"<strong>1</strong> paire(s) écartée(s)", "Chaque dossier a ses experts.")
		as, err := f.srv.Calls.Assignments(callCtx, callStaff, appID)
		if err != nil || len(as) != 1 || as[0].ExpertID != free.ID || as[0].Source != "auto" {
			t.Fatalf("assignments: %+v %v", as, err)
		}

		// The expert scores: a score out of range comes back beside it.
		expert := f.session("expert")
		review := applicationPath(appID) + "/review"
		res = f.doChecked("POST", review, expert, url.Values{"scores.innovation": {"9"}, "comment": {"Très prometteur"}}, nil)
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), `id="e-scores.innovation"`) || !strings.Contains(res.Body.String(), "Très prometteur") {
			t.Fatalf("a score out of range: %d", res.Code)
		}
		redirectedTo(t, "saving the review", f.do("POST", review, expert, url.Values{"scores.innovation": {"4"}, "comments.innovation": {"Solide"}, "comment": {"Très prometteur"}}, nil))
		if body := f.doChecked("GET", "/expert", expert, nil, nil).Body.String(); !strings.Contains(body, "En cours") {
			t.Error("the saved review is not in progress on the expert's page")
		}
		redirectedTo(t, "submitting the review", f.do("POST", review, expert, url.Values{"scores.innovation": {"4"}, "comments.innovation": {"Solide"}, "comment": {"Très prometteur"}, "submit": {"1"}}, nil))
		mustContain(t, "the submitted review", f.doChecked("GET", review, expert, nil, nil).Body.String(), "Envoyée le", "<strong>80</strong>/100", "Solide")
		mustContain(t, "the call's back office", f.doChecked("GET", adminCallPath(callID), staff, nil, nil).Body.String(), "<strong>80</strong>/100")

		// The committee: the conflicted member is recused; no decision
		// without the quorum; then the project is labelled.
		res = f.do("POST", "/admin/sessions/new", staff, url.Values{"title": {"Comité de mai"}, "held_at": {"2026-05-15T14:00"}, "quorum": {"1"},
			"members": {strconv.FormatInt(free.ID, 10), strconv.FormatInt(conflicted.ID, 10)}}, nil)
		sessionID := locatedID(t, "the session", redirectedTo(t, "creating the session", res))
		sp := committeePath(sessionID)
		redirectedTo(t, "adding the item", f.do("POST", sp+"/items", staff, url.Values{"applications": {strconv.FormatInt(appID, 10)}}, nil))
		mustContain(t, "the session's page", f.doChecked("GET", sp, staff, nil, nil).Body.String(), "Claire Conflit (Affiliation)", "15/05/2026 à 14:00")
		decide := url.Values{"application": {strconv.FormatInt(appID, 10)}, "decision": {"labelled"}, "comment": {"Projet solide"}}
		res = f.doChecked("POST", sp+"/decide", staff, decide, nil)
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "Quorum non atteint") {
			t.Fatalf("deciding without the quorum: %d", res.Code)
		}
		// The conflicted member's presence does not make the quorum.
		redirectedTo(t, "presence", f.do("POST", sp+"/presence", staff, url.Values{"expert": {strconv.FormatInt(conflicted.ID, 10)}, "present": {"1"}}, nil))
		if res := f.do("POST", sp+"/decide", staff, decide, nil); res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("deciding with only a recused member present: %d", res.Code)
		}
		redirectedTo(t, "presence", f.do("POST", sp+"/presence", staff, url.Values{"expert": {strconv.FormatInt(free.ID, 10)}, "present": {"1"}}, nil))
		redirectedTo(t, "deciding", f.do("POST", sp+"/decide", staff, decide, nil))
		a, _ = f.srv.Calls.Application(callCtx, mv, appID)
		if a.Decision != calls.DecisionLabelled || a.LabelNumber != "L-2026-0001" {
			t.Fatalf("after the decision: %q %q", a.Decision, a.LabelNumber)
		}
		if res := f.do("GET", sp+"/minutes.pdf", staff, nil, nil); res.Code != http.StatusOK || res.Header().Get("Content-Type") != "application/pdf" {
			t.Errorf("minutes: %d", res.Code)
		}
		redirectedTo(t, "closing the session", f.do("POST", sp+"/close", staff, url.Values{}, nil))

		// The applicant downloads the support letter naming the project,
		// and the certificate; the label is in the public catalogue.
		mustContain(t, "the labelled application", f.doChecked("GET", applicationPath(appID), member, nil, nil).Body.String(), "Labellisé", "L-2026-0001", "Lettre de soutien (FR)")
		res = f.do("GET", applicationPath(appID)+"/letter.pdf?lang=fr", member, nil, nil)
		if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(res.Body.Bytes(), []byte("%PDF-")) {
			t.Fatalf("support letter: %d %q", res.Code, res.Header().Get("Content-Type"))
		}
		if text, ok := pdfText(t, res.Body.Bytes()); ok {
			flat := strings.Join(strings.Fields(text), " ")
			for _, want := range []string{"Capteur cardiaque implantable", "Cardiolys", "Neurovance"} {
				if !strings.Contains(flat, want) {
					t.Errorf("the support letter does not name %q:\n%s", want, text)
				}
			}
		}
		if res := f.do("GET", applicationPath(appID)+"/certificate.pdf", member, nil, nil); res.Code != http.StatusOK || res.Header().Get("Content-Type") != "application/pdf" {
			t.Errorf("certificate: %d", res.Code)
		}
		if res := f.do("GET", applicationPath(appID)+"/letter.pdf", f.sessionOf(conflictedUser.Email), nil, nil); res.Code != http.StatusNotFound {
			t.Errorf("the conflicted expert's letter: %d", res.Code)
		}
		mustContain(t, "the catalogue", f.doChecked("GET", "/labels", "", nil, nil).Body.String(), "Capteur cardiaque implantable", "Label Santé", "15/05/2028")

		// Funding, then the statistics for a funder.
		redirectedTo(t, "funding", f.do("POST", "/admin/applications/"+strconv.FormatInt(appID, 10)+"/funding", staff,
			url.Values{"outcome": {"funded"}, "amount": {"180 000"}, "on": {"2026-09-01"}}, nil))
		funder := f.session("funder")
		mustContain(t, "the statistics", f.doChecked("GET", "/calls/stats?year=2026", funder, nil, nil).Body.String(), "Région Innovation", "100\u00a0%", "180\u202f000\u00a0€")
		res = f.do("GET", "/calls/stats.json?year=2026", funder, nil, nil)
		var st struct {
			Year  int                       `json:"year"`
			Rows  []struct{ Scheme string } `json:"rows"`
			Total struct {
				Received, Labelled, Funded int
				LabellingRate              float64 `json:"labelling_rate"`
			} `json:"total"`
		}
		if res.Code != http.StatusOK || json.Unmarshal(res.Body.Bytes(), &st) != nil || st.Year != 2026 || len(st.Rows) != 1 ||
			st.Rows[0].Scheme != "Région Innovation" || st.Total.Received != 1 || st.Total.Funded != 1 || st.Total.LabellingRate != 1 {
			t.Errorf("stats.json: %d %s", res.Code, res.Body.String())
		}
		if res := f.do("GET", "/calls/stats.xlsx?year=2026", funder, nil, nil); res.Code != http.StatusOK || res.Header().Get("Content-Type") != xlsxType {
			t.Errorf("stats.xlsx: %d", res.Code)
		}
		res = f.do("GET", adminCallPath(callID)+"/applications.xlsx", staff, nil, nil)
		table, _, err := tabular.ReadXLSX(bytes.NewReader(res.Body.Bytes()), 1<<22)
		if res.Code != http.StatusOK || err != nil || len(table.Rows) != 1 {
			t.Fatalf("applications.xlsx: %d %v", res.Code, err)
		}
		cols, _, _ := tabular.MapHeader(table.Header, map[string][]string{"score": {"Note pondérée /100"}, "budget": {"Budget"}})
		if got := cols.Get(table.Rows[0], "score"); got != "80" {
			t.Errorf("the export's score: %q", got)
		}
		if got := cols.Get(table.Rows[0], "budget"); !strings.Contains(got, "250") {
			t.Errorf("the export's budget: %q\n%q\n%q", got, table.Header, table.Rows[0].Cells)
		}
	})
}

func TestAVoucherSessionRanksByScoreAndAppliesTheCutOff(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		f.srv.Calls.Now = func() time.Time { return callNow }
		c, err := f.srv.Calls.CreateCall(callCtx, calls.Call{Type: calls.TypeVoucher, TitleFR: "Chèques innovation 2026", Year: 2026,
			OpensAt: callNow.Add(-time.Hour), ClosesAt: callNow.AddDate(0, 1, 0), Audience: calls.AudienceAll,
			Consortium: calls.ConsortiumSingle, Committee: true, Vouchers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.srv.Calls.Publish(callCtx, c.ID, true); err != nil {
			t.Fatal(err)
		}
		other := f.user("other@test.example", "Other Member", auth.RoleMember, f.orgB.ID)
		var apps []calls.Application
		for i, u := range []auth.User{f.users["member"], other} {
			v := f.viewer(u)
			a, err := f.srv.Calls.CreateDraft(callCtx, v, c.ID, calls.ApplicationInput{Title: "Projet " + strconv.Itoa(i+1)})
			if err != nil {
				t.Fatal(err)
			}
			f.srv.Calls.Now = func() time.Time { return callNow.Add(time.Duration(i) * time.Minute) }
			if a, err = f.srv.Calls.Submit(callCtx, v, a.ID); err != nil {
				t.Fatal(err)
			}
			apps = append(apps, a)
		}
		jury := f.expertOf(f.users["expert"], 0, "medtech")
		staff := f.session("staff")
		res := f.do("POST", "/admin/sessions/new", staff, url.Values{"title": {"Jury des chèques"}, "held_at": {"2026-04-02T10:00"},
			"quorum": {"1"}, "members": {strconv.FormatInt(jury.ID, 10)}}, nil)
		sp := committeePath(locatedID(t, "the session", redirectedTo(t, "creating the session", res)))
		body := f.doChecked("GET", sp, staff, nil, nil).Body.String()
		mustContain(t, "the session's candidates", body, apps[0].Reference+" — Projet 1", "Chèques innovation 2026")
		redirectedTo(t, "adding the items", f.do("POST", sp+"/items", staff, url.Values{"applications": {strconv.FormatInt(apps[0].ID, 10), strconv.FormatInt(apps[1].ID, 10)}}, nil))
		body = f.doChecked("GET", sp, staff, nil, nil).Body.String()
		mustContain(t, "the ranking", body, "Classements des chèques", "1 chèque(s) disponible(s)", esc("À score égal, le dossier déposé le premier passe devant."), "Chèque attribué")
		redirectedTo(t, "presence", f.do("POST", sp+"/presence", staff, url.Values{"expert": {strconv.FormatInt(jury.ID, 10)}, "present": {"1"}}, nil))
		redirectedTo(t, "applying the ranking", f.do("POST", sp+"/ranking", staff, url.Values{"call": {strconv.FormatInt(c.ID, 10)}}, nil))
		for i, want := range []string{calls.DecisionLabelled, calls.DecisionNotLabelled} {
			a, err := f.srv.Calls.Application(callCtx, callStaff, apps[i].ID)
			if err != nil || a.Decision != want {
				t.Errorf("application %d after the ranking: %q %v", i+1, a.Decision, err)
			}
		}
		mustContain(t, "the decided session", f.doChecked("GET", sp, staff, nil, nil).Body.String(), "Chèque non attribué", "1 votant(s)")
	})
}

func TestTheHolderOfALabelRenewsItThroughTheNextCall(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		w := newCallWorld(t, f)
		s := f.srv.Calls
		// Labelled in the May session (the free expert present).
		if err := s.SetPresent(callCtx, callStaff, w.session.ID, w.free.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := s.Decide(callCtx, callStaff, w.session.ID, w.app.ID, calls.DecisionLabelled, ""); err != nil {
			t.Fatal(err)
		}
		member := f.session("member")
		body := f.doChecked("GET", w.appPath(), member, nil, nil).Body.String()
		if strings.Contains(body, "/renew") {
			t.Fatal("a renewal is offered while no renewal call is open")
		}
		// Two years on, the label's next call is open.
		later := callNow.AddDate(2, 0, -1)
		s.Now = func() time.Time { return later }
		next := testCall()
		next.TitleFR, next.Year, next.Renewal = "Renouvellement Label Santé Innovation", 2028, calls.RenewalWritten
		next.OpensAt, next.ClosesAt = later.Add(-time.Hour), later.AddDate(0, 1, 0)
		nc, err := s.CreateCall(callCtx, next)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Publish(callCtx, nc.ID, true); err != nil {
			t.Fatal(err)
		}
		body = f.doChecked("GET", w.appPath(), member, nil, nil).Body.String()
		mustContain(t, "the renewal offer", body, "Renouveler le label", esc("Renouveler via « Renouvellement Label Santé Innovation »"))
		// Another member reads nothing and renews nothing.
		if res := f.do("POST", w.appPath()+"/renew", f.sessionOf(w.other.Email), url.Values{"call": {strconv.FormatInt(nc.ID, 10)}}, nil); res.Code != http.StatusNotFound {
			t.Fatalf("another member's renewal = %d", res.Code)
		}
		to := redirectedTo(t, "renewing", f.do("POST", w.appPath()+"/renew", member, url.Values{"call": {strconv.FormatInt(nc.ID, 10)}}, nil))
		draftID := locatedID(t, "the renewal draft", to)
		d, err := s.Application(callCtx, f.viewer(f.users["member"]), draftID)
		if err != nil {
			t.Fatal(err)
		}
		if d.RenewalOf != w.app.ID || d.Status != calls.StatusDraft || d.Title != w.app.Title || d.CallID != nc.ID {
			t.Fatalf("renewal draft: %+v", d)
		}
	})
}

func TestStaffPutTheClusterLogoOnTheLetterhead(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		staff := f.session("staff")
		var png bytes.Buffer
		img := image.NewRGBA(image.Rect(0, 0, 40, 20))
		img.Set(3, 3, color.RGBA{0x1f, 0x4e, 0x79, 0xff})
		if err := pngenc.Encode(&png, img); err != nil {
			t.Fatal(err)
		}
		fields := url.Values{"cluster_name": {"Pôle Santé"}, "reminder_days": {"90"}, "letter_fr": {letters.DefaultSupportLetter("fr")},
			"letter_en": {letters.DefaultSupportLetter("en")}}
		// Not an image: refused beside the field, nothing saved.
		res := f.postMultipart("/admin/calls/settings", staff, fields, "logo", "logo.png", []byte("not an image"))
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "PNG ou JPEG") {
			t.Fatalf("a bad logo: %d", res.Code)
		}
		if res := f.do("GET", "/admin/calls/settings/logo", staff, nil, nil); res.Code != http.StatusNotFound {
			t.Fatalf("logo before any upload = %d", res.Code)
		}
		redirectedTo(t, "saving the logo", f.postMultipart("/admin/calls/settings", staff, fields, "logo", "logo.png", png.Bytes()))
		res = f.doChecked("GET", "/admin/calls/settings/logo", staff, nil, nil)
		if res.Header().Get("Content-Type") != "image/png" || !bytes.Equal(res.Body.Bytes(), png.Bytes()) {
			t.Fatalf("logo served as %q, %d bytes", res.Header().Get("Content-Type"), res.Body.Len())
		}
		// Saving the form again without a file keeps it; the box removes it.
		redirectedTo(t, "saving without a file", f.postMultipart("/admin/calls/settings", staff, fields, "", "", nil))
		st, err := f.srv.Calls.Settings(callCtx)
		if err != nil || !bytes.Equal(st.Logo, png.Bytes()) {
			t.Fatalf("logo lost on a save without a file: %v", err)
		}
		fields.Set("remove_logo", "1")
		redirectedTo(t, "removing the logo", f.postMultipart("/admin/calls/settings", staff, fields, "", "", nil))
		if st, _ := f.srv.Calls.Settings(callCtx); st.Logo != nil {
			t.Fatal("the logo stayed")
		}
		if res := f.do("GET", "/admin/calls/settings/logo", f.session("member"), nil, nil); res.Code != http.StatusForbidden && res.Code != http.StatusNotFound {
			t.Fatalf("a member reads the logo route: %d", res.Code)
		}
	})
}
