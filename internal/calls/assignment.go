package calls

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/calls/assign"
	"filiere/internal/db"
	"filiere/internal/textsearch"
)

// Weights of what an application shares with an expert's expertise.
const (
	weightSector  = 3
	weightBrick   = 2
	weightKeyword = 1
)

// Assignment is an expert assigned to an application.
type Assignment struct {
	ApplicationID int64
	ExpertID      int64
	ExpertName    string
	Source        string // "auto" or "staff"
	Score         int    // expertise matched (automatic assignment)
	Matched       []string
	AssignedAt    time.Time
	SubmittedAt   time.Time // zero until the expert submits their review
}

// AssignReport is what an automatic assignment did.
type AssignReport struct {
	Applications int // applications considered
	Added        []assign.Pair
	Shortfalls   []assign.Shortfall
	Loads        map[int64]int // each expert's load in the call afterwards
	Spread       int           // max load − min load among active experts
	Excluded     int           // conflicted pairs kept apart
}

// assignable lists the applications of a call that take experts:
// submitted, not ineligible (eligible when the call pre-selects), not
// decided.
func assignableWhere(c Call) string {
	w := "a.call_id = ? AND a.status = 'submitted' AND a.decision = ''"
	if c.Preselection {
		return w + " AND a.eligibility = 'eligible'"
	}
	return w + " AND a.eligibility <> 'ineligible'"
}

// AutoAssign gives each assignable application of the call the experts
// it still needs (Call.Evaluators), never one in conflict with it,
// balancing the experts' loads in the call first and matching expertise
// second (package assign). Each conflicted pair is logged as an
// exclusion with its reason.
func (s *Service) AutoAssign(ctx context.Context, v Viewer, callID int64) (AssignReport, error) {
	if !v.Staff() {
		return AssignReport{}, ErrForbidden
	}
	var rep AssignReport
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		c, err := getCall(ctx, tx, callID)
		if err != nil {
			return err
		}
		if !c.Written || c.Evaluators == 0 {
			return ErrState
		}
		p, err := s.problem(ctx, tx, c)
		if err != nil {
			return err
		}
		rep.Applications = len(p.prob.Applications)
		res, err := assign.Solve(p.prob)
		if err != nil {
			return err
		}
		now := s.stamp()
		for pair := range p.prob.Forbidden {
			if err := logExclusions(ctx, tx, pair[0], pair[1], p.conflicts.of(pair[0], pair[1]), now); err != nil {
				return err
			}
		}
		rep.Excluded = len(p.prob.Forbidden)
		for _, pr := range res.Pairs {
			expl, _ := json.Marshal(map[string]any{"score": pr.Score, "matched": pr.Matched})
			if _, err := tx.Exec(ctx, `INSERT INTO assignments (application_id, expert_id, source, explanation, assigned_by,
				assigned_at) VALUES (?, ?, 'auto', ?, ?, ?)`, pr.Application, pr.Expert, string(expl), nullInt(v.UserID), now); err != nil {
				return err
			}
		}
		rep.Added, rep.Shortfalls, rep.Loads, rep.Spread = res.Pairs, res.Shortfalls, res.Loads, res.Spread()
		return audit.Record(ctx, tx, "call", callID, "auto_assign", nil, map[string]any{"pairs": res.Pairs,
			"shortfalls": res.Shortfalls})
	})
	if err != nil {
		return AssignReport{}, wrap("auto assign", err)
	}
	return rep, nil
}

type problem struct {
	prob      assign.Problem
	conflicts *conflictSet
}

