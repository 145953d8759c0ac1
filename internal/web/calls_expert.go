package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"filiere/internal/calls"
	"filiere/internal/i18n"
	"filiere/internal/tabular"
	"filiere/internal/validate"
)

// The states of an expert's review, as their list shows them.
const (
	reviewTodo      = "todo"
	reviewSaved     = "saved"
	reviewSubmitted = "submitted"
)

// ReviewState is where a review stands: todo, saved or submitted.
func (callFmt) ReviewState(r calls.Review) string {
	switch {
	case r.Submitted:
		return reviewSubmitted
	case len(r.Scores) > 0 || r.Comment != "":
		return reviewSaved
	}
	return reviewTodo
}

// expertRow is one application assigned to the expert.
type expertRow struct {
	App  calls.Application
	Call calls.Call
	// Deadline is the first planned committee session discussing the
	// application, which wants the reviews in by then (zero: none yet).
	Deadline time.Time
	Review   string
}

// expertData is the expert's page: their assignments and sessions.
type expertData struct {
	callFmt
	NotInPool bool
	Rows      []expertRow
	Sessions  []calls.Session
}

// expertAssignments lists the applications assigned to the viewer, never
// one they are in conflict with (the domain leaves those out), and the
// sessions they sit on.
func (s *Server) expertAssignments(ctx context.Context, v calls.Viewer) ([]expertRow, []calls.Session, error) {
	if v.ExpertID == 0 {
		return nil, nil, nil
	}
	sessions, err := s.Calls.Sessions(ctx, v)
	if err != nil {
		return nil, nil, err
	}
	deadline := map[int64]time.Time{}
	for _, ss := range sessions {
		if ss.Status != calls.SessionPlanned {
			continue
		}
		full, err := s.Calls.SessionFor(ctx, v, ss.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, it := range full.Items {
			if t, ok := deadline[it.Application.ID]; !ok || full.HeldAt.Before(t) {
				deadline[it.Application.ID] = full.HeldAt
			}
		}
	}
	apps, err := s.Calls.Applications(ctx, v, calls.ApplicationFilter{})
	if err != nil {
		return nil, nil, err
	}
	byID, err := s.callsByID(ctx, v)
	if err != nil {
		return nil, nil, err
	}
	var rows []expertRow
	for _, a := range apps {
		as, err := s.Calls.Assignments(ctx, v, a.ID)
		if err != nil {
			return nil, nil, err
		}
		if len(as) == 0 {
			continue // on a session's agenda only
		}
		c, ok := byID[a.CallID]
		if !ok {
			if c, err = s.callOf(ctx, v, a); err != nil {
				return nil, nil, err
			}
		}
		// The call's review date when staff set one, else the committee
		// session that will discuss the application.
		due := c.ReviewsDue
		if due.IsZero() {
			due = deadline[a.ID]
		}
		row := expertRow{App: a, Call: c, Deadline: due, Review: reviewTodo}
		rs, err := s.Calls.Reviews(ctx, v, a.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rs {
			if r.ExpertID == v.ExpertID {
				row.Review = callFmt{}.ReviewState(r)
			}
		}
		rows = append(rows, row)
	}
	return rows, sessions, nil
}

// expertHome is the expert's page.
func (s *Server) expertHome(w http.ResponseWriter, r *http.Request) {
	v, ok := s.viewerOr(w, r, "expert")
	if !ok {
		return
	}
	rows, sessions, err := s.expertAssignments(r.Context(), v)
	if err != nil {
		s.fail(w, r, "expert", err)
		return
	}
	d := expertData{NotInPool: v.ExpertID == 0, Rows: rows, Sessions: sessions}
	s.render(w, r, http.StatusOK, "call_expert", s.page(w, r, "callsweb.expert.title", d))
}

// expertAssignmentsXLSX sends the expert's assignments as a workbook.
func (s *Server) expertAssignmentsXLSX(w http.ResponseWriter, r *http.Request) {
	v, ok := s.viewerOr(w, r, "expert xlsx")
	if !ok {
		return
	}
	rows, _, err := s.expertAssignments(r.Context(), v)
	if err != nil {
		s.fail(w, r, "expert xlsx", err)
		return
	}
	lang := v.Lang
	t := func(key string) string { return i18n.T(lang, key) }
	header := []string{t("callsweb.app.reference"), t("callsweb.app.title"), t("callsweb.app.lead"), t("callsweb.app.call"),
		t("callsweb.expert.deadline"), t("callsweb.expert.review")}
	var out [][]any
	for _, row := range rows {
		deadline := ""
		if !row.Deadline.IsZero() {
			deadline = calls.FormatTime(row.Deadline, lang)
		}
		out = append(out, []any{row.App.Reference, row.App.Title, row.App.Lead.Name, row.Call.Title(lang), deadline,
			t("callsweb.review.state." + row.Review)})
	}
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, t("callsweb.expert.sheet"), header, out); err != nil {
		s.fail(w, r, "expert xlsx", err)
		return
	}
	sendFile(w, xlsxType, "assignments.xlsx", &buf)
}

// reviewPart is the review form and the reviews the expert may read.
type reviewPart struct {
	Mine     calls.Review
	Editable bool
	Others   []calls.Review // the other experts' submitted reviews, once the expert submitted theirs
}

// Points lists the scores a criterion takes, 0 to scale.
func (reviewPart) Points(scale int) []int {
	out := make([]int, scale+1)
	for i := range out {
		out[i] = i
	}
	return out
}

// ScoreOf is a review's score and comment for a criterion, nil when not
// scored.
func (callFmt) ScoreOf(r calls.Review, code string) *calls.Score {
	for i := range r.Scores {
		if r.Scores[i].Code == code {
			return &r.Scores[i]
		}
	}
	return nil
}

// reviewValues are a review's form values.
func reviewValues(r calls.Review) url.Values {
	v := url.Values{"comment": {r.Comment}}
	for _, sc := range r.Scores {
		v.Set("scores."+sc.Code, strconv.Itoa(sc.Score))
		v.Set("comments."+sc.Code, sc.Comment)
	}
	return v
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	s.renderCallReview(w, r, id, http.StatusOK, nil, "", nil)
}

// renderCallReview shows an assigned application with the expert's grid; 404
// to anyone else, an expert in conflict included.
func (s *Server) renderCallReview(w http.ResponseWriter, r *http.Request, id int64, status int, errs validate.Errors, message string, form url.Values) {
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "review")
	if !ok {
		return
	}
	if v.ExpertID == 0 {
		s.notFound(w, r, false)
		return
	}
	a, err := s.Calls.Application(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "review", err)
		return
	}
	as, err := s.Calls.Assignments(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "review", err)
		return
	}
	if len(as) == 0 {
		s.notFound(w, r, false)
		return
	}
	c, err := s.callOf(ctx, v, a)
	if err != nil {
		s.callFail(w, r, "review", err)
		return
	}
	rs, err := s.Calls.Reviews(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "review", err)
		return
	}
	part := &reviewPart{Editable: as[0].SubmittedAt.IsZero() && a.InTheRunning() && a.Decision == ""}
	for _, rv := range rs {
		if rv.ExpertID == v.ExpertID {
			part.Mine = rv
		} else {
			part.Others = append(part.Others, rv)
		}
	}
	d := applicationData{Mode: appModeExpert, Call: c, App: &a, Review: part, Assigned: true}
	if form == nil {
		form = reviewValues(part.Mine)
	}
	p := s.page(w, r, "callsweb.review.title", d)
	withFormErrors(p, form, errs, message)
	s.render(w, r, status, "call_application", p)
}

