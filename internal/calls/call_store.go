package calls

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// Limits of what staff write.
const (
	maxTitle       = 200
	maxDescription = 20000
	maxLabel       = 300
	maxFields      = 60
	maxCriteria    = 20
	maxChoices     = 50
	maxEvaluators  = 9
)

var codeShape = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// normaliseCall trims text, fills defaults and generates missing codes.
func normaliseCall(c Call) Call {
	for _, p := range []*string{&c.TitleFR, &c.TitleEN, &c.SchemeGroup, &c.Scheme, &c.Wave, &c.LabelName} {
		*p = strings.Join(strings.Fields(*p), " ")
	}
	c.DescriptionFR, c.DescriptionEN = strings.TrimSpace(c.DescriptionFR), strings.TrimSpace(c.DescriptionEN)
	if c.Renewal == "" {
		c.Renewal = RenewalNone
	}
	if c.Consortium == ConsortiumSingle {
		c.MinPartners, c.MaxPartners = 0, 0
	}
	if c.Type != TypeVoucher {
		c.Vouchers = 0
	}
	if !c.Written {
		c.Evaluators, c.ReviewsDue = 0, time.Time{}
	}
	c.Fields = slices.Clone(c.Fields)
	for i := range c.Fields {
		f := &c.Fields[i]
		f.Code = strings.ToLower(strings.TrimSpace(f.Code))
		if f.Code == "" {
			f.Code = fmt.Sprintf("field_%d", i+1)
		}
		f.LabelFR, f.LabelEN = strings.TrimSpace(f.LabelFR), strings.TrimSpace(f.LabelEN)
		f.HelpFR, f.HelpEN = strings.TrimSpace(f.HelpFR), strings.TrimSpace(f.HelpEN)
		if f.Kind != FieldChoice {
			f.Choices = nil
		}
		f.Choices = slices.Clone(f.Choices)
		for j := range f.Choices {
			ch := &f.Choices[j]
			ch.Code, ch.FR, ch.EN = strings.ToLower(strings.TrimSpace(ch.Code)), strings.TrimSpace(ch.FR), strings.TrimSpace(ch.EN)
			if ch.Code == "" {
				ch.Code = fmt.Sprintf("c%d", j+1)
			}
		}
	}
	c.Criteria = slices.Clone(c.Criteria)
	for i := range c.Criteria {
		cr := &c.Criteria[i]
		cr.Code = strings.ToLower(strings.TrimSpace(cr.Code))
		if cr.Code == "" {
			cr.Code = fmt.Sprintf("criterion_%d", i+1)
		}
		cr.LabelFR, cr.LabelEN = strings.TrimSpace(cr.LabelFR), strings.TrimSpace(cr.LabelEN)
	}
	return c
}

