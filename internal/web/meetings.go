package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"filiere/internal/auth"
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/meetings"
	"filiere/internal/validate"
)

// meetingRoutes registers the pages of the one-to-one business meetings.
// The paths the mails link to come from the domain (meetings.PagePath,
// AgendaPath, TokenPagePath, TokenAgendaPath, TokenICSPath, TokenPDFPath).
func (s *Server) meetingRoutes() {
	// A registrant signed in; the domain finds their registration (404
	// otherwise).
	s.handle("GET /events/{id}/meetings", auth.ActSignedIn, s.meetingPage)
	s.handle("GET /events/{id}/meetings/agenda", auth.ActSignedIn, s.meetingAgenda)
	s.handle("POST /events/{id}/meetings/profile", auth.ActSignedIn, s.meetingOptIn)
	s.handle("POST /events/{id}/meetings/optout", auth.ActSignedIn, s.meetingOptOut)
	s.handle("POST /events/{id}/meetings/requests", auth.ActSignedIn, s.meetingSendRequest)
	s.handle("POST /events/{id}/meetings/requests/{rid}/{action}", auth.ActSignedIn, s.meetingAnswer)

	// A registrant by the signed link; the domain checks it (404 otherwise).
	s.handle("GET /meetings/{token}", auth.ActPublic, s.meetingPage)
	s.handle("GET /meetings/{token}/agenda", auth.ActPublic, s.meetingAgenda)
	s.handle("GET /meetings/{token}/agenda.ics", auth.ActPublic, s.meetingICS)
	s.handle("GET /meetings/{token}/agenda.pdf", auth.ActPublic, s.meetingPDF)
	s.handle("POST /meetings/{token}/profile", auth.ActPublic, s.meetingOptIn)
	s.handle("POST /meetings/{token}/optout", auth.ActPublic, s.meetingOptOut)
	s.handle("POST /meetings/{token}/requests", auth.ActPublic, s.meetingSendRequest)
	s.handle("POST /meetings/{token}/requests/{rid}/{action}", auth.ActPublic, s.meetingAnswer)

	// Staff.
	s.handle("GET /admin/events/{id}/meetings", auth.ActEventsManage, s.meetingsAdmin)
	s.handle("POST /admin/events/{id}/meetings/setup", auth.ActEventsManage, s.meetingsConfigure)
	s.handle("POST /admin/events/{id}/meetings/requests", auth.ActEventsManage, s.meetingsAddRequest)
	s.handle("POST /admin/events/{id}/meetings/requests/{rid}/priority", auth.ActEventsManage, s.meetingsSetPriority)
	s.handle("POST /admin/events/{id}/meetings/schedule", auth.ActEventsManage, s.meetingsSchedule)
	s.handle("POST /admin/events/{id}/meetings/publish", auth.ActEventsManage, s.meetingsPublish)
	s.handle("GET /admin/events/{id}/meetings/plan.xlsx", auth.ActEventsManage, s.meetingsPlanXLSX)
	s.handle("POST /admin/events/{id}/meetings/appointments/{aid}/outcome", auth.ActEventsManage, s.meetingsOutcome)
}

// meetingSide is how a participant reaches their meetings: signed in, or
// by the signed link.
type meetingSide struct {
	caller meetings.Caller
	base   string // the page; its forms post under it
	agenda string
	token  string // the meetings token, for the files
}

// meetingCaller identifies the participant of the request: the {token}
// of the path, else the signed-in user's registration to event {id}.
func (s *Server) meetingCaller(w http.ResponseWriter, r *http.Request) (meetingSide, bool) {
	ctx := r.Context()
	var side meetingSide
	var err error
	if tok := r.PathValue("token"); tok != "" {
		side.caller, err = s.Meetings.CallerByToken(ctx, tok)
		side.base, side.agenda = meetings.TokenPagePath(tok), meetings.TokenAgendaPath(tok)
	} else {
		id, ok := pathID(r, "id")
		if !ok {
			s.notFound(w, r, false)
			return side, false
		}
		side.caller, err = s.Meetings.CallerByUser(ctx, reqOf(r).user, id)
		side.base, side.agenda = meetings.PagePath(id), meetings.AgendaPath(id)
	}
	if err != nil {
		s.fail(w, r, "meetings", err)
		return side, false
	}
	side.token = s.Meetings.Token(side.caller.Registration().ID)
	return side, true
}

// meetingPageData is a participant's meetings page.
type meetingPageData struct {
	eventHelpers
	Event     events.Event
	Base      string
	AgendaURL string
	ICSURL    string
	PDFURL    string
	Setup     meetings.Setup
	Me        *meetings.Attendee
	Closed    string // why they may not browse, translated
	Query     string
	Others    []meetings.Attendee
	Sent      []meetings.MeetingRequest
	Received  []meetings.MeetingRequest
	Asked     map[int64]bool // the people a live request links them to
	Agenda    meetings.Agenda
	Posted    url.Values // the profile form as posted, when refused
}

// SlotText is a slot's day and time in Paris, in lang.
func (meetingPageData) SlotText(sl meetings.Slot, lang string) string { return slotText(sl, lang) }

