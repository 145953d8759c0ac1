package directory_test

import (
	"slices"
	"testing"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
)

func TestImportKeysIndexEveryOrganisationByNumberAndName(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		a := mustCreate(t, s, directory.Organisation{Name: "Clinique Saint-Étienne", Kind: "hospital", Postcode: "21 000", SIRET: "812 345 676 00017"})
		b := mustCreate(t, s, directory.Organisation{Name: "Clinique saint etienne", Kind: "hospital", Postcode: "21000", SIRET: "812345676"})
		c := mustCreate(t, s, directory.Organisation{Name: "Orthomed", Kind: "sme", Postcode: "bt1 5gs"})
		k, err := s.ImportKeys(staffCtx())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(k.BySIRET["81234567600017"], []int64{a.ID}) || !slices.Equal(k.BySIRET["812345676"], []int64{b.ID}) {
			t.Errorf("BySIRET = %v", k.BySIRET)
		}
		if !slices.Equal(k.BySIREN["812345676"], []int64{a.ID, b.ID}) {
			t.Errorf("BySIREN = %v", k.BySIREN)
		}
		if got := k.ByNamePostcode[directory.NameKey("CLINIQUE ST-ETIENNE", "21000")]; got != nil {
			t.Errorf("a different name matched: %v", got)
		}
		if got := k.ByNamePostcode[directory.NameKey("clinique  Saint Étienne", "21000")]; !slices.Equal(got, []int64{a.ID, b.ID}) {
			t.Errorf("ByNamePostcode = %v", got)
		}
		if got := k.ByNamePostcode[directory.NameKey("ORTHOMED", "BT15GS")]; !slices.Equal(got, []int64{c.ID}) {
			t.Errorf("postcode spacing and case: %v", got)
		}
		if k.SIRET[c.ID] != "" || k.SIRET[b.ID] != "812345676" {
			t.Errorf("SIRET = %v", k.SIRET)
		}
	})
}

func TestOrganisationsByIDLoadsWholeProfilesAndSkipsMissingIDs(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		a := mustCreate(t, s, withProfile("Stérilix", "25000"))
		b := mustCreate(t, s, directory.Organisation{Name: "Orthomed", Kind: "sme"})
		got, err := s.OrganisationsByID(staffCtx(), []int64{b.ID, a.ID, a.ID, 9999})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("%d organisations, want 2", len(got))
		}
		if changed := directory.ChangedFields(a, got[a.ID]); len(changed) != 0 {
			t.Errorf("Stérilix loaded differs on %v", changed)
		}
		if got[b.ID].Name != "Orthomed" || got[b.ID].Services == nil {
			t.Errorf("Orthomed loaded as %+v", got[b.ID])
		}
	})
}
