package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/auth"
	"filiere/internal/calls"
	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

// callRoutes registers the calls for projects: the public calls and label
// catalogue, the applicants' pages, the experts' pages, the staff's back
// office, the statistics and the JSON API. The domain decides who reads
// what (404 otherwise, also for an expert in conflict of interest); the
// policy only keeps each role to its pages.
func (s *Server) callRoutes() {
	// Public, and applicants (members and buyers).
	s.handle("GET /calls", auth.ActPublic, s.callList)
	s.handle("GET /calls/{id}", auth.ActPublic, s.callPage)
	s.handle("GET /calls/{id}/apply", auth.ActCallsApply, s.applyForm)
	s.handle("POST /calls/{id}/apply", auth.ActCallsApply, s.apply)
	s.handle("GET /applications", auth.ActCallsApply, s.myApplications)
	s.handle("GET /applications/{id}", auth.ActSignedIn, s.applicationPage)
	s.handle("POST /applications/{id}", auth.ActCallsApply, s.updateApplication)
	s.handle("POST /applications/{id}/submit", auth.ActCallsApply, s.submitApplication)
	s.handle("POST /applications/{id}/withdraw", auth.ActCallsApply, s.withdrawApplication)
	s.handle("POST /applications/{id}/renew", auth.ActCallsApply, s.renewLabel)
	s.handle("GET /applications/{id}/files/{aid}", auth.ActSignedIn, s.applicationFile)
	s.handle("GET /applications/{id}/letter.pdf", auth.ActSignedIn, s.supportLetterPDF)
	s.handle("GET /applications/{id}/certificate.pdf", auth.ActSignedIn, s.certificatePDF)
	s.handle("GET /labels", auth.ActPublic, s.labelCatalogue)
	s.handle("GET /labels.pdf", auth.ActPublic, s.labelCataloguePDF)

	// Experts.
	s.handle("GET /expert", auth.ActCallsEvaluate, s.expertHome)
	s.handle("GET /expert/assignments.xlsx", auth.ActCallsEvaluate, s.expertAssignmentsXLSX)
	s.handle("GET /expert/sessions/{id}", auth.ActCallsEvaluate, s.expertCommittee)
	s.handle("GET /applications/{id}/review", auth.ActCallsEvaluate, s.reviewPage)
	s.handle("POST /applications/{id}/review", auth.ActCallsEvaluate, s.saveReview)
	s.handle("POST /applications/{id}/conflict", auth.ActCallsEvaluate, s.declareConflict)

	// Statistics: staff and funders.
	s.handle("GET /calls/stats", auth.ActCallsStats, s.callStats)
	s.handle("GET /calls/stats.xlsx", auth.ActCallsStats, s.callStatsXLSX)
	s.handle("GET /calls/stats.json", auth.ActCallsStats, s.callStatsJSON)

	// Staff: calls, applications, experts, sessions, settings.
	s.handle("GET /admin/calls", auth.ActCallsManage, s.adminCalls)
	s.handle("GET /admin/calls/new", auth.ActCallsManage, s.newCallForm)
	s.handle("POST /admin/calls/new", auth.ActCallsManage, s.createCall)
	s.handle("GET /admin/calls/settings", auth.ActCallsManage, s.callSettingsForm)
	s.handle("POST /admin/calls/settings", auth.ActCallsManage, s.saveCallSettings)
	s.handle("GET /admin/calls/settings/logo", auth.ActCallsManage, s.callSettingsLogo)
	s.handle("GET /admin/calls/{id}", auth.ActCallsManage, s.adminCall)
	s.handle("GET /admin/calls/{id}/edit", auth.ActCallsManage, s.editCallForm)
	s.handle("POST /admin/calls/{id}/edit", auth.ActCallsManage, s.updateCall)
	s.handle("POST /admin/calls/{id}/publish", auth.ActCallsManage, s.publishCall)
	s.handle("POST /admin/calls/{id}/unpublish", auth.ActCallsManage, s.unpublishCall)
	s.handle("POST /admin/calls/{id}/assign", auth.ActCallsManage, s.autoAssign)
	s.handle("GET /admin/calls/{id}/applications.xlsx", auth.ActCallsManage, s.callApplicationsXLSX)
	s.handle("GET /admin/applications/{id}", auth.ActCallsManage, s.adminApplication)
	s.handle("POST /admin/applications/{id}/preselect", auth.ActCallsManage, s.preselectApplication)
	s.handle("POST /admin/applications/{id}/assign", auth.ActCallsManage, s.assignExpert)
	s.handle("POST /admin/applications/{id}/unassign", auth.ActCallsManage, s.unassignExpert)
	s.handle("POST /admin/applications/{id}/conflicts", auth.ActCallsManage, s.recordConflict)
	s.handle("POST /admin/applications/{id}/conflicts/clear", auth.ActCallsManage, s.clearConflict)
	s.handle("POST /admin/applications/{id}/funding", auth.ActCallsManage, s.recordFunding)
	s.handle("GET /admin/experts", auth.ActCallsManage, s.adminExperts)
	s.handle("GET /admin/experts/new", auth.ActCallsManage, s.newExpertForm)
	s.handle("POST /admin/experts/new", auth.ActCallsManage, s.createExpert)
	s.handle("GET /admin/experts/{id}/edit", auth.ActCallsManage, s.editExpertForm)
	s.handle("POST /admin/experts/{id}/edit", auth.ActCallsManage, s.updateExpert)
	s.handle("GET /admin/sessions", auth.ActCallsManage, s.adminCommittees)
	s.handle("GET /admin/sessions/new", auth.ActCallsManage, s.newCommitteeForm)
	s.handle("POST /admin/sessions/new", auth.ActCallsManage, s.createCommittee)
	s.handle("GET /admin/sessions/{id}", auth.ActCallsManage, s.adminCommittee)
	s.handle("GET /admin/sessions/{id}/edit", auth.ActCallsManage, s.editCommitteeForm)
	s.handle("POST /admin/sessions/{id}/edit", auth.ActCallsManage, s.updateCommittee)
	s.handle("POST /admin/sessions/{id}/presence", auth.ActCallsManage, s.committeePresence)
	s.handle("POST /admin/sessions/{id}/items", auth.ActCallsManage, s.addCommitteeItems)
	s.handle("POST /admin/sessions/{id}/items/remove", auth.ActCallsManage, s.removeCommitteeItem)
	s.handle("POST /admin/sessions/{id}/decide", auth.ActCallsManage, s.decideCommitteeItem)
	s.handle("POST /admin/sessions/{id}/ranking", auth.ActCallsManage, s.applyCommitteeRanking)
	s.handle("POST /admin/sessions/{id}/close", auth.ActCallsManage, s.closeCommittee)
	s.handle("GET /admin/sessions/{id}/minutes.pdf", auth.ActCallsManage, s.committeeMinutesPDF)

	// JSON API (docs/api.md).
	s.handleAPI("GET /api/v1/calls", auth.ActPublic, s.apiCalls)
	s.handleAPI("GET /api/v1/applications", auth.ActSignedIn, s.apiApplications)
	s.handleAPI("GET /api/v1/applications/{id}", auth.ActSignedIn, s.apiApplication)
}