func slotText(sl meetings.Slot, lang string) string {
	return eventDay(sl.Start, lang) + ", " + sl.Label()
}

// Checked reports whether the profile form ticks slot id.
func (d meetingPageData) Checked(id int64) bool {
	if d.Posted != nil {
		for _, v := range d.Posted["slots"] {
			if v == strconv.FormatInt(id, 10) {
				return true
			}
		}
		return false
	}
	return d.Me == nil || d.Me.Status != meetings.AttendeeActive || d.Me.Available(id)
}

// Active reports whether the participant takes part.
func (d meetingPageData) Active() bool { return d.Me != nil && d.Me.Active() }

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) {
	s.renderMeetingPage(w, r, http.StatusOK, nil, "")
}

// renderMeetingPage shows the participant's page with a refused form's
// errors or message.
func (s *Server) renderMeetingPage(w http.ResponseWriter, r *http.Request, status int, errs validate.Errors, message string) {
	side, ok := s.meetingCaller(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	lang := reqOf(r).lang
	e, err := s.registrationEvent(r, side.caller.Registration())
	if err != nil {
		s.fail(w, r, "meetings", err)
		return
	}
	d := meetingPageData{Event: e, Base: side.base, AgendaURL: side.agenda, ICSURL: meetings.TokenICSPath(side.token),
		PDFURL: meetings.TokenPDFPath(side.token), Query: strings.TrimSpace(r.URL.Query().Get("q")), Asked: map[int64]bool{}}
	if d.Setup, err = s.Meetings.Setup(ctx, e.ID); isNotFound(err) {
		d.Closed = i18n.T(lang, "programme.closed")
	} else if err != nil {
		s.fail(w, r, "meetings", err)
		return
	}
	if me, err := s.Meetings.Me(ctx, side.caller); err == nil {
		d.Me = &me
	} else if !isNotFound(err) {
		s.fail(w, r, "meetings", err)
		return
	}
	if d.Closed == "" {
		d.Others, err = s.Meetings.Browse(ctx, side.caller, d.Query)
		if m, ok := validate.AsMessage(err); ok {
			d.Closed = i18n.T(lang, m.Key, m.Args...)
		} else if err != nil {
			s.fail(w, r, "meetings", err)
			return
		}
	}
	reqs, err := s.Meetings.MyRequests(ctx, side.caller)
	if err != nil {
		s.fail(w, r, "meetings", err)
		return
	}
	if d.Me != nil {
		for _, q := range reqs {
			if q.Status == meetings.RequestPending || q.Status == meetings.RequestAccepted {
				d.Asked[q.Other(d.Me.AttendeeID).AttendeeID] = true
			}
			if q.From.AttendeeID == d.Me.AttendeeID {
				d.Sent = append(d.Sent, q)
			} else {
				d.Received = append(d.Received, q)
			}
		}
		if d.Agenda, err = s.Meetings.MyAgenda(ctx, side.caller); err != nil {
			s.fail(w, r, "meetings", err)
			return
		}
	}
	p := s.page(w, r, "meetingsweb.page.title", nil)
	p.Errors, p.Message, p.Form = errs, message, url.Values{}
	if errs != nil || message != "" {
		p.Form = r.PostForm
		if r.PostForm.Has("offer") {
			d.Posted = r.PostForm
		}
	} else if d.Me != nil {
		p.Form.Set("offer", d.Me.Offer)
		p.Form.Set("seeking", d.Me.Seeking)
		if d.Me.MaxMeetings > 0 {
			p.Form.Set("max_meetings", strconv.Itoa(d.Me.MaxMeetings))
		}
	}
	p.Data = d
	s.render(w, r, status, "meeting", p)
}

// afterMeetingAction answers a participant's form: back to their page
// with flash, or the page again with the errors.
func (s *Server) afterMeetingAction(w http.ResponseWriter, r *http.Request, side meetingSide, err error, flash, anchor string) {
	lang := reqOf(r).lang
	switch {
	case err == nil:
		s.redirect(w, r, side.base+anchor, flash)
	case errors.Is(err, meetings.ErrNotAllowed):
		s.renderError(w, r, http.StatusForbidden)
	case isNotFound(err):
		s.notFound(w, r, false)
	case errors.Is(err, meetings.ErrState):
		s.renderMeetingPage(w, r, http.StatusConflict, nil, i18n.T(lang, "meetingsweb.state"))
	default:
		if fe, ok := validate.As(err); ok {
			s.renderMeetingPage(w, r, http.StatusUnprocessableEntity, fe, i18n.T(lang, "eventsweb.form_errors"))
			return
		}
		if m, ok := validate.AsMessage(err); ok {
			s.renderMeetingPage(w, r, http.StatusUnprocessableEntity, nil, i18n.T(lang, m.Key, m.Args...))
			return
		}
		s.fail(w, r, "meetings", err)
	}
}

// formInt reads an optional whole number; blank is 0.
func formInt(f url.Values, field string, errs *validate.Errors) int {
	v := strings.TrimSpace(f.Get(field))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		errs.Add(field, "validate.number")
	}
	return n
}

