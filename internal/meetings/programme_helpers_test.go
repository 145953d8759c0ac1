package meetings

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/events"
	"filiere/internal/mail/mailtest"
	"filiere/internal/pdffont/pdftest"
	"filiere/internal/validate"
)

var progCtx = audit.WithActor(context.Background(), audit.Actor{Label: "test"})

// congress is a published two-day congress with a meeting programme, over
// a small directory, with a clock the test moves.
type congress struct {
	t     *testing.T
	d     *db.DB
	dir   *directory.Store
	users *auth.Service
	ev    *events.Service
	pg    *Programme
	now   time.Time
	seen  int64 // the last outbox id read
	event events.Event

	hospital, cardiolys directory.Organisation
}

// paris17 is 17 March 2026 at h:m in Paris (UTC+1 then).
func paris17(h, m int) time.Time {
	return time.Date(2026, 3, 17, h, m, 0, 0, time.UTC).Add(-time.Hour)
}

func newCongress(t *testing.T, d *db.DB) *congress {
	t.Helper()
	c := &congress{t: t, d: d, dir: directory.NewStore(d), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	c.users = auth.NewService(d, auth.Options{BaseURL: "https://filiere.example", Argon2: auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1}})
	c.ev = events.New(d, c.dir, c.users, "https://filiere.example/")
	c.ev.Now = func() time.Time { return c.now }
	c.pg = NewProgramme(d, c.ev, "https://filiere.example/")
	c.pg.Now = func() time.Time { return c.now }
	var err error
	if c.hospital, err = c.dir.CreateOrganisation(progCtx, directory.Organisation{Name: "Hôpital Saint-Éloi", Kind: "hospital",
		Membership: directory.Member, City: "Besançon"}); err != nil {
		t.Fatal(err)
	}
	if c.cardiolys, err = c.dir.CreateOrganisation(progCtx, directory.Organisation{Name: "Cardiolys", Kind: "startup",
		Membership: directory.Member, City: "Besançon"}); err != nil {
		t.Fatal(err)
	}
	e, err := c.ev.Create(progCtx, events.Input{Type: events.TypeCongress, Audience: events.AudiencePublic,
		TitleFR: "Congrès Santé & Innovation", TitleEN: "Health & Innovation Congress", Start: paris17(9, 0), End: paris17(18, 0),
		Venue: "Palais des congrès", City: "Besançon"})
	if err != nil {
		t.Fatal(err)
	}
	if c.event, err = c.ev.Publish(progCtx, e.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.ev.SetExhibitor(progCtx, e.ID, c.cardiolys.ID, "B12"); err != nil {
		t.Fatal(err)
	}
	return c
}

// configure opens the programme with slots of 20 minutes from 10:00 in
// Paris and the given tables.
func (c *congress) configure(slots, tables int, moving bool) Setup {
	c.t.Helper()
	s, err := c.pg.Configure(progCtx, c.event.ID, SetupInput{Enabled: true, Tables: tables, AllowMoving: moving,
		Slots: SlotRun(paris17(10, 0), slots, 20)})
	if err != nil {
		c.t.Fatalf("configure: %v", err)
	}
	return s
}

// member registers a person with an account, confirmed at once.
func (c *congress) member(email, name, lang string, org int64) Caller {
	c.t.Helper()
	u, err := c.users.CreateUser(progCtx, auth.NewUser{Email: email, Name: name, Lang: lang, Role: auth.RoleMember,
		OrganisationID: org, Password: "correct horse battery staple"})
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.ev.Register(progCtx, &u, c.event.ID, events.Registrant{}); err != nil {
		c.t.Fatalf("register %s: %v", name, err)
	}
	who, err := c.pg.CallerByUser(progCtx, &u, c.event.ID)
	if err != nil {
		c.t.Fatalf("caller %s: %v", name, err)
	}
	return who
}

// guest registers a person without an account; confirmed says whether
// they follow the link mailed to them. The caller comes from the
// registration's own signed link.
func (c *congress) guest(email, name, lang, org string, confirmed bool) Caller {
	c.t.Helper()
	r, err := c.ev.Register(progCtx, nil, c.event.ID, events.Registrant{Name: name, Email: email, Lang: lang, Organisation: org})
	if err != nil {
		c.t.Fatalf("register %s: %v", name, err)
	}
	if confirmed {
		if r, err = c.ev.Confirm(progCtx, c.ev.ConfirmToken(r)); err != nil {
			c.t.Fatalf("confirm %s: %v", name, err)
		}
	}
	who, err := c.pg.CallerByToken(progCtx, c.ev.ManageToken(r))
	if err != nil {
		c.t.Fatalf("caller %s: %v", name, err)
	}
	return who
}

// optIn opts who in with a profile available everywhere.
func (c *congress) optIn(who Caller, offer string) Attendee {
	c.t.Helper()
	a, err := c.pg.OptIn(progCtx, who, Profile{Offer: offer, Lang: "fr"})
	if err != nil {
		c.t.Fatalf("opt in %s: %v", who.Registration().Name, err)
	}
	return a
}

// accepted records an accepted request between a and b (staff).
func (c *congress) accepted(a, b Attendee, weight int) MeetingRequest {
	c.t.Helper()
	r, err := c.pg.AddRequest(progCtx, c.event.ID, a.AttendeeID, b.AttendeeID, weight)
	if err != nil {
		c.t.Fatalf("add request %s–%s: %v", a.Name, b.Name, err)
	}
	return r
}

func (c *congress) schedule() Run {
	c.t.Helper()
	run, err := c.pg.Schedule(progCtx, c.event.ID, Options{Seed: 1, Effort: 0.2})
	if err != nil {
		c.t.Fatalf("schedule: %v", err)
	}
	return run
}

// sentMail is a mail in the outbox.
type sentMail = mailtest.Queued

// mails returns what the outbox received since the last call.
func (c *congress) mails() []sentMail {
	c.t.Helper()
	ms := mailtest.Outbox(c.t, c.d, c.seen)
	if len(ms) > 0 {
		c.seen = ms[len(ms)-1].ID
	}
	return ms
}

// onlyMail returns the one mail to addr among ms.
func onlyMail(t *testing.T, ms []sentMail, addr string) sentMail {
	t.Helper()
	var found []sentMail
	for _, m := range ms {
		if m.To == addr {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		var to []string
		for _, m := range ms {
			to = append(to, m.To+": "+m.Subject)
		}
		t.Fatalf("%d mails to %s; sent: %q", len(found), addr, to)
	}
	return found[0]
}

// notices returns the keys of a user's in-app notifications, oldest
// first.
func (c *congress) notices(userID int64) []string {
	c.t.Helper()
	rows, err := c.d.Query(context.Background(), "SELECT message FROM notifications WHERE user_id = ? ORDER BY id", userID)
	if err != nil {
		c.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			c.t.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}

// wantMessage asserts err is a form-level message with key.
func wantMessage(t *testing.T, err error, key string) {
	t.Helper()
	m, ok := validate.AsMessage(err)
	if !ok || m.Key != key {
		t.Fatalf("want message %s, got %v", key, err)
	}
}

// wantField asserts err is a validation error naming field with key.
func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	errs, ok := validate.As(err)
	if !ok {
		t.Fatalf("want %s on %s, got %v", key, field, err)
	}
	for _, f := range errs {
		if f.Field == field && f.Key == key {
			return
		}
	}
	t.Errorf("want %s on %s, got %v", key, field, errs)
}

func isErr(err, target error) bool { return errors.Is(err, target) }

// pdfToText extracts a PDF's text, white space made single.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(pdftest.Text(t, pdf)), " ")
}

// storedSchedule reads the event's planned meetings and the run's
// unscheduled requests back as a Problem and a Schedule in the solver's
// terms, so that the independent checker (violations) judges what the
// database holds.
func (c *congress) storedSchedule(run Run) (Problem, Schedule) {
	c.t.Helper()
	sn, err := loadSnapshot(progCtx, c.d, c.event.ID)
	if err != nil {
		c.t.Fatal(err)
	}
	list, err := c.pg.Appointments(progCtx, c.event.ID, false)
	if err != nil {
		c.t.Fatal(err)
	}
	var s Schedule
	for _, m := range list {
		s.Meetings = append(s.Meetings, Meeting{A: attendeeKey(m.A.AttendeeID), B: attendeeKey(m.B.AttendeeID),
			Slot: m.Slot.Index, Table: m.Table})
		s.Weight += m.Weight
	}
	s.Scheduled = len(s.Meetings)
	s.UpperBound = run.UpperBound
	for _, u := range run.Unscheduled {
		x := Unscheduled{A: attendeeKey(u.A.AttendeeID), B: attendeeKey(u.B.AttendeeID), Weight: u.Weight, Reason: u.Reason,
			limit: u.Limit, slots: u.Slots}
		if u.Participant.AttendeeID != 0 {
			x.Participant = attendeeKey(u.Participant.AttendeeID)
		}
		x.Message = x.Text("en")
		s.Unscheduled = append(s.Unscheduled, x)
	}
	return sn.problem, s
}

// bytesHas reports whether b holds s.
func bytesHas(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }
