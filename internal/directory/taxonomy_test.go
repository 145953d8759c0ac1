package directory_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"filiere/internal/directory"
	"filiere/internal/i18n"
)

func TestTaxonomyHasTheClusterVocabulary(t *testing.T) {
	tax := directory.LoadTaxonomy()
	if tax != directory.LoadTaxonomy() {
		t.Error("LoadTaxonomy parses the file more than once")
	}
	if len(tax.Sectors) != 7 || len(tax.Kinds) != 13 || len(tax.Colleges) != 4 {
		t.Fatalf("sectors %d, kinds %d, colleges %d", len(tax.Sectors), len(tax.Kinds), len(tax.Colleges))
	}
	if len(tax.Steps) == 0 || len(tax.Bricks) == 0 || len(tax.Certifications) == 0 ||
		len(tax.Capacities) == 0 || len(tax.FundingSchemes) == 0 || len(tax.PainPoints) == 0 {
		t.Fatalf("a list is empty: %+v", tax)
	}
	if s, ok := tax.Sector("medtech"); !ok || s.Label("en") != "Medical devices (Medtech)" || s.Label("fr") != "Dispositifs médicaux (Medtech)" {
		t.Errorf("Sector(medtech) = %+v, %v", s, ok)
	}
	if _, ok := tax.Sector("aerospace"); ok {
		t.Error("Sector(aerospace) found")
	}
	if k, ok := tax.Kind("cic"); !ok || k.Label("fr") != "Centre d'investigation clinique" {
		t.Errorf("Kind(cic) = %+v, %v", k, ok)
	}
	if c, ok := tax.College("research"); !ok || c.EN != "Research labs and organisations" {
		t.Errorf("College(research) = %+v, %v", c, ok)
	}
	if b, ok := tax.Brick("dx.biomarkers"); !ok || b.FR != "Biomarqueurs" {
		t.Errorf("Brick(dx.biomarkers) = %+v, %v", b, ok)
	}
	if b, ok := tax.Brick("mt"); !ok || b.EN != "Medical technologies" {
		t.Errorf("Brick(mt) = %+v, %v", b, ok)
	}
	if c, ok := tax.Certification("ISO 13485"); !ok || c.EN != "Medical devices quality management" {
		t.Errorf("Certification(ISO 13485) = %+v, %v", c, ok)
	}
	if s, ok := tax.Step("clinical"); !ok || s.FR != "Investigation clinique" {
		t.Errorf("Step(clinical) = %+v, %v", s, ok)
	}
	if p, ok := tax.PainPoint("fundraising"); !ok || p.FR != "Levée de fonds" {
		t.Errorf("PainPoint(fundraising) = %+v, %v", p, ok)
	}
	if tax.Capacities[0].Unit == "" {
		t.Errorf("capacity without unit: %+v", tax.Capacities[0])
	}
}

func TestEveryKindBelongsToACollege(t *testing.T) {
	tax := directory.LoadTaxonomy()
	for _, k := range tax.Kinds {
		c := directory.CollegeForKind(k.Code)
		if _, ok := tax.College(c); !ok {
			t.Errorf("kind %s: college %q is not in the taxonomy", k.Code, c)
		}
	}
	if got := directory.CollegeForKind("startup"); got != directory.CollegeSME {
		t.Errorf("startup → %q", got)
	}
	if got := directory.CollegeForKind("hospital"); got != directory.CollegeResearch {
		t.Errorf("hospital → %q", got)
	}
	if got := directory.CollegeForKind("nonsense"); got != "" {
		t.Errorf("unknown kind → %q", got)
	}
}

func TestLabelFallsBackToTheOtherLanguage(t *testing.T) {
	if got := (directory.Term{Code: "x", FR: "Français"}).Label("en"); got != "Français" {
		t.Errorf("Label(en) without English = %q", got)
	}
	if got := (directory.Term{Code: "x", EN: "English"}).Label("fr"); got != "English" {
		t.Errorf("Label(fr) without French = %q", got)
	}
	o := directory.Organisation{DescriptionEN: "Designs implants."}
	if got := o.Description("fr"); got != "Designs implants." {
		t.Errorf("Description(fr) without French = %q", got)
	}
	o.DescriptionFR = "Conçoit des implants."
	if o.Description("fr") != "Conçoit des implants." || o.Description("en") != "Designs implants." {
		t.Errorf("Description = %q / %q", o.Description("fr"), o.Description("en"))
	}
}

func TestCitiesAreTheFortyFourClusterCities(t *testing.T) {
	cities := directory.Cities()
	if len(cities) != 44 {
		t.Fatalf("%d cities", len(cities))
	}
	var nice *directory.City
	for i, c := range cities {
		if c.Name == "" || len(c.Postcode) != 5 || c.Departement == "" || c.Region == "" {
			t.Errorf("incomplete city %+v", c)
		}
		if c.Lat < 41 || c.Lat > 52 || c.Lon < -5.5 || c.Lon > 10 {
			t.Errorf("%s lies outside metropolitan France: %v, %v", c.Name, c.Lat, c.Lon)
		}
		if c.Name == "Nice" {
			nice = &cities[i]
		}
	}
	if nice == nil || nice.Postcode != "06000" || nice.Departement != "06" || nice.Region != "Provence-Alpes-Côte d'Azur" {
		t.Errorf("Nice = %+v (leading zeros must survive)", nice)
	}
}

func TestFoldIgnoresCaseAccentsAndPunctuation(t *testing.T) {
	for in, want := range map[string]string{
		"Saint-Étienne":               "saint etienne",
		"  CŒUR   d’Île ":             "coeur d ile",
		"Plateforme Imagerie Préclin": "plateforme imagerie preclin",
		"ÇA, C'EST ÉVRY!":             "ca c est evry",
		"Neurovance2":                 "neurovance2",
		"":                            "",
	} {
		if got := directory.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEveryMessageKeyIsInTheCatalog reads the package's sources for message
// keys and checks that the catalogs hold each one.
func TestEveryMessageKeyIsInTheCatalog(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"((?:directory|validate)\.[a-z_]+(?:\.[a-z_]+)*)"`)
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !i18n.Has(m[1]) {
				t.Errorf("%s: message key %q is not in the catalogs", f, m[1])
			}
		}
	}
	if seen == 0 {
		t.Error("found no message key in the sources")
	}
	for _, m := range directory.Memberships {
		if !i18n.Has(directory.MembershipKey(m)) {
			t.Errorf("no label for membership %q", m)
		}
	}
}
