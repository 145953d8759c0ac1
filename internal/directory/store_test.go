package directory_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

// staffCtx is a context acting as a staff user, for the audit log.
func staffCtx() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{UserID: 0, Label: "camille@cluster.example"})
}

// cardiolys is a valid organisation to start from.
func cardiolys() directory.Organisation {
	return directory.Organisation{
		Name: "Cardiolys", Kind: "startup", Membership: directory.Member, MemberSince: 2021,
		Website: "https://www.cardiolys.example", Address: "12 rue Claude Bernard", Postcode: "25000",
		City: "Besançon", Departement: "25", Region: "Bourgogne-Franche-Comté",
		Latitude: 47.2378, Longitude: 6.0241, HasCoords: true,
		DescriptionFR: "Conçoit des dispositifs médicaux implantables en cardiologie.",
		Sectors:       []string{"digital", "medtech", "medtech"},
	}
}

// mustCreate creates o or fails the test.
func mustCreate(t *testing.T, s *directory.Store, o directory.Organisation) directory.Organisation {
	t.Helper()
	got, err := s.CreateOrganisation(staffCtx(), o)
	if err != nil {
		t.Fatalf("CreateOrganisation(%s): %v", o.Name, err)
	}
	return got
}

func TestCreateOrganisationStoresItWithSectorsAndAudits(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := staffCtx()
		created := mustCreate(t, s, cardiolys())
		if created.ID == 0 || created.CreatedAt.IsZero() || !created.UpdatedAt.Equal(created.CreatedAt) {
			t.Fatalf("created = %+v", created)
		}
		if created.College != directory.CollegeSME || created.Country != "FR" {
			t.Errorf("defaults: college %q, country %q", created.College, created.Country)
		}
		if !slices.Equal(created.Sectors, []string{"medtech", "digital"}) {
			t.Errorf("sectors = %v, want taxonomy order without duplicates", created.Sectors)
		}
		got, err := s.Organisation(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", created) {
			t.Errorf("read back\n%+v\nwant\n%+v", got, created)
		}

		entries, total, err := audit.List(ctx, d, audit.Filter{Entity: "organisation", EntityID: fmt.Sprint(created.ID)})
		if err != nil || total != 1 {
			t.Fatalf("audit: %d entries, %v", total, err)
		}
		e := entries[0]
		if e.Action != "create" || e.Actor != "camille@cluster.example" || e.Before != "" || !strings.Contains(e.After, `"Cardiolys"`) {
			t.Errorf("audit entry = %+v", e)
		}
	})
}

func TestOrganisationWithoutCoordinatesOrYearReadsBackEmpty(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		o := mustCreate(t, s, directory.Organisation{Name: "Agence Régionale d'Innovation", Kind: "authority", Website: "agence.example"})
		got, err := s.Organisation(context.Background(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.HasCoords || got.Latitude != 0 || got.MemberSince != 0 || got.Membership != directory.NonMember || got.College != "" {
			t.Errorf("got %+v", got)
		}
		if got.Website != "https://agence.example" || len(got.Sectors) != 0 {
			t.Errorf("website %q, sectors %v", got.Website, got.Sectors)
		}
	})
}

func TestCreateOrganisationRejectsInvalidInput(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		cases := []struct {
			name  string
			edit  func(o *directory.Organisation)
			field string
			key   string
		}{
			{"no name", func(o *directory.Organisation) { o.Name = "  " }, "name", "validate.required"},
			{"long name", func(o *directory.Organisation) { o.Name = strings.Repeat("é", 201) }, "name", "validate.too_long"},
			{"no kind", func(o *directory.Organisation) { o.Kind = "" }, "kind", "validate.required"},
			{"unknown kind", func(o *directory.Organisation) { o.Kind = "bakery" }, "kind", "validate.choice"},
			{"unknown college", func(o *directory.Organisation) { o.College = "guild" }, "college", "validate.choice"},
			{"unknown membership", func(o *directory.Organisation) { o.Membership = "honorary" }, "membership", "validate.choice"},
			{"unknown sector", func(o *directory.Organisation) { o.Sectors = []string{"medtech", "aerospace"} }, "sectors", "validate.choice"},
			{"website with spaces", func(o *directory.Organisation) { o.Website = "https://www.my site.example" }, "website", "directory.website"},
			{"website without a dot", func(o *directory.Organisation) { o.Website = "https://localhost" }, "website", "directory.website"},
			{"website on ftp", func(o *directory.Organisation) { o.Website = "ftp://files.example" }, "website", "directory.website"},
			{"year", func(o *directory.Organisation) { o.MemberSince = 12 }, "member_since", "directory.year"},
			{"country", func(o *directory.Organisation) { o.Country = "France" }, "country", "directory.country"},
			{"coordinates", func(o *directory.Organisation) { o.Latitude = 123 }, "coordinates", "directory.coordinates"},
		}
		for _, c := range cases {
			o := cardiolys()
			c.edit(&o)
			_, err := s.CreateOrganisation(staffCtx(), o)
			errs, ok := validate.As(err)
			if !ok {
				t.Errorf("%s: err = %v, want validate.Errors", c.name, err)
				continue
			}
			if fe, ok := errs.For(c.field); !ok || fe.Key != c.key {
				t.Errorf("%s: errors = %v, want %s on %s", c.name, errs, c.key, c.field)
			}
		}
		counts, err := s.Counts(context.Background())
		if err != nil || counts.Organisations != 0 {
			t.Errorf("invalid organisations were stored: %+v, %v", counts, err)
		}
		_, total, _ := audit.List(context.Background(), d, audit.Filter{})
		if total != 0 {
			t.Errorf("%d audit rows for refused input", total)
		}
	})
}

