package meetings

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/validate"
)

// pair orders two attendee ids, so that a pair has one key whatever the
// direction of its request.
func pair(a, b int64) (low, high int64) {
	if a > b {
		return b, a
	}
	return a, b
}

// liveRequest is the request between a and b that is not cancelled, if
// any.
func liveRequest(ctx context.Context, q db.Querier, a, b int64) (MeetingRequest, bool, error) {
	low, high := pair(a, b)
	list, err := listRequests(ctx, q, "low_id = ? AND high_id = ? AND status <> 'cancelled'", low, high)
	if err != nil || len(list) == 0 {
		return MeetingRequest{}, false, err
	}
	return list[0], true, nil
}

// callerAttendee is the caller's attendee in the transaction, with the
// event's programme locked.
func callerAttendee(ctx context.Context, tx *db.Tx, c Caller) (Setup, events.Event, Attendee, error) {
	eventID, _, err := registrationState(ctx, tx, c.reg.ID)
	if err != nil {
		return Setup{}, events.Event{}, Attendee{}, err
	}
	s, err := lockSetup(ctx, tx, eventID)
	if errors.Is(err, db.ErrNotFound) {
		return Setup{}, events.Event{}, Attendee{}, validate.NewMessage("programme.closed")
	}
	if err != nil {
		return Setup{}, events.Event{}, Attendee{}, err
	}
	e, err := eventOf(ctx, tx, eventID)
	if err != nil {
		return Setup{}, events.Event{}, Attendee{}, err
	}
	me, found, err := attendeeOf(ctx, tx, c.reg.ID)
	if err != nil {
		return Setup{}, events.Event{}, Attendee{}, err
	}
	if !found || !me.Active() {
		return Setup{}, events.Event{}, Attendee{}, validate.NewMessage("programme.opt_in_first")
	}
	return s, e, me, nil
}

// SendRequest asks attendee to for a meeting with a message, while
// requests are open; the other side is mailed and notified. A pair has
// one request, whichever side sent it.
func (p *Programme) SendRequest(ctx context.Context, c Caller, to int64, message string) (MeetingRequest, error) {
	message = strings.TrimSpace(message)
	if utf8.RuneCountInString(message) > maxMessage {
		var errs validate.Errors
		errs.Add("message", "validate.too_long", maxMessage)
		return MeetingRequest{}, errs
	}
	if err := p.ready(); err != nil {
		return MeetingRequest{}, err
	}
	var id int64
	err := p.db.Tx(ctx, func(tx *db.Tx) error {
		s, e, me, err := callerAttendee(ctx, tx, c)
		if err != nil {
			return err
		}
		if err := p.openFor(s, e, true); err != nil {
			return err
		}
		other, err := getAttendee(ctx, tx, to)
		if err != nil {
			return err
		}
		if other.EventID != me.EventID || !other.Active() {
			return db.ErrNotFound
		}
		if other.AttendeeID == me.AttendeeID {
			return validate.NewMessage("programme.self_request")
		}
		r := MeetingRequest{EventID: me.EventID, From: me.Person, To: other.Person, Message: message, Status: RequestPending,
			Weight: 1, Source: SourceSelf, CreatedAt: p.stamp()}
		if id, err = insertRequest(ctx, tx, r); err != nil {
			return err
		}
		r.ID = id
		if err := audit.Record(ctx, tx, "meeting_request", id, "create", nil, r); err != nil {
			return err
		}
		lang := i18n.Lang(other.Lang)
		note := ""
		if message != "" {
			note = i18n.T(lang, "programme.mail.request.message", message)
		}
		return p.send(ctx, tx, other.Person, "programme.mail.request", []any{me.Name, e.Title(lang)},
			[]any{me.Name, orgOrDash(lang, me.Organisation), e.Title(lang), e.When(lang), note, p.pageURL(e.ID, other.Person)},
			PagePath(e.ID), []string{me.Name, e.Title(lang)})
	})
	if err != nil {
		return MeetingRequest{}, fmt.Errorf("meetings: send request: %w", err)
	}
	return getRequest(ctx, p.db, id)
}

