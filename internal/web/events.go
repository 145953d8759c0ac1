package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"filiere/internal/auth"
	"filiere/internal/directory"
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/ics"
	"filiere/internal/validate"
)

// eventRoutes registers the pages of events and registrations. The paths
// the mails link to come from the domain (events.EventPath, ICSPath,
// FeedPath, ConfirmPath, ManagePath).
func (s *Server) eventRoutes() {
	// Everyone; the domain decides who sees which event (404 otherwise).
	s.handle("GET /events", auth.ActPublic, s.eventList)
	s.handle("GET /events/calendar", auth.ActPublic, s.eventCalendar)
	s.handle("GET "+events.FeedPath, auth.ActPublic, s.eventFeed)
	s.handle("GET /events/{id}", auth.ActPublic, s.eventPage)
	// /events/{id}/calendar.ics, /events/confirm/{token} and
	// /events/registration/{token}: one pattern, since the literal ones
	// would clash in the mux (/events/confirm/calendar.ics matches two).
	s.handle("GET /events/{key}/{rest}", auth.ActPublic, s.eventSubpage)
	s.handle("POST /events/{id}/register", auth.ActPublic, s.registerToEvent)
	s.handle("POST /events/{id}/cancel", auth.ActSignedIn, s.cancelOwnRegistration)
	s.handle("POST /events/registration/{token}/cancel", auth.ActPublic, s.cancelByToken)
	s.handle("GET /my/events", auth.ActSignedIn, s.myEvents)

	// The back office.
	s.handle("GET /admin/events", auth.ActEventsManage, s.adminEvents)
	s.handle("GET /admin/events/new", auth.ActEventsManage, s.newEventForm)
	s.handle("POST /admin/events/new", auth.ActEventsManage, s.createEvent)
	s.handle("GET /admin/events/stats", auth.ActEventsManage, s.eventPeriodStats)
	s.handle("GET /admin/events/stats.xlsx", auth.ActEventsManage, s.eventPeriodStatsXLSX)
	s.handle("GET /admin/events/{id}", auth.ActEventsManage, s.eventBackOffice)
	s.handle("GET /admin/events/{id}/edit", auth.ActEventsManage, s.editEventForm)
	s.handle("POST /admin/events/{id}/edit", auth.ActEventsManage, s.updateEvent)
	s.handle("POST /admin/events/{id}/publish", auth.ActEventsManage, s.publishEvent)
	s.handle("POST /admin/events/{id}/cancel", auth.ActEventsManage, s.cancelEvent)
	s.handle("POST /admin/events/{id}/delete", auth.ActEventsManage, s.deleteEvent)
	s.handle("POST /admin/events/{id}/sessions", auth.ActEventsManage, s.addSession)
	s.handle("GET /admin/events/{id}/sessions/{sid}", auth.ActEventsManage, s.sessionForm)
	s.handle("POST /admin/events/{id}/sessions/{sid}", auth.ActEventsManage, s.updateSession)
	s.handle("POST /admin/events/{id}/sessions/{sid}/delete", auth.ActEventsManage, s.deleteSession)
	s.handle("POST /admin/events/{id}/exhibitors", auth.ActEventsManage, s.setExhibitor)
	s.handle("POST /admin/events/{id}/exhibitors/{org}/remove", auth.ActEventsManage, s.removeExhibitor)
	s.handle("POST /admin/events/{id}/sponsors", auth.ActEventsManage, s.setSponsor)
	s.handle("POST /admin/events/{id}/sponsors/{org}/remove", auth.ActEventsManage, s.removeSponsor)
	s.handle("POST /admin/events/{id}/recordings", auth.ActEventsManage, s.addRecording)
	s.handle("POST /admin/events/{id}/recordings/{rid}/delete", auth.ActEventsManage, s.deleteRecording)
	s.handle("POST /admin/events/{id}/registrations", auth.ActEventsManage, s.addRegistration)
	s.handle("POST /admin/events/{id}/registrations/{rid}/category", auth.ActEventsManage, s.setRegistrationCategory)
	s.handle("POST /admin/events/{id}/registrations/{rid}/invoice", auth.ActEventsManage, s.setRegistrationInvoice)
	s.handle("POST /admin/events/{id}/registrations/{rid}/cancel", auth.ActEventsManage, s.cancelRegistration)
	s.handle("GET /admin/events/{id}/registrations.xlsx", auth.ActEventsManage, s.registrationsXLSX)
	s.handle("GET /admin/events/{id}/badges.pdf", auth.ActEventsManage, s.eventBadges)
	s.handle("GET /admin/events/{id}/stats.xlsx", auth.ActEventsManage, s.eventStatsXLSX)
	s.handle("GET /admin/events/{id}/checkin", auth.ActEventsManage, s.checkInPage)
	s.handle("POST /admin/events/{id}/checkin/{rid}", auth.ActEventsManage, s.checkIn)
	s.handle("POST /admin/events/{id}/checkin/{rid}/undo", auth.ActEventsManage, s.undoCheckIn)
}