// callViewer is the request's viewer of the calls, in the page's language.
func (s *Server) callViewer(r *http.Request) (calls.Viewer, error) {
	rq := reqOf(r)
	v, err := s.Calls.ViewerFor(r.Context(), rq.user)
	v.Lang = rq.lang
	return v, err
}

// viewerOr returns the request's viewer of the calls, or answers 500 and
// false when it cannot be read.
func (s *Server) viewerOr(w http.ResponseWriter, r *http.Request, op string) (calls.Viewer, bool) {
	v, err := s.callViewer(r)
	if err != nil {
		s.fail(w, r, op, err)
		return calls.Viewer{}, false
	}
	return v, true
}

// withFormErrors puts a refused form back on its page: what was typed,
// each error beside its field, and a message on top (the general "see
// below" when the refusal gave none).
func withFormErrors(p *Page, form url.Values, errs validate.Errors, message string) {
	p.Form, p.Errors, p.Message = form, errs, message
	if errs != nil && message == "" {
		p.Message = p.T("callsweb.form_errors")
	}
}

// callFail answers a domain error of the calls that no form shows: 404
// for what the viewer may not see, 403 for what they may see but not do,
// 500 for the unexpected.
func (s *Server) callFail(w http.ResponseWriter, r *http.Request, op string, err error) {
	api := strings.HasPrefix(r.URL.Path, "/api/")
	switch {
	case isNotFound(err):
		s.notFound(w, r, api)
	case errors.Is(err, calls.ErrForbidden) && api:
		s.apiError(w, r, http.StatusForbidden, "api.forbidden")
	case errors.Is(err, calls.ErrForbidden):
		s.renderError(w, r, http.StatusForbidden)
	default:
		s.fail(w, r, op, err)
	}
}

