package events_test

import (
	"slices"
	"testing"
	"time"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/events"
)

func TestEachViewerSeesTheEventsTheirAudienceAllows(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		mk := func(audience, status string) int64 {
			in := input()
			in.Audience, in.TitleFR = audience, audience+" "+status
			e, err := c.ev.Create(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			switch status {
			case events.StatusPublished:
				if _, err := c.ev.Publish(ctx, e.ID); err != nil {
					t.Fatal(err)
				}
			case events.StatusCancelled:
				if _, err := c.ev.CancelEvent(ctx, e.ID, ""); err != nil {
					t.Fatal(err)
				}
			}
			return e.ID
		}
		pubDraft := mk(events.AudiencePublic, events.StatusDraft)
		pub := mk(events.AudiencePublic, events.StatusPublished)
		pubCancelled := mk(events.AudiencePublic, events.StatusCancelled)
		members := mk(events.AudienceMembers, events.StatusPublished)
		membersDraft := mk(events.AudienceMembers, events.StatusDraft)
		invitation := mk(events.AudienceInvitation, events.StatusPublished)
		invited := mk(events.AudienceInvitation, events.StatusPublished)
		guest := c.user("guest@grandgroupe.example", "Invitée", "fr", auth.RoleBuyer, c.outsider.ID)
		if _, err := c.ev.AddRegistration(ctx, invited, events.StaffRegistration{UserID: guest.ID}); err != nil {
			t.Fatal(err)
		}
		all := []int64{pubDraft, pub, pubCancelled, members, membersDraft, invitation, invited}
		for _, tc := range []struct {
			name string
			who  *auth.User
			want []int64
		}{
			{"anonymous", nil, []int64{pub, pubCancelled}},
			{"non-member", &c.nonMember, []int64{pub, pubCancelled}},
			{"member", &c.member, []int64{pub, pubCancelled, members}},
			{"invited non-member", &guest, []int64{pub, pubCancelled, invited}},
			{"staff", &c.staff, all},
		} {
			list, total, err := c.ev.List(ctx, tc.who, events.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(tc.want)
			if got := ids(list); !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Errorf("%s lists %v (total %d), want %v", tc.name, got, total, tc.want)
			}
			for _, id := range all {
				_, err := c.ev.Event(ctx, tc.who, id)
				if visible := slices.Contains(tc.want, id); visible != (err == nil) || (!visible && !isNotFound(err)) {
					t.Errorf("%s reads event %d: %v (should see it: %v)", tc.name, id, err, visible)
				}
			}
		}
		list, _, err := c.ev.List(ctx, &c.staff, events.Filter{Status: events.StatusDraft})
		if err != nil || !slices.Equal(ids(list), []int64{pubDraft, membersDraft}) {
			t.Errorf("staff's drafts: %v, %v", ids(list), err)
		}
		// Others cannot ask for drafts.
		if list, _, _ := c.ev.List(ctx, nil, events.Filter{Status: events.StatusDraft}); !slices.Equal(ids(list), []int64{pub, pubCancelled}) {
			t.Errorf("anonymous asking for drafts gets %v", ids(list))
		}
	})
}

func TestListFiltersByTypeSectorMonthAndTime(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		committee := c.published(input())
		in := input()
		in.Type, in.Sectors, in.OnlineURL = events.TypeWebinar, []string{"digital"}, "https://visio.example/42"
		in.Start, in.End = time.Date(2026, 3, 31, 22, 30, 0, 0, time.UTC), time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC) // 1 April in Paris (UTC+2)
		webinar := c.published(in)
		in = input()
		in.Start, in.End = time.Date(2026, 2, 10, 8, 0, 0, 0, time.UTC), time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC)
		past := c.published(in)
		for _, tc := range []struct {
			name string
			f    events.Filter
			want []int64
		}{
			{"all, by start", events.Filter{}, []int64{past.ID, committee.ID, webinar.ID}},
			{"webinars", events.Filter{Type: events.TypeWebinar}, []int64{webinar.ID}},
			{"medtech", events.Filter{Sector: "medtech"}, []int64{past.ID, committee.ID}},
			{"March in Paris", events.Filter{Month: "2026-03"}, []int64{committee.ID}},
			{"April in Paris", events.Filter{Month: "2026-04"}, []int64{webinar.ID}},
			{"upcoming", events.Filter{When: events.WhenUpcoming}, []int64{committee.ID, webinar.ID}},
			{"past", events.Filter{When: events.WhenPast}, []int64{past.ID}},
		} {
			list, _, err := c.ev.List(ctx, nil, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, e := range list {
				got = append(got, e.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		_, _, err := c.ev.List(ctx, nil, events.Filter{Month: "March"})
		fieldErr(t, err, "month", "events.month")
	})
}

func TestCalendarLaysOutTheMonthFromMondayWithEventsOnEachOfTheirDays(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.Type = events.TypeCongress
		in.Start, in.End = time.Date(2026, 3, 31, 7, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 16, 0, 0, 0, time.UTC)
		congress := c.published(in)
		committee := c.published(input())
		m, err := c.ev.Calendar(ctx, nil, "2026-03", events.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if m.Title("fr") != "mars 2026" || m.Title("en") != "March 2026" || m.Prev != "2026-02" || m.Next != "2026-04" {
			t.Errorf("title %q, prev %s, next %s", m.Title("fr"), m.Prev, m.Next)
		}
		// March 2026 starts on a Sunday: the first week begins on Monday 23 February.
		if len(m.Weeks) != 6 || m.Weeks[0][0].Date.Day() != 23 || m.Weeks[0][0].InMonth || !m.Weeks[0][6].InMonth {
			t.Fatalf("weeks %d, first day %v", len(m.Weeks), m.Weeks[0][0].Date)
		}
		on := map[string][]int64{}
		for _, w := range m.Weeks {
			if len(w) != 7 || w[0].Date.Weekday() != time.Monday {
				t.Fatalf("week %v", w)
			}
			for _, day := range w {
				for _, e := range day.Events {
					on[day.Date.Format("2006-01-02")] = append(on[day.Date.Format("2006-01-02")], e.ID)
				}
			}
		}
		want := map[string][]int64{"2026-03-17": {committee.ID}, "2026-03-31": {congress.ID}, "2026-04-01": {congress.ID}}
		if len(on) != len(want) {
			t.Errorf("events on %v, want %v", on, want)
		}
		for day, ids := range want {
			if !slices.Equal(on[day], ids) {
				t.Errorf("%s: %v, want %v", day, on[day], ids)
			}
		}
		c.now = time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC) // 1 April in Paris
		if m, err = c.ev.Calendar(ctx, nil, "", events.Filter{}); err != nil || m.First.Month() != time.April {
			t.Errorf("current month %v, %v", m.First, err)
		}
	})
}
