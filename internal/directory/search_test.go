package directory_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/demo"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

// searchFixture creates four organisations whose descriptions and facets
// the search tests rely on, and returns them by short key.
func searchFixture(t *testing.T, s *directory.Store) map[string]directory.Organisation {
	t.Helper()
	orgs := map[string]directory.Organisation{}
	for key, o := range map[string]directory.Organisation{
		"cardiolys": {
			Name: "Cardiolys", Kind: "startup", Membership: directory.Member,
			City: "Besançon", Region: "Bourgogne-Franche-Comté", Sectors: []string{"digital"},
			DescriptionFR: "Conçoit un dispositif médical implantable en cardiologie.",
		},
		"sterilis": {
			Name: "Stérilis'Est", Kind: "sme", Membership: directory.Member,
			City: "Nancy", Region: "Grand Est", Sectors: []string{"pharma"},
			DescriptionFR: "Stérilisation par oxyde d'éthylène pour l'industrie.",
		},
		"bionutri": {
			Name: "BioNutri Lab", Kind: "lab", Membership: directory.NonMember,
			City: "Lyon", Region: "Auvergne-Rhône-Alpes", Sectors: []string{"nutrition", "biotech"},
			DescriptionEN: "Gut microbiota and probiotics research.",
		},
		"kardia": {
			Name: "Kardia Conseil", Kind: "consultancy", Membership: directory.Member,
			City: "Dijon", Region: "Bourgogne-Franche-Comté", Sectors: []string{"digital", "pharma"},
			DescriptionFR: "Conseil réglementaire pour les logiciels de santé.",
		},
	} {
		orgs[key] = mustCreate(t, s, o)
	}
	return orgs
}

// search runs q or fails the test.
func search(t *testing.T, s *directory.Store, q directory.SearchQuery) directory.SearchResult {
	t.Helper()
	res, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	if len(res.Hits) > res.Total {
		t.Fatalf("Search(%+v): %d hits for a total of %d", q, len(res.Hits), res.Total)
	}
	return res
}

// hitNames lists the hits' names in order.
func hitNames(res directory.SearchResult) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.Name
	}
	return out
}

func TestSearchFoldsAccentsCaseAndPluralsAndMatchesPrefixes(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		searchFixture(t, s)
		for _, c := range []struct {
			text string
			want []string
		}{
			{"dispositifs medicaux", []string{"Cardiolys"}},
			{"DISPOSITIFS MÉDICAUX ", []string{"Cardiolys"}},
			{"Dispositif médical implantable", []string{"Cardiolys"}},
			{"sterilisation", []string{"Stérilis'Est"}},
			{"STÉRILISATION ", []string{"Stérilis'Est"}},
			{"oxyde ethylene", []string{"Stérilis'Est"}},
			{"cardi", []string{"Cardiolys"}},
			{"Cardi", []string{"Cardiolys"}},
			{"probiotic", []string{"BioNutri Lab"}},
			{"microbiote", []string{"BioNutri Lab"}}, // the English description says "microbiota"
			{"Besançon", []string{"Cardiolys"}},
			{"besancon", []string{"Cardiolys"}},
			{"reglementaire logiciels", []string{"Kardia Conseil"}},
			{"cardiologie nancy", []string{}}, // every word must match
		} {
			res := search(t, s, directory.SearchQuery{Text: c.text})
			if got := hitNames(res); !slices.Equal(got, c.want) || res.Total != len(c.want) {
				t.Errorf("%q: %v (total %d), want %v", c.text, got, res.Total, c.want)
			}
		}
	})
}