// problem builds the assignment problem of a call from the database.
func (s *Service) problem(ctx context.Context, tx *db.Tx, c Call) (problem, error) {
	where := assignableWhere(c)
	cs, err := loadConflicts(ctx, tx, where, c.ID)
	if err != nil {
		return problem{}, err
	}
	experts, err := activeExperts(ctx, tx)
	if err != nil {
		return problem{}, err
	}
	feats, err := applicationFeatures(ctx, tx, where, c.ID, experts)
	if err != nil {
		return problem{}, err
	}
	// Assignments already made in the call: fixed on assignable
	// applications, load elsewhere (decided applications…).
	fixed := map[int64][]int64{}
	load := map[int64]int{}
	rows, err := tx.Query(ctx, `SELECT x.application_id, x.expert_id FROM assignments x JOIN applications a ON a.id = x.application_id
		WHERE a.call_id = ? ORDER BY x.application_id, x.expert_id`, c.ID)
	if err != nil {
		return problem{}, err
	}
	for rows.Next() {
		var app, e int64
		if err := rows.Scan(&app, &e); err != nil {
			rows.Close()
			return problem{}, err
		}
		if _, ok := feats[app]; ok {
			fixed[app] = append(fixed[app], e)
		} else {
			load[e]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return problem{}, err
	}
	p := problem{conflicts: cs, prob: assign.Problem{Forbidden: map[[2]int64]bool{}}}
	active := map[int64]bool{}
	for _, e := range experts {
		active[e.ID] = true
		p.prob.Experts = append(p.prob.Experts, assign.Expert{ID: e.ID, Features: expertFeatures(e), Load: load[e.ID], Max: e.MaxLoad})
	}
	for _, app := range sortedIDs(feats) {
		var keep []int64
		for _, e := range fixed[app] {
			if active[e] {
				keep = append(keep, e)
			}
		}
		p.prob.Applications = append(p.prob.Applications, assign.Application{ID: app, Features: feats[app],
			Need: max(0, c.Evaluators-len(fixed[app])), Fixed: keep})
		for _, e := range experts {
			if len(cs.of(app, e.ID)) > 0 {
				p.prob.Forbidden[[2]int64{app, e.ID}] = true
			}
		}
	}
	return p, nil
}

func sortedIDs[V any](m map[int64]V) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func activeExperts(ctx context.Context, q db.Querier) ([]Expert, error) {
	rows, err := q.Query(ctx, "SELECT "+expertColumns+expertFrom+" WHERE e.active = 1 ORDER BY e.id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Expert
	for rows.Next() {
		var e Expert
		if err := scanExpert(rows, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// applicationFeatures returns the weighted features of the applications
// matched by where: the sectors and technology bricks of their lead and
// partners, and each expert keyword their text contains.
func applicationFeatures(ctx context.Context, q db.Querier, where string, arg any, experts []Expert) (map[int64][]assign.Feature, error) {
	type acc struct {
		weights map[string]int
		text    strings.Builder
	}
	apps := map[int64]*acc{}
	rows, err := q.Query(ctx, "SELECT a.id, a.title, a.acronym, a.summary FROM applications a WHERE "+where, arg)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var title, acronym, summary string
		if err := rows.Scan(&id, &title, &acronym, &summary); err != nil {
			rows.Close()
			return nil, err
		}
		a := &acc{weights: map[string]int{}}
		a.text.WriteString(title + " " + acronym + " " + summary)
		apps[id] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	orgs := `(SELECT a.id AS app, a.lead_id AS org FROM applications a WHERE ` + where + `
		UNION SELECT a.id, p.organisation_id FROM applications a JOIN application_partners p ON p.application_id = a.id WHERE ` + where + `)`
	for _, f := range []struct {
		query  string
		prefix string
		weight int
	}{
		{"SELECT t.app, s.sector FROM " + orgs + " t JOIN organisation_sectors s ON s.organisation_id = t.org", "sector:", weightSector},
		{"SELECT t.app, b.brick FROM " + orgs + " t JOIN organisation_bricks b ON b.organisation_id = t.org", "brick:", weightBrick},
	} {
		rows, err := q.Query(ctx, f.query, arg, arg)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var app int64
			var code string
			if err := rows.Scan(&app, &code); err != nil {
				rows.Close()
				return nil, err
			}
			if a, ok := apps[app]; ok {
				a.weights[f.prefix+code] = f.weight
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	rows, err = q.Query(ctx, `SELECT v.application_id, v.value FROM application_answers v JOIN call_fields f ON f.id = v.field_id
		JOIN applications a ON a.id = v.application_id WHERE f.kind IN ('text', 'longtext') AND `+where, arg)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var app int64
		var value string
		if err := rows.Scan(&app, &value); err != nil {
			rows.Close()
			return nil, err
		}
		if a, ok := apps[app]; ok {
			a.text.WriteString(" " + value)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var keywords []string
	for _, e := range experts {
		for _, k := range e.Keywords {
			if f := textsearch.Fold(k); f != "" && !slices.Contains(keywords, f) {
				keywords = append(keywords, f)
			}
		}
	}
	out := make(map[int64][]assign.Feature, len(apps))
	for id, a := range apps {
		text := " " + textsearch.Fold(a.text.String()) + " "
		for _, k := range keywords {
			if strings.Contains(text, " "+k+" ") {
				a.weights["kw:"+k] = weightKeyword
			}
		}
		fs := make([]assign.Feature, 0, len(a.weights))
		for _, k := range sortedKeys(a.weights) {
			fs = append(fs, assign.Feature{Key: k, Weight: a.weights[k]})
		}
		out[id] = fs
	}
	return out, nil
}

// Candidate is an expert staff may assign to an application, with what
// their expertise shares with it.
type Candidate struct {
	Expert   Expert
	Score    int
	Matched  []string
	Load     int // applications of the call already assigned to them
	Assigned bool
	AtCap    bool
}

// Candidates lists for staff the experts that may evaluate an
// application, best match first: experts in conflict with it are not
// offered (Exclusions and Conflicts say who and why).
func (s *Service) Candidates(ctx context.Context, v Viewer, appID int64) ([]Candidate, error) {
	if !v.Staff() {
		return nil, ErrNotFound
	}
	a, err := getApplication(ctx, s.db, appID)
	if err != nil {
		return nil, wrap("candidates", err)
	}
	experts, err := activeExperts(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("calls: candidates: %w", err)
	}
	cs, err := loadConflicts(ctx, s.db, "a.id = ?", appID)
	if err != nil {
		return nil, fmt.Errorf("calls: candidates: %w", err)
	}
	feats, err := applicationFeatures(ctx, s.db, "a.id = ?", appID, experts)
	if err != nil {
		return nil, fmt.Errorf("calls: candidates: %w", err)
	}
	loads, assigned, err := callLoads(ctx, s.db, a.CallID, appID)
	if err != nil {
		return nil, fmt.Errorf("calls: candidates: %w", err)
	}
	weights := map[string]int{}
	for _, f := range feats[appID] {
		weights[f.Key] = f.Weight
	}
	var out []Candidate
	for _, e := range experts {
		if len(cs.of(appID, e.ID)) > 0 {
			continue
		}
		c := Candidate{Expert: e, Load: loads[e.ID], Assigned: assigned[e.ID]}
		c.AtCap = e.MaxLoad > 0 && c.Load >= e.MaxLoad
		for _, k := range expertFeatures(e) {
			if w, ok := weights[k]; ok {
				c.Score += w
				c.Matched = append(c.Matched, k)
			}
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(x, y Candidate) int {
		switch {
		case x.Score != y.Score:
			return y.Score - x.Score
		case x.Load != y.Load:
			return x.Load - y.Load
		}
		return strings.Compare(x.Expert.Name, y.Expert.Name)
	})
	return out, nil
}

// callLoads counts each expert's assignments in a call, and says who is
// assigned to app.
func callLoads(ctx context.Context, q db.Querier, callID, app int64) (map[int64]int, map[int64]bool, error) {
	rows, err := q.Query(ctx, `SELECT x.expert_id, x.application_id FROM assignments x JOIN applications a ON a.id = x.application_id
		WHERE a.call_id = ?`, callID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	loads, on := map[int64]int{}, map[int64]bool{}
	for rows.Next() {
		var e, a int64
		if err := rows.Scan(&e, &a); err != nil {
			return nil, nil, err
		}
		loads[e]++
		if a == app {
			on[e] = true
		}
	}
	return loads, on, rows.Err()
}

// Assign assigns an expert to an application (staff). An expert in
// conflict with it is refused with ErrConflict, whoever asks, and the
// exclusion is logged; so is an inactive expert or one at their cap
// (ErrState).
func (s *Service) Assign(ctx context.Context, v Viewer, appID, expertID int64) error {
	if !v.Staff() {
		return ErrForbidden
	}
	var conflicted bool
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		a, err := getApplication(ctx, tx, appID)
		if err != nil {
			return err
		}
		e, err := getExpert(ctx, tx, expertID)
		if err != nil {
			return err
		}
		cs, err := conflictsOf(ctx, tx, appID, expertID)
		if err != nil {
			return err
		}
		if len(cs) > 0 {
			conflicted = true
			return ErrConflict
		}
		if !e.Active || !a.InTheRunning() || a.Decision != "" {
			return ErrState
		}
		loads, on, err := callLoads(ctx, tx, a.CallID, appID)
		if err != nil {
			return err
		}
		if on[expertID] {
			return nil
		}
		if e.MaxLoad > 0 && loads[expertID] >= e.MaxLoad {
			return ErrState
		}
		if _, err := tx.Exec(ctx, `INSERT INTO assignments (application_id, expert_id, source, assigned_by, assigned_at)
			VALUES (?, ?, 'staff', ?, ?)`, appID, expertID, nullInt(v.UserID), s.stamp()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "assignment", fmt.Sprintf("%d/%d", appID, expertID), "create", nil,
			map[string]any{"application": appID, "expert": expertID, "source": "staff"})
	})
	if conflicted {
		// The refusal is logged in its own transaction: the one above
		// rolled back.
		logErr := s.db.Tx(ctx, func(tx *db.Tx) error {
			cs, err := conflictsOf(ctx, tx, appID, expertID)
			if err != nil {
				return err
			}
			if err := logExclusions(ctx, tx, appID, expertID, cs, s.stamp()); err != nil {
				return err
			}
			return audit.Record(ctx, tx, "assignment", fmt.Sprintf("%d/%d", appID, expertID), "refuse_conflict", nil,
				map[string]any{"reasons": cs})
		})
		return errors.Join(ErrConflict, logErr)
	}
	return wrap("assign", err)
}

// Unassign removes an expert from an application (staff), with any
// scores they gave it.
func (s *Service) Unassign(ctx context.Context, v Viewer, appID, expertID int64) error {
	if !v.Staff() {
		return ErrForbidden
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var submitted sql.NullTime
		err := tx.QueryRow(ctx, "SELECT submitted_at FROM assignments WHERE application_id = ? AND expert_id = ?", appID, expertID).Scan(&submitted)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM assignments WHERE application_id = ? AND expert_id = ?", appID, expertID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "assignment", fmt.Sprintf("%d/%d", appID, expertID), "delete",
			map[string]any{"submitted": submitted.Valid}, nil)
	})
	return wrap("unassign", err)
}

// Assignments lists the experts assigned to an application (staff), or
// the viewer's own assignment for an expert.
func (s *Service) Assignments(ctx context.Context, v Viewer, appID int64) ([]Assignment, error) {
	if _, err := s.Application(ctx, v, appID); err != nil {
		return nil, err
	}
	where, args := "x.application_id = ?", []any{appID}
	if !v.Staff() {
		if v.ExpertID == 0 {
			return nil, ErrNotFound
		}
		where, args = where+" AND x.expert_id = ?", append(args, v.ExpertID)
	}
	rows, err := s.db.Query(ctx, `SELECT x.application_id, x.expert_id, u.name, x.source, x.explanation, x.assigned_at,
		x.submitted_at FROM assignments x JOIN experts e ON e.id = x.expert_id JOIN users u ON u.id = e.user_id WHERE `+where+`
		ORDER BY u.name, x.expert_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("calls: assignments: %w", err)
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		var a Assignment
		var expl string
		var submitted sql.NullTime
		if err := rows.Scan(&a.ApplicationID, &a.ExpertID, &a.ExpertName, &a.Source, &expl, &a.AssignedAt, &submitted); err != nil {
			return nil, fmt.Errorf("calls: assignments: %w", err)
		}
		a.AssignedAt, a.SubmittedAt = a.AssignedAt.UTC(), timeOf(submitted)
		var e struct {
			Score   int      `json:"score"`
			Matched []string `json:"matched"`
		}
		if json.Unmarshal([]byte(expl), &e) == nil {
			a.Score, a.Matched = e.Score, e.Matched
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
