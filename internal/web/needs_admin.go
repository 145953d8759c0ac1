package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/matchmaking"
	"filiere/internal/tabular"
	"filiere/internal/validate"
)

// needQueueTabs are the queue's tabs, the staff's work first.
var needQueueTabs = []string{matchmaking.StatusNew, matchmaking.StatusShortlisted, matchmaking.StatusClosed, matchmaking.StatusUnverified}

// needQueueData is the staff's list of needs.
type needQueueData struct {
	Needs  []matchmaking.Need
	Tabs   []needTab
	Status string
	Query  string
	Pager  pager
}

// needTab is a status tab with its count.
type needTab struct {
	Status  string
	Count   int
	URL     string
	Current bool
}

// needQueue lists the needs of one status: the new ones oldest first (the
// longest waiting on top), the others newest first.
func (s *Server) needQueue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	status := q.Get("status")
	if status == "" {
		status = matchmaking.StatusNew
	}
	if !slices.Contains(needQueueTabs, status) {
		s.notFound(w, r, false)
		return
	}
	query := strings.TrimSpace(q.Get("q"))
	d := needQueueData{Status: status, Query: query}
	for _, st := range needQueueTabs {
		_, n, err := s.Matchmaking.Queue(ctx, matchmaking.QueueFilter{Status: st, Query: query, Limit: 1})
		if err != nil {
			s.fail(w, r, "need queue", err)
			return
		}
		v := url.Values{"status": {st}}
		if query != "" {
			v.Set("q", query)
		}
		d.Tabs = append(d.Tabs, needTab{Status: st, Count: n, URL: "/admin/needs?" + v.Encode(), Current: st == status})
	}
	offset := offsetOf(r)
	needs, total, err := s.Matchmaking.Queue(ctx, matchmaking.QueueFilter{Status: status, Query: query, Limit: pageSize, Offset: offset})
	if err != nil {
		s.fail(w, r, "need queue", err)
		return
	}
	q.Del("offset")
	d.Needs, d.Pager = needs, pager{Total: total, Offset: offset, Limit: pageSize, Query: q}
	s.render(w, r, http.StatusOK, "needs_admin", s.page(w, r, "needs.queue.title", d))
}

// needReviewData is the staff's page of a need.
type needReviewData struct {
	needHelpers
	Need        matchmaking.Need
	Facts       []needFact
	Attachments []matchmaking.Attachment
	Candidates  []reviewCandidate
	Proposed    int // candidates waiting for the shortlist's validation
	Timeline    []timelineStep
	Search      string
	Hits        []directory.Hit
	Notified    int // providers just notified, from the shortlist's redirect
	Open        bool
}

// reviewCandidate is a candidate with what each side reported.
type reviewCandidate struct {
	matchmaking.Candidate
	BuyerOutcome, ProviderOutcome matchmaking.Outcome
}

// Removable reports whether staff may take the candidate off the list.
func (c reviewCandidate) Removable() bool {
	return c.State == matchmaking.StateProposed || c.State == matchmaking.StateNotified
}

// Capacities are the explanation's capacities, labelled in lang.
func (c reviewCandidate) Capacities(lang string) []string {
	var out []string
	for _, v := range c.Explanation.Capacities {
		attr, value, _ := strings.Cut(v, " ")
		f, err := strconv.ParseFloat(value, 64)
		if err != nil {
			out = append(out, v)
			continue
		}
		line := taxonomyLabel("capacity", attr, lang) + " " + formatNumber(f, lang)
		if u := capacityUnit(attr); u != "" {
			line += " " + u
		}
		out = append(out, line)
	}
	return out
}

// timelineStep is one step of a need's history.
type timelineStep struct {
	At           time.Time
	Kind         string
	Organisation string
	Actor        string
	Detail       string
}

func (s *Server) needReview(w http.ResponseWriter, r *http.Request) {
	s.renderReview(w, r, http.StatusOK, nil, "")
}