func TestUpdateOrganisationReplacesFieldsAndAuditsBeforeAndAfter(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := staffCtx()
		o := mustCreate(t, s, cardiolys())
		o.Name = "Cardiolys Medical"
		o.Kind = "sme"
		o.Sectors = []string{"diagnostics"}
		o.HasCoords = false
		o.CreatedAt = o.CreatedAt.AddDate(-1, 0, 0) // ignored: creation time is kept
		updated, err := s.UpdateOrganisation(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Organisation(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Cardiolys Medical" || got.Kind != "sme" || !slices.Equal(got.Sectors, []string{"diagnostics"}) || got.HasCoords {
			t.Errorf("after update: %+v", got)
		}
		if !got.CreatedAt.Equal(updated.CreatedAt) || got.UpdatedAt.Before(got.CreatedAt) {
			t.Errorf("times: created %v (returned %v), updated %v", got.CreatedAt, updated.CreatedAt, got.UpdatedAt)
		}
		entries, _, err := audit.List(ctx, d, audit.Filter{Entity: "organisation", Action: "update"})
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit: %v, %v", entries, err)
		}
		if !strings.Contains(entries[0].Before, `"Name":"Cardiolys"`) || !strings.Contains(entries[0].After, `"Name":"Cardiolys Medical"`) {
			t.Errorf("before/after = %s / %s", entries[0].Before, entries[0].After)
		}

		o.ID = 999999
		if _, err := s.UpdateOrganisation(ctx, o); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("update of a missing organisation: %v", err)
		}
		if _, err := s.Organisation(ctx, 999999); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("read of a missing organisation: %v", err)
		}
		o.ID, o.Name = updated.ID, ""
		if _, err := s.UpdateOrganisation(ctx, o); err == nil {
			t.Error("update with an empty name accepted")
		}
	})
}

// seedDirectory creates a small, varied directory and returns it by name.
func seedDirectory(t *testing.T, s *directory.Store) map[string]directory.Organisation {
	t.Helper()
	orgs := []directory.Organisation{
		{Name: "Épicure Nutrition", Kind: "sme", Membership: directory.Member, Region: "Grand Est", Sectors: []string{"nutrition"}},
		{Name: "Cardiolys", ShortName: "CDL", Kind: "startup", Membership: directory.Member, Region: "Bourgogne-Franche-Comté", Sectors: []string{"medtech", "digital"}},
		{Name: "CHU de Besançon", Kind: "hospital", Membership: directory.Member, Region: "Bourgogne-Franche-Comté", Sectors: []string{"medtech", "diagnostics", "pharma"}},
		{Name: "Neurovance Diagnostics", Kind: "startup", Membership: directory.Prospect, Region: "Auvergne-Rhône-Alpes", Sectors: []string{"diagnostics"}},
		{Name: "eCardio Santé", Kind: "sme", Membership: directory.Former, Region: "Occitanie", Sectors: []string{"digital"}},
		{Name: "Plateforme Imagerie Préclinique de Lyon", ShortName: "PIPL", Kind: "platform", Membership: directory.Member, Region: "Auvergne-Rhône-Alpes", Sectors: []string{"diagnostics", "biotech"}},
		{Name: "Conseil régional de Bourgogne-Franche-Comté", Kind: "authority", Membership: directory.Member, Region: "Bourgogne-Franche-Comté"},
	}
	out := map[string]directory.Organisation{}
	for _, o := range orgs {
		out[o.Name] = mustCreate(t, s, o)
	}
	return out
}

