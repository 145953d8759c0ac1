package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/meetings"
	"filiere/internal/validate"
)

// adminMeetingsPath is the staff's page of an event's meetings.
func adminMeetingsPath(id int64) string { return adminEventPath(id) + "/meetings" }

// meetingAdminData is the staff's page of an event's meetings.
type meetingAdminData struct {
	eventHelpers
	Event        events.Event
	Setup        meetings.Setup
	Configured   bool
	Attendees    []meetings.Attendee
	Requests     []meetings.MeetingRequest
	Status       string // the requests' filter, "" for all
	Statuses     []string
	Priorities   []int
	Run          *meetings.Run
	Plan         meetings.Plan
	Appointments []meetings.Appointment
	Outcomes     []string
	Stats        meetings.Stats
	Published    string // what the last publication sent, translated
}

// SlotText is a slot's day and time in Paris, in lang.
func (meetingAdminData) SlotText(sl meetings.Slot, lang string) string { return slotText(sl, lang) }

// SlotValue is a slot's start, the value that keeps it in the form.
func (meetingAdminData) SlotValue(sl meetings.Slot) string {
	return sl.Start.UTC().Format(time.RFC3339) + "/" + strconv.Itoa(sl.Minutes)
}

func (s *Server) meetingsAdmin(w http.ResponseWriter, r *http.Request) {
	s.renderMeetingsAdmin(w, r, http.StatusOK, nil, "")
}

