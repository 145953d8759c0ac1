package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"filiere/internal/auth"
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/validate"
)

// eventPageData is an event's public page.
type eventPageData struct {
	eventHelpers
	Event events.Event
	Days  []agendaDay
	// Registration is the reader's own registration, when signed in and
	// registered (also one made without an account with their address).
	Registration *events.Registration
	CanCancel    bool   // they may cancel it here
	Open         bool   // registrations are open to them
	Closed       string // why registrations are closed, translated; "" when open
	Invitation   bool   // an invitation event: staff add the registrations
	Started      bool
	Ended        bool
	ICSURL       string
	Staff        bool
	// Meetings says the event runs one-to-one business meetings, which a
	// confirmed registrant can join.
	Meetings bool
}

// agendaDay is one day of an event's agenda.
type agendaDay struct {
	Date     time.Time
	Sessions []events.Session
}

// agenda groups sessions by their day in Paris.
func agenda(list []events.Session) []agendaDay {
	var out []agendaDay
	for _, ss := range list {
		y, m, d := ss.Start.In(paris).Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, paris)
		if n := len(out); n == 0 || !out[n-1].Date.Equal(day) {
			out = append(out, agendaDay{Date: day})
		}
		out[len(out)-1].Sessions = append(out[len(out)-1].Sessions, ss)
	}
	return out
}

// closedReason says why nobody may register to e by themselves at now,
// in lang; "" when registrations are open.
func closedReason(e events.Event, now time.Time, lang string) string {
	switch {
	case e.RegistrationOpen(now):
		return ""
	case e.Status == events.StatusCancelled:
		return i18n.T(lang, "eventsweb.event.cancelled_closed")
	case e.Ended(now):
		return i18n.T(lang, "eventsweb.event.over")
	case e.Status == events.StatusDraft:
		return i18n.T(lang, "eventsweb.event.draft_closed")
	case !e.Started(now) && !e.RegistrationOpens.IsZero() && now.Before(e.RegistrationOpens):
		at := events.Local(e.RegistrationOpens)
		return i18n.T(lang, "events.registration_not_open", at.Format("02/01/2006"), at.Format("15:04"))
	}
	return i18n.T(lang, "events.registration_closed")
}

func (s *Server) eventPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "eventsweb.event.title", nil)
	p.Form = url.Values{}
	s.renderEventPage(w, r, http.StatusOK, p)
}

// renderEventPage shows the event of the path to the reader with p's
// errors or message (a registration refused).
func (s *Server) renderEventPage(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	ctx := r.Context()
	u := reqOf(r).user
	e, err := s.Events.Event(ctx, u, id)
	if err != nil {
		s.fail(w, r, "event", err)
		return
	}
	now := s.Events.Now()
	d := eventPageData{Event: e, Days: agenda(e.Sessions), Started: e.Started(now), Ended: e.Ended(now),
		ICSURL: events.ICSPath(e.ID), Staff: auth.Can(u, auth.ActEventsManage, 0),
		Invitation: e.Audience == events.AudienceInvitation && (u == nil || !u.Role.IsStaff())}
	if reg, err := s.Events.RegistrationOf(ctx, u, id); err == nil {
		d.Registration = &reg
		d.CanCancel = reg.UserID == u.ID && !d.Started
	} else if !isNotFound(err) {
		s.fail(w, r, "event", err)
		return
	}
	if setup, err := s.Meetings.Setup(ctx, id); err == nil {
		d.Meetings = setup.Enabled
	} else if !isNotFound(err) {
		s.fail(w, r, "event", err)
		return
	}
	d.Closed = closedReason(e, now, p.Lang)
	d.Open = d.Closed == "" && !d.Invitation && (d.Registration == nil || d.Registration.Status == events.RegPending)
	p.Data = d
	s.render(w, r, status, "event", p)
}

