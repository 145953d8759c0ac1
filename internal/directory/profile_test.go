package directory_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// providerFixture creates three solution providers with full profiles.
func providerFixture(t *testing.T, s *directory.Store) map[string]directory.Organisation {
	t.Helper()
	out := map[string]directory.Organisation{}
	for key, o := range map[string]directory.Organisation{
		"usinage": {
			Name: "Usinage Précis du Doubs", Kind: "sme", Membership: directory.Member, SIRET: "73282932000074",
			City: "Besançon", Postcode: "25000", Departement: "25", Region: "Bourgogne-Franche-Comté",
			Latitude: 47.2378, Longitude: 6.0241, HasCoords: true, Sectors: []string{"medtech"},
			Headcount: "10-49", Revenue: "2m_10m", Founded: 1987,
			Steps:  []string{"industrialisation", "design"},
			Bricks: []string{"mt.machining", "mt.sterilisation"},
			Services: []directory.Service{{TitleFR: "Usinage d'implants en titane", TitleEN: "Titanium implant machining",
				DescriptionFR: "Séries de 10 à 10 000 pièces.", Sector: "medtech", Step: "industrialisation"}},
			Certifications: []directory.Certification{
				{Code: "ISO 13485", Scope: "usinage de dispositifs implantables", Issuer: "GMED", ValidUntil: date(2030, 6, 30)},
				{Code: "ISO 9001", Issuer: "AFNOR Certification", ValidUntil: date(2024, 1, 31)}, // expired
			},
			Capacities: []directory.CapacityValue{{Attribute: "cleanroom_area", Value: 120}, {Attribute: "cleanroom_class", Value: 7}},
			Equipment:  "centres 5 axes DMG Mori",
			Keywords:   []string{"titane", "implant rachidien"},
			// Revenue is members-only by default; the capacities are kept to members.
			Visibility: map[string]directory.Visibility{directory.FieldCapacities: directory.MembersOnly},
		},
		"biocdmo": {
			Name: "BioProd Lyon", Kind: "midcap", Membership: directory.NonMember,
			City: "Lyon", Postcode: "69007", Departement: "69", Region: "Auvergne-Rhône-Alpes",
			Latitude: 45.7485, Longitude: 4.8467, HasCoords: true, Sectors: []string{"biotech"},
			Steps: []string{"clinical", "industrialisation"}, Bricks: []string{"bt.cell"},
			Services: []directory.Service{{TitleFR: "Production de lots cliniques en BPF", TitleEN: "GMP clinical batch manufacturing",
				Sector: "biotech", Step: "clinical"}},
			Certifications: []directory.Certification{{Code: "BPF", Issuer: "ANSM"}},
			Capacities:     []directory.CapacityValue{{Attribute: "bioreactor_volume", Value: 500}, {Attribute: "cleanroom_class", Value: 5}},
			Keywords:       []string{"thérapie cellulaire"},
			// The services are for the cluster's staff only.
			Visibility: map[string]directory.Visibility{directory.FieldServices: directory.StaffOnly},
		},
		"testlab": {
			Name: "Essais Bio Grenoble", Kind: "platform", Membership: directory.Member,
			City: "Grenoble", Postcode: "38000", Departement: "38", Region: "Auvergne-Rhône-Alpes",
			Latitude: 45.1885, Longitude: 5.7245, HasCoords: true, Sectors: []string{"medtech", "biotech"},
			Steps: []string{"preclinical"}, Bricks: []string{"mt.implants"},
			Services: []directory.Service{{TitleFR: "Essais de biocompatibilité ISO 10993", TitleEN: "ISO 10993 biocompatibility testing",
				Sector: "medtech", Step: "preclinical"}},
			Certifications: []directory.Certification{{Code: "COFRAC ISO 17025", ValidUntil: date(2031, 1, 1)}, {Code: "ISO 13485", ValidUntil: date(2029, 12, 31)}},
		},
	} {
		out[key] = mustCreate(t, s, o)
	}
	return out
}

