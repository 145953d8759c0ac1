package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/calls"
	"filiere/internal/validate"
)

// expertConflicts are an expert's conflicts of interest with an
// application, for staff.
type expertConflicts struct {
	Expert    calls.Expert
	Conflicts []calls.Conflict
	Recorded  bool // staff recorded one (it can be cleared)
}

// adminAppPart is the staff's back office of an application: who
// evaluates it and why, who may not and why, the reviews, the funding.
type adminAppPart struct {
	Assignments []calls.Assignment
	Candidates  []calls.Candidate
	Conflicts   []expertConflicts
	Exclusions  []calls.Exclusion
	Reviews     []calls.Review
	Experts     []calls.Expert // the pool, to record a conflict
	Fundings    []string
	Evaluation  *calls.Evaluation
}

// fundingValues are an application's funding form values.
func fundingValues(a calls.Application) url.Values {
	v := url.Values{"outcome": {a.Funding}, "amount": {euroInput(a.FundingCents)}, "note": {a.FundingNote}}
	if !a.FundingOn.IsZero() {
		v.Set("on", a.FundingOn.In(calls.Paris).Format(time.DateOnly))
	}
	return v
}

func (s *Server) adminApplication(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	s.renderAdminApplication(w, r, id, http.StatusOK, nil, "")
}

// renderAdminApplication shows an application's back office, with the
// errors or message of a refused form.
func (s *Server) renderAdminApplication(w http.ResponseWriter, r *http.Request, id int64, status int, errs validate.Errors, message string) {
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "admin application")
	if !ok {
		return
	}
	a, err := s.Calls.Application(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "admin application", err)
		return
	}
	c, err := s.callOf(ctx, v, a)
	if err != nil {
		s.callFail(w, r, "admin application", err)
		return
	}
	part := &adminAppPart{Fundings: calls.Fundings}
	if part.Assignments, err = s.Calls.Assignments(ctx, v, id); err != nil {
		s.callFail(w, r, "admin application", err)
		return
	}
	if part.Candidates, err = s.Calls.Candidates(ctx, v, id); err != nil {
		s.callFail(w, r, "admin application", err)
		return
	}
	if part.Exclusions, err = s.Calls.Exclusions(ctx, v, id); err != nil {
		s.callFail(w, r, "admin application", err)
		return
	}
	if part.Reviews, err = s.Calls.Reviews(ctx, v, id); err != nil {
		s.callFail(w, r, "admin application", err)
		return
	}
	if part.Experts, err = s.Calls.Experts(ctx, v, true); err != nil {
		s.callFail(w, r, "admin application", err)
		return
	}
	conflicts, err := s.Calls.Conflicts(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "admin application", err)
		return
	}
	for _, e := range part.Experts {
		if cs, ok := conflicts[e.ID]; ok {
			part.Conflicts = append(part.Conflicts, expertConflicts{Expert: e, Conflicts: cs,
				Recorded: slices.ContainsFunc(cs, func(c calls.Conflict) bool { return c.Reason == calls.ConflictRecorded })})
		}
	}
	if a.Status == calls.StatusSubmitted {
		evals, err := s.Calls.Evaluations(ctx, v, c.ID)
		if err != nil {
			s.callFail(w, r, "admin application", err)
			return
		}
		for i := range evals {
			if evals[i].Application.ID == id {
				part.Evaluation = &evals[i]
			}
		}
	}
	d := applicationData{Mode: appModeStaff, Call: c, App: &a, Admin: part, Action: applicationPath(a.ID)}
	p := s.page(w, r, "callsweb.app_admin.title", d)
	p.Errors, p.Message = errs, message
	p.Form = fundingValues(a)
	if errs != nil || message != "" {
		p.Form = r.PostForm
	}
	if errs != nil && message == "" {
		p.Message = validationText(p.Lang, errs)
	}
	s.render(w, r, status, "call_application", p)
}

// adminAppAction runs a form of an application's back office: back to it
// with flash, or the page again with the refusal.
func (s *Server) adminAppAction(w http.ResponseWriter, r *http.Request, anchor, flash string, step func(id int64, v calls.Viewer) error) {
	id, v, ok := s.callAction(w, r)
	if !ok {
		return
	}
	err := step(id, v)
	s.afterCallAction(w, r, err, time.Time{}, "/admin/applications/"+strconv.FormatInt(id, 10)+anchor, flash,
		func(status int, errs validate.Errors, message string) {
			s.renderAdminApplication(w, r, id, status, errs, message)
		})
}

// expertOf reads the expert a back-office form names.
func expertOf(r *http.Request) int64 {
	id, _ := postedID(r, "expert")
	return id
}

// assignExpert assigns an expert by hand; one in conflict is refused by
// the domain, and the page says why.
func (s *Server) assignExpert(w http.ResponseWriter, r *http.Request) {
	s.adminAppAction(w, r, "#assignments", "callsweb.flash.assigned", func(id int64, v calls.Viewer) error {
		return s.Calls.Assign(r.Context(), v, id, expertOf(r))
	})
}

func (s *Server) unassignExpert(w http.ResponseWriter, r *http.Request) {
	s.adminAppAction(w, r, "#assignments", "callsweb.flash.unassigned", func(id int64, v calls.Viewer) error {
		return s.Calls.Unassign(r.Context(), v, id, expertOf(r))
	})
}

func (s *Server) recordConflict(w http.ResponseWriter, r *http.Request) {
	s.adminAppAction(w, r, "#conflicts", "callsweb.flash.conflict_recorded", func(id int64, v calls.Viewer) error {
		if expertOf(r) == 0 {
			return validate.Errors{{Field: "expert", Key: "validate.required"}}
		}
		return s.Calls.RecordConflict(r.Context(), v, id, expertOf(r), r.PostForm.Get("reason"))
	})
}

func (s *Server) clearConflict(w http.ResponseWriter, r *http.Request) {
	s.adminAppAction(w, r, "#conflicts", "callsweb.flash.conflict_cleared", func(id int64, v calls.Viewer) error {
		return s.Calls.ClearConflict(r.Context(), v, id, expertOf(r))
	})
}

// recordFunding records a labelled project's funding result.
func (s *Server) recordFunding(w http.ResponseWriter, r *http.Request) {
	s.adminAppAction(w, r, "#funding", "callsweb.flash.funding", func(id int64, v calls.Viewer) error {
		in := calls.FundingInput{Outcome: r.PostForm.Get("outcome"), Amount: r.PostForm.Get("amount"), Note: r.PostForm.Get("note")}
		if on := strings.TrimSpace(r.PostForm.Get("on")); on != "" {
			t, err := parseFormDate(on)
			if err != nil {
				return validate.Errors{{Field: "on", Key: "validate.date"}}
			}
			in.On = time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, calls.Paris)
		}
		_, err := s.Calls.RecordFunding(r.Context(), v, id, in)
		return err
	})
}
