package directory_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

func TestTheCorporateGroupIsStoredUpdatedAndImported(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := staffCtx()
		o := cardiolys()
		o.Group = "  Groupe \t Sanofi "
		created := mustCreate(t, s, o)
		if created.Group != "Groupe Sanofi" {
			t.Errorf("created group %q, want spaces trimmed and collapsed", created.Group)
		}
		got, err := s.Organisation(ctx, created.ID)
		if err != nil || got.Group != "Groupe Sanofi" {
			t.Fatalf("read back group %q, %v", got.Group, err)
		}
		got.Group = "AP-HP"
		if _, err := s.UpdateOrganisation(ctx, got); err != nil {
			t.Fatal(err)
		}
		if got, _ = s.Organisation(ctx, created.ID); got.Group != "AP-HP" {
			t.Errorf("updated group %q", got.Group)
		}
		if public := got.For(directory.Public); public.Group != "AP-HP" || slices.Contains(public.Hidden, "group") {
			t.Errorf("the group is identity, public to all: %q hidden %v", public.Group, public.Hidden)
		}

		// The bulk path: a create with a group, an update that clears one.
		before := got
		after := prepared(t, s, got)
		after.Group = ""
		if changed := directory.ChangedFields(before, after); !slices.Equal(changed, []string{"group"}) {
			t.Errorf("ChangedFields = %v, want [group]", changed)
		}
		imported := withProfile("Orthomed", "69002")
		imported.Group = "Groupe Lépine"
		created2, _, err := s.Import(ctx, []directory.Organisation{prepared(t, s, imported)}, []directory.ImportUpdate{{Before: before, After: after}})
		if err != nil {
			t.Fatal(err)
		}
		if g, _ := s.Organisation(ctx, created2[0].ID); g.Group != "Groupe Lépine" {
			t.Errorf("imported create: group %q", g.Group)
		}
		if g, _ := s.Organisation(ctx, created.ID); g.Group != "" {
			t.Errorf("imported update: group %q, want cleared", g.Group)
		}

		long := cardiolys()
		long.Name, long.Group = "Long", strings.Repeat("g", 201)
		_, err = s.CreateOrganisation(ctx, long)
		if errs, ok := validate.As(err); !ok {
			t.Errorf("a 201-character group: %v", err)
		} else if fe, ok := errs.For("group"); !ok || fe.Key != "validate.too_long" {
			t.Errorf("a 201-character group: %v", errs)
		}
	})
}

func TestSameGroupGivesEachGroupedOrganisationOneSpellingOfItsGroup(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := context.Background()
		org := func(name, group string) int64 {
			return mustCreate(t, s, directory.Organisation{Name: name, Kind: "sme", Group: group}).ID
		}
		pasteur := org("Sanofi Pasteur", "Groupe Sanofi")
		winthrop := org("Sanofi Winthrop Industrie", "GROUPE SANOFI")
		chu := org("Hôpital Saint-Louis", "AP-HP")
		lab := org("Laboratoire Saint-Louis", "ap hp")
		alone := org("Cardiolys", "")
		org("Orthomed", "Groupe Lépine")

		got, err := s.SameGroup(ctx, []int64{pasteur, winthrop, chu, lab, alone, pasteur, 999999})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{pasteur: "GROUPE SANOFI", winthrop: "GROUPE SANOFI", chu: "AP-HP", lab: "AP-HP"}
		if !maps.Equal(got, want) {
			t.Errorf("SameGroup = %v, want %v (independent, unknown and unasked organisations left out)", got, want)
		}
		if got[pasteur] == got[chu] {
			t.Error("two different groups compare equal")
		}
		if got, err := s.SameGroup(ctx, nil); err != nil || len(got) != 0 {
			t.Errorf("SameGroup(nil) = %v, %v", got, err)
		}

		groups, err := s.Groups(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(groups, []string{"AP-HP", "Groupe Lépine", "GROUPE SANOFI"}) {
			t.Errorf("Groups = %q, want one spelling each, in folded order", groups)
		}
	})
}

func TestAMembersGroupChangeWaitsForStaffAndIsSearchableOnceAccepted(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := staffCtx()
		o := mustCreate(t, s, directory.Organisation{Name: "Orthofab", Kind: "sme", Membership: directory.Member})
		edit := o
		edit.Group = "Groupe Lépine"
		stored, held, err := s.UpdateOwnProfile(ctx, edit)
		if err != nil || !held || stored.Group != "" {
			t.Fatalf("held %v, stored group %q, err %v: a public identity change waits", held, stored.Group, err)
		}
		changes, err := s.PendingChanges(ctx, o.ID)
		if err != nil || len(changes) != 1 {
			t.Fatalf("pending: %+v %v", changes, err)
		}
		if diff := changes[0].Diff; len(diff) != 1 || diff[0] != (directory.FieldDiff{Part: "group", Before: "", After: "Groupe Lépine"}) {
			t.Errorf("diff = %+v", diff)
		}
		if res := search(t, s, directory.SearchQuery{Text: "lepine"}); res.Total != 0 {
			t.Errorf("a pending group is searchable: %v", hitNames(res))
		}
		if _, err := s.DecideChange(ctx, changes[0].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Organisation(ctx, o.ID); got.Group != "Groupe Lépine" {
			t.Errorf("accepted group %q", got.Group)
		}
		if res := search(t, s, directory.SearchQuery{Text: "lepine"}); res.Total != 1 {
			t.Errorf("searching the group found %v", hitNames(res))
		}
	})
}