func names(orgs []directory.Organisation) string {
	var n []string
	for _, o := range orgs {
		n = append(n, o.Name)
	}
	return strings.Join(n, " | ")
}

func TestListOrganisationsFiltersSortsAndPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := context.Background()
		seedDirectory(t, s)

		all, total, err := s.ListOrganisations(ctx, directory.OrgFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := "Cardiolys | CHU de Besançon | Conseil régional de Bourgogne-Franche-Comté | eCardio Santé | Épicure Nutrition | Neurovance Diagnostics | Plateforme Imagerie Préclinique de Lyon"
		if total != 7 || names(all) != want {
			t.Errorf("all (%d):\n%s\nwant\n%s", total, names(all), want)
		}
		if !slices.Equal(all[0].Sectors, []string{"medtech", "digital"}) || len(all[2].Sectors) != 0 {
			t.Errorf("sectors not loaded: %v / %v", all[0].Sectors, all[2].Sectors)
		}

		cases := []struct {
			filter directory.OrgFilter
			want   string
			total  int
		}{
			{directory.OrgFilter{Query: "CARDIO"}, "Cardiolys | eCardio Santé", 2},
			{directory.OrgFilter{Query: "epicure"}, "Épicure Nutrition", 1},
			{directory.OrgFilter{Query: "préclinique lyon"}, "", 0},
			{directory.OrgFilter{Query: "imagerie preclinique"}, "Plateforme Imagerie Préclinique de Lyon", 1},
			{directory.OrgFilter{Query: "pipl"}, "Plateforme Imagerie Préclinique de Lyon", 1},
			{directory.OrgFilter{Query: "bourgogne franche"}, "Conseil régional de Bourgogne-Franche-Comté", 1},
			{directory.OrgFilter{Kind: "startup"}, "Cardiolys | Neurovance Diagnostics", 2},
			{directory.OrgFilter{Sector: "diagnostics"}, "CHU de Besançon | Neurovance Diagnostics | Plateforme Imagerie Préclinique de Lyon", 3},
			{directory.OrgFilter{College: directory.CollegeResearch}, "CHU de Besançon | Plateforme Imagerie Préclinique de Lyon", 2},
			{directory.OrgFilter{Membership: directory.Former}, "eCardio Santé", 1},
			{directory.OrgFilter{Region: "Bourgogne-Franche-Comté", Sector: "medtech"}, "Cardiolys | CHU de Besançon", 2},
			{directory.OrgFilter{Region: "Bourgogne-Franche-Comté", Query: "chu"}, "CHU de Besançon", 1},
			{directory.OrgFilter{Limit: 2, Offset: 2}, "Conseil régional de Bourgogne-Franche-Comté | eCardio Santé", 7},
			{directory.OrgFilter{Limit: 5, Offset: 5}, "Neurovance Diagnostics | Plateforme Imagerie Préclinique de Lyon", 7},
			{directory.OrgFilter{Offset: 50}, "", 7},
			{directory.OrgFilter{Kind: "investor"}, "", 0},
		}
		for _, c := range cases {
			got, total, err := s.ListOrganisations(ctx, c.filter)
			if err != nil {
				t.Fatalf("%+v: %v", c.filter, err)
			}
			if names(got) != c.want || total != c.total {
				t.Errorf("%+v: got %q (total %d), want %q (total %d)", c.filter, names(got), total, c.want, c.total)
			}
		}
	})
}

