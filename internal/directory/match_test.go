package directory_test

import (
	"context"
	"flag"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/demo"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

// matchFixture creates six organisations for the matchmaking tests, by
// short key: five providers of sterilisation or machining for medical
// devices around Nancy and one in Toulouse, with certifications (one
// expired), clean rooms and bricks, and a cosmetics maker that matches no
// need's text.
func matchFixture(t *testing.T, s *directory.Store) map[string]directory.Organisation {
	t.Helper()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	iso := func(until time.Time) []directory.Certification {
		return []directory.Certification{{Code: "ISO 13485", Issuer: "GMED", ValidUntil: until}}
	}
	area := func(m2 float64) []directory.CapacityValue {
		return []directory.CapacityValue{{Attribute: "cleanroom_area", Value: m2}}
	}
	at := func(o directory.Organisation, city string, lat, lon float64) directory.Organisation {
		o.City, o.Latitude, o.Longitude, o.HasCoords = city, lat, lon, true
		if o.Region == "" {
			o.Region = "Grand Est"
		}
		o.Kind = "sme"
		if len(o.Sectors) == 0 {
			o.Sectors = []string{"medtech"}
		}
		return o
	}
	orgs := map[string]directory.Organisation{}
	for key, o := range map[string]directory.Organisation{
		"steri": at(directory.Organisation{
			Name: "Stérilis'Est", Membership: directory.Member,
			DescriptionFR: "Stérilisation de dispositif médical par oxyde d'éthylène.",
			Bricks:        []string{"mt.sterilisation"}, Certifications: iso(today.AddDate(1, 0, 0)), Capacities: area(200),
		}, "Nancy", 48.6921, 6.1844),
		"expired": at(directory.Organisation{
			Name: "Oxyclean", Membership: directory.Member,
			DescriptionFR: "Stérilisation de dispositifs médicaux en salle propre.",
			Bricks:        []string{"mt.sterilisation"}, Certifications: iso(today.AddDate(0, 0, -10)), Capacities: area(300),
		}, "Metz", 49.1193, 6.1757),
		"small": at(directory.Organisation{
			Name: "Salle Blanche Lorraine", Membership: directory.NonMember,
			DescriptionFR:  "Conditionnement stérile de dispositifs médicaux.",
			Certifications: iso(today.AddDate(2, 0, 0)), Capacities: area(50),
		}, "Metz", 49.1193, 6.1757),
		"far": at(directory.Organisation{
			Name: "Occistéril", Membership: directory.Member, Region: "Occitanie",
			DescriptionFR: "Stérilisation par rayonnement gamma de dispositifs médicaux.",
			Bricks:        []string{"mt.sterilisation"}, Certifications: iso(today.AddDate(1, 0, 0)), Capacities: area(500),
		}, "Toulouse", 43.6047, 1.4442),
		"implant": at(directory.Organisation{
			Name: "Implantis", Membership: directory.Member,
			DescriptionFR: "Usinage d'implants en titane pour dispositifs médicaux.",
			Bricks:        []string{"mt.machining", "mt.implants"}, Certifications: iso(time.Time{}), Capacities: area(150),
		}, "Strasbourg", 48.5734, 7.7521),
		"cosmetics": at(directory.Organisation{
			Name: "Cosmétiques du Rhin", Membership: directory.Member, Sectors: []string{"cosmetics"},
			DescriptionFR: "Formulation de crèmes et de sérums.",
		}, "Strasbourg", 48.5734, 7.7521),
	} {
		orgs[key] = mustCreate(t, s, o)
	}
	return orgs
}

// match runs q or fails the test.
func match(t *testing.T, s *directory.Store, q directory.MatchQuery) directory.MatchResult {
	t.Helper()
	res, err := s.Match(context.Background(), q)
	if err != nil {
		t.Fatalf("Match(%+v): %v", q, err)
	}
	if len(res.Candidates) > res.Total {
		t.Fatalf("Match(%+v): %d candidates for a total of %d", q, len(res.Candidates), res.Total)
	}
	return res
}

// candidateNames lists the candidates' names in order.
func candidateNames(res directory.MatchResult) []string {
	out := make([]string, len(res.Candidates))
	for i, c := range res.Candidates {
		out[i] = c.Name
	}
	return out
}

// candidate returns the candidate named name, or fails the test.
func candidate(t *testing.T, res directory.MatchResult, name string) directory.Candidate {
	t.Helper()
	for _, c := range res.Candidates {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("%s is not a candidate: %v", name, candidateNames(res))
	return directory.Candidate{}
}

const sterilisationNeed = "stérilisation des dispositifs médicaux"

func TestMatchExplainsWithTheWordsOfTheNeed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		matchFixture(t, s)
		res := match(t, s, directory.MatchQuery{Text: sterilisationNeed})
		// Any word may match: everyone but the cosmetics maker.
		if got := slices.Sorted(slices.Values(candidateNames(res))); res.Total != 5 ||
			!slices.Equal(got, []string{"Implantis", "Occistéril", "Oxyclean", "Salle Blanche Lorraine", "Stérilis'Est"}) {
			t.Fatalf("candidates %v (total %d)", got, res.Total)
		}
		for name, want := range map[string][]string{
			// "Stérilisation de dispositif médical": accents, singular.
			"Stérilis'Est": {"stérilisation", "dispositifs", "médicaux"},
			// "Conditionnement stérile": not the same word.
			"Salle Blanche Lorraine": {"dispositifs", "médicaux"},
			"Implantis":              {"dispositifs", "médicaux"},
		} {
			c := candidate(t, res, name)
			if !slices.Equal(c.Terms, want) {
				t.Errorf("%s: terms %q, want %q", name, c.Terms, want)
			}
			if c.Text <= 0 || c.Score < c.Text {
				t.Errorf("%s: text %v, score %v", name, c.Text, c.Score)
			}
		}
		// The need written otherwise, the explanation follows it.
		res = match(t, s, directory.MatchQuery{Text: "Dispositif médical : STÉRILISATIONS"})
		if c := candidate(t, res, "Stérilis'Est"); !slices.Equal(c.Terms, []string{"Dispositif", "médical", "STÉRILISATIONS"}) {
			t.Errorf("terms %q", c.Terms)
		}
	})
}

