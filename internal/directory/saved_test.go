package directory_test

import (
	"errors"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

// insertUser adds a user row for the saved-search tests.
func insertUser(t *testing.T, d *db.DB, email, role string) int64 {
	t.Helper()
	var id int64
	now := time.Now().UTC()
	if err := d.QueryRow(staffCtx(), "INSERT INTO users (email, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
		email, email, role, now, now).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSavedSearchesBelongToTheirOwnerAndStaffShareTheirs(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := directory.NewStore(d)
		ctx := staffCtx()
		member := insertUser(t, d, "lea@orthofab.example", "member")
		staff := insertUser(t, d, "camille@cluster.example", "staff")
		other := insertUser(t, d, "paul@cluster.example", "staff")

		mine, err := s.SaveSearch(ctx, member, "  Salles   blanches ISO 7 ", "?q=salle+blanche&capacity=cleanroom_class", false, false)
		if err != nil || mine.Name != "Salles blanches ISO 7" || mine.Query != "capacity=cleanroom_class&q=salle+blanche" {
			t.Fatalf("save: %+v %v", mine, err)
		}
		// Saving under the same name replaces the query, keeps the id.
		again, err := s.SaveSearch(ctx, member, "Salles blanches ISO 7", "q=salle+blanche&region=BFC", false, false)
		if err != nil || again.ID != mine.ID || again.Query != "q=salle+blanche&region=BFC" {
			t.Fatalf("save again: %+v %v", again, err)
		}
		// A member cannot share; a name is required.
		_, err = s.SaveSearch(ctx, member, "Partagée", "q=x", true, false)
		if fe, ok := validate.As(err); !ok || !has(fe, "shared") {
			t.Errorf("member sharing: %v", err)
		}
		_, err = s.SaveSearch(ctx, member, "   ", "q=x", false, false)
		if fe, ok := validate.As(err); !ok || !has(fe, "search_name") {
			t.Errorf("empty name: %v", err)
		}
		shared, err := s.SaveSearch(ctx, other, "Sous-traitants ISO 13485", "certification=iso13485", true, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveSearch(ctx, other, "Brouillon", "q=brouillon", false, true); err != nil {
			t.Fatal(err)
		}

		list := func(user int64, staff bool) []string {
			t.Helper()
			got, err := s.SavedSearches(ctx, user, staff)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, v := range got {
				names = append(names, v.Name+"/"+v.Owner)
			}
			return names
		}
		if got := list(member, false); len(got) != 1 || got[0] != "Salles blanches ISO 7/lea@orthofab.example" {
			t.Errorf("member sees %v", got)
		}
		// Staff see their own first, then what other staff shared, never
		// another staff member's private searches.
		if got := list(staff, true); len(got) != 1 || got[0] != "Sous-traitants ISO 13485/paul@cluster.example" {
			t.Errorf("staff sees %v", got)
		}
		if _, err := s.SavedSearch(ctx, staff, shared.ID, true); err != nil {
			t.Errorf("staff reading a shared search: %v", err)
		}
		if _, err := s.SavedSearch(ctx, member, shared.ID, false); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("member reading staff's shared search: %v", err)
		}
		// Only the owner deletes.
		if err := s.DeleteSavedSearch(ctx, staff, shared.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("deleting another's search: %v", err)
		}
		if err := s.DeleteSavedSearch(ctx, member, mine.ID); err != nil {
			t.Fatal(err)
		}
		if got := list(member, false); len(got) != 0 {
			t.Errorf("after delete: %v", got)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'saved_search'").Scan(&n); err != nil || n != 5 {
			t.Errorf("%d audit rows (%v), want 5", n, err)
		}
	})
}
