package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"filiere/internal/mail"
)

// roles, in the order of the expectation strings below.
var policyRoles = []string{"anonymous", "admin", "staff", "member", "buyer", "expert", "funder"}

// routePolicy says, for every registered route, which roles get through
// (A) and which are refused (D), in the order of policyRoles. A route added
// without a row here fails TestEveryRouteHasAPolicyRowAndEachRoleGetsItsAnswer.
var routePolicy = map[string]string{
	"GET /{$}":                                 "AAAAAAA",
	"GET /static/{hash}/{name}":                "AAAAAAA",
	"GET /healthz":                             "AAAAAAA",
	"GET /metrics":                             "DAADDDD",
	"POST /lang":                               "AAAAAAA",
	"GET /login":                               "AAAAAAA",
	"POST /login":                              "AAAAAAA",
	"GET /forgot":                              "AAAAAAA",
	"POST /forgot":                             "AAAAAAA",
	"GET /reset/{token}":                       "AAAAAAA",
	"POST /reset/{token}":                      "AAAAAAA",
	"/":                                        "AAAAAAA",
	"POST /logout":                             "DAAAAAA",
	"GET /dashboard":                           "DAAAAAA",
	"GET /account":                             "DAAAAAA",
	"POST /account":                            "DAAAAAA",
	"POST /account/password":                   "DAAAAAA",
	"POST /account/tokens":                     "DAAAAAA",
	"POST /account/tokens/{id}/revoke":         "DAAAAAA",
	"POST /account/logout-everywhere":          "DAAAAAA",
	"GET /organisations":                       "AAAAAAA",
	"GET /organisations/new":                   "DAADDDD",
	"POST /organisations/new":                  "DAADDDD",
	"GET /organisations/import":                "DAADDDD",
	"POST /organisations/import":               "DAADDDD",
	"GET /organisations/import/template":       "DAADDDD",
	"GET /organisations/{id}":                  "AAAAAAA",
	"GET /organisations/{id}/edit":             "DAAADDD", // the member's own organisation
	"POST /organisations/{id}/edit":            "DAAADDD",
	"GET /admin/changes":                       "DAADDDD",
	"GET /admin/taxonomy":                      "DAADDDD",
	"POST /admin/taxonomy/{vocabulary}":        "DAADDDD",
	"POST /admin/taxonomy/{vocabulary}/merge":  "DAADDDD",
	"POST /admin/changes/{id}/accept":          "DAADDDD",
	"POST /admin/changes/{id}/reject":          "DAADDDD",
	"GET /coverage":                            "AAAAAAA",
	"POST /organisations/searches":             "DAAAAAA",
	"POST /organisations/searches/{id}/delete": "DAAAAAA",
	"GET /organisations/booklet.pdf":           "AAAAAAA",
	"GET /organisations/export.csv":            "AAAAAAA",
	"GET /organisations/export.xlsx":           "AAAAAAA",
	"GET /organisations/{id}/logo":             "AAAAAAA",
	"POST /organisations/{id}/logo":            "DAAADDD",
	"GET /admin/users":                         "DAADDDD",
	"GET /admin/users/new":                     "DADDDDD",
	"POST /admin/users/new":                    "DADDDDD",
	"GET /admin/users/{id}":                    "DAADDDD",
	"POST /admin/users/{id}":                   "DADDDDD",
	"POST /admin/users/{id}/disable":           "DADDDDD",
	"POST /admin/users/{id}/enable":            "DADDDDD",
	"POST /admin/users/{id}/reset":             "DADDDDD",
	"POST /admin/users/{id}/logout-everywhere": "DADDDDD",
	"GET /admin/audit":                         "DAADDDD",
	"GET /admin/operations":                    "DAADDDD",
	"GET /api/v1/me":                           "DAAAAAA",
	"GET /api/v1/organisations":                "AAAAAAA",
	"GET /api/v1/organisations/{id}":           "AAAAAAA",
	"POST /api/v1/needs":                       "DAAAADD",
	"GET /api/v1/needs":                        "DAAAAAA",
	"GET /api/v1/needs/{id}":                   "DAAAAAA",
	"GET /api/v1/introductions":                "DAAAAAA",
	"/api/":                                    "AAAAAAA",
	// The business desk's pages (needs.go): the signed links are public,
	// the domain checks their token (404 otherwise).
	"GET /needs/post":                                "AAAAAAA",
	"POST /needs/post":                               "AAAAAAA",
	"GET /needs/posted":                              "AAAAAAA",
	"GET /needs/verify/{token}":                      "AAAAAAA",
	"GET /needs/track/{token}":                       "AAAAAAA",
	"POST /needs/track/{token}/decide/{cid}":         "AAAAAAA",
	"POST /needs/track/{token}/outcome/{cid}":        "AAAAAAA",
	"GET /needs/track/{token}/attachments/{aid}":     "AAAAAAA",
	"GET /needs/respond/{token}":                     "AAAAAAA",
	"POST /needs/respond/{token}":                    "AAAAAAA",
	"POST /needs/respond/{token}/outcome":            "AAAAAAA",
	"GET /needs/respond/{token}/attachments/{aid}":   "AAAAAAA",
	"GET /needs":                                     "DAAAAAA",
	"GET /needs/new":                                 "DAAAADD",
	"POST /needs/new":                                "DAAAADD",
	"GET /needs/{id}":                                "DAAAAAA", // the domain answers 404 to whoever is neither its buyer nor shortlisted
	"GET /needs/{id}/attachments/{aid}":              "DAAAAAA",
	"POST /needs/{id}/{action}":                      "DAAAAAA",
	"POST /needs/{id}/{action}/{cid}":                "DAAAAAA",
	"GET /admin/needs":                               "DAADDDD",
	"GET /admin/needs/new":                           "DAADDDD",
	"POST /admin/needs/new":                          "DAADDDD",
	"GET /admin/needs/stats":                         "DAADDDD",
	"GET /admin/needs/stats.xlsx":                    "DAADDDD",
	"GET /admin/needs/settings":                      "DAADDDD",
	"POST /admin/needs/settings":                     "DAADDDD",
	"GET /admin/needs/{id}":                          "DAADDDD",
	"POST /admin/needs/{id}/propose":                 "DAADDDD",
	"POST /admin/needs/{id}/candidates":              "DAADDDD",
	"POST /admin/needs/{id}/candidates/{org}/note":   "DAADDDD",
	"POST /admin/needs/{id}/candidates/{org}/remove": "DAADDDD",
	"POST /admin/needs/{id}/shortlist":               "DAADDDD",
	"POST /admin/needs/{id}/close":                   "DAADDDD",
	"POST /admin/needs/{id}/reopen":                  "DAADDDD",
	"GET /notifications":                             "DAAAAAA",
	"POST /notifications/read":                       "DAAAAAA",
	"POST /notifications/{id}/read":                  "DAAAAAA",
	// Events (events.go): the domain decides who sees which event (404
	// otherwise) and checks the mailed links' tokens.
	"GET /events":                                          "AAAAAAA",
	"GET /events/calendar":                                 "AAAAAAA",
	"GET /events/calendar.ics":                             "AAAAAAA",
	"GET /events/{id}":                                     "AAAAAAA",
	"GET /events/{key}/{rest}":                             "AAAAAAA",
	"POST /events/{id}/register":                           "AAAAAAA",
	"POST /events/{id}/cancel":                             "DAAAAAA",
	"POST /events/registration/{token}/cancel":             "AAAAAAA",
	"GET /my/events":                                       "DAAAAAA",
	"GET /admin/events":                                    "DAADDDD",
	"GET /admin/events/new":                                "DAADDDD",
	"POST /admin/events/new":                               "DAADDDD",
	"GET /admin/events/stats":                              "DAADDDD",
	"GET /admin/events/stats.xlsx":                         "DAADDDD",
	"GET /admin/events/{id}":                               "DAADDDD",
	"GET /admin/events/{id}/edit":                          "DAADDDD",
	"POST /admin/events/{id}/edit":                         "DAADDDD",
	"POST /admin/events/{id}/publish":                      "DAADDDD",
	"POST /admin/events/{id}/cancel":                       "DAADDDD",
	"POST /admin/events/{id}/delete":                       "DAADDDD",
	"POST /admin/events/{id}/sessions":                     "DAADDDD",
	"GET /admin/events/{id}/sessions/{sid}":                "DAADDDD",
	"POST /admin/events/{id}/sessions/{sid}":               "DAADDDD",
	"POST /admin/events/{id}/sessions/{sid}/delete":        "DAADDDD",
	"POST /admin/events/{id}/exhibitors":                   "DAADDDD",
	"POST /admin/events/{id}/exhibitors/{org}/remove":      "DAADDDD",
	"POST /admin/events/{id}/sponsors":                     "DAADDDD",
	"POST /admin/events/{id}/sponsors/{org}/remove":        "DAADDDD",
	"POST /admin/events/{id}/recordings":                   "DAADDDD",
	"POST /admin/events/{id}/recordings/{rid}/delete":      "DAADDDD",
	"POST /admin/events/{id}/registrations":                "DAADDDD",
	"POST /admin/events/{id}/registrations/{rid}/category": "DAADDDD",
	"POST /admin/events/{id}/registrations/{rid}/invoice":  "DAADDDD",
	"POST /admin/events/{id}/registrations/{rid}/cancel":   "DAADDDD",
	"GET /admin/events/{id}/registrations.xlsx":            "DAADDDD",
	"GET /admin/events/{id}/badges.pdf":                    "DAADDDD",
	"GET /admin/events/{id}/stats.xlsx":                    "DAADDDD",
	"GET /admin/events/{id}/checkin":                       "DAADDDD",
	"POST /admin/events/{id}/checkin/{rid}":                "DAADDDD",
	"POST /admin/events/{id}/checkin/{rid}/undo":           "DAADDDD",

	// Surveys (surveys.go): the questionnaire's link is public, the domain
	// checks its signature (404 otherwise).
	"GET /surveys/respond/{token}":          "AAAAAAA",
	"POST /surveys/respond/{token}":         "AAAAAAA",
	"GET /admin/surveys":                    "DAADDDD",
	"GET /admin/surveys/new":                "DAADDDD",
	"POST /admin/surveys/new":               "DAADDDD",
	"GET /admin/surveys/{id}":               "DAADDDD",
	"GET /admin/surveys/{id}/edit":          "DAADDDD",
	"POST /admin/surveys/{id}/edit":         "DAADDDD",
	"POST /admin/surveys/{id}/open":         "DAADDDD",
	"POST /admin/surveys/{id}/close":        "DAADDDD",
	"POST /admin/surveys/{id}/delete":       "DAADDDD",
	"POST /admin/surveys/{id}/invitations":  "DAADDDD",
	"POST /admin/surveys/{id}/participants": "DAADDDD",
	"POST /admin/surveys/{id}/uninvite":     "DAADDDD",
	"POST /admin/surveys/{id}/remind":       "DAADDDD",
	"GET /admin/surveys/{id}/results":       "DAADDDD",
	"GET /admin/surveys/{id}/results.xlsx":  "DAADDDD",
	"GET /admin/surveys/{id}/answers.xlsx":  "DAADDDD",

	// Business meetings (meetings.go, meetings_admin.go): the domain finds
	// the signed-in user's registration or checks the signed link (404
	// otherwise).
	"GET /events/{id}/meetings":                                   "DAAAAAA",
	"GET /events/{id}/meetings/agenda":                            "DAAAAAA",
	"POST /events/{id}/meetings/profile":                          "DAAAAAA",
	"POST /events/{id}/meetings/optout":                           "DAAAAAA",
	"POST /events/{id}/meetings/requests":                         "DAAAAAA",
	"POST /events/{id}/meetings/requests/{rid}/{action}":          "DAAAAAA",
	"GET /meetings/{token}":                                       "AAAAAAA",
	"GET /meetings/{token}/agenda":                                "AAAAAAA",
	"GET /meetings/{token}/agenda.ics":                            "AAAAAAA",
	"GET /meetings/{token}/agenda.pdf":                            "AAAAAAA",
	"POST /meetings/{token}/profile":                              "AAAAAAA",
	"POST /meetings/{token}/optout":                               "AAAAAAA",
	"POST /meetings/{token}/requests":                             "AAAAAAA",
	"POST /meetings/{token}/requests/{rid}/{action}":              "AAAAAAA",
	"GET /admin/events/{id}/meetings":                             "DAADDDD",
	"POST /admin/events/{id}/meetings/setup":                      "DAADDDD",
	"POST /admin/events/{id}/meetings/requests":                   "DAADDDD",
	"POST /admin/events/{id}/meetings/requests/{rid}/priority":    "DAADDDD",
	"POST /admin/events/{id}/meetings/schedule":                   "DAADDDD",
	"POST /admin/events/{id}/meetings/publish":                    "DAADDDD",
	"GET /admin/events/{id}/meetings/plan.xlsx":                   "DAADDDD",
	"POST /admin/events/{id}/meetings/appointments/{aid}/outcome": "DAADDDD",
}

