package directory

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
)

// Term is one entry of the taxonomy: a stable code and its French and
// English labels.
type Term struct{ Code, FR, EN string }

// Label returns the term's label in lang ("en" or anything else for French),
// falling back to the other language when that one is empty.
func (t Term) Label(lang string) string {
	if (lang == "en" && t.EN != "") || t.FR == "" {
		return t.EN
	}
	return t.FR
}

// BrickFamily is a branch of the technology bricks tree (e.g. "Diagnostics")
// with its bricks (e.g. "Biomarkers").
type BrickFamily struct {
	Term
	Bricks []Term
}

// Capacity is a production-capacity attribute a provider can declare, with
// its unit (e.g. "m²", "L", "count").
type Capacity struct {
	Term
	Unit string
}

// FundingGroup is a family of funding schemes (e.g. "Bpifrance") and the
// names of its schemes.
type FundingGroup struct {
	Group   string
	Schemes []string
}

// Taxonomy is the cluster's shared vocabulary: what the directory, the
// matchmaking desk, the calls and the support programmes classify by.
type Taxonomy struct {
	Sectors        []Term // filières: medtech, biotech, …
	Kinds          []Term // organisation kinds: startup, sme, lab, …
	Colleges       []Term // membership colleges
	Steps          []Term // steps of the health-innovation value chain
	Bricks         []BrickFamily
	Certifications []Term // the code is the certification's usual name, e.g. "ISO 13485"
	Capacities     []Capacity
	FundingSchemes []FundingGroup
	PainPoints     []Term // Scan 360 pain-point categories

	index map[string]map[string]Term // list name → code → term
	order map[string]map[string]int  // "steps", "bricks" → code → position (bricks: each family before its bricks)
}

//go:embed taxonomy.json
var taxonomyJSON []byte

// taxonomyFile is the layout of taxonomy.json.
type taxonomyFile struct {
	Sectors        []Term `json:"sectors"`
	Kinds          []Term `json:"organisation_kinds"`
	Colleges       []Term `json:"colleges"`
	Steps          []Term `json:"value_chain_steps"`
	Certifications []Term `json:"certifications"`
	PainPoints     []Term `json:"scan360_pain_points"`
	Bricks         []struct {
		Code, FR, EN string
		Children     []Term `json:"children"`
	} `json:"technology_bricks"`
	Capacities []struct {
		Code, FR, EN, Unit string
	} `json:"capacity_attributes"`
	FundingSchemes []struct {
		Group   string   `json:"group"`
		Schemes []string `json:"schemes"`
	} `json:"funding_schemes"`
}

// current is the taxonomy in force: the embedded one with the staff's
// changes (Store.RefreshTaxonomy); nil until first refreshed.
var current atomic.Pointer[Taxonomy]

var loadTaxonomy = sync.OnceValue(func() *Taxonomy {
	t, err := parseTaxonomy(taxonomyJSON)
	if err != nil {
		panic(err) // the file is embedded: a broken one is a build bug, caught by the tests
	}
	return t
})

// LoadTaxonomy returns the taxonomy in force: the embedded one, parsed
// once, with the terms the staff added, renamed or merged since the last
// Store.RefreshTaxonomy. It is shared by the whole process (the taxonomy,
// like the configuration, is the cluster's). Callers must not modify it.
func LoadTaxonomy() *Taxonomy {
	if t := current.Load(); t != nil {
		return t
	}
	return loadTaxonomy()
}

// embeddedTaxonomy is the taxonomy as shipped.
func embeddedTaxonomy() *Taxonomy { return loadTaxonomy() }

func parseTaxonomy(b []byte) (*Taxonomy, error) {
	var f taxonomyFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("directory: taxonomy.json: %w", err)
	}
	t := &Taxonomy{
		Sectors: f.Sectors, Kinds: f.Kinds, Colleges: f.Colleges, Steps: f.Steps,
		Certifications: f.Certifications, PainPoints: f.PainPoints,
	}
	for _, fam := range f.Bricks {
		t.Bricks = append(t.Bricks, BrickFamily{Term: Term{fam.Code, fam.FR, fam.EN}, Bricks: fam.Children})
	}
	for _, c := range f.Capacities {
		t.Capacities = append(t.Capacities, Capacity{Term: Term{c.Code, c.FR, c.EN}, Unit: c.Unit})
	}
	for _, g := range f.FundingSchemes {
		t.FundingSchemes = append(t.FundingSchemes, FundingGroup{Group: g.Group, Schemes: g.Schemes})
	}
	if err := t.buildIndex(); err != nil {
		return nil, fmt.Errorf("directory: taxonomy.json: %w", err)
	}
	return t, nil
}