// validateCall checks a call as staff wrote it. Field errors are named
// after the form: "fields.3.label_fr", "criteria.0.weight"…
func validateCall(c Call) error {
	var errs validate.Errors
	if !slices.Contains(Types, c.Type) {
		errs.Add("type", "calls.type_invalid")
	}
	if c.TitleFR == "" {
		errs.Add("title_fr", "validate.required")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"title_fr", c.TitleFR, maxTitle}, {"title_en", c.TitleEN, maxTitle}, {"scheme_group", c.SchemeGroup, 80},
		{"scheme", c.Scheme, 120}, {"wave", c.Wave, 40}, {"label_name", c.LabelName, maxTitle},
		{"description_fr", c.DescriptionFR, maxDescription}, {"description_en", c.DescriptionEN, maxDescription}} {
		if len([]rune(f.v)) > f.max {
			errs.Add(f.name, "validate.too_long", f.max)
		}
	}
	if c.Year < 1990 || c.Year > 2100 {
		errs.Add("year", "calls.year_invalid")
	}
	switch {
	case c.OpensAt.IsZero():
		errs.Add("opens_at", "validate.required")
	case c.ClosesAt.IsZero():
		errs.Add("closes_at", "validate.required")
	case !c.ClosesAt.After(c.OpensAt):
		errs.Add("closes_at", "calls.closes_before_opens")
	case !c.ReviewsDue.IsZero() && !c.ReviewsDue.After(c.ClosesAt):
		errs.Add("reviews_due", "calls.reviews_due_before_close")
	}
	if c.Audience != AudienceMembers && c.Audience != AudienceAll {
		errs.Add("audience", "calls.audience_invalid")
	}
	switch c.Consortium {
	case ConsortiumSingle, ConsortiumOptional:
	case ConsortiumRequired:
		if c.MinPartners < 1 {
			errs.Add("min_partners", "calls.min_partners_required")
		}
	default:
		errs.Add("consortium", "calls.consortium_invalid")
	}
	if c.MinPartners < 0 || c.MinPartners > 50 {
		errs.Add("min_partners", "calls.range", 0, 50)
	}
	if c.MaxPartners < 0 || c.MaxPartners > 50 || (c.MaxPartners > 0 && c.MaxPartners < c.MinPartners) {
		errs.Add("max_partners", "calls.max_partners_invalid")
	}
	if c.Written && (c.Evaluators < 1 || c.Evaluators > maxEvaluators) {
		errs.Add("evaluators", "calls.range", 1, maxEvaluators)
	}
	if c.Type == TypeVoucher && c.Vouchers < 1 {
		errs.Add("vouchers", "calls.vouchers_required")
	}
	if c.LabelMonths < 0 || c.LabelMonths > 120 {
		errs.Add("label_months", "calls.range", 0, 120)
	}
	if !slices.Contains([]string{RenewalWritten, RenewalFull, RenewalNone}, c.Renewal) {
		errs.Add("renewal", "calls.renewal_invalid")
	}
	if c.Renewal != RenewalNone && c.LabelName == "" {
		errs.Add("renewal", "calls.renewal_needs_label")
	}
	if !c.Preselection && !c.Written && !c.Hearing && !c.Committee {
		errs.Add("stages", "calls.stages_required")
	}
	if len(c.Fields) > maxFields {
		errs.Add("fields", "calls.too_many_fields", maxFields)
	}
	seen := map[string]bool{}
	for i, f := range c.Fields {
		at := fmt.Sprintf("fields.%d.", i)
		if !codeShape.MatchString(f.Code) {
			errs.Add(at+"code", "calls.code_invalid")
		} else if seen[f.Code] {
			errs.Add(at+"code", "calls.code_duplicate")
		}
		seen[f.Code] = true
		if !slices.Contains(FieldKinds, f.Kind) {
			errs.Add(at+"kind", "calls.field_kind_invalid")
		}
		if f.LabelFR == "" {
			errs.Add(at+"label_fr", "validate.required")
		}
		if len([]rune(f.LabelFR)) > maxLabel || len([]rune(f.LabelEN)) > maxLabel {
			errs.Add(at+"label_fr", "validate.too_long", maxLabel)
		}
		if f.Kind == FieldChoice {
			if len(f.Choices) == 0 || len(f.Choices) > maxChoices {
				errs.Add(at+"choices", "calls.choices_required", maxChoices)
			}
			codes := map[string]bool{}
			for _, ch := range f.Choices {
				if ch.FR == "" || codes[ch.Code] || !codeShape.MatchString(ch.Code) {
					errs.Add(at+"choices", "calls.choices_invalid")
					break
				}
				codes[ch.Code] = true
			}
		}
	}
	if c.Written && len(c.Criteria) == 0 {
		errs.Add("criteria", "calls.criteria_required")
	}
	if len(c.Criteria) > maxCriteria {
		errs.Add("criteria", "calls.too_many_criteria", maxCriteria)
	}
	seen = map[string]bool{}
	for i, cr := range c.Criteria {
		at := fmt.Sprintf("criteria.%d.", i)
		if !codeShape.MatchString(cr.Code) {
			errs.Add(at+"code", "calls.code_invalid")
		} else if seen[cr.Code] {
			errs.Add(at+"code", "calls.code_duplicate")
		}
		seen[cr.Code] = true
		if cr.LabelFR == "" {
			errs.Add(at+"label_fr", "validate.required")
		}
		if cr.Weight < 1 || cr.Weight > 100 {
			errs.Add(at+"weight", "calls.range", 1, 100)
		}
		if cr.Scale < 1 || cr.Scale > 100 {
			errs.Add(at+"scale", "calls.range", 1, 100)
		}
	}
	return errs.Err()
}

// CreateCall records a call (unpublished: applicants see it once
// published).
func (s *Service) CreateCall(ctx context.Context, in Call) (Call, error) {
	c := normaliseCall(in)
	if err := validateCall(c); err != nil {
		return Call{}, err
	}
	now := s.stamp()
	c.ID, c.Published, c.Imported, c.CreatedAt, c.UpdatedAt = 0, false, in.Imported, now, now
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if c, err = insertCall(ctx, tx, c, audit.ActorFrom(ctx).UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "call", c.ID, "create", nil, c)
	})
	if err != nil {
		return Call{}, fmt.Errorf("calls: create call: %w", err)
	}
	return c, nil
}

