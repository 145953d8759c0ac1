package web

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"filiere/internal/events"
	"filiere/internal/ics"
)

// nextWeek is 14:00 in Paris ten days from now: upcoming, open to
// registrations.
func nextWeek() time.Time {
	d := time.Now().In(paris).AddDate(0, 0, 10)
	return time.Date(d.Year(), d.Month(), d.Day(), 14, 0, 0, 0, paris)
}

// eventIn is a valid public committee in ten days, 14:00-17:00 in Paris.
func eventIn(title string) events.Input {
	start := nextWeek()
	return events.Input{Type: events.TypeCommittee, Audience: events.AudiencePublic, TitleFR: title, Sectors: []string{"medtech"},
		Start: start, End: start.Add(3 * time.Hour), Venue: "Maison de l'innovation", City: "Dijon"}
}

// event creates an event from in, published unless draft.
func (f *fixture) event(in events.Input, draft bool) events.Event {
	f.t.Helper()
	e, err := f.srv.Events.Create(deskCtx, in)
	if err != nil {
		f.t.Fatalf("create event: %v", err)
	}
	if !draft {
		if e, err = f.srv.Events.Publish(deskCtx, e.ID); err != nil {
			f.t.Fatalf("publish: %v", err)
		}
	}
	return e
}

// text is a response's body with the HTML entities decoded.
func text(w *httptest.ResponseRecorder) string { return html.UnescapeString(w.Body.String()) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// translated fails when a page shows a raw message key.
func translated(t *testing.T, what, body string) {
	t.Helper()
	if m := untranslated.FindString(body); m != "" {
		t.Errorf("%s shows the raw key %q", what, m)
	}
}

// eventLink finds the token of a mailed link of kind confirm or registration.
var eventLink = regexp.MustCompile(`/events/(confirm|registration)/([0-9]+-[A-Za-z0-9_-]+)`)

func eventToken(t *testing.T, m sentMail, kind string) string {
	t.Helper()
	for _, sub := range eventLink.FindAllStringSubmatch(m.Body, -1) {
		if sub[1] == kind {
			return sub[2]
		}
	}
	t.Fatalf("no %s link in %q", kind, m.Body)
	return ""
}

// registrationOf is the event's registration of email.
func (f *fixture) registrationOf(eventID int64, email string) events.Registration {
	f.t.Helper()
	regs, err := f.srv.Events.Registrations(deskCtx, eventID, events.RegistrationFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, r := range regs {
		if r.Email == email {
			return r
		}
	}
	f.t.Fatalf("%s is not registered to event %d", email, eventID)
	return events.Registration{}
}

func TestEventsShowToTheirAudienceOnlyAndDraftsToStaffOnly(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		public := f.event(eventIn("Comité Medtech"), false)
		in := eventIn("Club des adhérents")
		in.Audience = events.AudienceMembers
		members := f.event(in, false)
		in = eventIn("Dîner des partenaires")
		in.Audience = events.AudienceInvitation
		invitation := f.event(in, false)
		draft := f.event(eventIn("Congrès en préparation"), true)
		month := public.Start.In(paris).Format("2006-01")
		member, buyer, staff := f.session("member"), f.session("buyer"), f.session("staff")

		for _, c := range []struct {
			who           string
			session       string
			shown, hidden []string
		}{
			{"anonymous", "", []string{"Comité Medtech"}, []string{"Club des adhérents", "Dîner des partenaires", "Congrès en préparation"}},
			{"buyer", buyer, []string{"Comité Medtech"}, []string{"Club des adhérents", "Dîner des partenaires", "Congrès en préparation"}},
			{"member", member, []string{"Comité Medtech", "Club des adhérents"}, []string{"Dîner des partenaires", "Congrès en préparation"}},
			{"staff", staff, []string{"Comité Medtech", "Club des adhérents", "Dîner des partenaires", "Congrès en préparation"}, nil},
		} {
			for _, path := range []string{"/events", "/events/calendar?month=" + month} {
				w := f.do("GET", path, c.session, nil, nil)
				if w.Code != http.StatusOK {
					t.Fatalf("%s as %s: %d", path, c.who, w.Code)
				}
				mustContain(t, path+" as "+c.who, text(w), c.shown...)
				mustNotContain(t, path+" as "+c.who, text(w), c.hidden...)
			}
		}
		for _, c := range []struct {
			who, session string
			event        events.Event
			want         int
		}{
			{"anonymous", "", public, http.StatusOK},
			{"anonymous", "", members, http.StatusNotFound},
			{"anonymous", "", draft, http.StatusNotFound},
			{"buyer", buyer, members, http.StatusNotFound},
			{"member", member, members, http.StatusOK},
			{"member", member, invitation, http.StatusNotFound},
			{"member", member, draft, http.StatusNotFound},
			{"staff", staff, draft, http.StatusOK},
			{"staff", staff, invitation, http.StatusOK},
		} {
			if w := f.do("GET", events.EventPath(c.event.ID), c.session, nil, nil); w.Code != c.want {
				t.Errorf("%q as %s: %d, want %d", c.event.TitleFR, c.who, w.Code, c.want)
			}
		}
		page := text(f.do("GET", events.EventPath(public.ID), "", nil, nil))
		mustContain(t, "the public event's page", page, "Comité de filière", "Maison de l'innovation, Dijon", "Gratuit",
			public.When("fr"), `name="email"`, `href="/events/`+id(public.ID)+`/calendar.ics"`)
		translated(t, "the public event's page", page)
		english := text(f.do("GET", events.EventPath(public.ID), "", nil, map[string]string{"Accept-Language": "en"}))
		mustContain(t, "the page in English", english, "Sector committee", "Free", public.When("en"), "Register", "Add to my calendar")
		translated(t, "the page in English", english)
		// A member registering to a member's event, then the past tab.
		if w := f.do("POST", events.EventPath(members.ID)+"/register", member, url.Values{}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("member registering to the members' event: %d\n%s", w.Code, w.Body.String())
		}
		mustNotContain(t, "the past tab", text(f.do("GET", "/events?when=past", "", nil, nil)), "Comité Medtech")
		if w := f.do("GET", "/events?month=mars", "", nil, nil); w.Code != http.StatusUnprocessableEntity || !strings.Contains(text(w), "Choisissez un mois valide") {
			t.Errorf("a month that does not parse: %d", w.Code)
		}
	})
}

