package directory_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

// prepared returns o as Prepare returns it, or fails the test.
func prepared(t *testing.T, s *directory.Store, o directory.Organisation) directory.Organisation {
	t.Helper()
	p, err := s.Prepare(o)
	if err != nil {
		t.Fatalf("Prepare(%s): %v", o.Name, err)
	}
	return p
}

func rowCount(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// withProfile is cardiolys with every profile list filled.
func withProfile(name, postcode string) directory.Organisation {
	o := cardiolys()
	o.Name, o.Postcode = name, postcode
	o.SIRET = "81234567600017"
	o.Steps, o.Bricks = []string{"regulatory", "design"}, []string{"mt.implants"}
	o.Services = []directory.Service{{TitleFR: "Conception d'implants " + name, TitleEN: "Implant design", Step: "design"}}
	o.Certifications = []directory.Certification{{Code: "ISO 13485", Issuer: "GMED", ValidUntil: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)}}
	o.Capacities = []directory.CapacityValue{{Attribute: "cleanroom_area", Value: 120.5}}
	o.Keywords = []string{"implants", "titane"}
	return o
}

func TestImportWritesCreatesAndUpdatesAsTheSingleWritesDo(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := staffCtx()
		existing := mustCreate(t, s, directory.Organisation{Name: "Neurovance", Kind: "sme", Postcode: "21000"})
		audits := rowCount(t, d, "audit_log")
		if _, err := s.Search(ctx, directory.SearchQuery{}); err != nil { // builds the facet index before the import
			t.Fatal(err)
		}
		after := prepared(t, s, withProfile("Neurovance", "21000"))
		after.ID = existing.ID
		creates := []directory.Organisation{prepared(t, s, withProfile("Stérilix", "25000")), prepared(t, s, withProfile("Orthomed", "69002"))}
		created, updated, err := s.Import(ctx, creates, []directory.ImportUpdate{{Before: existing, After: after}})
		if err != nil {
			t.Fatal(err)
		}
		if len(created) != 2 || created[0].ID == 0 || created[1].ID == 0 || created[0].ID == created[1].ID || len(updated) != 1 {
			t.Fatalf("created %+v, updated %+v", created, updated)
		}
		for _, want := range append(created, updated...) {
			got, err := s.Organisation(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if changed := directory.ChangedFields(want, got); len(changed) != 0 {
				t.Errorf("%s stored differs on %v", want.Name, changed)
			}
			if !got.UpdatedAt.Equal(want.UpdatedAt) || !got.CreatedAt.Equal(want.CreatedAt) {
				t.Errorf("%s times: stored %v/%v, returned %v/%v", want.Name, got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
			}
		}
		if !updated[0].CreatedAt.Equal(existing.CreatedAt) || !updated[0].UpdatedAt.After(existing.UpdatedAt) {
			t.Errorf("update times %v %v (was %v %v)", updated[0].CreatedAt, updated[0].UpdatedAt, existing.CreatedAt, existing.UpdatedAt)
		}
		res, err := s.Search(ctx, directory.SearchQuery{Text: "conception implants", Viewer: directory.StaffOnly, Brick: "mt.implants"})
		if err != nil || res.Total != 3 {
			t.Errorf("search finds %d of the 3 imported organisations (%v)", res.Total, err)
		}
		entries, _, err := audit.List(context.Background(), d, audit.Filter{Entity: "organisation"})
		if err != nil || rowCount(t, d, "audit_log") != audits+3 {
			t.Fatalf("audit: %d rows, want %d (%v)", rowCount(t, d, "audit_log"), audits+3, err)
		}
		actions := map[string]string{}
		for _, e := range entries[:3] {
			actions[e.EntityID] = e.Action
			if e.Actor != "camille@cluster.example" || e.After == "" {
				t.Errorf("audit entry %+v", e)
			}
		}
		if actions[fmt.Sprint(existing.ID)] != "update" || actions[fmt.Sprint(created[0].ID)] != "create" {
			t.Errorf("audit actions %v", actions)
		}
	})
}

