package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"filiere/internal/calls"
	"filiere/internal/i18n"
	"filiere/internal/tabular"
	"filiere/internal/validate"
)

// adminCallsData is the staff's list of calls.
type adminCallsData struct {
	callFmt
	Calls []calls.CallSummary
	Now   time.Time
}

// adminCalls lists every call, published or not, with its counts.
func (s *Server) adminCalls(w http.ResponseWriter, r *http.Request) {
	v, ok := s.viewerOr(w, r, "admin calls")
	if !ok {
		return
	}
	list, err := s.Calls.Calls(r.Context(), v, calls.CallFilter{})
	if err != nil {
		s.fail(w, r, "admin calls", err)
		return
	}
	d := adminCallsData{Calls: list, Now: s.Calls.Now()}
	s.render(w, r, http.StatusOK, "calls_admin", s.page(w, r, "callsweb.admin.title", d))
}

// adminCallRow is an application of the call's back office with its
// evaluation (nil while not in the evaluation: drafts, ineligible,
// withdrawn).
type adminCallRow struct {
	App  calls.Application
	Eval *calls.Evaluation
}

// assignedView is a pair an automatic assignment added.
type assignedView struct {
	AppID            int64
	Reference, Title string
	Expert           string
	Score            int
	Matched          []string
}

// shortfallView is a place an automatic assignment left empty.
type shortfallView struct {
	AppID     int64
	Reference string
	Missing   int
	Reason    string
}

// assignReportView is what the automatic assignment did, named.
type assignReportView struct {
	calls.AssignReport
	Pairs      []assignedView
	Shortfalls []shortfallView
}

// adminCallData is the back office of one call.
type adminCallData struct {
	callFmt
	Call    calls.Call
	Summary calls.CallSummary
	Stages  []string
	Rows    []adminCallRow
	Report  *assignReportView
	Open    bool
}

// Preselectable says whether staff may still record an application's
// pre-selection.
func (d adminCallData) Preselectable(a calls.Application) bool {
	return d.Call.Preselection && a.Status == calls.StatusSubmitted && a.Decision == ""
}

func (s *Server) adminCall(w http.ResponseWriter, r *http.Request) {
	s.renderAdminCall(w, r, http.StatusOK, nil, "", nil)
}

// renderAdminCall shows the back office of the call of the path: its
// applications, their pre-selection and evaluation, and the report of an
// automatic assignment just run.
func (s *Server) renderAdminCall(w http.ResponseWriter, r *http.Request, status int, errs validate.Errors, message string, rep *calls.AssignReport) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	s.renderAdminCallOf(w, r, id, status, errs, message, rep)
}

func (s *Server) renderAdminCallOf(w http.ResponseWriter, r *http.Request, id int64, status int, errs validate.Errors, message string, rep *calls.AssignReport) {
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "admin call")
	if !ok {
		return
	}
	c, err := s.Calls.Call(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "admin call", err)
		return
	}
	d := adminCallData{Call: c, Stages: callStages(c), Open: c.IsOpen(s.Calls.Now())}
	list, err := s.Calls.Calls(ctx, v, calls.CallFilter{Year: c.Year, Type: c.Type})
	if err != nil {
		s.fail(w, r, "admin call", err)
		return
	}
	for _, cs := range list {
		if cs.ID == c.ID {
			d.Summary = cs
		}
	}
	apps, err := s.Calls.Applications(ctx, v, calls.ApplicationFilter{CallID: c.ID})
	if err != nil {
		s.fail(w, r, "admin call", err)
		return
	}
	evals, err := s.Calls.Evaluations(ctx, v, c.ID)
	if err != nil {
		s.callFail(w, r, "admin call", err)
		return
	}
	byApp := map[int64]*calls.Evaluation{}
	for i := range evals {
		byApp[evals[i].Application.ID] = &evals[i]
	}
	refs := map[int64]calls.Application{}
	for _, a := range apps {
		d.Rows = append(d.Rows, adminCallRow{App: a, Eval: byApp[a.ID]})
		refs[a.ID] = a
	}
	if rep != nil {
		if d.Report, err = s.assignReport(ctx, v, *rep, refs); err != nil {
			s.fail(w, r, "admin call", err)
			return
		}
	}
	p := s.page(w, r, "callsweb.admin.call_title", d)
	p.Errors, p.Message = errs, message
	if errs != nil {
		p.Form = r.PostForm
		if message == "" {
			p.Message = validationText(p.Lang, errs)
		}
	}
	s.render(w, r, status, "call_admin", p)
}