func insertCall(ctx context.Context, tx *db.Tx, c Call, by int64) (Call, error) {
	err := tx.QueryRow(ctx, `INSERT INTO calls (type, title_fr, title_en, description_fr, description_en, scheme_group,
		scheme, wave, year, opens_at, closes_at, audience, consortium, min_partners, max_partners, preselection, written,
		hearing, committee, evaluators, vouchers, label_name, label_months, renewal, published, imported, created_by,
		created_at, updated_at, reviews_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`, c.Type, c.TitleFR, c.TitleEN, c.DescriptionFR, c.DescriptionEN, c.SchemeGroup, c.Scheme, c.Wave,
		c.Year, c.OpensAt.UTC(), c.ClosesAt.UTC(), c.Audience, c.Consortium, c.MinPartners, c.MaxPartners,
		boolInt(c.Preselection), boolInt(c.Written), boolInt(c.Hearing), boolInt(c.Committee), c.Evaluators, c.Vouchers,
		c.LabelName, c.LabelMonths, c.Renewal, boolInt(c.Published), boolInt(c.Imported), nullInt(by), c.CreatedAt,
		c.UpdatedAt, nullTime(c.ReviewsDue)).Scan(&c.ID)
	if err != nil {
		return Call{}, err
	}
	if c.Fields, err = insertFields(ctx, tx, c.ID, c.Fields); err != nil {
		return Call{}, err
	}
	if c.Criteria, err = insertCriteria(ctx, tx, c.ID, c.Criteria); err != nil {
		return Call{}, err
	}
	return c, nil
}

