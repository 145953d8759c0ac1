package calls

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// DisagreementPoints is the gap between two experts' weighted scores
// (out of 100) from which an application is flagged for discussion.
const DisagreementPoints = 25.0

// Score is one criterion's score in a review.
type Score struct {
	CriterionID int64
	Code        string
	Score       int
	Comment     string
}

// Review is one expert's evaluation of an application.
type Review struct {
	ApplicationID int64
	ExpertID      int64
	ExpertName    string
	Scores        []Score // in the grid's order; criteria not scored yet are absent
	Comment       string
	Submitted     bool
	SubmittedAt   time.Time
	// Weighted is the weighted score out of 100 (complete reviews only).
	Weighted float64
	Complete bool
	exact    float64 // Weighted before rounding, for means and spreads
}

// ReviewInput is what an expert writes: a score and a comment per
// criterion code, an overall comment; Submit sends it (then it is
// final and the expert sees the others' reviews).
type ReviewInput struct {
	Scores   map[string]int
	Comments map[string]string
	Comment  string
	Submit   bool
}

// SaveReview stores the viewer's review of an application assigned to
// them. Scores go from 0 to each criterion's scale; submitting needs
// every criterion scored. A submitted review is final.
func (s *Service) SaveReview(ctx context.Context, v Viewer, appID int64, in ReviewInput) (Review, error) {
	if v.ExpertID == 0 {
		return Review{}, ErrNotFound
	}
	var r Review
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		a, err := getApplication(ctx, tx, appID)
		if err != nil {
			return err
		}
		var submitted sql.NullTime
		err = tx.QueryRow(ctx, "SELECT submitted_at FROM assignments WHERE application_id = ? AND expert_id = ?", appID, v.ExpertID).Scan(&submitted)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if cs, err := conflictsOf(ctx, tx, appID, v.ExpertID); err != nil || len(cs) > 0 {
			return errors.Join(err, ErrNotFound)
		}
		if submitted.Valid || a.Decision != "" || !a.InTheRunning() {
			return ErrState
		}
		c, err := getCall(ctx, tx, a.CallID)
		if err != nil {
			return err
		}
		var errs validate.Errors
		for code := range in.Scores {
			if !slices.ContainsFunc(c.Criteria, func(cr Criterion) bool { return cr.Code == code }) {
				errs.Add("scores."+code, "calls.field_unknown")
			}
		}
		for _, cr := range c.Criteria {
			sc, ok := in.Scores[cr.Code]
			switch {
			case !ok && in.Submit:
				errs.Add("scores."+cr.Code, "calls.score_required")
			case ok && (sc < 0 || sc > cr.Scale):
				errs.Add("scores."+cr.Code, "calls.range", 0, cr.Scale)
			}
			if len([]rune(in.Comments[cr.Code])) > maxText*4 {
				errs.Add("comments."+cr.Code, "validate.too_long", maxText*4)
			}
		}
		in.Comment = strings.TrimSpace(in.Comment)
		if len([]rune(in.Comment)) > maxLongText {
			errs.Add("comment", "validate.too_long", maxLongText)
		}
		if err := errs.Err(); err != nil {
			return err
		}
		before, _ := reviewOf(ctx, tx, c, appID, v.ExpertID)
		if _, err := tx.Exec(ctx, "DELETE FROM review_scores WHERE application_id = ? AND expert_id = ?", appID, v.ExpertID); err != nil {
			return err
		}
		for _, cr := range c.Criteria {
			sc, ok := in.Scores[cr.Code]
			if !ok {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO review_scores (application_id, expert_id, criterion_id, score, comment)
				VALUES (?, ?, ?, ?, ?)`, appID, v.ExpertID, cr.ID, sc, strings.TrimSpace(in.Comments[cr.Code])); err != nil {
				return err
			}
		}
		var at any
		if in.Submit {
			at = s.stamp()
		}
		if _, err := tx.Exec(ctx, "UPDATE assignments SET comment = ?, submitted_at = ? WHERE application_id = ? AND expert_id = ?",
			in.Comment, at, appID, v.ExpertID); err != nil {
			return err
		}
		if r, err = reviewOf(ctx, tx, c, appID, v.ExpertID); err != nil {
			return err
		}
		action := "save"
		if in.Submit {
			action = "submit"
		}
		return audit.Record(ctx, tx, "review", fmt.Sprintf("%d/%d", appID, v.ExpertID), action, before, r)
	})
	if err != nil {
		return Review{}, wrap("save review", err)
	}
	return r, nil
}

// reviewOf loads one expert's review.
func reviewOf(ctx context.Context, q db.Querier, c Call, appID, expertID int64) (Review, error) {
	all, err := reviewsOf(ctx, q, c, "x.application_id = ? AND x.expert_id = ?", appID, expertID)
	if err != nil {
		return Review{}, err
	}
	if len(all) == 0 {
		return Review{}, ErrNotFound
	}
	return all[0], nil
}

// reviewsOf loads the reviews of the assignments matched by where (on
// assignments x), by application then expert name.
func reviewsOf(ctx context.Context, q db.Querier, c Call, where string, args ...any) ([]Review, error) {
	rows, err := q.Query(ctx, `SELECT x.application_id, x.expert_id, u.name, x.comment, x.submitted_at FROM assignments x
		JOIN experts e ON e.id = x.expert_id JOIN users u ON u.id = e.user_id WHERE `+where+`
		ORDER BY x.application_id, u.name, x.expert_id`, args...)
	if err != nil {
		return nil, err
	}
	var out []Review
	at := map[[2]int64]int{}
	for rows.Next() {
		var r Review
		var submitted sql.NullTime
		if err := rows.Scan(&r.ApplicationID, &r.ExpertID, &r.ExpertName, &r.Comment, &submitted); err != nil {
			rows.Close()
			return nil, err
		}
		r.Submitted, r.SubmittedAt = submitted.Valid, timeOf(submitted)
		at[[2]int64{r.ApplicationID, r.ExpertID}] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	srows, err := q.Query(ctx, `SELECT x.application_id, x.expert_id, s.criterion_id, s.score, s.comment FROM review_scores s
		JOIN assignments x ON x.application_id = s.application_id AND x.expert_id = s.expert_id WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer srows.Close()
	for srows.Next() {
		var app, expert int64
		var sc Score
		if err := srows.Scan(&app, &expert, &sc.CriterionID, &sc.Score, &sc.Comment); err != nil {
			return nil, err
		}
		if i, ok := at[[2]int64{app, expert}]; ok {
			out[i].Scores = append(out[i].Scores, sc)
		}
	}
	if err := srows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].weigh(c.Criteria)
	}
	return out, nil
}

