package surveys

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// Answers are the values a respondent gives, by question id, as a form
// posts them: a number for a scale ("4"), one choice code for a single
// choice, the codes for a multiple choice, one text for a text question.
// A question missing or with only blank values is not answered.
type Answers map[int64][]string

// Field is the form field (and validation error field) of a question's
// answer: "q" and its id.
func Field(questionID int64) string { return "q" + strconv.FormatInt(questionID, 10) }

// Questionnaire is what an invitee's link opens.
type Questionnaire struct {
	Survey     Survey
	Invitation Invitation
	// Editable says whether the invitee may answer now: the survey takes
	// answers and, for an anonymous survey, they have not answered yet.
	Editable bool
	// Previous are the stored answers of a named survey the invitee
	// already answered (they may change them until it closes); nil for an
	// anonymous survey, whose answers cannot be found again.
	Previous Answers
}

// Questionnaire returns the survey an invitation's token opens; a token
// that is not signed, or names no invitation, is db.ErrNotFound.
func (s *Service) Questionnaire(ctx context.Context, token string) (Questionnaire, error) {
	id, ok := s.checkToken(token)
	if !ok {
		return Questionnaire{}, db.ErrNotFound
	}
	inv, err := getInvitation(ctx, s.db, id)
	if err != nil {
		return Questionnaire{}, err
	}
	sv, err := s.Get(ctx, inv.SurveyID)
	if err != nil {
		return Questionnaire{}, err
	}
	qn := Questionnaire{Survey: sv, Invitation: inv, Editable: sv.AcceptsAnswers(s.stamp()) && (!sv.Anonymous || !inv.Responded())}
	if sv.Anonymous || !inv.Responded() {
		return qn, nil
	}
	rows, err := s.db.Query(ctx, `SELECT a.question_id, a.choice, a.value, a.text FROM survey_answers a
		JOIN survey_responses r ON r.id = a.response_id WHERE r.invitation_id = ?`, inv.ID)
	if err != nil {
		return Questionnaire{}, fmt.Errorf("surveys: questionnaire: %w", err)
	}
	defer rows.Close()
	qn.Previous = Answers{}
	for rows.Next() {
		var a answer
		if err := rows.Scan(&a.question, &a.choice, &a.value, &a.text); err != nil {
			return Questionnaire{}, fmt.Errorf("surveys: questionnaire: %w", err)
		}
		qn.Previous[a.question] = append(qn.Previous[a.question], a.display())
	}
	return qn, rows.Err()
}

// answer is one stored answer row.
type answer struct {
	question int64
	choice   string
	value    sql.NullInt64
	text     string
}

// display is the answer as a form value.
func (a answer) display() string {
	switch {
	case a.value.Valid:
		return strconv.FormatInt(a.value.Int64, 10)
	case a.choice != "":
		return a.choice
	}
	return a.text
}

