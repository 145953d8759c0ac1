package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"filiere/internal/events"
	"filiere/internal/validate"
)

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendFile answers with a generated file.
func sendFile(w http.ResponseWriter, contentType, filename string, buf *bytes.Buffer) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}

// addRegistration registers someone on staff's behalf: an existing
// account (by its e-mail address) or a person typed in.
func (s *Server) addRegistration(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	f := r.PostForm
	in := events.StaffRegistration{Registrant: events.Registrant{Name: f.Get("reg_name"), Email: f.Get("reg_email"),
		Organisation: f.Get("reg_organisation"), Lang: f.Get("reg_lang")},
		Category: f.Get("reg_category"), OverCapacity: f.Get("over_capacity") == "1"}
	var err error
	if account := strings.TrimSpace(f.Get("reg_account")); account != "" {
		u, uerr := s.Auth.UserByEmail(ctx, account)
		switch {
		case isNotFound(uerr) || (uerr == nil && u.Disabled):
			err = validate.Errors{{Field: "reg_account", Key: "events.unknown_user"}}
		case uerr != nil:
			s.fail(w, r, "add registration", uerr)
			return
		default:
			in.UserID = u.ID
		}
	}
	if err == nil {
		_, err = s.Events.AddRegistration(ctx, id, in)
		if fe, ok := validate.As(err); ok {
			fe = prefixed(fe, "reg_")
			for i := range fe {
				if fe[i].Field == "reg_user_id" {
					fe[i].Field = "reg_account"
				}
			}
			err = fe
		}
	}
	s.afterEventAction(w, r, err, "eventsweb.flash.registration_added", "", "registrations")
}

// eventRegistration reads the registration of the path, which must be
// to the event of the path; it parses the posted form too.
func (s *Server) eventRegistration(w http.ResponseWriter, r *http.Request) (events.Registration, bool) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return events.Registration{}, false
	}
	rid, ok := pathID(r, "rid")
	if !ok {
		s.notFound(w, r, false)
		return events.Registration{}, false
	}
	reg, err := s.Events.Registration(r.Context(), rid)
	if err == nil && reg.EventID != id {
		err = errNotFound
	}
	if err != nil {
		s.fail(w, r, "registration", err)
		return events.Registration{}, false
	}
	return reg, true
}

func (s *Server) setRegistrationCategory(w http.ResponseWriter, r *http.Request) {
	reg, ok := s.eventRegistration(w, r)
	if !ok {
		return
	}
	_, err := s.Events.SetCategory(r.Context(), reg.ID, r.PostForm.Get("category"))
	if fe, ok := validate.As(err); ok {
		err = prefixed(fe, "r"+strconv.FormatInt(reg.ID, 10)+"_")
	}
	s.afterEventAction(w, r, err, "flash.saved", "", "registrations")
}

func (s *Server) setRegistrationInvoice(w http.ResponseWriter, r *http.Request) {
	reg, ok := s.eventRegistration(w, r)
	if !ok {
		return
	}
	_, err := s.Events.SetInvoiceStatus(r.Context(), reg.ID, r.PostForm.Get("invoice_status"))
	if fe, ok := validate.As(err); ok {
		err = prefixed(fe, "r"+strconv.FormatInt(reg.ID, 10)+"_")
	}
	s.afterEventAction(w, r, err, "flash.saved", "", "registrations")
}

func (s *Server) cancelRegistration(w http.ResponseWriter, r *http.Request) {
	reg, ok := s.eventRegistration(w, r)
	if !ok {
		return
	}
	_, err := s.Events.CancelRegistration(r.Context(), reg.ID)
	s.afterEventAction(w, r, err, "eventsweb.flash.registration_cancelled", "", "registrations")
}

// registrationsXLSX sends an event's registrations as a workbook.
func (s *Server) registrationsXLSX(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	var buf bytes.Buffer
	if err := s.Events.WriteRegistrationsXLSX(r.Context(), &buf, id, reqOf(r).lang); err != nil {
		s.fail(w, r, "registrations export", err)
		return
	}
	sendFile(w, xlsxType, "registrations-"+strconv.FormatInt(id, 10)+".xlsx", &buf)
}

// eventBadges sends the badges of an event's confirmed registrants as a
// PDF: all of them, or those chosen (?ids=…).
func (s *Server) eventBadges(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	var ids []int64
	for _, v := range r.URL.Query()["ids"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.renderError(w, r, http.StatusBadRequest)
			return
		}
		ids = append(ids, n)
	}
	var buf bytes.Buffer
	if err := s.Events.Badges(r.Context(), &buf, id, reqOf(r).lang, ids); err != nil {
		s.fail(w, r, "badges", err)
		return
	}
	sendFile(w, "application/pdf", "badges-"+strconv.FormatInt(id, 10)+".pdf", &buf)
}

