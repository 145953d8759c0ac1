package directory_test

import (
	"errors"
	"slices"
	"testing"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

func TestAMembersPublicEditsWaitForStaffAndTheRestApplyAtOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := staffCtx()
		o := mustCreate(t, s, directory.Organisation{Name: "Orthofab", Kind: "sme", Membership: directory.Member,
			City: "Lyon", Sectors: []string{"medtech"}, Revenue: "2m_10m", Equipment: "tour CN"})
		edit := o
		edit.Revenue = "10m_50m"                                                                         // members-only by default: applies at once
		edit.DescriptionFR = "Implants sur mesure."                                                      // public: waits
		edit.Bricks = []string{"mt.machining"}                                                           // public: waits
		edit.Visibility = map[string]directory.Visibility{directory.FieldEquipment: directory.StaffOnly} // less visible: at once
		stored, held, err := s.UpdateOwnProfile(ctx, edit)
		if err != nil || !held {
			t.Fatalf("held %v err %v", held, err)
		}
		if stored.Revenue != "10m_50m" || stored.DescriptionFR != "" || len(stored.Bricks) != 0 || stored.VisibilityOf(directory.FieldEquipment) != directory.StaffOnly {
			t.Errorf("stored at once: revenue %q description %q bricks %v equipment %s", stored.Revenue, stored.DescriptionFR, stored.Bricks, stored.VisibilityOf(directory.FieldEquipment))
		}
		// Not searchable by the waiting words yet.
		if res := search(t, s, directory.SearchQuery{Text: "implants mesure", Viewer: directory.StaffOnly}); res.Total != 0 {
			t.Errorf("pending words are searchable: %v", hitNames(res))
		}
		changes, err := s.PendingChanges(ctx, 0)
		if err != nil || len(changes) != 1 {
			t.Fatalf("pending: %+v %v", changes, err)
		}
		var parts []string
		for _, p := range changes[0].Diff {
			parts = append(parts, p.Part)
		}
		if !slices.Equal(parts, []string{"description", "bricks"}) {
			t.Errorf("diff parts %v, want [description bricks]", parts)
		}
		// A second proposal supersedes the first.
		edit.DescriptionFR = "Implants orthopédiques sur mesure."
		if _, held, err := s.UpdateOwnProfile(ctx, edit); err != nil || !held {
			t.Fatalf("second proposal: %v %v", held, err)
		}
		changes, _ = s.PendingChanges(ctx, o.ID)
		if len(changes) != 1 {
			t.Fatalf("%d pending after a second proposal", len(changes))
		}
		if _, err := s.DecideChange(ctx, changes[0].ID-1, true, ""); !errors.Is(err, directory.ErrChangeDecided) {
			t.Errorf("deciding a superseded change: %v", err)
		}
		// A rejection needs a reason and changes nothing.
		if _, err := s.DecideChange(ctx, changes[0].ID, false, " "); err == nil {
			t.Error("a rejection without a reason was accepted")
		} else if _, ok := validate.As(err); !ok {
			t.Errorf("rejection without reason: %v", err)
		}
		// Staff edit meanwhile: accepting applies only the proposed parts.
		cur, _ := s.Organisation(ctx, o.ID)
		cur.Website = "https://orthofab.example"
		if _, err := s.UpdateOrganisation(ctx, cur); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DecideChange(ctx, changes[0].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Organisation(ctx, o.ID)
		if got.DescriptionFR != "Implants orthopédiques sur mesure." || !slices.Equal(got.Bricks, []string{"mt.machining"}) ||
			got.Website != "https://orthofab.example" || got.Revenue != "10m_50m" {
			t.Errorf("after acceptance: %+v", got)
		}
		if res := search(t, s, directory.SearchQuery{Text: "orthopediques", Brick: "mt.machining"}); res.Total != 1 {
			t.Errorf("accepted words not searchable: %d", res.Total)
		}
		if _, err := s.DecideChange(ctx, changes[0].ID, false, "trop tard"); !errors.Is(err, directory.ErrChangeDecided) {
			t.Errorf("deciding twice: %v", err)
		}
		// Only private changes: nothing waits.
		got.Revenue = "under_2m"
		if _, held, err := s.UpdateOwnProfile(ctx, got); err != nil || held {
			t.Errorf("private-only edit: held %v err %v", held, err)
		}
	})
}
