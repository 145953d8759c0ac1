package demo_test

import (
	"context"
	"regexp"
	"slices"
	"testing"
	"time"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/demo"
	"filiere/internal/directory"
	"filiere/internal/events"
	"filiere/internal/meetings"
	"filiere/internal/surveys"
)

// eventDigestQueries are the rows of the agenda and its surveys that the
// same seed must give again, without their times (relative to the clock)
// nor the ids of registrations, invitations and responses, which several
// hands at work on PostgreSQL may number in another order.
var eventDigestQueries = []string{
	`SELECT id, type, status, audience, title_fr, title_en, description_fr, venue, address, city, online_url, capacity,
		price_member, price_non_member, sequence, cancel_reason FROM events ORDER BY id`,
	"SELECT * FROM event_sectors ORDER BY event_id, sector",
	"SELECT id, event_id, title, room FROM event_sessions ORDER BY id",
	"SELECT * FROM event_speakers ORDER BY session_id, position",
	"SELECT * FROM event_exhibitors ORDER BY event_id, organisation_id",
	"SELECT * FROM event_sponsors ORDER BY event_id, organisation_id",
	"SELECT event_id, title, url FROM event_recordings ORDER BY event_id, title",
	`SELECT event_id, user_id, organisation_id, name, email, organisation, lang, status, category, source, member, price,
		invoice_status, over_capacity, cancelled_by, CASE WHEN present_at IS NULL THEN 0 ELSE 1 END
		FROM event_registrations ORDER BY event_id, email, status`,
	"SELECT id, title_fr, subject_kind, subject_id, anonymous, status FROM surveys ORDER BY id",
	"SELECT id, survey_id, kind, label_fr, session_id FROM survey_questions ORDER BY id",
	`SELECT survey_id, email, organisation_id, user_id, reminders, CASE WHEN responded_at IS NULL THEN 0 ELSE 1 END
		FROM survey_invitations ORDER BY survey_id, email`,
	"SELECT question_id, choice, COALESCE(value, -1), text FROM survey_answers ORDER BY question_id, choice, 3, text",
}

