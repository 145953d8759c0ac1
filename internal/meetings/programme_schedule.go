package meetings

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/validate"
)

// Run is one run of the scheduler on an event's programme: "Scheduled of
// Requests placed; at most UpperBound possible".
type Run struct {
	ID      int64
	EventID int64
	At      time.Time
	// Requests counts the accepted requests between people taking part;
	// RequestedWeight sums their priorities.
	Requests        int
	RequestedWeight int
	Scheduled       int // meetings placed
	Weight          int // their priorities' sum
	// UpperBound is at least the weight of the best possible schedule:
	// the schedule is optimal when Weight equals it.
	UpperBound int
	// What became of the meetings already sent: kept where they were,
	// moved (when the programme allows it), or dropped because they no
	// longer fit (a person's new availability, a cancelled registration).
	Kept, Moved, Dropped int
	Duration             time.Duration
	Unscheduled          []Unplaced // in request order
}

// Unplaced is an accepted request a run left out, with why.
type Unplaced struct {
	RequestID int64
	A, B      Person // A asked, B was asked
	Weight    int
	Reason    Reason
	// Participant is who reached their maximum (Limit), for MaxReached.
	Participant Person
	Limit       int
	// Slots counts the slots where both are available, for NoFreeSlot.
	Slots int
}

// Text is the reason as a sentence in lang, naming the people.
func (u Unplaced) Text(lang string) string {
	return Unscheduled{A: u.A.Name, B: u.B.Name, Reason: u.Reason, Participant: u.Participant.Name, limit: u.Limit,
		slots: u.Slots}.Text(i18n.Lang(lang))
}

// Summary is the run's result in a sentence in lang: "148 of 150
// meetings placed; at most 149 possible".
func (r Run) Summary(lang string) string {
	lang = i18n.Lang(lang)
	if r.Weight == r.Scheduled && r.RequestedWeight == r.Requests {
		return i18n.T(lang, "programme.run.summary", r.Scheduled, r.Requests, r.UpperBound)
	}
	return i18n.T(lang, "programme.run.summary_weighted", r.Scheduled, r.Requests, r.Weight, r.UpperBound)
}

// snapshot is what Schedule reads of an event's programme: the problem
// for the solver and the meetings already sent.
type snapshot struct {
	setup   Setup
	event   events.Event
	problem Problem // without its fixed meetings
	reqs    []MeetingRequest
	reqAt   map[int64]int // request id → index in problem.Requests
	pairAt  map[[2]string]int
	avail   map[string]map[int]bool
	part    map[string]Participant
	rows    map[int64]appointmentRow // every stored meeting, by request
	sent    []appointmentRow         // the sent ones, oldest sent first
	key     string                   // the whole input, to see whether it changed
}

func attendeeKey(id int64) string { return strconv.FormatInt(id, 10) }