func TestPeopleAreValidatedStoredAuditedAndSorted(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := staffCtx()
		org := mustCreate(t, s, cardiolys())
		for _, p := range []directory.Person{
			{OrganisationID: org.ID, FirstName: "Zoé", LastName: "Martin", Email: "Zoe.Martin@Cardiolys.example", Phone: "+33 3 81 00 00 01", JobTitle: "CEO"},
			{OrganisationID: org.ID, FirstName: "Hélène", LastName: "Élie", JobTitle: "Directrice R&D"},
			{OrganisationID: org.ID, FirstName: "Anne", LastName: "Martin"},
		} {
			if _, err := s.CreatePerson(ctx, p); err != nil {
				t.Fatalf("CreatePerson(%s): %v", p.Name(), err)
			}
		}
		if _, err := s.CreatePerson(ctx, directory.Person{FirstName: "Paul", LastName: "Sans-Structure"}); err != nil {
			t.Fatalf("person without organisation: %v", err)
		}
		people, err := s.People(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range people {
			got = append(got, p.Name())
		}
		if strings.Join(got, ", ") != "Hélène Élie, Anne Martin, Zoé Martin" {
			t.Errorf("people = %v", got)
		}
		if people[2].Email != "zoe.martin@cardiolys.example" || people[2].OrganisationID != org.ID || people[2].CreatedAt.IsZero() {
			t.Errorf("Zoé = %+v", people[2])
		}
		_, total, err := audit.List(ctx, d, audit.Filter{Entity: "person", Action: "create"})
		if err != nil || total != 4 {
			t.Errorf("audit rows for people: %d, %v", total, err)
		}

		for _, c := range []struct {
			p          directory.Person
			field, key string
		}{
			{directory.Person{LastName: "Martin"}, "first_name", "validate.required"},
			{directory.Person{FirstName: "Anne"}, "last_name", "validate.required"},
			{directory.Person{FirstName: "Anne", LastName: "Martin", Email: "anne@"}, "email", "validate.email"},
			{directory.Person{FirstName: "Anne", LastName: "Martin", Phone: "call me"}, "phone", "directory.phone"},
			{directory.Person{FirstName: "Anne", LastName: "Martin", OrganisationID: 424242}, "organisation_id", "directory.organisation_unknown"},
		} {
			_, err := s.CreatePerson(ctx, c.p)
			errs, ok := validate.As(err)
			if fe, found := errs.For(c.field); !ok || !found || fe.Key != c.key {
				t.Errorf("%+v: err = %v, want %s on %s", c.p, err, c.key, c.field)
			}
		}
	})
}

func TestCountsSumUpTheDirectory(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := staffCtx()
		orgs := seedDirectory(t, s)
		for _, name := range []string{"Cardiolys", "CHU de Besançon", "CHU de Besançon"} {
			if _, err := s.CreatePerson(ctx, directory.Person{OrganisationID: orgs[name].ID, FirstName: "Anne", LastName: "Martin"}); err != nil {
				t.Fatal(err)
			}
		}
		c, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Organisations != 7 || c.Members != 5 || c.People != 3 {
			t.Errorf("totals = %+v", c)
		}
		wantMembership := map[string]int{"member": 5, "prospect": 1, "former": 1}
		wantCollege := map[string]int{"sme": 2, "research": 2, "authorities": 1}
		wantKind := map[string]int{"sme": 2, "startup": 2, "hospital": 1, "platform": 1, "authority": 1}
		wantSector := map[string]int{"nutrition": 1, "medtech": 2, "digital": 2, "diagnostics": 3, "pharma": 1, "biotech": 1}
		for _, m := range []struct {
			name      string
			got, want map[string]int
		}{
			{"membership", c.ByMembership, wantMembership}, {"college", c.ByCollege, wantCollege},
			{"kind", c.ByKind, wantKind}, {"sector", c.BySector, wantSector},
		} {
			if fmt.Sprint(m.got) != fmt.Sprint(m.want) {
				t.Errorf("by %s = %v, want %v", m.name, m.got, m.want)
			}
		}
	})
}

func TestOwnProfileEditKeepsTheFieldsOnlyTheTeamSets(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := staffCtx()
		o := mustCreate(t, s, cardiolys())
		edit := o
		edit.Name, edit.DescriptionEN = "Cardiolys Medical", "Implantable cardiac devices."
		edit.Kind, edit.College, edit.Membership, edit.MemberSince = "large", "", "former", 1999
		_, held, err := s.UpdateOwnProfile(ctx, edit)
		if err != nil || !held {
			t.Fatalf("held %v, err %v", held, err)
		}
		changes, err := s.PendingChanges(ctx, o.ID)
		if err != nil || len(changes) != 1 {
			t.Fatalf("pending: %v %v", changes, err)
		}
		if _, err := s.DecideChange(ctx, changes[0].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		back, err := s.Organisation(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.Name != "Cardiolys Medical" || back.DescriptionEN != "Implantable cardiac devices." {
			t.Errorf("accepted profile fields not saved: %+v", back)
		}
		if back.Kind != o.Kind || back.College != o.College || back.Membership != o.Membership || back.MemberSince != o.MemberSince {
			t.Errorf("a member's edit changed team fields: kind %q college %q membership %q since %d; want %q %q %q %d",
				back.Kind, back.College, back.Membership, back.MemberSince, o.Kind, o.College, o.Membership, o.MemberSince)
		}
	})
}