func TestAProfileIsStoredAndReadBackWhole(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		orgs := providerFixture(t, s)
		got, err := s.Organisation(context.Background(), orgs["usinage"].ID)
		if err != nil {
			t.Fatal(err)
		}
		// Coded lists come back in taxonomy order; keywords as given.
		if !slices.Equal(got.Steps, []string{"design", "industrialisation"}) || !slices.Equal(got.Bricks, []string{"mt.machining", "mt.sterilisation"}) {
			t.Errorf("steps %v, bricks %v", got.Steps, got.Bricks)
		}
		if got.SIRET != "73282932000074" || got.Headcount != "10-49" || got.Revenue != "2m_10m" || got.Founded != 1987 {
			t.Errorf("identity: %q %q %q %d", got.SIRET, got.Headcount, got.Revenue, got.Founded)
		}
		if len(got.Services) != 1 || got.Services[0].TitleEN != "Titanium implant machining" || got.Services[0].Step != "industrialisation" {
			t.Errorf("services: %+v", got.Services)
		}
		if len(got.Certifications) != 2 || !got.Certifications[0].ValidUntil.Equal(date(2030, 6, 30)) || got.Certifications[0].Issuer != "GMED" {
			t.Errorf("certifications: %+v", got.Certifications)
		}
		now := date(2026, 11, 24)
		if !got.Certifications[0].Valid(now) || got.Certifications[1].Valid(now) {
			t.Errorf("validity on %s: %v %v", now, got.Certifications[0].Valid(now), got.Certifications[1].Valid(now))
		}
		// The last day of validity still counts.
		if c := got.Certifications[0]; !c.Valid(date(2030, 6, 30).Add(23*time.Hour)) || c.Valid(date(2030, 7, 1)) {
			t.Error("a certification is valid through its last day, not after")
		}
		if fmt.Sprint(got.Capacities) != "[{cleanroom_class 7} {cleanroom_area 120}]" || got.Equipment != "centres 5 axes DMG Mori" {
			t.Errorf("capacities %v, equipment %q", got.Capacities, got.Equipment)
		}
		if !slices.Equal(got.Keywords, []string{"titane", "implant rachidien"}) || got.VisibilityOf(directory.FieldCapacities) != directory.MembersOnly {
			t.Errorf("keywords %v, visibility %v", got.Keywords, got.Visibility)
		}
		// An update that changes one list leaves the others as they were.
		got.Services = append(got.Services, directory.Service{TitleFR: "Polissage", Sector: "medtech"})
		got.Keywords = nil
		if _, err := s.UpdateOrganisation(context.Background(), got); err != nil {
			t.Fatal(err)
		}
		again, _ := s.Organisation(context.Background(), got.ID)
		if len(again.Services) != 2 || again.Services[1].TitleFR != "Polissage" || len(again.Certifications) != 2 || len(again.Keywords) != 0 {
			t.Errorf("after update: %d services, %d certifications, keywords %v", len(again.Services), len(again.Certifications), again.Keywords)
		}
	})
}

func TestProfileValidationNamesEachBadField(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		_, err := s.CreateOrganisation(context.Background(), directory.Organisation{
			Name: "Mauvais Profil", Kind: "sme", SIRET: "73282932000075", Headcount: "lots", Founded: 3000,
			Steps: []string{"teleportation"}, Bricks: []string{"mt.nope"},
			Services:       []directory.Service{{DescriptionFR: "sans titre"}},
			Certifications: []directory.Certification{{Code: "ISO 99999"}},
			Capacities:     []directory.CapacityValue{{Attribute: "cleanroom_class", Value: 4.5}},
			Visibility:     map[string]directory.Visibility{directory.FieldRevenue: "friends"},
		})
		fe, ok := validate.As(err)
		if !ok {
			t.Fatalf("err = %v, want validation errors", err)
		}
		for field, key := range map[string]string{
			"siret": "directory.siret", "headcount": "validate.choice", "founded": "directory.year", "steps": "validate.choice",
			"bricks": "validate.choice", "services.0": "directory.service_title", "certifications.0": "directory.certification",
			"capacities": "directory.cleanroom_class", "visibility": "validate.choice",
		} {
			if m, ok := fe.For(field); !ok || m.Key != key {
				t.Errorf("%s: %+v, want %s", field, m, key)
			}
		}
	})
}