// untranslated finds a message key left raw in a page (i18n.T returns an
// unknown key as is).
var untranslated = regexp.MustCompile(`[> ]((layout|nav|login|forgot|reset|account|users|audit|operations|org|organisations|home|dashboard|flash|error|filter|list|action|auth|directory|validate|import|changes|taxonomy|coverage|booklet|needs|notifications|matchmaking|events|eventsweb|surveys|surveysweb|meetingsweb|programme|calls|callsweb)\.[a-z_0-9]+(\.[a-z_0-9]+)*)[<"\s]`)

// concretePath turns a route pattern into a request for the fixture.
func (f *fixture) concretePath(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = http.MethodGet, pattern
	}
	switch path {
	case "/":
		path = "/no-such-page"
	case "/api/":
		path = "/api/v1/no-such-thing"
	}
	path = strings.TrimSuffix(path, "{$}")
	id := "1"
	switch {
	case strings.HasPrefix(path, "/organisations/"), strings.HasPrefix(path, "/api/v1/organisations/"):
		id = strconv.FormatInt(f.orgA.ID, 10)
	case strings.HasPrefix(path, "/admin/users/"):
		id = strconv.FormatInt(f.users["target"].ID, 10)
	}
	style := f.srv.assets.URL("style.css")
	hash := strings.Split(style, "/")[2]
	r := strings.NewReplacer("{vocabulary}", "bricks", "{id}", id, "{token}", "not-a-real-token", "{hash}", hash, "{name}", "style.css",
		"{action}", "respond", "{cid}", "1", "{aid}", "1", "{org}", "1",
		"{key}", "1", "{rest}", "calendar.ics", "{sid}", "1", "{rid}", "1")
	return method, r.Replace(path)
}