func TestImportWritesNothingWhenOneOrganisationIsInvalid(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		good := prepared(t, s, withProfile("Stérilix", "25000"))
		for name, bad := range map[string]directory.Organisation{
			"without kind":  {Name: "Sans type"},
			"invalid SIRET": func() directory.Organisation { o := good; o.Name, o.SIRET = "Orthomed", "81234567600018"; return o }(),
		} {
			_, _, err := s.Import(staffCtx(), []directory.Organisation{good, bad}, nil)
			if !errors.Is(err, directory.ErrNotPrepared) {
				t.Errorf("%s: err = %v", name, err)
			}
			if n := rowCount(t, d, "organisations") + rowCount(t, d, "audit_log") + rowCount(t, d, "organisation_search"); n != 0 {
				t.Errorf("%s: %d rows written", name, n)
			}
		}
		_, _, err := s.Import(staffCtx(), []directory.Organisation{{Name: "Sans type"}}, nil)
		if fe, ok := validate.As(err); !ok || fe[0].Field != "kind" {
			t.Errorf("invalid organisation: %v, want its validate.Errors", err)
		}
	})
}

func TestImportRefusesToUpdateAnOrganisationChangedSinceItWasRead(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := staffCtx()
		before := mustCreate(t, s, directory.Organisation{Name: "Neurovance", Kind: "sme"})
		edited := before
		edited.City = "Dijon"
		if _, err := s.UpdateOrganisation(ctx, edited); err != nil {
			t.Fatal(err)
		}
		after := prepared(t, s, before)
		after.City = "Lyon"
		_, _, err := s.Import(ctx, []directory.Organisation{prepared(t, s, withProfile("Stérilix", "25000"))},
			[]directory.ImportUpdate{{Before: before, After: after}})
		if !errors.Is(err, directory.ErrChanged) {
			t.Fatalf("err = %v, want ErrChanged", err)
		}
		got, _ := s.Organisation(ctx, before.ID)
		if got.City != "Dijon" || rowCount(t, d, "organisations") != 1 {
			t.Errorf("after a refused import: city %q, %d organisations", got.City, rowCount(t, d, "organisations"))
		}
	})
}

func TestImportTellsApartOrganisationsWithTheSameNameAndPostcode(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		var creates []directory.Organisation
		for i := range 3 {
			o := withProfile("Clinique du Parc", "21000")
			o.Services[0].TitleFR = fmt.Sprintf("Service %d", i)
			creates = append(creates, prepared(t, s, o))
		}
		created, _, err := s.Import(staffCtx(), creates, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, o := range created {
			got, err := s.Organisation(staffCtx(), o.ID)
			if err != nil || got.Services[0].TitleFR != fmt.Sprintf("Service %d", i) {
				t.Errorf("organisation %d: %+v, %v", i, got.Services, err)
			}
		}
	})
}

func TestChangedFieldsNamesEachDifference(t *testing.T) {
	base := withProfile("Stérilix", "25000")
	for _, c := range []struct {
		change func(o *directory.Organisation)
		want   []string
	}{
		{func(o *directory.Organisation) {}, nil},
		{func(o *directory.Organisation) { o.ID, o.UpdatedAt, o.HasLogo = 99, time.Now(), true }, nil},
		{func(o *directory.Organisation) { o.City = "Dole" }, []string{"city"}},
		{func(o *directory.Organisation) { o.Latitude += 0.001 }, []string{"coordinates"}},
		{func(o *directory.Organisation) { o.HasCoords = false }, []string{"coordinates"}},
		{func(o *directory.Organisation) { o.Certifications = nil }, []string{"certifications"}},
		{func(o *directory.Organisation) {
			o.Certifications = []directory.Certification{{Code: "ISO 13485", Issuer: "GMED", ValidUntil: time.Date(2027, 6, 30, 0, 0, 0, 0, time.FixedZone("CEST", 7200)).UTC().Add(2 * time.Hour)}}
		}, nil},
		{func(o *directory.Organisation) { o.Services = slices.Clone(o.Services); o.Services[0].Step = "" }, []string{"services"}},
		{func(o *directory.Organisation) { o.SIRET, o.Name = "", "X" }, []string{"name", "siret"}},
		{func(o *directory.Organisation) { o.Group = "Groupe Lépine" }, []string{"group"}},
		{func(o *directory.Organisation) {
			o.Visibility = map[string]directory.Visibility{directory.FieldSIRET: directory.StaffOnly}
		}, []string{"visibility"}},
	} {
		o := base
		c.change(&o)
		if got := directory.ChangedFields(base, o); !slices.Equal(got, c.want) {
			t.Errorf("ChangedFields = %v, want %v", got, c.want)
		}
	}
}