// callMessage is the translated message of one of the domain's errors;
// a refusal after the close names the close, in Paris time.
func callMessage(lang string, err error, closes time.Time) string {
	key := calls.ErrorKey(err)
	if key == "calls.error.closed" {
		return i18n.T(lang, key, calls.FormatTime(closes, lang))
	}
	return i18n.T(lang, key)
}

// callAgain shows a page again after a refused form: with errors beside
// the fields, or a message over the page.
type callAgain func(status int, errs validate.Errors, message string)

// afterCallAction answers a form posted to a calls page: on to `to` with
// flash, or the page again with the domain's refusal (422).
func (s *Server) afterCallAction(w http.ResponseWriter, r *http.Request, err error, closes time.Time, to, flash string, again callAgain) {
	switch {
	case err == nil:
		s.redirect(w, r, to, flash)
	case isNotFound(err), errors.Is(err, calls.ErrForbidden):
		s.callFail(w, r, "calls", err)
	case calls.ErrorKey(err) != "":
		again(http.StatusUnprocessableEntity, nil, callMessage(reqOf(r).lang, err, closes))
	default:
		if fe, ok := validate.As(err); ok {
			again(http.StatusUnprocessableEntity, fe, "")
			return
		}
		s.fail(w, r, "calls", err)
	}
}

// callFmt gives the calls' templates their formats: dates in Paris time,
// amounts, scores and rates in the page's language.
type callFmt struct{}

// Time is a date and time in Paris time, "—" when unset.
func (callFmt) Time(t time.Time, lang string) string {
	if t.IsZero() {
		return "—"
	}
	return calls.FormatTime(t, lang)
}

// Date is a day in Paris time, "—" when unset.
func (callFmt) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return calls.FormatDate(t)
}

// ISO is the machine-readable form of a time for <time datetime>.
func (callFmt) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Money writes cents as euros.
func (callFmt) Money(cents int64, lang string) string { return formatEuros(cents, lang) }

// Score writes a score out of 100 (already rounded by the domain).
func (callFmt) Score(x float64, lang string) string { return formatNumber(x, lang) }

// Percent writes a rate (0.805) as a percentage with one decimal.
func (callFmt) Percent(rate float64, lang string) string {
	return formatNumber(math.Round(rate*1000)/10, lang) + "\u00a0%"
}

// Size writes a document's size in kilobytes or megabytes.
func (callFmt) Size(n int64, lang string) string {
	unit, div := "callsweb.kb", 1024.0
	if n >= 1<<20 {
		unit, div = "callsweb.mb", 1<<20
	}
	return i18n.T(lang, unit, formatNumber(math.Ceil(10*float64(n)/div)/10, lang))
}

// Decision names a decision in the words of the call's type; "" is the
// decision awaited.
func (callFmt) Decision(c calls.Call, decision, lang string) string {
	if decision == "" {
		return i18n.T(lang, "calls.decision.")
	}
	return calls.DecisionLabel(lang, c, decision)
}

// Feature names what an expert's expertise shares with an application
// ("sector:medtech", "brick:mt.machining", "kw:capteur").
func (callFmt) Feature(key, lang string) string {
	kind, code, _ := strings.Cut(key, ":")
	switch kind {
	case "sector":
		return taxonomyLabel("sector", code, lang)
	case "brick":
		return taxonomyLabel("brick", code, lang)
	}
	return "« " + code + " »"
}

// Conflict explains one conflict of interest in lang.
func (callFmt) Conflict(c calls.Conflict, lang string) string {
	switch c.Reason {
	case calls.ConflictGroup:
		return i18n.T(lang, "calls.conflict.group", c.Organisation, c.Detail)
	case calls.ConflictRecorded:
		return i18n.T(lang, "calls.conflict.recorded", c.Detail)
	}
	return i18n.T(lang, "calls.conflict."+c.Reason, c.Organisation)
}

// callOf returns the call of an application the viewer may read.
func (s *Server) callOf(ctx context.Context, v calls.Viewer, a calls.Application) (calls.Call, error) {
	return s.Calls.CallOf(ctx, v, a.ID)
}