func TestSearchIndexesSectorAndKindLabelsInBothLanguages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		searchFixture(t, s)
		for _, c := range []struct {
			text string
			want []string
		}{
			{"pharmacie", []string{"Kardia Conseil", "Stérilis'Est"}},
			{"pharmaceuticals", []string{"Kardia Conseil", "Stérilis'Est"}},
			{"start-up", []string{"Cardiolys"}},
			{"consultancy", []string{"Kardia Conseil"}},
		} {
			res := search(t, s, directory.SearchQuery{Text: c.text, Sort: directory.SortName})
			if got := hitNames(res); !slices.Equal(got, c.want) {
				t.Errorf("%q: %v, want %v", c.text, got, c.want)
			}
		}
	})
}

func TestSearchWithoutTextListsTheFilteredOrganisationsByName(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		searchFixture(t, s)
		all := search(t, s, directory.SearchQuery{})
		if want := []string{"BioNutri Lab", "Cardiolys", "Kardia Conseil", "Stérilis'Est"}; !slices.Equal(hitNames(all), want) || all.Total != 4 {
			t.Errorf("no text: %v (total %d), want %v", hitNames(all), all.Total, want)
		}
		for _, c := range []struct {
			q    directory.SearchQuery
			want []string
		}{
			{directory.SearchQuery{Region: "Bourgogne-Franche-Comté"}, []string{"Cardiolys", "Kardia Conseil"}},
			{directory.SearchQuery{Region: "Bourgogne-Franche-Comté", Kind: "consultancy"}, []string{"Kardia Conseil"}},
			{directory.SearchQuery{Sector: "pharma"}, []string{"Kardia Conseil", "Stérilis'Est"}},
			{directory.SearchQuery{Sector: "pharma", Text: "sterilisation"}, []string{"Stérilis'Est"}},
			{directory.SearchQuery{Sector: "digital", Text: "sterilisation"}, []string{}},
			{directory.SearchQuery{College: directory.CollegeSME}, []string{"Cardiolys", "Kardia Conseil", "Stérilis'Est"}},
			{directory.SearchQuery{Membership: directory.NonMember}, []string{"BioNutri Lab"}},
			{directory.SearchQuery{Kind: "investor"}, []string{}},
		} {
			res := search(t, s, c.q)
			if got := hitNames(res); !slices.Equal(got, c.want) || res.Total != len(c.want) {
				t.Errorf("%+v: %v (total %d), want %v", c.q, got, res.Total, c.want)
			}
		}
	})
}

func TestSearchFacetsCountTheMatchesIgnoringTheirOwnFilter(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		searchFixture(t, s)
		res := search(t, s, directory.SearchQuery{Region: "Bourgogne-Franche-Comté", Kind: "startup"})
		want := map[string]string{
			// Region facet: kind = startup only (region filter ignored).
			directory.FacetRegion: "[{Bourgogne-Franche-Comté 1}]",
			// Kind facet: the region's organisations (kind filter ignored).
			directory.FacetKind:    "[{consultancy 1} {startup 1}]",
			directory.FacetSector:  "[{digital 1}]",
			directory.FacetCollege: "[{sme 1}]",
		}
		for facet, w := range want {
			if got := fmt.Sprint(res.Facets[facet]); got != w {
				t.Errorf("facet %s = %s, want %s", facet, got, w)
			}
		}

		res = search(t, s, directory.SearchQuery{Sector: "pharma"})
		want = map[string]string{
			directory.FacetSector:  "[{digital 2} {pharma 2} {biotech 1} {nutrition 1}]",
			directory.FacetKind:    "[{consultancy 1} {sme 1}]",
			directory.FacetRegion:  "[{Bourgogne-Franche-Comté 1} {Grand Est 1}]",
			directory.FacetCollege: "[{sme 2}]", // BioNutri Lab has no college
		}
		for facet, w := range want {
			if got := fmt.Sprint(res.Facets[facet]); got != w {
				t.Errorf("sector pharma: facet %s = %s, want %s", facet, got, w)
			}
		}

		res = search(t, s, directory.SearchQuery{Text: "conseil"})
		if got := fmt.Sprint(res.Facets[directory.FacetSector]); got != "[{digital 1} {pharma 1}]" {
			t.Errorf("text conseil: sector facet = %s", got)
		}
		res = search(t, s, directory.SearchQuery{Text: "nothing-like-this"})
		for _, facet := range []string{directory.FacetSector, directory.FacetKind, directory.FacetCollege, directory.FacetRegion} {
			if counts, ok := res.Facets[facet]; !ok || len(counts) != 0 {
				t.Errorf("no match: facet %s = %v, %v", facet, counts, ok)
			}
		}
	})
}

