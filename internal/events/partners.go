package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// SetExhibitor puts an organisation on an event's exhibitors, with its
// stand, or changes its stand (staff).
func (s *Service) SetExhibitor(ctx context.Context, eventID, orgID int64, stand string) error {
	stand = strings.TrimSpace(stand)
	var errs validate.Errors
	checkText(&errs, "stand", stand, false, maxStand)
	if err := errs.Err(); err != nil {
		return err
	}
	if err := s.checkOrganisation(ctx, orgID); err != nil {
		return err
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := lockEvent(ctx, tx, eventID); err != nil {
			return err
		}
		before, err := exhibitorRow(ctx, tx, eventID, orgID)
		if err != nil {
			return err
		}
		after := Exhibitor{OrganisationID: orgID, Stand: stand}
		if _, err := tx.Exec(ctx, "INSERT INTO event_exhibitors (event_id, organisation_id, stand) VALUES (?, ?, ?)"+
			" ON CONFLICT (event_id, organisation_id) DO UPDATE SET stand = excluded.stand", eventID, orgID, stand); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event_exhibitor", fmt.Sprintf("%d/%d", eventID, orgID), "set", before, after)
	})
	if err != nil {
		return fmt.Errorf("events: set exhibitor: %w", err)
	}
	return nil
}

func exhibitorRow(ctx context.Context, q db.Querier, eventID, orgID int64) (any, error) {
	var x Exhibitor
	err := q.QueryRow(ctx, "SELECT organisation_id, stand FROM event_exhibitors WHERE event_id = ? AND organisation_id = ?",
		eventID, orgID).Scan(&x.OrganisationID, &x.Stand)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return x, err
}

// RemoveExhibitor takes an organisation off an event's exhibitors (staff).
func (s *Service) RemoveExhibitor(ctx context.Context, eventID, orgID int64) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := exhibitorRow(ctx, tx, eventID, orgID)
		if err != nil {
			return err
		}
		if before == nil {
			return db.ErrNotFound
		}
		if _, err := tx.Exec(ctx, "DELETE FROM event_exhibitors WHERE event_id = ? AND organisation_id = ?", eventID, orgID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event_exhibitor", fmt.Sprintf("%d/%d", eventID, orgID), "delete", before, nil)
	})
	if err != nil {
		return fmt.Errorf("events: remove exhibitor: %w", err)
	}
	return nil
}

// SetSponsor makes an organisation a sponsor of an event at a level, with
// an optional stand, or changes them (staff).
func (s *Service) SetSponsor(ctx context.Context, eventID, orgID int64, level, stand string) error {
	level, stand = strings.TrimSpace(level), strings.TrimSpace(stand)
	var errs validate.Errors
	if !slices.Contains(Levels, level) {
		errs.Add("level", "validate.choice")
	}
	checkText(&errs, "stand", stand, false, maxStand)
	if err := errs.Err(); err != nil {
		return err
	}
	if err := s.checkOrganisation(ctx, orgID); err != nil {
		return err
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := lockEvent(ctx, tx, eventID); err != nil {
			return err
		}
		before, err := sponsorRow(ctx, tx, eventID, orgID)
		if err != nil {
			return err
		}
		after := Sponsor{OrganisationID: orgID, Level: level, Stand: stand}
		if _, err := tx.Exec(ctx, "INSERT INTO event_sponsors (event_id, organisation_id, level, stand) VALUES (?, ?, ?, ?)"+
			" ON CONFLICT (event_id, organisation_id) DO UPDATE SET level = excluded.level, stand = excluded.stand",
			eventID, orgID, level, stand); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event_sponsor", fmt.Sprintf("%d/%d", eventID, orgID), "set", before, after)
	})
	if err != nil {
		return fmt.Errorf("events: set sponsor: %w", err)
	}
	return nil
}

func sponsorRow(ctx context.Context, q db.Querier, eventID, orgID int64) (any, error) {
	var x Sponsor
	err := q.QueryRow(ctx, "SELECT organisation_id, level, stand FROM event_sponsors WHERE event_id = ? AND organisation_id = ?",
		eventID, orgID).Scan(&x.OrganisationID, &x.Level, &x.Stand)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return x, err
}

// RemoveSponsor takes an organisation off an event's sponsors (staff).
func (s *Service) RemoveSponsor(ctx context.Context, eventID, orgID int64) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := sponsorRow(ctx, tx, eventID, orgID)
		if err != nil {
			return err
		}
		if before == nil {
			return db.ErrNotFound
		}
		if _, err := tx.Exec(ctx, "DELETE FROM event_sponsors WHERE event_id = ? AND organisation_id = ?", eventID, orgID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event_sponsor", fmt.Sprintf("%d/%d", eventID, orgID), "delete", before, nil)
	})
	if err != nil {
		return fmt.Errorf("events: remove sponsor: %w", err)
	}
	return nil
}

// checkOrganisation refuses an organisation the directory does not hold.
func (s *Service) checkOrganisation(ctx context.Context, orgID int64) error {
	if _, err := s.dir.Organisation(ctx, orgID); errors.Is(err, db.ErrNotFound) {
		var errs validate.Errors
		errs.Add("organisation_id", "events.unknown_organisation")
		return errs
	} else if err != nil {
		return fmt.Errorf("events: organisation: %w", err)
	}
	return nil
}

// Exhibitors returns an event's exhibitors, by stand then name.
func (s *Service) Exhibitors(ctx context.Context, eventID int64) ([]Exhibitor, error) {
	rows, err := s.db.Query(ctx, `SELECT x.organisation_id, o.name, x.stand FROM event_exhibitors x
		JOIN organisations o ON o.id = x.organisation_id WHERE x.event_id = ? ORDER BY x.stand, o.name, o.id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("events: exhibitors: %w", err)
	}
	defer rows.Close()
	var out []Exhibitor
	for rows.Next() {
		var x Exhibitor
		if err := rows.Scan(&x.OrganisationID, &x.Organisation, &x.Stand); err != nil {
			return nil, fmt.Errorf("events: exhibitors: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Sponsors returns an event's sponsors, highest level first, then by name.
func (s *Service) Sponsors(ctx context.Context, eventID int64) ([]Sponsor, error) {
	rows, err := s.db.Query(ctx, `SELECT x.organisation_id, o.name, x.level, x.stand FROM event_sponsors x
		JOIN organisations o ON o.id = x.organisation_id WHERE x.event_id = ? ORDER BY o.name, o.id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("events: sponsors: %w", err)
	}
	defer rows.Close()
	var out []Sponsor
	for rows.Next() {
		var x Sponsor
		if err := rows.Scan(&x.OrganisationID, &x.Organisation, &x.Level, &x.Stand); err != nil {
			return nil, fmt.Errorf("events: sponsors: %w", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b Sponsor) int { return slices.Index(Levels, a.Level) - slices.Index(Levels, b.Level) })
	return out, nil
}
