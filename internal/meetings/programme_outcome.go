package meetings

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// MarkOutcome records what became of a sent meeting on the day (staff):
// held, a no-show of one side or both, or cancelled; OutcomeNone clears
// it.
func (p *Programme) MarkOutcome(ctx context.Context, appointmentID int64, outcome string) (Appointment, error) {
	if outcome != OutcomeNone && !slices.Contains(Outcomes, outcome) {
		var errs validate.Errors
		errs.Add("outcome", "validate.choice")
		return Appointment{}, errs
	}
	var eventID int64
	if err := p.db.QueryRow(ctx, "SELECT event_id FROM meeting_appointments WHERE id = ?", appointmentID).Scan(&eventID); err != nil {
		return Appointment{}, db.ErrNotFound
	}
	var after Appointment
	err := p.db.Tx(ctx, func(tx *db.Tx) error {
		s, err := lockSetup(ctx, tx, eventID)
		if err != nil {
			return err
		}
		list, err := listAppointments(ctx, tx, s, "m.id = ?", appointmentID)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return db.ErrNotFound
		}
		before := list[0]
		if before.Status != StatusSent && before.Status != StatusChanged {
			return ErrState
		}
		now := p.stamp()
		if _, err := tx.Exec(ctx, "UPDATE meeting_appointments SET outcome = ?, outcome_at = ?, updated_at = ? WHERE id = ?",
			outcome, nullTime(now), now, appointmentID); err != nil {
			return err
		}
		after = before
		after.Outcome, after.UpdatedAt = outcome, now
		return audit.Record(ctx, tx, "meeting_appointment", appointmentID, "outcome", before, after)
	})
	if err != nil {
		return Appointment{}, fmt.Errorf("meetings: mark outcome: %w", err)
	}
	return after, nil
}

// Stats are the figures of an event's programme.
type Stats struct {
	Attendees int // people taking part
	Stands    int // of whom at a stand
	// The requests by status; Requested counts those not cancelled.
	Requested, Pending, Accepted, Declined, Cancelled int
	Scheduled                                         int // meetings in the plan
	Sent                                              int // of which sent to the two
	// On the day: meetings held, meetings with a no-show (either side),
	// meetings called off.
	Held, NoShows, CalledOff int
	// The last run, when there was one: its bound on the best possible
	// weight.
	UpperBound int
}

// Stats counts an event's programme (staff).
func (p *Programme) Stats(ctx context.Context, eventID int64) (Stats, error) {
	var st Stats
	att, err := listAttendees(ctx, p.db, "a.event_id = ? AND a.status = 'active' AND r.status = 'confirmed'", eventID)
	if err != nil {
		return Stats{}, err
	}
	st.Attendees = len(att)
	for _, a := range att {
		if a.Stand {
			st.Stands++
		}
	}
	rows, err := p.db.Query(ctx, "SELECT status, COUNT(*) FROM meeting_requests WHERE event_id = ? GROUP BY status", eventID)
	if err != nil {
		return Stats{}, fmt.Errorf("meetings: stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return Stats{}, fmt.Errorf("meetings: stats: %w", err)
		}
		switch status {
		case RequestPending:
			st.Pending = n
		case RequestAccepted:
			st.Accepted = n
		case RequestDeclined:
			st.Declined = n
		case RequestCancelled:
			st.Cancelled = n
		}
	}
	if err := rows.Err(); err != nil {
		return Stats{}, err
	}
	rows.Close()
	st.Requested = st.Pending + st.Accepted + st.Declined
	err = p.db.QueryRow(ctx, `SELECT
		COUNT(*),
		COALESCE(SUM(CASE WHEN sent_status = 'sent' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN outcome = 'held' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN outcome IN ('no_show_a', 'no_show_b', 'no_show_both') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN outcome = 'cancelled' THEN 1 ELSE 0 END), 0)
		FROM meeting_appointments WHERE event_id = ? AND status = 'planned'`, eventID).Scan(
		&st.Scheduled, &st.Sent, &st.Held, &st.NoShows, &st.CalledOff)
	if err != nil {
		return Stats{}, fmt.Errorf("meetings: stats: %w", err)
	}
	switch run, err := p.LastRun(ctx, eventID); {
	case err == nil:
		st.UpperBound = run.UpperBound
	case !errors.Is(err, db.ErrNotFound):
		return Stats{}, err
	}
	return st, nil
}