func TestSearchSortsByRelevanceOrNameAndPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		searchFixture(t, s)
		mustCreate(t, s, directory.Organisation{Name: "Zeta Santé", Kind: "sme", DescriptionFR: "Santé, santé connectée et logiciels."})
		// Zeta Santé in its name and description, the others through a
		// sector label; Zeta Santé's short document ranks first.
		res := search(t, s, directory.SearchQuery{Text: "sante"})
		if res.Total != 4 || res.Hits[0].Name != "Zeta Santé" {
			t.Fatalf("sante: %v", hitNames(res))
		}
		for i := 1; i < len(res.Hits); i++ {
			if res.Hits[i].Rank > res.Hits[i-1].Rank || res.Hits[i].Rank <= 0 {
				t.Errorf("ranks not decreasing: %v then %v", res.Hits[i-1].Rank, res.Hits[i].Rank)
			}
		}
		again := search(t, s, directory.SearchQuery{Text: "sante", Sort: directory.SortRelevance})
		if !slices.Equal(hitNames(again), hitNames(res)) {
			t.Errorf("relevance order changed: %v then %v", hitNames(res), hitNames(again))
		}
		byName := search(t, s, directory.SearchQuery{Text: "sante", Sort: directory.SortName})
		if want := []string{"BioNutri Lab", "Cardiolys", "Kardia Conseil", "Zeta Santé"}; !slices.Equal(hitNames(byName), want) {
			t.Errorf("by name: %v, want %v", hitNames(byName), want)
		}

		var paged []string
		for offset := 0; offset < 10; offset += 2 {
			page := search(t, s, directory.SearchQuery{Limit: 2, Offset: offset})
			if page.Total != 5 {
				t.Errorf("offset %d: total %d", offset, page.Total)
			}
			paged = append(paged, hitNames(page)...)
		}
		if all := hitNames(search(t, s, directory.SearchQuery{})); !slices.Equal(paged, all) {
			t.Errorf("pages %v, all at once %v", paged, all)
		}

		_, err := s.Search(context.Background(), directory.SearchQuery{Sort: "date"})
		if errs, ok := validate.As(err); !ok {
			t.Errorf("unknown sort: %v", err)
		} else if fe, ok := errs.For("sort"); !ok || fe.Key != "validate.choice" {
			t.Errorf("unknown sort: %v", errs)
		}
	})
}

func TestSearchSeesAnUpdateAsSoonAsItIsStored(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		orgs := searchFixture(t, s)
		o := orgs["sterilis"]
		o.DescriptionFR = "Conditionnement de seringues préremplies."
		o.Sectors = []string{"medtech"}
		if _, err := s.UpdateOrganisation(staffCtx(), o); err != nil {
			t.Fatal(err)
		}
		if got := hitNames(search(t, s, directory.SearchQuery{Text: "seringue"})); !slices.Equal(got, []string{"Stérilis'Est"}) {
			t.Errorf("new description: %v", got)
		}
		if got := hitNames(search(t, s, directory.SearchQuery{Text: "medical devices"})); !slices.Equal(got, []string{"Stérilis'Est"}) {
			t.Errorf("new sector: %v", got)
		}
		if res := search(t, s, directory.SearchQuery{Text: "sterilisation oxyde"}); res.Total != 0 {
			t.Errorf("old description still found: %v", hitNames(res))
		}
	})
}

