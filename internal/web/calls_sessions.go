package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/calls"
	"filiere/internal/validate"
)

// committeesData is the staff's list of committee sessions.
type committeesData struct {
	callFmt
	Sessions []calls.Session
}

func (s *Server) adminCommittees(w http.ResponseWriter, r *http.Request) {
	v, ok := s.viewerOr(w, r, "sessions")
	if !ok {
		return
	}
	list, err := s.Calls.Sessions(r.Context(), v)
	if err != nil {
		s.fail(w, r, "sessions", err)
		return
	}
	s.render(w, r, http.StatusOK, "call_sessions", s.page(w, r, "callsweb.sessions.title", committeesData{Sessions: list}))
}

// committeePageData is a session's page: the whole of it for staff, a
// member's view for an expert (without the items they are recused from).
type committeePageData struct {
	callFmt
	Session    calls.Session
	Staff      bool
	Calls      map[int64]calls.Call
	Candidates []calls.Application // staff: applications that may join the agenda
	Rankings   []calls.Ranking
	Decisions  []string
}

// CallOf is the call of an agenda item.
func (d committeePageData) CallOf(a calls.Application) calls.Call { return d.Calls[a.CallID] }

// Voters counts the members who may decide an item (calls.Session.Voters).
func (d committeePageData) Voters(it calls.Item) int { return d.Session.Voters(it) }

// Planned says whether the session still takes decisions.
func (d committeePageData) Planned() bool { return d.Session.Status == calls.SessionPlanned }

// committeeData gathers what a session's page shows.
func (s *Server) committeeData(ctx context.Context, v calls.Viewer, ss calls.Session, staff bool) (committeePageData, error) {
	d := committeePageData{Session: ss, Staff: staff, Calls: map[int64]calls.Call{}, Decisions: calls.Decisions}
	for _, it := range ss.Items {
		if _, ok := d.Calls[it.Application.CallID]; ok {
			continue
		}
		c, err := s.callOf(ctx, v, it.Application)
		if err != nil {
			return d, err
		}
		d.Calls[c.ID] = c
	}
	if !staff {
		return d, nil
	}
	var err error
	if d.Rankings, err = s.Calls.Rankings(ctx, v, ss.ID); err != nil {
		return d, err
	}
	if ss.Status != calls.SessionPlanned {
		return d, nil
	}
	for _, decision := range []string{"none", calls.DecisionDeferred} {
		apps, err := s.Calls.Applications(ctx, v, calls.ApplicationFilter{Status: calls.StatusSubmitted, Decision: decision})
		if err != nil {
			return d, err
		}
		for _, a := range apps {
			if a.InTheRunning() && !slices.ContainsFunc(ss.Items, func(it calls.Item) bool { return it.Application.ID == a.ID }) {
				d.Candidates = append(d.Candidates, a)
			}
		}
	}
	slices.SortStableFunc(d.Candidates, func(a, b calls.Application) int { return strings.Compare(a.Reference, b.Reference) })
	byID, err := s.callsByID(ctx, v)
	if err != nil {
		return d, err
	}
	for _, a := range d.Candidates {
		if c, ok := byID[a.CallID]; ok {
			d.Calls[c.ID] = c
		}
	}
	return d, nil
}

func (s *Server) adminCommittee(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	s.renderAdminCommittee(w, r, id, http.StatusOK, nil, "")
}

// renderAdminCommittee shows a session's page to staff, with the refusal
// of a form posted from it.
func (s *Server) renderAdminCommittee(w http.ResponseWriter, r *http.Request, id int64, status int, errs validate.Errors, message string) {
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
	d, err := s.committeeData(ctx, v, ss, true)
	if err != nil {
		s.callFail(w, r, "session", err)
		return
	}
	p := s.page(w, r, "callsweb.session.title", d)
	p.Errors, p.Message = errs, message
	if errs != nil {
		p.Form = r.PostForm
		if message == "" {
			p.Message = validationText(p.Lang, errs)
		}
	}
	s.render(w, r, status, "call_session", p)
}

