package events

import (
	"context"
	"fmt"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
)

// promote confirms people from the waiting list, in order, while the event
// has free places, and tells each. Nobody is promoted once the event has
// begun, nor for an event that is not published. The event's lock must be
// held. It returns how many were promoted.
func (s *Service) promote(ctx context.Context, tx *db.Tx, e Event) (int, error) {
	if e.Status != StatusPublished || e.Started(s.Now()) {
		return 0, nil
	}
	n := 0
	for {
		confirmed, _, err := counts(ctx, tx, e.ID)
		if err != nil {
			return n, err
		}
		if e.Capacity != 0 && confirmed >= e.Capacity {
			return n, nil
		}
		next, err := listRegistrations(ctx, tx, "r.id = (SELECT id FROM event_registrations WHERE event_id = ? AND status = 'waiting'"+
			" ORDER BY registered_at, id LIMIT 1)", e.ID)
		if err != nil || len(next) == 0 {
			return n, err
		}
		r := next[0]
		before := r
		r.Status, r.ConfirmedAt, r.Position = RegConfirmed, s.stamp(), 0
		if r.Price > 0 && r.InvoiceStatus == "" {
			r.InvoiceStatus = InvoiceToInvoice
		}
		if err := updateRegistration(ctx, tx, r); err != nil {
			return n, err
		}
		if err := audit.Record(ctx, tx, "event_registration", r.ID, "promote", before, r); err != nil {
			return n, err
		}
		if err := s.mailPromoted(ctx, tx, e, r); err != nil {
			return n, err
		}
		n++
	}
}

// cancel cancels registration id; check refuses it when the caller may
// not. A confirmed place that frees goes to the first person waiting.
func (s *Service) cancel(ctx context.Context, id int64, by string, check func(Event, Registration) error) (Registration, error) {
	if err := s.ready(); err != nil {
		return Registration{}, err
	}
	r, err := getRegistration(ctx, s.db, id)
	if err != nil {
		return Registration{}, err
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		e, err := lockEvent(ctx, tx, r.EventID)
		if err != nil {
			return err
		}
		if r, err = getRegistration(ctx, tx, id); err != nil {
			return err
		}
		if err := check(e, r); err != nil {
			return err
		}
		if r.Status == RegCancelled {
			return ErrState
		}
		before := r
		freed := r.Status == RegConfirmed
		r.Status, r.CancelledAt, r.CancelledBy, r.Position = RegCancelled, s.stamp(), by, 0
		if r.InvoiceStatus == InvoiceToInvoice {
			r.InvoiceStatus = "" // nothing to invoice any more
		}
		if err := updateRegistration(ctx, tx, r); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "event_registration", r.ID, "cancel", before, r); err != nil {
			return err
		}
		if by == SourceStaff && !e.Ended(s.Now()) {
			if err := s.mailCancelledByStaff(ctx, tx, e, r); err != nil {
				return err
			}
		}
		if freed {
			_, err = s.promote(ctx, tx, e)
		}
		return err
	})
	if err != nil {
		return Registration{}, fmt.Errorf("events: cancel registration: %w", err)
	}
	return r, nil
}

// CancelRegistration cancels a registration on staff's side and tells the
// registrant.
func (s *Service) CancelRegistration(ctx context.Context, id int64) (Registration, error) {
	return s.cancel(ctx, id, SourceStaff, func(Event, Registration) error { return nil })
}

// CancelOwn cancels who's own registration, before the event begins.
func (s *Service) CancelOwn(ctx context.Context, who *auth.User, id int64) (Registration, error) {
	return s.cancel(ctx, id, SourceSelf, func(e Event, r Registration) error {
		if who == nil || r.UserID == 0 || r.UserID != who.ID {
			return db.ErrNotFound
		}
		if e.Started(s.Now()) {
			return ErrState
		}
		return nil
	})
}

// CancelByToken cancels the registration a registrant's own link names,
// before the event begins.
func (s *Service) CancelByToken(ctx context.Context, token string) (Registration, error) {
	id, ok := s.checkToken(token, "manage")
	if !ok {
		return Registration{}, db.ErrNotFound
	}
	return s.cancel(ctx, id, SourceSelf, func(e Event, r Registration) error {
		if e.Started(s.Now()) {
			return ErrState
		}
		return nil
	})
}