// insertRequest stores a new request; a pair's second live request is
// refused.
func insertRequest(ctx context.Context, tx *db.Tx, r MeetingRequest) (int64, error) {
	if _, found, err := liveRequest(ctx, tx, r.From.AttendeeID, r.To.AttendeeID); err != nil {
		return 0, err
	} else if found {
		return 0, validate.NewMessage("programme.already_requested")
	}
	low, high := pair(r.From.AttendeeID, r.To.AttendeeID)
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO meeting_requests (event_id, from_id, to_id, low_id, high_id, message, status, weight,
		source, created_at, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.EventID, r.From.AttendeeID, r.To.AttendeeID, low, high, r.Message, r.Status, r.Weight, r.Source, r.CreatedAt,
		nullTime(r.AnsweredAt)).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, validate.NewMessage("programme.already_requested")
	}
	return id, err
}

func orgOrDash(lang, org string) string {
	if org == "" {
		return i18n.T(lang, "programme.no_organisation")
	}
	return org
}

// Answer accepts or declines a pending request sent to the caller, until
// the event starts; the sender is mailed and notified. Only the one asked
// answers.
func (p *Programme) Answer(ctx context.Context, c Caller, requestID int64, accept bool) (MeetingRequest, error) {
	if err := p.ready(); err != nil {
		return MeetingRequest{}, err
	}
	err := p.db.Tx(ctx, func(tx *db.Tx) error {
		s, e, me, err := callerAttendee(ctx, tx, c)
		if err != nil {
			return err
		}
		r, err := getRequest(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if r.EventID != me.EventID {
			return db.ErrNotFound
		}
		if r.To.AttendeeID != me.AttendeeID {
			return ErrNotAllowed
		}
		if r.Status != RequestPending {
			return ErrState
		}
		if err := p.openFor(s, e, false); err != nil {
			return err
		}
		before := r
		r.Status, r.AnsweredAt = RequestDeclined, p.stamp()
		key := "programme.mail.declined"
		if accept {
			r.Status, key = RequestAccepted, "programme.mail.accepted"
		}
		if _, err := tx.Exec(ctx, "UPDATE meeting_requests SET status = ?, answered_at = ? WHERE id = ?", r.Status, r.AnsweredAt, r.ID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "meeting_request", r.ID, r.Status, before, r); err != nil {
			return err
		}
		lang := i18n.Lang(r.From.Lang)
		return p.send(ctx, tx, r.From, key, []any{me.Name}, []any{me.Name, orgOrDash(lang, me.Organisation), e.Title(lang),
			p.pageURL(e.ID, r.From)}, PagePath(e.ID), []string{me.Name, e.Title(lang)})
	})
	if err != nil {
		return MeetingRequest{}, fmt.Errorf("meetings: answer request: %w", err)
	}
	return getRequest(ctx, p.db, requestID)
}

// CancelRequest cancels a pending or accepted request the caller sent or
// received, until the event ends. Its meeting is freed; when the request
// was accepted, the other side is told.
func (p *Programme) CancelRequest(ctx context.Context, c Caller, requestID int64) (MeetingRequest, error) {
	if err := p.ready(); err != nil {
		return MeetingRequest{}, err
	}
	err := p.db.Tx(ctx, func(tx *db.Tx) error {
		s, e, me, err := callerAttendee(ctx, tx, c)
		if err != nil {
			return err
		}
		r, err := getRequest(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if r.EventID != me.EventID || (r.From.AttendeeID != me.AttendeeID && r.To.AttendeeID != me.AttendeeID) {
			return db.ErrNotFound
		}
		if (r.Status != RequestPending && r.Status != RequestAccepted) || e.Ended(p.Now()) {
			return ErrState
		}
		return p.cancelRequestTx(ctx, tx, s, e, r, me.AttendeeID)
	})
	if err != nil {
		return MeetingRequest{}, fmt.Errorf("meetings: cancel request: %w", err)
	}
	return getRequest(ctx, p.db, requestID)
}

// CancelRequestByStaff cancels a pending or accepted request (staff);
// when it was accepted, both sides are told.
func (p *Programme) CancelRequestByStaff(ctx context.Context, requestID int64) (MeetingRequest, error) {
	if err := p.ready(); err != nil {
		return MeetingRequest{}, err
	}
	r, err := getRequest(ctx, p.db, requestID)
	if err != nil {
		return MeetingRequest{}, err
	}
	err = p.db.Tx(ctx, func(tx *db.Tx) error {
		s, err := lockSetup(ctx, tx, r.EventID)
		if err != nil {
			return err
		}
		e, err := eventOf(ctx, tx, r.EventID)
		if err != nil {
			return err
		}
		if r, err = getRequest(ctx, tx, requestID); err != nil {
			return err
		}
		if r.Status != RequestPending && r.Status != RequestAccepted {
			return ErrState
		}
		return p.cancelRequestTx(ctx, tx, s, e, r, 0)
	})
	if err != nil {
		return MeetingRequest{}, fmt.Errorf("meetings: cancel request: %w", err)
	}
	return getRequest(ctx, p.db, requestID)
}

// cancelRequestTx cancels r on behalf of attendee by (0 for staff) and
// frees its meeting: one never sent goes, one sent is marked cancelled
// (calendars then drop it). The people told it was accepted hear of it,
// but the one who cancelled. The setup's lock must be held.
func (p *Programme) cancelRequestTx(ctx context.Context, tx *db.Tx, s Setup, e events.Event, r MeetingRequest, by int64) error {
	before := r
	now := p.stamp()
	r.Status, r.CancelledAt = RequestCancelled, now
	if _, err := tx.Exec(ctx, "UPDATE meeting_requests SET status = 'cancelled', cancelled_at = ? WHERE id = ?", now, r.ID); err != nil {
		return err
	}
	m, found, err := appointmentOf(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	var sent Slot
	wasSent := false
	if found {
		switch {
		case m.sentStatus == "sent":
			sent, _ = s.slotByID(m.sentSlotID)
			wasSent = true
			_, err = tx.Exec(ctx, `UPDATE meeting_appointments SET status = 'cancelled', sent_status = 'cancelled',
				sequence = sequence + 1, cancelled_at = ?, updated_at = ? WHERE id = ?`, now, now, m.id)
		default:
			_, err = tx.Exec(ctx, "DELETE FROM meeting_appointments WHERE id = ?", m.id)
		}
		if err != nil {
			return err
		}
	}
	action := "cancel"
	if by == 0 {
		action = "cancel_by_staff"
	}
	if err := audit.Record(ctx, tx, "meeting_request", r.ID, action, before, r); err != nil {
		return err
	}
	if before.Status != RequestAccepted || e.Ended(p.Now()) {
		return nil
	}
	for _, pair := range [][2]Person{{r.To, r.From}, {r.From, r.To}} {
		who, other := pair[0], pair[1]
		if who.AttendeeID == by {
			continue
		}
		lang := i18n.Lang(who.Lang)
		when := ""
		if wasSent {
			when = i18n.T(lang, "programme.mail.cancelled.slot", slotWhen(lang, sent))
		}
		if err := p.send(ctx, tx, who, "programme.mail.cancelled", []any{other.Name}, []any{other.Name,
			orgOrDash(lang, other.Organisation), e.Title(lang), when, p.pageURL(e.ID, who)}, PagePath(e.ID),
			[]string{other.Name, e.Title(lang)}); err != nil {
			return err
		}
	}
	return nil
}

// slotWhen writes out a slot's day and time in Europe/Paris, in lang.
func slotWhen(lang string, s Slot) string { return events.When(lang, s.Start, s.End()) }

// MyRequests returns the requests the caller sent and received, oldest
// first.
func (p *Programme) MyRequests(ctx context.Context, c Caller) ([]MeetingRequest, error) {
	me, found, err := attendeeOf(ctx, p.db, c.reg.ID)
	if err != nil || !found {
		return nil, err
	}
	return listRequests(ctx, p.db, "event_id = ? AND (from_id = ? OR to_id = ?)", me.EventID, me.AttendeeID, me.AttendeeID)
}

// Requests returns an event's requests (staff), oldest first; status ""
// for all.
func (p *Programme) Requests(ctx context.Context, eventID int64, status string) ([]MeetingRequest, error) {
	if status != "" {
		return listRequests(ctx, p.db, "event_id = ? AND status = ?", eventID, status)
	}
	return listRequests(ctx, p.db, "event_id = ?", eventID)
}

// Request returns one request (staff).
func (p *Programme) Request(ctx context.Context, id int64) (MeetingRequest, error) {
	return getRequest(ctx, p.db, id)
}

func checkWeight(weight int) error {
	if weight < 1 || weight > MaxPriority {
		var errs validate.Errors
		errs.Add("weight", "programme.weight_range", MaxPriority)
		return errs
	}
	return nil
}

// AddRequest records a meeting between two attendees as accepted, with a
// priority (staff), whatever the deadline. A pending or declined request
// of the pair becomes accepted; an accepted one takes the priority.
func (p *Programme) AddRequest(ctx context.Context, eventID, from, to int64, weight int) (MeetingRequest, error) {
	if err := checkWeight(weight); err != nil {
		return MeetingRequest{}, err
	}
	var id int64
	err := p.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := lockSetup(ctx, tx, eventID); err != nil {
			return err
		}
		e, err := eventOf(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if e.Status == events.StatusCancelled {
			return ErrState
		}
		var ends [2]Attendee
		for i, aid := range []int64{from, to} {
			a, err := getAttendee(ctx, tx, aid)
			if err != nil {
				return err
			}
			if a.EventID != eventID || !a.Active() {
				return db.ErrNotFound
			}
			ends[i] = a
		}
		if from == to {
			return validate.NewMessage("programme.self_request")
		}
		now := p.stamp()
		prev, found, err := liveRequest(ctx, tx, from, to)
		if err != nil {
			return err
		}
		if found {
			id = prev.ID
			after := prev
			after.Status, after.Weight = RequestAccepted, weight
			if prev.Status != RequestAccepted {
				after.AnsweredAt = now
			}
			if _, err := tx.Exec(ctx, "UPDATE meeting_requests SET status = ?, weight = ?, answered_at = ? WHERE id = ?",
				after.Status, after.Weight, nullTime(after.AnsweredAt), id); err != nil {
				return err
			}
			return audit.Record(ctx, tx, "meeting_request", id, "accept_by_staff", prev, after)
		}
		r := MeetingRequest{EventID: eventID, From: ends[0].Person, To: ends[1].Person, Status: RequestAccepted, Weight: weight,
			Source: SourceStaff, CreatedAt: now, AnsweredAt: now}
		if id, err = insertRequest(ctx, tx, r); err != nil {
			return err
		}
		r.ID = id
		return audit.Record(ctx, tx, "meeting_request", id, "add", nil, r)
	})
	if err != nil {
		return MeetingRequest{}, fmt.Errorf("meetings: add request: %w", err)
	}
	return getRequest(ctx, p.db, id)
}

// SetPriority sets a request's weight, 1 to MaxPriority (staff): the
// scheduler places the heavier requests first when not all fit.
func (p *Programme) SetPriority(ctx context.Context, requestID int64, weight int) (MeetingRequest, error) {
	if err := checkWeight(weight); err != nil {
		return MeetingRequest{}, err
	}
	r, err := getRequest(ctx, p.db, requestID)
	if err != nil {
		return MeetingRequest{}, err
	}
	err = p.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := lockSetup(ctx, tx, r.EventID); err != nil {
			return err
		}
		before, err := getRequest(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if before.Status == RequestCancelled {
			return ErrState
		}
		after := before
		after.Weight = weight
		if _, err := tx.Exec(ctx, "UPDATE meeting_requests SET weight = ? WHERE id = ?", weight, requestID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "meeting_request", requestID, "priority", before, after)
	})
	if err != nil {
		return MeetingRequest{}, fmt.Errorf("meetings: set priority: %w", err)
	}
	return getRequest(ctx, p.db, requestID)
}
