package directory

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"  // or PNG
	"net/http"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// Logo limits: the file's size and the image's sides.
const (
	MaxLogoBytes = 512 << 10
	maxLogoSide  = 4000
)

// Logo is an organisation's logo as stored.
type Logo struct {
	ContentType string // image/png or image/jpeg
	Data        []byte
	UpdatedAt   time.Time
}

// SetLogo stores data as the logo of organisation id, replacing any
// previous one. Only PNG and JPEG images of at most MaxLogoBytes and
// maxLogoSide pixels a side are accepted (checked by decoding the header,
// whatever the file claims); anything else is a validation error on "logo".
func (s *Store) SetLogo(ctx context.Context, id int64, data []byte) error {
	var errs validate.Errors
	ct := http.DetectContentType(data)
	switch {
	case len(data) == 0:
		errs.Add("logo", "validate.required")
	case len(data) > MaxLogoBytes:
		errs.Add("logo", "directory.logo_size", MaxLogoBytes>>10)
	case ct != "image/png" && ct != "image/jpeg":
		errs.Add("logo", "directory.logo_type")
	default:
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxLogoSide || cfg.Height > maxLogoSide {
			errs.Add("logo", "directory.logo_type")
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	now := s.stamp()
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE organisations SET updated_at = ? WHERE id = ?", now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		if _, err := tx.Exec(ctx, `INSERT INTO organisation_logos (organisation_id, content_type, data, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (organisation_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data,
			updated_at = excluded.updated_at`, id, ct, data, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "organisation", id, "logo", nil, map[string]any{"content_type": ct, "bytes": len(data)})
	})
	if err != nil {
		return fmt.Errorf("directory: set logo of %d: %w", id, err)
	}
	if o, err := s.Organisation(ctx, id); err == nil {
		s.indexed(o)
	}
	return nil
}

// Logo returns the logo of organisation id, or db.ErrNotFound.
func (s *Store) Logo(ctx context.Context, id int64) (Logo, error) {
	var l Logo
	err := s.db.QueryRow(ctx, "SELECT content_type, data, updated_at FROM organisation_logos WHERE organisation_id = ?", id).
		Scan(&l.ContentType, &l.Data, &l.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Logo{}, db.ErrNotFound
	}
	if err != nil {
		return Logo{}, fmt.Errorf("directory: logo of %d: %w", id, err)
	}
	return l, nil
}
