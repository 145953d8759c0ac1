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
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/validate"
)

// adminEventPath is the back office of an event.
func adminEventPath(id int64) string { return "/admin/events/" + strconv.FormatInt(id, 10) }

// eventAdminListData is the staff's list of events.
type eventAdminListData struct {
	eventHelpers
	Events    []events.Event
	Pager     pager
	Tax       *directory.Taxonomy
	Types     []string
	Statuses  []string
	Audiences []string
}

// adminEvents lists every event, drafts and cancelled ones included:
// the upcoming ones by default (?when=past, ?when=all).
func (s *Server) adminEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := events.Filter{Type: q.Get("type"), Sector: q.Get("sector"), Month: strings.TrimSpace(q.Get("month")),
		Status: q.Get("status"), Audience: q.Get("audience"), When: events.WhenUpcoming, Limit: pageSize, Offset: offsetOf(r)}
	switch q.Get("when") {
	case "all":
		f.When = ""
	case events.WhenPast:
		f.When = events.WhenPast
	}
	if !slices.Contains(events.Statuses, f.Status) {
		f.Status = ""
	}
	if !slices.Contains(events.Audiences, f.Audience) {
		f.Audience = ""
	}
	list, total, err := s.Events.List(r.Context(), reqOf(r).user, f)
	fe, invalid := validate.As(err)
	if err != nil && !invalid {
		s.fail(w, r, "admin events", err)
		return
	}
	q.Del("offset")
	d := eventAdminListData{Events: list, Pager: pager{Total: total, Offset: f.Offset, Limit: pageSize, Query: q},
		Tax: directory.LoadTaxonomy(), Types: events.Types, Statuses: events.Statuses, Audiences: events.Audiences}
	p := s.page(w, r, "eventsweb.admin.title", d)
	p.Form, p.Errors = q, fe
	status := http.StatusOK
	if invalid {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "events_admin", p)
}

// eventFormData is the event form.
type eventFormData struct {
	Edit      *events.Event
	Action    string
	Tax       *directory.Taxonomy
	Types     []string
	Audiences []string
}

func (s *Server) eventForm(w http.ResponseWriter, r *http.Request, status int, p *Page, edit *events.Event) {
	d := eventFormData{Action: "/admin/events/new", Tax: directory.LoadTaxonomy(), Types: events.Types, Audiences: events.Audiences, Edit: edit}
	if edit != nil {
		d.Action = adminEventPath(edit.ID) + "/edit"
	}
	p.Data = d
	s.render(w, r, status, "event_form", p)
}

func (s *Server) newEventForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "eventsweb.form.new", nil)
	p.Form = url.Values{"type": {events.TypeCommittee}, "audience": {events.AudiencePublic}, "start_time": {"14:00"}, "end_time": {"17:00"}}
	s.eventForm(w, r, http.StatusOK, p, nil)
}

// staffEvent reads the event of the path for staff (who see every event).
func (s *Server) staffEvent(w http.ResponseWriter, r *http.Request) (events.Event, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return events.Event{}, false
	}
	e, err := s.Events.Event(r.Context(), reqOf(r).user, id)
	if err != nil {
		s.fail(w, r, "event", err)
		return events.Event{}, false
	}
	return e, true
}

func (s *Server) editEventForm(w http.ResponseWriter, r *http.Request) {
	e, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	p := s.page(w, r, "eventsweb.form.edit", nil)
	p.Form = eventValues(e)
	s.eventForm(w, r, http.StatusOK, p, &e)
}

// localDate and localClock write an instant for a date and a time input,
// in Paris; "" for the zero time.
func localDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(paris).Format(time.DateOnly)
}

func localClock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(paris).Format("15:04")
}

