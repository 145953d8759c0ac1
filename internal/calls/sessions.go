package calls

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// Session statuses.
const (
	SessionPlanned = "planned"
	SessionClosed  = "closed" // minutes final: no more decisions
)

// Session is a meeting of the evaluation committee (or a jury).
type Session struct {
	ID        int64
	Title     string
	HeldAt    time.Time
	Place     string
	Quorum    int // voting members needed for a decision
	Status    string
	Notes     string
	CreatedAt time.Time
	UpdatedAt time.Time
	Members   []Member
	Items     []Item // the agenda, in order
}

// Present counts the members present.
func (s Session) Present() int {
	n := 0
	for _, m := range s.Members {
		if m.Present {
			n++
		}
	}
	return n
}

// Voters counts the members present and not recused for an item: those
// who may decide it (the quorum counts them).
func (s Session) Voters(it Item) int {
	n := 0
	for _, m := range s.Members {
		if m.Present && !slices.ContainsFunc(it.Recused, func(r Recusal) bool { return r.ExpertID == m.ExpertID }) {
			n++
		}
	}
	return n
}

// QuorumMet reports whether enough members are present.
func (s Session) QuorumMet() bool { return s.Present() >= s.Quorum }

// Member is an expert sitting on a session.
type Member struct {
	ExpertID    int64
	Name        string
	Affiliation string
	Present     bool
}

// Item is an application on a session's agenda.
type Item struct {
	Application Application
	Position    int
	Decision    string // "" until decided
	Comment     string
	Voters      int // members who took part in the decision
	DecidedAt   time.Time
	Recused     []Recusal
}

// Recusal is a member who leaves the room for an item.
type Recusal struct {
	ExpertID int64
	Name     string
	Reason   string // a Conflict reason
}

// SessionInput is what staff write about a session.
type SessionInput struct {
	Title     string
	HeldAt    time.Time
	Place     string
	Quorum    int
	Notes     string
	MemberIDs []int64 // experts of the pool
}

func checkSession(ctx context.Context, q db.Querier, in *SessionInput) error {
	in.Title, in.Place, in.Notes = strings.Join(strings.Fields(in.Title), " "), strings.TrimSpace(in.Place), strings.TrimSpace(in.Notes)
	var errs validate.Errors
	if in.Title == "" {
		errs.Add("title", "validate.required")
	} else if len([]rune(in.Title)) > maxTitle {
		errs.Add("title", "validate.too_long", maxTitle)
	}
	if in.HeldAt.IsZero() {
		errs.Add("held_at", "validate.required")
	}
	if len([]rune(in.Notes)) > maxLongText {
		errs.Add("notes", "validate.too_long", maxLongText)
	}
	var ids []int64
	for _, id := range in.MemberIDs {
		if id != 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	in.MemberIDs = ids
	for _, id := range ids {
		var n int
		if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM experts WHERE id = ?", id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			errs.Add("members", "calls.expert_unknown")
			break
		}
	}
	if in.Quorum < 1 || in.Quorum > max(1, len(ids)) {
		errs.Add("quorum", "calls.range", 1, max(1, len(ids)))
	}
	return errs.Err()
}

