package calls

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

// Conflict is one reason an expert may not evaluate an application.
type Conflict struct {
	Reason       string // ConflictAffiliation, ConflictGroup, ConflictInterest or ConflictRecorded
	Organisation string // the applicant organisation concerned ("" for a recorded conflict)
	Detail       string // the group's name, the declared interest's or the recorded conflict's note
}

// expertTies is what conflicts are computed from on the expert's side.
type expertTies struct {
	affiliation int64
	group       string
	interests   map[int64]string // organisation → note
}

// conflictSet holds what the conflicts of some applications with the
// pool are computed from, loaded in a few queries.
type conflictSet struct {
	experts  map[int64]expertTies
	orgs     map[int64][]Organisation // application → lead then partners
	recorded map[[2]int64]string      // {application, expert} → reason staff gave
}

// loadConflicts loads the ties of every expert and the consortia of the
// applications matched by appWhere (a condition on applications a).
func loadConflicts(ctx context.Context, q db.Querier, appWhere string, args ...any) (*conflictSet, error) {
	return loadConflictsOf(ctx, q, 0, appWhere, args...)
}

// loadConflictsOf is loadConflicts for one expert (0: the whole pool).
func loadConflictsOf(ctx context.Context, q db.Querier, expert int64, appWhere string, args ...any) (*conflictSet, error) {
	cs := &conflictSet{experts: map[int64]expertTies{}, orgs: map[int64][]Organisation{}, recorded: map[[2]int64]string{}}
	only, onlyArgs := "", []any{}
	if expert != 0 {
		only, onlyArgs = " WHERE e.id = ?", []any{expert}
	}
	rows, err := q.Query(ctx, `SELECT e.id, COALESCE(e.affiliation_id, 0), COALESCE(o.group_name, '') FROM experts e
		LEFT JOIN organisations o ON o.id = e.affiliation_id`+only, onlyArgs...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var t expertTies
		if err := rows.Scan(&id, &t.affiliation, &t.group); err != nil {
			rows.Close()
			return nil, err
		}
		t.interests = map[int64]string{}
		cs.experts[id] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, "SELECT expert_id, organisation_id, note FROM expert_interests e"+strings.Replace(only, "e.id", "e.expert_id", 1), onlyArgs...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var e, o int64
		var note string
		if err := rows.Scan(&e, &o, &note); err != nil {
			rows.Close()
			return nil, err
		}
		if t, ok := cs.experts[e]; ok {
			t.interests[o] = note
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT a.id, o.id, o.name, o.group_name, -1 FROM applications a
		JOIN organisations o ON o.id = a.lead_id WHERE `+appWhere+`
		UNION ALL SELECT a.id, o.id, o.name, o.group_name, p.position FROM applications a
		JOIN application_partners p ON p.application_id = a.id JOIN organisations o ON o.id = p.organisation_id
		WHERE `+appWhere+` ORDER BY 1, 5`, append(slices.Clone(args), args...)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var app int64
		var o Organisation
		var pos int
		if err := rows.Scan(&app, &o.ID, &o.Name, &o.Group, &pos); err != nil {
			rows.Close()
			return nil, err
		}
		cs.orgs[app] = append(cs.orgs[app], o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT c.application_id, c.expert_id, c.reason FROM expert_conflicts c
		JOIN applications a ON a.id = c.application_id WHERE `+appWhere, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var app, e int64
		var reason string
		if err := rows.Scan(&app, &e, &reason); err != nil {
			return nil, err
		}
		cs.recorded[[2]int64{app, e}] = reason
	}
	return cs, rows.Err()
}

// of returns the conflicts of expert with application, none when free.
func (cs *conflictSet) of(app, expert int64) []Conflict {
	t, ok := cs.experts[expert]
	var out []Conflict
	if ok {
		for _, o := range cs.orgs[app] {
			switch {
			case t.affiliation != 0 && t.affiliation == o.ID:
				out = append(out, Conflict{Reason: ConflictAffiliation, Organisation: o.Name})
			case t.group != "" && sameGroup(t.group, o.Group):
				out = append(out, Conflict{Reason: ConflictGroup, Organisation: o.Name, Detail: o.Group})
			}
			if note, ok := t.interests[o.ID]; ok {
				out = append(out, Conflict{Reason: ConflictInterest, Organisation: o.Name, Detail: note})
			}
		}
	}
	if reason, ok := cs.recorded[[2]int64{app, expert}]; ok {
		out = append(out, Conflict{Reason: ConflictRecorded, Detail: reason})
	}
	return out
}

// sameGroup compares group names as people type them: case, accents
// and spacing aside.
func sameGroup(a, b string) bool {
	return b != "" && textsearch.Fold(a) == textsearch.Fold(b)
}

// conflictsOf returns the conflicts of one pair.
func conflictsOf(ctx context.Context, q db.Querier, app, expert int64) ([]Conflict, error) {
	cs, err := loadConflictsOf(ctx, q, expert, "a.id = ?", app)
	if err != nil {
		return nil, err
	}
	return cs.of(app, expert), nil
}

// Conflicts returns, for staff, the conflicts of every expert of the pool
// with an application, by expert id.
func (s *Service) Conflicts(ctx context.Context, v Viewer, app int64) (map[int64][]Conflict, error) {
	if !v.Staff() {
		return nil, ErrNotFound
	}
	if _, err := getApplication(ctx, s.db, app); err != nil {
		return nil, wrap("conflicts", err)
	}
	cs, err := loadConflicts(ctx, s.db, "a.id = ?", app)
	if err != nil {
		return nil, fmt.Errorf("calls: conflicts: %w", err)
	}
	out := map[int64][]Conflict{}
	for e := range cs.experts {
		if c := cs.of(app, e); len(c) > 0 {
			out[e] = c
		}
	}
	return out, nil
}

// logExclusions records each reason that keeps an expert off an
// application (once per pair and reason; the first time is kept).
func logExclusions(ctx context.Context, tx *db.Tx, app, expert int64, cs []Conflict, now any) error {
	for _, c := range cs {
		detail := strings.TrimSpace(strings.Join([]string{c.Organisation, c.Detail}, " "))
		if _, err := tx.Exec(ctx, `INSERT INTO expert_exclusions (application_id, expert_id, reason, detail, logged_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (application_id, expert_id, reason) DO NOTHING`, app, expert, c.Reason,
			detail, now); err != nil {
			return err
		}
	}
	return nil
}

// Exclusion is a logged exclusion of an expert from an application.
type Exclusion struct {
	ExpertID   int64
	ExpertName string
	Reason     string
	Detail     string
}

// Exclusions lists, for staff, the logged exclusions of an application.
func (s *Service) Exclusions(ctx context.Context, v Viewer, app int64) ([]Exclusion, error) {
	if !v.Staff() {
		return nil, ErrNotFound
	}
	rows, err := s.db.Query(ctx, `SELECT x.expert_id, u.name, x.reason, x.detail FROM expert_exclusions x
		JOIN experts e ON e.id = x.expert_id JOIN users u ON u.id = e.user_id WHERE x.application_id = ?
		ORDER BY u.name, x.expert_id, x.reason`, app)
	if err != nil {
		return nil, fmt.Errorf("calls: exclusions: %w", err)
	}
	defer rows.Close()
	var out []Exclusion
	for rows.Next() {
		var x Exclusion
		if err := rows.Scan(&x.ExpertID, &x.ExpertName, &x.Reason, &x.Detail); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// RecordConflict records (staff) that an expert is in conflict with an
// application, with a reason, or an expert declares it about an
// application assigned to them. Any assignment of the pair goes, with
// its scores, and the pair is recused in sessions discussing it.
func (s *Service) RecordConflict(ctx context.Context, v Viewer, app, expert int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if !v.Staff() && (v.ExpertID == 0 || v.ExpertID != expert) {
		return ErrNotFound
	}
	if reason == "" {
		var errs validate.Errors
		errs.Add("reason", "validate.required")
		return errs
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := getApplication(ctx, tx, app); err != nil {
			return err
		}
		if !v.Staff() {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM assignments WHERE application_id = ? AND expert_id = ?", app, expert).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return ErrNotFound
			}
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, `INSERT INTO expert_conflicts (expert_id, application_id, reason, recorded_by, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (expert_id, application_id) DO UPDATE SET reason = excluded.reason`,
			expert, app, reason, nullInt(v.UserID), now); err != nil {
			return err
		}
		if err := logExclusions(ctx, tx, app, expert, []Conflict{{Reason: ConflictRecorded, Detail: reason}}, now); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "DELETE FROM assignments WHERE application_id = ? AND expert_id = ?", app, expert)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := audit.Record(ctx, tx, "assignment", fmt.Sprintf("%d/%d", app, expert), "delete_conflict", nil, nil); err != nil {
				return err
			}
		}
		if err := refreshRecusals(ctx, tx, "a.id = ?", app); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "expert_conflict", fmt.Sprintf("%d/%d", app, expert), "record", nil,
			map[string]any{"application": app, "expert": expert, "reason": reason})
	})
	return wrap("record conflict", err)
}

