package importer

import (
	"testing"

	"filiere/internal/directory"
)

func TestEverySpellingNamesOneColumn(t *testing.T) {
	owner := map[string]string{}
	for _, c := range allColumns() {
		for _, s := range append([]string{c.name, c.fr}, c.aliases...) {
			k := compact(s)
			if prev, taken := owner[k]; taken && prev != c.name {
				t.Errorf("%q names both %s and %s", s, prev, c.name)
			}
			owner[k] = c.name
		}
	}
}

func TestVocabulariesReadCodesLabelsAndTheirParts(t *testing.T) {
	v := vocab()
	for _, c := range []struct {
		voc        vocabulary
		cell, want string
	}{
		{v.kinds, "sme", "sme"}, {v.kinds, "PME", "sme"}, {v.kinds, "tpe", "sme"}, {v.kinds, "PME / TPE", "sme"},
		{v.kinds, "SME", "sme"}, {v.kinds, "start up", "startup"}, {v.kinds, "CHU", "hospital"},
		{v.kinds, "Établissement de santé", "hospital"}, {v.kinds, "etablissement de sante (chu)", "hospital"},
		{v.sectors, "Medtech", "medtech"}, {v.sectors, "Biotechnologies", "biotech"}, {v.sectors, "DIGITAL", "digital"},
		{v.steps, "Preuve de concept", "poc"}, {v.bricks, "mt.machining", "mt.machining"},
		{v.bricks, "Usinage et micro-usinage", "mt.machining"}, {v.certifications, "iso13485", "ISO 13485"},
		{v.memberships, "Adhérent", directory.Member}, {v.memberships, "oui", directory.Member},
		{v.memberships, "Former member", directory.Former}, {v.headcounts, "10 à 49 salariés", "10-49"},
		{v.revenues, "2 à 10 M€", "2m_10m"},
	} {
		if got, ok := c.voc.lookup(c.cell); !ok || got != c.want {
			t.Errorf("lookup(%q) = %q, %v; want %q", c.cell, got, ok, c.want)
		}
	}
	if got, ok := v.kinds.lookup("Boulangerie"); ok {
		t.Errorf("an unknown kind read as %q", got)
	}
}

func TestNumbersReadAsBands(t *testing.T) {
	for cell, want := range map[string]string{"7": "1-9", "35": "10-49", "1 200": "250-4999", "10-49": "10-49", "5000+": "5000+", "12000": "5000+"} {
		if got, ok := headcountBand(cell); !ok || got != want {
			t.Errorf("headcountBand(%q) = %q, %v; want %q", cell, got, ok, want)
		}
	}
	for cell, want := range map[string]string{"1 500 000": "under_2m", "3,5 M€": "2m_10m", "800 k€": "under_2m",
		"12M": "10m_50m", "2 Md€": "over_1500m", "under_2m": "under_2m", "Plus de 1,5 Md€": "over_1500m"} {
		if got, ok := revenueBand(cell); !ok || got != want {
			t.Errorf("revenueBand(%q) = %q, %v; want %q", cell, got, ok, want)
		}
	}
	for _, cell := range []string{"0", "beaucoup", "-3"} {
		if got, ok := headcountBand(cell); ok {
			t.Errorf("headcountBand(%q) = %q", cell, got)
		}
	}
}