// renderReview shows the staff's page of a need, with the errors or the
// message of a form posted from it.
func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, errs validate.Errors, message string) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	n, err := s.Matchmaking.Need(ctx, id)
	if err != nil {
		s.fail(w, r, "need review", err)
		return
	}
	lang := reqOf(r).lang
	d := needReviewData{Need: n, Facts: needFacts(n, lang, true), Search: strings.TrimSpace(r.URL.Query().Get("q")),
		Open: n.Status == matchmaking.StatusNew || n.Status == matchmaking.StatusShortlisted}
	d.Notified, _ = strconv.Atoi(r.URL.Query().Get("notified"))
	if d.Attachments, err = s.Matchmaking.Attachments(ctx, id); err != nil {
		s.fail(w, r, "need review", err)
		return
	}
	cands, err := s.Matchmaking.Candidates(ctx, id)
	if err != nil {
		s.fail(w, r, "need review", err)
		return
	}
	names := map[int64]string{}
	for _, c := range cands {
		names[c.OrganisationID] = c.Organisation
		rc := reviewCandidate{Candidate: c}
		if c.Introduced() {
			out, err := s.Matchmaking.OutcomesOf(ctx, c.ID)
			if err != nil {
				s.fail(w, r, "need review", err)
				return
			}
			rc.BuyerOutcome, rc.ProviderOutcome = out[matchmaking.SideBuyer], out[matchmaking.SideProvider]
		}
		if c.State == matchmaking.StateProposed {
			d.Proposed++
		}
		d.Candidates = append(d.Candidates, rc)
	}
	events, err := s.Matchmaking.Timeline(ctx, id)
	if err != nil {
		s.fail(w, r, "need review", err)
		return
	}
	for _, e := range events {
		st := timelineStep{At: e.At, Kind: e.Kind, Actor: e.Actor, Detail: e.Detail}
		if e.Kind == "submitted" {
			st.Detail = i18n.T(lang, "needs.channel."+e.Detail)
		}
		if e.OrganisationID != 0 {
			st.Organisation = names[e.OrganisationID]
			if st.Organisation == "" {
				st.Organisation = e.Detail
			}
			if st.Detail == st.Organisation {
				st.Detail = ""
			}
		}
		d.Timeline = append(d.Timeline, st)
	}
	if d.Search != "" && d.Open {
		res, err := s.Directory.Search(ctx, directory.SearchQuery{Text: d.Search, Viewer: directory.StaffOnly, Limit: 10})
		if _, invalid := validate.As(err); err != nil && !invalid {
			s.fail(w, r, "need review", err)
			return
		}
		d.Hits = res.Hits
	}
	p := s.page(w, r, "needs.review.title", d)
	p.Errors = errs
	if errs != nil || message != "" {
		p.Form = r.PostForm
	}
	if message != "" {
		p.Message = p.T(message)
	}
	s.render(w, r, status, "need_review", p)
}

// reviewPath is the staff's page of the need in the request's path.
func reviewPath(r *http.Request) string { return "/admin/needs/" + r.PathValue("id") }

// afterReviewAction answers a form posted from the staff's page: back to
// it with flash on success, the page again with the errors otherwise.
func (s *Server) afterReviewAction(w http.ResponseWriter, r *http.Request, err error, flash string) {
	var fe validate.Errors
	var ok bool
	switch {
	case err == nil:
		s.redirect(w, r, reviewPath(r), flash)
	case errors.Is(err, matchmaking.ErrState):
		s.redirect(w, r, reviewPath(r), "needs.flash.state")
	case isNotFound(err):
		s.notFound(w, r, false)
	default:
		if fe, ok = validate.As(err); ok {
			s.renderReview(w, r, http.StatusUnprocessableEntity, fe, "needs.form_errors")
			return
		}
		s.fail(w, r, "need review", err)
	}
}

// reviewForm parses the form posted to the staff's page and returns the
// need's id.
func (s *Server) reviewForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return 0, false
	}
	return id, s.parseForm(w, r)
}

func (s *Server) proposeCandidates(w http.ResponseWriter, r *http.Request) {
	id, ok := s.reviewForm(w, r)
	if !ok {
		return
	}
	_, err := s.Matchmaking.Propose(r.Context(), id)
	s.afterReviewAction(w, r, err, "needs.flash.proposed")
}

func (s *Server) addCandidate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.reviewForm(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if _, err := s.Matchmaking.Need(ctx, id); err != nil {
		s.fail(w, r, "add candidate", err)
		return
	}
	org, err := strconv.ParseInt(r.PostForm.Get("org_id"), 10, 64)
	if err == nil {
		err = s.Matchmaking.AddCandidate(ctx, id, org, r.PostForm.Get("note"))
	}
	if err != nil && (isNotFound(err) || errors.Is(err, strconv.ErrSyntax) || errors.Is(err, strconv.ErrRange)) {
		err = validate.Errors{{Field: "organisation", Key: "directory.organisation_unknown"}}
	}
	s.afterReviewAction(w, r, err, "needs.flash.candidate_added")
}

// candidateForm reads the organisation of .../candidates/{org}/....
func (s *Server) candidateForm(w http.ResponseWriter, r *http.Request) (needID, orgID int64, ok bool) {
	if needID, ok = s.reviewForm(w, r); !ok {
		return 0, 0, false
	}
	if orgID, ok = pathID(r, "org"); !ok {
		s.notFound(w, r, false)
	}
	return needID, orgID, ok
}

