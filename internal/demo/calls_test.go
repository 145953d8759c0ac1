package demo_test

import (
	"context"
	"testing"
	"time"

	"filiere/internal/auth"
	"filiere/internal/calls"
	"filiere/internal/db"
	"filiere/internal/demo"
	"filiere/internal/directory"
)

func checkCallsRunAYear(t *testing.T, d *db.DB, res demo.Result) {
	ctx := context.Background()
	s := calls.New(d, directory.NewStore(d), "http://x")
	staff := calls.Viewer{Role: auth.RoleStaff}
	if res.Calls < 10 || res.Experts != 24 || res.Sessions < 14 {
		t.Fatalf("calls %d, experts %d, sessions %d", res.Calls, res.Experts, res.Sessions)
	}
	// Last year's table: the 77 applications of the real figures,
	// most labelled, some funded, some pending, across four groups.
	st, err := s.Statistics(ctx, staff, time.Now().In(calls.Paris).Year()-1)
	if err != nil {
		t.Fatal(err)
	}
	tot := st.Total
	if tot.Received < 77 || tot.LabellingRate < 0.6 || tot.LabellingRate > 0.95 || tot.Funded == 0 || tot.NotFunded == 0 ||
		tot.Collaborative == 0 || tot.Individual <= tot.Collaborative || len(st.Groups) < 4 {
		t.Fatalf("last year's statistics: %+v (groups %d)", tot, len(st.Groups))
	}
	// No expert was ever assigned an application they conflict with.
	rows, err := d.Query(ctx, "SELECT application_id, expert_id FROM assignments ORDER BY application_id")
	if err != nil {
		t.Fatal(err)
	}
	experts := map[int64][]int64{}
	for rows.Next() {
		var app, expert int64
		if err := rows.Scan(&app, &expert); err != nil {
			t.Fatal(err)
		}
		experts[app] = append(experts[app], expert)
	}
	rows.Close()
	for app, list := range experts {
		cs, err := s.Conflicts(ctx, staff, app)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if len(cs[x]) > 0 {
				t.Fatalf("expert %d assigned to application %d despite %v", x, app, cs[x])
			}
		}
	}
	// The training label has its catalogue.
	labels, err := s.Catalogue(ctx, calls.TypeTrainingLabel)
	if err != nil || len(labels) < 5 {
		t.Fatalf("catalogue: %d labels, %v", len(labels), err)
	}
	// The member login's organisation holds a labelled, funded project
	// and a draft; the expert login has reviews to do.
	users := cheapUsers(d)
	member, err := users.UserByEmail(ctx, "member@demo.filiere.example")
	if err != nil {
		t.Fatal(err)
	}
	mv, _ := s.ViewerFor(ctx, &member)
	mine, err := s.Applications(ctx, mv, calls.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var labelled, drafts int
	for _, a := range mine {
		if a.Decision == calls.DecisionLabelled && a.Funding == calls.FundingFunded {
			labelled++
		}
		if a.Status == calls.StatusDraft {
			drafts++
		}
	}
	if labelled == 0 || drafts == 0 {
		t.Fatalf("member login: %d labelled and funded, %d drafts", labelled, drafts)
	}
	expert, err := users.UserByEmail(ctx, "expert@demo.filiere.example")
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := s.ViewerFor(ctx, &expert)
	if ev.ExpertID == 0 {
		t.Fatal("the expert login is not in the pool")
	}
	var todo int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM assignments WHERE expert_id = ? AND submitted_at IS NULL", ev.ExpertID).Scan(&todo); err != nil {
		t.Fatal(err)
	}
	sessions, err := s.Sessions(ctx, ev)
	if err != nil || len(sessions) == 0 {
		t.Fatalf("expert login's sessions: %d, %v", len(sessions), err)
	}
	if todo == 0 {
		t.Fatal("the expert login has no review to do")
	}
}
