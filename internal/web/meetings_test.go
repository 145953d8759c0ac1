package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"filiere/internal/meetings"
)

// meetingAttendee is the attendee id of email in the event's programme.
func (f *fixture) meetingAttendee(eventID int64, email string) int64 {
	f.t.Helper()
	list, err := f.srv.Meetings.Attendees(context.Background(), eventID, "")
	if err != nil {
		f.t.Fatal(err)
	}
	for _, a := range list {
		if a.Email == email {
			return a.AttendeeID
		}
	}
	f.t.Fatalf("%s did not opt in to event %d", email, eventID)
	return 0
}

// mustStatus fails unless w answered code.
func mustStatus(t *testing.T, what string, w interface{ Result() *http.Response }, code int) {
	t.Helper()
	if got := w.Result().StatusCode; got != code {
		t.Fatalf("%s: status %d, want %d", what, got, code)
	}
}

func TestMeetingsFromOptInToAgendaThroughThePages(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		e := f.event(eventIn("Congrès Medtech"), false)
		base := meetings.PagePath(e.ID)
		admin := adminMeetingsPath(e.ID)
		staff, member, buyer, expert, funder := f.session("staff"), f.session("member"), f.session("buyer"), f.session("expert"), f.session("funder")

		// Staff configure four slots of 20 minutes from 14:00 and five tables.
		w := f.do("POST", admin+"/setup", staff, url.Values{"enabled": {"1"}, "tables": {"5"}, "max_meetings": {"0"},
			"gen_date": {localDate(e.Start)}, "gen_time": {"14:00"}, "gen_count": {"4"}, "gen_minutes": {"20"}}, nil)
		mustStatus(t, "configure", w, http.StatusSeeOther)
		setup, err := f.srv.Meetings.Setup(ctx, e.ID)
		if err != nil || len(setup.Slots) != 4 || setup.Tables != 5 || !setup.Enabled {
			t.Fatalf("setup %+v, %v", setup, err)
		}
		w = f.do("GET", admin, staff, nil, nil)
		mustStatus(t, "staff page", w, http.StatusOK)
		mustContain(t, "staff page", text(w), "14:00–14:20", "14:40–15:00")
		translated(t, "staff page", w.Body.String())

		// Three signed-in people register and opt in through the page.
		var slots []string
		for _, sl := range setup.Slots {
			slots = append(slots, strconv.FormatInt(sl.ID, 10))
		}
		for role, session := range map[string]string{"member": member, "buyer": buyer, "expert": expert} {
			mustStatus(t, role+" registers", f.do("POST", "/events/"+id(e.ID)+"/register", session, url.Values{}, nil), http.StatusSeeOther)
			w = f.do("POST", base+"/profile", session, url.Values{"offer": {"Capteurs pour " + role}, "seeking": {"Distributeurs"},
				"slots": slots, "max_meetings": {""}}, nil)
			mustStatus(t, role+" opts in", w, http.StatusSeeOther)
		}
		// The event page leads a confirmed registrant to the meetings.
		w = f.do("GET", "/events/"+id(e.ID), member, nil, nil)
		mustContain(t, "event page", w.Body.String(), `href="/events/`+id(e.ID)+`/meetings"`)
		// No slot ticked: refused beside the field.
		w = f.do("POST", base+"/profile", expert, url.Values{"offer": {"x"}, "seeking": {"y"}}, nil)
		mustStatus(t, "profile without slots", w, http.StatusUnprocessableEntity)
		mustContain(t, "profile without slots", text(w), "Cochez au moins un créneau.")

		// The member browses: names and offers, never an e-mail address.
		w = f.do("GET", base+"?q=buyer", member, nil, nil)
		mustStatus(t, "browse", w, http.StatusOK)
		mustContain(t, "browse", text(w), "Buyer Test", "Capteurs pour buyer")
		mustNotContain(t, "browse", text(w), "@test.example", "Expert Test")
		translated(t, "participant page", w.Body.String())

		// The member asks the buyer; the buyer accepts.
		to := f.meetingAttendee(e.ID, "buyer@test.example")
		w = f.do("POST", base+"/requests", member, url.Values{"to": {strconv.FormatInt(to, 10)}, "message": {"Parlons capteurs"}}, nil)
		mustStatus(t, "send request", w, http.StatusSeeOther)
		pending, err := f.srv.Meetings.Requests(ctx, e.ID, meetings.RequestPending)
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending requests %v, %v", pending, err)
		}
		rid := strconv.FormatInt(pending[0].ID, 10)
		w = f.do("GET", base, buyer, nil, nil)
		mustContain(t, "buyer's page", text(w), "Member Test", "Parlons capteurs")
		// Neither someone outside the programme nor the wrong participant answers it.
		if w = f.do("POST", base+"/requests/"+rid+"/accept", funder, url.Values{}, nil); w.Code != http.StatusNotFound {
			t.Errorf("a non-participant answering: %d, want 404", w.Code)
		}
		if w = f.do("POST", base+"/requests/"+rid+"/accept", expert, url.Values{}, nil); w.Code != http.StatusForbidden && w.Code != http.StatusNotFound {
			t.Errorf("another participant answering: %d, want 403 or 404", w.Code)
		}
		mustStatus(t, "accept", f.do("POST", base+"/requests/"+rid+"/accept", buyer, url.Values{}, nil), http.StatusSeeOther)
		if w = f.do("GET", base, funder, nil, nil); w.Code != http.StatusNotFound {
			t.Errorf("a non-participant's meetings page: %d, want 404", w.Code)
		}

		// Staff run the scheduler and see its summary, then publish.
		mustStatus(t, "schedule", f.do("POST", admin+"/schedule", staff, url.Values{}, nil), http.StatusSeeOther)
		runRes, err := f.srv.Meetings.LastRun(ctx, e.ID)
		if err != nil || runRes.Scheduled != 1 {
			t.Fatalf("last run %+v, %v", runRes, err)
		}
		w = f.do("GET", admin, staff, nil, nil)
		mustContain(t, "staff page after the run", text(w), runRes.Summary("fr"), "Member Test / Buyer Test")
		w = f.do("POST", admin+"/publish", staff, url.Values{}, nil)
		mustStatus(t, "publish", w, http.StatusSeeOther)
		// A browser leaves the fragment out.
		back, _, _ := strings.Cut(w.Header().Get("Location"), "#")
		w = f.do("GET", back, staff, nil, nil)
		mustContain(t, "staff page after publishing", text(w), "1 rendez-vous envoyés, 0 déplacés, 0 annulés")

		// The member's agenda, its calendar file and its PDF.
		w = f.do("GET", meetings.AgendaPath(e.ID), member, nil, nil)
		mustStatus(t, "agenda", w, http.StatusOK)
		mustContain(t, "agenda", text(w), "Buyer Test", "Table 1")
		token := f.srv.Meetings.Token(f.registrationOf(e.ID, "member@test.example").ID)
		w = f.do("GET", meetings.TokenICSPath(token), "", nil, nil)
		mustStatus(t, "ics", w, http.StatusOK)
		ics := strings.ReplaceAll(w.Body.String(), "\r\n ", "")
		mustContain(t, "ics", ics, "BEGIN:VEVENT", "Buyer Test")
		mustNotContain(t, "ics", ics, "@test.example")
		w = f.do("GET", meetings.TokenPDFPath(token), "", nil, nil)
		if !strings.HasPrefix(w.Body.String(), "%PDF") {
			t.Errorf("agenda pdf: %d %q", w.Code, w.Body.String()[:min(20, w.Body.Len())])
		}
		w = f.do("GET", meetings.TokenPagePath(token), "", nil, nil)
		mustContain(t, "page by link", text(w), "Buyer Test")
		mustNotContain(t, "page by link", text(w), "@test.example")

		// The table plan as a workbook; the outcome on the day.
		w = f.do("GET", admin+"/plan.xlsx", staff, nil, nil)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != xlsxType {
			t.Errorf("table plan: %d %q", w.Code, w.Header().Get("Content-Type"))
		}
		list, err := f.srv.Meetings.Appointments(ctx, e.ID, false)
		if err != nil || len(list) != 1 {
			t.Fatalf("appointments %v, %v", list, err)
		}
		w = f.do("POST", admin+"/appointments/"+strconv.FormatInt(list[0].ID, 10)+"/outcome", staff, url.Values{"outcome": {meetings.OutcomeHeld}}, nil)
		mustStatus(t, "outcome", w, http.StatusSeeOther)
		if st, err := f.srv.Meetings.Stats(ctx, e.ID); err != nil || st.Held != 1 || st.Scheduled != 1 {
			t.Errorf("stats %+v, %v", st, err)
		}

		// A member is refused the staff page.
		if w = f.do("GET", admin, member, nil, nil); w.Code != http.StatusForbidden {
			t.Errorf("member on the staff page: %d", w.Code)
		}
	})
}
