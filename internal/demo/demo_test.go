package demo_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/demo"
	"filiere/internal/directory"
	"filiere/internal/matchmaking"
)

// cheapUsers is an account service with Argon2 costs a test can afford.
func cheapUsers(d *db.DB) *auth.Service {
	return auth.NewService(d, auth.Options{Argon2: auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}})
}

func generate(t *testing.T, d *db.DB, seed uint64) demo.Result {
	t.Helper()
	res, err := demo.Generate(context.Background(), d, cheapUsers(d), seed)
	if err != nil {
		t.Fatalf("Generate(%d): %v", seed, err)
	}
	return res
}

// anotherDB returns a fresh database on the engine of d.
func anotherDB(t *testing.T, d *db.DB) *db.DB {
	if d.Dialect() == db.Postgres {
		return dbtest.Postgres(t)
	}
	return dbtest.SQLite(t)
}

// digest hashes every generated row, the accounts without their password
// hashes and times (salted and stamped by the clock).
func digest(t *testing.T, d *db.DB) string {
	t.Helper()
	return digestOf(t, d, append([]string{
		"SELECT * FROM organisations ORDER BY id",
		"SELECT * FROM organisation_sectors ORDER BY organisation_id, sector",
		"SELECT * FROM organisation_steps ORDER BY organisation_id, step",
		"SELECT * FROM organisation_bricks ORDER BY organisation_id, brick",
		"SELECT * FROM organisation_services ORDER BY id",
		"SELECT * FROM organisation_certifications ORDER BY id",
		"SELECT * FROM organisation_capacities ORDER BY organisation_id, attribute",
		"SELECT organisation_id, name_doc, public_doc, members_doc, staff_doc FROM organisation_search ORDER BY organisation_id",
		"SELECT * FROM people ORDER BY id",
		"SELECT id, email, name, lang, role, organisation_id FROM users ORDER BY id",
		"SELECT reference, title, lead_id, status, eligibility, decision, funding, funding_cents, label_number FROM applications ORDER BY reference",
		"SELECT application_id, expert_id, source FROM assignments ORDER BY application_id, expert_id",
		"SELECT application_id, expert_id, criterion_id, score FROM review_scores ORDER BY application_id, expert_id, criterion_id",
	}, eventDigestQueries...))
}

// digestOf hashes the rows of queries, each of which must return some.
func digestOf(t *testing.T, d *db.DB, queries []string) string {
	t.Helper()
	h := sha256.New()
	for _, q := range queries {
		rows, err := d.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		n := 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%v\n", vals)
			n++
		}
		rows.Close()
		if n == 0 {
			t.Fatalf("%s: no rows", q)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestSameSeedGivesIdenticalDataAndAnotherSeedDoesNot(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		first := generate(t, d, 42)
		again := anotherDB(t, d)
		second := generate(t, again, 42)
		if fmt.Sprint(first) != fmt.Sprint(second) {
			t.Errorf("results differ:\n%+v\n%+v", first, second)
		}
		if a, b := digest(t, d), digest(t, again); a != b {
			t.Errorf("same seed, different data: %s vs %s", a, b)
		}
		if _, err := demo.Generate(context.Background(), again, cheapUsers(again), 6); !errors.Is(err, demo.ErrNotEmpty) {
			t.Errorf("second Generate: %v", err)
		}
		// Which seed draws what does not depend on the engine: the other
		// seed is tried on SQLite only (a generation is slow under -race).
		if d.Dialect() == db.Postgres {
			return
		}
		other := anotherDB(t, d)
		generate(t, other, 43)
		if digest(t, d) == digest(t, other) {
			t.Error("seeds 42 and 43 gave the same data")
		}
	})
}

// TestTheGeneratedDemo generates the demo once per engine (a generation
// is the slow part, under the race detector most of all) and checks each
// of its parts on it.
func TestTheGeneratedDemo(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		res := generate(t, d, 2026)
		t.Run("realistic health cluster", func(t *testing.T) { checkRealisticHealthCluster(t, d, res) })
		t.Run("desk has needs in every state", func(t *testing.T) { checkDeskHasNeedsInEveryState(t, d, res) })
		t.Run("agenda has a year of events", func(t *testing.T) { checkAgendaHasAYearOfEvents(t, d, res) })
		t.Run("calls run a year", func(t *testing.T) { checkCallsRunAYear(t, d, res) })
	})
}