func TestSearchFiltersOnProfileFacets(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		providerFixture(t, s)
		staff := directory.StaffOnly
		for _, c := range []struct {
			name string
			q    directory.SearchQuery
			want []string
		}{
			{"step", directory.SearchQuery{Step: "industrialisation"}, []string{"BioProd Lyon", "Usinage Précis du Doubs"}},
			{"brick", directory.SearchQuery{Brick: "mt.machining"}, []string{"Usinage Précis du Doubs"}},
			{"brick family", directory.SearchQuery{Brick: "mt"}, []string{"Essais Bio Grenoble", "Usinage Précis du Doubs"}},
			{"valid certification", directory.SearchQuery{Certification: "ISO 13485"}, []string{"Essais Bio Grenoble", "Usinage Précis du Doubs"}},
			{"expired certification", directory.SearchQuery{Certification: "ISO 9001"}, []string{}},
			{"open-ended certification", directory.SearchQuery{Certification: "BPF"}, []string{"BioProd Lyon"}},
			{"departement", directory.SearchQuery{Departement: "38"}, []string{"Essais Bio Grenoble"}},
			{"capacity range", directory.SearchQuery{Viewer: staff, Capacities: []directory.CapacityRange{{Attribute: "cleanroom_area", Min: 100, Max: 200}}}, []string{"Usinage Précis du Doubs"}},
			{"capacity below", directory.SearchQuery{Viewer: staff, Capacities: []directory.CapacityRange{{Attribute: "cleanroom_class", Max: 6}}}, []string{"BioProd Lyon"}},
			{"capacity min only", directory.SearchQuery{Viewer: staff, Capacities: []directory.CapacityRange{{Attribute: "bioreactor_volume", Min: 1000}}}, []string{}},
			{"three filters", directory.SearchQuery{Sector: "medtech", Step: "preclinical", Certification: "COFRAC ISO 17025"}, []string{"Essais Bio Grenoble"}},
			{"text and facet", directory.SearchQuery{Text: "titane", Certification: "ISO 13485"}, []string{"Usinage Précis du Doubs"}},
		} {
			res := search(t, s, c.q)
			if got := hitNames(res); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		// The certification facet counts valid certifications only.
		res := search(t, s, directory.SearchQuery{})
		if got := fmt.Sprint(res.Facets[directory.FacetCertification]); got != "[{ISO 13485 2} {BPF 1} {COFRAC ISO 17025 1}]" {
			t.Errorf("certification facet = %s", got)
		}
		if got := fmt.Sprint(res.Facets[directory.FacetBrick]); !strings.Contains(got, "{mt 2}") || !strings.Contains(got, "{bt.cell 1}") {
			t.Errorf("brick facet = %s", got)
		}
	})
}

func TestSearchServicesAndKeywordsInBothLanguagesWithNamesFirst(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		providerFixture(t, s)
		mustCreate(t, s, directory.Organisation{Name: "Biocompatibilité Conseil", Kind: "consultancy", Sectors: []string{"medtech"}})
		for _, c := range []struct {
			text string
			want []string
		}{
			{"implants titane", []string{"Usinage Précis du Doubs"}},
			{"titanium implant", []string{"Usinage Précis du Doubs"}},
			{"implant rachidien", []string{"Usinage Précis du Doubs"}},
			{"dmg mori", []string{"Usinage Précis du Doubs"}},
			// The name match ranks first.
			{"biocompatibilite", []string{"Biocompatibilité Conseil", "Essais Bio Grenoble"}},
			{"biocompatibility testing", []string{"Essais Bio Grenoble"}},
			{"micro-usinage", []string{"Usinage Précis du Doubs"}}, // brick label
		} {
			res := search(t, s, directory.SearchQuery{Text: c.text, Viewer: directory.StaffOnly})
			if got := hitNames(res); !slices.Equal(got, c.want) {
				t.Errorf("%q: %v, want %v", c.text, got, c.want)
			}
		}
	})
}