// meetingOptIn opts the participant in with their profile, or updates it.
func (s *Server) meetingOptIn(w http.ResponseWriter, r *http.Request) {
	side, ok := s.meetingCaller(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	var errs validate.Errors
	in := meetings.Profile{Offer: f.Get("offer"), Seeking: f.Get("seeking"), Lang: reqOf(r).lang, MaxMeetings: formInt(f, "max_meetings", &errs)}
	for _, v := range f["slots"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs.Add("slots", "programme.unknown_slot")
			break
		}
		in.Slots = append(in.Slots, id)
	}
	if len(in.Slots) == 0 {
		errs.Add("slots", "meetingsweb.profile.slots_required")
	}
	if err := errs.Err(); err != nil {
		s.afterMeetingAction(w, r, side, err, "", "")
		return
	}
	_, err := s.Meetings.OptIn(r.Context(), side.caller, in)
	s.afterMeetingAction(w, r, side, err, "meetingsweb.flash.profile", "#profile")
}

// meetingOptOut takes the participant out of the programme.
func (s *Server) meetingOptOut(w http.ResponseWriter, r *http.Request) {
	side, ok := s.meetingCaller(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	s.afterMeetingAction(w, r, side, s.Meetings.OptOut(r.Context(), side.caller), "meetingsweb.flash.opted_out", "")
}

// meetingSendRequest asks another participant for a meeting.
func (s *Server) meetingSendRequest(w http.ResponseWriter, r *http.Request) {
	side, ok := s.meetingCaller(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	to, err := strconv.ParseInt(r.PostForm.Get("to"), 10, 64)
	if err != nil || to <= 0 {
		s.notFound(w, r, false)
		return
	}
	_, err = s.Meetings.SendRequest(r.Context(), side.caller, to, r.PostForm.Get("message"))
	s.afterMeetingAction(w, r, side, err, "meetingsweb.flash.sent", "#requests")
}

// meetingAnswer accepts or declines a request received, or cancels one
// sent or accepted.
func (s *Server) meetingAnswer(w http.ResponseWriter, r *http.Request) {
	side, ok := s.meetingCaller(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	rid, ok := pathID(r, "rid")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	ctx := r.Context()
	var err error
	flash := ""
	switch r.PathValue("action") {
	case "accept", "decline":
		accept := r.PathValue("action") == "accept"
		_, err = s.Meetings.Answer(ctx, side.caller, rid, accept)
		flash = map[bool]string{true: "meetingsweb.flash.accepted", false: "meetingsweb.flash.declined"}[accept]
	case "cancel":
		_, err = s.Meetings.CancelRequest(ctx, side.caller, rid)
		flash = "meetingsweb.flash.cancelled"
	default:
		s.notFound(w, r, false)
		return
	}
	s.afterMeetingAction(w, r, side, err, flash, "#requests")
}

// meetingAgendaData is a participant's agenda page.
type meetingAgendaData struct {
	eventHelpers
	Agenda  meetings.Agenda
	PageURL string
	ICSURL  string
	PDFURL  string
}

// SlotText is a slot's day and time in Paris, in lang.
func (meetingAgendaData) SlotText(sl meetings.Slot, lang string) string { return slotText(sl, lang) }

// myAgenda reads the participant's agenda as it was sent to them.
func (s *Server) myAgenda(w http.ResponseWriter, r *http.Request) (meetingSide, meetings.Agenda, bool) {
	side, ok := s.meetingCaller(w, r)
	if !ok {
		return side, meetings.Agenda{}, false
	}
	ag, err := s.Meetings.MyAgenda(r.Context(), side.caller)
	if err != nil {
		s.fail(w, r, "meeting agenda", err)
		return side, ag, false
	}
	return side, ag, true
}

// meetingAgenda shows the participant's meetings, with the files.
func (s *Server) meetingAgenda(w http.ResponseWriter, r *http.Request) {
	side, ag, ok := s.myAgenda(w, r)
	if !ok {
		return
	}
	d := meetingAgendaData{Agenda: ag, PageURL: side.base, ICSURL: meetings.TokenICSPath(side.token), PDFURL: meetings.TokenPDFPath(side.token)}
	s.render(w, r, http.StatusOK, "meeting_agenda", s.page(w, r, "meetingsweb.agenda.title", d))
}

// meetingICS is the agenda as an iCalendar file.
func (s *Server) meetingICS(w http.ResponseWriter, r *http.Request) {
	_, ag, ok := s.myAgenda(w, r)
	if !ok {
		return
	}
	sendCalendar(w, "meetings-"+strconv.FormatInt(ag.Event.ID, 10)+".ics", s.Meetings.AgendaICS(ag, reqOf(r).lang))
}

// meetingPDF is the agenda as a PDF.
func (s *Server) meetingPDF(w http.ResponseWriter, r *http.Request) {
	_, ag, ok := s.myAgenda(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := meetings.WriteAgendaPDF(&buf, ag, reqOf(r).lang); err != nil {
		s.fail(w, r, "meeting agenda pdf", err)
		return
	}
	sendFile(w, "application/pdf", "meetings-"+strconv.FormatInt(ag.Event.ID, 10)+".pdf", &buf)
}
