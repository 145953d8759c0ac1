package meetings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"filiere/internal/db"
	"filiere/internal/events"
	"filiere/internal/textsearch"
)

type rowScanner interface{ Scan(dest ...any) error }

// eventOf reads what the programme needs of an event: its titles, dates,
// place and status.
func eventOf(ctx context.Context, q db.Querier, id int64) (events.Event, error) {
	var e events.Event
	err := q.QueryRow(ctx, `SELECT id, type, status, audience, title_fr, title_en, starts_at, ends_at, venue, address, city,
		online_url FROM events WHERE id = ?`, id).Scan(&e.ID, &e.Type, &e.Status, &e.Audience, &e.TitleFR, &e.TitleEN,
		&e.Start, &e.End, &e.Venue, &e.Address, &e.City, &e.OnlineURL)
	if errors.Is(err, sql.ErrNoRows) {
		return events.Event{}, db.ErrNotFound
	}
	if err != nil {
		return events.Event{}, fmt.Errorf("meetings: read event: %w", err)
	}
	e.Start, e.End = e.Start.UTC(), e.End.UTC()
	return e, nil
}

// lockSetup takes the event's programme for the rest of the transaction,
// so that its requests and meetings change one transaction at a time. On
// PostgreSQL it is a row lock; SQLite begins write transactions IMMEDIATE,
// which serialises them already. db.ErrNotFound when the event has no
// programme.
func lockSetup(ctx context.Context, tx *db.Tx, eventID int64) (Setup, error) {
	if tx.Dialect() == db.Postgres {
		var got int64
		err := tx.QueryRow(ctx, "SELECT event_id FROM meeting_setups WHERE event_id = ? FOR UPDATE", eventID).Scan(&got)
		if errors.Is(err, sql.ErrNoRows) {
			return Setup{}, db.ErrNotFound
		}
		if err != nil {
			return Setup{}, fmt.Errorf("meetings: lock programme: %w", err)
		}
	}
	return getSetup(ctx, tx, eventID)
}