func TestSearchTreatsQuerySyntaxAsPlainText(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		searchFixture(t, s)
		for _, c := range []struct {
			text  string
			total int // 4: no usable word, the same as an empty box
		}{
			{`"`, 4}, {`""`, 4}, {`NEAR(`, 4}, {`*`, 4}, {`-`, 4}, {`^`, 4},
			{`'; DROP TABLE organisations; --`, 0}, {`name:x`, 0}, {`document:cardiolys`, 0},
			{`cardiolys OR kardia`, 0}, {`NEAR(cardiolys kardia)`, 0}, {`"cardiolys`, 1},
			{`cardi*`, 1}, {`{document}: cardi`, 0}, {`Кардио`, 0}, {"\x00", 4}, {`a & b | !c`, 4},
			{`cardiolys:*`, 1},
		} {
			res := search(t, s, directory.SearchQuery{Text: c.text})
			if res.Total != c.total {
				t.Errorf("%q: %d results %v, want %d", c.text, res.Total, hitNames(res), c.total)
			}
		}
		if all := search(t, s, directory.SearchQuery{}); all.Total != 4 {
			t.Errorf("after odd input, %d organisations", all.Total)
		}
	})
}

func TestReindexRebuildsEveryDocument(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := directory.NewStore(d)
		searchFixture(t, s)
		// As after the migration that creates the index: no documents yet.
		if _, err := d.Exec(ctx, "DELETE FROM organisation_search"); err != nil {
			t.Fatal(err)
		}
		if ids, err := s.MatchDatabase(ctx, "cardi", directory.Public); err != nil || len(ids) != 0 {
			t.Fatalf("the database found %v without documents (%v)", ids, err)
		}
		n, err := s.Reindex(ctx)
		if err != nil || n != 4 {
			t.Fatalf("Reindex = %d, %v", n, err)
		}
		if ids, err := s.MatchDatabase(ctx, "cardi", directory.Public); err != nil || len(ids) != 1 {
			t.Fatalf("the database after reindex: %v (%v)", ids, err)
		}
		if got := hitNames(search(t, s, directory.SearchQuery{Text: "dispositifs medicaux"})); !slices.Equal(got, []string{"Cardiolys"}) {
			t.Errorf("after reindex: %v", got)
		}
		if n, err := s.Reindex(ctx); err != nil || n != 4 {
			t.Errorf("second Reindex = %d, %v", n, err)
		}
		if res := search(t, s, directory.SearchQuery{Text: "pharmacie"}); res.Total != 2 {
			t.Errorf("after a second reindex: %v", hitNames(res))
		}
	})
}

// generateDemo fills d with the demo cluster, with Argon2 costs a test can
// afford.
func generateDemo(t testing.TB, d *db.DB) demo.Result {
	t.Helper()
	users := auth.NewService(d, auth.Options{Argon2: auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}})
	res, err := demo.Generate(context.Background(), d, users, 2026)
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	return res
}

