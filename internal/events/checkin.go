package events

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"filiere/internal/textsearch"
)

// maxSearchWords bounds the words of a check-in search.
const maxSearchWords = 8

// CheckInSearch finds an event's confirmed and waiting registrations
// whose name, organisation or e-mail address hold every word of query,
// accents and case aside ("jerome" finds Jérôme), people with a place
// first, then by name. An empty query lists them all.
func (s *Service) CheckInSearch(ctx context.Context, eventID int64, query string) ([]Registration, error) {
	cond, args := "r.event_id = ? AND r.status IN ('confirmed', 'waiting')", []any{eventID}
	words := strings.Fields(textsearch.Fold(query))
	for _, w := range words[:min(len(words), maxSearchWords)] {
		cond, args = cond+" AND r.search LIKE ?", append(args, "%"+w+"%")
	}
	list, err := listRegistrations(ctx, s.db, cond, args...)
	if err != nil {
		return nil, fmt.Errorf("events: check-in search: %w", err)
	}
	slices.SortStableFunc(list, func(a, b Registration) int {
		if a.Status != b.Status {
			return strings.Compare(a.Status, b.Status) // confirmed before waiting
		}
		return strings.Compare(textsearch.Fold(a.Name), textsearch.Fold(b.Name))
	})
	return list, nil
}

// CheckIn marks a confirmed registrant present (staff). Checking in twice
// keeps the first time.
func (s *Service) CheckIn(ctx context.Context, id int64) (Registration, error) {
	return s.change(ctx, id, "check_in", func(r *Registration) error {
		if r.Status != RegConfirmed {
			return ErrState
		}
		if r.PresentAt.IsZero() {
			r.PresentAt = s.stamp()
		}
		return nil
	})
}

// UndoCheckIn takes back a check-in made by mistake (staff).
func (s *Service) UndoCheckIn(ctx context.Context, id int64) (Registration, error) {
	return s.change(ctx, id, "undo_check_in", func(r *Registration) error {
		r.PresentAt = time.Time{}
		return nil
	})
}

// Presence is the check-in desk's count.
type Presence struct {
	Expected int // confirmed registrations
	Present  int // of which checked in
}

// CheckInCount counts an event's confirmed registrants and those present.
func (s *Service) CheckInCount(ctx context.Context, eventID int64) (Presence, error) {
	var p Presence
	err := s.db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN present_at IS NULL THEN 0 ELSE 1 END), 0)
		FROM event_registrations WHERE event_id = ? AND status = 'confirmed'`, eventID).Scan(&p.Expected, &p.Present)
	if err != nil {
		return Presence{}, fmt.Errorf("events: check-in count: %w", err)
	}
	return p, nil
}
