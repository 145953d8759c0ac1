package calls

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"filiere/internal/db"
	"filiere/internal/textsearch"
)

// canRead reports whether v may read application a: staff; the lead's
// or a partner's people; an expert assigned to it or sitting on a
// session that discusses it, unless in conflict with it.
func (s *Service) canRead(ctx context.Context, q db.Querier, v Viewer, a Application) (bool, error) {
	if v.Staff() || a.Involves(v.OrganisationID) {
		return true, nil
	}
	if v.ExpertID == 0 {
		return false, nil
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM assignments WHERE application_id = ? AND expert_id = ?) +
		(SELECT COUNT(*) FROM session_items i JOIN session_members m ON m.session_id = i.session_id
		 WHERE i.application_id = ? AND m.expert_id = ?)`, a.ID, v.ExpertID, a.ID, v.ExpertID).Scan(&n); err != nil {
		return false, err
	}
	if n == 0 {
		return false, nil
	}
	cs, err := conflictsOf(ctx, q, a.ID, v.ExpertID)
	if err != nil {
		return false, err
	}
	return len(cs) == 0, nil
}

// Application returns an application the viewer may read, with its
// answers and documents' descriptions; ErrNotFound otherwise (also for
// an expert in conflict with it).
func (s *Service) Application(ctx context.Context, v Viewer, id int64) (Application, error) {
	a, err := getApplication(ctx, s.db, id)
	if err != nil {
		return Application{}, wrap("application", err)
	}
	ok, err := s.canRead(ctx, s.db, v, a)
	if err != nil {
		return Application{}, fmt.Errorf("calls: application: %w", err)
	}
	if !ok {
		return Application{}, ErrNotFound
	}
	return a, nil
}

// CallOf returns the call of an application the viewer may read: its
// form and grid are part of what they read, even when the call is not
// listed to them (unpublished since, or imported from history).
func (s *Service) CallOf(ctx context.Context, v Viewer, appID int64) (Call, error) {
	a, err := s.Application(ctx, v, appID)
	if err != nil {
		return Call{}, err
	}
	c, err := getCall(ctx, s.db, a.CallID)
	return c, wrap("call of", err)
}

// FileContent returns a document of an application the viewer may read.
func (s *Service) FileContent(ctx context.Context, v Viewer, appID, fileID int64) (File, []byte, error) {
	if _, err := s.Application(ctx, v, appID); err != nil {
		return File{}, nil, err
	}
	var f File
	var data []byte
	err := s.db.QueryRow(ctx, `SELECT x.id, c.code, x.filename, x.content_type, x.size, x.data FROM application_files x
		JOIN call_fields c ON c.id = x.field_id WHERE x.id = ? AND x.application_id = ?`, fileID, appID).Scan(
		&f.ID, &f.FieldCode, &f.Filename, &f.ContentType, &f.Size, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, nil, ErrNotFound
	}
	if err != nil {
		return File{}, nil, fmt.Errorf("calls: file: %w", err)
	}
	return f, data, nil
}

// ApplicationFilter selects applications.
type ApplicationFilter struct {
	CallID      int64
	Year        int
	Status      string // "" : every status but drafts for staff and experts, all for applicants
	Eligibility string
	Decision    string // "none" selects undecided applications
	Query       string // words of the reference, title, acronym or organisations
	// Answers loads the form's answers too (lists leave them out).
	Answers bool
}

// Applications lists what the viewer may read among the applications
// matching f, by reference: staff see all but others' drafts are listed
// only with Status "draft"; applicants their organisation's (as lead or
// partner); experts those assigned to them or on their sessions' agenda,
// never one they are in conflict with.
func (s *Service) Applications(ctx context.Context, v Viewer, f ApplicationFilter) ([]Application, error) {
	where, args := []string{"1 = 1"}, []any{}
	switch {
	case v.Staff():
	case v.ExpertID != 0:
		where = append(where, `(EXISTS (SELECT 1 FROM assignments x WHERE x.application_id = a.id AND x.expert_id = ?)
			OR EXISTS (SELECT 1 FROM session_items i JOIN session_members m ON m.session_id = i.session_id
			WHERE i.application_id = a.id AND m.expert_id = ?))`)
		args = append(args, v.ExpertID, v.ExpertID)
	case v.OrganisationID != 0:
		where = append(where, `(a.lead_id = ? OR EXISTS (SELECT 1 FROM application_partners p WHERE p.application_id = a.id
			AND p.organisation_id = ?))`)
		args = append(args, v.OrganisationID, v.OrganisationID)
	default:
		return nil, nil
	}
	if f.CallID != 0 {
		where, args = append(where, "a.call_id = ?"), append(args, f.CallID)
	}
	if f.Year != 0 {
		where, args = append(where, "c.year = ?"), append(args, f.Year)
	}
	switch {
	case f.Status != "":
		where, args = append(where, "a.status = ?"), append(args, f.Status)
	case v.Staff() || v.ExpertID != 0:
		where = append(where, "a.status <> 'draft'")
	}
	if f.Eligibility != "" {
		where, args = append(where, "a.eligibility = ?"), append(args, f.Eligibility)
	}
	switch f.Decision {
	case "":
	case "none":
		where = append(where, "a.decision = ''")
	default:
		where, args = append(where, "a.decision = ?"), append(args, f.Decision)
	}
	rows, err := s.db.Query(ctx, "SELECT "+applicationColumns+` FROM applications a JOIN organisations o ON o.id = a.lead_id
		JOIN calls c ON c.id = a.call_id WHERE `+strings.Join(where, " AND ")+" ORDER BY a.reference", args...)
	if err != nil {
		return nil, fmt.Errorf("calls: applications: %w", err)
	}
	var out []Application
	for rows.Next() {
		var a Application
		if err := scanApplication(rows, &a); err != nil {
			rows.Close()
			return nil, fmt.Errorf("calls: applications: %w", err)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("calls: applications: %w", err)
	}
	if err := s.fillPartners(ctx, out); err != nil {
		return nil, err
	}
	if f.Answers {
		if err := s.fillAnswers(ctx, out); err != nil {
			return nil, err
		}
	}
	if v.ExpertID != 0 && !v.Staff() && len(out) > 0 {
		cs, err := loadConflictsOf(ctx, s.db, v.ExpertID, "a.id IN (SELECT application_id FROM assignments WHERE expert_id = ?) OR a.id IN "+
			"(SELECT i.application_id FROM session_items i JOIN session_members m ON m.session_id = i.session_id WHERE m.expert_id = ?)",
			v.ExpertID, v.ExpertID)
		if err != nil {
			return nil, fmt.Errorf("calls: applications: %w", err)
		}
		kept := out[:0]
		for _, a := range out {
			if len(cs.of(a.ID, v.ExpertID)) == 0 {
				kept = append(kept, a)
			}
		}
		out = kept
	}
	if q := textsearch.Fold(f.Query); q != "" {
		kept := out[:0]
		for _, a := range out {
			if matches(a, q) {
				kept = append(kept, a)
			}
		}
		out = kept
	}
	return out, nil
}

func matches(a Application, q string) bool {
	hay := []string{a.Reference, a.Title, a.Acronym, a.Lead.Name}
	for _, p := range a.Partners {
		hay = append(hay, p.Name)
	}
	text := textsearch.Fold(strings.Join(hay, " "))
	for _, w := range strings.Fields(q) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// fillPartners loads the partners of listed applications in one query.
func (s *Service) fillPartners(ctx context.Context, apps []Application) error {
	if len(apps) == 0 {
		return nil
	}
	at, in, args := listed(apps)
	rows, err := s.db.Query(ctx, `SELECT p.application_id, o.id, o.name, o.group_name FROM application_partners p
		JOIN organisations o ON o.id = p.organisation_id WHERE p.application_id IN (`+in+`)
		ORDER BY p.application_id, p.position`, args...)
	if err != nil {
		return fmt.Errorf("calls: partners: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var app int64
		var o Organisation
		if err := rows.Scan(&app, &o.ID, &o.Name, &o.Group); err != nil {
			return fmt.Errorf("calls: partners: %w", err)
		}
		if i, ok := at[app]; ok {
			apps[i].Partners = append(apps[i].Partners, o)
		}
	}
	return rows.Err()
}

// fillAnswers loads the answers of listed applications in one query.
func (s *Service) fillAnswers(ctx context.Context, apps []Application) error {
	if len(apps) == 0 {
		return nil
	}
	at, in, args := listed(apps)
	for i := range apps {
		apps[i].Answers = map[string]string{}
	}
	rows, err := s.db.Query(ctx, `SELECT v.application_id, f.code, v.value FROM application_answers v
		JOIN call_fields f ON f.id = v.field_id WHERE v.application_id IN (`+in+`)`, args...)
	if err != nil {
		return fmt.Errorf("calls: answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var app int64
		var code, value string
		if err := rows.Scan(&app, &code, &value); err != nil {
			return fmt.Errorf("calls: answers: %w", err)
		}
		if i, ok := at[app]; ok {
			apps[i].Answers[code] = value
		}
	}
	return rows.Err()
}

// listed indexes applications by id and gives their ids as the
// placeholders and arguments of an IN list.
func listed(apps []Application) (map[int64]int, string, []any) {
	at := make(map[int64]int, len(apps))
	args := make([]any, len(apps))
	for i, a := range apps {
		at[a.ID], args[i] = i, a.ID
	}
	return at, strings.TrimSuffix(strings.Repeat("?, ", len(apps)), ", "), args
}
