package calls

import (
	"context"
	"slices"
	"strings"

	"filiere/internal/db"
)

// TieRule says how equal scores are ordered in a voucher ranking: the
// application submitted first goes first, then by reference.
const TieRule = "earlier_submission"

// RankRow is one application in a voucher ranking.
type RankRow struct {
	Rank       int
	Evaluation Evaluation
	Selected   bool // within the number of vouchers available
}

// Ranking is the ranking of a voucher call's applications on a
// session's agenda.
type Ranking struct {
	Call      Call
	Available int // vouchers left: Call.Vouchers minus those awarded before
	TieRule   string
	Rows      []RankRow
}

// Rankings ranks, for each voucher call with applications on the
// session's agenda, those applications by weighted score (ties: earlier
// submission first), the cut-off at the vouchers still available.
func (s *Service) Rankings(ctx context.Context, v Viewer, id int64) ([]Ranking, error) {
	if !v.Staff() {
		return nil, ErrForbidden
	}
	ss, err := getSession(ctx, s.db, id)
	if err != nil {
		return nil, wrap("rankings", err)
	}
	return s.rankings(ctx, s.db, ss)
}

func (s *Service) rankings(ctx context.Context, q db.Querier, ss Session) ([]Ranking, error) {
	byCall := map[int64][]Application{}
	var order []int64
	for _, it := range ss.Items {
		a := it.Application
		if _, ok := byCall[a.CallID]; !ok {
			order = append(order, a.CallID)
		}
		byCall[a.CallID] = append(byCall[a.CallID], a)
	}
	var out []Ranking
	for _, callID := range order {
		c, err := getCall(ctx, q, callID)
		if err != nil {
			return nil, err
		}
		if c.Type != TypeVoucher {
			continue
		}
		var awarded int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM applications WHERE call_id = ? AND decision = 'labelled'
			AND (decision_session_id IS NULL OR decision_session_id <> ?)`, callID, ss.ID).Scan(&awarded); err != nil {
			return nil, err
		}
		reviews, err := reviewsOf(ctx, q, c, "x.application_id IN (SELECT application_id FROM session_items WHERE session_id = ?)", ss.ID)
		if err != nil {
			return nil, err
		}
		byApp := map[int64][]Review{}
		for _, r := range reviews {
			byApp[r.ApplicationID] = append(byApp[r.ApplicationID], r)
		}
		r := Ranking{Call: c, Available: max(0, c.Vouchers-awarded), TieRule: TieRule}
		for _, a := range byCall[callID] {
			r.Rows = append(r.Rows, RankRow{Evaluation: evaluate(c, a, byApp[a.ID])})
		}
		slices.SortStableFunc(r.Rows, func(x, y RankRow) int {
			xe, ye := x.Evaluation, y.Evaluation
			switch {
			case xe.Score != ye.Score:
				if xe.Score > ye.Score {
					return -1
				}
				return 1
			case !xe.Application.SubmittedAt.Equal(ye.Application.SubmittedAt):
				return xe.Application.SubmittedAt.Compare(ye.Application.SubmittedAt)
			}
			return strings.Compare(xe.Application.Reference, ye.Application.Reference)
		})
		for i := range r.Rows {
			r.Rows[i].Rank = i + 1
			r.Rows[i].Selected = i < r.Available
		}
		out = append(out, r)
	}
	return out, nil
}

// ApplyRanking decides every undecided item of a voucher call on the
// session's agenda from its ranking: a voucher (labelled) above the
// cut-off, not labelled below.
func (s *Service) ApplyRanking(ctx context.Context, v Viewer, id, callID int64) error {
	if !v.Staff() {
		return ErrForbidden
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		ss, err := getSession(ctx, tx, id)
		if err != nil {
			return err
		}
		rs, err := s.rankings(ctx, tx, ss)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rs, func(r Ranking) bool { return r.Call.ID == callID })
		if i < 0 {
			return ErrNotFound
		}
		for _, row := range rs[i].Rows {
			a := row.Evaluation.Application
			if a.Decision != "" && a.Decision != DecisionDeferred {
				continue
			}
			decision := DecisionNotLabelled
			if row.Selected {
				decision = DecisionLabelled
			}
			if err := s.decide(ctx, tx, id, a.ID, decision, ""); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("apply ranking", err)
}