func (s *Server) annotateCandidate(w http.ResponseWriter, r *http.Request) {
	id, org, ok := s.candidateForm(w, r)
	if !ok {
		return
	}
	err := s.Matchmaking.Annotate(r.Context(), id, org, r.PostForm.Get("note"))
	if fe, ok := validate.As(err); ok {
		err = prefixed(fe, "org"+strconv.FormatInt(org, 10)+".")
	}
	s.afterReviewAction(w, r, err, "needs.flash.note_saved")
}

func (s *Server) removeCandidate(w http.ResponseWriter, r *http.Request) {
	id, org, ok := s.candidateForm(w, r)
	if !ok {
		return
	}
	s.afterReviewAction(w, r, s.Matchmaking.RemoveCandidate(r.Context(), id, org), "needs.flash.candidate_removed")
}

func (s *Server) validateShortlist(w http.ResponseWriter, r *http.Request) {
	id, ok := s.reviewForm(w, r)
	if !ok {
		return
	}
	sent, err := s.Matchmaking.ValidateShortlist(r.Context(), id)
	if err != nil {
		s.afterReviewAction(w, r, err, "")
		return
	}
	s.redirect(w, r, reviewPath(r)+"?notified="+strconv.Itoa(sent), "needs.flash.shortlisted")
}

func (s *Server) closeNeed(w http.ResponseWriter, r *http.Request) {
	id, ok := s.reviewForm(w, r)
	if !ok {
		return
	}
	s.afterReviewAction(w, r, s.Matchmaking.Close(r.Context(), id, r.PostForm.Get("reason")), "needs.flash.closed")
}

func (s *Server) reopenNeed(w http.ResponseWriter, r *http.Request) {
	id, ok := s.reviewForm(w, r)
	if !ok {
		return
	}
	s.afterReviewAction(w, r, s.Matchmaking.Reopen(r.Context(), id), "needs.flash.reopened")
}

// The settings form's number fields.
var (
	needSettingDecimals = []string{"member_boost", "intro_boost", "brick_boost"}
	needSettingIntegers = []string{"shortlist_size", "response_days", "reminder_days", "followup_days"}
)

func settingsValues(set matchmaking.Settings) url.Values {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	v := url.Values{"member_boost": {f(set.MemberBoost)}, "intro_boost": {f(set.IntroBoost)}, "brick_boost": {f(set.BrickBoost)},
		"shortlist_size": {strconv.Itoa(set.ShortlistSize)}, "response_days": {strconv.Itoa(set.ResponseDays)},
		"reminder_days": {strconv.Itoa(set.ReminderDays)}, "followup_days": {strconv.Itoa(set.FollowupDays)}}
	if set.AllowNonMembers {
		v.Set("allow_non_members", "1")
	}
	return v
}

func (s *Server) needSettings(w http.ResponseWriter, r *http.Request) {
	set, err := s.Matchmaking.Settings(r.Context())
	if err != nil {
		s.fail(w, r, "need settings", err)
		return
	}
	p := s.page(w, r, "needs.settings.title", nil)
	p.Form = settingsValues(set)
	s.render(w, r, http.StatusOK, "needs_settings", p)
}

func (s *Server) saveNeedSettings(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	set := matchmaking.Settings{AllowNonMembers: f.Get("allow_non_members") == "1"}
	var errs validate.Errors
	decimals := []*float64{&set.MemberBoost, &set.IntroBoost, &set.BrickBoost}
	for i, name := range needSettingDecimals {
		v, err := tabular.ParseDecimal(f.Get(name))
		if err != nil {
			errs.Add(name, "validate.number")
		}
		*decimals[i] = v
	}
	integers := []*int{&set.ShortlistSize, &set.ResponseDays, &set.ReminderDays, &set.FollowupDays}
	for i, name := range needSettingIntegers {
		v, err := strconv.Atoi(strings.TrimSpace(f.Get(name)))
		if err != nil {
			errs.Add(name, "validate.number")
		}
		*integers[i] = v
	}
	err := errs.Err()
	if err == nil {
		err = s.Matchmaking.SaveSettings(r.Context(), set)
	}
	if fe, ok := validate.As(err); ok {
		p := s.page(w, r, "needs.settings.title", nil)
		p.Form, p.Errors, p.Message = f, fe, p.T("needs.form_errors")
		s.render(w, r, http.StatusUnprocessableEntity, "needs_settings", p)
		return
	}
	if err != nil {
		s.fail(w, r, "need settings", err)
		return
	}
	s.redirect(w, r, "/admin/needs/settings", "flash.saved")
}