func TestAnonymousRegistrationIsConfirmedByTheMailedLinkAndCancelledFromTheOwnPage(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		e := f.event(eventIn("Comité Medtech"), false)
		path := events.EventPath(e.ID)

		// Errors come back beside their field, with what was typed.
		w := f.do("POST", path+"/register", "", url.Values{"name": {"Élodie Durand"}, "email": {"pas-une-adresse"}}, nil)
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad address: %d", w.Code)
		}
		mustContain(t, "the refused form", text(w), `value="Élodie Durand"`, `<p class="field-error" id="e-email">Saisissez une adresse e-mail valide`)

		form := url.Values{"name": {"Élodie Durand"}, "email": {"elodie@biotech.example"}, "organisation": {"BioTech"}}
		w = f.do("POST", path+"/register", "", form, nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != path {
			t.Fatalf("register: %d %q\n%s", w.Code, w.Header().Get("Location"), w.Body.String())
		}
		if r := f.registrationOf(e.ID, "elodie@biotech.example"); r.Status != events.RegPending || r.Lang != "fr" || r.Organisation != "BioTech" {
			t.Errorf("before the link: %+v", r)
		}
		m := f.lastMailTo("elodie@biotech.example", "Confirmez votre inscription")
		confirm := eventToken(t, m, "confirm")

		// Forged links lead nowhere.
		forged := confirm[:strings.IndexByte(confirm, '-')] + "-AAAAAAAAAAAAAAAAAAAAAAAA"
		for _, p := range []string{events.ConfirmPath(forged), events.ManagePath(forged), events.ManagePath(confirm), "/events/confirm/nothing"} {
			if w := f.do("GET", p, "", nil, nil); w.Code != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, w.Code)
			}
		}
		if w := f.do("POST", events.ManagePath(forged)+"/cancel", "", url.Values{}, nil); w.Code != http.StatusNotFound {
			t.Errorf("cancelling with a forged link: %d", w.Code)
		}

		w = f.do("GET", events.ConfirmPath(confirm), "", nil, nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != path || !strings.Contains(w.Header().Get("Set-Cookie"), "eventsweb.flash.confirmed") {
			t.Fatalf("confirm: %d %q %q", w.Code, w.Header().Get("Location"), w.Header().Get("Set-Cookie"))
		}
		if r := f.registrationOf(e.ID, "elodie@biotech.example"); r.Status != events.RegConfirmed {
			t.Errorf("after the link: %s", r.Status)
		}
		manage := eventToken(t, f.lastMailTo("elodie@biotech.example", "Inscription confirmée"), "registration")
		page := text(f.do("GET", events.ManagePath(manage), "", nil, nil))
		mustContain(t, "the registrant's own page", page, "Élodie Durand", "Confirmée", "Comité Medtech", "Annuler mon inscription")
		w = f.do("POST", events.ManagePath(manage)+"/cancel", "", url.Values{}, nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != events.ManagePath(manage) {
			t.Fatalf("cancel from the own page: %d %q", w.Code, w.Header().Get("Location"))
		}
		if r := f.registrationOf(e.ID, "elodie@biotech.example"); r.Status != events.RegCancelled {
			t.Errorf("after cancelling: %s", r.Status)
		}
		page = text(f.do("GET", events.ManagePath(manage), "", nil, nil))
		mustContain(t, "the cancelled registration's page", page, "Annulée")
		mustNotContain(t, "the cancelled registration's page", page, "Annuler mon inscription")
		// The confirmation link of a cancelled registration says so.
		if w := f.do("GET", events.ConfirmPath(confirm), "", nil, nil); w.Code != http.StatusConflict || !strings.Contains(text(w), "a été annulée") {
			t.Errorf("confirming a cancelled registration: %d", w.Code)
		}

		// A robot filling the hidden field is thanked, and nothing is kept.
		spam := url.Values{"name": {"Bot"}, "email": {"bot@spam.example"}, "website": {"https://spam.example"}}
		if w := f.do("POST", path+"/register", "", spam, nil); w.Code != http.StatusSeeOther || len(f.mailsTo("bot@spam.example")) != 0 {
			t.Errorf("honeypot: %d, %d mails", w.Code, len(f.mailsTo("bot@spam.example")))
		}
		// Registrations without an account are limited per address.
		limited := false
		for i := 0; i < events.PublicPerHour+1 && !limited; i++ {
			w := f.do("POST", path+"/register", "", url.Values{"name": {"Visiteur " + strconv.Itoa(i)}, "email": {"v" + strconv.Itoa(i) + "@example.org"}}, nil)
			limited = w.Code == http.StatusTooManyRequests
			if limited && !strings.Contains(text(w), "Trop d'inscriptions") {
				t.Errorf("429 without its message")
			}
		}
		if !limited {
			t.Errorf("no 429 after %d registrations from one address", events.PublicPerHour+1)
		}
	})
}