// eventValues fills the event form from an event.
func eventValues(e events.Event) url.Values {
	v := url.Values{"type": {e.Type}, "audience": {e.Audience}, "title_fr": {e.TitleFR}, "title_en": {e.TitleEN},
		"description_fr": {e.DescriptionFR}, "description_en": {e.DescriptionEN}, "sectors": e.Sectors,
		"start_date": {localDate(e.Start)}, "start_time": {localClock(e.Start)}, "end_date": {localDate(e.End)}, "end_time": {localClock(e.End)},
		"venue": {e.Venue}, "address": {e.Address}, "city": {e.City}, "online_url": {e.OnlineURL},
		"price_member": {euroInput(e.PriceMember)}, "price_non_member": {euroInput(e.PriceNonMember)},
		"opens_date": {localDate(e.RegistrationOpens)}, "opens_time": {localClock(e.RegistrationOpens)},
		"closes_date": {localDate(e.RegistrationCloses)}, "closes_time": {localClock(e.RegistrationCloses)}}
	if e.Capacity > 0 {
		v.Set("capacity", strconv.Itoa(e.Capacity))
	}
	return v
}

// parseLocal reads a date field and a time field entered in Paris time
// ("" is the zero time); a value that does not parse is a field error.
func parseLocal(f url.Values, dateField, clockField, errField string, errs *validate.Errors) time.Time {
	date, clock := strings.TrimSpace(f.Get(dateField)), strings.TrimSpace(f.Get(clockField))
	if date == "" {
		return time.Time{}
	}
	day, err := parseFormDate(date)
	if err != nil {
		errs.Add(errField, "validate.date")
		return time.Time{}
	}
	clock = strings.Replace(strings.ToLower(clock), "h", ":", 1)
	if strings.HasSuffix(clock, ":") {
		clock += "00"
	}
	t, err := events.ParseLocal(day.Format(time.DateOnly), clock)
	if err != nil {
		errs.Add(errField, "eventsweb.time")
		return time.Time{}
	}
	return t
}

// eventInput reads the event form; the domain checks the rest.
func eventInput(f url.Values) (events.Input, validate.Errors) {
	var errs validate.Errors
	in := events.Input{Type: f.Get("type"), Audience: f.Get("audience"), TitleFR: f.Get("title_fr"), TitleEN: f.Get("title_en"),
		DescriptionFR: f.Get("description_fr"), DescriptionEN: f.Get("description_en"), Sectors: f["sectors"],
		Venue: f.Get("venue"), Address: f.Get("address"), City: f.Get("city"), OnlineURL: f.Get("online_url")}
	in.Start = parseLocal(f, "start_date", "start_time", "start", &errs)
	in.End = parseLocal(f, "end_date", "end_time", "end", &errs)
	in.RegistrationOpens = parseLocal(f, "opens_date", "opens_time", "registration_opens", &errs)
	in.RegistrationCloses = parseLocal(f, "closes_date", "closes_time", "registration_closes", &errs)
	if c := strings.TrimSpace(f.Get("capacity")); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil {
			errs.Add("capacity", "validate.number")
		}
		in.Capacity = n
	}
	var ok bool
	if in.PriceMember, ok = parseEuros(f.Get("price_member")); !ok {
		errs.Add("price_member", "events.price_range")
	}
	if in.PriceNonMember, ok = parseEuros(f.Get("price_non_member")); !ok {
		errs.Add("price_non_member", "events.price_range")
	}
	return in, errs
}

func (s *Server) createEvent(w http.ResponseWriter, r *http.Request) {
	s.saveEvent(w, r, nil)
}

func (s *Server) updateEvent(w http.ResponseWriter, r *http.Request) {
	e, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	s.saveEvent(w, r, &e)
}

