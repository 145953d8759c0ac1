package surveys

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// Create records a draft survey.
func (s *Service) Create(ctx context.Context, in Input) (Survey, error) {
	in = normalise(in)
	now := s.stamp()
	if err := validateInput(in, now); err != nil {
		return Survey{}, err
	}
	sv := Survey{TitleFR: in.TitleFR, TitleEN: in.TitleEN, IntroFR: in.IntroFR, IntroEN: in.IntroEN,
		SubjectKind: in.SubjectKind, SubjectID: in.SubjectID, Anonymous: in.Anonymous, Status: StatusDraft,
		ClosesAt: in.ClosesAt, CreatedBy: audit.ActorFrom(ctx).UserID, CreatedAt: now, UpdatedAt: now}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO surveys (title_fr, title_en, intro_fr, intro_en, subject_kind, subject_id,
			anonymous, status, closes_at, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			sv.TitleFR, sv.TitleEN, sv.IntroFR, sv.IntroEN, sv.SubjectKind, nullInt(sv.SubjectID), boolInt(sv.Anonymous),
			sv.Status, nullTime(sv.ClosesAt), nullInt(sv.CreatedBy), sv.CreatedAt, sv.UpdatedAt).Scan(&sv.ID)
		if err != nil {
			return err
		}
		if sv.Questions, err = insertQuestions(ctx, tx, sv.ID, in.Questions); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "survey", sv.ID, "create", nil, sv)
	})
	if err != nil {
		return Survey{}, fmt.Errorf("surveys: create: %w", err)
	}
	return sv, nil
}

// Update changes a survey that is not closed. Its questions (and whether
// it is anonymous) can change only while it has no response: afterwards
// an input whose questions differ gets a "questions" error.
func (s *Service) Update(ctx context.Context, id int64, in Input) (Survey, error) {
	in = normalise(in)
	now := s.stamp()
	if err := validateInput(in, now); err != nil {
		return Survey{}, err
	}
	var sv Survey
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getSurvey(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Status == StatusClosed {
			return ErrState
		}
		var answered int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?", id).Scan(&answered); err != nil {
			return err
		}
		same := sameQuestions(before.Questions, in.Questions)
		if answered > 0 && (!same || before.Anonymous != in.Anonymous) {
			var errs validate.Errors
			errs.Add("questions", "surveys.questions_frozen")
			return errs
		}
		sv = before
		sv.TitleFR, sv.TitleEN, sv.IntroFR, sv.IntroEN = in.TitleFR, in.TitleEN, in.IntroFR, in.IntroEN
		sv.SubjectKind, sv.SubjectID, sv.Anonymous, sv.ClosesAt, sv.UpdatedAt = in.SubjectKind, in.SubjectID, in.Anonymous, in.ClosesAt, now
		if _, err := tx.Exec(ctx, `UPDATE surveys SET title_fr = ?, title_en = ?, intro_fr = ?, intro_en = ?, subject_kind = ?,
			subject_id = ?, anonymous = ?, closes_at = ?, updated_at = ? WHERE id = ?`, sv.TitleFR, sv.TitleEN, sv.IntroFR,
			sv.IntroEN, sv.SubjectKind, nullInt(sv.SubjectID), boolInt(sv.Anonymous), nullTime(sv.ClosesAt), sv.UpdatedAt, id); err != nil {
			return err
		}
		if !same {
			if _, err := tx.Exec(ctx, "DELETE FROM survey_questions WHERE survey_id = ?", id); err != nil {
				return err
			}
			if sv.Questions, err = insertQuestions(ctx, tx, id, in.Questions); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "survey", id, "update", before, sv)
	})
	if err != nil {
		if errors.Is(err, ErrState) || errors.Is(err, db.ErrNotFound) {
			return Survey{}, err
		}
		if _, ok := validate.As(err); ok {
			return Survey{}, err
		}
		return Survey{}, fmt.Errorf("surveys: update: %w", err)
	}
	return sv, nil
}

// sameQuestions compares stored questions with input ones, ignoring IDs.
func sameQuestions(a, b []Question) bool {
	return slices.EqualFunc(a, b, func(x, y Question) bool {
		return x.Kind == y.Kind && x.LabelFR == y.LabelFR && x.LabelEN == y.LabelEN && x.Required == y.Required &&
			x.SessionID == y.SessionID && x.SessionLabel == y.SessionLabel && slices.Equal(x.Choices, y.Choices)
	})
}

