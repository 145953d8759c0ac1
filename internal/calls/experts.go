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
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

// Expert is one evaluator of the pool.
type Expert struct {
	ID     int64
	UserID int64
	Name   string
	Email  string
	Lang   string
	// Affiliation is the organisation the expert works for (0: none,
	// e.g. retired), with its group.
	AffiliationID    int64
	Affiliation      string
	AffiliationGroup string
	Sectors          []string // sector codes of the directory's taxonomy
	Bricks           []string // technology brick codes
	Keywords         []string // free words, as written
	MaxLoad          int      // most applications per call (0: no cap)
	Active           bool
	Interests        []Interest
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Interest is an organisation an expert declared an interest in.
type Interest struct {
	OrganisationID int64
	Organisation   string
	Note           string // e.g. "shareholder", "board member"
}

// ExpertInput is what staff write about an expert.
type ExpertInput struct {
	UserID        int64 // an account with the expert role
	AffiliationID int64
	Sectors       []string
	Bricks        []string
	Keywords      []string
	MaxLoad       int
	Active        bool
	Interests     []Interest // OrganisationID and Note
}

// SaveExpert creates (id 0) or updates an expert of the pool. Changing
// the affiliation or interests updates the recusals of open sessions.
func (s *Service) SaveExpert(ctx context.Context, v Viewer, id int64, in ExpertInput) (Expert, error) {
	if !v.Staff() {
		return Expert{}, ErrForbidden
	}
	in = normaliseExpert(in)
	var e Expert
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := checkExpert(ctx, tx, id, in); err != nil {
			return err
		}
		var before *Expert
		now := s.stamp()
		sectors, bricks, keywords := jsonList(in.Sectors), jsonList(in.Bricks), jsonList(in.Keywords)
		if id == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO experts (user_id, affiliation_id, sectors, bricks, keywords, max_load,
				active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.UserID,
				nullInt(in.AffiliationID), sectors, bricks, keywords, in.MaxLoad, boolInt(in.Active), now, now).Scan(&id); err != nil {
				return err
			}
		} else {
			old, err := getExpert(ctx, tx, id)
			if err != nil {
				return err
			}
			before = &old
			if _, err := tx.Exec(ctx, `UPDATE experts SET user_id = ?, affiliation_id = ?, sectors = ?, bricks = ?, keywords = ?,
				max_load = ?, active = ?, updated_at = ? WHERE id = ?`, in.UserID, nullInt(in.AffiliationID), sectors, bricks,
				keywords, in.MaxLoad, boolInt(in.Active), now, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "DELETE FROM expert_interests WHERE expert_id = ?", id); err != nil {
				return err
			}
		}
		for _, it := range in.Interests {
			if _, err := tx.Exec(ctx, "INSERT INTO expert_interests (expert_id, organisation_id, note) VALUES (?, ?, ?)",
				id, it.OrganisationID, it.Note); err != nil {
				return err
			}
		}
		var err error
		if e, err = getExpert(ctx, tx, id); err != nil {
			return err
		}
		if err := refreshRecusals(ctx, tx, `a.id IN (SELECT i.application_id FROM session_items i
			JOIN session_members m ON m.session_id = i.session_id WHERE m.expert_id = ?)`, id); err != nil {
			return err
		}
		if err := dropConflictedAssignments(ctx, tx, id, now); err != nil {
			return err
		}
		if before == nil {
			return audit.Record(ctx, tx, "expert", id, "create", nil, e)
		}
		return audit.Record(ctx, tx, "expert", id, "update", *before, e)
	})
	if err != nil {
		return Expert{}, wrap("save expert", err)
	}
	return e, nil
}