func TestSignedInRegistrationFillsTheWaitingListThatACancellationPromotes(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		in := eventIn("Atelier MDR")
		in.Capacity = 1
		e := f.event(in, false)
		path := events.EventPath(e.ID)
		member, buyer, expert := f.session("member"), f.session("buyer"), f.session("expert")
		for _, who := range []string{member, buyer, expert} {
			if w := f.do("POST", path+"/register", who, url.Values{}, nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != path {
				t.Fatalf("register: %d %q\n%s", w.Code, w.Header().Get("Location"), w.Body.String())
			}
		}
		mustContain(t, "the member's view", text(f.do("GET", path, member, nil, nil)), "votre place est confirmée", "Annuler mon inscription")
		mustContain(t, "the buyer's view", text(f.do("GET", path, buyer, nil, nil)), "Liste d'attente, position 1")
		mustContain(t, "the expert's view", text(f.do("GET", path, expert, nil, nil)), "Liste d'attente, position 2")
		mustContain(t, "the list", text(f.do("GET", "/events", "", nil, nil)), "Complet : liste d'attente")
		// Registering twice says so.
		w := f.do("POST", path+"/register", member, url.Values{}, nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(text(w), "déjà inscrite") {
			t.Errorf("registering twice: %d", w.Code)
		}

		w = f.do("POST", path+"/cancel", member, url.Values{}, nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != path {
			t.Fatalf("cancel: %d %q", w.Code, w.Header().Get("Location"))
		}
		f.lastMailTo(f.users["buyer"].Email, "Une place s'est libérée")
		mustContain(t, "the promoted buyer's view", text(f.do("GET", path, buyer, nil, nil)), "votre place est confirmée")
		mustContain(t, "the expert's view", text(f.do("GET", path, expert, nil, nil)), "Liste d'attente, position 1")
		mine := text(f.do("GET", "/my/events", buyer, nil, nil))
		mustContain(t, "the buyer's registrations", mine, "Atelier MDR", "Confirmée")
		mustNotContain(t, "the member's registrations", text(f.do("GET", "/my/events", member, nil, nil)), "Atelier MDR")
	})
}

func TestEventCalendarFilesListTheEventsTheirReaderMaySee(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		public := f.event(eventIn("Comité Medtech"), false)
		in := eventIn("Club des adhérents")
		in.Audience = events.AudienceMembers
		members := f.event(in, false)

		w := f.do("GET", events.ICSPath(public.ID), "", nil, nil)
		body := w.Body.String()
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != ics.ContentType ||
			!strings.Contains(w.Header().Get("Content-Disposition"), `filename="event-`+id(public.ID)+`.ics"`) {
			t.Fatalf("event file: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"))
		}
		if !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") || strings.Count(body, "\n") != strings.Count(body, "\r\n") ||
			!strings.Contains(body, "SUMMARY:Comité Medtech\r\n") {
			t.Errorf("event file:\n%q", body)
		}
		if w := f.do("GET", events.ICSPath(members.ID), "", nil, nil); w.Code != http.StatusNotFound {
			t.Errorf("a members' event's file for anonymous: %d", w.Code)
		}
		if w := f.do("GET", events.ICSPath(members.ID), f.session("member"), nil, nil); w.Code != http.StatusOK {
			t.Errorf("a members' event's file for a member: %d", w.Code)
		}

		w = f.do("GET", events.FeedPath, "", nil, nil)
		body = w.Body.String()
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != ics.ContentType || !strings.Contains(w.Header().Get("Content-Disposition"), "filename=") {
			t.Fatalf("feed: %d %q", w.Code, w.Header().Get("Content-Type"))
		}
		if !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") || !strings.Contains(body, "SUMMARY:Comité Medtech") || strings.Contains(body, "Club des adhérents") {
			t.Errorf("feed:\n%s", body)
		}
	})
}