// callsByID maps the calls the viewer may list by id.
func (s *Server) callsByID(ctx context.Context, v calls.Viewer) (map[int64]calls.Call, error) {
	list, err := s.Calls.Calls(ctx, v, calls.CallFilter{})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]calls.Call, len(list))
	for _, c := range list {
		out[c.ID] = c.Call
	}
	return out, nil
}

// orgOption is an organisation offered in a list of choices.
type orgOption struct {
	ID   int64
	Name string
}

// Value is how the option is typed in an input: "Name (12)".
func (o orgOption) Value() string { return orgValue(o.ID, o.Name) }

func orgValue(id int64, name string) string { return name + " (" + strconv.FormatInt(id, 10) + ")" }

// orgOptions lists organisations by name for the inputs' suggestions.
func (s *Server) orgOptions(ctx context.Context) ([]orgOption, error) {
	orgs, _, err := s.Directory.ListOrganisations(ctx, directory.OrgFilter{Limit: directory.MaxPageSize})
	if err != nil {
		return nil, err
	}
	out := make([]orgOption, len(orgs))
	for i, o := range orgs {
		out[i] = orgOption{ID: o.ID, Name: o.Name}
	}
	return out, nil
}

// orgSearch lists the organisations whose name holds q, for the search
// boxes beside the forms.
func (s *Server) orgSearch(ctx context.Context, q string) ([]orgOption, error) {
	if strings.TrimSpace(q) == "" {
		return nil, nil
	}
	orgs, _, err := s.Directory.ListOrganisations(ctx, directory.OrgFilter{Query: q, Limit: 30})
	if err != nil {
		return nil, err
	}
	out := make([]orgOption, len(orgs))
	for i, o := range orgs {
		out[i] = orgOption{ID: o.ID, Name: o.Name}
	}
	return out, nil
}

var trailingID = regexp.MustCompile(`\((\d+)\)\s*$`)

// resolveOrg reads an organisation as typed: "Name (12)", "12", or a name
// the directory holds once. It returns 0 and an error key otherwise.
func (s *Server) resolveOrg(ctx context.Context, text string) (int64, string, error) {
	text = strings.TrimSpace(text)
	idText := text
	if m := trailingID.FindStringSubmatch(text); m != nil {
		idText = m[1]
	}
	if id, err := strconv.ParseInt(idText, 10, 64); err == nil && id > 0 {
		if _, err := s.Directory.Organisation(ctx, id); err != nil {
			if isNotFound(err) {
				return 0, "callsweb.org_unknown", nil
			}
			return 0, "", err
		}
		return id, "", nil
	}
	orgs, _, err := s.Directory.ListOrganisations(ctx, directory.OrgFilter{Query: text, Limit: 20})
	if err != nil {
		return 0, "", err
	}
	want := textsearch.Fold(text)
	var exact []int64
	for _, o := range orgs {
		if textsearch.Fold(o.Name) == want || (o.ShortName != "" && textsearch.Fold(o.ShortName) == want) {
			exact = append(exact, o.ID)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], "", nil
	case len(exact) == 0 && len(orgs) == 1:
		return orgs[0].ID, "", nil
	case len(exact) == 0 && len(orgs) == 0:
		return 0, "callsweb.org_unknown", nil
	}
	return 0, "callsweb.org_ambiguous", nil
}

// callSummaryOpen splits calls into those open at now, those not yet
// open and those closed.
func callSummaryOpen(list []calls.CallSummary, now time.Time) (open, upcoming, past []calls.CallSummary) {
	for _, c := range list {
		switch {
		case c.IsOpen(now):
			open = append(open, c)
		case now.Before(c.OpensAt):
			upcoming = append(upcoming, c)
		default:
			past = append(past, c)
		}
	}
	// Open calls closing first come first; upcoming ones opening first.
	slices.SortStableFunc(open, func(a, b calls.CallSummary) int { return a.ClosesAt.Compare(b.ClosesAt) })
	slices.SortStableFunc(upcoming, func(a, b calls.CallSummary) int { return a.OpensAt.Compare(b.OpensAt) })
	return open, upcoming, past
}

// parseParisTime reads a datetime-local input ("2026-04-30T12:00"), or a
// day alone (midnight), in Paris time.
func parseParisTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, calls.Paris); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parisInput writes a time back into a datetime-local input.
func parisInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calls.Paris).Format("2006-01-02T15:04")
}

// postedID reads a positive id from a posted form field.
func postedID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get(name)), 10, 64)
	return id, err == nil && id > 0
}