func TestEachViewerSearchesOnlyWhatTheyMaySee(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		orgs := providerFixture(t, s)
		// BioProd's services are staff-only: the public and members neither
		// find it by their words nor see them.
		for viewer, want := range map[directory.Visibility][]string{
			directory.Public: {}, directory.MembersOnly: {}, directory.StaffOnly: {"BioProd Lyon"},
		} {
			res := search(t, s, directory.SearchQuery{Text: "lots cliniques", Viewer: viewer})
			if got := hitNames(res); !slices.Equal(got, want) {
				t.Errorf("%s searching a staff-only service: %v, want %v", viewer, got, want)
			}
		}
		// Usinage's capacities are members-only: the public can neither filter
		// on them nor count them.
		ranged := []directory.CapacityRange{{Attribute: "cleanroom_area", Min: 1}}
		for viewer, want := range map[directory.Visibility]int{directory.Public: 0, directory.MembersOnly: 1, directory.StaffOnly: 1} {
			res := search(t, s, directory.SearchQuery{Capacities: ranged, Viewer: viewer})
			if res.Total != want {
				t.Errorf("%s filtering on members-only capacities: %d, want %d", viewer, res.Total, want)
			}
			all := search(t, s, directory.SearchQuery{Viewer: viewer})
			for _, c := range all.Facets[directory.FacetCapacity] {
				if c.Value == "cleanroom_area" && viewer == directory.Public {
					t.Errorf("the public counts a members-only capacity: %+v", c)
				}
			}
		}
		// Hits carry only what the viewer may see.
		res := search(t, s, directory.SearchQuery{Text: "usinage"})
		if len(res.Hits) != 1 {
			t.Fatalf("usinage: %v", hitNames(res))
		}
		h := res.Hits[0]
		if h.Revenue != "" || len(h.Capacities) != 0 || h.Visibility != nil || !slices.Contains(h.Hidden, directory.FieldRevenue) {
			t.Errorf("public hit shows hidden fields: revenue %q, capacities %v, visibility %v, hidden %v", h.Revenue, h.Capacities, h.Visibility, h.Hidden)
		}
		if h.SIRET == "" || len(h.Services) != 1 {
			t.Errorf("public hit lost public fields: %+v", h.Organisation)
		}
		member := orgs["usinage"].For(directory.MembersOnly)
		if member.Revenue != "2m_10m" || len(member.Capacities) != 2 || member.Visibility != nil {
			t.Errorf("a member's view: revenue %q capacities %v visibility %v", member.Revenue, member.Capacities, member.Visibility)
		}
	})
}

func TestSearchByDistanceFromACityOrAPostcode(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		providerFixture(t, s)
		for _, c := range []struct {
			near string
			km   float64
			want []string
		}{
			{"Lyon", 50, []string{"BioProd Lyon"}},
			{"lyon", 120, []string{"BioProd Lyon", "Essais Bio Grenoble"}}, // Lyon–Grenoble ≈ 95 km
			{"38000", 10, []string{"Essais Bio Grenoble"}},                 // a postcode known from the directory
			{"25", 30, []string{"Usinage Précis du Doubs"}},                // a département
			{"Besançon", 300, []string{"BioProd Lyon", "Essais Bio Grenoble", "Usinage Précis du Doubs"}},
		} {
			res := search(t, s, directory.SearchQuery{Near: c.near, Km: c.km, Sort: directory.SortName})
			if got := hitNames(res); !slices.Equal(got, c.want) {
				t.Errorf("within %g km of %s: %v, want %v", c.km, c.near, got, c.want)
			}
			if res.Near.Label == "" {
				t.Errorf("%s: no place label", c.near)
			}
			for _, h := range res.Hits {
				if h.Distance > c.km {
					t.Errorf("%s: %s at %.1f km", c.near, h.Name, h.Distance)
				}
			}
		}
		_, err := s.Search(context.Background(), directory.SearchQuery{Near: "Atlantis"})
		if fe, ok := validate.As(err); !ok || !has(fe, "near") {
			t.Errorf("unknown place: %v", err)
		}
	})
}

