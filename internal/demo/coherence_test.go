package demo_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/demo"
	"filiere/internal/directory"
	"filiere/internal/siren"
)

// demoToday is "today" for the demo's certifications, whatever the clock.
var demoToday = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)

// everyOrganisation returns the stored organisations with their whole
// profiles, as staff see them.
func everyOrganisation(t *testing.T, store *directory.Store) (directory.SearchResult, []directory.Organisation) {
	t.Helper()
	res, err := store.Search(context.Background(), directory.SearchQuery{Viewer: directory.StaffOnly, Sort: directory.SortName, Limit: directory.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != res.Total {
		t.Fatalf("%d hits of %d", len(res.Hits), res.Total)
	}
	orgs := make([]directory.Organisation, len(res.Hits))
	for i, h := range res.Hits {
		orgs[i] = h.Organisation
	}
	return res, orgs
}

// checkProfiles checks the profiles of the demo cluster res: coherent with
// each organisation's kind, about 100 solution providers with services in
// both languages, certifications mostly valid, capacities in plausible
// ranges, every facet filled, and search documents built from the complete
// profiles.
func checkProfiles(t *testing.T, d *db.DB, store *directory.Store, res demo.Result) {
	t.Helper()
	found, orgs := everyOrganisation(t, store)
	if len(orgs) != res.Organisations {
		t.Fatalf("%d organisations found, %d generated", len(orgs), res.Organisations)
	}
	tax := directory.LoadTaxonomy()
	sirens := map[string]bool{}
	var providers, certs, expired, capacities, equipment, notes int
	visibilities := map[string]int{}
	for _, o := range orgs {
		checkProfile(t, tax, o)
		if o.SIRET != "" {
			if !siren.ValidSIRET(o.SIRET) || sirens[o.SIRET[:9]] {
				t.Errorf("%s: SIRET %s invalid or its SIREN taken", o.Name, o.SIRET)
			}
			sirens[o.SIRET[:9]] = true
		}
		if bilingualServices(o) >= 2 {
			providers++
		}
		for _, c := range o.Certifications {
			certs++
			if !c.Valid(demoToday) {
				expired++
				if y := c.ValidUntil.Year(); y < 2025 || y > 2026 {
					t.Errorf("%s: %s expired in %d", o.Name, c.Code, y)
				}
			} else if y := c.ValidUntil.Year(); y < 2027 || y > 2030 {
				t.Errorf("%s: %s valid until %d", o.Name, c.Code, y)
			}
		}
		if len(o.Capacities) > 0 {
			capacities++
		}
		if o.Equipment != "" {
			equipment++
		}
		if o.CapacityNotes != "" {
			notes++
		}
		for f, v := range o.Visibility {
			visibilities[f+"="+string(v)]++
		}
	}
	if providers < 90 || providers > 140 {
		t.Errorf("%d providers with two services or more in both languages, want about 100", providers)
	}
	if share := float64(expired) / float64(certs); certs < 150 || share < 0.03 || share > 0.2 {
		t.Errorf("%d of %d certifications expired, want about 10%%", expired, certs)
	}
	if capacities < 100 || equipment < 60 || notes < 20 {
		t.Errorf("%d organisations with capacities, %d with equipment, %d with capacity notes", capacities, equipment, notes)
	}
	for _, v := range []string{"revenue=staff", "contacts=public", "capacities=members"} {
		if visibilities[v] == 0 {
			t.Errorf("no organisation chose %s; choices: %v", v, visibilities)
		}
	}
	checkFacets(t, tax, found)
	checkDocuments(t, d, orgs)
}

// bilingualServices counts the services of o complete in both languages.
func bilingualServices(o directory.Organisation) int {
	n := 0
	for _, s := range o.Services {
		if s.TitleFR != "" && s.TitleEN != "" && s.DescriptionFR != "" && s.DescriptionEN != "" && s.TitleFR != s.TitleEN && s.DescriptionFR != s.DescriptionEN {
			n++
		}
	}
	return n
}

// kindSteps are the value-chain steps each kind may serve.
var kindSteps = map[string][]string{
	"lab": {"research", "poc", "preclinical"},
	"cic": {"clinical"}, "hospital": {"clinical", "market_access"},
	"startup": {"research", "poc", "design", "preclinical", "clinical", "regulatory"},
	"large":   {"clinical", "regulatory", "industrialisation", "market_access", "distribution"},
}

func checkProfile(t *testing.T, tax *directory.Taxonomy, o directory.Organisation) {
	t.Helper()
	if len(o.Steps) == 0 || len(o.Bricks) == 0 {
		t.Errorf("%s: steps %v, bricks %v", o.Name, o.Steps, o.Bricks)
	}
	for _, c := range o.Steps {
		if _, ok := tax.Step(c); !ok {
			t.Errorf("%s: step %q", o.Name, c)
		}
		if allowed, ok := kindSteps[o.Kind]; ok && !slices.Contains(allowed, c) {
			t.Errorf("%s: a %s at step %s", o.Name, o.Kind, c)
		}
	}
	for _, c := range o.Bricks {
		if _, ok := tax.Brick(c); !ok {
			t.Errorf("%s: brick %q", o.Name, c)
		}
	}
	if n := len(o.Keywords); n < 3 || n > 6 {
		t.Errorf("%s: keywords %q", o.Name, o.Keywords)
	}
	if !slices.Contains(directory.HeadcountBands, o.Headcount) {
		t.Errorf("%s: headcount %q", o.Name, o.Headcount)
	}
	if o.Revenue != "" && !slices.Contains(directory.RevenueBands, o.Revenue) {
		t.Errorf("%s: revenue %q", o.Name, o.Revenue)
	}
	if o.Founded < 1850 || o.Founded > 2026 || (o.MemberSince != 0 && o.Founded > o.MemberSince) {
		t.Errorf("%s: founded in %d, member since %d", o.Name, o.Founded, o.MemberSince)
	}
	company := slices.Contains([]string{"startup", "sme", "midcap", "large"}, o.Kind)
	if company != (o.Revenue != "") && o.Kind != "consultancy" {
		t.Errorf("%s: a %s with revenue %q", o.Name, o.Kind, o.Revenue)
	}
	if company && o.SIRET == "" || o.Kind == "lab" && o.SIRET != "" {
		t.Errorf("%s: a %s with SIRET %q", o.Name, o.Kind, o.SIRET)
	}
	switch o.Kind {
	case "startup":
		if !slices.Contains([]string{"1-9", "10-49"}, o.Headcount) || !slices.Contains([]string{"under_2m", "2m_10m"}, o.Revenue) ||
			!strings.Contains(o.DescriptionFR, fmt.Sprint(o.Founded)) {
			t.Errorf("%s: a startup of %s employees, revenue %s, founded in %d", o.Name, o.Headcount, o.Revenue, o.Founded)
		}
	case "large":
		if o.Headcount != "5000+" || !slices.Contains([]string{"50m_1500m", "over_1500m"}, o.Revenue) {
			t.Errorf("%s: a large group of %s employees, revenue %s", o.Name, o.Headcount, o.Revenue)
		}
	}
	for _, s := range o.Services {
		_, sectorOK := tax.Sector(s.Sector)
		_, stepOK := tax.Step(s.Step)
		if !sectorOK || !stepOK || !slices.Contains(o.Steps, s.Step) {
			t.Errorf("%s: service %q in sector %q at step %q (steps %v)", o.Name, s.TitleFR, s.Sector, s.Step, o.Steps)
		}
	}
	if n := len(o.Services); n > 0 && bilingualServices(o) != n {
		t.Errorf("%s: services not complete in both languages: %+v", o.Name, o.Services)
	}
	if n := len(o.Services); n > 5 || (n > 0 && n < 2) {
		t.Errorf("%s: %d services", o.Name, n)
	}
	for _, c := range o.Certifications {
		if _, ok := tax.Certification(c.Code); !ok || c.Scope == "" || c.Issuer == "" || c.ValidUntil.IsZero() {
			t.Errorf("%s: certification %+v", o.Name, c)
		}
	}
	checkCapacities(t, o)
}

// capacityRanges are the plausible values of each capacity attribute.
var capacityRanges = map[string][2]float64{
	"cleanroom_class": {5, 8}, "cleanroom_area": {20, 3000}, "bioreactor_volume": {50, 2000},
	"injection_presses": {2, 100}, "annual_units": {100, 1e8}, "headcount_rd": {1, 3000},
}

func checkCapacities(t *testing.T, o directory.Organisation) {
	t.Helper()
	has := map[string]bool{}
	for _, c := range o.Capacities {
		r, ok := capacityRanges[c.Attribute]
		if !ok || c.Value < r[0] || c.Value > r[1] || has[c.Attribute] {
			t.Errorf("%s: capacity %s = %v", o.Name, c.Attribute, c.Value)
		}
		has[c.Attribute] = true
		if (c.Attribute == "cleanroom_class" || c.Attribute == "injection_presses") && c.Value != float64(int(c.Value)) {
			t.Errorf("%s: %s = %v, want a whole number", o.Name, c.Attribute, c.Value)
		}
	}
	if has["cleanroom_class"] != has["cleanroom_area"] {
		t.Errorf("%s: cleanroom class without area, or the reverse: %v", o.Name, o.Capacities)
	}
}

// checkFacets checks that every facet counts something, and that every
// step, certification and capacity attribute of the taxonomy is used.
func checkFacets(t *testing.T, tax *directory.Taxonomy, res directory.SearchResult) {
	t.Helper()
	values := map[string]map[string]int{}
	for _, f := range directory.Facets {
		if len(res.Facets[f]) == 0 {
			t.Errorf("facet %s has no data", f)
		}
		values[f] = map[string]int{}
		for _, c := range res.Facets[f] {
			values[f][c.Value] = c.Count
		}
	}
	for _, s := range tax.Steps {
		if values[directory.FacetStep][s.Code] < 5 {
			t.Errorf("step %s: %d organisations", s.Code, values[directory.FacetStep][s.Code])
		}
	}
	for _, c := range tax.Certifications {
		if values[directory.FacetCertification][c.Code] == 0 {
			t.Errorf("no valid %s certification", c.Code)
		}
	}
	for _, c := range tax.Capacities {
		if values[directory.FacetCapacity][c.Code] == 0 {
			t.Errorf("no organisation declares %s", c.Code)
		}
	}
	for _, f := range tax.Bricks {
		if values[directory.FacetBrick][f.Code] < 10 {
			t.Errorf("brick family %s: %d organisations", f.Code, values[directory.FacetBrick][f.Code])
		}
	}
}

// checkDocuments checks that the search documents written with the demo
// are those the stored organisations give: indexed complete with their
// profiles.
func checkDocuments(t *testing.T, d *db.DB, orgs []directory.Organisation) {
	t.Helper()
	stored := map[int64]directory.SearchDocuments{}
	rows, err := d.Query(context.Background(), "SELECT organisation_id, name_doc, public_doc, members_doc, staff_doc FROM organisation_search")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var doc directory.SearchDocuments
		if err := rows.Scan(&id, &doc.Name, &doc.Public, &doc.Members, &doc.Staff); err != nil {
			t.Fatal(err)
		}
		stored[id] = doc
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if want := directory.Documents(o); stored[o.ID] != want {
			t.Errorf("%s: stored documents\n%+v\nwant\n%+v", o.Name, stored[o.ID], want)
			return
		}
	}
}