func insertQuestions(ctx context.Context, q db.Querier, surveyID int64, qs []Question) ([]Question, error) {
	out := make([]Question, len(qs))
	for i, qu := range qs {
		err := q.QueryRow(ctx, `INSERT INTO survey_questions (survey_id, position, kind, label_fr, label_en, required, session_id,
			session_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, surveyID, i, qu.Kind, qu.LabelFR, qu.LabelEN,
			boolInt(qu.Required), nullInt(qu.SessionID), qu.SessionLabel).Scan(&qu.ID)
		if err != nil {
			return nil, err
		}
		for j, c := range qu.Choices {
			if _, err := q.Exec(ctx, "INSERT INTO survey_choices (question_id, position, code, label_fr, label_en) VALUES (?, ?, ?, ?, ?)",
				qu.ID, j, c.Code, c.LabelFR, c.LabelEN); err != nil {
				return nil, err
			}
		}
		out[i] = qu
	}
	return out, nil
}

// Open opens a draft (or reopens a closed) survey: it needs a question
// and a closing date still ahead. The invitations not mailed yet are
// mailed now.
func (s *Service) Open(ctx context.Context, id int64) (Survey, error) {
	if err := s.ready(); err != nil {
		return Survey{}, err
	}
	var sv Survey
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getSurvey(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Status == StatusOpen {
			return ErrState
		}
		now := s.stamp()
		var errs validate.Errors
		if len(before.Questions) == 0 {
			errs.Add("questions", "surveys.no_questions")
		}
		if !before.ClosesAt.IsZero() && !before.ClosesAt.After(now) {
			errs.Add("closes_at", "surveys.closes_past")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		sv = before
		sv.Status, sv.OpenedAt, sv.ClosedAt, sv.UpdatedAt = StatusOpen, now, time.Time{}, now
		if _, err := tx.Exec(ctx, "UPDATE surveys SET status = ?, opened_at = ?, closed_at = NULL, updated_at = ? WHERE id = ?",
			sv.Status, sv.OpenedAt, sv.UpdatedAt, id); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "survey", id, "open", before, sv); err != nil {
			return err
		}
		return s.mailInvitations(ctx, tx, sv)
	})
	if err != nil {
		if errors.Is(err, ErrState) || errors.Is(err, db.ErrNotFound) {
			return Survey{}, err
		}
		if _, ok := validate.As(err); ok {
			return Survey{}, err
		}
		return Survey{}, fmt.Errorf("surveys: open: %w", err)
	}
	return s.Get(ctx, id)
}

// Close stops an open survey taking answers.
func (s *Service) Close(ctx context.Context, id int64) (Survey, error) {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getSurvey(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Status != StatusOpen {
			return ErrState
		}
		return s.close(ctx, tx, before)
	})
	if err != nil {
		if errors.Is(err, ErrState) || errors.Is(err, db.ErrNotFound) {
			return Survey{}, err
		}
		return Survey{}, fmt.Errorf("surveys: close: %w", err)
	}
	return s.Get(ctx, id)
}

func (s *Service) close(ctx context.Context, tx *db.Tx, before Survey) error {
	sv := before
	now := s.stamp()
	sv.Status, sv.ClosedAt, sv.UpdatedAt = StatusClosed, now, now
	if _, err := tx.Exec(ctx, "UPDATE surveys SET status = ?, closed_at = ?, updated_at = ? WHERE id = ?",
		sv.Status, sv.ClosedAt, sv.UpdatedAt, sv.ID); err != nil {
		return err
	}
	return audit.Record(ctx, tx, "survey", sv.ID, "close", before, sv)
}

// CloseDue closes the open surveys whose closing date has passed (a
// background sweep calls it; answers stop at the date in any case) and
// returns how many.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	rows, err := s.db.Query(ctx, "SELECT id FROM surveys WHERE status = ? AND closes_at IS NOT NULL AND closes_at <= ?",
		StatusOpen, s.stamp())
	if err != nil {
		return 0, fmt.Errorf("surveys: close due: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return 0, fmt.Errorf("surveys: close due: %w", err)
	}
	n := 0
	for _, id := range ids {
		err := s.db.Tx(ctx, func(tx *db.Tx) error {
			sv, err := getSurvey(ctx, tx, id)
			if err != nil || sv.Status != StatusOpen {
				return err
			}
			n++
			return s.close(ctx, tx, sv)
		})
		if err != nil {
			return n, fmt.Errorf("surveys: close due: %w", err)
		}
	}
	return n, nil
}

// Delete removes a survey that has no response (a draft, typically).
func (s *Service) Delete(ctx context.Context, id int64) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getSurvey(ctx, tx, id)
		if err != nil {
			return err
		}
		var answered int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?", id).Scan(&answered); err != nil {
			return err
		}
		if answered > 0 {
			return ErrState
		}
		if _, err := tx.Exec(ctx, "DELETE FROM surveys WHERE id = ?", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "survey", id, "delete", before, nil)
	})
	if err != nil && !errors.Is(err, ErrState) && !errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("surveys: delete: %w", err)
	}
	return err
}

// Get returns a survey with its questions and counts.
func (s *Service) Get(ctx context.Context, id int64) (Survey, error) {
	sv, err := getSurvey(ctx, s.db, id)
	if err != nil {
		if errors.Is(err, db.ErrNotFound) {
			return Survey{}, err
		}
		return Survey{}, fmt.Errorf("surveys: get: %w", err)
	}
	return sv, nil
}

// Filter selects surveys; zero fields match everything.
type Filter struct {
	SubjectKind string
	SubjectID   int64
	Status      string
}

// List returns the surveys matching f, newest first, with their counts
// but without their questions.
func (s *Service) List(ctx context.Context, f Filter) ([]Survey, error) {
	var where []string
	var args []any
	if f.SubjectKind != "" {
		where, args = append(where, "s.subject_kind = ?"), append(args, f.SubjectKind)
	}
	if f.SubjectID != 0 {
		where, args = append(where, "s.subject_id = ?"), append(args, f.SubjectID)
	}
	if f.Status != "" {
		where, args = append(where, "s.status = ?"), append(args, f.Status)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.db.Query(ctx, "SELECT "+surveyColumns+" FROM surveys s"+cond+" ORDER BY s.created_at DESC, s.id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("surveys: list: %w", err)
	}
	defer rows.Close()
	var out []Survey
	for rows.Next() {
		sv, err := scanSurvey(rows)
		if err != nil {
			return nil, fmt.Errorf("surveys: list: %w", err)
		}
		out = append(out, sv)
	}
	return out, rows.Err()
}

// surveyColumns are what scanSurvey reads, counts included.
const surveyColumns = `s.id, s.title_fr, s.title_en, s.intro_fr, s.intro_en, s.subject_kind, s.subject_id, s.anonymous,
	s.status, s.closes_at, s.created_by, s.created_at, s.updated_at, s.opened_at, s.closed_at,
	(SELECT COUNT(*) FROM survey_invitations i WHERE i.survey_id = s.id),
	(SELECT COUNT(*) FROM survey_invitations i WHERE i.survey_id = s.id AND i.responded_at IS NOT NULL)`

type scanner interface{ Scan(dest ...any) error }

func scanSurvey(r scanner) (Survey, error) {
	var sv Survey
	var subject, createdBy sql.NullInt64
	var anon int
	var closes, opened, closed sql.NullTime
	if err := r.Scan(&sv.ID, &sv.TitleFR, &sv.TitleEN, &sv.IntroFR, &sv.IntroEN, &sv.SubjectKind, &subject, &anon,
		&sv.Status, &closes, &createdBy, &sv.CreatedAt, &sv.UpdatedAt, &opened, &closed, &sv.Invited, &sv.Responded); err != nil {
		return Survey{}, err
	}
	sv.SubjectID, sv.CreatedBy, sv.Anonymous = subject.Int64, createdBy.Int64, anon == 1
	sv.ClosesAt, sv.OpenedAt, sv.ClosedAt = utc(closes.Time), utc(opened.Time), utc(closed.Time)
	sv.CreatedAt, sv.UpdatedAt = sv.CreatedAt.UTC(), sv.UpdatedAt.UTC()
	return sv, nil
}

// getSurvey reads a survey and its questions.
func getSurvey(ctx context.Context, q db.Querier, id int64) (Survey, error) {
	sv, err := scanSurvey(q.QueryRow(ctx, "SELECT "+surveyColumns+" FROM surveys s WHERE s.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Survey{}, db.ErrNotFound
	}
	if err != nil {
		return Survey{}, err
	}
	sv.Questions, err = questions(ctx, q, id)
	return sv, err
}

// questions reads a survey's questions with their choices.
func questions(ctx context.Context, q db.Querier, surveyID int64) ([]Question, error) {
	rows, err := q.Query(ctx, `SELECT id, kind, label_fr, label_en, required, session_id, session_label
		FROM survey_questions WHERE survey_id = ? ORDER BY position`, surveyID)
	if err != nil {
		return nil, err
	}
	var out []Question
	byID := map[int64]int{}
	for rows.Next() {
		var qu Question
		var req int
		var session sql.NullInt64
		if err := rows.Scan(&qu.ID, &qu.Kind, &qu.LabelFR, &qu.LabelEN, &req, &session, &qu.SessionLabel); err != nil {
			rows.Close()
			return nil, err
		}
		qu.Required, qu.SessionID = req == 1, session.Int64
		byID[qu.ID] = len(out)
		out = append(out, qu)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT c.question_id, c.code, c.label_fr, c.label_en FROM survey_choices c
		JOIN survey_questions q ON q.id = c.question_id WHERE q.survey_id = ? ORDER BY c.question_id, c.position`, surveyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var qid int64
		var c Choice
		if err := rows.Scan(&qid, &c.Code, &c.LabelFR, &c.LabelEN); err != nil {
			return nil, err
		}
		if i, ok := byID[qid]; ok {
			out[i].Choices = append(out[i].Choices, c)
		}
	}
	return out, rows.Err()
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
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
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