func checkRealisticHealthCluster(t *testing.T, d *db.DB, res demo.Result) {
	ctx := context.Background()
	if res.Organisations < 450 || res.Organisations > 550 || res.People < 800 || res.People > 1300 {
		t.Errorf("result = %+v", res)
	}
	if res.People < 2*res.Organisations*9/10 || res.People > 2*res.Organisations*12/10 {
		t.Errorf("%d people for %d organisations: want about 2 each", res.People, res.Organisations)
	}

	store := directory.NewStore(d)
	c, err := store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Organisations != res.Organisations || c.People != res.People {
		t.Errorf("counts %+v disagree with result %+v", c, res)
	}
	if share := float64(c.Members) / float64(c.Organisations); share < 0.78 || share > 0.92 {
		t.Errorf("members are %.0f%% of organisations, want about 85%%", 100*share)
	}
	if c.ByMembership[directory.Prospect] == 0 || c.ByMembership[directory.Former] == 0 {
		t.Errorf("by membership = %v: want some prospects and former members", c.ByMembership)
	}
	tax := directory.LoadTaxonomy()
	for _, k := range tax.Kinds {
		if c.ByKind[k.Code] == 0 {
			t.Errorf("no organisation of kind %s", k.Code)
		}
	}
	if small := c.ByKind["startup"] + c.ByKind["sme"]; small*2 < c.Organisations {
		t.Errorf("startups and SMEs are %d of %d: want most of them", small, c.Organisations)
	}
	for _, col := range tax.Colleges {
		if c.ByCollege[col.Code] == 0 {
			t.Errorf("no member in college %s", col.Code)
		}
	}
	for _, s := range tax.Sectors {
		if c.BySector[s.Code] < 10 {
			t.Errorf("sector %s has %d organisations", s.Code, c.BySector[s.Code])
		}
	}

	orgs, total, err := store.ListOrganisations(ctx, directory.OrgFilter{Limit: directory.MaxPageSize})
	if err != nil || total != res.Organisations || len(orgs) != total {
		t.Fatalf("list: %d of %d, %v", len(orgs), total, err)
	}
	cities := map[string]directory.City{}
	for _, city := range directory.Cities() {
		cities[city.Name] = city
	}
	seenCities := map[string]bool{}
	for _, o := range orgs {
		checkOrganisation(t, tax, cities, o)
		seenCities[o.City] = true
	}
	if len(seenCities) < 30 {
		t.Errorf("organisations in %d cities only", len(seenCities))
	}

	// A few corporate groups, so that calls for projects meet conflicts
	// of interest by group: companies under a large one, a university
	// hospital with its city's CIC or lab.
	ids, kinds := make([]int64, len(orgs)), map[int64]string{}
	for i, o := range orgs {
		ids[i], kinds[o.ID] = o.ID, o.Kind
	}
	groups, err := store.SameGroup(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	groupKinds := map[string][]string{}
	for id, g := range groups {
		groupKinds[g] = append(groupKinds[g], kinds[id])
	}
	industrial, hospital := 0, 0
	for g, ks := range groupKinds {
		if len(ks) < 2 {
			t.Errorf("group %q has one organisation", g)
		}
		if slices.Contains(ks, "large") {
			industrial++
		}
		if slices.Contains(ks, "hospital") && (slices.Contains(ks, "lab") || slices.Contains(ks, "cic")) {
			hospital++
		}
	}
	if industrial < 2 || hospital < 1 || len(groups) > res.Organisations/10 {
		t.Errorf("%d organisations in groups %v: want a few industrial and hospital groups", len(groups), groupKinds)
	}

	// Before any login, which is audited too.
	var entries []audit.Entry
	for {
		page, n, err := audit.List(ctx, d, audit.Filter{Limit: 1000, Offset: len(entries)})
		if err != nil {
			t.Fatal(err)
		}
		entries, total = append(entries, page...), n
		if len(page) == 0 || len(entries) >= total {
			break
		}
	}
	generated := 0
	for _, e := range entries {
		if e.Entity == "organisation" || e.Entity == "person" {
			t.Errorf("audit row per %s: %+v", e.Entity, e)
			break
		}
		if e.Entity == "demo" && e.Action == "generate" && e.EntityID == "2026" {
			generated++
		}
	}
	// Besides the generation and the accounts, only the matchmaking
	// desk's steps, the agenda's, the congress meetings' and the calls'
	// (each audited like any change).
	var needRows int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity IN ('need', 'matchmaking_settings', 'event',
		'event_session', 'event_exhibitor', 'event_sponsor', 'event_recording', 'event_registration', 'survey',
		'survey_invitation', 'survey_response', 'meeting_setup', 'meeting_attendee', 'meeting_request', 'meeting_programme',
		'meeting_appointment', 'call', 'call_settings', 'application', 'expert', 'assignment', 'review',
		'committee_session', 'expert_conflict')`).Scan(&needRows); err != nil {
		t.Fatal(err)
	}
	if generated != 1 || needRows < res.Needs || total != 1+res.Users+needRows {
		t.Errorf("audit: %d generate rows, %d rows in all for %d users and %d need rows", generated, total, res.Users, needRows)
	}
	checkNames(t, orgs)
	checkPeople(t, d, store, orgs)
	checkAccounts(t, d, res)
	checkProfiles(t, d, store, res)

}

func checkOrganisation(t *testing.T, tax *directory.Taxonomy, cities map[string]directory.City, o directory.Organisation) {
	t.Helper()
	if _, ok := tax.Kind(o.Kind); !ok {
		t.Errorf("%s: kind %q", o.Name, o.Kind)
	}
	if o.College != directory.CollegeForKind(o.Kind) {
		t.Errorf("%s: college %q for kind %s", o.Name, o.College, o.Kind)
	}
	if len(o.Sectors) == 0 {
		t.Errorf("%s: no sector", o.Name)
	}
	for _, s := range o.Sectors {
		if _, ok := tax.Sector(s); !ok {
			t.Errorf("%s: sector %q", o.Name, s)
		}
	}
	switch o.Membership {
	case directory.Member, directory.Former:
		if o.MemberSince < 2012 || o.MemberSince > 2026 {
			t.Errorf("%s: %s since %d", o.Name, o.Membership, o.MemberSince)
		}
	case directory.Prospect:
		if o.MemberSince != 0 {
			t.Errorf("%s: prospect since %d", o.Name, o.MemberSince)
		}
	default:
		t.Errorf("%s: membership %q", o.Name, o.Membership)
	}
	city, ok := cities[o.City]
	if !ok || o.Postcode != city.Postcode || o.Departement != city.Departement || o.Region != city.Region {
		t.Errorf("%s: place %s %s (%s, %s)", o.Name, o.Postcode, o.City, o.Departement, o.Region)
	}
	if !o.HasCoords || math.Abs(o.Latitude-city.Lat) > 0.05 || math.Abs(o.Longitude-city.Lon) > 0.05 {
		t.Errorf("%s: coordinates %v, %v far from %s", o.Name, o.Latitude, o.Longitude, o.City)
	}
	if o.Address == "" || o.Address[0] < '1' || o.Address[0] > '9' {
		t.Errorf("%s: address %q", o.Name, o.Address)
	}
	if !strings.HasPrefix(o.Website, "https://www.") || !strings.HasSuffix(o.Website, ".example") {
		t.Errorf("%s: website %q", o.Name, o.Website)
	}
	if len(o.DescriptionFR) < 60 || len(o.DescriptionEN) < 60 || o.DescriptionFR == o.DescriptionEN {
		t.Errorf("%s: descriptions %q / %q", o.Name, o.DescriptionFR, o.DescriptionEN)
	}
	if strings.Contains(strings.ToLower(o.DescriptionFR+o.DescriptionEN), "lorem") {
		t.Errorf("%s: placeholder text", o.Name)
	}
}

func checkPeople(t *testing.T, d *db.DB, store *directory.Store, orgs []directory.Organisation) {
	t.Helper()
	ctx := context.Background()
	for i, o := range orgs {
		if i%10 != 0 { // a sample keeps the test quick on PostgreSQL
			continue
		}
		people, err := store.People(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(people) < 1 || len(people) > 5 {
			t.Errorf("%s: %d people", o.Name, len(people))
		}
		domain := "@" + strings.TrimPrefix(o.Website, "https://www.")
		for _, p := range people {
			if !strings.HasSuffix(p.Email, domain) || !strings.HasPrefix(p.Phone, "+33 ") || p.JobTitle == "" || p.FirstName == "" {
				t.Errorf("%s: person %+v", o.Name, p)
			}
		}
	}
	var orphans, emails, distinct int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM people WHERE organisation_id IS NULL").Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("%d people without organisation, %v", orphans, err)
	}
	if err := d.QueryRow(ctx, "SELECT COUNT(email), COUNT(DISTINCT email) FROM people").Scan(&emails, &distinct); err != nil || emails != distinct {
		t.Errorf("%d e-mail addresses, %d distinct, %v", emails, distinct, err)
	}
	var noContact int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM organisations o WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.organisation_id = o.id)").Scan(&noContact); err != nil || noContact != 0 {
		t.Errorf("%d organisations without contact, %v", noContact, err)
	}
}

func checkAccounts(t *testing.T, d *db.DB, res demo.Result) {
	t.Helper()
	ctx := context.Background()
	if res.Users < 25 || len(res.Logins) != len(auth.Roles) {
		t.Fatalf("%d users, logins %+v", res.Users, res.Logins)
	}
	users := cheapUsers(d)
	again := demo.RoleLogins()
	for i, l := range res.Logins {
		if again[i].Email != l.Email || again[i].Password != l.Password || again[i].Role != l.Role {
			t.Errorf("RoleLogins()[%d] = %+v, Generate gave %+v", i, again[i], l)
		}
		if l.Role != string(auth.Roles[i]) || l.Email != l.Role+"@demo.filiere.example" || len(l.Password) < auth.MinPasswordLen || l.Name == "" {
			t.Errorf("login %+v", l)
		}
		u, _, err := users.Login(ctx, l.Email, l.Password, "192.0.2.10", "demo test")
		if err != nil || string(u.Role) != l.Role {
			t.Errorf("log in as %s: %+v, %v", l.Email, u, err)
		}
	}
	want := map[string]struct {
		kind string
		name string
	}{
		"member": {kind: "sme"}, "buyer": {kind: "large"}, "expert": {kind: "hospital"}, "funder": {kind: "authority", name: "Conseil régional"},
	}
	for _, l := range res.Logins {
		var kind, name, membership string
		err := d.QueryRow(ctx, `SELECT o.kind, o.name, o.membership FROM users u JOIN organisations o ON o.id = u.organisation_id
			WHERE u.email = ?`, l.Email).Scan(&kind, &name, &membership)
		w, tied := want[l.Role]
		switch {
		case !tied:
			if err == nil {
				t.Errorf("%s is tied to %s", l.Email, name)
			}
		case err != nil:
			t.Errorf("%s: %v", l.Email, err)
		case kind != w.kind || !strings.HasPrefix(name, w.name) || name != l.Organisation:
			t.Errorf("%s works at %s (%s), login says %q", l.Email, name, kind, l.Organisation)
		case l.Role == "member" && membership != directory.Member:
			t.Errorf("member login at a %s organisation", membership)
		}
	}
	var members, loose, staff int
	err := d.QueryRow(ctx, `SELECT COUNT(*), COUNT(*) - COUNT(organisation_id) FROM users WHERE role = 'member'`).Scan(&members, &loose)
	if err != nil || members < 10 || loose != 0 {
		t.Errorf("%d member accounts, %d without organisation, %v", members, loose, err)
	}
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = 'staff'`).Scan(&staff); err != nil || staff < 3 {
		t.Errorf("%d staff accounts, %v", staff, err)
	}
}