func TestAnEditIsSearchableAtOnceAndAnotherProcessesWithinAPoll(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		orgs := providerFixture(t, s)
		search(t, s, directory.SearchQuery{}) // builds the index
		o := orgs["testlab"]
		o.Bricks = append(o.Bricks, "mt.microfluidics")
		if _, err := s.UpdateOrganisation(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		if got := hitNames(search(t, s, directory.SearchQuery{Brick: "mt.microfluidics"})); !slices.Equal(got, []string{"Essais Bio Grenoble"}) {
			t.Errorf("after the edit: %v", got)
		}
		// Another store (another process) writes; this one catches up.
		other := directory.NewStore(d)
		mustCreate(t, other, directory.Organisation{Name: "Microflu Import", Kind: "startup", Bricks: []string{"mt.microfluidics"}})
		deadline := time.Now().Add(5 * time.Second)
		for {
			got := hitNames(search(t, s, directory.SearchQuery{Brick: "mt.microfluidics"}))
			if len(got) == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the other process's write never showed: %v", got)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

func has(fe validate.Errors, field string) bool {
	_, ok := fe.For(field)
	return ok
}

func TestCoverageCountsOrganisationsAndServicesPerStepAndSector(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		providerFixture(t, s)
		cell := func(c directory.Coverage, step, sector string) (int, int) {
			i := slices.IndexFunc(c.Steps, func(x directory.Term) bool { return x.Code == step })
			j := slices.IndexFunc(c.Sectors, func(x directory.Term) bool { return x.Code == sector })
			return c.Orgs[i][j], c.Services[i][j]
		}
		staff, err := s.Coverage(context.Background(), directory.StaffOnly)
		if err != nil {
			t.Fatal(err)
		}
		if o, sv := cell(staff, "industrialisation", "medtech"); o != 1 || sv != 1 {
			t.Errorf("industrialisation × medtech: %d orgs %d services", o, sv)
		}
		if o, sv := cell(staff, "clinical", "biotech"); o != 1 || sv != 1 {
			t.Errorf("clinical × biotech (staff): %d orgs %d services", o, sv)
		}
		if o, _ := cell(staff, "preclinical", "biotech"); o != 1 {
			t.Errorf("preclinical × biotech: %d", o) // Essais Bio Grenoble serves both its sectors
		}
		// BioProd's services are staff-only: the public map does not count them.
		public, _ := s.Coverage(context.Background(), directory.Public)
		if o, sv := cell(public, "clinical", "biotech"); o != 1 || sv != 0 {
			t.Errorf("clinical × biotech (public): %d orgs %d services", o, sv)
		}
		if public.Total != 3 || fmt.Sprint(public.ByRegion) != "[{Auvergne-Rhône-Alpes 2} {Bourgogne-Franche-Comté 1}]" {
			t.Errorf("total %d, by region %v", public.Total, public.ByRegion)
		}
		for _, b := range public.Bricks {
			if b.Code == "mt.machining" && (b.Count != 1 || len(b.Names) != 1 || b.Names[0].Name != "Usinage Précis du Doubs") {
				t.Errorf("mt.machining: %+v", b)
			}
			if b.Code == "mt" && (!b.Family || b.Count != 2) {
				t.Errorf("family mt: %+v", b)
			}
		}
	})
}