func TestMatchHardConstraintsExclude(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		orgs := matchFixture(t, s)
		for _, c := range []struct {
			name string
			q    directory.MatchQuery
			want []string
		}{
			{"an expired certification excludes", directory.MatchQuery{Certifications: []string{"ISO 13485"}},
				[]string{"Implantis", "Occistéril", "Salle Blanche Lorraine", "Stérilis'Est"}},
			{"a capacity below the minimum excludes", directory.MatchQuery{Capacities: []directory.CapacityRange{{Attribute: "cleanroom_area", Min: 100}}},
				[]string{"Implantis", "Occistéril", "Oxyclean", "Stérilis'Est"}},
			{"a capacity above the maximum excludes", directory.MatchQuery{Capacities: []directory.CapacityRange{{Attribute: "cleanroom_area", Min: 100, Max: 250}}},
				[]string{"Implantis", "Stérilis'Est"}},
			{"outside the region", directory.MatchQuery{Region: "Grand Est"},
				[]string{"Implantis", "Oxyclean", "Salle Blanche Lorraine", "Stérilis'Est"}},
			{"too far", directory.MatchQuery{Near: "Nancy", Km: 60}, // Metz 47 km, Strasbourg 116 km
				[]string{"Oxyclean", "Salle Blanche Lorraine", "Stérilis'Est"}},
			{"members only", directory.MatchQuery{MembersOnly: true},
				[]string{"Implantis", "Occistéril", "Oxyclean", "Stérilis'Est"}},
			{"excluded", directory.MatchQuery{Exclude: []int64{orgs["steri"].ID, orgs["far"].ID}},
				[]string{"Implantis", "Oxyclean", "Salle Blanche Lorraine"}},
			{"together", directory.MatchQuery{Certifications: []string{"ISO 13485"}, MembersOnly: true, Near: "54000", Km: 150},
				[]string{"Implantis", "Stérilis'Est"}},
		} {
			c.q.Text = sterilisationNeed
			res := match(t, s, c.q)
			if got := slices.Sorted(slices.Values(candidateNames(res))); !slices.Equal(got, c.want) || res.Total != len(c.want) {
				t.Errorf("%s: %v (total %d), want %v", c.name, got, res.Total, c.want)
			}
		}
	})
}