func TestGenerateRefusesADatabaseWithOrganisations(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		store := directory.NewStore(d)
		if _, err := store.CreateOrganisation(ctx, directory.Organisation{Name: "Cardiolys", Kind: "startup"}); err != nil {
			t.Fatal(err)
		}
		_, err := demo.Generate(ctx, d, cheapUsers(d), 1)
		if !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("Generate on a non-empty database: %v", err)
		}
		c, err := store.Counts(ctx)
		if err != nil || c.Organisations != 1 || c.People != 0 {
			t.Errorf("counts after refusal = %+v, %v", c, err)
		}
		var users int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&users); err != nil || users != 0 {
			t.Errorf("%d users after refusal, %v", users, err)
		}
	})
}

func TestGenerateRefusesBeforeInsertingWhenADemoAccountExists(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	_, err := cheapUsers(d).CreateUser(ctx, auth.NewUser{Email: "admin@demo.filiere.example", Name: "Déjà là", Role: auth.RoleAdmin, Password: "an-earlier-admin-password"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Generate(ctx, d, cheapUsers(d), 1); err == nil || !strings.Contains(err.Error(), "admin@demo.filiere.example") {
		t.Fatalf("Generate with a clashing account: %v", err)
	}
	c, err := directory.NewStore(d).Counts(ctx)
	if err != nil || c.Organisations != 0 || c.People != 0 {
		t.Errorf("counts after refusal = %+v, %v", c, err)
	}
}

// checkNames checks that names are unique, composed rather than borrowed
// from real companies, and that hospitals and platforms are named as such.
func checkNames(t *testing.T, orgs []directory.Organisation) {
	t.Helper()
	seen := map[string]bool{}
	hospitals := 0
	for _, o := range orgs {
		key := directory.Fold(o.Name)
		if seen[key] {
			t.Errorf("name %q used twice", o.Name)
		}
		seen[key] = true
		if strings.HasPrefix(o.Name, "CHU ") {
			hospitals++
			if !strings.HasSuffix(o.Name, o.City) {
				t.Errorf("%s is in %s", o.Name, o.City)
			}
		}
		for _, real := range []string{"Sanofi", "Servier", "Medtronic", "bioMérieux", "Ipsen", "Biogen"} {
			if strings.Contains(o.Name, real) {
				t.Errorf("real company name in %q", o.Name)
			}
		}
	}
	if hospitals == 0 {
		t.Error("no CHU in the demo")
	}
	if !slices.ContainsFunc(orgs, func(o directory.Organisation) bool { return strings.HasPrefix(o.Name, "Plateforme ") }) {
		t.Error("no technology platform named as such")
	}
}

// BenchmarkGenerate measures a whole demo generation on SQLite with the
// production Argon2 costs.
func BenchmarkGenerate(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d := dbtest.SQLite(b)
		users := auth.NewService(d, auth.Options{})
		b.StartTimer()
		if _, err := demo.Generate(context.Background(), d, users, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
}

func checkDeskHasNeedsInEveryState(t *testing.T, d *db.DB, res demo.Result) {
	if res.Needs < 30 {
		t.Fatalf("%d needs", res.Needs)
	}
	ctx := context.Background()
	count := func(q string) int {
		t.Helper()
		var n int
		if err := d.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, st := range matchmaking.Statuses {
		if n := count("SELECT COUNT(*) FROM needs WHERE status = '" + st + "'"); n == 0 {
			t.Errorf("no need %s", st)
		}
	}
	for _, st := range []string{"notified", "accepted", "declined", "expired", "removed"} {
		if n := count("SELECT COUNT(*) FROM need_candidates WHERE state = '" + st + "'"); n == 0 {
			t.Errorf("no candidate %s", st)
		}
	}
	if n := count("SELECT COUNT(*) FROM need_candidates WHERE introduced_at IS NOT NULL"); n < 5 {
		t.Errorf("%d introductions", n)
	}
	if n := count("SELECT COUNT(*) FROM need_outcomes WHERE outcome = 'order_won' AND amount > 0"); n == 0 {
		t.Error("no order won")
	}
	if n := count("SELECT COUNT(*) FROM outbox"); n != 0 {
		t.Errorf("the demo left %d mails to send", n)
	}
	// The buyer login has needs of its own; the member login's
	// organisation was asked about some.
	if n := count("SELECT COUNT(*) FROM needs n JOIN users u ON u.id = n.buyer_user_id WHERE u.email = 'buyer@demo.filiere.example'"); n == 0 {
		t.Error("the buyer login posted nothing")
	}
	if n := count(`SELECT COUNT(*) FROM need_candidates c JOIN users u ON u.organisation_id = c.organisation_id
		WHERE u.email = 'member@demo.filiere.example' AND c.state <> 'proposed' AND c.state <> 'removed'`); n == 0 {
		t.Error("the member login's organisation was never asked")
	}
	st, err := matchmaking.New(d, directory.NewStore(d), cheapUsers(d), "http://x").Stats(ctx, time.Now().AddDate(-1, 0, -7), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.ByMonth) < 10 || st.Total.Introductions == 0 || st.Total.OrderValue == 0 || st.Total.AcceptanceRate() == 0 {
		t.Errorf("statistics: %d months, %+v", len(st.ByMonth), st.Total)
	}
}
