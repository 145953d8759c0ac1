package events_test

import (
	"bytes"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/events"
	"filiere/internal/tabular"
)

func TestAttendanceStatisticsByEventKindAndCollege(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.Capacity, in.PriceMember, in.PriceNonMember = 4, 0, 15000
		a := c.published(in)
		reg := func(r events.Registration, err error) events.Registration {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		jane := reg(c.ev.Register(ctx, &c.member, a.ID, events.Registrant{}))
		labby := reg(c.ev.Register(ctx, nil, a.ID, events.Registrant{Name: "Luc Labo", Email: "luc@labo.example", OrganisationID: c.lab.ID}))
		reg(c.ev.Confirm(ctx, c.ev.ConfirmToken(labby)))
		paul := reg(c.ev.Register(ctx, &c.nonMember, a.ID, events.Registrant{}))
		nobody := reg(c.ev.Register(ctx, nil, a.ID, events.Registrant{Name: "Sans Structure", Email: "ss@example.org"}))
		reg(c.ev.Confirm(ctx, c.ev.ConfirmToken(nobody)))
		p := c.members(2)
		promoted := reg(c.ev.Register(ctx, &p[0], a.ID, events.Registrant{}))
		reg(c.ev.Register(ctx, &p[1], a.ID, events.Registrant{}))
		reg(c.ev.Register(ctx, nil, a.ID, events.Registrant{Name: "Jamais Confirmé", Email: "jc@example.org"}))
		reg(c.ev.CancelByToken(ctx, c.ev.ManageToken(nobody)))
		if r, _ := c.ev.Registration(ctx, promoted.ID); r.Status != events.RegConfirmed {
			t.Fatalf("not promoted: %+v", r)
		}
		c.now = mar17(14, 0)
		reg(c.ev.CheckIn(ctx, jane.ID))
		reg(c.ev.CheckIn(ctx, paul.ID))

		in = input()
		in.TitleFR = "Webinaire e-santé"
		in.Start, in.End = time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC), time.Date(2026, 4, 2, 11, 0, 0, 0, time.UTC)
		b := c.published(in)
		reg(c.ev.AddRegistration(ctx, b.ID, events.StaffRegistration{UserID: c.member.ID}))
		draft, err := c.ev.Create(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		reg(c.ev.AddRegistration(ctx, draft.ID, events.StaffRegistration{UserID: c.member.ID}))
		c.now = mar17(18, 0) // a is over, b not yet

		want := events.Counts{Registered: 6, Confirmed: 4, Waiting: 1, Pending: 1, Cancelled: 1, Present: 2, NoShows: 2}
		st, err := c.ev.EventStats(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != want || len(st.Events) != 1 || st.Events[0].Counts != want || st.Total.AttendanceRate() != 0.5 {
			t.Errorf("event stats %+v", st)
		}
		wantKinds := []events.Group{
			{Code: "startup", Counts: events.Counts{Registered: 3, Confirmed: 2, Waiting: 1, Present: 1, NoShows: 1}},
			{Code: "large", Counts: events.Counts{Registered: 1, Confirmed: 1, Present: 1}},
			{Code: "lab", Counts: events.Counts{Registered: 1, Confirmed: 1, NoShows: 1}},
			{Code: "", Counts: events.Counts{Registered: 1, Pending: 1, Cancelled: 1}},
		}
		if !equalGroups(st.ByKind, wantKinds) {
			t.Errorf("by kind %+v, want %+v", st.ByKind, wantKinds)
		}
		wantColleges := []events.Group{
			{Code: directory.CollegeSME, Counts: events.Counts{Registered: 3, Confirmed: 2, Waiting: 1, Present: 1, NoShows: 1}},
			{Code: "research", Counts: events.Counts{Registered: 1, Confirmed: 1, NoShows: 1}},
			{Code: "", Counts: events.Counts{Registered: 2, Confirmed: 1, Present: 1, Pending: 1, Cancelled: 1}},
		}
		if !equalGroups(st.ByCollege, wantColleges) {
			t.Errorf("by college %+v, want %+v", st.ByCollege, wantColleges)
		}

		period, err := c.ev.PeriodStats(ctx, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if len(period.Events) != 2 || period.Events[0].Event.ID != a.ID || period.Events[1].Event.ID != b.ID ||
			period.Events[1].Counts != (events.Counts{Registered: 1, Confirmed: 1}) || period.Total.Registered != 7 || period.Total.Confirmed != 5 {
			t.Errorf("period stats %+v", period)
		}

		var buf bytes.Buffer
		if err := events.WriteStatsXLSX(&buf, period, "fr"); err != nil {
			t.Fatal(err)
		}
		tab, rowErrs, err := tabular.ReadXLSX(&buf, 10<<20)
		if err != nil || len(rowErrs) > 0 {
			t.Fatalf("read back: %v, %v", err, rowErrs)
		}
		if tab.Header[0] != "Regroupement" || tab.Header[3] != "Inscrits" || tab.Header[9] != "Absents" {
			t.Errorf("header %q", tab.Header)
		}
		startup, _ := directory.LoadTaxonomy().Kind("startup")
		rows := map[string][]string{}
		for _, r := range tab.Rows {
			rows[r.Cells[0]+"/"+r.Cells[1]] = r.Cells
		}
		if r := rows["Événement/Comité Medtech"]; r == nil || r[2] != "2026-03-17 14:00" || r[3] != "6" || r[8] != "2" || r[9] != "2" || r[10] != "0.5" {
			t.Errorf("event row %q (rows %q)", r, rows)
		}
		if r := rows["Type de structure/"+startup.Label("fr")]; r == nil || r[3] != "4" || r[4] != "3" || r[5] != "1" || r[10] != "0.5" {
			t.Errorf("startup row %q", r)
		}
		if r := rows["Collège/Non renseigné"]; r == nil || r[3] != "2" {
			t.Errorf("no college row %q", r)
		}
		if r := rows["Total/"]; r == nil || r[3] != "7" || r[4] != "5" {
			t.Errorf("total row %q", r)
		}

		buf.Reset()
		if err := c.ev.WriteRegistrationsXLSX(ctx, &buf, a.ID, "en"); err != nil {
			t.Fatal(err)
		}
		if tab, _, err = tabular.ReadXLSX(&buf, 10<<20); err != nil {
			t.Fatal(err)
		}
		if len(tab.Rows) != 7 || tab.Header[0] != "Name" {
			t.Fatalf("registrations sheet: %q, %d rows", tab.Header, len(tab.Rows))
		}
		byName := map[string][]string{}
		for _, r := range tab.Rows {
			byName[r.Cells[0]] = r.Cells
		}
		if r := byName["Paul Achat"]; r[2] != "Grand Groupe SA" || r[3] != "no" || r[4] != "Confirmed" || r[7] != "150" || r[8] != "To invoice" || r[10] != "2026-03-17 14:00" {
			t.Errorf("Paul's row %q", r)
		}
		if r := byName["Personne 1"]; r[4] != "Waiting list" || r[5] != "1" {
			t.Errorf("waiting row %q", r)
		}
	})
}

func equalGroups(a, b []events.Group) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
