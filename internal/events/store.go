package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

// eventColumns are the columns scanEvent reads, in order.
const eventColumns = `e.id, e.type, e.status, e.audience, e.title_fr, e.title_en, e.description_fr, e.description_en,
	e.starts_at, e.ends_at, e.venue, e.address, e.city, e.online_url, e.capacity, e.price_member, e.price_non_member,
	e.registration_opens, e.registration_closes, e.sequence, e.created_by, e.created_at, e.updated_at, e.published_at,
	e.cancelled_at, e.cancel_reason,
	(SELECT COUNT(*) FROM event_registrations c WHERE c.event_id = e.id AND c.status = 'confirmed'),
	(SELECT COUNT(*) FROM event_registrations w WHERE w.event_id = e.id AND w.status = 'waiting')`

type scanner interface{ Scan(dest ...any) error }

func scanEvent(r scanner) (Event, error) {
	var e Event
	var opens, closes, published, cancelled sql.NullTime
	var createdBy sql.NullInt64
	err := r.Scan(&e.ID, &e.Type, &e.Status, &e.Audience, &e.TitleFR, &e.TitleEN, &e.DescriptionFR, &e.DescriptionEN,
		&e.Start, &e.End, &e.Venue, &e.Address, &e.City, &e.OnlineURL, &e.Capacity, &e.PriceMember, &e.PriceNonMember,
		&opens, &closes, &e.Sequence, &createdBy, &e.CreatedAt, &e.UpdatedAt, &published, &cancelled, &e.CancelReason,
		&e.Confirmed, &e.Waiting)
	if err != nil {
		return Event{}, err
	}
	e.RegistrationOpens, e.RegistrationCloses = opens.Time, closes.Time
	e.PublishedAt, e.CancelledAt, e.CreatedBy = published.Time, cancelled.Time, createdBy.Int64
	for _, t := range []*time.Time{&e.Start, &e.End, &e.RegistrationOpens, &e.RegistrationCloses, &e.CreatedAt,
		&e.UpdatedAt, &e.PublishedAt, &e.CancelledAt} {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	return e, nil
}

// getEvent reads one event with its sectors.
func getEvent(ctx context.Context, q db.Querier, id int64) (Event, error) {
	e, err := scanEvent(q.QueryRow(ctx, "SELECT "+eventColumns+" FROM events e WHERE e.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, db.ErrNotFound
	}
	if err != nil {
		return Event{}, fmt.Errorf("events: read event: %w", err)
	}
	list := []Event{e}
	if err := loadSectors(ctx, q, list); err != nil {
		return Event{}, err
	}
	return list[0], nil
}

// lockEvent takes the event's row for the rest of the transaction, so that
// the registrations of one event change one transaction at a time. On
// PostgreSQL it is a row lock (later statements of the transaction then
// see what the previous holder committed, even at READ COMMITTED); SQLite
// has one writer and begins write transactions IMMEDIATE, which
// serialises them already.
func lockEvent(ctx context.Context, tx *db.Tx, id int64) (Event, error) {
	if tx.Dialect() == db.Postgres {
		var got int64
		err := tx.QueryRow(ctx, "SELECT id FROM events WHERE id = ? FOR UPDATE", id).Scan(&got)
		if errors.Is(err, sql.ErrNoRows) {
			return Event{}, db.ErrNotFound
		}
		if err != nil {
			return Event{}, fmt.Errorf("events: lock event: %w", err)
		}
	}
	return getEvent(ctx, tx, id)
}

// loadSectors fills the sectors of events.
func loadSectors(ctx context.Context, q db.Querier, list []Event) error {
	if len(list) == 0 {
		return nil
	}
	at := map[int64]int{}
	args := make([]any, len(list))
	for i, e := range list {
		at[e.ID], args[i] = i, e.ID
	}
	rows, err := q.Query(ctx, "SELECT event_id, sector FROM event_sectors WHERE event_id IN ("+placeholders(len(list))+")", args...)
	if err != nil {
		return fmt.Errorf("events: read sectors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return fmt.Errorf("events: read sectors: %w", err)
		}
		list[at[id]].Sectors = append(list[at[id]].Sectors, code)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	tax := directory.LoadTaxonomy()
	rank := func(code string) int {
		for i, t := range tax.Sectors {
			if t.Code == code {
				return i
			}
		}
		return len(tax.Sectors)
	}
	for i := range list {
		slices.SortFunc(list[i].Sectors, func(a, b string) int { return rank(a) - rank(b) })
	}
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func writeSectors(ctx context.Context, q db.Querier, id int64, sectors []string) error {
	if _, err := q.Exec(ctx, "DELETE FROM event_sectors WHERE event_id = ?", id); err != nil {
		return err
	}
	for _, c := range sectors {
		if _, err := q.Exec(ctx, "INSERT INTO event_sectors (event_id, sector) VALUES (?, ?)", id, c); err != nil {
			return err
		}
	}
	return nil
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func apply(e *Event, in Input) {
	e.Type, e.Audience, e.TitleFR, e.TitleEN = in.Type, in.Audience, in.TitleFR, in.TitleEN
	e.DescriptionFR, e.DescriptionEN, e.Sectors = in.DescriptionFR, in.DescriptionEN, in.Sectors
	e.Start, e.End, e.Venue, e.Address, e.City, e.OnlineURL = in.Start, in.End, in.Venue, in.Address, in.City, in.OnlineURL
	e.Capacity, e.PriceMember, e.PriceNonMember = in.Capacity, in.PriceMember, in.PriceNonMember
	e.RegistrationOpens, e.RegistrationCloses = in.RegistrationOpens, in.RegistrationCloses
}

// Create records a new event as a draft (staff).
func (s *Service) Create(ctx context.Context, in Input) (Event, error) {
	in = normaliseInput(in)
	if err := validateInput(in).Err(); err != nil {
		return Event{}, err
	}
	now := s.stamp()
	e := Event{Status: StatusDraft, CreatedBy: audit.ActorFrom(ctx).UserID, CreatedAt: now, UpdatedAt: now}
	apply(&e, in)
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO events (type, status, audience, title_fr, title_en, description_fr, description_en,
			starts_at, ends_at, venue, address, city, online_url, capacity, price_member, price_non_member,
			registration_opens, registration_closes, sequence, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id`,
			e.Type, e.Status, e.Audience, e.TitleFR, e.TitleEN, e.DescriptionFR, e.DescriptionEN, e.Start, e.End,
			e.Venue, e.Address, e.City, e.OnlineURL, e.Capacity, e.PriceMember, e.PriceNonMember,
			nullTime(e.RegistrationOpens), nullTime(e.RegistrationCloses), nullInt(e.CreatedBy), e.CreatedAt, e.UpdatedAt).Scan(&e.ID)
		if err != nil {
			return err
		}
		if err := writeSectors(ctx, tx, e.ID, e.Sectors); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event", e.ID, "create", nil, e)
	})
	if err != nil {
		return Event{}, fmt.Errorf("events: create: %w", err)
	}
	return e, nil
}

// Update changes an event (staff). The capacity may not be lowered below
// the confirmed registrations, nor the dates leave a session outside; a
// larger capacity promotes people from the waiting list at once.
func (s *Service) Update(ctx context.Context, id int64, in Input) (Event, error) {
	if err := s.ready(); err != nil {
		return Event{}, err
	}
	in = normaliseInput(in)
	errs := validateInput(in)
	if err := errs.Err(); err != nil {
		return Event{}, err
	}
	var e Event
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if e, err = lockEvent(ctx, tx, id); err != nil {
			return err
		}
		if e.Status == StatusCancelled {
			return ErrState
		}
		// Lowering the capacity below the confirmed registrations is refused
		// (staff may have confirmed beyond it: keeping it is fine).
		if in.Capacity > 0 && in.Capacity < e.Confirmed && (e.Capacity == 0 || in.Capacity < e.Capacity) {
			errs.Add("capacity", "events.capacity_below_confirmed", e.Confirmed)
		}
		var outside int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM event_sessions WHERE event_id = ? AND (starts_at < ? OR ends_at > ?)",
			id, in.Start, in.End).Scan(&outside); err != nil {
			return err
		}
		if outside > 0 {
			errs.Add("start", "events.sessions_outside", outside)
		}
		if err := errs.Err(); err != nil {
			return err
		}
		before := e
		apply(&e, in)
		e.UpdatedAt, e.Sequence = s.stamp(), e.Sequence+1
		if _, err := tx.Exec(ctx, `UPDATE events SET type = ?, audience = ?, title_fr = ?, title_en = ?, description_fr = ?,
			description_en = ?, starts_at = ?, ends_at = ?, venue = ?, address = ?, city = ?, online_url = ?, capacity = ?,
			price_member = ?, price_non_member = ?, registration_opens = ?, registration_closes = ?, sequence = ?, updated_at = ?
			WHERE id = ?`,
			e.Type, e.Audience, e.TitleFR, e.TitleEN, e.DescriptionFR, e.DescriptionEN, e.Start, e.End, e.Venue, e.Address,
			e.City, e.OnlineURL, e.Capacity, e.PriceMember, e.PriceNonMember, nullTime(e.RegistrationOpens),
			nullTime(e.RegistrationCloses), e.Sequence, e.UpdatedAt, e.ID); err != nil {
			return err
		}
		if err := writeSectors(ctx, tx, e.ID, e.Sectors); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "event", e.ID, "update", before, e); err != nil {
			return err
		}
		promoted, err := s.promote(ctx, tx, e)
		e.Confirmed += promoted
		e.Waiting -= promoted
		return err
	})
	if err != nil {
		return Event{}, fmt.Errorf("events: update: %w", err)
	}
	return e, nil
}

// Publish shows a draft to its audience (staff). Publishing a published
// event does nothing.
func (s *Service) Publish(ctx context.Context, id int64) (Event, error) {
	var e Event
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if e, err = lockEvent(ctx, tx, id); err != nil {
			return err
		}
		switch e.Status {
		case StatusPublished:
			return nil
		case StatusCancelled:
			return ErrState
		}
		before := e
		now := s.stamp()
		e.Status, e.PublishedAt, e.UpdatedAt, e.Sequence = StatusPublished, now, now, e.Sequence+1
		if _, err := tx.Exec(ctx, "UPDATE events SET status = ?, published_at = ?, updated_at = ?, sequence = ? WHERE id = ?",
			e.Status, e.PublishedAt, e.UpdatedAt, e.Sequence, e.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event", e.ID, "publish", before, e)
	})
	if err != nil {
		return Event{}, fmt.Errorf("events: publish: %w", err)
	}
	return e, nil
}

// CancelEvent cancels an event (staff) and tells everyone registered
// (confirmed, waiting, or not confirmed yet), in their language. The
// registrations are kept as they were, for the record.
func (s *Service) CancelEvent(ctx context.Context, id int64, reason string) (Event, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > maxReason {
		var errs validate.Errors
		errs.Add("reason", "validate.too_long", maxReason)
		return Event{}, errs
	}
	if err := s.ready(); err != nil {
		return Event{}, err
	}
	var e Event
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if e, err = lockEvent(ctx, tx, id); err != nil {
			return err
		}
		if e.Status == StatusCancelled {
			return ErrState
		}
		before := e
		now := s.stamp()
		e.Status, e.CancelledAt, e.CancelReason, e.UpdatedAt, e.Sequence = StatusCancelled, now, reason, now, e.Sequence+1
		if _, err := tx.Exec(ctx, "UPDATE events SET status = ?, cancelled_at = ?, cancel_reason = ?, updated_at = ?, sequence = ? WHERE id = ?",
			e.Status, e.CancelledAt, e.CancelReason, e.UpdatedAt, e.Sequence, e.ID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "event", e.ID, "cancel", before, e); err != nil {
			return err
		}
		regs, err := listRegistrations(ctx, tx, "r.event_id = ? AND r.status <> 'cancelled'", id)
		if err != nil {
			return err
		}
		for _, r := range regs {
			if err := s.mailEventCancelled(ctx, tx, e, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Event{}, fmt.Errorf("events: cancel: %w", err)
	}
	return e, nil
}

// Delete removes a draft (staff); a published event is cancelled instead.
func (s *Service) Delete(ctx context.Context, id int64) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		e, err := lockEvent(ctx, tx, id)
		if err != nil {
			return err
		}
		if e.Status != StatusDraft {
			return ErrState
		}
		var regs int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM event_registrations WHERE event_id = ? AND status <> 'cancelled'", id).Scan(&regs); err != nil {
			return err
		}
		if regs > 0 {
			return ErrState
		}
		if _, err := tx.Exec(ctx, "DELETE FROM events WHERE id = ?", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event", id, "delete", e, nil)
	})
	if err != nil {
		return fmt.Errorf("events: delete: %w", err)
	}
	return nil
}