// buildIndex checks every list (non-empty, complete terms, unique codes)
// and indexes the terms by code.
func (t *Taxonomy) buildIndex() error {
	var bricks []Term
	for _, fam := range t.Bricks {
		bricks = append(bricks, fam.Term)
		bricks = append(bricks, fam.Bricks...)
	}
	var capacities []Term
	for _, c := range t.Capacities {
		capacities = append(capacities, c.Term)
	}
	t.order = map[string]map[string]int{"steps": {}, "bricks": {}}
	for i, s := range t.Steps {
		t.order["steps"][s.Code] = i
	}
	for i, b := range bricks {
		t.order["bricks"][b.Code] = i
	}
	t.index = map[string]map[string]Term{}
	lists := []struct {
		name  string
		terms []Term
	}{
		{"sectors", t.Sectors}, {"kinds", t.Kinds}, {"colleges", t.Colleges}, {"steps", t.Steps},
		{"bricks", bricks}, {"certifications", t.Certifications}, {"capacities", capacities},
		{"pain_points", t.PainPoints},
	}
	for _, l := range lists {
		if len(l.terms) == 0 {
			return fmt.Errorf("no %s", l.name)
		}
		m := make(map[string]Term, len(l.terms))
		for _, term := range l.terms {
			if term.Code == "" || term.FR == "" || term.EN == "" {
				return fmt.Errorf("%s: incomplete term %+v", l.name, term)
			}
			if _, dup := m[term.Code]; dup {
				return fmt.Errorf("%s: duplicate code %q", l.name, term.Code)
			}
			m[term.Code] = term
		}
		t.index[l.name] = m
	}
	return nil
}

func (t *Taxonomy) lookup(list, code string) (Term, bool) {
	term, ok := t.index[list][code]
	return term, ok
}

// Sector returns the sector with code.
func (t *Taxonomy) Sector(code string) (Term, bool) { return t.lookup("sectors", code) }

// Kind returns the organisation kind with code.
func (t *Taxonomy) Kind(code string) (Term, bool) { return t.lookup("kinds", code) }

// College returns the membership college with code.
func (t *Taxonomy) College(code string) (Term, bool) { return t.lookup("colleges", code) }

// Step returns the value-chain step with code.
func (t *Taxonomy) Step(code string) (Term, bool) { return t.lookup("steps", code) }

// Brick returns the technology brick, or brick family, with code.
func (t *Taxonomy) Brick(code string) (Term, bool) { return t.lookup("bricks", code) }

// Certification returns the certification with code (e.g. "ISO 13485").
func (t *Taxonomy) Certification(code string) (Term, bool) {
	return t.lookup("certifications", code)
}

// PainPoint returns the Scan 360 pain-point category with code.
func (t *Taxonomy) PainPoint(code string) (Term, bool) { return t.lookup("pain_points", code) }

// sectorRank orders sector codes as the taxonomy lists them.
func (t *Taxonomy) sectorRank(code string) int {
	for i, s := range t.Sectors {
		if s.Code == code {
			return i
		}
	}
	return len(t.Sectors)
}

// The membership college codes of the taxonomy.
const (
	CollegeLarge       = "large"
	CollegeSME         = "sme"
	CollegeResearch    = "research"
	CollegeAuthorities = "authorities"
)

// CollegeForKind returns the college an organisation of kind belongs to:
// large groups and mid-size companies sit with the large companies; startups,
// SMEs and consultancies with the SMEs; labs, platforms, hospitals, clinical
// investigation centres and schools with research; incubators, investors and
// local authorities with the development actors. It returns "" for an
// unknown kind.
func CollegeForKind(kind string) string {
	switch kind {
	case "large", "midcap":
		return CollegeLarge
	case "startup", "sme", "consultancy":
		return CollegeSME
	case "lab", "platform", "hospital", "cic", "training":
		return CollegeResearch
	case "incubator", "investor", "authority":
		return CollegeAuthorities
	}
	return ""
}