// checkAnswers validates answers against the questions and returns the
// rows to store. Errors name each question's Field; one on the field ""
// concerns the whole form.
func checkAnswers(qs []Question, given Answers) ([]answer, error) {
	var errs validate.Errors
	known := map[int64]bool{}
	var out []answer
	for _, q := range qs {
		known[q.ID] = true
		f := Field(q.ID)
		var vals []string
		for _, v := range given[q.ID] {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(vals, v) {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			if q.Required {
				errs.Add(f, "validate.required")
			}
			continue
		}
		if lo, hi, ok := Range(q.Kind); ok {
			n, err := strconv.Atoi(vals[0])
			switch {
			case len(vals) > 1:
				errs.Add(f, "surveys.answer.one_value")
			case err != nil:
				errs.Add(f, "validate.number")
			case n < lo || n > hi:
				errs.Add(f, "surveys.answer.range", lo, hi)
			default:
				out = append(out, answer{question: q.ID, value: sql.NullInt64{Int64: int64(n), Valid: true}})
			}
			continue
		}
		switch q.Kind {
		case KindSingle, KindMultiple:
			if q.Kind == KindSingle && len(vals) > 1 {
				errs.Add(f, "surveys.answer.one_choice")
				continue
			}
			var rows []answer
			for _, v := range vals {
				if _, ok := q.Choice(v); !ok {
					errs.Add(f, "validate.choice")
					rows = nil
					break
				}
				rows = append(rows, answer{question: q.ID, choice: v})
			}
			out = append(out, rows...)
		case KindText:
			text := strings.Join(vals, "\n")
			if utf8.RuneCountInString(text) > maxText {
				errs.Add(f, "validate.too_long", maxText)
				continue
			}
			out = append(out, answer{question: q.ID, text: text})
		}
	}
	for id := range given {
		if !known[id] {
			errs.Add("", "surveys.answer.stale")
			break
		}
	}
	if len(errs) == 0 && len(out) == 0 {
		errs.Add("", "surveys.answer.empty")
	}
	return out, errs.Err()
}

// Answer records the answers of the invitee whose link carries token.
// There is one response per invitation: for a named survey, answering
// again replaces the answers, until the survey closes; for an anonymous
// survey a second answer is ErrAlreadyAnswered, since nothing in the
// database leads from the invitation back to its response. After the
// closing date, or when the survey is not open, ErrClosed. A forged token
// is db.ErrNotFound.
func (s *Service) Answer(ctx context.Context, token string, given Answers) error {
	id, ok := s.checkToken(token)
	if !ok {
		return db.ErrNotFound
	}
	inv, err := getInvitation(ctx, s.db, id)
	if err != nil {
		return err
	}
	sv, err := s.Get(ctx, inv.SurveyID)
	if err != nil {
		return err
	}
	if !sv.AcceptsAnswers(s.stamp()) {
		return ErrClosed
	}
	if sv.Anonymous && inv.Responded() {
		return ErrAlreadyAnswered
	}
	rows, err := checkAnswers(sv.Questions, given)
	if err != nil {
		return err
	}
	// The organisation's sectors and kind now, for the breakdowns.
	var sectors []string
	var kind string
	if inv.OrganisationID != 0 {
		o, err := s.dir.Organisation(ctx, inv.OrganisationID)
		switch {
		case err == nil:
			sectors, kind = o.Sectors, o.Kind
		case !errors.Is(err, db.ErrNotFound):
			return fmt.Errorf("surveys: answer: %w", err)
		}
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		cur, err := getSurvey(ctx, tx, sv.ID)
		if err != nil {
			return err
		}
		now := s.stamp()
		if !cur.AcceptsAnswers(now) {
			return ErrClosed
		}
		if !sameQuestionIDs(cur.Questions, sv.Questions) {
			var errs validate.Errors
			errs.Add("", "surveys.answer.stale")
			return errs
		}
		if cur.Anonymous {
			return s.storeAnonymous(ctx, tx, cur, inv, rows, sectors, kind, now)
		}
		return s.storeNamed(ctx, tx, cur, inv, rows, sectors, kind, now)
	})
	if err != nil {
		if errors.Is(err, ErrClosed) || errors.Is(err, ErrAlreadyAnswered) || errors.Is(err, db.ErrNotFound) {
			return err
		}
		if _, ok := validate.As(err); ok {
			return err
		}
		return fmt.Errorf("surveys: answer: %w", err)
	}
	return nil
}

func sameQuestionIDs(a, b []Question) bool {
	return slices.EqualFunc(a, b, func(x, y Question) bool { return x.ID == y.ID })
}

// storeAnonymous stores a response without its invitation: the invitation
// is only marked answered, and the response keeps the day, not the time.
// Its audit record names the invitation and nothing of the answers.
func (s *Service) storeAnonymous(ctx context.Context, tx *db.Tx, sv Survey, inv Invitation, rows []answer, sectors []string, kind string, now time.Time) error {
	res, err := tx.Exec(ctx, "UPDATE survey_invitations SET responded_at = ? WHERE id = ? AND responded_at IS NULL", now, inv.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrAlreadyAnswered
	}
	day := now.Truncate(24 * time.Hour)
	if _, err := insertResponse(ctx, tx, sv.ID, 0, sectors, kind, day, rows); err != nil {
		return err
	}
	return audit.Record(ctx, tx, "survey_invitation", inv.ID, "respond", nil, nil)
}

