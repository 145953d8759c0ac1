package calls_test

import (
	"fmt"
	"testing"

	"filiere/internal/calls"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
)

// BenchmarkAutoAssign300x60 is the target: 300 applications, 60
// experts, 3 experts each, with conflicts of every kind, through the
// whole service (load from the database, solve, store, log exclusions)
// on SQLite. Each iteration starts from no assignment. It reports the
// load spread and fails if a conflicted pair was stored.
func BenchmarkAutoAssign300x60(b *testing.B) {
	d := dbtest.SQLite(b)
	e := newEnv(b, d)
	sectors := []string{"medtech", "biotech", "pharma", "diagnostics", "digital"}
	c := e.projectCall(func(c *calls.Call) { c.Evaluators, c.Preselection, c.MaxPartners = 3, false, 3 })
	var orgs []directory.Organisation
	for i := range 300 {
		group := ""
		if i%25 == 0 {
			group = fmt.Sprintf("Groupe %d", i/25)
		}
		orgs = append(orgs, e.org(fmt.Sprintf("Organisation %03d", i), group, sectors[i%len(sectors)]))
	}
	for i := range 300 {
		v := calls.Viewer{Role: "staff"}
		in := calls.ApplicationInput{Title: fmt.Sprintf("Projet %03d capteur", i), LeadID: orgs[i].ID,
			Answers: map[string]string{"budget": "100000"}}
		if i%3 == 0 {
			in.PartnerIDs = []int64{orgs[(i+7)%300].ID}
		}
		a, err := e.s.CreateDraft(ctx, v, c.ID, in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.s.Submit(ctx, v, a.ID); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 60 {
		in := calls.ExpertInput{Sectors: []string{sectors[i%len(sectors)], sectors[(i+2)%len(sectors)]}}
		if i%4 == 0 {
			in.Keywords = []string{"capteur"}
		}
		if i%5 == 0 {
			in.Interests = []calls.Interest{{OrganisationID: orgs[(i*7)%300].ID, Note: "conseil"}}
		}
		// Every expert works for one applicant organisation; some of those
		// are in a group.
		e.expert(fmt.Sprintf("Expert %02d", i), orgs[(i*5)%300].ID, in)
	}
	b.ResetTimer()
	var rep calls.AssignReport
	for b.Loop() {
		b.StopTimer()
		if _, err := d.Exec(ctx, "DELETE FROM assignments"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		var err error
		if rep, err = e.s.AutoAssign(ctx, staff, c.ID); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if len(rep.Added) != 900 || len(rep.Shortfalls) != 0 {
		b.Fatalf("added %d pairs, shortfalls %v", len(rep.Added), rep.Shortfalls)
	}
	for _, p := range rep.Added {
		cs, err := e.s.Conflicts(ctx, staff, p.Application)
		if err != nil {
			b.Fatal(err)
		}
		if len(cs[p.Expert]) > 0 {
			b.Fatalf("conflicted pair stored: %+v (%v)", p, cs[p.Expert])
		}
	}
	b.ReportMetric(float64(rep.Spread), "spread")
	b.ReportMetric(float64(rep.Excluded), "excluded")
}
