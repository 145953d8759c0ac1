package meetings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

func normaliseProfile(in Profile) Profile {
	in.Offer, in.Seeking = strings.TrimSpace(in.Offer), strings.TrimSpace(in.Seeking)
	in.Lang = i18n.Lang(in.Lang)
	return in
}

// checkProfile validates a profile against the event's slots.
func checkProfile(in Profile, s Setup) validate.Errors {
	var errs validate.Errors
	if utf8.RuneCountInString(in.Offer) > maxText {
		errs.Add("offer", "validate.too_long", maxText)
	}
	if utf8.RuneCountInString(in.Seeking) > maxText {
		errs.Add("seeking", "validate.too_long", maxText)
	}
	if in.MaxMeetings < 0 || in.MaxMeetings > len(s.Slots) {
		errs.Add("max_meetings", "programme.max_range", len(s.Slots))
	}
	seen := map[int64]bool{}
	for _, id := range in.Slots {
		if _, ok := s.slotByID(id); !ok || seen[id] {
			errs.Add("slots", "programme.unknown_slot")
			break
		}
		seen[id] = true
	}
	return errs
}

// registrationState is what the rules need of a registration, read in
// the transaction.
func registrationState(ctx context.Context, q db.Querier, id int64) (eventID int64, status string, err error) {
	err = q.QueryRow(ctx, "SELECT event_id, status FROM event_registrations WHERE id = ?", id).Scan(&eventID, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", db.ErrNotFound
	}
	return eventID, status, err
}

// OptIn puts the caller in the event's programme with their profile, or
// updates their profile. Only a confirmed registration may opt in, while
// requests are open; the profile may change until the event starts. An
// exhibitor's people meet at their stand.
func (p *Programme) OptIn(ctx context.Context, c Caller, in Profile) (Attendee, error) {
	return p.optIn(ctx, c.reg.ID, in, false)
}

// AddAttendee opts a confirmed registrant in on staff's behalf, whatever
// the deadline.
func (p *Programme) AddAttendee(ctx context.Context, registrationID int64, in Profile) (Attendee, error) {
	return p.optIn(ctx, registrationID, in, true)
}