func TestTheDemoIsSearchable(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		generated := generateDemo(t, d)
		s := directory.NewStore(d)
		all := search(t, s, directory.SearchQuery{})
		if all.Total != generated.Organisations {
			t.Fatalf("no text: %d of %d organisations", all.Total, generated.Organisations)
		}
		medtech := search(t, s, directory.SearchQuery{Text: "medtech"})
		counts := map[string]int{}
		for _, f := range all.Facets[directory.FacetSector] {
			counts[f.Value] = f.Count
		}
		if medtech.Total == 0 || medtech.Total < counts["medtech"] {
			t.Errorf("medtech: %d results, %d organisations in the sector", medtech.Total, counts["medtech"])
		}
		// Its name, or words from its description, find an organisation.
		first := all.Hits[0]
		if res := search(t, s, directory.SearchQuery{Text: first.Name}); !slices.Contains(hitNames(res), first.Name) {
			t.Errorf("its name does not find %s: %v", first.Name, hitNames(res))
		}
		words := strings.Fields(first.DescriptionFR)
		text := strings.Join(words[:min(8, len(words))], " ") + " "
		if res := search(t, s, directory.SearchQuery{Text: text}); !slices.Contains(hitNames(res), first.Name) {
			t.Errorf("%q does not find %s: %v", text, first.Name, hitNames(res))
		}

		for _, q := range []directory.SearchQuery{
			{Text: "medtech"}, {Text: "sante"}, {Text: "dispositifs medicaux", Sort: directory.SortName},
			{Sector: "biotech"}, {Text: "clinique", Region: all.Facets[directory.FacetRegion][0].Value},
		} {
			want := search(t, s, q).Total
			seen := map[int64]bool{}
			for q.Offset, q.Limit = 0, 37; q.Offset < want+37; q.Offset += q.Limit {
				page := search(t, s, q)
				if page.Total != want {
					t.Errorf("%+v: total %d, first page said %d", q, page.Total, want)
				}
				for _, h := range page.Hits {
					if seen[h.ID] {
						t.Errorf("%+v: %s on two pages", q, h.Name)
					}
					seen[h.ID] = true
				}
			}
			if len(seen) != want {
				t.Errorf("%+v: %d organisations over the pages, total %d", q, len(seen), want)
			}
		}
		var indexed int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM organisation_search").Scan(&indexed); err != nil || indexed != generated.Organisations {
			t.Errorf("%d documents for %d organisations, %v", indexed, generated.Organisations, err)
		}
	})
}

// BenchmarkSearch measures Search over the demo cluster (about 500
// organisations) on SQLite: text only, text with filters, prefix, and
// filters without text, each returning the first page with all facets.
func BenchmarkSearch(b *testing.B) {
	d := dbtest.SQLite(b)
	generateDemo(b, d)
	s := directory.NewStore(d)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		q    directory.SearchQuery
	}{
		{"text", directory.SearchQuery{Text: "dispositifs medicaux"}},
		{"text+filters", directory.SearchQuery{Text: "sante", Sector: "medtech", Membership: directory.Member}},
		{"prefix", directory.SearchQuery{Text: "bio"}},
		{"no-text", directory.SearchQuery{}},
		{"filters", directory.SearchQuery{Sector: "biotech", Kind: "startup"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, c.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTheInMemoryTextMatchAgreesWithTheDatabase runs realistic queries on
// the demo cluster at each visibility level and checks that the facet
// index matches exactly the organisations the database's full-text index
// (FTS5 or tsvector) matches.
func TestTheInMemoryTextMatchAgreesWithTheDatabase(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Generate(ctx, d, auth.NewService(d, auth.Options{Argon2: auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}}), 3); err != nil {
			t.Fatal(err)
		}
		s := directory.NewStore(d)
		for _, text := range []string{
			"dispositifs medicaux", "sterilisation", "ster", "implants titane", "essais cliniques", "clinical trial",
			"biocompatibilite", "usinage", "logiciel sante", "therapie cellulaire", "iso 13485", "bpf", "micro",
			"salle propre", "oxyde d'ethylene", "imagerie medicale", "cancer", "Lyon", "cosmetique", "e-sante",
		} {
			for _, viewer := range directory.Visibilities {
				want, err := s.MatchDatabase(ctx, text, viewer)
				if err != nil {
					t.Fatal(err)
				}
				res := search(t, s, directory.SearchQuery{Text: text, Viewer: viewer, Limit: directory.MaxPageSize})
				got := make([]int64, 0, len(res.Hits))
				for _, h := range res.Hits {
					got = append(got, h.ID)
				}
				slices.Sort(got)
				slices.Sort(want)
				if res.Total != len(want) || (res.Total <= directory.MaxPageSize && !slices.Equal(got, want)) {
					t.Errorf("%q as %s: memory %d matches, database %d", text, viewer, res.Total, len(want))
				}
			}
		}
	})
}