func checkAgendaHasAYearOfEvents(t *testing.T, d *db.DB, res demo.Result) {
	t.Logf("%d events, %d registrations, %d surveys, %d responses, %d meetings", res.Events, res.Registrations, res.Surveys, res.Responses, res.Meetings)
	ctx := context.Background()
	now := time.Now()
	if res.Events < 60 || res.Events > 100 || res.Registrations < 400 || res.Surveys < 20 || res.Responses < 100 {
		t.Fatalf("result = %+v", res)
	}
	users := cheapUsers(d)
	staff, err := users.UserByEmail(ctx, "staff@demo.filiere.example")
	if err != nil {
		t.Fatal(err)
	}
	ev := events.New(d, directory.NewStore(d), users, "http://x")
	list, total, err := ev.List(ctx, &staff, events.Filter{Limit: 1000})
	if err != nil || total != res.Events || len(list) != total {
		t.Fatalf("%d events listed of %d, %d generated: %v", len(list), total, res.Events, err)
	}

	byType, byStatus, byAudience := map[string]int{}, map[string]int{}, map[string]int{}
	var past, ahead, full int
	var congress events.Event
	for _, e := range list {
		byType[e.Type]++
		byStatus[e.Status]++
		byAudience[e.Audience]++
		if e.Ended(now) {
			past++
		} else {
			ahead++
		}
		if e.Start.Before(now.AddDate(-1, 0, -7)) || e.Start.After(now.AddDate(0, 3, 7)) {
			t.Errorf("%s on %s: outside the past year and the next three months", e.TitleFR, e.Start)
		}
		if e.Status == events.StatusDraft && e.Ended(now) {
			t.Errorf("past draft %s", e.TitleFR)
		}
		if e.Capacity > 0 && e.Confirmed == e.Capacity && e.Waiting > 0 {
			full++
		}
		if e.Type == events.TypeCongress {
			congress = e
		}
	}
	for _, typ := range events.Types {
		if byType[typ] == 0 {
			t.Errorf("no %s in the agenda", typ)
		}
	}
	if past < 40 || ahead < 10 || byType[events.TypeWebinar] < 10 || byType[events.TypeCommittee] < 6 {
		t.Errorf("%d past and %d upcoming events, by type %v", past, ahead, byType)
	}
	if byStatus[events.StatusDraft] < 2 || byStatus[events.StatusCancelled] != 1 || byStatus[events.StatusPublished] < res.Events*9/10 {
		t.Errorf("by status %v", byStatus)
	}
	if byAudience[events.AudienceInvitation] != 1 || byAudience[events.AudienceMembers] < 3 || byAudience[events.AudiencePublic] < res.Events*3/4 {
		t.Errorf("by audience %v", byAudience)
	}
	if full == 0 {
		t.Error("no full event with a waiting list")
	}
	checkCongress(t, ev, &staff, congress)

	// The congress's business meetings: a published programme whose
	// meetings respect the scheduler's bound; held or not once over.
	prog := meetings.NewProgramme(d, ev, "http://x")
	run, err := prog.LastRun(ctx, congress.ID)
	if err != nil || res.Meetings == 0 || run.Scheduled != res.Meetings || run.Weight > run.UpperBound {
		t.Errorf("congress meetings: %d generated, last run %+v, %v", res.Meetings, run, err)
	}
	mst, err := prog.Stats(ctx, congress.ID)
	if err != nil || mst.Attendees < 10 || mst.Requested == 0 || mst.Sent != res.Meetings {
		t.Errorf("congress meeting statistics: %+v %v", mst, err)
	}
	t.Logf("congress meetings: %+v (ended %v)", mst, congress.Ended(now))
	if congress.Ended(now) && (mst.Held == 0 || mst.NoShows == 0) {
		t.Errorf("a past congress without held meetings or no-shows: %+v", mst)
	}

	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, st := range events.RegistrationStatuses {
		if n := count("SELECT COUNT(*) FROM event_registrations WHERE status = ?", st); n == 0 {
			t.Errorf("no registration %s", st)
		}
	}
	if n := count("SELECT COUNT(*) FROM event_registrations"); n != res.Registrations {
		t.Errorf("%d registrations stored, %d made", n, res.Registrations)
	}
	for _, q := range []string{
		"SELECT COUNT(*) FROM event_registrations WHERE source = 'staff'",
		"SELECT COUNT(*) FROM event_registrations WHERE source = 'self' AND user_id IS NULL AND status = 'confirmed'",
		"SELECT COUNT(*) FROM event_registrations WHERE source = 'self' AND user_id IS NOT NULL",
		"SELECT COUNT(*) FROM event_registrations WHERE cancelled_by = 'self'",
		"SELECT COUNT(*) FROM event_registrations WHERE category = 'speaker'",
		"SELECT COUNT(*) FROM event_registrations WHERE invoice_status = 'paid'",
		"SELECT COUNT(*) FROM event_registrations WHERE invoice_status = 'invoiced'",
		"SELECT COUNT(*) FROM event_registrations WHERE invoice_status = 'waived'",
		"SELECT COUNT(*) FROM audit_log WHERE entity = 'event_registration' AND action = 'promote'",
		"SELECT COUNT(*) FROM event_recordings r JOIN events e ON e.id = r.event_id WHERE e.type = 'webinar'",
		"SELECT COUNT(*) FROM event_speakers sp JOIN people p ON p.first_name || ' ' || p.last_name = sp.name",
	} {
		if count(q) == 0 {
			t.Errorf("none: %s", q)
		}
	}
	// Capacity holds, whoever registered and in whatever order.
	if n := count(`SELECT COUNT(*) FROM events e WHERE e.capacity > 0 AND e.capacity <
		(SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'confirmed' AND r.over_capacity = 0)`); n != 0 {
		t.Errorf("%d events over capacity", n)
	}
	if n := count("SELECT COUNT(*) FROM event_registrations r JOIN events e ON e.id = r.event_id WHERE r.present_at IS NOT NULL AND e.starts_at > ?", now); n != 0 {
		t.Errorf("%d people checked in to events to come", n)
	}
	member, err := users.UserByEmail(ctx, "member@demo.filiere.example")
	if err != nil {
		t.Fatal(err)
	}
	bookings, err := ev.UserRegistrations(ctx, member.ID)
	if err != nil || len(bookings) < 3 || !slices.ContainsFunc(bookings, func(b events.Booking) bool { return !b.Event.Ended(now) }) {
		t.Errorf("the member login's registrations: %d, %v", len(bookings), err)
	}

	// Attendance over the year, by kind and college.
	st, err := ev.PeriodStats(ctx, now.AddDate(-1, 0, -7), now)
	if err != nil {
		t.Fatal(err)
	}
	if rate := st.Total.AttendanceRate(); rate < 0.7 || rate > 0.92 || st.Total.Present < 250 || st.Total.Waiting == 0 || st.Total.Cancelled == 0 {
		t.Errorf("attendance %.2f, totals %+v", rate, st.Total)
	}
	kinds := 0
	for _, g := range st.ByKind {
		if g.Code != "" && g.Present > 0 {
			kinds++
		}
	}
	if kinds < 8 {
		t.Errorf("present people of %d kinds only: %+v", kinds, st.ByKind)
	}
	colleges := 0
	for _, g := range st.ByCollege {
		if g.Code != "" && g.Present > 0 {
			colleges++
		}
	}
	if colleges != len(directory.LoadTaxonomy().Colleges) {
		t.Errorf("present people of %d colleges: %+v", colleges, st.ByCollege)
	}

	checkSurveys(t, d, res)
	if n := count("SELECT COUNT(*) FROM outbox"); n != 0 {
		t.Errorf("the demo left %d mails to send", n)
	}
}

