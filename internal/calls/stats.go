package calls

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

// FundingInput is a labelled project's funding result.
type FundingInput struct {
	Outcome string // one of Fundings
	Amount  string // euros as typed ("250 000"); empty for none
	On      time.Time
	Note    string
}

// RecordFunding records (staff) the funding result of a labelled
// project: funded (with its amount), not funded or still pending.
func (s *Service) RecordFunding(ctx context.Context, v Viewer, appID int64, in FundingInput) (Application, error) {
	if !v.Staff() {
		return Application{}, ErrForbidden
	}
	var errs validate.Errors
	if !slices.Contains(Fundings, in.Outcome) {
		errs.Add("outcome", "validate.choice")
	}
	var cents int64
	if strings.TrimSpace(in.Amount) != "" {
		var ok bool
		if cents, ok = ParseEuros(in.Amount); !ok {
			errs.Add("amount", "calls.money_invalid")
		}
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > maxText {
		errs.Add("note", "validate.too_long", maxText)
	}
	if err := errs.Err(); err != nil {
		return Application{}, err
	}
	var after Application
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getApplication(ctx, tx, appID)
		if err != nil {
			return err
		}
		if before.Decision != DecisionLabelled {
			return ErrState
		}
		after = before
		after.Funding, after.FundingCents, after.FundingOn, after.FundingNote = in.Outcome, cents, in.On.UTC(), in.Note
		if in.On.IsZero() {
			after.FundingOn = time.Time{}
		}
		if _, err := tx.Exec(ctx, `UPDATE applications SET funding = ?, funding_cents = ?, funding_on = ?, funding_note = ?,
			updated_at = ? WHERE id = ?`, after.Funding, cents, nullTime(after.FundingOn), in.Note, s.stamp(), appID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "application", appID, "funding", before, after)
	})
	if err != nil {
		return Application{}, wrap("funding", err)
	}
	return after, nil
}

// Counts are the figures of one line of the statistics.
type Counts struct {
	Received      int     `json:"received"`
	Labelled      int     `json:"labelled"`
	Funded        int     `json:"funded"`
	NotFunded     int     `json:"not_funded"`
	Pending       int     `json:"pending"`
	Individual    int     `json:"individual"`
	Collaborative int     `json:"collaborative"`
	FundedCents   int64   `json:"-"`
	LabellingRate float64 `json:"labelling_rate"` // labelled / received
	FundedRate    float64 `json:"funded_rate"`    // funded / labelled
}

func (c *Counts) add(o Counts) {
	c.Received += o.Received
	c.Labelled += o.Labelled
	c.Funded += o.Funded
	c.NotFunded += o.NotFunded
	c.Pending += o.Pending
	c.Individual += o.Individual
	c.Collaborative += o.Collaborative
	c.FundedCents += o.FundedCents
}

func (c *Counts) rates() {
	c.LabellingRate, c.FundedRate = ratio(c.Labelled, c.Received), ratio(c.Funded, c.Labelled)
}

// ratio is a/b rounded to 3 decimals (0 when b is 0).
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(1000*float64(a)/float64(b)) / 1000
}

// SchemeLine is the statistics of one external scheme.
type SchemeLine struct {
	SchemeGroup string
	Scheme      string
	Counts
}

// GroupLine is the statistics of one scheme group.
type GroupLine struct {
	SchemeGroup string
	Counts
}

// Stats is the table a cluster prints in its annual report: per scheme,
// per scheme group and in total, the applications received (submitted,
// even if withdrawn or found ineligible since), labelled, and among the
// labelled the funded, not funded and pending ones (nothing recorded
// counts as pending), individual against collaborative.
type Stats struct {
	Year    int
	Schemes []SchemeLine // by scheme group, then scheme
	Groups  []GroupLine  // by scheme group
	Total   Counts
}

// Years lists the years that have received applications, latest first.
func (s *Service) Years(ctx context.Context) ([]int, error) {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT c.year FROM calls c JOIN applications a ON a.call_id = c.id
		WHERE a.status <> 'draft' ORDER BY c.year DESC`)
	if err != nil {
		return nil, fmt.Errorf("calls: years: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// Statistics computes the year's statistics (the year of the calls)
// from the applications' records. Staff and funders read them.
func (s *Service) Statistics(ctx context.Context, v Viewer, year int) (Stats, error) {
	if !v.Staff() && v.Role != "funder" {
		return Stats{}, ErrForbidden
	}
	return statistics(ctx, s.db, year)
}

func statistics(ctx context.Context, q db.Querier, year int) (Stats, error) {
	rows, err := q.Query(ctx, `SELECT c.scheme_group, c.scheme, a.decision, a.funding, a.collaborative, a.funding_cents
		FROM applications a JOIN calls c ON c.id = a.call_id WHERE c.year = ? AND a.status <> 'draft'`, year)
	if err != nil {
		return Stats{}, fmt.Errorf("calls: statistics: %w", err)
	}
	defer rows.Close()
	type key struct{ group, scheme string }
	lines := map[key]*Counts{}
	for rows.Next() {
		var k key
		var decision, funding string
		var collab int
		var cents int64
		if err := rows.Scan(&k.group, &k.scheme, &decision, &funding, &collab, &cents); err != nil {
			return Stats{}, fmt.Errorf("calls: statistics: %w", err)
		}
		c := lines[k]
		if c == nil {
			c = &Counts{}
			lines[k] = c
		}
		c.Received++
		if collab != 0 {
			c.Collaborative++
		} else {
			c.Individual++
		}
		if decision != DecisionLabelled {
			continue
		}
		c.Labelled++
		switch funding {
		case FundingFunded:
			c.Funded++
			c.FundedCents += cents
		case FundingNotFunded:
			c.NotFunded++
		default:
			c.Pending++
		}
	}
	if err := rows.Err(); err != nil {
		return Stats{}, fmt.Errorf("calls: statistics: %w", err)
	}
	st := Stats{Year: year}
	keys := make([]key, 0, len(lines))
	for k := range lines {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := compareLabels(a.group, b.group); c != 0 {
			return c
		}
		return compareLabels(a.scheme, b.scheme)
	})
	for _, k := range keys {
		c := *lines[k]
		c.rates()
		st.Schemes = append(st.Schemes, SchemeLine{SchemeGroup: k.group, Scheme: k.scheme, Counts: c})
		if n := len(st.Groups); n == 0 || st.Groups[n-1].SchemeGroup != k.group {
			st.Groups = append(st.Groups, GroupLine{SchemeGroup: k.group})
		}
		st.Groups[len(st.Groups)-1].add(c)
		st.Total.add(c)
	}
	for i := range st.Groups {
		st.Groups[i].rates()
	}
	st.Total.rates()
	return st, nil
}

// compareLabels orders scheme names as people read them: case and
// accents aside, then byte order for a stable result.
func compareLabels(a, b string) int {
	if c := strings.Compare(foldLabel(a), foldLabel(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func foldLabel(s string) string { return textsearch.Fold(s) }
