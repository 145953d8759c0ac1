package demo_test

import (
	"context"
	"errors"
	"testing"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/demo"
	"filiere/internal/directory"
	"filiere/internal/siren"
)

// directoryTables are the tables GenerateDirectory fills, with a query
// listing each one's rows in a stable order.
var directoryTables = []string{
	"SELECT * FROM organisations ORDER BY id",
	"SELECT * FROM organisation_sectors ORDER BY organisation_id, sector",
	"SELECT * FROM organisation_steps ORDER BY organisation_id, step",
	"SELECT * FROM organisation_bricks ORDER BY organisation_id, brick",
	"SELECT * FROM organisation_services ORDER BY id",
	"SELECT * FROM organisation_certifications ORDER BY id",
	"SELECT * FROM organisation_capacities ORDER BY organisation_id, attribute",
	"SELECT organisation_id, name_doc, public_doc, members_doc, staff_doc FROM organisation_search ORDER BY organisation_id",
}

// count returns the number of rows of table.
func count(t testing.TB, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestGenerateDirectoryFillsProfilesAndSearchDocuments(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const n = 300
		if err := demo.GenerateDirectory(ctx, d, n, 9); err != nil {
			t.Fatal(err)
		}
		if got := count(t, d, "organisations"); got != n {
			t.Fatalf("%d organisations, want %d", got, n)
		}
		if got := count(t, d, "organisation_search"); got != n {
			t.Errorf("%d search documents for %d organisations", got, n)
		}
		if got := count(t, d, "people") + count(t, d, "users"); got != 0 {
			t.Errorf("%d people and users, want none", got)
		}
		links := count(t, d, "organisation_bricks") + count(t, d, "organisation_services")
		if links < 4*n || links > 6*n {
			t.Errorf("%d bricks and services for %d organisations, want about 5 each", links, n)
		}
		for _, table := range []string{"organisation_steps", "organisation_certifications", "organisation_capacities"} {
			if count(t, d, table) < n/5 {
				t.Errorf("%s: %d rows", table, count(t, d, table))
			}
		}
		store := directory.NewStore(d)
		found, orgs := everyOrganisation(t, store)
		tax := directory.LoadTaxonomy()
		for _, o := range orgs {
			checkProfile(t, tax, o)
			if o.SIRET != "" && !siren.ValidSIRET(o.SIRET) {
				t.Errorf("%s: SIRET %s", o.Name, o.SIRET)
			}
		}
		for _, f := range directory.Facets {
			if len(found.Facets[f]) == 0 {
				t.Errorf("facet %s has no data", f)
			}
		}
		checkDocuments(t, d, orgs)
		res, err := store.Search(ctx, directory.SearchQuery{Text: "stérilisation"})
		if err != nil || res.Total == 0 {
			t.Errorf("search: %d results, %v", res.Total, err)
		}
		entries, _, err := audit.List(ctx, d, audit.Filter{})
		if err != nil || len(entries) != 1 || entries[0].Action != "generate_directory" {
			t.Errorf("audit: %+v, %v", entries, err)
		}

		if err := demo.GenerateDirectory(ctx, d, 10, 9); !errors.Is(err, demo.ErrNotEmpty) {
			t.Errorf("second GenerateDirectory: %v", err)
		}
	})
}

func TestGenerateDirectoryIsDeterministic(t *testing.T) {
	ctx := context.Background()
	var digests []string
	for _, seed := range []uint64{3, 3, 4} {
		d := dbtest.SQLite(t)
		if err := demo.GenerateDirectory(ctx, d, 120, seed); err != nil {
			t.Fatal(err)
		}
		digests = append(digests, digestOf(t, d, directoryTables))
	}
	if digests[0] != digests[1] {
		t.Error("same seed, different directories")
	}
	if digests[0] == digests[2] {
		t.Error("seeds 3 and 4 gave the same directory")
	}
}

func TestGenerateDirectoryRefusesANegativeCount(t *testing.T) {
	d := dbtest.SQLite(t)
	if err := demo.GenerateDirectory(context.Background(), d, -1, 1); err == nil {
		t.Error("GenerateDirectory(-1) succeeded")
	}
}

func TestGenerateDirectoryStopsWithItsContext(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := demo.GenerateDirectory(ctx, d, 100, 1); err == nil {
		t.Fatal("GenerateDirectory with a cancelled context succeeded")
	}
	if got := count(t, d, "organisations"); got != 0 {
		t.Errorf("%d organisations left behind", got)
	}
}

// BenchmarkGenerateDirectory measures GenerateDirectory on SQLite, 10,000
// organisations per operation.
func BenchmarkGenerateDirectory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d := dbtest.SQLite(b)
		b.StartTimer()
		if err := demo.GenerateDirectory(context.Background(), d, 10_000, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
}
