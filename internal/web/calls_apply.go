package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"filiere/internal/calls"
	"filiere/internal/validate"
)

// The page of an application shows who reads it what the domain lets them
// read; its mode says which parts: the form to apply, the applicant's
// page, an expert's or staff's read view.
const (
	appModeNew       = "new"
	appModeApplicant = "applicant"
	appModeExpert    = "expert"
	appModeStaff     = "staff"
)

// applicationData is an application's page, or the form to apply to a
// call (App nil).
type applicationData struct {
	callFmt
	Mode        string
	Call        calls.Call
	App         *calls.Application
	Action      string // where the form posts
	CanEdit     bool   // the applicant may still change it: the form is shown
	CanSubmit   bool
	Closed      bool // the call does not take submissions now
	NoOrg       bool // the account applies for no organisation
	StaffLead   bool // staff entering an application choose its lead
	Assigned    bool // the viewer is an expert assigned to it
	PartnerRows []string
	Orgs        []orgOption
	OrgQuery    string
	Hits        []orgOption
	Renewals    []calls.Call  // open calls the label can be renewed through (the lead's people, staff)
	Review      *reviewPart   // an assigned expert's grid (their review page)
	Admin       *adminAppPart // staff's back office of the application
}

// File is the application's document for a field, if any.
func (d applicationData) File(code string) *calls.File {
	if d.App == nil {
		return nil
	}
	for i := range d.App.Files {
		if d.App.Files[i].FieldCode == code {
			return &d.App.Files[i]
		}
	}
	return nil
}

// FileURL is where a document downloads.
func (d applicationData) FileURL(f calls.File) string {
	return "/applications/" + strconv.FormatInt(d.App.ID, 10) + "/files/" + strconv.FormatInt(f.ID, 10)
}

// Answer writes an answer for reading, in lang; "" when unanswered.
func (d applicationData) Answer(f calls.Field, lang string) string {
	if d.App == nil {
		return ""
	}
	return answerText(f, d.App.Answers[f.Code], lang)
}

// Labelled says whether the application was labelled (its letter and,
// with a label, its certificate download).
func (d applicationData) Labelled() bool {
	return d.App != nil && d.App.Decision == calls.DecisionLabelled
}

// HasCertificate says whether a certificate goes with the label.
func (d applicationData) HasCertificate() bool {
	return d.Labelled() && d.Call.Labels() && d.App.LabelNumber != ""
}

func (s *Server) applyForm(w http.ResponseWriter, r *http.Request) {
	s.renderApplyForm(w, r, http.StatusOK, nil, "")
}

// renderApplyForm shows the form to apply to the call of the path, with
// the errors of a refused post and what was typed.
func (s *Server) renderApplyForm(w http.ResponseWriter, r *http.Request, status int, errs validate.Errors, message string) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "apply")
	if !ok {
		return
	}
	c, err := s.Calls.Call(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "apply", err)
		return
	}
	d := applicationData{Mode: appModeNew, Call: c, Action: "/calls/" + strconv.FormatInt(c.ID, 10) + "/apply",
		Closed: !c.IsOpen(s.Calls.Now()), NoOrg: !v.Staff() && v.OrganisationID == 0, StaffLead: v.Staff()}
	d.CanEdit = !d.Closed && !d.NoOrg
	form := url.Values{"lang": {v.Lang}}
	if r.Method == http.MethodPost {
		form = r.PostForm
	}
	if err := s.fillApplicationForm(ctx, r, &d, form); err != nil {
		s.fail(w, r, "apply", err)
		return
	}
	p := s.page(w, r, "callsweb.apply.title", d)
	withFormErrors(p, form, errs, message)
	s.render(w, r, status, "call_application", p)
}