// renderMeetingsAdmin shows the staff's page with a refused form's errors
// or message.
func (s *Server) renderMeetingsAdmin(w http.ResponseWriter, r *http.Request, status int, errs validate.Errors, message string) {
	e, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := meetingAdminData{Event: e, Statuses: meetings.RequestStatuses, Outcomes: meetings.Outcomes, Status: q.Get("status")}
	for i := 1; i <= meetings.MaxPriority; i++ {
		d.Priorities = append(d.Priorities, i)
	}
	if !slices.Contains(d.Statuses, d.Status) {
		d.Status = ""
	}
	if n := q.Get("sent"); n != "" {
		d.Published = i18n.T(reqOf(r).lang, "meetingsweb.admin.published", atoi(n), atoi(q.Get("moved")), atoi(q.Get("cancelled")), atoi(q.Get("people")))
	}
	var err error
	d.Setup, err = s.Meetings.Setup(ctx, e.ID)
	d.Configured = err == nil
	if err != nil && !isNotFound(err) {
		s.fail(w, r, "meetings admin", err)
		return
	}
	if d.Configured {
		load := []func() error{
			func() (err error) { d.Attendees, err = s.Meetings.Attendees(ctx, e.ID, ""); return },
			func() (err error) { d.Requests, err = s.Meetings.Requests(ctx, e.ID, d.Status); return },
			func() (err error) { d.Plan, err = s.Meetings.TablePlan(ctx, e.ID); return },
			func() (err error) { d.Appointments, err = s.Meetings.Appointments(ctx, e.ID, false); return },
			func() (err error) { d.Stats, err = s.Meetings.Stats(ctx, e.ID); return },
			func() error {
				run, err := s.Meetings.LastRun(ctx, e.ID)
				if err == nil {
					d.Run = &run
				}
				if isNotFound(err) {
					return nil
				}
				return err
			},
		}
		for _, f := range load {
			if err := f(); err != nil {
				s.fail(w, r, "meetings admin", err)
				return
			}
		}
	}
	p := s.page(w, r, "meetingsweb.admin.title", d)
	p.Errors, p.Message = errs, message
	if errs != nil || message != "" {
		p.Form = r.PostForm
	} else {
		p.Form = meetingSetupValues(e, d.Setup, d.Configured)
	}
	s.render(w, r, status, "meeting_admin", p)
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// meetingSetupValues fills the configuration form.
func meetingSetupValues(e events.Event, st meetings.Setup, configured bool) url.Values {
	v := url.Values{"gen_date": {localDate(e.Start)}, "gen_time": {localClock(e.Start)}, "gen_minutes": {"20"}}
	if !configured {
		return v
	}
	v.Set("tables", strconv.Itoa(st.Tables))
	v.Set("max_meetings", strconv.Itoa(st.MaxMeetings))
	v.Set("deadline_date", localDate(st.RequestDeadline))
	v.Set("deadline_time", localClock(st.RequestDeadline))
	if st.Enabled {
		v.Set("enabled", "1")
	}
	if st.AllowMoving {
		v.Set("allow_moving", "1")
	}
	if n := len(st.Slots); n > 0 {
		last := st.Slots[n-1]
		v.Set("gen_date", localDate(last.End()))
		v.Set("gen_time", localClock(last.End()))
		v.Set("gen_minutes", strconv.Itoa(last.Minutes))
	}
	return v
}

// afterMeetingsAdmin answers a staff form: back to the page (at anchor)
// with flash, or the page again with the errors.
func (s *Server) afterMeetingsAdmin(w http.ResponseWriter, r *http.Request, err error, flash, anchor string) {
	id, _ := pathID(r, "id")
	lang := reqOf(r).lang
	to := adminMeetingsPath(id)
	if st := r.PostForm.Get("list_status"); slices.Contains(meetings.RequestStatuses, st) {
		to += "?" + url.Values{"status": {st}}.Encode()
	}
	switch {
	case err == nil:
		s.redirect(w, r, to+anchor, flash)
	case errors.Is(err, meetings.ErrNotAllowed):
		s.renderError(w, r, http.StatusForbidden)
	case isNotFound(err):
		s.notFound(w, r, false)
	case errors.Is(err, meetings.ErrState):
		s.renderMeetingsAdmin(w, r, http.StatusConflict, nil, i18n.T(lang, "meetingsweb.state"))
	case errors.Is(err, meetings.ErrChanged):
		s.renderMeetingsAdmin(w, r, http.StatusConflict, nil, i18n.T(lang, "meetingsweb.admin.run_again"))
	default:
		if fe, ok := validate.As(err); ok {
			s.renderMeetingsAdmin(w, r, http.StatusUnprocessableEntity, fe, i18n.T(lang, "eventsweb.form_errors"))
			return
		}
		if m, ok := validate.AsMessage(err); ok {
			s.renderMeetingsAdmin(w, r, http.StatusUnprocessableEntity, nil, i18n.T(lang, m.Key, m.Args...))
			return
		}
		s.fail(w, r, "meetings admin", err)
	}
}

// meetingsConfigure saves the configuration: the slots kept (ticked) and
// those a run generates ("start date+time, count, minutes").
func (s *Server) meetingsConfigure(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	var errs validate.Errors
	in := meetings.SetupInput{Enabled: f.Get("enabled") != "", AllowMoving: f.Get("allow_moving") != "",
		Tables: formInt(f, "tables", &errs), MaxMeetings: formInt(f, "max_meetings", &errs)}
	in.RequestDeadline = parseLocal(f, "deadline_date", "deadline_time", "request_deadline", &errs)
	for _, v := range f["keep"] {
		start, mins, _ := strings.Cut(v, "/")
		t, err := time.Parse(time.RFC3339, start)
		n, err2 := strconv.Atoi(mins)
		if err != nil || err2 != nil {
			errs.Add("slots", "programme.unknown_slot")
			break
		}
		in.Slots = append(in.Slots, meetings.SlotInput{Start: t, Minutes: n})
	}
	if count := formInt(f, "gen_count", &errs); count > 0 {
		start := parseLocal(f, "gen_date", "gen_time", "gen_start", &errs)
		if start.IsZero() {
			errs.Add("gen_start", "validate.required")
		}
		if count > meetings.MaxSlots {
			errs.Add("gen_count", "programme.too_many_slots", meetings.MaxSlots)
		}
		minutes := formInt(f, "gen_minutes", &errs)
		if errs.Err() == nil {
			in.Slots = append(in.Slots, meetings.SlotRun(start, count, minutes)...)
		}
	}
	if err := errs.Err(); err != nil {
		s.afterMeetingsAdmin(w, r, err, "", "")
		return
	}
	_, err := s.Meetings.Configure(r.Context(), id, in)
	s.afterMeetingsAdmin(w, r, err, "meetingsweb.flash.configured", "#setup")
}

// meetingsAddRequest records an accepted meeting between two attendees.
func (s *Server) meetingsAddRequest(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	var errs validate.Errors
	from, to, weight := formInt(f, "from", &errs), formInt(f, "to", &errs), formInt(f, "weight", &errs)
	if err := errs.Err(); err != nil {
		s.afterMeetingsAdmin(w, r, err, "", "")
		return
	}
	_, err := s.Meetings.AddRequest(r.Context(), id, int64(from), int64(to), weight)
	s.afterMeetingsAdmin(w, r, err, "meetingsweb.flash.added", "#requests")
}

// meetingsSetPriority changes a request's priority.
func (s *Server) meetingsSetPriority(w http.ResponseWriter, r *http.Request) {
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
	q, err := s.Meetings.Request(ctx, rid)
	if err == nil && q.EventID != id {
		err = errNotFound
	}
	if err == nil {
		var errs validate.Errors
		weight := formInt(r.PostForm, "weight", &errs)
		if err = errs.Err(); err == nil {
			_, err = s.Meetings.SetPriority(ctx, rid, weight)
		}
	}
	s.afterMeetingsAdmin(w, r, err, "meetingsweb.flash.priority", "#requests")
}

// meetingsSchedule runs the scheduler; the page shows its summary.
func (s *Server) meetingsSchedule(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	_, err := s.Meetings.Schedule(r.Context(), id, meetings.Options{})
	s.afterMeetingsAdmin(w, r, err, "meetingsweb.flash.scheduled", "#run")
}

// meetingsPublish sends the agendas; the page says how many.
func (s *Server) meetingsPublish(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	pub, err := s.Meetings.Publish(r.Context(), id)
	if err != nil {
		s.afterMeetingsAdmin(w, r, err, "", "")
		return
	}
	v := url.Values{"sent": {strconv.Itoa(pub.Sent)}, "moved": {strconv.Itoa(pub.Moved)},
		"cancelled": {strconv.Itoa(pub.Cancelled)}, "people": {strconv.Itoa(pub.People)}}
	s.redirect(w, r, adminMeetingsPath(id)+"?"+v.Encode()+"#run", "meetingsweb.flash.published")
}

// meetingsPlanXLSX is the table plan as a workbook.
func (s *Server) meetingsPlanXLSX(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	pl, err := s.Meetings.TablePlan(r.Context(), id)
	if err != nil {
		s.fail(w, r, "table plan", err)
		return
	}
	var buf bytes.Buffer
	if err := meetings.WriteTablePlanXLSX(&buf, pl, reqOf(r).lang); err != nil {
		s.fail(w, r, "table plan", err)
		return
	}
	sendFile(w, xlsxType, "table-plan-"+strconv.FormatInt(id, 10)+".xlsx", &buf)
}

// meetingsOutcome marks what came of a meeting on the day.
func (s *Server) meetingsOutcome(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	aid, ok := pathID(r, "aid")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	ctx := r.Context()
	list, err := s.Meetings.Appointments(ctx, id, true)
	if err == nil && !slices.ContainsFunc(list, func(m meetings.Appointment) bool { return m.ID == aid }) {
		err = errNotFound
	}
	if err == nil {
		_, err = s.Meetings.MarkOutcome(ctx, aid, r.PostForm.Get("outcome"))
	}
	s.afterMeetingsAdmin(w, r, err, "meetingsweb.flash.outcome", "#appointments")
}