// eventStatsXLSX sends one event's attendance as a workbook.
func (s *Server) eventStatsXLSX(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	st, err := s.Events.EventStats(r.Context(), id)
	if err != nil {
		s.fail(w, r, "event stats", err)
		return
	}
	var buf bytes.Buffer
	if err := events.WriteStatsXLSX(&buf, st, reqOf(r).lang); err != nil {
		s.fail(w, r, "event stats", err)
		return
	}
	sendFile(w, xlsxType, "attendance-"+strconv.FormatInt(id, 10)+".xlsx", &buf)
}

// checkInData is the check-in desk's page.
type checkInData struct {
	eventHelpers
	Event    events.Event
	Query    string
	Results  []events.Registration
	Presence events.Presence
}

// checkInPage is the desk on the day, made for a phone: a search box,
// the people found with a big button each, and the count.
func (s *Server) checkInPage(w http.ResponseWriter, r *http.Request) {
	e, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	d := checkInData{Event: e, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	var err error
	if d.Results, err = s.Events.CheckInSearch(ctx, e.ID, d.Query); err != nil {
		s.fail(w, r, "check-in", err)
		return
	}
	if d.Presence, err = s.Events.CheckInCount(ctx, e.ID); err != nil {
		s.fail(w, r, "check-in", err)
		return
	}
	s.render(w, r, http.StatusOK, "event_checkin", s.page(w, r, "eventsweb.checkin.title", d))
}

// afterCheckIn goes back to the desk with the same search, at the person.
func (s *Server) afterCheckIn(w http.ResponseWriter, r *http.Request, reg events.Registration, err error, flash string) {
	to := adminEventPath(reg.EventID) + "/checkin"
	if q := strings.TrimSpace(r.PostForm.Get("q")); q != "" {
		to += "?" + url.Values{"q": {q}}.Encode()
	}
	to += "#r" + strconv.FormatInt(reg.ID, 10)
	switch {
	case err == nil:
		s.redirect(w, r, to, flash)
	case errors.Is(err, events.ErrState):
		s.redirect(w, r, to, "eventsweb.flash.checkin_refused")
	default:
		s.fail(w, r, "check-in", err)
	}
}

func (s *Server) checkIn(w http.ResponseWriter, r *http.Request) {
	reg, ok := s.eventRegistration(w, r)
	if !ok {
		return
	}
	_, err := s.Events.CheckIn(r.Context(), reg.ID)
	s.afterCheckIn(w, r, reg, err, "")
}

func (s *Server) undoCheckIn(w http.ResponseWriter, r *http.Request) {
	reg, ok := s.eventRegistration(w, r)
	if !ok {
		return
	}
	_, err := s.Events.UndoCheckIn(r.Context(), reg.ID)
	s.afterCheckIn(w, r, reg, err, "")
}

// eventStatsData is the attendance over a period.
type eventStatsData struct {
	eventHelpers
	From, To string // YYYY-MM, both included
	Stats    events.Stats
	Query    template.URL // from=…&to=…, for the export link
}

func (s *Server) eventPeriodStats(w http.ResponseWriter, r *http.Request) {
	from, end, fromS, toS, errs := statsPeriod(r.URL.Query(), s.Events.Now())
	st, err := s.Events.PeriodStats(r.Context(), from, end)
	if err != nil {
		s.fail(w, r, "event stats", err)
		return
	}
	d := eventStatsData{From: fromS, To: toS, Stats: st, Query: template.URL(url.Values{"from": {fromS}, "to": {toS}}.Encode())}
	p := s.page(w, r, "eventsweb.stats.title", d)
	p.Form = url.Values{"from": {fromS}, "to": {toS}}
	status := http.StatusOK
	if errs != nil {
		p.Errors, p.Form, status = errs, r.URL.Query(), http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "events_stats", p)
}

func (s *Server) eventPeriodStatsXLSX(w http.ResponseWriter, r *http.Request) {
	from, end, fromS, toS, errs := statsPeriod(r.URL.Query(), s.Events.Now())
	if errs != nil {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	st, err := s.Events.PeriodStats(r.Context(), from, end)
	if err != nil {
		s.fail(w, r, "event stats", err)
		return
	}
	var buf bytes.Buffer
	if err := events.WriteStatsXLSX(&buf, st, reqOf(r).lang); err != nil {
		s.fail(w, r, "event stats", err)
		return
	}
	sendFile(w, xlsxType, "attendance-"+fromS+"-"+toS+".xlsx", &buf)
}