// apply creates a draft from the posted form, and submits it at once when
// asked ("Save and submit").
func (s *Server) apply(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	if !s.parseApplicationForm(w, r) {
		return
	}
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "apply")
	if !ok {
		return
	}
	c, err := s.Calls.Call(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "apply", err)
		return
	}
	in, errs, err := s.applicationInput(ctx, r, c, v.Staff())
	if err != nil {
		s.fail(w, r, "apply", err)
		return
	}
	again := func(status int, errs validate.Errors, message string) { s.renderApplyForm(w, r, status, errs, message) }
	if errs != nil {
		again(http.StatusUnprocessableEntity, errs, "")
		return
	}
	a, err := s.Calls.CreateDraft(ctx, v, c.ID, in)
	if err != nil {
		s.afterCallAction(w, r, err, c.ClosesAt, "", "", again)
		return
	}
	to := applicationPath(a.ID)
	if r.PostForm.Get("submit") != "1" {
		s.redirect(w, r, to, "callsweb.flash.draft_saved")
		return
	}
	_, err = s.Calls.Submit(ctx, v, a.ID)
	s.afterCallAction(w, r, err, c.ClosesAt, to, "callsweb.flash.submitted", func(status int, errs validate.Errors, message string) {
		s.renderApplication(w, r, a.ID, status, errs, message, nil)
	})
}

func applicationPath(id int64) string { return "/applications/" + strconv.FormatInt(id, 10) }

func (s *Server) applicationPage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	s.renderApplication(w, r, id, http.StatusOK, nil, "", nil)
}

// renderApplication shows an application to whoever may read it (404
// otherwise): the applicant's page with its form while they may change
// it, an expert's or staff's read view. form holds what was typed in a
// refused post; nil shows the stored values.
func (s *Server) renderApplication(w http.ResponseWriter, r *http.Request, id int64, status int, errs validate.Errors, message string, form url.Values) {
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "application")
	if !ok {
		return
	}
	a, err := s.Calls.Application(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "application", err)
		return
	}
	c, err := s.callOf(ctx, v, a)
	if err != nil {
		s.callFail(w, r, "application", err)
		return
	}
	d := applicationData{Call: c, App: &a, Action: applicationPath(a.ID), Closed: !c.IsOpen(s.Calls.Now())}
	switch {
	case v.Staff():
		d.Mode = appModeStaff
	case a.Involves(v.OrganisationID):
		d.Mode = appModeApplicant
		// Only the lead changes an application; the domain refuses others.
		d.CanEdit = s.Calls.CanEdit(v, a, c)
		d.CanSubmit = d.CanEdit && a.Status == calls.StatusDraft
		if d.Renewals, err = s.Calls.RenewalCalls(ctx, v, a.ID); err != nil {
			s.fail(w, r, "application", err)
			return
		}
	default:
		d.Mode = appModeExpert
		as, err := s.Calls.Assignments(ctx, v, a.ID)
		if err != nil && !isNotFound(err) {
			s.fail(w, r, "application", err)
			return
		}
		d.Assigned = len(as) > 0
	}
	if form == nil {
		form = applicationValues(c, a, v.Lang)
	}
	if d.CanEdit {
		if err := s.fillApplicationForm(ctx, r, &d, form); err != nil {
			s.fail(w, r, "application", err)
			return
		}
	}
	p := s.page(w, r, "callsweb.application.title", d)
	withFormErrors(p, form, errs, message)
	s.render(w, r, status, "call_application", p)
}

// updateApplication saves the applicant's changes, and submits a draft
// when asked.
func (s *Server) updateApplication(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	if !s.parseApplicationForm(w, r) {
		return
	}
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "application")
	if !ok {
		return
	}
	a, err := s.Calls.Application(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "application", err)
		return
	}
	c, err := s.callOf(ctx, v, a)
	if err != nil {
		s.callFail(w, r, "application", err)
		return
	}
	again := func(status int, errs validate.Errors, message string) {
		s.renderApplication(w, r, id, status, errs, message, r.PostForm)
	}
	in, errs, err := s.applicationInput(ctx, r, c, false)
	if err != nil {
		s.fail(w, r, "application", err)
		return
	}
	if errs != nil {
		again(http.StatusUnprocessableEntity, errs, "")
		return
	}
	if _, err := s.Calls.UpdateApplication(ctx, v, id, in); err != nil || r.PostForm.Get("submit") != "1" {
		s.afterCallAction(w, r, err, c.ClosesAt, applicationPath(id), "callsweb.flash.saved", again)
		return
	}
	_, err = s.Calls.Submit(ctx, v, id)
	s.afterCallAction(w, r, err, c.ClosesAt, applicationPath(id), "callsweb.flash.submitted", func(status int, errs validate.Errors, message string) {
		s.renderApplication(w, r, id, status, errs, message, nil)
	})
}