// eventHelpers are the formatting methods the events' templates call.
type eventHelpers struct{}

// Price writes an amount in cents in lang ("1 250 €", "€1,250").
func (eventHelpers) Price(cents int64, lang string) string { return events.Price(lang, cents) }

// Clock is the time of day of t in Europe/Paris.
func (eventHelpers) Clock(t time.Time) string { return t.In(paris).Format("15:04") }

// Day writes t's date in Europe/Paris in full, in lang: "mardi 17 mars 2026".
func (eventHelpers) Day(t time.Time, lang string) string { return eventDay(t, lang) }

func eventDay(t time.Time, lang string) string {
	t = t.In(paris)
	return i18n.T(lang, "events.when.date", i18n.T(lang, "events.weekday."+strconv.Itoa(int(t.Weekday()))), t.Day(),
		i18n.T(lang, "events.month."+strconv.Itoa(int(t.Month()))), t.Year())
}

// Span writes from start to end in Europe/Paris, in lang.
func (eventHelpers) Span(start, end time.Time, lang string) string {
	return events.When(lang, start, end)
}

// Rate writes an attendance rate as a percentage, "—" when nobody could
// be counted.
func (eventHelpers) Rate(c events.Counts, lang string) string {
	if c.Present+c.NoShows == 0 {
		return "—"
	}
	return formatNumber(math.Round(c.AttendanceRate()*1000)/10, lang) + "\u00a0%"
}

// Term names a taxonomy code in lang, or says none was given.
func (eventHelpers) Term(vocabulary, code, lang string) string {
	if code == "" {
		return ""
	}
	return taxonomyLabel(vocabulary, code, lang)
}

// eventListData is the public list of events.
type eventListData struct {
	eventHelpers
	Events  []events.Event
	Tax     *directory.Taxonomy
	Types   []string
	When    string // events.WhenUpcoming or events.WhenPast
	Tabs    []eventTab
	Pager   pager
	Now     time.Time
	FeedURL string
}

// eventTab is one tab of the list.
type eventTab struct {
	When, URL string
	Current   bool
}

// eventFilterValues keeps the list filters of q, for links between views.
func eventFilterValues(q url.Values, keys ...string) url.Values {
	v := url.Values{}
	for _, k := range keys {
		if x := strings.TrimSpace(q.Get(k)); x != "" {
			v.Set(k, x)
		}
	}
	return v
}

// eventList is the list of upcoming (or past) events the reader may see,
// filtered by type, sector and month.
func (s *Server) eventList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	when := events.WhenUpcoming
	if q.Get("when") == events.WhenPast {
		when = events.WhenPast
	}
	f := events.Filter{Type: q.Get("type"), Sector: q.Get("sector"), Month: strings.TrimSpace(q.Get("month")), When: when,
		Limit: pageSize, Offset: offsetOf(r)}
	d := eventListData{Tax: directory.LoadTaxonomy(), Types: events.Types, When: when, Now: s.Events.Now(), FeedURL: events.FeedPath}
	for _, t := range []string{events.WhenUpcoming, events.WhenPast} {
		v := eventFilterValues(q, "type", "sector", "month")
		if t == events.WhenPast {
			v.Set("when", t)
		}
		d.Tabs = append(d.Tabs, eventTab{When: t, URL: "/events?" + v.Encode(), Current: t == when})
	}
	list, total, err := s.Events.List(r.Context(), reqOf(r).user, f)
	status := http.StatusOK
	fe, invalid := validate.As(err)
	if err != nil && !invalid {
		s.fail(w, r, "events", err)
		return
	}
	if invalid {
		status = http.StatusUnprocessableEntity
	}
	q.Del("offset")
	d.Events, d.Pager = list, pager{Total: total, Offset: f.Offset, Limit: pageSize, Query: q}
	p := s.page(w, r, "eventsweb.list.title", d)
	p.Form, p.Errors = q, fe
	s.render(w, r, status, "events", p)
}