// SaveSession creates (id 0) or updates a planned session; members
// added start absent, members kept keep their presence.
func (s *Service) SaveSession(ctx context.Context, v Viewer, id int64, in SessionInput) (Session, error) {
	if !v.Staff() {
		return Session{}, ErrForbidden
	}
	var out Session
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := checkSession(ctx, tx, &in); err != nil {
			return err
		}
		now := s.stamp()
		var before *Session
		if id == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO committee_sessions (title, held_at, place, quorum, status, notes, created_at,
				updated_at) VALUES (?, ?, ?, ?, 'planned', ?, ?, ?) RETURNING id`, in.Title, in.HeldAt.UTC(), in.Place, in.Quorum,
				in.Notes, now, now).Scan(&id); err != nil {
				return err
			}
		} else {
			old, err := getSession(ctx, tx, id)
			if err != nil {
				return err
			}
			if old.Status != SessionPlanned {
				return ErrState
			}
			before = &old
			if _, err := tx.Exec(ctx, `UPDATE committee_sessions SET title = ?, held_at = ?, place = ?, quorum = ?, notes = ?,
				updated_at = ? WHERE id = ?`, in.Title, in.HeldAt.UTC(), in.Place, in.Quorum, in.Notes, now, id); err != nil {
				return err
			}
			for _, m := range old.Members {
				if !slices.Contains(in.MemberIDs, m.ExpertID) {
					if _, err := tx.Exec(ctx, "DELETE FROM session_members WHERE session_id = ? AND expert_id = ?", id, m.ExpertID); err != nil {
						return err
					}
					if _, err := tx.Exec(ctx, "DELETE FROM session_recusals WHERE session_id = ? AND expert_id = ?", id, m.ExpertID); err != nil {
						return err
					}
				}
			}
		}
		for _, e := range in.MemberIDs {
			if _, err := tx.Exec(ctx, `INSERT INTO session_members (session_id, expert_id, present) VALUES (?, ?, 0)
				ON CONFLICT (session_id, expert_id) DO NOTHING`, id, e); err != nil {
				return err
			}
		}
		if err := refreshRecusals(ctx, tx, "a.id IN (SELECT application_id FROM session_items WHERE session_id = ?)", id); err != nil {
			return err
		}
		var err error
		if out, err = getSession(ctx, tx, id); err != nil {
			return err
		}
		if before == nil {
			return audit.Record(ctx, tx, "committee_session", id, "create", nil, out)
		}
		return audit.Record(ctx, tx, "committee_session", id, "update", *before, out)
	})
	if err != nil {
		return Session{}, wrap("save session", err)
	}
	return out, nil
}

// SetPresent records whether a member is present.
func (s *Service) SetPresent(ctx context.Context, v Viewer, id, expertID int64, present bool) error {
	if !v.Staff() {
		return ErrForbidden
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		ss, err := sessionHead(ctx, tx, id)
		if err != nil {
			return err
		}
		if ss.Status != SessionPlanned {
			return ErrState
		}
		res, err := tx.Exec(ctx, "UPDATE session_members SET present = ? WHERE session_id = ? AND expert_id = ?", boolInt(present), id, expertID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit.Record(ctx, tx, "committee_session", id, "presence", nil, map[string]any{"expert": expertID, "present": present})
	})
	return wrap("presence", err)
}

// AddItems puts applications on a planned session's agenda (in the
// order given, after those already there) and records the recusals of
// members in conflict with them. Only applications in the running and
// not decided (or deferred) can be discussed.
func (s *Service) AddItems(ctx context.Context, v Viewer, id int64, apps []int64) error {
	if !v.Staff() {
		return ErrForbidden
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		ss, err := sessionHead(ctx, tx, id)
		if err != nil {
			return err
		}
		if ss.Status != SessionPlanned {
			return ErrState
		}
		var on []int64
		rows, err := tx.Query(ctx, "SELECT application_id FROM session_items WHERE session_id = ?", id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var a int64
			if err := rows.Scan(&a); err != nil {
				rows.Close()
				return err
			}
			on = append(on, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		pos := len(on)
		for _, appID := range apps {
			if slices.Contains(on, appID) {
				continue
			}
			on = append(on, appID)
			a, err := getApplication(ctx, tx, appID)
			if err != nil {
				return err
			}
			if !a.InTheRunning() || (a.Decision != "" && a.Decision != DecisionDeferred) {
				return ErrState
			}
			if _, err := tx.Exec(ctx, "INSERT INTO session_items (session_id, application_id, position) VALUES (?, ?, ?)", id, appID, pos); err != nil {
				return err
			}
			pos++
		}
		if err := refreshRecusals(ctx, tx, "a.id IN (SELECT application_id FROM session_items WHERE session_id = ?)", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "committee_session", id, "add_items", nil, apps)
	})
	return wrap("add items", err)
}

// RemoveItem takes an undecided application off a planned session's
// agenda.
func (s *Service) RemoveItem(ctx context.Context, v Viewer, id, appID int64) error {
	if !v.Staff() {
		return ErrForbidden
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		ss, err := sessionHead(ctx, tx, id)
		if err != nil {
			return err
		}
		items, err := sessionItems(ctx, tx, id, appID)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return ErrNotFound
		}
		if ss.Status != SessionPlanned || items[0].Decision != "" {
			return ErrState
		}
		for _, q := range []string{"DELETE FROM session_items WHERE session_id = ? AND application_id = ?",
			"DELETE FROM session_recusals WHERE session_id = ? AND application_id = ?"} {
			if _, err := tx.Exec(ctx, q, id, appID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "committee_session", id, "remove_item", appID, nil)
	})
	return wrap("remove item", err)
}

// Decide records the committee's decision on an item: labelled, not
// labelled or deferred. The members present and not recused must reach
// the quorum (ErrQuorum). A labelled application of a call with a label
// gets its number and validity; the applicant is mailed the decision.
func (s *Service) Decide(ctx context.Context, v Viewer, id, appID int64, decision, comment string) error {
	if !v.Staff() {
		return ErrForbidden
	}
	if !slices.Contains(Decisions, decision) {
		var errs validate.Errors
		errs.Add("decision", "validate.choice")
		return errs
	}
	comment = strings.TrimSpace(comment)
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		return s.decide(ctx, tx, id, appID, decision, comment)
	})
	return wrap("decide", err)
}

func (s *Service) decide(ctx context.Context, tx *db.Tx, id, appID int64, decision, comment string) error {
	ss, err := sessionHead(ctx, tx, id)
	if err != nil {
		return err
	}
	items, err := sessionItems(ctx, tx, id, appID)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return ErrNotFound
	}
	item := items[0]
	if ss.Status != SessionPlanned || item.Decision != "" {
		return ErrState
	}
	a := item.Application
	if !a.InTheRunning() || (a.Decision != "" && a.Decision != DecisionDeferred) {
		return ErrState
	}
	voters := ss.Voters(item)
	if voters < ss.Quorum {
		return ErrQuorum
	}
	c, err := getCall(ctx, tx, a.CallID)
	if err != nil {
		return err
	}
	now := s.stamp()
	after := a
	after.Decision, after.DecisionNote, after.DecidedAt, after.DecisionSession = decision, comment, now, id
	if decision == DecisionLabelled && c.Labels() {
		after.LabelNumber = labelNumber(a.Reference)
		if c.LabelMonths > 0 {
			day := ss.HeldAt.In(Paris)
			after.LabelUntil = time.Date(day.Year(), day.Month()+time.Month(c.LabelMonths), day.Day(), 0, 0, 0, 0, Paris).UTC()
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE session_items SET decision = ?, comment = ?, voters = ?, decided_at = ?
		WHERE session_id = ? AND application_id = ?`, decision, comment, voters, now, id, appID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE applications SET decision = ?, decision_note = ?, decided_at = ?, decision_session_id = ?,
		label_number = ?, label_until = ?, updated_at = ? WHERE id = ?`, decision, comment, now, id, after.LabelNumber,
		nullTime(after.LabelUntil), now, appID); err != nil {
		return err
	}
	if decision != DecisionDeferred {
		if err := s.mailApplicant(ctx, tx, after, c, decision); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, "application", appID, "decide", a, after)
}

// labelNumber is the number of an application's label, taken from its
// reference (A-2026-0042 → L-2026-0042): unique as references are, with no
// counter two committees deciding at once could both draw.
func labelNumber(reference string) string {
	return "L-" + strings.TrimPrefix(reference, "A-")
}

// CloseSession makes a session's record final.
func (s *Service) CloseSession(ctx context.Context, v Viewer, id int64) error {
	if !v.Staff() {
		return ErrForbidden
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		ss, err := sessionHead(ctx, tx, id)
		if err != nil {
			return err
		}
		if ss.Status != SessionPlanned {
			return ErrState
		}
		if _, err := tx.Exec(ctx, "UPDATE committee_sessions SET status = 'closed', updated_at = ? WHERE id = ?", s.stamp(), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "committee_session", id, "close", nil, nil)
	})
	return wrap("close session", err)
}

// SessionFor returns a session: staff see all of it; a member expert
// sees it without the items they are recused on (absent, as if never on
// the agenda). Others get ErrNotFound.
func (s *Service) SessionFor(ctx context.Context, v Viewer, id int64) (Session, error) {
	ss, err := getSession(ctx, s.db, id)
	if err != nil {
		return Session{}, wrap("session", err)
	}
	if v.Staff() {
		return ss, nil
	}
	if v.ExpertID == 0 || !slices.ContainsFunc(ss.Members, func(m Member) bool { return m.ExpertID == v.ExpertID }) {
		return Session{}, ErrNotFound
	}
	cs, err := loadConflictsOf(ctx, s.db, v.ExpertID, "a.id IN (SELECT application_id FROM session_items WHERE session_id = ?)", id)
	if err != nil {
		return Session{}, fmt.Errorf("calls: session: %w", err)
	}
	kept := ss.Items[:0]
	for _, it := range ss.Items {
		if len(cs.of(it.Application.ID, v.ExpertID)) == 0 &&
			!slices.ContainsFunc(it.Recused, func(r Recusal) bool { return r.ExpertID == v.ExpertID }) {
			kept = append(kept, it)
		}
	}
	ss.Items = kept
	return ss, nil
}

// Sessions lists sessions, latest first: all for staff, those an expert
// sits on for them.
func (s *Service) Sessions(ctx context.Context, v Viewer) ([]Session, error) {
	where, args := "", []any{}
	switch {
	case v.Staff():
	case v.ExpertID != 0:
		where, args = " WHERE id IN (SELECT session_id FROM session_members WHERE expert_id = ?)", append(args, v.ExpertID)
	default:
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT id, title, held_at, place, quorum, status, notes, created_at, updated_at
		FROM committee_sessions`+where+" ORDER BY held_at DESC, id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("calls: sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var ss Session
		if err := scanSession(rows, &ss); err != nil {
			return nil, fmt.Errorf("calls: sessions: %w", err)
		}
		out = append(out, ss)
	}
	return out, rows.Err()
}

func scanSession(r interface{ Scan(...any) error }, ss *Session) error {
	if err := r.Scan(&ss.ID, &ss.Title, &ss.HeldAt, &ss.Place, &ss.Quorum, &ss.Status, &ss.Notes, &ss.CreatedAt, &ss.UpdatedAt); err != nil {
		return err
	}
	ss.HeldAt, ss.CreatedAt, ss.UpdatedAt = ss.HeldAt.UTC(), ss.CreatedAt.UTC(), ss.UpdatedAt.UTC()
	return nil
}