func TestStaffCreateRunAndCountAnEvent(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		staff := f.session("staff")
		if w := f.do("GET", "/admin/events/new", staff, nil, nil); w.Code != http.StatusOK {
			t.Fatalf("new event form: %d", w.Code)
		}
		start := nextWeek()
		day := start.Format(time.DateOnly)
		form := url.Values{"type": {events.TypeCongress}, "audience": {events.AudiencePublic}, "title_fr": {"Congrès Medtech"},
			"title_en": {"Medtech congress"}, "sectors": {"medtech"}, "start_date": {day}, "start_time": {"09:00"},
			"end_date": {day}, "end_time": {"18:00"}, "venue": {"Palais des congrès"}, "city": {"Dijon"}, "capacity": {"2"},
			"price_member": {"50"}, "price_non_member": {"120,50"}}
		w := f.do("POST", "/admin/events/new", staff, form, nil)
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/admin/events/") {
			t.Fatalf("create: %d %q\n%s", w.Code, w.Header().Get("Location"), w.Body.String())
		}
		eventID, _ := strconv.ParseInt(strings.TrimPrefix(w.Header().Get("Location"), "/admin/events/"), 10, 64)
		office := "/admin/events/" + id(eventID)
		e, err := f.srv.Events.Event(deskCtx, ptr(f.users["staff"]), eventID)
		if err != nil || e.Status != events.StatusDraft || e.PriceNonMember != 12050 || !e.Start.Equal(start.Add(-5*time.Hour)) || e.Capacity != 2 {
			t.Fatalf("created: %+v %v", e, err)
		}

		// The end before the start: refused in French, everything kept.
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("title_fr", "Congrès Medtech 2e édition")
		bad.Set("end_time", "08:00")
		w = f.do("POST", office+"/edit", staff, bad, nil)
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("end before start: %d", w.Code)
		}
		mustContain(t, "the refused edit", text(w), `<p class="field-error" id="e-end">La fin doit être après le début.</p>`,
			`value="Congrès Medtech 2e édition"`, `value="120,50"`, `<option value="medtech" selected>`, `value="Palais des congrès"`)
		if w := f.do("POST", office+"/publish", staff, url.Values{}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("publish: %d", w.Code)
		}

		// The agenda, an exhibitor and a sponsor show on the public page.
		w = f.do("POST", office+"/sessions", staff, url.Values{"session_title": {"Ouverture"}, "session_date": {day},
			"session_start": {"09:30"}, "session_end": {"10:15"}, "session_room": {"Amphi A"},
			"speaker_name": {"Jérôme Café", "", ""}, "speaker_org": {"Cardiolys", "", ""}}, nil)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("add session: %d\n%s", w.Code, w.Body.String())
		}
		w = f.do("POST", office+"/sessions", staff, url.Values{"session_title": {"Trop tard"}, "session_date": {day},
			"session_start": {"19:00"}, "session_end": {"20:00"}}, nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(text(w), "La session doit se tenir pendant l'événement.") ||
			!strings.Contains(text(w), `value="Trop tard"`) {
			t.Errorf("a session outside the event: %d", w.Code)
		}
		if hits := text(f.do("GET", office+"?org_q=neuro", staff, nil, nil)); !strings.Contains(hits, "Neurovance") {
			t.Error("the organisation search does not find Neurovance")
		}
		if w := f.do("POST", office+"/exhibitors", staff, url.Values{"org_id": {id(f.orgB.ID)}, "stand": {"B12"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("add exhibitor: %d\n%s", w.Code, w.Body.String())
		}
		if w := f.do("POST", office+"/sponsors", staff, url.Values{"org_id": {id(f.orgA.ID)}, "level": {"gold"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("add sponsor: %d", w.Code)
		}
		page := text(f.do("GET", events.EventPath(eventID), "", nil, nil))
		mustContain(t, "the congress's page", page, "Ouverture", "09:30", "Amphi A", "Jérôme Café", "Cardiolys",
			`href="/organisations/`+id(f.orgB.ID)+`">Neurovance</a>`, "stand B12", "Partenaires", "Adhérents : 50\u00a0€",
			"Non-adhérents : 120,50\u00a0€", "2 places restantes")
		translated(t, "the congress's page", page)

		// Staff register a person and an account; the desk finds Jérôme
		// typed without accents.
		w = f.do("POST", office+"/registrations", staff, url.Values{"reg_name": {"Jérôme Dupré"}, "reg_email": {"jerome@sterilix.example"},
			"reg_organisation": {"Stérilix"}, "reg_lang": {"fr"}}, nil)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("add registration: %d\n%s", w.Code, w.Body.String())
		}
		if w := f.do("POST", office+"/registrations", staff, url.Values{"reg_account": {f.users["member"].Email}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("add an account: %d\n%s", w.Code, w.Body.String())
		}
		if w := f.do("POST", office+"/registrations", staff, url.Values{"reg_account": {"nobody@test.example"}}, nil); w.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(text(w), "Ce compte n'existe pas") {
			t.Errorf("an unknown account: %d", w.Code)
		}
		jerome := f.registrationOf(eventID, "jerome@sterilix.example")
		memberReg := f.registrationOf(eventID, f.users["member"].Email)
		if jerome.Status != events.RegConfirmed || memberReg.Status != events.RegConfirmed || !memberReg.Member || memberReg.Price != 5000 {
			t.Fatalf("added: %+v %+v", jerome, memberReg)
		}
		if office := text(f.do("GET", office+"?status=confirmed", staff, nil, nil)); !strings.Contains(office, "Jérôme Dupré") || !strings.Contains(office, "À facturer") {
			t.Error("the back office does not list the registrations with their invoicing")
		} else {
			translated(t, "the back office", office)
		}
		if w := f.do("POST", office+"/registrations/"+id(memberReg.ID)+"/invoice", staff, url.Values{"invoice_status": {events.InvoicePaid}}, nil); w.Code != http.StatusSeeOther {
			t.Errorf("invoice status: %d", w.Code)
		}

		checkin := office + "/checkin"
		desk := text(f.do("GET", checkin+"?q=jerome", staff, nil, nil))
		mustContain(t, "the check-in search", desk, "Jérôme Dupré", "Stérilix", "0</strong> / 2")
		mustNotContain(t, "the check-in search", desk, "Member Test")
		translated(t, "the check-in desk", desk)
		w = f.do("POST", checkin+"/"+id(jerome.ID), staff, url.Values{"q": {"jerome"}}, nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != checkin+"?q=jerome#r"+id(jerome.ID) {
			t.Fatalf("check in: %d %q", w.Code, w.Header().Get("Location"))
		}
		mustContain(t, "the desk after a check-in", text(f.do("GET", checkin+"?q=jerome", staff, nil, nil)), "1</strong> / 2", "Annuler la présence")
		if w := f.do("POST", checkin+"/"+id(jerome.ID)+"/undo", staff, url.Values{"q": {"jerome"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("undo: %d", w.Code)
		}
		if r := f.registrationOf(eventID, "jerome@sterilix.example"); r.Present() {
			t.Error("undo left the check-in")
		}
		if w := f.do("POST", checkin+"/"+id(jerome.ID), staff, url.Values{}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("check in again: %d", w.Code)
		}

		for _, p := range []string{office + "/badges.pdf", office + "/badges.pdf?ids=" + id(jerome.ID)} {
			w := f.do("GET", p, staff, nil, nil)
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(w.Body.String(), "%PDF") {
				t.Errorf("%s: %d %q", p, w.Code, w.Header().Get("Content-Type"))
			}
		}
		for _, p := range []string{office + "/registrations.xlsx", office + "/stats.xlsx"} {
			w := f.do("GET", p, staff, nil, nil)
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != xlsxType || !strings.HasPrefix(w.Body.String(), "PK") {
				t.Errorf("%s: %d %q", p, w.Code, w.Header().Get("Content-Type"))
			}
		}

		// After the event: a recording, and the period's statistics.
		f.srv.Events.Now = func() time.Time { return start.Add(12 * time.Hour) }
		defer func() { f.srv.Events.Now = time.Now }()
		if w := f.do("POST", office+"/recordings", staff, url.Values{"recording_title": {"Captation"}, "recording_url": {"https://video.example/congres"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("add recording: %d\n%s", w.Code, w.Body.String())
		}
		mustContain(t, "the page after the event", text(f.do("GET", events.EventPath(eventID), "", nil, nil)), "Captation", "Cet événement est terminé.")
		month := start.Format("2006-01")
		stats := text(f.do("GET", "/admin/events/stats?from="+month+"&to="+month, staff, nil, nil))
		mustContain(t, "the statistics", stats, "Congrès Medtech", "<strong>2</strong> Inscrits", "<strong>1</strong> Présents",
			"<strong>1</strong> Absents", "<strong>50\u00a0%</strong> Taux de présence", "PME")
		translated(t, "the statistics", stats)
		if w := f.do("GET", "/admin/events/stats.xlsx?from="+month+"&to="+month, staff, nil, nil); w.Code != http.StatusOK || w.Header().Get("Content-Type") != xlsxType {
			t.Errorf("statistics export: %d %q", w.Code, w.Header().Get("Content-Type"))
		}

		// Cancelling tells the registrants; a draft is deleted.
		if w := f.do("POST", office+"/cancel", staff, url.Values{"reason": {"Salle indisponible"}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("cancel the event: %d", w.Code)
		}
		f.lastMailTo("jerome@sterilix.example", "Événement annulé")
		mustContain(t, "the cancelled page", text(f.do("GET", events.EventPath(eventID), "", nil, nil)), "Cet événement est annulé.", "Motif : Salle indisponible")
		draft := f.event(eventIn("Brouillon"), true)
		if w := f.do("POST", "/admin/events/"+id(draft.ID)+"/delete", staff, url.Values{}, nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/events" {
			t.Errorf("delete a draft: %d %q", w.Code, w.Header().Get("Location"))
		}
	})
}

func TestOnlyTheTeamReachesTheEventsBackOffice(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		e := f.event(eventIn("Comité Medtech"), false)
		for _, p := range []string{"/admin/events", "/admin/events/" + id(e.ID), "/admin/events/" + id(e.ID) + "/checkin", "/admin/events/stats"} {
			if w := f.do("GET", p, f.session("member"), nil, nil); w.Code != http.StatusForbidden {
				t.Errorf("GET %s as a member: %d", p, w.Code)
			}
			if w := f.do("GET", p, "", nil, nil); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
				t.Errorf("GET %s anonymously: %d %q", p, w.Code, w.Header().Get("Location"))
			}
		}
		if w := f.do("POST", "/admin/events/"+id(e.ID)+"/publish", f.session("member"), url.Values{}, nil); w.Code != http.StatusForbidden {
			t.Errorf("a member publishing: %d", w.Code)
		}
		if w := f.do("GET", "/admin/events/"+id(e.ID), f.session("admin"), nil, nil); w.Code != http.StatusOK {
			t.Errorf("the back office for an admin: %d", w.Code)
		}
	})
}
