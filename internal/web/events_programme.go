package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"filiere/internal/events"
	"filiere/internal/validate"
)

// sessionInput reads a session form: a day, the start and end times on
// it (Paris), and the speakers' rows.
func sessionInput(f url.Values) (events.SessionInput, validate.Errors) {
	var errs validate.Errors
	in := events.SessionInput{Title: f.Get("session_title"), Room: f.Get("session_room")}
	// A time left empty is missing (not midnight).
	if strings.TrimSpace(f.Get("session_start")) != "" {
		in.Start = parseLocal(f, "session_date", "session_start", "session_start", &errs)
	}
	if strings.TrimSpace(f.Get("session_end")) != "" {
		in.End = parseLocal(f, "session_date", "session_end", "session_end", &errs)
	}
	orgs := f["speaker_org"]
	for i, n := range f["speaker_name"] {
		sp := events.Speaker{Name: n}
		if i < len(orgs) {
			sp.Organisation = orgs[i]
		}
		in.Speakers = append(in.Speakers, sp)
	}
	return in, errs
}

// sessionValues fills the session form from a session.
func sessionValues(ss events.Session) url.Values {
	return url.Values{"session_title": {ss.Title}, "session_room": {ss.Room}, "session_date": {localDate(ss.Start)},
		"session_start": {localClock(ss.Start)}, "session_end": {localClock(ss.End)}}
}

func (s *Server) addSession(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	in, errs := sessionInput(r.PostForm)
	err := errs.Err()
	if err == nil {
		_, err = s.Events.AddSession(r.Context(), id, in)
		if fe, ok := validate.As(err); ok {
			err = prefixed(fe, "session_")
		}
	}
	s.afterEventAction(w, r, err, "eventsweb.flash.session_added", "", "agenda")
}

// sessionFormData is the page that edits one session.
type sessionFormData struct {
	eventHelpers
	Event       events.Event
	Session     events.Session
	SpeakerRows []events.Speaker
}

// eventSession reads the session of the path, which must belong to the
// event of the path.
func (s *Server) eventSession(w http.ResponseWriter, r *http.Request) (events.Event, events.Session, bool) {
	e, ok := s.staffEvent(w, r)
	if !ok {
		return e, events.Session{}, false
	}
	sid, ok := pathID(r, "sid")
	if !ok {
		s.notFound(w, r, false)
		return e, events.Session{}, false
	}
	ss, err := s.Events.Session(r.Context(), sid)
	if err == nil && ss.EventID != e.ID {
		err = errNotFound
	}
	if err != nil {
		s.fail(w, r, "session", err)
		return e, events.Session{}, false
	}
	return e, ss, true
}

func (s *Server) sessionForm(w http.ResponseWriter, r *http.Request) {
	e, ss, ok := s.eventSession(w, r)
	if !ok {
		return
	}
	p := s.page(w, r, "eventsweb.session.edit", sessionFormData{Event: e, Session: ss, SpeakerRows: speakerRows(nil, ss.Speakers)})
	p.Form = sessionValues(ss)
	s.render(w, r, http.StatusOK, "event_session", p)
}

func (s *Server) updateSession(w http.ResponseWriter, r *http.Request) {
	e, ss, ok := s.eventSession(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	in, errs := sessionInput(r.PostForm)
	err := errs.Err()
	if err == nil {
		_, err = s.Events.UpdateSession(r.Context(), ss.ID, in)
		if fe, ok := validate.As(err); ok {
			err = prefixed(fe, "session_")
		}
	}
	if fe, ok := validate.As(err); ok {
		p := s.page(w, r, "eventsweb.session.edit", sessionFormData{Event: e, Session: ss, SpeakerRows: speakerRows(r.PostForm, nil)})
		p.Form, p.Errors, p.Message = r.PostForm, fe, p.T("eventsweb.form_errors")
		s.render(w, r, http.StatusUnprocessableEntity, "event_session", p)
		return
	}
	s.afterEventAction(w, r, err, "flash.saved", "", "agenda")
}

func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) {
	_, ss, ok := s.eventSession(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	s.afterEventAction(w, r, s.Events.DeleteSession(r.Context(), ss.ID), "eventsweb.flash.session_deleted", "", "agenda")
}

// partnerOrg reads the organisation a partner form names.
func partnerOrg(f url.Values) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(f.Get("org_id")), 10, 64)
	if err != nil || id <= 0 {
		return 0, validate.Errors{{Field: "partner_organisation_id", Key: "events.unknown_organisation"}}
	}
	return id, nil
}

func (s *Server) setExhibitor(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	org, err := partnerOrg(r.PostForm)
	if err == nil {
		if err = s.Events.SetExhibitor(r.Context(), id, org, r.PostForm.Get("stand")); err != nil {
			if fe, ok := validate.As(err); ok {
				err = prefixed(fe, "partner_")
			}
		}
	}
	s.afterEventAction(w, r, err, "eventsweb.flash.exhibitor_set", "", "partners")
}

func (s *Server) setSponsor(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	org, err := partnerOrg(r.PostForm)
	if err == nil {
		if err = s.Events.SetSponsor(r.Context(), id, org, r.PostForm.Get("level"), r.PostForm.Get("stand")); err != nil {
			if fe, ok := validate.As(err); ok {
				err = prefixed(fe, "partner_")
			}
		}
	}
	s.afterEventAction(w, r, err, "eventsweb.flash.sponsor_set", "", "partners")
}

// partnerForm reads the organisation of .../{org}/remove.
func (s *Server) partnerForm(w http.ResponseWriter, r *http.Request) (int64, int64, bool) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return 0, 0, false
	}
	org, ok := pathID(r, "org")
	if !ok {
		s.notFound(w, r, false)
	}
	return id, org, ok
}

func (s *Server) removeExhibitor(w http.ResponseWriter, r *http.Request) {
	id, org, ok := s.partnerForm(w, r)
	if !ok {
		return
	}
	s.afterEventAction(w, r, s.Events.RemoveExhibitor(r.Context(), id, org), "eventsweb.flash.partner_removed", "", "partners")
}

func (s *Server) removeSponsor(w http.ResponseWriter, r *http.Request) {
	id, org, ok := s.partnerForm(w, r)
	if !ok {
		return
	}
	s.afterEventAction(w, r, s.Events.RemoveSponsor(r.Context(), id, org), "eventsweb.flash.partner_removed", "", "partners")
}

func (s *Server) addRecording(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	_, err := s.Events.AddRecording(r.Context(), id, r.PostForm.Get("recording_title"), r.PostForm.Get("recording_url"))
	if fe, ok := validate.As(err); ok {
		err = prefixed(fe, "recording_")
	}
	s.afterEventAction(w, r, err, "eventsweb.flash.recording_added", "", "recordings")
}

func (s *Server) deleteRecording(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	rid, ok := pathID(r, "rid")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	ctx := r.Context()
	recs, err := s.Events.Recordings(ctx, id)
	if err != nil {
		s.fail(w, r, "delete recording", err)
		return
	}
	found := false
	for _, rec := range recs {
		found = found || rec.ID == rid
	}
	if !found {
		s.notFound(w, r, false)
		return
	}
	s.afterEventAction(w, r, s.Events.DeleteRecording(ctx, rid), "eventsweb.flash.recording_deleted", "", "recordings")
}