func TestMatchCandidatesShowWhatWasAskedFor(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		orgs := matchFixture(t, s)
		res := match(t, s, directory.MatchQuery{
			Text: sterilisationNeed, Bricks: []string{"mt", "mt.sterilisation", "bt.cell"}, Sector: "medtech",
			Certifications: []string{"ISO 13485"}, Capacities: []directory.CapacityRange{{Attribute: "cleanroom_area", Min: 100}},
			Near: "Nancy", Km: 150,
		})
		if res.Near.Label != "Nancy (54000)" || res.Total != 2 {
			t.Fatalf("near %+v, total %d, %v", res.Near, res.Total, candidateNames(res))
		}
		steri := candidate(t, res, "Stérilis'Est")
		want := orgs["steri"]
		if !slices.Equal(steri.Bricks, []string{"mt", "mt.sterilisation"}) || !steri.Member || !steri.SectorMatch ||
			steri.Distance > 0.01 || steri.ID != want.ID || steri.Description("fr") != want.DescriptionFR {
			t.Errorf("Stérilis'Est: %+v", steri)
		}
		if len(steri.Certifications) != 1 || steri.Certifications[0].Issuer != "GMED" || !steri.Certifications[0].ValidUntil.Equal(want.Certifications[0].ValidUntil) {
			t.Errorf("certifications %+v", steri.Certifications)
		}
		if !slices.Equal(steri.Capacities, []directory.CapacityValue{{Attribute: "cleanroom_area", Value: 200}}) {
			t.Errorf("capacities %+v", steri.Capacities)
		}
		implant := candidate(t, res, "Implantis")
		// A family's code matches its bricks; Strasbourg is 116 km away.
		if !slices.Equal(implant.Bricks, []string{"mt"}) || math.Abs(implant.Distance-116) > 2 ||
			len(implant.Certifications) != 1 || !implant.Certifications[0].ValidUntil.IsZero() {
			t.Errorf("Implantis: %+v", implant)
		}
	})
}

func TestMatchBoostsChangeTheOrder(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		orgs := matchFixture(t, s)
		q := directory.MatchQuery{Text: sterilisationNeed, Boosts: directory.MatchBoosts{Brick: 100}}
		first := func(q directory.MatchQuery) directory.Candidate {
			t.Helper()
			return match(t, s, q).Candidates[0]
		}
		if c := first(q); c.Name == "Implantis" || c.Name == "Salle Blanche Lorraine" {
			t.Fatalf("without bricks, %s comes first", c.Name)
		}
		q.Bricks = []string{"mt.implants"}
		if c := first(q); c.Name != "Implantis" || c.Score != c.Text+100 {
			t.Errorf("brick boost: %s first, score %v, text %v", c.Name, c.Score, c.Text)
		}
		// The only non-member first: an introduction boost; then members
		// first, it last.
		q.Bricks, q.IDBoosts = nil, map[int64]float64{orgs["small"].ID: 100}
		if c := first(q); c.Name != "Salle Blanche Lorraine" || c.Score != c.Text+100 {
			t.Errorf("ID boost: %s first, score %v, text %v", c.Name, c.Score, c.Text)
		}
		q.IDBoosts, q.Boosts = nil, directory.MatchBoosts{Member: 100}
		res := match(t, s, q)
		if names := candidateNames(res); names[len(names)-1] != "Salle Blanche Lorraine" {
			t.Errorf("member boost: %v", names)
		}
		for _, c := range res.Candidates {
			if want := c.Text + 100; c.Member && c.Score != want || !c.Member && c.Score != c.Text {
				t.Errorf("member boost: %s score %v, text %v", c.Name, c.Score, c.Text)
			}
		}
	})
}

func TestMatchWithoutTextRanksByBoosts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		matchFixture(t, s)
		for _, text := range []string{"", "de la des", "  "} {
			res := match(t, s, directory.MatchQuery{Text: text, Bricks: []string{"mt.sterilisation"}, Certifications: []string{"ISO 13485"}})
			// Member 1.5 + brick 4; member; neither. Ties go by folded name.
			want := []string{"Occistéril", "Stérilis'Est", "Implantis", "Salle Blanche Lorraine"}
			scores := []float64{5.5, 5.5, 1.5, 0}
			if got := candidateNames(res); !slices.Equal(got, want) {
				t.Errorf("%q: %v, want %v", text, got, want)
				continue
			}
			for i, c := range res.Candidates {
				if c.Score != scores[i] || c.Text != 0 || len(c.Terms) != 0 {
					t.Errorf("%q: %s score %v text %v terms %v", text, c.Name, c.Score, c.Text, c.Terms)
				}
			}
		}
	})
}