// ClearConflict removes a conflict staff recorded (the other reasons
// come from the relationship data and stay).
func (s *Service) ClearConflict(ctx context.Context, v Viewer, app, expert int64) error {
	if !v.Staff() {
		return ErrNotFound
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM expert_conflicts WHERE application_id = ? AND expert_id = ?", app, expert)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if err := refreshRecusals(ctx, tx, "a.id = ?", app); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "expert_conflict", fmt.Sprintf("%d/%d", app, expert), "clear", nil, nil)
	})
	return wrap("clear conflict", err)
}

// refreshRecusals brings the recusals of open sessions' agenda items
// for the applications matched by appWhere in line with the conflicts of
// their members. Closed sessions keep their record.
func refreshRecusals(ctx context.Context, tx *db.Tx, appWhere string, args ...any) error {
	cs, err := loadConflicts(ctx, tx, appWhere, args...)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT i.session_id, i.application_id, m.expert_id FROM session_items i
		JOIN committee_sessions s ON s.id = i.session_id JOIN session_members m ON m.session_id = i.session_id
		JOIN applications a ON a.id = i.application_id WHERE s.status = 'planned' AND i.decision = '' AND `+appWhere, args...)
	if err != nil {
		return err
	}
	type triple struct{ session, app, expert int64 }
	var all []triple
	for rows.Next() {
		var t triple
		if err := rows.Scan(&t.session, &t.app, &t.expert); err != nil {
			rows.Close()
			return err
		}
		all = append(all, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range all {
		if _, err := tx.Exec(ctx, "DELETE FROM session_recusals WHERE session_id = ? AND application_id = ? AND expert_id = ?",
			t.session, t.app, t.expert); err != nil {
			return err
		}
		if c := cs.of(t.app, t.expert); len(c) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO session_recusals (session_id, application_id, expert_id, reason)
				VALUES (?, ?, ?, ?)`, t.session, t.app, t.expert, c[0].Reason); err != nil {
				return err
			}
		}
	}
	return nil
}