// saveEvent records the event form: a new draft, or the changes to edit.
func (s *Server) saveEvent(w http.ResponseWriter, r *http.Request, edit *events.Event) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	in, errs := eventInput(r.PostForm)
	// A date or an amount that does not parse is reported alone: the
	// domain would take the zero value for a valid one.
	var e events.Event
	err := errs.Err()
	if err == nil && edit == nil {
		e, err = s.Events.Create(ctx, in)
	} else if err == nil {
		e, err = s.Events.Update(ctx, edit.ID, in)
	}
	if fe, ok := validate.As(err); ok {
		title := "eventsweb.form.new"
		if edit != nil {
			title = "eventsweb.form.edit"
		}
		p := s.page(w, r, title, nil)
		p.Form, p.Errors, p.Message = r.PostForm, fe, p.T("eventsweb.form_errors")
		s.eventForm(w, r, http.StatusUnprocessableEntity, p, edit)
		return
	}
	switch {
	case errors.Is(err, events.ErrState):
		s.redirect(w, r, adminEventPath(edit.ID), "eventsweb.flash.state")
	case err != nil:
		s.fail(w, r, "save event", err)
	case edit == nil:
		s.redirect(w, r, adminEventPath(e.ID), "eventsweb.flash.created")
	default:
		s.redirect(w, r, adminEventPath(e.ID), "flash.saved")
	}
}

func (s *Server) publishEvent(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	_, err := s.Events.Publish(r.Context(), id)
	s.afterEventAction(w, r, err, "eventsweb.flash.published", "", "")
}

func (s *Server) cancelEvent(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	_, err := s.Events.CancelEvent(r.Context(), id, r.PostForm.Get("reason"))
	s.afterEventAction(w, r, err, "eventsweb.flash.event_cancelled", "cancel_", "")
}

func (s *Server) deleteEvent(w http.ResponseWriter, r *http.Request) {
	id, ok := s.backOfficeForm(w, r)
	if !ok {
		return
	}
	switch err := s.Events.Delete(r.Context(), id); {
	case err == nil:
		s.redirect(w, r, "/admin/events", "eventsweb.flash.deleted")
	case errors.Is(err, events.ErrState):
		s.redirect(w, r, adminEventPath(id), "eventsweb.flash.delete_refused")
	default:
		s.fail(w, r, "delete event", err)
	}
}

// backOfficeForm parses a form posted from an event's back office and
// returns the event's id.
func (s *Server) backOfficeForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return 0, false
	}
	return id, s.parseForm(w, r)
}

// afterEventAction answers a form posted from an event's back office:
// back to it (at anchor) with flash on success, the page again with the
// errors otherwise, their fields prefixed with prefix.
func (s *Server) afterEventAction(w http.ResponseWriter, r *http.Request, err error, flash, prefix, anchor string) {
	id, _ := pathID(r, "id")
	to := adminEventPath(id)
	// The registrations list's filter, kept by its forms.
	if st := r.PostForm.Get("list_status"); slices.Contains(events.RegistrationStatuses, st) {
		to += "?" + url.Values{"status": {st}}.Encode()
	}
	if anchor != "" {
		to += "#" + anchor
	}
	switch {
	case err == nil:
		s.redirect(w, r, to, flash)
	case errors.Is(err, events.ErrState):
		s.redirect(w, r, to, "eventsweb.flash.state")
	case errors.Is(err, events.ErrNotAllowed):
		s.renderError(w, r, http.StatusForbidden)
	case isNotFound(err):
		s.notFound(w, r, false)
	default:
		if fe, ok := validate.As(err); ok {
			s.renderBackOffice(w, r, http.StatusUnprocessableEntity, prefixed(fe, prefix), i18n.T(reqOf(r).lang, "eventsweb.form_errors"))
			return
		}
		if m, ok := validate.AsMessage(err); ok {
			s.renderBackOffice(w, r, http.StatusUnprocessableEntity, nil, i18n.T(reqOf(r).lang, m.Key, m.Args...))
			return
		}
		s.fail(w, r, "event back office", err)
	}
}

// eventAdminData is an event's back office.
type eventAdminData struct {
	eventHelpers
	Event         events.Event
	Days          []agendaDay
	Stats         events.Stats
	Registrations []events.Registration
	RegStatus     string // the list's status filter, "" for all
	RegTabs       []regTab
	Categories    []string
	Invoices      []string
	Levels        []string
	OrgSearch     string
	Hits          []directory.Hit
	SpeakerRows   []events.Speaker // the add-session form's speaker rows
	Started       bool
	Ended         bool
	Paid          bool
	Langs         []string
}