// saveReview stores the expert's scores, and submits them when asked.
func (s *Server) saveReview(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	v, ok := s.viewerOr(w, r, "review")
	if !ok {
		return
	}
	in := calls.ReviewInput{Scores: map[string]int{}, Comments: map[string]string{}, Comment: r.PostForm.Get("comment"),
		Submit: r.PostForm.Get("submit") == "1"}
	var errs validate.Errors
	for name, vals := range r.PostForm {
		if code, ok := strings.CutPrefix(name, "scores."); ok && len(vals) > 0 && strings.TrimSpace(vals[0]) != "" {
			n, err := strconv.Atoi(strings.TrimSpace(vals[0]))
			if err != nil {
				errs.Add(name, "validate.number")
				continue
			}
			in.Scores[code] = n
		}
		if code, ok := strings.CutPrefix(name, "comments."); ok && len(vals) > 0 {
			in.Comments[code] = vals[0]
		}
	}
	again := func(status int, errs validate.Errors, message string) {
		s.renderCallReview(w, r, id, status, errs, message, r.PostForm)
	}
	if errs != nil {
		again(http.StatusUnprocessableEntity, errs, "")
		return
	}
	_, err := s.Calls.SaveReview(r.Context(), v, id, in)
	flash := "callsweb.flash.review_saved"
	if in.Submit {
		flash = "callsweb.flash.review_submitted"
	}
	s.afterCallAction(w, r, err, time.Time{}, applicationPath(id)+"/review", flash, again)
}

// declareConflict records the expert's own declaration of a conflict of
// interest: the application leaves their list at once.
func (s *Server) declareConflict(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	v, ok := s.viewerOr(w, r, "declare conflict")
	if !ok {
		return
	}
	if v.ExpertID == 0 {
		s.notFound(w, r, false)
		return
	}
	err := s.Calls.RecordConflict(r.Context(), v, id, v.ExpertID, r.PostForm.Get("reason"))
	s.afterCallAction(w, r, err, time.Time{}, "/expert", "callsweb.flash.conflict_declared", func(status int, errs validate.Errors, message string) {
		s.renderCallReview(w, r, id, status, errs, message, r.PostForm)
	})
}

// expertCommittee shows a session the expert sits on, without the items
// they are recused from (the domain leaves them out).
func (s *Server) expertCommittee(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "session")
	if !ok {
		return
	}
	ss, err := s.Calls.SessionFor(ctx, v, id)
	if err != nil {
		s.callFail(w, r, "session", err)
		return
	}
	d, err := s.committeeData(ctx, v, ss, false)
	if err != nil {
		s.fail(w, r, "session", err)
		return
	}
	s.render(w, r, http.StatusOK, "call_session", s.page(w, r, "callsweb.session.title", d))
}