// checkCongress checks the two-day congress: exhibitors with stands,
// sponsors, member and non-member prices, attendance by kind.
func checkCongress(t *testing.T, ev *events.Service, staff *auth.User, c events.Event) {
	t.Helper()
	ctx := context.Background()
	e, err := ev.Event(ctx, staff, c.ID)
	if err != nil {
		t.Fatalf("the congress: %v", err)
	}
	if d := e.End.Sub(e.Start); d < 24*time.Hour || d > 48*time.Hour || e.PriceMember <= 0 || e.PriceNonMember <= e.PriceMember || e.Audience != events.AudiencePublic {
		t.Errorf("congress %+v", e)
	}
	stand := regexp.MustCompile(`^[A-C][0-9]{2}$`)
	stands := map[string]bool{}
	for _, x := range e.Exhibitors {
		if !stand.MatchString(x.Stand) || stands[x.Stand] || x.Organisation == "" {
			t.Errorf("exhibitor %+v", x)
		}
		stands[x.Stand] = true
	}
	if len(e.Exhibitors) < 15 || len(e.Exhibitors) > 25 {
		t.Errorf("%d exhibitors", len(e.Exhibitors))
	}
	if len(e.Sponsors) < 4 || e.Sponsors[0].Level != events.LevelPlatinum || e.Sponsors[0].Stand == "" {
		t.Errorf("sponsors %+v", e.Sponsors)
	}
	if len(e.Sessions) < 6 || len(e.Recordings) == 0 {
		t.Errorf("%d sessions, %d recordings", len(e.Sessions), len(e.Recordings))
	}
	st, err := ev.EventStats(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total.Present < 25 || st.Total.NoShows == 0 || len(st.ByKind) < 5 || len(st.ByCollege) < 3 {
		t.Errorf("congress: %+v, %d kinds, %d colleges", st.Total, len(st.ByKind), len(st.ByCollege))
	}
	regs, err := ev.Registrations(ctx, e.ID, events.RegistrationFilter{Category: events.CategoryExhibitor})
	if err != nil || len(regs) < len(e.Exhibitors)/2 {
		t.Errorf("%d exhibitors' people registered, %v", len(regs), err)
	}
	for _, r := range regs {
		if r.Status == events.RegConfirmed && r.InvoiceStatus != events.InvoiceWaived {
			t.Errorf("exhibitor %s invoiced %q", r.Name, r.InvoiceStatus)
		}
	}
}

// checkSurveys checks the satisfaction surveys after the events and the
// flash survey on the members' cash.
func checkSurveys(t *testing.T, d *db.DB, res demo.Result) {
	t.Helper()
	ctx := context.Background()
	sv := surveys.New(d, directory.NewStore(d), "http://x")
	list, err := sv.List(ctx, surveys.Filter{})
	if err != nil || len(list) != res.Surveys {
		t.Fatalf("%d surveys of %d: %v", len(list), res.Surveys, err)
	}
	var invited, responded, responses, open, closed, sessions, comments int
	var flash surveys.Survey
	for _, s := range list {
		switch s.Status {
		case surveys.StatusOpen:
			open++
		case surveys.StatusClosed:
			closed++
		default:
			t.Errorf("survey %s is %s", s.TitleFR, s.Status)
		}
		if s.SubjectKind == surveys.SubjectFlash {
			flash = s
			continue
		}
		if s.SubjectKind != surveys.SubjectEvent || s.SubjectID == 0 || s.Anonymous {
			t.Errorf("survey %+v", s)
		}
		r, err := sv.Results(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		invited, responded, responses = invited+r.Invited, responded+r.Responded, responses+r.Responses
		q := r.Questions[0]
		if q.Question.Kind != surveys.KindScale5 || (q.Answers >= 3 && (q.Mean < 3 || q.Mean > 5)) {
			t.Errorf("%s: overall satisfaction %+v", s.TitleFR, q.Stats)
		}
		if nps := r.Questions[1]; nps.Question.Kind != surveys.KindNPS {
			t.Errorf("%s: second question %+v", s.TitleFR, nps.Question)
		}
		sessions += len(r.Sessions)
		comments += len(r.Questions[len(r.Questions)-1].Comments)
	}
	if rate := float64(responded) / float64(invited); rate < 0.25 || rate > 0.6 || responses != responded {
		t.Errorf("%d responses of %d invited (%d stored)", responded, invited, responses)
	}
	if open == 0 || closed < 10 || sessions < 10 || comments < 20 {
		t.Errorf("%d open and %d closed surveys, %d sessions rated, %d comments", open, closed, sessions, comments)
	}

	if flash.ID == 0 || !flash.Anonymous || flash.Status != surveys.StatusOpen || flash.TitleFR != "Trésorerie des adhérents" {
		t.Fatalf("flash survey %+v", flash)
	}
	r, err := sv.Results(ctx, flash.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Responses < 40 || r.ResponseRate < 40 || r.ResponseRate > 70 {
		t.Errorf("flash survey: %d responses, %.0f%%", r.Responses, r.ResponseRate)
	}
	var linked int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND invitation_id IS NOT NULL", flash.ID).Scan(&linked); err != nil || linked != 0 {
		t.Errorf("%d anonymous responses tied to their invitation, %v", linked, err)
	}
	runway := r.Questions[0]
	if runway.Question.Kind != surveys.KindSingle || len(runway.Question.Choices) != 4 || len(runway.BySector) < 5 {
		t.Fatalf("runway question %+v by sector %+v", runway.Question, runway.BySector)
	}
	short := func(code string) float64 {
		for _, g := range runway.ByKind {
			if g.Code == code {
				return g.Distribution[0].Share + g.Distribution[1].Share
			}
		}
		t.Errorf("no %s answered the flash survey", code)
		return 0
	}
	if s, l := short("startup"), short("large"); s <= l {
		t.Errorf("start-ups with under 6 months of cash: %.0f%%, large groups %.0f%%", s, l)
	}
}
