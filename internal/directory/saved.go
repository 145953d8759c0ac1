package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// SavedSearch is a named directory selection: the search's URL query
// (without paging), which the search page, the booklet and the exports
// read back. Staff may share theirs with the other staff.
type SavedSearch struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Owner     string    `json:"owner"` // the user's name
	Name      string    `json:"name"`
	Query     string    `json:"query"`
	Shared    bool      `json:"shared"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Limits of a saved search.
const (
	savedNameMax  = 80
	savedQueryMax = 2000
	savedPerUser  = 50
)

// SaveSearch saves the search query under name for the user, replacing
// the query of the user's search of the same name. Only staff may share
// (the caller says whether the user is staff). A user keeps at most 50.
func (s *Store) SaveSearch(ctx context.Context, userID int64, name, query string, shared, staff bool) (SavedSearch, error) {
	name = strings.Join(strings.Fields(name), " ")
	var errs validate.Errors
	// The query is kept as url.Values encodes it (paging and language
	// dropped), so it can go into a link as it is.
	values, err := url.ParseQuery(strings.TrimPrefix(strings.TrimSpace(query), "?"))
	if err != nil {
		errs.Add("search_name", "directory.saved_query_invalid")
	}
	values.Del("offset")
	values.Del("lang")
	query = values.Encode()
	switch {
	case name == "":
		errs.Add("search_name", "validate.required")
	case utf8.RuneCountInString(name) > savedNameMax:
		errs.Add("search_name", "validate.too_long", savedNameMax)
	}
	if len(query) > savedQueryMax {
		errs.Add("search_name", "directory.saved_query_too_long")
	}
	if shared && !staff {
		errs.Add("shared", "directory.saved_share_staff")
	}
	if err := errs.Err(); err != nil {
		return SavedSearch{}, err
	}
	now := s.stamp()
	saved := SavedSearch{UserID: userID, Name: name, Query: query, Shared: shared, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		var before SavedSearch
		var sharedInt int
		err := tx.QueryRow(ctx, "SELECT id, query, shared, created_at FROM saved_searches WHERE user_id = ? AND name = ?", userID, name).
			Scan(&before.ID, &before.Query, &sharedInt, &before.CreatedAt)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM saved_searches WHERE user_id = ?", userID).Scan(&n); err != nil {
				return err
			}
			if n >= savedPerUser {
				var errs validate.Errors
				errs.Add("search_name", "directory.saved_too_many", savedPerUser)
				return errs.Err()
			}
			if err := tx.QueryRow(ctx, `INSERT INTO saved_searches (user_id, name, query, shared, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, userID, name, query, boolInt(shared), now, now).Scan(&saved.ID); err != nil {
				return err
			}
			return audit.Record(ctx, tx, "saved_search", saved.ID, "create", nil, saved)
		case err != nil:
			return err
		}
		before.UserID, before.Name, before.Shared = userID, name, sharedInt == 1
		saved.ID, saved.CreatedAt = before.ID, before.CreatedAt
		if _, err := tx.Exec(ctx, "UPDATE saved_searches SET query = ?, shared = ?, updated_at = ? WHERE id = ?",
			query, boolInt(shared), now, saved.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "saved_search", saved.ID, "update", before, saved)
	})
	if err != nil {
		if _, ok := validate.As(err); ok {
			return SavedSearch{}, err
		}
		return SavedSearch{}, fmt.Errorf("directory: save search: %w", err)
	}
	return saved, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SavedSearches lists the searches the user saved and, for staff, the
// ones other staff shared, by name.
func (s *Store) SavedSearches(ctx context.Context, userID int64, staff bool) ([]SavedSearch, error) {
	rows, err := s.db.Query(ctx, `SELECT s.id, s.user_id, u.name, s.name, s.query, s.shared, s.created_at, s.updated_at
		FROM saved_searches s JOIN users u ON u.id = s.user_id
		WHERE s.user_id = ? OR (? AND s.shared = 1)
		ORDER BY s.user_id <> ?, s.name, s.id`, userID, staff, userID)
	if err != nil {
		return nil, fmt.Errorf("directory: saved searches: %w", err)
	}
	defer rows.Close()
	var out []SavedSearch
	for rows.Next() {
		var v SavedSearch
		var shared int
		if err := rows.Scan(&v.ID, &v.UserID, &v.Owner, &v.Name, &v.Query, &shared, &v.CreatedAt, &v.UpdatedAt); err != nil {
			return nil, fmt.Errorf("directory: saved searches: %w", err)
		}
		v.Shared = shared == 1
		out = append(out, v)
	}
	return out, rows.Err()
}

// SavedSearch returns the saved search id if the user may use it (their
// own, or a shared one for staff); db.ErrNotFound otherwise.
func (s *Store) SavedSearch(ctx context.Context, userID, id int64, staff bool) (SavedSearch, error) {
	all, err := s.SavedSearches(ctx, userID, staff)
	if err != nil {
		return SavedSearch{}, err
	}
	for _, v := range all {
		if v.ID == id {
			return v, nil
		}
	}
	return SavedSearch{}, db.ErrNotFound
}

// DeleteSavedSearch deletes the user's saved search id; only its owner
// may (db.ErrNotFound for anyone else's).
func (s *Store) DeleteSavedSearch(ctx context.Context, userID, id int64) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		var v SavedSearch
		var shared int
		err := tx.QueryRow(ctx, "SELECT id, user_id, name, query, shared FROM saved_searches WHERE id = ? AND user_id = ?", id, userID).
			Scan(&v.ID, &v.UserID, &v.Name, &v.Query, &shared)
		if errors.Is(err, sql.ErrNoRows) {
			return db.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("directory: delete saved search: %w", err)
		}
		v.Shared = shared == 1
		if _, err := tx.Exec(ctx, "DELETE FROM saved_searches WHERE id = ?", id); err != nil {
			return fmt.Errorf("directory: delete saved search: %w", err)
		}
		return audit.Record(ctx, tx, "saved_search", id, "delete", v, nil)
	})
}