// storeNamed stores (or replaces) the response of a named survey's
// invitation.
func (s *Service) storeNamed(ctx context.Context, tx *db.Tx, sv Survey, inv Invitation, rows []answer, sectors []string, kind string, now time.Time) error {
	// Taking the invitation's row first makes a concurrent answer with the
	// same link wait, then see this one's response.
	if _, err := tx.Exec(ctx, "UPDATE survey_invitations SET responded_at = COALESCE(responded_at, ?) WHERE id = ?", now, inv.ID); err != nil {
		return err
	}
	var respID int64
	err := tx.QueryRow(ctx, "SELECT id FROM survey_responses WHERE invitation_id = ?", inv.ID).Scan(&respID)
	if errors.Is(err, sql.ErrNoRows) {
		if respID, err = insertResponse(ctx, tx, sv.ID, inv.ID, sectors, kind, now, rows); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "survey_response", respID, "create", nil, auditAnswers(inv, rows))
	}
	if err != nil {
		return err
	}
	before, err := storedAnswers(ctx, tx, respID)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM survey_answers WHERE response_id = ?", respID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE survey_responses SET sectors = ?, kind = ?, updated_at = ? WHERE id = ?",
		strings.Join(sectors, "\n"), kind, now, respID); err != nil {
		return err
	}
	if err := insertAnswers(ctx, tx, respID, rows); err != nil {
		return err
	}
	return audit.Record(ctx, tx, "survey_response", respID, "update", auditAnswers(inv, before), auditAnswers(inv, rows))
}

// auditAnswers is what the audit log keeps of a named response.
func auditAnswers(inv Invitation, rows []answer) map[string]any {
	vals := map[string][]string{}
	for _, a := range rows {
		vals[Field(a.question)] = append(vals[Field(a.question)], a.display())
	}
	return map[string]any{"invitation": inv.ID, "answers": vals}
}

func storedAnswers(ctx context.Context, q db.Querier, respID int64) ([]answer, error) {
	rows, err := q.Query(ctx, "SELECT question_id, choice, value, text FROM survey_answers WHERE response_id = ?", respID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []answer
	for rows.Next() {
		var a answer
		if err := rows.Scan(&a.question, &a.choice, &a.value, &a.text); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// insertResponse stores a response under a random id (see the package
// comment) and its answers.
func insertResponse(ctx context.Context, tx *db.Tx, surveyID, invitationID int64, sectors []string, kind string, at time.Time, rows []answer) (int64, error) {
	id := randomID()
	if _, err := tx.Exec(ctx, `INSERT INTO survey_responses (id, survey_id, invitation_id, sectors, kind, submitted_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, surveyID, nullInt(invitationID), strings.Join(sectors, "\n"), kind, at, at); err != nil {
		return 0, err
	}
	return id, insertAnswers(ctx, tx, id, rows)
}

func insertAnswers(ctx context.Context, tx *db.Tx, respID int64, rows []answer) error {
	for _, a := range rows {
		var v any
		if a.value.Valid {
			v = a.value.Int64
		}
		if _, err := tx.Exec(ctx, "INSERT INTO survey_answers (response_id, question_id, choice, value, text) VALUES (?, ?, ?, ?, ?)",
			respID, a.question, a.choice, v, a.text); err != nil {
			return err
		}
	}
	return nil
}

// randomID is a positive id below 2^53 (exact in a JavaScript number).
func randomID() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	if id := int64(binary.BigEndian.Uint64(b[:]) >> 11); id > 0 {
		return id
	}
	return 1
}