func insertFields(ctx context.Context, tx *db.Tx, callID int64, fs []Field) ([]Field, error) {
	out := make([]Field, len(fs))
	for i, f := range fs {
		choices, err := json.Marshal(f.Choices)
		if err != nil {
			return nil, err
		}
		if f.Choices == nil {
			choices = []byte("[]")
		}
		if err := tx.QueryRow(ctx, `INSERT INTO call_fields (call_id, position, code, kind, label_fr, label_en, help_fr,
			help_en, required, choices) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, callID, i, f.Code, f.Kind,
			f.LabelFR, f.LabelEN, f.HelpFR, f.HelpEN, boolInt(f.Required), string(choices)).Scan(&f.ID); err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

func insertCriteria(ctx context.Context, tx *db.Tx, callID int64, cs []Criterion) ([]Criterion, error) {
	out := make([]Criterion, len(cs))
	for i, c := range cs {
		if err := tx.QueryRow(ctx, `INSERT INTO call_criteria (call_id, position, code, label_fr, label_en, weight, scale)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, callID, i, c.Code, c.LabelFR, c.LabelEN, c.Weight, c.Scale).Scan(&c.ID); err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// UpdateCall changes a call. Its form can change only while no
// application was submitted, and its grid only while no score was
// given: afterwards a changed form or grid is refused ("fields" or
// "criteria" error) so that answers and scores keep their meaning.
func (s *Service) UpdateCall(ctx context.Context, id int64, in Call) (Call, error) {
	c := normaliseCall(in)
	if err := validateCall(c); err != nil {
		return Call{}, err
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getCall(ctx, tx, id)
		if err != nil {
			return err
		}
		c.ID, c.Published, c.Imported, c.CreatedAt, c.UpdatedAt = id, before.Published, before.Imported, before.CreatedAt, s.stamp()
		sameForm := slices.EqualFunc(before.Fields, c.Fields, sameField)
		sameGrid := slices.EqualFunc(before.Criteria, c.Criteria, sameCriterion)
		var errs validate.Errors
		if !sameForm {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM applications WHERE call_id = ? AND status <> 'draft'", id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				errs.Add("fields", "calls.form_frozen")
			}
		}
		if !sameGrid {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM review_scores r JOIN call_criteria c ON c.id = r.criterion_id
				WHERE c.call_id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				errs.Add("criteria", "calls.grid_frozen")
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE calls SET type = ?, title_fr = ?, title_en = ?, description_fr = ?,
			description_en = ?, scheme_group = ?, scheme = ?, wave = ?, year = ?, opens_at = ?, closes_at = ?, audience = ?,
			consortium = ?, min_partners = ?, max_partners = ?, preselection = ?, written = ?, hearing = ?, committee = ?,
			evaluators = ?, vouchers = ?, label_name = ?, label_months = ?, renewal = ?, reviews_due = ?, updated_at = ? WHERE id = ?`,
			c.Type, c.TitleFR, c.TitleEN, c.DescriptionFR, c.DescriptionEN, c.SchemeGroup, c.Scheme, c.Wave, c.Year,
			c.OpensAt.UTC(), c.ClosesAt.UTC(), c.Audience, c.Consortium, c.MinPartners, c.MaxPartners,
			boolInt(c.Preselection), boolInt(c.Written), boolInt(c.Hearing), boolInt(c.Committee), c.Evaluators,
			c.Vouchers, c.LabelName, c.LabelMonths, c.Renewal, nullTime(c.ReviewsDue), c.UpdatedAt, id); err != nil {
			return err
		}
		if sameForm {
			c.Fields = before.Fields
		} else {
			if _, err := tx.Exec(ctx, "DELETE FROM call_fields WHERE call_id = ?", id); err != nil {
				return err
			}
			if c.Fields, err = insertFields(ctx, tx, id, c.Fields); err != nil {
				return err
			}
		}
		if sameGrid {
			c.Criteria = before.Criteria
		} else {
			if _, err := tx.Exec(ctx, "DELETE FROM call_criteria WHERE call_id = ?", id); err != nil {
				return err
			}
			if c.Criteria, err = insertCriteria(ctx, tx, id, c.Criteria); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "call", id, "update", before, c)
	})
	if err != nil {
		return Call{}, wrap("update call", err)
	}
	return c, nil
}

func sameField(a, b Field) bool {
	return a.Code == b.Code && a.Kind == b.Kind && a.LabelFR == b.LabelFR && a.LabelEN == b.LabelEN &&
		a.HelpFR == b.HelpFR && a.HelpEN == b.HelpEN && a.Required == b.Required && slices.Equal(a.Choices, b.Choices)
}

func sameCriterion(a, b Criterion) bool {
	return a.Code == b.Code && a.LabelFR == b.LabelFR && a.LabelEN == b.LabelEN && a.Weight == b.Weight && a.Scale == b.Scale
}

// Publish shows the call to applicants (publish true) or hides it again.
// A call with submitted applications stays published.
func (s *Service) Publish(ctx context.Context, id int64, publish bool) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		c, err := getCall(ctx, tx, id)
		if err != nil {
			return err
		}
		if !publish {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM applications WHERE call_id = ? AND status <> 'draft'", id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return ErrState
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE calls SET published = ?, updated_at = ? WHERE id = ?", boolInt(publish), s.stamp(), id); err != nil {
			return err
		}
		action := "publish"
		if !publish {
			action = "unpublish"
		}
		return audit.Record(ctx, tx, "call", id, action, map[string]bool{"published": c.Published}, map[string]bool{"published": publish})
	})
	return wrap("publish", err)
}

// Call returns a call with its form and grid. Unpublished calls are for
// staff only: others get ErrNotFound.
func (s *Service) Call(ctx context.Context, v Viewer, id int64) (Call, error) {
	c, err := getCall(ctx, s.db, id)
	if err != nil {
		return Call{}, wrap("get call", err)
	}
	if (!c.Published || c.Imported) && !v.Staff() {
		return Call{}, ErrNotFound
	}
	return c, nil
}

// CallFilter selects calls.
type CallFilter struct {
	Year int    // 0: any
	Type string // "": any
	// OpenAt: only calls taking submissions at that time (zero: any).
	OpenAt time.Time
}

// CallSummary is a call in a list, with its application counts.
type CallSummary struct {
	Call
	Drafts, Submitted, Labelled int
}

// Calls lists calls, newest close first: all of them for staff, the
// published ones for others.
func (s *Service) Calls(ctx context.Context, v Viewer, f CallFilter) ([]CallSummary, error) {
	where, args := []string{"1 = 1"}, []any{}
	if !v.Staff() {
		// Calls imported from history are for the statistics, not to
		// apply to.
		where = append(where, "c.published = 1 AND c.imported = 0")
	}
	if f.Year != 0 {
		where, args = append(where, "c.year = ?"), append(args, f.Year)
	}
	if f.Type != "" {
		where, args = append(where, "c.type = ?"), append(args, f.Type)
	}
	if !f.OpenAt.IsZero() {
		where, args = append(where, "c.opens_at <= ? AND c.closes_at >= ?"), append(args, f.OpenAt.UTC(), f.OpenAt.UTC())
	}
	rows, err := s.db.Query(ctx, `SELECT `+callColumns+`,
		(SELECT COUNT(*) FROM applications a WHERE a.call_id = c.id AND a.status = 'draft'),
		(SELECT COUNT(*) FROM applications a WHERE a.call_id = c.id AND a.status <> 'draft'),
		(SELECT COUNT(*) FROM applications a WHERE a.call_id = c.id AND a.decision = 'labelled')
		FROM calls c WHERE `+strings.Join(where, " AND ")+` ORDER BY c.closes_at DESC, c.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("calls: list: %w", err)
	}
	defer rows.Close()
	var out []CallSummary
	for rows.Next() {
		var cs CallSummary
		if err := scanCall(rows, &cs.Call, &cs.Drafts, &cs.Submitted, &cs.Labelled); err != nil {
			return nil, fmt.Errorf("calls: list: %w", err)
		}
		out = append(out, cs)
	}
	return out, rows.Err()
}

const callColumns = `c.id, c.type, c.title_fr, c.title_en, c.description_fr, c.description_en, c.scheme_group, c.scheme,
	c.wave, c.year, c.opens_at, c.closes_at, c.audience, c.consortium, c.min_partners, c.max_partners, c.preselection,
	c.written, c.hearing, c.committee, c.evaluators, c.vouchers, c.label_name, c.label_months, c.renewal, c.published,
	c.imported, c.created_at, c.updated_at, c.reviews_due`

func scanCall(r interface{ Scan(...any) error }, c *Call, extra ...any) error {
	var pre, wr, he, co, pub, imp int
	var due sql.NullTime
	dest := append([]any{&c.ID, &c.Type, &c.TitleFR, &c.TitleEN, &c.DescriptionFR, &c.DescriptionEN, &c.SchemeGroup,
		&c.Scheme, &c.Wave, &c.Year, &c.OpensAt, &c.ClosesAt, &c.Audience, &c.Consortium, &c.MinPartners, &c.MaxPartners,
		&pre, &wr, &he, &co, &c.Evaluators, &c.Vouchers, &c.LabelName, &c.LabelMonths, &c.Renewal, &pub, &imp,
		&c.CreatedAt, &c.UpdatedAt, &due}, extra...)
	if err := r.Scan(dest...); err != nil {
		return err
	}
	c.Preselection, c.Written, c.Hearing, c.Committee, c.Published, c.Imported = pre != 0, wr != 0, he != 0, co != 0, pub != 0, imp != 0
	c.OpensAt, c.ClosesAt, c.CreatedAt, c.UpdatedAt = c.OpensAt.UTC(), c.ClosesAt.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.ReviewsDue = timeOf(due)
	return nil
}

func getCall(ctx context.Context, q db.Querier, id int64) (Call, error) {
	var c Call
	err := scanCall(q.QueryRow(ctx, "SELECT "+callColumns+" FROM calls c WHERE c.id = ?", id), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return Call{}, ErrNotFound
	}
	if err != nil {
		return Call{}, err
	}
	rows, err := q.Query(ctx, `SELECT id, code, kind, label_fr, label_en, help_fr, help_en, required, choices
		FROM call_fields WHERE call_id = ? ORDER BY position`, id)
	if err != nil {
		return Call{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var f Field
		var req int
		var choices string
		if err := rows.Scan(&f.ID, &f.Code, &f.Kind, &f.LabelFR, &f.LabelEN, &f.HelpFR, &f.HelpEN, &req, &choices); err != nil {
			return Call{}, err
		}
		f.Required = req != 0
		if err := json.Unmarshal([]byte(choices), &f.Choices); err != nil {
			return Call{}, fmt.Errorf("field %d choices: %w", f.ID, err)
		}
		if len(f.Choices) == 0 {
			f.Choices = nil
		}
		c.Fields = append(c.Fields, f)
	}
	if err := rows.Err(); err != nil {
		return Call{}, err
	}
	rows.Close()
	crows, err := q.Query(ctx, `SELECT id, code, label_fr, label_en, weight, scale FROM call_criteria WHERE call_id = ?
		ORDER BY position`, id)
	if err != nil {
		return Call{}, err
	}
	defer crows.Close()
	for crows.Next() {
		var cr Criterion
		if err := crows.Scan(&cr.ID, &cr.Code, &cr.LabelFR, &cr.LabelEN, &cr.Weight, &cr.Scale); err != nil {
			return Call{}, err
		}
		c.Criteria = append(c.Criteria, cr)
	}
	return c, crows.Err()
}

// wrap adds the step's name to unexpected errors and lets the package's
// own errors, validation errors and ErrNotFound through unchanged.
func wrap(step string, err error) error {
	if err == nil {
		return nil
	}
	for _, known := range []error{ErrNotFound, ErrClosed, ErrState, ErrConflict, ErrForbidden, ErrQuorum} {
		if errors.Is(err, known) {
			return err
		}
	}
	if _, ok := validate.As(err); ok {
		return err
	}
	return fmt.Errorf("calls: %s: %w", step, err)
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