// committeeFormData is what the session form shows besides the typed values.
type committeeFormData struct {
	Action  string
	Session *calls.Session
	Experts []calls.Expert
}

// committeeValues are a session's form values.
func committeeValues(ss calls.Session) url.Values {
	v := url.Values{"title": {ss.Title}, "held_at": {parisInput(ss.HeldAt)}, "place": {ss.Place},
		"quorum": {strconv.Itoa(ss.Quorum)}, "notes": {ss.Notes}}
	for _, m := range ss.Members {
		v.Add("members", strconv.FormatInt(m.ExpertID, 10))
	}
	return v
}

func (s *Server) renderCommitteeForm(w http.ResponseWriter, r *http.Request, status int, d committeeFormData, form url.Values, errs validate.Errors) {
	v, ok := s.viewerOr(w, r, "session form")
	if !ok {
		return
	}
	var err error
	if d.Experts, err = s.Calls.Experts(r.Context(), v, true); err != nil {
		s.callFail(w, r, "session form", err)
		return
	}
	title := "callsweb.sessions.new_title"
	if d.Session != nil {
		title = "callsweb.sessions.edit_title"
	}
	p := s.page(w, r, title, d)
	withFormErrors(p, form, errs, "")
	s.render(w, r, status, "call_session_form", p)
}

func (s *Server) newCommitteeForm(w http.ResponseWriter, r *http.Request) {
	s.renderCommitteeForm(w, r, http.StatusOK, committeeFormData{Action: "/admin/sessions/new"}, url.Values{"quorum": {"1"}}, nil)
}

func (s *Server) editCommitteeForm(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	v, ok := s.viewerOr(w, r, "session")
	if !ok {
		return
	}
	ss, err := s.Calls.SessionFor(r.Context(), v, id)
	if err != nil {
		s.callFail(w, r, "session", err)
		return
	}
	d := committeeFormData{Action: committeePath(id) + "/edit", Session: &ss}
	s.renderCommitteeForm(w, r, http.StatusOK, d, committeeValues(ss), nil)
}

func committeePath(id int64) string { return "/admin/sessions/" + strconv.FormatInt(id, 10) }

func (s *Server) createCommittee(w http.ResponseWriter, r *http.Request) { s.saveCommittee(w, r, 0) }

func (s *Server) updateCommittee(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	s.saveCommittee(w, r, id)
}

// saveCommittee creates (id 0) or updates a planned session.
func (s *Server) saveCommittee(w http.ResponseWriter, r *http.Request, id int64) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "save session")
	if !ok {
		return
	}
	d := committeeFormData{Action: "/admin/sessions/new"}
	if id != 0 {
		ss, err := s.Calls.SessionFor(ctx, v, id)
		if err != nil {
			s.callFail(w, r, "save session", err)
			return
		}
		d.Session, d.Action = &ss, committeePath(id)+"/edit"
	}
	f := r.PostForm
	in := calls.SessionInput{Title: f.Get("title"), Place: f.Get("place"), Notes: f.Get("notes")}
	var errs validate.Errors
	if t := strings.TrimSpace(f.Get("held_at")); t != "" {
		at, ok := parseParisTime(t)
		if !ok {
			errs.Add("held_at", "validate.date")
		}
		in.HeldAt = at
	}
	if q := strings.TrimSpace(f.Get("quorum")); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil {
			errs.Add("quorum", "validate.number")
		}
		in.Quorum = n
	}
	for _, m := range f["members"] {
		if id, err := strconv.ParseInt(m, 10, 64); err == nil {
			in.MemberIDs = append(in.MemberIDs, id)
		}
	}
	if errs != nil {
		s.renderCommitteeForm(w, r, http.StatusUnprocessableEntity, d, f, errs)
		return
	}
	ss, err := s.Calls.SaveSession(ctx, v, id, in)
	switch {
	case err == nil:
		s.redirect(w, r, committeePath(ss.ID), "callsweb.flash.session_saved")
	case calls.ErrorKey(err) != "" && !isNotFound(err):
		s.afterCallAction(w, r, err, time.Time{}, "", "", func(status int, errs validate.Errors, message string) {
			s.renderAdminCommittee(w, r, id, status, errs, message)
		})
	default:
		if fe, ok := validate.As(err); ok {
			s.renderCommitteeForm(w, r, http.StatusUnprocessableEntity, d, f, fe)
			return
		}
		s.callFail(w, r, "save session", err)
	}
}