// validationText joins the messages of errors shown over a page rather
// than beside a field.
func validationText(lang string, errs validate.Errors) string {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = i18n.T(lang, e.Key, e.Args...)
	}
	return strings.Join(msgs, " ")
}

// assignReport names the pairs and shortfalls of an assignment report.
func (s *Server) assignReport(ctx context.Context, v calls.Viewer, rep calls.AssignReport, apps map[int64]calls.Application) (*assignReportView, error) {
	experts, err := s.Calls.Experts(ctx, v, true)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, e := range experts {
		names[e.ID] = e.Name
	}
	out := &assignReportView{AssignReport: rep}
	for _, p := range rep.Added {
		a := apps[p.Application]
		out.Pairs = append(out.Pairs, assignedView{AppID: p.Application, Reference: a.Reference, Title: a.Title,
			Expert: names[p.Expert], Score: p.Score, Matched: p.Matched})
	}
	for _, sf := range rep.Shortfalls {
		out.Shortfalls = append(out.Shortfalls, shortfallView{AppID: sf.Application, Reference: apps[sf.Application].Reference,
			Missing: sf.Missing, Reason: sf.Reason})
	}
	return out, nil
}

// callAction parses a form posted to a call's back office.
func (s *Server) callAction(w http.ResponseWriter, r *http.Request) (int64, calls.Viewer, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return 0, calls.Viewer{}, false
	}
	if !s.parseForm(w, r) {
		return 0, calls.Viewer{}, false
	}
	v, err := s.callViewer(r)
	if err != nil {
		s.fail(w, r, "call", err)
		return 0, calls.Viewer{}, false
	}
	return id, v, true
}

func adminCallPath(id int64) string { return "/admin/calls/" + strconv.FormatInt(id, 10) }

func (s *Server) publishCall(w http.ResponseWriter, r *http.Request) { s.setPublished(w, r, true) }

func (s *Server) unpublishCall(w http.ResponseWriter, r *http.Request) { s.setPublished(w, r, false) }

// setPublished shows a call to applicants or hides it again (refused once
// applications were submitted).
func (s *Server) setPublished(w http.ResponseWriter, r *http.Request, publish bool) {
	id, _, ok := s.callAction(w, r)
	if !ok {
		return
	}
	err := s.Calls.Publish(r.Context(), id, publish)
	flash := "callsweb.flash.published"
	if !publish {
		flash = "callsweb.flash.unpublished"
	}
	s.afterCallAction(w, r, err, time.Time{}, adminCallPath(id), flash, func(status int, errs validate.Errors, message string) {
		s.renderAdminCall(w, r, status, errs, message, nil)
	})
}

// autoAssign runs the automatic assignment of the call and shows its
// report on the call's page.
func (s *Server) autoAssign(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.callAction(w, r)
	if !ok {
		return
	}
	rep, err := s.Calls.AutoAssign(r.Context(), v, id)
	if err != nil {
		s.afterCallAction(w, r, err, time.Time{}, "", "", func(status int, errs validate.Errors, message string) {
			s.renderAdminCall(w, r, status, errs, message, nil)
		})
		return
	}
	s.renderAdminCall(w, r, http.StatusOK, nil, "", &rep)
}

// preselectApplication records an application's pre-selection from the
// call's page: eligible, or not with a reason.
func (s *Server) preselectApplication(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.callAction(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	a, err := s.Calls.Application(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "preselect", err)
		return
	}
	err = s.Calls.Preselect(ctx, v, id, r.PostForm.Get("eligible") == "1", r.PostForm.Get("reason"))
	s.afterCallAction(w, r, err, time.Time{}, adminCallPath(a.CallID)+"#app-"+strconv.FormatInt(id, 10), "callsweb.flash.preselected",
		func(status int, errs validate.Errors, message string) {
			s.renderAdminCallOf(w, r, a.CallID, status, errs, message, nil)
		})
}

