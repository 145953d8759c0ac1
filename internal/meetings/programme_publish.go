package meetings

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/textsearch"
)

// Publication says what Publish sent.
type Publication struct {
	Sent      int // meetings sent for the first time
	Moved     int // sent meetings whose new place was sent
	Cancelled int // sent meetings whose cancellation was sent
	People    int // people mailed their agenda
}

// Publish sends the plan (staff): the draft meetings become sent, the
// moves and cancellations of sent meetings are sent too, and each person
// concerned is mailed (and notified in the app) their agenda with its
// links. Publishing with nothing new does nothing.
func (p *Programme) Publish(ctx context.Context, eventID int64) (Publication, error) {
	if err := p.ready(); err != nil {
		return Publication{}, err
	}
	var pub Publication
	err := p.db.Tx(ctx, func(tx *db.Tx) error {
		s, err := lockSetup(ctx, tx, eventID)
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
		rows, err := appointmentRows(ctx, tx, eventID)
		if err != nil {
			return err
		}
		reqs, err := listRequests(ctx, tx, "event_id = ?", eventID)
		if err != nil {
			return err
		}
		byID := map[int64]MeetingRequest{}
		for _, r := range reqs {
			byID[r.ID] = r
		}
		var changed []appointmentRow
		for _, m := range rows {
			if m.pending() {
				changed = append(changed, m)
			}
		}
		slices.SortFunc(changed, func(a, b appointmentRow) int { return int(a.id - b.id) })
		concerned := map[int64]bool{}
		now := p.stamp()
		for _, m := range changed {
			var err error
			switch {
			case m.status == "planned" && m.sentStatus != "sent":
				pub.Sent++
				_, err = tx.Exec(ctx, `UPDATE meeting_appointments SET sent_status = 'sent', sent_slot_id = slot_id,
					sent_table = table_no, sent_at = ?, updated_at = ? WHERE id = ?`, now, now, m.id)
			case m.status == "planned":
				pub.Moved++
				_, err = tx.Exec(ctx, `UPDATE meeting_appointments SET sent_slot_id = slot_id, sent_table = table_no,
					sequence = sequence + 1, sent_at = ?, updated_at = ? WHERE id = ?`, now, now, m.id)
			default:
				pub.Cancelled++
				_, err = tx.Exec(ctx, `UPDATE meeting_appointments SET sent_status = 'cancelled', sequence = sequence + 1,
					updated_at = ? WHERE id = ?`, now, m.id)
			}
			if err != nil {
				return err
			}
			r := byID[m.requestID]
			concerned[r.From.AttendeeID], concerned[r.To.AttendeeID] = true, true
		}
		if len(changed) == 0 {
			return nil
		}
		ids := make([]int64, 0, len(concerned))
		for id := range concerned {
			ids = append(ids, id)
		}
		byPerson, err := people(ctx, tx, eventID, ids)
		if err != nil {
			return err
		}
		var folk []Attendee
		for _, id := range ids {
			folk = append(folk, byPerson[id])
		}
		slices.SortFunc(folk, func(a, b Attendee) int {
			return strings.Compare(textsearch.Fold(a.Name), textsearch.Fold(b.Name))
		})
		sent, err := listAppointments(ctx, tx, s, sentCond)
		if err != nil {
			return err
		}
		for _, a := range folk {
			if !a.Active() {
				continue // their meetings were cancelled with them
			}
			ag := buildAgenda(e, a, sent, true)
			lang := i18n.Lang(a.Lang)
			if err := p.send(ctx, tx, a.Person, "programme.mail.agenda", []any{e.Title(lang)},
				[]any{e.Title(lang), e.When(lang), agendaLines(lang, ag), p.agendaURL(e.ID, a.Person), p.ICSURL(a.Person)},
				AgendaPath(e.ID), []string{e.Title(lang)}); err != nil {
				return err
			}
			pub.People++
		}
		return audit.Record(ctx, tx, "meeting_programme", eventID, "publish", nil, pub)
	})
	if err != nil {
		return Publication{}, fmt.Errorf("meetings: publish: %w", err)
	}
	return pub, nil
}