// committeeAction runs a form of a session's page: back to it with flash,
// or the page again with the refusal (the quorum's, for one).
func (s *Server) committeeAction(w http.ResponseWriter, r *http.Request, anchor, flash string, step func(id int64, v calls.Viewer) error) {
	id, v, ok := s.callAction(w, r)
	if !ok {
		return
	}
	err := step(id, v)
	s.afterCallAction(w, r, err, time.Time{}, committeePath(id)+anchor, flash, func(status int, errs validate.Errors, message string) {
		s.renderAdminCommittee(w, r, id, status, errs, message)
	})
}

func (s *Server) committeePresence(w http.ResponseWriter, r *http.Request) {
	s.committeeAction(w, r, "#members", "", func(id int64, v calls.Viewer) error {
		return s.Calls.SetPresent(r.Context(), v, id, expertOf(r), r.PostForm.Get("present") == "1")
	})
}

func (s *Server) addCommitteeItems(w http.ResponseWriter, r *http.Request) {
	s.committeeAction(w, r, "#agenda", "callsweb.flash.items_added", func(id int64, v calls.Viewer) error {
		var apps []int64
		for _, a := range r.PostForm["applications"] {
			if n, err := strconv.ParseInt(a, 10, 64); err == nil && n > 0 {
				apps = append(apps, n)
			}
		}
		if len(apps) == 0 {
			return validate.Errors{{Field: "applications", Key: "callsweb.session.choose_applications"}}
		}
		return s.Calls.AddItems(r.Context(), v, id, apps)
	})
}

func (s *Server) removeCommitteeItem(w http.ResponseWriter, r *http.Request) {
	s.committeeAction(w, r, "#agenda", "callsweb.flash.item_removed", func(id int64, v calls.Viewer) error {
		app, _ := postedID(r, "application")
		return s.Calls.RemoveItem(r.Context(), v, id, app)
	})
}

// decideCommitteeItem records the committee's decision on an item; without
// the quorum the page says so.
func (s *Server) decideCommitteeItem(w http.ResponseWriter, r *http.Request) {
	s.committeeAction(w, r, "#agenda", "callsweb.flash.decided", func(id int64, v calls.Viewer) error {
		app, _ := postedID(r, "application")
		return s.Calls.Decide(r.Context(), v, id, app, r.PostForm.Get("decision"), r.PostForm.Get("comment"))
	})
}

func (s *Server) applyCommitteeRanking(w http.ResponseWriter, r *http.Request) {
	s.committeeAction(w, r, "#rankings", "callsweb.flash.ranking_applied", func(id int64, v calls.Viewer) error {
		callID, _ := postedID(r, "call")
		return s.Calls.ApplyRanking(r.Context(), v, id, callID)
	})
}

func (s *Server) closeCommittee(w http.ResponseWriter, r *http.Request) {
	s.committeeAction(w, r, "", "callsweb.flash.session_closed", func(id int64, v calls.Viewer) error {
		return s.Calls.CloseSession(r.Context(), v, id)
	})
}

// committeeMinutesPDF sends the session's minutes, in the page's language.
func (s *Server) committeeMinutesPDF(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	v, ok := s.viewerOr(w, r, "minutes")
	if !ok {
		return
	}
	lang := v.Lang
	if l := r.URL.Query().Get("lang"); l == "fr" || l == "en" {
		lang = l
	}
	var buf bytes.Buffer
	if err := s.Calls.Minutes(r.Context(), v, &buf, id, lang); err != nil {
		s.callFail(w, r, "minutes", err)
		return
	}
	sendFile(w, "application/pdf", "minutes-"+strconv.FormatInt(id, 10)+".pdf", &buf)
}