// regTab is a status tab of the registrations list with its count.
type regTab struct {
	Status  string // "" for all
	Count   int
	URL     string
	Current bool
}

func (s *Server) eventBackOffice(w http.ResponseWriter, r *http.Request) {
	s.renderBackOffice(w, r, http.StatusOK, nil, "")
}

// speakerRows are the speaker rows of a session form: those posted, or
// list, and a few empty ones.
func speakerRows(f url.Values, list []events.Speaker) []events.Speaker {
	if names, ok := f["speaker_name"]; ok {
		orgs := f["speaker_org"]
		list = nil
		for i, n := range names {
			sp := events.Speaker{Name: n}
			if i < len(orgs) {
				sp.Organisation = orgs[i]
			}
			if strings.TrimSpace(sp.Name) != "" || strings.TrimSpace(sp.Organisation) != "" {
				list = append(list, sp)
			}
		}
	}
	return append(list, make([]events.Speaker, 3)...)
}

// renderBackOffice shows an event's back office with the errors or the
// message (translated) of a form posted from it.
func (s *Server) renderBackOffice(w http.ResponseWriter, r *http.Request, status int, errs validate.Errors, message string) {
	e, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	now := s.Events.Now()
	d := eventAdminData{Event: e, Days: agenda(e.Sessions), Categories: events.Categories, Invoices: events.InvoiceStatuses,
		Levels: events.Levels, Started: e.Started(now), Ended: e.Ended(now), Paid: !e.Free(), Langs: []string{"fr", "en"},
		OrgSearch: strings.TrimSpace(r.FormValue("org_q")), RegStatus: r.URL.Query().Get("status")}
	if !slices.Contains(events.RegistrationStatuses, d.RegStatus) {
		d.RegStatus = ""
	}
	var err error
	if d.Stats, err = s.Events.EventStats(ctx, e.ID); err != nil {
		s.fail(w, r, "event back office", err)
		return
	}
	all, err := s.Events.Registrations(ctx, e.ID, events.RegistrationFilter{})
	if err != nil {
		s.fail(w, r, "event back office", err)
		return
	}
	counts := map[string]int{}
	for _, reg := range all {
		counts[reg.Status]++
		if d.RegStatus == "" || reg.Status == d.RegStatus {
			d.Registrations = append(d.Registrations, reg)
		}
	}
	for _, st := range append([]string{""}, events.RegistrationStatuses...) {
		v := url.Values{}
		n := len(all)
		if st != "" {
			v.Set("status", st)
			n = counts[st]
		}
		u := adminEventPath(e.ID)
		if len(v) > 0 {
			u += "?" + v.Encode()
		}
		d.RegTabs = append(d.RegTabs, regTab{Status: st, Count: n, URL: u + "#registrations", Current: st == d.RegStatus})
	}
	if d.OrgSearch != "" {
		res, err := s.Directory.Search(ctx, directory.SearchQuery{Text: d.OrgSearch, Viewer: directory.StaffOnly, Limit: 10})
		if _, invalid := validate.As(err); err != nil && !invalid {
			s.fail(w, r, "event back office", err)
			return
		}
		d.Hits = res.Hits
	}
	// A form posted from the page shows again as it was sent.
	form := url.Values{}
	if errs != nil || message != "" {
		form = r.PostForm
	}
	d.SpeakerRows = speakerRows(form, nil)
	for k, v := range map[string]string{"session_date": localDate(e.Start), "reg_lang": "fr"} {
		if form.Get(k) == "" {
			form.Set(k, v)
		}
	}
	p := s.page(w, r, "eventsweb.office.title", d)
	p.Errors, p.Form = errs, form
	p.Message = message
	s.render(w, r, status, "event_admin", p)
}
