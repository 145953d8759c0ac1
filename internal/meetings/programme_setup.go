package meetings

import (
	"context"
	"fmt"
	"slices"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/events"
	"filiere/internal/validate"
)

// Setup returns an event's programme; db.ErrNotFound when staff never
// configured one.
func (p *Programme) Setup(ctx context.Context, eventID int64) (Setup, error) {
	return getSetup(ctx, p.db, eventID)
}

// checkSetup validates in against the event.
func checkSetup(in SetupInput, e events.Event) validate.Errors {
	var errs validate.Errors
	if in.Tables < 0 || in.Tables > MaxTables {
		errs.Add("tables", "programme.tables_range", MaxTables)
	}
	if in.MaxMeetings < 0 || in.MaxMeetings > MaxSlots {
		errs.Add("max_meetings", "programme.max_range", MaxSlots)
	}
	if !in.RequestDeadline.IsZero() && in.RequestDeadline.After(e.End) {
		errs.Add("request_deadline", "programme.deadline_after_event")
	}
	if len(in.Slots) > MaxSlots {
		errs.Add("slots", "programme.too_many_slots", MaxSlots)
		return errs
	}
	if in.Enabled && len(in.Slots) == 0 {
		errs.Add("slots", "programme.slots_required")
	}
	slots := slices.Clone(in.Slots)
	slices.SortStableFunc(slots, func(a, b SlotInput) int { return a.Start.Compare(b.Start) })
	for i, s := range slots {
		field := fmt.Sprintf("slots[%d]", i)
		end := s.Start.Add(time.Duration(s.Minutes) * time.Minute)
		switch {
		case s.Minutes < 1 || s.Minutes > maxSlotMins:
			errs.Add(field, "programme.slot_length", maxSlotMins)
		case s.Start.Before(e.Start) || end.After(e.End):
			errs.Add(field, "programme.slot_outside", events.Local(s.Start).Format("02/01 15:04"))
		case i > 0 && s.Start.Before(slots[i-1].Start.Add(time.Duration(slots[i-1].Minutes)*time.Minute)):
			errs.Add(field, "programme.slot_overlap", events.Local(s.Start).Format("02/01 15:04"))
		}
	}
	return errs
}

// Configure sets an event's programme (staff): whether it is open, its
// tables, slots, request deadline, whether sent meetings may move, and
// the default maximum per person. A slot or table that holds a meeting
// already sent cannot go. Changing the slots or the tables drops the
// meetings not sent yet: the next Schedule places them again.
func (p *Programme) Configure(ctx context.Context, eventID int64, in SetupInput) (Setup, error) {
	e, err := eventOf(ctx, p.db, eventID)
	if err != nil {
		return Setup{}, err
	}
	in.Slots = slices.Clone(in.Slots)
	for i := range in.Slots {
		in.Slots[i].Start = in.Slots[i].Start.UTC().Truncate(time.Minute)
	}
	in.RequestDeadline = utc(in.RequestDeadline)
	errs := checkSetup(in, e)
	if err := errs.Err(); err != nil {
		return Setup{}, err
	}
	now := p.stamp()
	err = p.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO meeting_setups (event_id, enabled, tables, allow_moving, max_meetings, created_at, updated_at)
			VALUES (?, 0, 0, 0, 0, ?, ?) ON CONFLICT (event_id) DO NOTHING`, eventID, now, now)
		if err != nil {
			return err
		}
		created, err := res.RowsAffected()
		if err != nil {
			return err
		}
		before, err := lockSetup(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if e.Status == events.StatusCancelled {
			return ErrState
		}
		keep := map[int64]bool{}
		minutes := map[int64]int{}
		var added []SlotInput
		for _, s := range in.Slots {
			i := slices.IndexFunc(before.Slots, func(old Slot) bool { return old.Start.Equal(s.Start) })
			if i < 0 {
				added = append(added, s)
				continue
			}
			keep[before.Slots[i].ID], minutes[before.Slots[i].ID] = true, s.Minutes
		}
		reshaped := len(added) > 0 || len(keep) < len(before.Slots) || in.Tables != before.Tables
		for _, old := range before.Slots {
			if keep[old.ID] {
				reshaped = reshaped || minutes[old.ID] != old.Minutes
				continue
			}
			var sent int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_appointments WHERE sent_status = 'sent'
				AND (slot_id = ? OR sent_slot_id = ?)`, old.ID, old.ID).Scan(&sent); err != nil {
				return err
			}
			if sent > 0 {
				errs.Add("slots", "programme.slot_has_meetings", events.Local(old.Start).Format("02/01 15:04"), sent)
			}
		}
		var highest int
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(sent_table), 0) FROM meeting_appointments WHERE event_id = ? AND sent_status = 'sent'",
			eventID).Scan(&highest); err != nil {
			return err
		}
		if highest > in.Tables {
			errs.Add("tables", "programme.tables_in_use", highest)
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if reshaped {
			// Meetings not sent go; sent ones that moved in the plan go back
			// to where they were sent.
			if _, err := tx.Exec(ctx, "DELETE FROM meeting_appointments WHERE event_id = ? AND sent_status = ''", eventID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE meeting_appointments SET slot_id = sent_slot_id, table_no = sent_table, updated_at = ?
				WHERE event_id = ? AND status = 'planned' AND sent_status = 'sent'`, now, eventID); err != nil {
				return err
			}
		}
		for _, old := range before.Slots {
			switch {
			case !keep[old.ID]:
				if _, err := tx.Exec(ctx, "DELETE FROM meeting_slots WHERE id = ?", old.ID); err != nil {
					return err
				}
			case minutes[old.ID] != old.Minutes:
				if _, err := tx.Exec(ctx, "UPDATE meeting_slots SET minutes = ? WHERE id = ?", minutes[old.ID], old.ID); err != nil {
					return err
				}
			}
		}
		for _, s := range added {
			if _, err := tx.Exec(ctx, "INSERT INTO meeting_slots (event_id, starts_at, minutes) VALUES (?, ?, ?)",
				eventID, s.Start, s.Minutes); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_setups SET enabled = ?, tables = ?, request_deadline = ?, allow_moving = ?,
			max_meetings = ?, updated_at = ? WHERE event_id = ?`, boolInt(in.Enabled), in.Tables, nullTime(in.RequestDeadline),
			boolInt(in.AllowMoving), in.MaxMeetings, now, eventID); err != nil {
			return err
		}
		after, err := getSetup(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if created > 0 {
			return audit.Record(ctx, tx, "meeting_setup", eventID, "create", nil, after)
		}
		return audit.Record(ctx, tx, "meeting_setup", eventID, "update", before, after)
	})
	if err != nil {
		return Setup{}, fmt.Errorf("meetings: configure: %w", err)
	}
	return getSetup(ctx, p.db, eventID)
}

// openFor checks that participants may act in the programme now: it is
// enabled, the event is published and has not started; requests (and
// opting in) also stop at the deadline.
func (p *Programme) openFor(s Setup, e events.Event, requests bool) error {
	if !s.Enabled || e.Status != events.StatusPublished {
		return validate.NewMessage("programme.closed")
	}
	now := p.Now()
	if e.Started(now) {
		return validate.NewMessage("programme.started")
	}
	if requests && !s.RequestDeadline.IsZero() && !now.Before(s.RequestDeadline) {
		at := events.Local(s.RequestDeadline)
		return validate.NewMessage("programme.deadline_passed", at.Format("02/01/2006"), at.Format("15:04"))
	}
	return nil
}