// weigh orders the scores by the grid and computes the weighted score.
func (r *Review) weigh(grid []Criterion) {
	byID := map[int64]Score{}
	for _, s := range r.Scores {
		byID[s.CriterionID] = s
	}
	r.Scores = r.Scores[:0]
	var num, den float64
	r.Complete = len(grid) > 0
	for _, cr := range grid {
		s, ok := byID[cr.ID]
		if !ok {
			r.Complete = false
			continue
		}
		s.Code = cr.Code
		r.Scores = append(r.Scores, s)
		num += float64(cr.Weight) * float64(s.Score) / float64(cr.Scale)
		den += float64(cr.Weight)
	}
	if r.Complete && den > 0 {
		r.exact = 100 * num / den
		r.Weighted = math.Round(10*r.exact) / 10
	}
}

// Reviews returns the reviews of an application the viewer may read:
// staff see every review; an assigned expert their own, and the others'
// submitted ones once they submitted theirs; a committee member the
// submitted ones. Applicants see none (ErrForbidden).
func (s *Service) Reviews(ctx context.Context, v Viewer, appID int64) ([]Review, error) {
	a, err := s.Application(ctx, v, appID)
	if err != nil {
		return nil, err
	}
	if !v.Staff() && v.ExpertID == 0 {
		return nil, ErrForbidden
	}
	c, err := getCall(ctx, s.db, a.CallID)
	if err != nil {
		return nil, fmt.Errorf("calls: reviews: %w", err)
	}
	all, err := reviewsOf(ctx, s.db, c, "x.application_id = ?", appID)
	if err != nil {
		return nil, fmt.Errorf("calls: reviews: %w", err)
	}
	if v.Staff() {
		return all, nil
	}
	mine := slices.IndexFunc(all, func(r Review) bool { return r.ExpertID == v.ExpertID })
	var out []Review
	for i, r := range all {
		switch {
		case i == mine:
			out = append(out, r)
		case !r.Submitted:
		case mine < 0 || all[mine].Submitted:
			out = append(out, r)
		}
	}
	return out, nil
}

// Evaluation sums up the reviews of one application for staff.
type Evaluation struct {
	Application Application
	Assigned    int
	Submitted   int
	Missing     int     // places without a submitted review (Call.Evaluators or the assigned, whichever is more)
	Score       float64 // mean weighted score of the submitted reviews, out of 100
	Spread      float64 // highest minus lowest weighted score
	Disagree    bool    // Spread ≥ DisagreementPoints
	// PerCriterion is the mean score of each criterion (by code).
	PerCriterion map[string]float64
}

// Evaluations sums up the reviews of every application of a call in the
// evaluation (submitted, not ineligible), by reference (staff only).
func (s *Service) Evaluations(ctx context.Context, v Viewer, callID int64) ([]Evaluation, error) {
	if !v.Staff() {
		return nil, ErrForbidden
	}
	c, err := getCall(ctx, s.db, callID)
	if err != nil {
		return nil, wrap("evaluations", err)
	}
	apps, err := s.Applications(ctx, v, ApplicationFilter{CallID: callID, Status: StatusSubmitted})
	if err != nil {
		return nil, err
	}
	reviews, err := reviewsOf(ctx, s.db, c, "x.application_id IN (SELECT id FROM applications WHERE call_id = ?)", callID)
	if err != nil {
		return nil, fmt.Errorf("calls: evaluations: %w", err)
	}
	byApp := map[int64][]Review{}
	for _, r := range reviews {
		byApp[r.ApplicationID] = append(byApp[r.ApplicationID], r)
	}
	var out []Evaluation
	for _, a := range apps {
		if a.Eligibility == Ineligible {
			continue
		}
		out = append(out, evaluate(c, a, byApp[a.ID]))
	}
	return out, nil
}

func evaluate(c Call, a Application, rs []Review) Evaluation {
	e := Evaluation{Application: a, Assigned: len(rs), PerCriterion: map[string]float64{}}
	lo, hi := math.Inf(1), math.Inf(-1)
	sums := map[string]float64{}
	var total float64
	for _, r := range rs {
		if !r.Submitted || !r.Complete {
			continue
		}
		e.Submitted++
		total += r.exact
		lo, hi = min(lo, r.exact), max(hi, r.exact)
		for _, s := range r.Scores {
			sums[s.Code] += float64(s.Score)
		}
	}
	e.Missing = max(c.Evaluators, e.Assigned) - e.Submitted
	if e.Submitted > 0 {
		e.Score = math.Round(10*total/float64(e.Submitted)) / 10
		e.Spread = math.Round(10*(hi-lo)) / 10
		e.Disagree = e.Submitted > 1 && e.Spread >= DisagreementPoints
		for code, sum := range sums {
			e.PerCriterion[code] = math.Round(100*sum/float64(e.Submitted)) / 100
		}
	}
	return e
}