// getSetup reads an event's programme with its slots.
func getSetup(ctx context.Context, q db.Querier, eventID int64) (Setup, error) {
	s := Setup{EventID: eventID}
	var enabled, moving int
	var deadline sql.NullTime
	err := q.QueryRow(ctx, `SELECT enabled, tables, request_deadline, allow_moving, max_meetings, created_at, updated_at
		FROM meeting_setups WHERE event_id = ?`, eventID).Scan(&enabled, &s.Tables, &deadline, &moving, &s.MaxMeetings,
		&s.CreatedAt, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Setup{}, db.ErrNotFound
	}
	if err != nil {
		return Setup{}, fmt.Errorf("meetings: read programme: %w", err)
	}
	s.Enabled, s.AllowMoving = enabled == 1, moving == 1
	s.RequestDeadline = utc(deadline.Time)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	rows, err := q.Query(ctx, "SELECT id, starts_at, minutes FROM meeting_slots WHERE event_id = ? ORDER BY starts_at", eventID)
	if err != nil {
		return Setup{}, fmt.Errorf("meetings: read slots: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		sl := Slot{Index: len(s.Slots)}
		if err := rows.Scan(&sl.ID, &sl.Start, &sl.Minutes); err != nil {
			return Setup{}, fmt.Errorf("meetings: read slots: %w", err)
		}
		sl.Start = sl.Start.UTC()
		s.Slots = append(s.Slots, sl)
	}
	return s, rows.Err()
}

// slotByID finds a slot of the setup.
func (s Setup) slotByID(id int64) (Slot, bool) {
	for _, sl := range s.Slots {
		if sl.ID == id {
			return sl, true
		}
	}
	return Slot{}, false
}

// attendeeColumns are the columns scanAttendee reads. The name,
// organisation, e-mail and language are the registration's; the stand is
// the exhibitor's, when the registrant's organisation exhibits.
const attendeeColumns = `a.id, a.event_id, a.registration_id, r.user_id, r.organisation_id, r.name, r.organisation, r.email,
	r.lang, r.status, x.organisation_id, x.stand, a.offer, a.seeking, a.profile_lang, a.max_meetings, a.all_slots, a.status,
	a.created_at, a.updated_at, a.withdrawn_at`

const attendeeFrom = ` FROM meeting_attendees a JOIN event_registrations r ON r.id = a.registration_id
	LEFT JOIN event_exhibitors x ON x.event_id = a.event_id AND x.organisation_id = r.organisation_id`

func scanAttendee(sc rowScanner) (Attendee, error) {
	var a Attendee
	var user, org, exhibitor sql.NullInt64
	var stand sql.NullString
	var all int
	var withdrawn sql.NullTime
	err := sc.Scan(&a.AttendeeID, &a.EventID, &a.RegistrationID, &user, &org, &a.Name, &a.Organisation, &a.Email, &a.Lang,
		&a.RegistrationStatus, &exhibitor, &stand, &a.Offer, &a.Seeking, &a.ProfileLang, &a.MaxMeetings, &all, &a.Status,
		&a.CreatedAt, &a.UpdatedAt, &withdrawn)
	if err != nil {
		return Attendee{}, err
	}
	a.UserID, a.OrganisationID = user.Int64, org.Int64
	a.Stand, a.StandLabel = exhibitor.Valid, stand.String
	a.AllSlots = all == 1
	a.CreatedAt, a.UpdatedAt, a.WithdrawnAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC(), utc(withdrawn.Time)
	return a, nil
}

// listAttendees reads the attendees matching cond, by name, with their
// slots.
func listAttendees(ctx context.Context, q db.Querier, cond string, args ...any) ([]Attendee, error) {
	rows, err := q.Query(ctx, "SELECT "+attendeeColumns+attendeeFrom+" WHERE "+cond+" ORDER BY a.id", args...)
	if err != nil {
		return nil, fmt.Errorf("meetings: read attendees: %w", err)
	}
	defer rows.Close()
	var out []Attendee
	at := map[int64]int{}
	for rows.Next() {
		a, err := scanAttendee(rows)
		if err != nil {
			return nil, fmt.Errorf("meetings: read attendees: %w", err)
		}
		at[a.AttendeeID] = len(out)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// The availability of those not available everywhere, a thousand at
	// a time (the engines bound the parameters of a statement).
	var ids []any
	for _, a := range out {
		if !a.AllSlots {
			ids = append(ids, a.AttendeeID)
		}
	}
	for len(ids) > 0 {
		part := ids[:min(len(ids), 1000)]
		ids = ids[len(part):]
		if err := readAvailability(ctx, q, part, func(id, slot int64) {
			out[at[id]].Slots = append(out[at[id]].Slots, slot)
		}); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(a, b Attendee) int {
		return strings.Compare(textsearch.Fold(a.Name), textsearch.Fold(b.Name))
	})
	return out, nil
}

func readAvailability(ctx context.Context, q db.Querier, ids []any, add func(id, slot int64)) error {
	rows, err := q.Query(ctx, `SELECT v.attendee_id, v.slot_id FROM meeting_availability v JOIN meeting_slots s ON s.id = v.slot_id
		WHERE v.attendee_id IN (`+placeholders(len(ids))+`) ORDER BY s.starts_at`, ids...)
	if err != nil {
		return fmt.Errorf("meetings: read availability: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, slot int64
		if err := rows.Scan(&id, &slot); err != nil {
			return fmt.Errorf("meetings: read availability: %w", err)
		}
		add(id, slot)
	}
	return rows.Err()
}

func getAttendee(ctx context.Context, q db.Querier, id int64) (Attendee, error) {
	list, err := listAttendees(ctx, q, "a.id = ?", id)
	if err != nil {
		return Attendee{}, err
	}
	if len(list) == 0 {
		return Attendee{}, db.ErrNotFound
	}
	return list[0], nil
}

// attendeeOf is the attendee of a registration; found is false when the
// registrant never opted in.
func attendeeOf(ctx context.Context, q db.Querier, registrationID int64) (Attendee, bool, error) {
	list, err := listAttendees(ctx, q, "a.registration_id = ?", registrationID)
	if err != nil || len(list) == 0 {
		return Attendee{}, false, err
	}
	return list[0], true, nil
}

// people maps attendees of an event by id: those named by ids when they
// are few, else all of the event's (one read beats many).
func people(ctx context.Context, q db.Querier, eventID int64, ids []int64) (map[int64]Attendee, error) {
	var list []Attendee
	var err error
	if ids != nil && len(ids) <= 100 {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		if len(args) > 0 {
			list, err = listAttendees(ctx, q, "a.id IN ("+placeholders(len(args))+")", args...)
		}
	} else {
		list, err = listAttendees(ctx, q, "a.event_id = ?", eventID)
	}
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Attendee, len(list))
	for _, a := range list {
		out[a.AttendeeID] = a
	}
	return out, nil
}

const requestColumns = `id, event_id, from_id, to_id, message, status, weight, source, created_at, answered_at, cancelled_at`

// requestRow is a request as stored: the people are ids.
type requestRow struct {
	MeetingRequest
	from, to int64
}

func scanRequest(sc rowScanner) (requestRow, error) {
	var r requestRow
	var answered, cancelled sql.NullTime
	err := sc.Scan(&r.ID, &r.EventID, &r.from, &r.to, &r.Message, &r.Status, &r.Weight, &r.Source, &r.CreatedAt,
		&answered, &cancelled)
	if err != nil {
		return requestRow{}, err
	}
	r.CreatedAt, r.AnsweredAt, r.CancelledAt = r.CreatedAt.UTC(), utc(answered.Time), utc(cancelled.Time)
	return r, nil
}

// listRequests reads the requests matching cond, oldest first, with their
// people.
func listRequests(ctx context.Context, q db.Querier, cond string, args ...any) ([]MeetingRequest, error) {
	rows, err := q.Query(ctx, "SELECT "+requestColumns+" FROM meeting_requests WHERE "+cond+" ORDER BY created_at, id", args...)
	if err != nil {
		return nil, fmt.Errorf("meetings: read requests: %w", err)
	}
	defer rows.Close()
	var raw []requestRow
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("meetings: read requests: %w", err)
		}
		raw = append(raw, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(raw) == 0 {
		return nil, nil
	}
	var ids []int64
	for _, r := range raw {
		ids = append(ids, r.from, r.to)
	}
	folk, err := people(ctx, q, raw[0].EventID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]MeetingRequest, len(raw))
	for i, r := range raw {
		if r.EventID != raw[0].EventID {
			return nil, fmt.Errorf("meetings: read requests: several events")
		}
		r.From, r.To = folk[r.from].Person, folk[r.to].Person
		out[i] = r.MeetingRequest
	}
	return out, nil
}

func getRequest(ctx context.Context, q db.Querier, id int64) (MeetingRequest, error) {
	list, err := listRequests(ctx, q, "id = ?", id)
	if err != nil {
		return MeetingRequest{}, err
	}
	if len(list) == 0 {
		return MeetingRequest{}, db.ErrNotFound
	}
	return list[0], nil
}

// appointmentRow is a meeting as stored.
type appointmentRow struct {
	id, eventID, requestID int64
	slotID                 int64
	table                  int
	status                 string // planned or cancelled
	sentStatus             string // "", sent or cancelled
	sentSlotID             int64
	sentTable              int
	sequence               int
	outcome                string
	updatedAt, sentAt      time.Time
}

// pending reports whether the row holds a change the two people were not
// told yet.
func (r appointmentRow) pending() bool {
	if r.status == "planned" {
		return r.sentStatus != "sent" || r.sentSlotID != r.slotID || r.sentTable != r.table
	}
	return r.sentStatus == "sent"
}

// state is the row's status as Appointment.Status gives it.
func (r appointmentRow) state() string {
	switch {
	case r.status == "cancelled":
		return StatusCancelled
	case r.sentStatus != "sent":
		return StatusDraft
	case r.pending():
		return StatusChanged
	}
	return StatusSent
}

const appointmentColumns = `m.id, m.event_id, m.request_id, m.slot_id, m.table_no, m.status, m.sent_status, m.sent_slot_id,
	m.sent_table, m.sequence, m.outcome, m.updated_at, m.sent_at`

func scanAppointmentRow(sc rowScanner, extra ...any) (appointmentRow, error) {
	var r appointmentRow
	var sentSlot sql.NullInt64
	var sent sql.NullTime
	err := sc.Scan(append([]any{&r.id, &r.eventID, &r.requestID, &r.slotID, &r.table, &r.status, &r.sentStatus, &sentSlot,
		&r.sentTable, &r.sequence, &r.outcome, &r.updatedAt, &sent}, extra...)...)
	if err != nil {
		return appointmentRow{}, err
	}
	r.sentSlotID, r.sentAt, r.updatedAt = sentSlot.Int64, utc(sent.Time), r.updatedAt.UTC()
	return r, nil
}

// appointmentRows reads an event's meetings as stored, by request.
func appointmentRows(ctx context.Context, q db.Querier, eventID int64) (map[int64]appointmentRow, error) {
	rows, err := q.Query(ctx, "SELECT "+appointmentColumns+" FROM meeting_appointments m WHERE m.event_id = ?", eventID)
	if err != nil {
		return nil, fmt.Errorf("meetings: read meetings: %w", err)
	}
	defer rows.Close()
	out := map[int64]appointmentRow{}
	for rows.Next() {
		r, err := scanAppointmentRow(rows)
		if err != nil {
			return nil, fmt.Errorf("meetings: read meetings: %w", err)
		}
		out[r.requestID] = r
	}
	return out, rows.Err()
}

// appointmentOf is the stored meeting of a request, if any.
func appointmentOf(ctx context.Context, q db.Querier, requestID int64) (appointmentRow, bool, error) {
	r, err := scanAppointmentRow(q.QueryRow(ctx, "SELECT "+appointmentColumns+" FROM meeting_appointments m WHERE m.request_id = ?", requestID))
	if errors.Is(err, sql.ErrNoRows) {
		return appointmentRow{}, false, nil
	}
	if err != nil {
		return appointmentRow{}, false, fmt.Errorf("meetings: read meeting: %w", err)
	}
	return r, true, nil
}

// listAppointments reads the meetings matching cond (on m, the meeting,
// and q, its request), by slot then table, with their people.
func listAppointments(ctx context.Context, q db.Querier, setup Setup, cond string, args ...any) ([]Appointment, error) {
	rows, err := q.Query(ctx, "SELECT "+appointmentColumns+`, q.from_id, q.to_id, q.weight, q.message
		FROM meeting_appointments m JOIN meeting_requests q ON q.id = m.request_id
		WHERE m.event_id = ? AND `+cond+" ORDER BY m.id", append([]any{setup.EventID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("meetings: read meetings: %w", err)
	}
	defer rows.Close()
	type joined struct {
		row      appointmentRow
		from, to int64
		weight   int
		message  string
	}
	var raw []joined
	for rows.Next() {
		var j joined
		r, err := scanAppointmentRow(rows, &j.from, &j.to, &j.weight, &j.message)
		if err != nil {
			return nil, fmt.Errorf("meetings: read meetings: %w", err)
		}
		j.row = r
		raw = append(raw, j)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(raw) == 0 {
		return nil, nil
	}
	var ids []int64
	for _, j := range raw {
		ids = append(ids, j.from, j.to)
	}
	folk, err := people(ctx, q, setup.EventID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Appointment, 0, len(raw))
	for _, j := range raw {
		r := j.row
		m := Appointment{ID: r.id, EventID: r.eventID, RequestID: r.requestID, A: folk[j.from].Person, B: folk[j.to].Person,
			Weight: j.weight, Table: r.table, Status: r.state(), SentTable: r.sentTable, Sequence: r.sequence,
			Outcome: r.outcome, Message: j.message, UpdatedAt: r.updatedAt, SentAt: r.sentAt, sentStatus: r.sentStatus}
		m.Slot, _ = setup.slotByID(r.slotID)
		m.SentSlot, _ = setup.slotByID(r.sentSlotID)
		m.Stand = standOf(m.A, m.B)
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b Appointment) int {
		if c := a.Slot.Start.Compare(b.Slot.Start); c != 0 {
			return c
		}
		return tableOrder(a.Table) - tableOrder(b.Table)
	})
	return out, nil
}

// tableOrder puts meetings at stands (table 0) after the tables.
func tableOrder(t int) int {
	if t == 0 {
		return 1 << 30
	}
	return t
}

// standOf says where a meeting with a stand-holder takes place: at the
// stand of the one asked when they hold one, else of the one who asked.
// "" when neither holds a stand.
func standOf(a, b Person) string {
	for _, p := range []Person{b, a} {
		if p.Stand {
			if p.StandLabel == "" {
				return p.Organisation
			}
			return p.Organisation + " (" + p.StandLabel + ")"
		}
	}
	return ""
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
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

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