// dropConflictedAssignments removes the assignments of an expert that a
// new affiliation or interest put in conflict (with their scores), and
// logs the exclusions.
func dropConflictedAssignments(ctx context.Context, tx *db.Tx, expert int64, now time.Time) error {
	cs, err := loadConflictsOf(ctx, tx, expert, "a.id IN (SELECT application_id FROM assignments WHERE expert_id = ?)", expert)
	if err != nil {
		return err
	}
	for app := range cs.orgs {
		c := cs.of(app, expert)
		if len(c) == 0 {
			continue
		}
		if err := logExclusions(ctx, tx, app, expert, c, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM assignments WHERE application_id = ? AND expert_id = ?", app, expert); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "assignment", fmt.Sprintf("%d/%d", app, expert), "delete_conflict", nil,
			map[string]any{"reason": c[0].Reason}); err != nil {
			return err
		}
	}
	return nil
}

func normaliseExpert(in ExpertInput) ExpertInput {
	clean := func(list []string, lower bool) []string {
		var out []string
		for _, s := range list {
			s = strings.Join(strings.Fields(s), " ")
			if lower {
				s = strings.ToLower(s)
			}
			if s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	in.Sectors, in.Bricks, in.Keywords = clean(in.Sectors, true), clean(in.Bricks, true), clean(in.Keywords, false)
	var its []Interest
	for _, it := range in.Interests {
		it.Note = strings.TrimSpace(it.Note)
		if it.OrganisationID != 0 && !slices.ContainsFunc(its, func(x Interest) bool { return x.OrganisationID == it.OrganisationID }) {
			its = append(its, it)
		}
	}
	in.Interests = its
	return in
}

func checkExpert(ctx context.Context, tx *db.Tx, id int64, in ExpertInput) error {
	var errs validate.Errors
	var role string
	err := tx.QueryRow(ctx, "SELECT role FROM users WHERE id = ?", in.UserID).Scan(&role)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		errs.Add("user", "calls.expert_user_unknown")
	case err != nil:
		return err
	case auth.Role(role) != auth.RoleExpert:
		errs.Add("user", "calls.expert_role")
	default:
		var other int64
		err := tx.QueryRow(ctx, "SELECT id FROM experts WHERE user_id = ? AND id <> ?", in.UserID, id).Scan(&other)
		if err == nil {
			errs.Add("user", "calls.expert_exists")
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	orgExists := func(id int64) (bool, error) {
		var n int
		err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM organisations WHERE id = ?", id).Scan(&n)
		return n > 0, err
	}
	if in.AffiliationID != 0 {
		ok, err := orgExists(in.AffiliationID)
		if err != nil {
			return err
		}
		if !ok {
			errs.Add("affiliation", "calls.organisation_unknown")
		}
	}
	for _, it := range in.Interests {
		ok, err := orgExists(it.OrganisationID)
		if err != nil {
			return err
		}
		if !ok {
			errs.Add("interests", "calls.organisation_unknown")
			break
		}
	}
	tax := directory.LoadTaxonomy()
	for _, c := range in.Sectors {
		if _, ok := tax.Sector(c); !ok {
			errs.Add("sectors", "validate.choice")
			break
		}
	}
	for _, c := range in.Bricks {
		if _, ok := tax.Brick(c); !ok {
			errs.Add("bricks", "validate.choice")
			break
		}
	}
	if len(in.Keywords) > 40 {
		errs.Add("keywords", "calls.too_many_keywords", 40)
	}
	if in.MaxLoad < 0 || in.MaxLoad > 500 {
		errs.Add("max_load", "calls.range", 0, 500)
	}
	return errs.Err()
}

func jsonList(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(list)
	return string(b)
}

const expertColumns = `e.id, e.user_id, u.name, u.email, u.lang, COALESCE(e.affiliation_id, 0), COALESCE(o.name, ''),
	COALESCE(o.group_name, ''), e.sectors, e.bricks, e.keywords, e.max_load, e.active, e.created_at, e.updated_at`

const expertFrom = ` FROM experts e JOIN users u ON u.id = e.user_id LEFT JOIN organisations o ON o.id = e.affiliation_id`

func scanExpert(r interface{ Scan(...any) error }, e *Expert) error {
	var sectors, bricks, keywords string
	var active int
	if err := r.Scan(&e.ID, &e.UserID, &e.Name, &e.Email, &e.Lang, &e.AffiliationID, &e.Affiliation, &e.AffiliationGroup,
		&sectors, &bricks, &keywords, &e.MaxLoad, &active, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return err
	}
	e.Active = active != 0
	for _, p := range []struct {
		raw  string
		dest *[]string
	}{{sectors, &e.Sectors}, {bricks, &e.Bricks}, {keywords, &e.Keywords}} {
		if err := json.Unmarshal([]byte(p.raw), p.dest); err != nil {
			return fmt.Errorf("expert %d: %w", e.ID, err)
		}
	}
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return nil
}

func getExpert(ctx context.Context, q db.Querier, id int64) (Expert, error) {
	var e Expert
	err := scanExpert(q.QueryRow(ctx, "SELECT "+expertColumns+expertFrom+" WHERE e.id = ?", id), &e)
	if errors.Is(err, sql.ErrNoRows) {
		return Expert{}, ErrNotFound
	}
	if err != nil {
		return Expert{}, err
	}
	rows, err := q.Query(ctx, `SELECT i.organisation_id, o.name, i.note FROM expert_interests i
		JOIN organisations o ON o.id = i.organisation_id WHERE i.expert_id = ? ORDER BY o.name`, id)
	if err != nil {
		return Expert{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var it Interest
		if err := rows.Scan(&it.OrganisationID, &it.Organisation, &it.Note); err != nil {
			return Expert{}, err
		}
		e.Interests = append(e.Interests, it)
	}
	return e, rows.Err()
}

// Expert returns an expert of the pool: staff see any, an expert their
// own record.
func (s *Service) Expert(ctx context.Context, v Viewer, id int64) (Expert, error) {
	if !v.Staff() && v.ExpertID != id {
		return Expert{}, ErrNotFound
	}
	e, err := getExpert(ctx, s.db, id)
	return e, wrap("expert", err)
}

// Experts lists the pool (staff), by name; inactive experts too when
// all is set.
func (s *Service) Experts(ctx context.Context, v Viewer, all bool) ([]Expert, error) {
	if !v.Staff() {
		return nil, ErrForbidden
	}
	where := " WHERE e.active = 1"
	if all {
		where = ""
	}
	rows, err := s.db.Query(ctx, "SELECT "+expertColumns+expertFrom+where+" ORDER BY u.name, e.id")
	if err != nil {
		return nil, fmt.Errorf("calls: experts: %w", err)
	}
	defer rows.Close()
	var out []Expert
	for rows.Next() {
		var e Expert
		if err := scanExpert(rows, &e); err != nil {
			return nil, fmt.Errorf("calls: experts: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	irows, err := s.db.Query(ctx, `SELECT i.expert_id, i.organisation_id, o.name, i.note FROM expert_interests i
		JOIN organisations o ON o.id = i.organisation_id ORDER BY o.name`)
	if err != nil {
		return nil, fmt.Errorf("calls: experts: %w", err)
	}
	defer irows.Close()
	at := map[int64]int{}
	for i, e := range out {
		at[e.ID] = i
	}
	for irows.Next() {
		var id int64
		var it Interest
		if err := irows.Scan(&id, &it.OrganisationID, &it.Organisation, &it.Note); err != nil {
			return nil, err
		}
		if i, ok := at[id]; ok {
			out[i].Interests = append(out[i].Interests, it)
		}
	}
	return out, irows.Err()
}

// expertFeatures are the keys the assignment matches an expert on.
func expertFeatures(e Expert) []string {
	var out []string
	for _, c := range e.Sectors {
		out = append(out, "sector:"+c)
	}
	for _, c := range e.Bricks {
		out = append(out, "brick:"+c)
	}
	for _, k := range e.Keywords {
		if f := textsearch.Fold(k); f != "" {
			out = append(out, "kw:"+f)
		}
	}
	return out
}
