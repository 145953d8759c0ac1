package calls

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"filiere/internal/auth"
)

// Viewer is who reads or acts: their account, role, organisation, and
// the expert record their account holds, if any.
type Viewer struct {
	UserID         int64
	Role           auth.Role
	OrganisationID int64
	ExpertID       int64 // 0: not in the expert pool
	Lang           string
}

// Staff reports whether the viewer runs the calls (staff or admin).
func (v Viewer) Staff() bool { return v.Role.IsStaff() }

// System is the viewer of the command line and of background jobs.
var System = Viewer{Role: auth.RoleAdmin}

// ViewerFor returns the viewer of a signed-in user (nil: anonymous),
// with their expert record.
func (s *Service) ViewerFor(ctx context.Context, u *auth.User) (Viewer, error) {
	if u == nil {
		return Viewer{}, nil
	}
	v := Viewer{UserID: u.ID, Role: u.Role, OrganisationID: u.OrganisationID, Lang: u.Lang}
	err := s.db.QueryRow(ctx, "SELECT id FROM experts WHERE user_id = ? AND active = 1", u.ID).Scan(&v.ExpertID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Viewer{}, fmt.Errorf("calls: viewer: %w", err)
	}
	return v, nil
}