// eventCalendarData is a month of the calendar.
type eventCalendarData struct {
	eventHelpers
	Month      events.Month
	Tax        *directory.Taxonomy
	Types      []string
	PrevURL    string
	NextURL    string
	ListURL    string
	Today      time.Time // midnight in Paris
	Weekdays   []int     // Monday first
	FeedURL    string
	MonthValue string
	HasEvents  bool
}

// IsToday reports whether day is today in Paris.
func (d eventCalendarData) IsToday(day time.Time) bool { return day.Equal(d.Today) }

// eventCalendar lays out a month (?month=YYYY-MM, this month by default)
// as a table, one row a week.
func (s *Server) eventCalendar(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := events.Filter{Type: q.Get("type"), Sector: q.Get("sector")}
	status := http.StatusOK
	m, err := s.Events.Calendar(r.Context(), reqOf(r).user, strings.TrimSpace(q.Get("month")), f)
	fe, invalid := validate.As(err)
	if invalid {
		// A month or a filter that does not parse: this month, unfiltered,
		// with the error beside the field.
		status = http.StatusUnprocessableEntity
		m, err = s.Events.Calendar(r.Context(), reqOf(r).user, "", events.Filter{})
	}
	if err != nil {
		s.fail(w, r, "event calendar", err)
		return
	}
	now := s.Events.Now().In(paris)
	link := func(month string) string {
		v := eventFilterValues(q, "type", "sector")
		v.Set("month", month)
		return "/events/calendar?" + v.Encode()
	}
	list := eventFilterValues(q, "type", "sector")
	list.Set("month", m.First.Format("2006-01"))
	d := eventCalendarData{Month: m, Tax: directory.LoadTaxonomy(), Types: events.Types, PrevURL: link(m.Prev), NextURL: link(m.Next),
		ListURL: "/events?" + list.Encode(), Today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, paris),
		Weekdays: []int{1, 2, 3, 4, 5, 6, 0}, FeedURL: events.FeedPath, MonthValue: m.First.Format("2006-01")}
	for _, week := range m.Weeks {
		for _, day := range week {
			d.HasEvents = d.HasEvents || (day.InMonth && len(day.Events) > 0)
		}
	}
	p := s.page(w, r, "eventsweb.calendar.title", d)
	p.Form, p.Errors = q, fe
	if !invalid {
		p.Form.Set("month", d.MonthValue)
	}
	s.render(w, r, status, "event_calendar", p)
}

// sendCalendar answers with an iCalendar file.
func sendCalendar(w http.ResponseWriter, filename string, body []byte) {
	w.Header().Set("Content-Type", ics.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// eventFeed is the iCalendar feed of every public event, for calendar
// subscriptions.
func (s *Server) eventFeed(w http.ResponseWriter, r *http.Request) {
	body, err := s.Events.Feed(r.Context(), reqOf(r).lang)
	if err != nil {
		s.fail(w, r, "event feed", err)
		return
	}
	sendCalendar(w, "events.ics", body)
}

// eventSubpage serves GET /events/{key}/{rest}: an event's calendar file
// (/events/{id}/calendar.ics) and the pages of the mailed links
// (/events/confirm/{token}, /events/registration/{token}).
func (s *Server) eventSubpage(w http.ResponseWriter, r *http.Request) {
	key, rest := r.PathValue("key"), r.PathValue("rest")
	switch {
	case key == "confirm":
		s.confirmRegistration(w, r, rest)
	case key == "registration":
		s.manageRegistration(w, r, rest)
	case rest == "calendar.ics":
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil || id <= 0 {
			s.notFound(w, r, false)
			return
		}
		e, err := s.Events.Event(r.Context(), reqOf(r).user, id)
		if err != nil {
			s.fail(w, r, "event calendar file", err)
			return
		}
		sendCalendar(w, "event-"+strconv.FormatInt(id, 10)+".ics", s.Events.ICS(e, reqOf(r).lang))
	default:
		s.notFound(w, r, false)
	}
}