func (p *Programme) optIn(ctx context.Context, registrationID int64, in Profile, staff bool) (Attendee, error) {
	in = normaliseProfile(in)
	var id int64
	err := p.db.Tx(ctx, func(tx *db.Tx) error {
		eventID, status, err := registrationState(ctx, tx, registrationID)
		if err != nil {
			return err
		}
		s, err := lockSetup(ctx, tx, eventID)
		if errors.Is(err, db.ErrNotFound) {
			return validate.NewMessage("programme.closed")
		}
		if err != nil {
			return err
		}
		e, err := eventOf(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if e.Status == events.StatusCancelled {
			return ErrState
		}
		if status != events.RegConfirmed {
			return validate.NewMessage("programme.not_confirmed")
		}
		prev, found, err := attendeeOf(ctx, tx, registrationID)
		if err != nil {
			return err
		}
		active := found && prev.Status == AttendeeActive
		if !staff {
			if err := p.openFor(s, e, !active); err != nil {
				return err
			}
		}
		errs := checkProfile(in, s)
		if active {
			if err := checkOwnMeetings(ctx, tx, s, prev, in, &errs); err != nil {
				return err
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		var name, org string
		if err := tx.QueryRow(ctx, "SELECT name, organisation FROM event_registrations WHERE id = ?", registrationID).Scan(&name, &org); err != nil {
			return err
		}
		now := p.stamp()
		all := len(in.Slots) == 0 || len(in.Slots) == len(s.Slots)
		search := textsearch.Fold(strings.Join([]string{name, org, in.Offer, in.Seeking}, " "))
		if found {
			id = prev.AttendeeID
			_, err = tx.Exec(ctx, `UPDATE meeting_attendees SET offer = ?, seeking = ?, profile_lang = ?, max_meetings = ?,
				all_slots = ?, search = ?, status = 'active', updated_at = ?, withdrawn_at = NULL WHERE id = ?`,
				in.Offer, in.Seeking, in.Lang, in.MaxMeetings, boolInt(all), search, now, id)
		} else {
			err = tx.QueryRow(ctx, `INSERT INTO meeting_attendees (event_id, registration_id, offer, seeking, profile_lang,
				max_meetings, all_slots, search, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)
				RETURNING id`, eventID, registrationID, in.Offer, in.Seeking, in.Lang, in.MaxMeetings, boolInt(all), search,
				now, now).Scan(&id)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM meeting_availability WHERE attendee_id = ?", id); err != nil {
			return err
		}
		if !all {
			for _, slot := range in.Slots {
				if _, err := tx.Exec(ctx, "INSERT INTO meeting_availability (attendee_id, slot_id) VALUES (?, ?)", id, slot); err != nil {
					return err
				}
			}
		}
		after, err := getAttendee(ctx, tx, id)
		if err != nil {
			return err
		}
		if found {
			return audit.Record(ctx, tx, "meeting_attendee", id, "update", prev, after)
		}
		return audit.Record(ctx, tx, "meeting_attendee", id, "opt_in", nil, after)
	})
	if err != nil {
		return Attendee{}, fmt.Errorf("meetings: opt in: %w", err)
	}
	return getAttendee(ctx, p.db, id)
}

// checkOwnMeetings refuses a profile that would undo meetings already
// sent: a slot they are in, or a maximum below their number.
func checkOwnMeetings(ctx context.Context, q db.Querier, s Setup, a Attendee, in Profile, errs *validate.Errors) error {
	rows, err := q.Query(ctx, `SELECT m.sent_slot_id FROM meeting_appointments m JOIN meeting_requests r ON r.id = m.request_id
		WHERE m.sent_status = 'sent' AND m.status = 'planned' AND (r.from_id = ? OR r.to_id = ?)`, a.AttendeeID, a.AttendeeID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var slots []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		slots = append(slots, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(in.Slots) > 0 {
		for _, id := range slots {
			if !slices.Contains(in.Slots, id) {
				sl, _ := s.slotByID(id)
				errs.Add("slots", "programme.slot_has_your_meeting", sl.Label())
				break
			}
		}
	}
	if in.MaxMeetings > 0 && in.MaxMeetings < len(slots) {
		errs.Add("max_meetings", "programme.max_below_meetings", len(slots))
	}
	return nil
}

// OptOut takes the caller out of the programme: their requests are
// cancelled and their meetings freed; the people they were to meet are
// told.
func (p *Programme) OptOut(ctx context.Context, c Caller) error {
	a, found, err := attendeeOf(ctx, p.db, c.reg.ID)
	if err != nil {
		return err
	}
	if !found {
		return db.ErrNotFound
	}
	return p.withdraw(ctx, a.AttendeeID, "opt_out")
}

// Withdraw takes an attendee out of the programme on staff's behalf, like
// OptOut.
func (p *Programme) Withdraw(ctx context.Context, attendeeID int64) error {
	return p.withdraw(ctx, attendeeID, "withdraw")
}

func (p *Programme) withdraw(ctx context.Context, attendeeID int64, action string) error {
	if err := p.ready(); err != nil {
		return err
	}
	a, err := getAttendee(ctx, p.db, attendeeID)
	if err != nil {
		return err
	}
	err = p.db.Tx(ctx, func(tx *db.Tx) error {
		s, err := lockSetup(ctx, tx, a.EventID)
		if err != nil {
			return err
		}
		e, err := eventOf(ctx, tx, a.EventID)
		if err != nil {
			return err
		}
		if a, err = getAttendee(ctx, tx, attendeeID); err != nil {
			return err
		}
		if a.Status != AttendeeActive {
			return ErrState
		}
		return p.withdrawTx(ctx, tx, s, e, a, action)
	})
	if err != nil {
		return fmt.Errorf("meetings: %s: %w", strings.ReplaceAll(action, "_", " "), err)
	}
	return nil
}

// withdrawTx withdraws a, cancelling their live requests. The setup's
// lock must be held.
func (p *Programme) withdrawTx(ctx context.Context, tx *db.Tx, s Setup, e events.Event, a Attendee, action string) error {
	now := p.stamp()
	if _, err := tx.Exec(ctx, "UPDATE meeting_attendees SET status = 'withdrawn', withdrawn_at = ?, updated_at = ? WHERE id = ?",
		now, now, a.AttendeeID); err != nil {
		return err
	}
	reqs, err := listRequests(ctx, tx, "event_id = ? AND (from_id = ? OR to_id = ?) AND status IN ('pending', 'accepted')",
		a.EventID, a.AttendeeID, a.AttendeeID)
	if err != nil {
		return err
	}
	for _, r := range reqs {
		if err := p.cancelRequestTx(ctx, tx, s, e, r, a.AttendeeID); err != nil {
			return err
		}
	}
	after := a
	after.Status, after.WithdrawnAt = AttendeeWithdrawn, now
	return audit.Record(ctx, tx, "meeting_attendee", a.AttendeeID, action, a, after)
}

// SyncRegistrations withdraws the attendees of an event whose
// registration was cancelled since they opted in (Schedule does it
// first); it returns how many.
func (p *Programme) SyncRegistrations(ctx context.Context, eventID int64) (int, error) {
	lapsed, err := listAttendees(ctx, p.db, "a.event_id = ? AND a.status = 'active' AND r.status <> 'confirmed'", eventID)
	if err != nil || len(lapsed) == 0 {
		return 0, err
	}
	n := 0
	for _, a := range lapsed {
		err := p.withdraw(ctx, a.AttendeeID, "registration_cancelled")
		if errors.Is(err, ErrState) {
			continue // withdrawn meanwhile
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Me returns the caller's attendee, withdrawn or not; db.ErrNotFound when
// they never opted in.
func (p *Programme) Me(ctx context.Context, c Caller) (Attendee, error) {
	a, found, err := attendeeOf(ctx, p.db, c.reg.ID)
	if err != nil {
		return Attendee{}, err
	}
	if !found {
		return Attendee{}, db.ErrNotFound
	}
	return a, nil
}

// Attendee returns one attendee (staff).
func (p *Programme) Attendee(ctx context.Context, id int64) (Attendee, error) {
	return getAttendee(ctx, p.db, id)
}

// searchCond adds to cond a condition per word of query: the attendee's
// name, organisation, offer or wish holds it, accents and case aside.
func searchCond(cond string, args []any, query string) (string, []any) {
	words := strings.Fields(textsearch.Fold(query))
	for _, w := range words[:min(len(words), maxSearchWord)] {
		cond, args = cond+" AND a.search LIKE ?", append(args, "%"+w+"%")
	}
	return cond, args
}

// Attendees returns the people taking part in an event's programme
// (staff), by name; query keeps those whose name, organisation, offer or
// wish hold each of its words, accents and case aside.
func (p *Programme) Attendees(ctx context.Context, eventID int64, query string) ([]Attendee, error) {
	cond, args := searchCond("a.event_id = ? AND a.status = 'active' AND r.status = 'confirmed'", []any{eventID}, query)
	return listAttendees(ctx, p.db, cond, args...)
}

// Browse returns the other people taking part in the caller's event's
// programme, by name, searched like Attendees ("jerome" finds Jérôme).
// The caller needs a confirmed registration, not to have opted in.
func (p *Programme) Browse(ctx context.Context, c Caller, query string) ([]Attendee, error) {
	_, status, err := registrationState(ctx, p.db, c.reg.ID)
	if err != nil {
		return nil, err
	}
	if status != events.RegConfirmed {
		return nil, validate.NewMessage("programme.not_confirmed")
	}
	s, err := getSetup(ctx, p.db, c.reg.EventID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !s.Enabled) {
		return nil, validate.NewMessage("programme.closed")
	}
	if err != nil {
		return nil, err
	}
	cond, args := searchCond("a.event_id = ? AND a.status = 'active' AND r.status = 'confirmed' AND a.registration_id <> ?",
		[]any{c.reg.EventID, c.reg.ID}, query)
	return listAttendees(ctx, p.db, cond, args...)
}