// TestMatchOrderIsPinned holds a need's ranking to a known order, on both
// engines and from one run to the next.
func TestMatchOrderIsPinned(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		matchFixture(t, s)
		q := directory.MatchQuery{
			Text:   "Stérilisation de dispositifs médicaux implantables en titane\nSous-traitance en salle propre",
			Sector: "medtech", Bricks: []string{"mt.sterilisation"},
		}
		res := match(t, s, q)
		// Oxyclean matches five words (salle, propre) and has the brick;
		// Occistéril and Stérilis'Est three and the brick, the first with
		// the shorter profile; Salle Blanche Lorraine has "salle" in its
		// name (×4) but neither brick nor membership; Implantis "titane".
		want := []string{"Oxyclean", "Occistéril", "Stérilis'Est", "Salle Blanche Lorraine", "Implantis"}
		if got := candidateNames(res); !slices.Equal(got, want) {
			t.Errorf("order %v, want %v", got, want)
		}
		for range 3 {
			again := match(t, s, q)
			for i, c := range again.Candidates {
				if c.ID != res.Candidates[i].ID || c.Score != res.Candidates[i].Score {
					t.Fatalf("run again: %s %v at %d, was %s %v", c.Name, c.Score, i, res.Candidates[i].Name, res.Candidates[i].Score)
				}
			}
		}
		q.Limit = 2
		if res := match(t, s, q); !slices.Equal(candidateNames(res), want[:2]) || res.Total != 5 {
			t.Errorf("limit 2: %v (total %d)", candidateNames(res), res.Total)
		}
	})
}

func TestMatchSearchesTheFirst32WordsOfTheNeed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		matchFixture(t, s)
		var filler []string
		for i := range 32 {
			filler = append(filler, fmt.Sprintf("zq%d", i))
		}
		if res := match(t, s, directory.MatchQuery{Text: strings.Join(filler, " ") + " titane"}); res.Total != 0 {
			t.Errorf("the 33rd word matched: %v", candidateNames(res))
		}
		if res := match(t, s, directory.MatchQuery{Text: strings.Join(filler[1:], " ") + " titane"}); !slices.Equal(candidateNames(res), []string{"Implantis"}) {
			t.Errorf("the 32nd word: %v", candidateNames(res))
		}
	})
}

func TestMatchRejectsUnknownCodesRangesAndPlaces(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		_, err := s.Match(context.Background(), directory.MatchQuery{
			Text: sterilisationNeed, Certifications: []string{"ISO 99999"}, Bricks: []string{"mt.nope"}, Sector: "space",
			Capacities: []directory.CapacityRange{{Attribute: "cleanroom_area", Min: 10, Max: 5}, {Attribute: "warp_speed", Min: 1}},
			Near:       "Atlantis",
		})
		errs, ok := validate.As(err)
		if !ok {
			t.Fatalf("err = %v, want validate.Errors", err)
		}
		for field, key := range map[string]string{
			"certifications": "directory.certification", "bricks": "validate.choice", "sector": "validate.choice",
			"capacity.cleanroom_area": "directory.capacity_range", "capacity.warp_speed": "validate.choice",
			"near": "directory.unknown_place",
		} {
			if fe, ok := errs.For(field); !ok || fe.Key != key {
				t.Errorf("%s: %+v, want %s", field, fe, key)
			}
		}
		_, err = s.Match(context.Background(), directory.MatchQuery{Near: "Nancy", Km: -1})
		if errs, ok := validate.As(err); !ok || len(errs) != 1 || errs[0].Field != "km" {
			t.Errorf("negative km: %v", err)
		}
	})
}

// matchOrgs is the size of BenchmarkMatch's directory; the default keeps
// the benchmark quick, go test -bench Match -args -match.orgs=100000
// measures the national scale.
var matchOrgs = flag.Int("match.orgs", 2000, "organisations generated for BenchmarkMatch")

// BenchmarkMatch measures Match over a generated directory on SQLite:
// needs of a few lines, with and without hard constraints, each returning
// 30 candidates with their rows; total is the number of providers ranked.
func BenchmarkMatch(b *testing.B) {
	d := dbtest.SQLite(b)
	ctx := context.Background()
	if err := demo.GenerateDirectory(ctx, d, *matchOrgs, 2026); err != nil {
		b.Fatal(err)
	}
	s := directory.NewStore(d)
	need := "Recherche un sous-traitant pour la stérilisation de dispositifs médicaux implantables en titane\n" +
		"Nous développons un implant orthopédique et cherchons un partenaire certifié pour l'usinage de précision, " +
		"le nettoyage, le conditionnement en salle propre et la stérilisation, avec un accompagnement réglementaire."
	for _, c := range []struct {
		name string
		q    directory.MatchQuery
	}{
		{"text", directory.MatchQuery{Text: need}},
		{"text+soft", directory.MatchQuery{Text: need, Bricks: []string{"mt.sterilisation", "mt.machining", "mt.implants"}, Sector: "medtech"}},
		{"text+hard", directory.MatchQuery{Text: need, Bricks: []string{"mt"}, Sector: "medtech",
			Certifications: []string{"ISO 13485"}, MembersOnly: true}},
		{"no-text", directory.MatchQuery{Bricks: []string{"bt"}, Sector: "biotech"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			res, err := s.Match(ctx, c.q) // builds the index
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.Match(ctx, c.q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Total), "total")
		})
	}
}