// callApplicationsXLSX exports the call's applications with their
// evaluation and answers, for the committee's preparation.
func (s *Server) callApplicationsXLSX(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "call xlsx")
	if !ok {
		return
	}
	c, err := s.Calls.Call(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "call xlsx", err)
		return
	}
	apps, err := s.Calls.Applications(ctx, v, calls.ApplicationFilter{CallID: c.ID, Answers: true})
	if err != nil {
		s.fail(w, r, "call xlsx", err)
		return
	}
	evals, err := s.Calls.Evaluations(ctx, v, c.ID)
	if err != nil {
		s.callFail(w, r, "call xlsx", err)
		return
	}
	byApp := map[int64]calls.Evaluation{}
	for _, e := range evals {
		byApp[e.Application.ID] = e
	}
	lang := v.Lang
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	header := []string{t("callsweb.app.reference"), t("callsweb.app.title"), t("callsweb.app.acronym"), t("callsweb.app.lead"),
		t("callsweb.app.partners"), t("callsweb.export.kind"), t("callsweb.app.status"), t("calls.stage.preselection"),
		t("callsweb.app.decision"), t("callsweb.app.label"), t("callsweb.export.submitted_at"), t("callsweb.eval.assigned"),
		t("callsweb.eval.submitted"), t("callsweb.eval.missing"), t("callsweb.eval.score"), t("callsweb.eval.spread"),
		t("callsweb.eval.disagree"), t("callsweb.app.funding"), t("callsweb.export.funding_amount")}
	for _, cr := range c.Criteria {
		header = append(header, t("callsweb.export.criterion_mean", cr.Label(lang)))
	}
	var fields []calls.Field
	for _, f := range c.Fields {
		if f.Kind != calls.FieldFile {
			fields = append(fields, f)
			header = append(header, f.Label(lang))
		}
	}
	var rows [][]any
	for _, a := range apps {
		partners := make([]string, len(a.Partners))
		for i, p := range a.Partners {
			partners[i] = p.Name
		}
		kind := t("calls.kind.individual")
		if len(a.Partners) > 0 {
			kind = t("calls.kind.collaborative")
		}
		submitted := ""
		if !a.SubmittedAt.IsZero() {
			submitted = calls.FormatTime(a.SubmittedAt, lang)
		}
		decision := ""
		if a.Decision != "" {
			decision = calls.DecisionLabel(lang, c, a.Decision)
		}
		funding := ""
		if a.Decision == calls.DecisionLabelled {
			funding = t("calls.funding." + a.Funding)
		}
		row := []any{a.Reference, a.Title, a.Acronym, a.Lead.Name, strings.Join(partners, ", "), kind,
			t("calls.status." + a.Status), t("calls.eligibility." + a.Eligibility), decision, a.LabelNumber, submitted}
		if e, ok := byApp[a.ID]; ok {
			disagree := ""
			if e.Disagree {
				disagree = t("callsweb.yes")
			}
			row = append(row, e.Assigned, e.Submitted, e.Missing, scoreCell(e), spreadCell(e), disagree)
		} else {
			row = append(row, "", "", "", "", "", "")
		}
		var amount any = ""
		if a.FundingCents != 0 {
			amount = float64(a.FundingCents) / 100
		}
		row = append(row, funding, amount)
		for _, cr := range c.Criteria {
			if e, ok := byApp[a.ID]; ok && e.Submitted > 0 {
				row = append(row, e.PerCriterion[cr.Code])
			} else {
				row = append(row, "")
			}
		}
		for _, f := range fields {
			row = append(row, answerText(f, a.Answers[f.Code], lang))
		}
		rows = append(rows, row)
	}
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, t("callsweb.export.sheet"), header, rows); err != nil {
		s.fail(w, r, "call xlsx", err)
		return
	}
	sendFile(w, xlsxType, "call-"+strconv.FormatInt(c.ID, 10)+"-applications.xlsx", &buf)
}

func scoreCell(e calls.Evaluation) any {
	if e.Submitted == 0 {
		return ""
	}
	return e.Score
}

func spreadCell(e calls.Evaluation) any {
	if e.Submitted < 2 {
		return ""
	}
	return e.Spread
}
