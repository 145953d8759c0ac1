package directory_test

import (
	"context"
	"slices"
	"testing"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

func usage(t *testing.T, s *directory.Store, vocabulary, code string) (directory.VocabTerm, bool) {
	t.Helper()
	terms, err := s.TermUsage(context.Background(), vocabulary)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(terms, func(v directory.VocabTerm) bool { return v.Code == code })
	if i < 0 {
		return directory.VocabTerm{}, false
	}
	return terms[i], true
}

func TestStaffAddRelabelAndMergeTaxonomyTerms(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		t.Cleanup(directory.ResetTaxonomy)
		s := directory.NewStore(d)
		ctx := staffCtx()
		orgs := providerFixture(t, s)
		if v, ok := usage(t, s, directory.VocabCertifications, "ISO 13485"); !ok || v.Usage != 2 {
			t.Errorf("ISO 13485 usage: %+v", v)
		}
		// Add a brick under its family, with a code the family prefixes.
		err := s.SaveTerm(ctx, directory.VocabBricks, directory.Term{Code: "laser", FR: "Découpe laser", EN: "Laser cutting"}, "mt")
		if fe, ok := validate.As(err); !ok || !has(fe, "code") {
			t.Errorf("a brick code without its family's prefix: %v", err)
		}
		if err := s.SaveTerm(ctx, directory.VocabBricks, directory.Term{Code: "mt.laser", FR: "Découpe laser", EN: "Laser cutting"}, "mt"); err != nil {
			t.Fatal(err)
		}
		if b, ok := directory.LoadTaxonomy().Brick("mt.laser"); !ok || b.Label("en") != "Laser cutting" {
			t.Fatalf("new brick: %+v %v", b, ok)
		}
		o := orgs["usinage"]
		o.Bricks = append(o.Bricks, "mt.laser")
		if _, err := s.UpdateOrganisation(ctx, o); err != nil {
			t.Fatalf("an organisation using the new brick: %v", err)
		}
		if v, _ := usage(t, s, directory.VocabBricks, "mt.laser"); v.Usage != 1 || v.Parent != "mt" {
			t.Errorf("mt.laser: %+v", v)
		}
		// Relabel a shipped step: the label changes and the search follows.
		if err := s.SaveTerm(ctx, directory.VocabSteps, directory.Term{Code: "clinical", FR: "Essais cliniques", EN: "Clinical trials"}, ""); err != nil {
			t.Fatal(err)
		}
		if got := hitNames(search(t, s, directory.SearchQuery{Text: "essais cliniques"})); !slices.Equal(got, []string{"BioProd Lyon"}) {
			t.Errorf("search by the new label: %v", got)
		}
		// Merge a certification into another: holders move, the term goes.
		if err := s.MergeTerm(ctx, directory.VocabCertifications, "BPF", "ISO 13485"); err != nil {
			t.Fatal(err)
		}
		if _, ok := usage(t, s, directory.VocabCertifications, "BPF"); ok {
			t.Error("BPF is still listed after the merge")
		}
		if v, _ := usage(t, s, directory.VocabCertifications, "ISO 13485"); v.Usage != 3 {
			t.Errorf("ISO 13485 after merge: %d", v.Usage)
		}
		bio, _ := s.Organisation(ctx, orgs["biocdmo"].ID)
		if len(bio.Certifications) != 1 || bio.Certifications[0].Code != "ISO 13485" {
			t.Errorf("BioProd's certifications after merge: %+v", bio.Certifications)
		}
		// Merging a sector into one an organisation already has keeps one row.
		if err := s.MergeTerm(ctx, directory.VocabSectors, "biotech", "medtech"); err != nil {
			t.Fatal(err)
		}
		lab, _ := s.Organisation(ctx, orgs["testlab"].ID)
		if !slices.Equal(lab.Sectors, []string{"medtech"}) {
			t.Errorf("sectors after merge: %v", lab.Sectors)
		}
		if res := search(t, s, directory.SearchQuery{Sector: "medtech"}); res.Total != 3 {
			t.Errorf("medtech after merge: %d", res.Total)
		}
		// A family with bricks cannot be merged; unknown terms are refused.
		if err := s.MergeTerm(ctx, directory.VocabBricks, "mt", "bt"); err == nil {
			t.Error("merged a family that still has bricks")
		}
		if err := s.MergeTerm(ctx, directory.VocabSteps, "nope", "clinical"); err == nil {
			t.Error("merged an unknown term")
		}
		// Another process (a restart) sees the same taxonomy.
		directory.ResetTaxonomy()
		if err := directory.NewStore(d).RefreshTaxonomy(ctx); err != nil {
			t.Fatal(err)
		}
		tax := directory.LoadTaxonomy()
		if _, ok := tax.Certification("BPF"); ok {
			t.Error("BPF back after a refresh")
		}
		if st, _ := tax.Step("clinical"); st.Label("fr") != "Essais cliniques" {
			t.Errorf("relabel lost after a refresh: %+v", st)
		}
	})
}