// loadSnapshot reads an event's programme for Schedule.
func loadSnapshot(ctx context.Context, q db.Querier, eventID int64) (snapshot, error) {
	var sn snapshot
	var err error
	if sn.setup, err = getSetup(ctx, q, eventID); err != nil {
		return snapshot{}, err
	}
	if sn.event, err = eventOf(ctx, q, eventID); err != nil {
		return snapshot{}, err
	}
	att, err := listAttendees(ctx, q, "a.event_id = ? AND a.status = 'active' AND r.status = 'confirmed'", eventID)
	if err != nil {
		return snapshot{}, err
	}
	slices.SortFunc(att, func(a, b Attendee) int { return int(a.AttendeeID - b.AttendeeID) })
	sn.problem = Problem{Slots: len(sn.setup.Slots), Tables: sn.setup.Tables, Participants: []Participant{}, Requests: []Request{}}
	sn.avail, sn.part = map[string]map[int]bool{}, map[string]Participant{}
	for _, a := range att {
		pt := Participant{ID: attendeeKey(a.AttendeeID), Stand: a.Stand, MaxMeetings: a.MaxMeetings, Available: []int{}}
		if pt.MaxMeetings == 0 {
			pt.MaxMeetings = sn.setup.MaxMeetings
		}
		set := map[int]bool{}
		for _, sl := range sn.setup.Slots {
			if a.Available(sl.ID) {
				pt.Available = append(pt.Available, sl.Index)
				set[sl.Index] = true
			}
		}
		sn.problem.Participants = append(sn.problem.Participants, pt)
		sn.avail[pt.ID], sn.part[pt.ID] = set, pt
	}
	accepted, err := listRequests(ctx, q, "event_id = ? AND status = 'accepted'", eventID)
	if err != nil {
		return snapshot{}, err
	}
	slices.SortFunc(accepted, func(a, b MeetingRequest) int { return int(a.ID - b.ID) })
	sn.reqAt, sn.pairAt = map[int64]int{}, map[[2]string]int{}
	for _, r := range accepted {
		a, b := attendeeKey(r.From.AttendeeID), attendeeKey(r.To.AttendeeID)
		if _, ok := sn.part[a]; !ok {
			continue
		}
		if _, ok := sn.part[b]; !ok {
			continue
		}
		i := len(sn.problem.Requests)
		sn.reqAt[r.ID], sn.pairAt[[2]string{a, b}], sn.pairAt[[2]string{b, a}] = i, i, i
		sn.problem.Requests = append(sn.problem.Requests, Request{A: a, B: b, Weight: r.Weight})
		sn.reqs = append(sn.reqs, r)
	}
	if sn.rows, err = appointmentRows(ctx, q, eventID); err != nil {
		return snapshot{}, err
	}
	for _, m := range sn.rows {
		if m.sentStatus == "sent" {
			sn.sent = append(sn.sent, m)
		}
	}
	slices.SortFunc(sn.sent, func(a, b appointmentRow) int {
		if c := a.sentAt.Compare(b.sentAt); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	type sentKey struct {
		Req, Slot int64
		Table     int
	}
	var sent []sentKey
	for _, m := range sn.sent {
		sent = append(sent, sentKey{m.requestID, m.sentSlotID, m.sentTable})
	}
	b, err := json.Marshal(struct {
		P      Problem
		Sent   []sentKey
		Moving bool
		Slots  []Slot
	}{sn.problem, sent, sn.setup.AllowMoving, sn.setup.Slots})
	if err != nil {
		return snapshot{}, err
	}
	sn.key = string(b)
	return sn, nil
}

// fixed returns the sent meetings of the requests keep chooses, as fixed
// meetings of the problem, leaving out those that no longer fit (one of
// the two is no longer available then, or has reached their maximum). A
// meeting whose table no longer suits (a person's organisation became an
// exhibitor) takes the stand, or another free table of its slot.
func (sn snapshot) fixed(keep func(requestID int64) bool) []Meeting {
	type personSlot struct {
		id   string
		slot int
	}
	busy := map[personSlot]bool{}
	tables := map[[2]int]bool{}
	count := map[string]int{}
	var out []Meeting
	for _, m := range sn.sent {
		i, ok := sn.reqAt[m.requestID]
		if !ok || !keep(m.requestID) {
			continue
		}
		rq := sn.problem.Requests[i]
		sl, ok := sn.setup.slotByID(m.sentSlotID)
		if !ok {
			continue
		}
		s := sl.Index
		a, b := sn.part[rq.A], sn.part[rq.B]
		fits := true
		for _, pt := range []Participant{a, b} {
			if !sn.avail[pt.ID][s] || busy[personSlot{pt.ID, s}] || (pt.MaxMeetings > 0 && count[pt.ID] >= pt.MaxMeetings) {
				fits = false
			}
		}
		if !fits {
			continue
		}
		table := m.sentTable
		switch {
		case a.Stand || b.Stand:
			table = 0
		case table < 1 || table > sn.problem.Tables || tables[[2]int{s, table}]:
			table = 0
			for t := 1; t <= sn.problem.Tables; t++ {
				if !tables[[2]int{s, t}] {
					table = t
					break
				}
			}
			if table == 0 {
				continue
			}
		}
		busy[personSlot{a.ID, s}], busy[personSlot{b.ID, s}] = true, true
		count[a.ID]++
		count[b.ID]++
		if table > 0 {
			tables[[2]int{s, table}] = true
		}
		out = append(out, Meeting{A: rq.A, B: rq.B, Slot: s, Table: table})
	}
	return out
}

// solve runs the scheduler. Sent meetings are fixed, unless the programme
// allows moving them: then they are free, and any the solver leaves out is
// fixed where it was and the solver runs again, so that a sent meeting
// moves but never disappears.
func (sn snapshot) solve(opt Options) (Schedule, error) {
	keep := map[int64]bool{}
	if !sn.setup.AllowMoving {
		for _, m := range sn.sent {
			keep[m.requestID] = true
		}
	}
	for {
		p := sn.problem
		p.Fixed = sn.fixed(func(id int64) bool { return keep[id] })
		sched, err := Solve(p, opt)
		if err != nil {
			return Schedule{}, err
		}
		if !sn.setup.AllowMoving {
			return sched, nil
		}
		placed := map[int]bool{}
		for _, m := range sched.Meetings {
			placed[sn.pairAt[[2]string{m.A, m.B}]] = true
		}
		again := false
		for _, m := range sn.sent {
			if i, ok := sn.reqAt[m.requestID]; ok && !placed[i] && !keep[m.requestID] {
				keep[m.requestID], again = true, true
			}
		}
		if !again {
			return sched, nil
		}
	}
}

// errStale says the programme changed between the solver's reading and
// the transaction that stores its schedule.
var errStale = errors.New("meetings: programme changed")

// Schedule places an event's accepted requests (staff): it gives the
// solver each person's available slots, stand and maximum, the tables,
// and the meetings already sent, fixed unless the programme allows moving
// them; it stores the run and the meetings placed, as drafts until
// Publish. Registrants whose registration was cancelled are withdrawn
// first. A new request placed late thus leaves the sent meetings where
// they are.
func (p *Programme) Schedule(ctx context.Context, eventID int64, opt Options) (Run, error) {
	if _, err := p.SyncRegistrations(ctx, eventID); err != nil {
		return Run{}, err
	}
	for range 3 {
		sn, err := loadSnapshot(ctx, p.db, eventID)
		if err != nil {
			return Run{}, err
		}
		if sn.event.Status == events.StatusCancelled {
			return Run{}, ErrState
		}
		if len(sn.setup.Slots) == 0 {
			return Run{}, validate.NewMessage("programme.slots_required")
		}
		started := time.Now()
		sched, err := sn.solve(opt)
		if err != nil {
			return Run{}, fmt.Errorf("meetings: schedule: %w", err)
		}
		run, err := p.store(ctx, sn, sched, time.Since(started))
		if errors.Is(err, errStale) {
			continue
		}
		if err != nil {
			return Run{}, fmt.Errorf("meetings: schedule: %w", err)
		}
		return run, nil
	}
	return Run{}, ErrChanged
}

// placement is where a run puts a request.
type placement struct {
	slotID int64
	table  int
}

// store writes a schedule of sn, unless the programme changed meanwhile.
func (p *Programme) store(ctx context.Context, sn snapshot, sched Schedule, took time.Duration) (Run, error) {
	run := Run{EventID: sn.setup.EventID, At: p.stamp(), Requests: len(sn.problem.Requests), Scheduled: sched.Scheduled,
		Weight: sched.Weight, UpperBound: sched.UpperBound, Duration: took}
	for _, r := range sn.problem.Requests {
		run.RequestedWeight += r.Weight
	}
	placed := map[int64]placement{}
	var order []int64
	for _, m := range sched.Meetings {
		r := sn.reqs[sn.pairAt[[2]string{m.A, m.B}]]
		placed[r.ID] = placement{sn.setup.Slots[m.Slot].ID, m.Table}
		order = append(order, r.ID)
	}
	for _, m := range sn.sent {
		switch pl, ok := placed[m.requestID]; {
		case !ok:
			run.Dropped++
		case pl.slotID == m.sentSlotID && pl.table == m.sentTable:
			run.Kept++
		default:
			run.Moved++
		}
	}
	for _, u := range sched.Unscheduled {
		r := sn.reqs[sn.pairAt[[2]string{u.A, u.B}]]
		up := Unplaced{RequestID: r.ID, A: r.From, B: r.To, Weight: u.Weight, Reason: u.Reason, Limit: u.limit, Slots: u.slots}
		if u.Participant != "" {
			up.Participant = r.From
			if u.Participant == attendeeKey(r.To.AttendeeID) {
				up.Participant = r.To
			}
		}
		run.Unscheduled = append(run.Unscheduled, up)
	}
	err := p.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := lockSetup(ctx, tx, sn.setup.EventID); err != nil {
			return err
		}
		now, err := loadSnapshot(ctx, tx, sn.setup.EventID)
		if err != nil {
			return err
		}
		if now.key != sn.key {
			return errStale
		}
		var by any
		if id := audit.ActorFrom(ctx).UserID; id != 0 {
			by = id
		}
		if err := tx.QueryRow(ctx, `INSERT INTO meeting_runs (event_id, ran_at, ran_by, requests, requested_weight, scheduled,
			weight, upper_bound, kept, moved, dropped, millis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			run.EventID, run.At, by, run.Requests, run.RequestedWeight, run.Scheduled, run.Weight, run.UpperBound, run.Kept,
			run.Moved, run.Dropped, run.Duration.Milliseconds()).Scan(&run.ID); err != nil {
			return err
		}
		for _, u := range run.Unscheduled {
			var who any
			if u.Participant.AttendeeID != 0 {
				who = u.Participant.AttendeeID
			}
			if _, err := tx.Exec(ctx, `INSERT INTO meeting_run_unscheduled (run_id, request_id, reason, attendee_id, limit_n, slots_n)
				VALUES (?, ?, ?, ?, ?, ?)`, run.ID, u.RequestID, string(u.Reason), who, u.Limit, u.Slots); err != nil {
				return err
			}
		}
		stamp := p.stamp()
		for _, id := range order {
			pl := placed[id]
			row, ok := now.rows[id]
			var err error
			switch {
			case !ok:
				_, err = tx.Exec(ctx, `INSERT INTO meeting_appointments (event_id, request_id, slot_id, table_no, status, run_id,
					created_at, updated_at) VALUES (?, ?, ?, ?, 'planned', ?, ?, ?)`, run.EventID, id, pl.slotID, pl.table, run.ID,
					stamp, stamp)
			case row.status != "planned" || row.slotID != pl.slotID || row.table != pl.table:
				_, err = tx.Exec(ctx, `UPDATE meeting_appointments SET status = 'planned', slot_id = ?, table_no = ?, run_id = ?,
					cancelled_at = NULL, updated_at = ? WHERE id = ?`, pl.slotID, pl.table, run.ID, stamp, row.id)
			default:
				_, err = tx.Exec(ctx, "UPDATE meeting_appointments SET run_id = ? WHERE id = ?", run.ID, row.id)
			}
			if err != nil {
				return err
			}
		}
		for id, row := range now.rows {
			if _, ok := placed[id]; ok || row.status != "planned" {
				continue
			}
			var err error
			if row.sentStatus == "" {
				_, err = tx.Exec(ctx, "DELETE FROM meeting_appointments WHERE id = ?", row.id)
			} else {
				// Sent, and no longer fits: cancelled, told at the next
				// publication.
				_, err = tx.Exec(ctx, "UPDATE meeting_appointments SET status = 'cancelled', cancelled_at = ?, updated_at = ? WHERE id = ?",
					stamp, stamp, row.id)
			}
			if err != nil {
				return err
			}
		}
		summary := run
		summary.Unscheduled = nil
		return audit.Record(ctx, tx, "meeting_programme", run.EventID, "schedule", nil, summary)
	})
	if err != nil {
		return Run{}, err
	}
	return run, nil
}

// LastRun returns the latest run of the scheduler on an event;
// db.ErrNotFound before the first.
func (p *Programme) LastRun(ctx context.Context, eventID int64) (Run, error) {
	var r Run
	var millis int64
	err := p.db.QueryRow(ctx, `SELECT id, event_id, ran_at, requests, requested_weight, scheduled, weight, upper_bound, kept,
		moved, dropped, millis FROM meeting_runs WHERE event_id = ? ORDER BY ran_at DESC, id DESC LIMIT 1`, eventID).Scan(
		&r.ID, &r.EventID, &r.At, &r.Requests, &r.RequestedWeight, &r.Scheduled, &r.Weight, &r.UpperBound, &r.Kept, &r.Moved,
		&r.Dropped, &millis)
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, db.ErrNotFound
	}
	if err != nil {
		return Run{}, fmt.Errorf("meetings: last run: %w", err)
	}
	r.At, r.Duration = r.At.UTC(), time.Duration(millis)*time.Millisecond
	folk, err := people(ctx, p.db, eventID, nil)
	if err != nil {
		return Run{}, err
	}
	rows, err := p.db.Query(ctx, `SELECT u.request_id, q.from_id, q.to_id, q.weight, u.reason, u.attendee_id, u.limit_n, u.slots_n
		FROM meeting_run_unscheduled u JOIN meeting_requests q ON q.id = u.request_id WHERE u.run_id = ? ORDER BY q.id`, r.ID)
	if err != nil {
		return Run{}, fmt.Errorf("meetings: last run: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u Unplaced
		var from, to int64
		var who sql.NullInt64
		if err := rows.Scan(&u.RequestID, &from, &to, &u.Weight, &u.Reason, &who, &u.Limit, &u.Slots); err != nil {
			return Run{}, fmt.Errorf("meetings: last run: %w", err)
		}
		u.A, u.B = folk[from].Person, folk[to].Person
		if who.Valid {
			u.Participant = folk[who.Int64].Person
		}
		r.Unscheduled = append(r.Unscheduled, u)
	}
	return r, rows.Err()
}