// denied tells whether a response is the policy's refusal.
func denied(code int, location string) bool {
	return code == http.StatusForbidden || code == http.StatusUnauthorized ||
		(code == http.StatusSeeOther && strings.HasPrefix(location, "/login?next="))
}

func TestEveryRouteHasAPolicyRowAndEachRoleGetsItsAnswer(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		seen := map[string]bool{}
		for _, rt := range f.srv.Routes() {
			seen[rt.Pattern] = true
			want, ok := routePolicy[rt.Pattern]
			if !ok {
				t.Errorf("route %q has no row in routePolicy: add one saying which roles may use it", rt.Pattern)
				continue
			}
			method, path := f.concretePath(rt.Pattern)
			for i, role := range policyRoles {
				var form url.Values
				if method == http.MethodPost {
					form = url.Values{}
				}
				w := f.do(method, path, f.session(role), form, nil)
				got := denied(w.Code, w.Header().Get("Location"))
				if wantDenied := want[i] == 'D'; got != wantDenied {
					t.Errorf("%s %s as %s: status %d (location %q), want %s", method, path, role, w.Code, w.Header().Get("Location"), map[bool]string{true: "refused", false: "allowed"}[wantDenied])
				}
				if m := untranslated.FindString(w.Body.String()); m != "" && strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
					t.Errorf("%s %s as %s: untranslated message key %q in the page", method, path, role, m)
				}
				if w.Code >= 500 {
					t.Errorf("%s %s as %s: status %d", method, path, role, w.Code)
				}
			}
		}
		for p := range routePolicy {
			if !seen[p] {
				t.Errorf("routePolicy row %q matches no registered route", p)
			}
		}
	})
}

