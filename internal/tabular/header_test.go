package tabular

import (
	"reflect"
	"testing"
)

var orgAliases = map[string][]string{
	"name":       {"Raison sociale", "Nom", "Company name"},
	"siret":      {"N° SIRET", "Numéro SIRET"},
	"postcode":   {"Code postal", "Postal code", "CP", "Zip"},
	"city":       {"Ville", "Commune"},
	"region":     {"Région"},
	"descr_fr":   {"Description (FR)", "Description française"},
	"employees":  {"Effectif", "Headcount"},
	"founded_in": {"Année de création", "Year founded"},
}

func TestMapHeaderMatchesFrenchAndEnglishSpellings(t *testing.T) {
	header := []string{"RAISON SOCIALE", "n° siret", "Code_Postal", "Ville ", "Commentaire", "", "annee-de-creation", "Nom"}
	cols, unknown, missing := MapHeader(header, orgAliases)
	want := Columns{"name": 0, "siret": 1, "postcode": 2, "city": 3, "founded_in": 6}
	if !reflect.DeepEqual(cols, want) {
		t.Errorf("columns = %v, want %v", cols, want)
	}
	if w := []string{"Commentaire", "Nom"}; !reflect.DeepEqual(unknown, w) {
		t.Errorf("unknown = %q, want %q (a second match for a name is unknown)", unknown, w)
	}
	if w := []string{"descr_fr", "employees", "region"}; !reflect.DeepEqual(missing, w) {
		t.Errorf("missing = %q, want %q", missing, w)
	}

	en := []string{"Company name", "Postal code", "Headcount", "region", "Year founded"}
	cols, unknown, _ = MapHeader(en, orgAliases)
	if want := (Columns{"name": 0, "postcode": 1, "employees": 2, "region": 3, "founded_in": 4}); !reflect.DeepEqual(cols, want) || unknown != nil {
		t.Errorf("columns = %v, unknown = %q; want %v and none", cols, unknown, want)
	}
}

func TestRaisonSocialeSpellingsAreEqual(t *testing.T) {
	for _, h := range []string{"Raison sociale", "raison_sociale", "RAISON SOCIALE", "Raison-Sociale", " raison.sociale "} {
		cols, _, _ := MapHeader([]string{h}, orgAliases)
		if cols["name"] != 0 || len(cols) != 1 {
			t.Errorf("MapHeader(%q) = %v, want name at 0", h, cols)
		}
	}
}

func TestColumnsGetTrimsAndToleratesMissingColumns(t *testing.T) {
	cols := Columns{"name": 0, "city": 1, "far": 5}
	row := Row{Line: 2, Cells: []string{"  Stérilis\u00a0", "Lyon"}}
	if got := cols.Get(row, "name"); got != "Stérilis" {
		t.Errorf("Get(name) = %q", got)
	}
	if got := cols.Get(row, "siret"); got != "" {
		t.Errorf("Get(siret) = %q, want \"\"", got)
	}
	if got := cols.Get(row, "far"); got != "" {
		t.Errorf("Get(far) = %q, want \"\"", got)
	}
	if !cols.Has("city") || cols.Has("siret") {
		t.Error("Has is wrong")
	}
}
