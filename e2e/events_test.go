package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"filiere/internal/auth"

	"github.com/chromedp/chromedp"
)

// set gives the form field sel a value from the page's side (date and
// time inputs take ISO values whatever the browser's locale).
func (tb *tab) set(sel, value string) {
	tb.t.Helper()
	step(tb, "set "+sel, chromedp.Evaluate[bool](fmt.Sprintf(`(e => { e.value = %q; return true })(document.querySelector(%q))`, value, sel)))
}

// checkAll ticks every checkbox matching sel.
func (tb *tab) checkAll(sel string) {
	tb.t.Helper()
	step(tb, "check all "+sel, chromedp.Evaluate[int](fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(e => e.checked = true).length`, sel)))
}

// TestRegisterRequestAMeetingScheduleAndDownloadTheAgenda runs issue 6's
// journey in the browser on a demo event: staff open business meetings,
// the member and the expert register and join them, the member asks the
// expert for a meeting, the expert accepts, staff run the scheduler and
// publish, and the member's agenda downloads as ICS with the meeting.
func TestRegisterRequestAMeetingScheduleAndDownloadTheAgenda(t *testing.T) {
	a := startedApp(t)
	d := a.database(t)
	ctx := context.Background()
	memberLogin, expertLogin, staffLogin := a.account(t, auth.RoleMember), a.account(t, auth.RoleExpert), a.account(t, auth.RoleStaff)

	// An upcoming public event neither of them is registered to, with room.
	now := time.Now().UTC().Format("2006-01-02 15:04:05.000000")
	var eventID int64
	var startsAt time.Time
	err := d.QueryRowContext(ctx, `SELECT e.id, e.starts_at FROM events e WHERE e.status = 'published' AND e.audience = 'public'
		AND e.starts_at > ? AND (e.registration_opens IS NULL OR e.registration_opens <= ?)
		AND (e.registration_closes IS NULL OR e.registration_closes > ?)
		AND (e.capacity = 0 OR e.capacity > (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status IN ('confirmed', 'waiting')) + 2)
		AND NOT EXISTS (SELECT 1 FROM event_registrations r WHERE r.event_id = e.id AND r.email IN (?, ?))
		ORDER BY e.starts_at LIMIT 1`, now, now, now, memberLogin.email, expertLogin.email).Scan(&eventID, &startsAt)
	if err != nil {
		t.Fatalf("the demo has no upcoming public event with room: %v", err)
	}
	var expertName string
	if err := d.QueryRowContext(ctx, "SELECT name FROM users WHERE email = ?", expertLogin.email).Scan(&expertName); err != nil {
		t.Fatal(err)
	}
	ev := strconv.FormatInt(eventID, 10)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	start := startsAt.In(paris)

	// Staff open business meetings: 4 slots of 20 minutes from the start.
	staff := newTab(t)
	staff.open("/login")
	staff.login(staffLogin.email, staffLogin.password)
	admin := "/admin/events/" + ev + "/meetings"
	if code := staff.open(admin); code != http.StatusOK {
		t.Fatalf("GET %s = %d", admin, code)
	}
	staff.check(`input[name=enabled]`)
	staff.set(`#tables`, "5")
	staff.set(`input[name=gen_date]`, start.Format(time.DateOnly))
	staff.set(`input[name=gen_time]`, start.Format("15:04"))
	staff.set(`input[name=gen_count]`, "4")
	staff.set(`input[name=gen_minutes]`, "20")
	if code := staff.submit(`form[action$="/meetings/setup"] button[type=submit]`); code != http.StatusOK {
		t.Fatalf("saving the meetings' setup = %d", code)
	}

	// The member and the expert register and join the meetings.
	join := func(l login, offer string) *tab {
		tb := newTab(t)
		tb.open("/login")
		tb.login(l.email, l.password)
		if code := tb.open("/events/" + ev); code != http.StatusOK {
			t.Fatalf("%s opens the event = %d", l.email, code)
		}
		if code := tb.submit(`form[action="/events/` + ev + `/register"] button[type=submit]`); code != http.StatusOK {
			t.Fatalf("%s registers = %d", l.email, code)
		}
		if code := tb.open("/events/" + ev + "/meetings"); code != http.StatusOK {
			t.Fatalf("%s opens the meetings = %d", l.email, code)
		}
		tb.fill("#offer", offer)
		tb.fill("#seeking", "Partenaires industriels")
		tb.checkAll(`input[name=slots]`)
		if code := tb.submit(`form[action$="/profile"] button[type=submit]`); code != http.StatusOK {
			t.Fatalf("%s joins the meetings = %d", l.email, code)
		}
		return tb
	}
	member := join(memberLogin, "Usinage de précision pour implants")
	expert := join(expertLogin, "Évaluation clinique des dispositifs")

	// The member finds the expert and asks for a meeting; the expert accepts.
	if code := member.open("/events/" + ev + "/meetings?q=" + strings.ReplaceAll(expertName, " ", "+")); code != http.StatusOK {
		t.Fatalf("searching = %d", code)
	}
	member.fill(`form[action$="/requests"] input[name=message]`, "Pouvons-nous parler de votre évaluation clinique ?")
	if code := member.submit(`form[action$="/requests"] button[type=submit]`); code != http.StatusOK {
		t.Fatalf("requesting a meeting = %d", code)
	}
	expert.open("/events/" + ev + "/meetings")
	if code := expert.submit(`form[action$="/accept"] button[type=submit]`); code != http.StatusOK {
		t.Fatalf("accepting = %d", code)
	}

	// Staff run the scheduler and publish.
	staff.open(admin)
	if code := staff.submit(`form[action$="/meetings/schedule"] button[type=submit]`); code != http.StatusOK {
		t.Fatalf("scheduling = %d", code)
	}
	// The event may already hold other meetings; this one is among them.
	if body := staff.text("main"); !strings.Contains(body, "rendez-vous placés sur") || !strings.Contains(body, "au plus") {
		t.Fatalf("the scheduler's summary (placed of requested, at most possible) is missing: %s", body)
	}
	if code := staff.submit(`form[action$="/meetings/publish"] button[type=submit]`); code != http.StatusOK {
		t.Fatalf("publishing = %d", code)
	}

	// The member's agenda lists the meeting; its ICS downloads with it.
	if code := member.open("/events/" + ev + "/meetings/agenda"); code != http.StatusOK {
		t.Fatalf("the agenda = %d", code)
	}
	if body := member.text("main"); !strings.Contains(body, expertName) {
		t.Fatalf("the agenda does not list the meeting with %s", expertName)
	}
	ics := member.attr(`a[href$=".ics"]`, "href")
	res, err := http.Get(a.url + ics)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	unfolded := strings.ReplaceAll(string(body), "\r\n ", "")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") ||
		strings.Count(unfolded, "BEGIN:VEVENT") != 1 || !strings.Contains(unfolded, expertName) {
		t.Fatalf("agenda ICS %s: %d %s\n%s", ics, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if strings.Contains(unfolded, expertLogin.email) {
		t.Error("the agenda ICS holds the other participant's e-mail address")
	}
}