// submitApplication submits a draft as it stands. After the close the
// page says when the call closed, and the draft stays.
func (s *Server) submitApplication(w http.ResponseWriter, r *http.Request) {
	s.applicationStep(w, r, func(ctx context.Context, v calls.Viewer, a calls.Application) (string, string, error) {
		_, err := s.Calls.Submit(ctx, v, a.ID)
		return applicationPath(a.ID), "callsweb.flash.submitted", err
	})
}

// withdrawApplication takes back a submitted application, or deletes a
// draft.
func (s *Server) withdrawApplication(w http.ResponseWriter, r *http.Request) {
	s.applicationStep(w, r, func(ctx context.Context, v calls.Viewer, a calls.Application) (string, string, error) {
		err := s.Calls.Withdraw(ctx, v, a.ID)
		if a.Status == calls.StatusDraft {
			return "/applications", "callsweb.flash.deleted", err
		}
		return applicationPath(a.ID), "callsweb.flash.withdrawn", err
	})
}

// renewLabel starts the renewal of a label through the call posted: a
// draft prefilled from the labelled application.
func (s *Server) renewLabel(w http.ResponseWriter, r *http.Request) {
	s.applicationStep(w, r, func(ctx context.Context, v calls.Viewer, a calls.Application) (string, string, error) {
		callID, ok := postedID(r, "call")
		if !ok {
			return "", "", calls.ErrNotFound
		}
		draft, err := s.Calls.Renew(ctx, v, a.ID, callID)
		return applicationPath(draft.ID), "callsweb.flash.renewal", err
	})
}

// applicationStep runs a button of the applicant's page.
func (s *Server) applicationStep(w http.ResponseWriter, r *http.Request, step func(context.Context, calls.Viewer, calls.Application) (string, string, error)) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "application")
	if !ok {
		return
	}
	a, err := s.Calls.Application(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "application", err)
		return
	}
	c, err := s.callOf(ctx, v, a)
	if err != nil {
		s.callFail(w, r, "application", err)
		return
	}
	to, flash, err := step(ctx, v, a)
	s.afterCallAction(w, r, err, c.ClosesAt, to, flash, func(status int, errs validate.Errors, message string) {
		s.renderApplication(w, r, id, status, errs, message, nil)
	})
}

// myApplicationsData lists the applications of the viewer's organisation.
type myApplicationsData struct {
	callFmt
	Rows  []myApplicationRow
	NoOrg bool
}

type myApplicationRow struct {
	App  calls.Application
	Call calls.Call
}

// myApplications lists the applications of the viewer's organisation, as
// lead or partner, with their status, decision, label and documents.
// Staff have the back office instead.
func (s *Server) myApplications(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "applications")
	if !ok {
		return
	}
	if v.Staff() {
		s.redirect(w, r, "/admin/calls", "")
		return
	}
	apps, err := s.Calls.Applications(ctx, v, calls.ApplicationFilter{})
	if err != nil {
		s.fail(w, r, "applications", err)
		return
	}
	byID, err := s.callsByID(ctx, v)
	if err != nil {
		s.fail(w, r, "applications", err)
		return
	}
	d := myApplicationsData{NoOrg: v.OrganisationID == 0}
	for _, a := range apps {
		c, ok := byID[a.CallID]
		if !ok {
			if c, err = s.callOf(ctx, v, a); err != nil {
				s.fail(w, r, "applications", err)
				return
			}
		}
		d.Rows = append(d.Rows, myApplicationRow{App: a, Call: c})
	}
	slices.SortStableFunc(d.Rows, func(a, b myApplicationRow) int { return b.App.CreatedAt.Compare(a.App.CreatedAt) })
	s.render(w, r, http.StatusOK, "call_applications", s.page(w, r, "callsweb.mine.title", d))
}