func TestMemberCannotEditAnotherOrganisation(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		member := f.session("member")
		other := "/organisations/" + strconv.FormatInt(f.orgB.ID, 10) + "/edit"
		if w := f.do("GET", other, member, nil, nil); w.Code != http.StatusForbidden {
			t.Errorf("GET %s as member of another org: %d, want 403", other, w.Code)
		}
		w := f.do("POST", other, member, url.Values{"name": {"Hijacked"}}, nil)
		if w.Code != http.StatusForbidden {
			t.Errorf("POST %s as member of another org: %d, want 403", other, w.Code)
		}
		o, err := f.srv.Directory.Organisation(t.Context(), f.orgB.ID)
		if err != nil || o.Name != "Neurovance" {
			t.Errorf("organisation B after refused edit: %q, %v", o.Name, err)
		}
		own := "/organisations/" + strconv.FormatInt(f.orgA.ID, 10)
		w = f.do("POST", own+"/edit", member, url.Values{"name": {"Cardiolys Medical"}, "sectors": {"medtech"}, "country": {"FR"}, "kind": {"large"}}, nil)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("member editing own organisation: %d\n%s", w.Code, w.Body.String())
		}
		// The name is public: it waits for the staff, shown as a diff.
		o, _ = f.srv.Directory.Organisation(t.Context(), f.orgA.ID)
		if o.Name != "Cardiolys" {
			t.Errorf("a member's public edit was published before validation: %q", o.Name)
		}
		staff := f.session("staff")
		page := f.do("GET", "/admin/changes", staff, nil, nil).Body.String()
		if !strings.Contains(page, "<del>Cardiolys</del>") || !strings.Contains(page, "<ins>Cardiolys Medical</ins>") {
			t.Fatalf("the approvals page does not show the diff:\n%s", page)
		}
		// The member sees that the edit waits, and what it changes.
		if body := f.do("GET", own, member, nil, nil).Body.String(); !strings.Contains(body, "en attente de validation") || !strings.Contains(body, "<li>Nom</li>") {
			t.Errorf("the member's page does not say the edit waits:\n%s", body)
		}
		changes, err := f.srv.Directory.PendingChanges(t.Context(), f.orgA.ID)
		if err != nil || len(changes) != 1 {
			t.Fatalf("pending: %v %v", changes, err)
		}
		accept := "/admin/changes/" + strconv.FormatInt(changes[0].ID, 10) + "/accept"
		if w := f.do("POST", accept, member, url.Values{}, nil); w.Code != http.StatusForbidden {
			t.Errorf("a member accepting their own change: %d", w.Code)
		}
		if w := f.do("POST", accept, staff, url.Values{}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("staff accepting: %d", w.Code)
		}
		// The member hears of the decision, in their language.
		sent, err := mail.Recent(t.Context(), f.d, 10)
		if err != nil || len(sent) == 0 || sent[0].To != f.users["member"].Email || !strings.Contains(sent[0].Subject, "vos modifications sont publiées") {
			t.Errorf("decision mail: %+v %v", sent, err)
		}
		o, _ = f.srv.Directory.Organisation(t.Context(), f.orgA.ID)
		if o.Name != "Cardiolys Medical" || o.Kind != "sme" {
			t.Errorf("after member edit: name %q kind %q (members may not change the kind)", o.Name, o.Kind)
		}
	})
}

func TestUntranslatedKeyDetectorFindsRawKeys(t *testing.T) {
	if untranslated.FindString("<h1>nav.home</h1>") == "" || untranslated.FindString(`<td>directory.membership.member</td>`) == "" {
		t.Error("raw keys not detected")
	}
	if m := untranslated.FindString(`<td>admin@test.example</td><a href="/organisations/1">x</a>`); m != "" {
		t.Errorf("false positive %q", m)
	}
}