// registerToEvent registers the reader: in one click when signed in, with
// their name, e-mail address and organisation otherwise (a link mailed to
// the address confirms it).
func (s *Server) registerToEvent(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	rq := reqOf(r)
	f := r.PostForm
	if rq.user == nil && strings.TrimSpace(f.Get(honeypot)) != "" {
		s.Logger.Info("event registration honeypot filled", "ip", rq.ip)
		s.redirect(w, r, events.EventPath(id), "eventsweb.flash.check_mail")
		return
	}
	in := events.Registrant{Name: f.Get("name"), Email: f.Get("email"), Organisation: f.Get("organisation"), Lang: rq.lang}
	reg, err := s.Events.Register(r.Context(), rq.user, id, in)
	if err != nil {
		p := s.page(w, r, "eventsweb.event.title", nil)
		p.Form = f
		switch {
		case isNotFound(err):
			s.notFound(w, r, false)
			return
		case errors.Is(err, events.ErrRateLimited):
			p.Message = p.T("eventsweb.rate_limited")
			s.renderEventPage(w, r, http.StatusTooManyRequests, p)
			return
		}
		if fe, ok := validate.As(err); ok {
			p.Errors, p.Message = fe, p.T("eventsweb.form_errors")
		} else if m, ok := validate.AsMessage(err); ok {
			p.Message = p.T(m.Key, m.Args...)
		} else {
			s.fail(w, r, "register", err)
			return
		}
		s.renderEventPage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	flash := "eventsweb.flash.registered"
	switch reg.Status {
	case events.RegPending:
		flash = "eventsweb.flash.check_mail"
	case events.RegWaiting:
		flash = "eventsweb.flash.waiting"
	}
	s.redirect(w, r, events.EventPath(id), flash)
}

// cancelOwnRegistration cancels the signed-in reader's registration
// before the event; next (a local path) is where to go back.
func (s *Server) cancelOwnRegistration(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	u := reqOf(r).user
	back := localPath(r.PostForm.Get("next"))
	if back == "" {
		back = events.EventPath(id)
	}
	reg, err := s.Events.RegistrationOf(ctx, u, id)
	if err == nil {
		_, err = s.Events.CancelOwn(ctx, u, reg.ID)
	}
	switch {
	case err == nil:
		s.redirect(w, r, back, "eventsweb.flash.cancelled")
	case errors.Is(err, events.ErrState):
		s.redirect(w, r, back, "eventsweb.flash.cancel_too_late")
	default:
		s.fail(w, r, "cancel registration", err)
	}
}

// confirmRegistration confirms a registrant's address from the mailed
// link and takes them to the event.
func (s *Server) confirmRegistration(w http.ResponseWriter, r *http.Request, token string) {
	reg, err := s.Events.Confirm(r.Context(), token)
	if err != nil {
		if m, ok := validate.AsMessage(err); ok {
			s.renderNotice(w, r, http.StatusConflict, m.Key, m.Args...)
			return
		}
		if errors.Is(err, events.ErrState) {
			s.renderNotice(w, r, http.StatusConflict, "eventsweb.confirm.cancelled")
			return
		}
		s.fail(w, r, "confirm registration", err)
		return
	}
	flash := "eventsweb.flash.confirmed"
	if reg.Status == events.RegWaiting {
		flash = "eventsweb.flash.confirmed_waiting"
	}
	s.redirect(w, r, events.EventPath(reg.EventID), flash)
}

// eventNotice is a one-message page: a mailed link that came too late.
type eventNotice struct {
	Key  string
	Args []any
}

// Text is the notice in lang.
func (n eventNotice) Text(lang string) string { return i18n.T(lang, n.Key, n.Args...) }

func (s *Server) renderNotice(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	s.render(w, r, status, "event_notice", s.page(w, r, "eventsweb.notice.title", eventNotice{Key: key, Args: args}))
}

// eventManageData is a registrant's own page, reached from the mailed link.
type eventManageData struct {
	eventHelpers
	Registration events.Registration
	Event        events.Event
	Token        string
	CanCancel    bool
	Public       bool // the event's page is open to anyone
}

// manageRegistration shows a registration's status to the registrant
// without an account, with a button to cancel it.
func (s *Server) manageRegistration(w http.ResponseWriter, r *http.Request, token string) {
	ctx := r.Context()
	reg, err := s.Events.RegistrationByToken(ctx, token)
	if err != nil {
		s.fail(w, r, "manage registration", err)
		return
	}
	e, err := s.registrationEvent(r, reg)
	if err != nil {
		s.fail(w, r, "manage registration", err)
		return
	}
	d := eventManageData{Registration: reg, Event: e, Token: token, Public: e.Audience == events.AudiencePublic && e.Status != events.StatusDraft,
		CanCancel: reg.Status != events.RegCancelled && !e.Started(s.Events.Now())}
	s.render(w, r, http.StatusOK, "event_manage", s.page(w, r, "eventsweb.manage.title", d))
}

// registrationEvent reads the event of a registration whose signed link
// the reader holds: the link shows it even when the event's audience
// would not (an invitation added by staff).
func (s *Server) registrationEvent(r *http.Request, reg events.Registration) (events.Event, error) {
	// The domain has no read by registration; staff's view sees every
	// event, and the token was checked already.
	return s.Events.Event(r.Context(), &auth.User{Role: auth.RoleStaff}, reg.EventID)
}

// cancelByToken cancels a registration from the registrant's own page.
func (s *Server) cancelByToken(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !s.parseForm(w, r) {
		return
	}
	_, err := s.Events.CancelByToken(r.Context(), token)
	back := events.ManagePath(token)
	switch {
	case err == nil:
		s.redirect(w, r, back, "eventsweb.flash.cancelled")
	case errors.Is(err, events.ErrState):
		s.redirect(w, r, back, "eventsweb.flash.cancel_too_late")
	default:
		s.fail(w, r, "cancel registration", err)
	}
}

// myEventsData is a signed-in user's registrations.
type myEventsData struct {
	eventHelpers
	Upcoming []events.Booking
	Past     []events.Booking
	Now      time.Time
}

// myEvents lists the signed-in user's registrations, upcoming first.
func (s *Server) myEvents(w http.ResponseWriter, r *http.Request) {
	list, err := s.Events.UserRegistrations(r.Context(), reqOf(r).user.ID)
	if err != nil {
		s.fail(w, r, "my events", err)
		return
	}
	now := s.Events.Now()
	d := myEventsData{Now: now}
	for _, b := range list {
		if b.Event.Ended(now) {
			d.Past = append([]events.Booking{b}, d.Past...) // latest first
		} else {
			d.Upcoming = append(d.Upcoming, b)
		}
	}
	s.render(w, r, http.StatusOK, "events_mine", s.page(w, r, "eventsweb.mine.title", d))
}
