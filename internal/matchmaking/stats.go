package matchmaking

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// StatsRow is the desk's activity for the needs received in a month and a
// sector (either left empty for the totals over it).
type StatsRow struct {
	Month  string // 2026-03, in Paris time; "" for every month
	Sector string // "" for every sector (and for needs without one in the per-month rows)

	Needs       int // needs received (confirmed ones)
	Shortlisted int // of which a shortlist was sent
	// MedianHoursToShortlist is the median time from reception to the
	// shortlist, in hours (0 without shortlists).
	MedianHoursToShortlist float64
	Notified               int // providers asked
	Accepted               int
	Declined               int
	Expired                int
	Introductions          int
	OrdersWon              int   // introductions either side reported as an order won
	OrderValue             int64 // cents: the buyer's amount, else the provider's
	hours                  []float64
}

// AcceptanceRate is the share of answers (and silences) that were an
// acceptance, between 0 and 1.
func (r StatsRow) AcceptanceRate() float64 {
	if d := r.Accepted + r.Declined + r.Expired; d > 0 {
		return float64(r.Accepted) / float64(d)
	}
	return 0
}

// Stats is the desk's activity over a period.
type Stats struct {
	From, To time.Time
	Rows     []StatsRow // month × sector, by month then sector
	ByMonth  []StatsRow // Sector ""
	BySector []StatsRow // Month ""
	Total    StatsRow
}

// Stats computes the desk's statistics for the needs received in [from,
// to): counted from the records, so any past period can be asked again.
func (s *Service) Stats(ctx context.Context, from, to time.Time) (Stats, error) {
	needs, _, err := s.needs(ctx, "n.status <> 'unverified' AND n.created_at >= ? AND n.created_at < ?", []any{from.UTC(), to.UTC()}, true, 500000, 0)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{From: from, To: to}
	if len(needs) == 0 {
		return st, nil
	}
	cands, err := listCandidates(ctx, s.db, "c.need_id IN (SELECT id FROM needs WHERE status <> 'unverified' AND created_at >= ? AND created_at < ?)"+
		" AND c.state NOT IN ('proposed', 'removed')", from.UTC(), to.UTC())
	if err != nil {
		return Stats{}, err
	}
	type won struct {
		buyer, provider int64
		any             bool
	}
	wins := map[int64]*won{}
	rows, err := s.db.Query(ctx, `SELECT x.candidate_id, x.side, x.amount FROM need_outcomes x JOIN need_candidates c ON c.id = x.candidate_id
		JOIN needs n ON n.id = c.need_id WHERE x.outcome = 'order_won' AND n.created_at >= ? AND n.created_at < ?`, from.UTC(), to.UTC())
	if err != nil {
		return Stats{}, fmt.Errorf("matchmaking: stats: %w", err)
	}
	for rows.Next() {
		var id int64
		var side string
		var amount *int64
		if err := rows.Scan(&id, &side, &amount); err != nil {
			rows.Close()
			return Stats{}, err
		}
		w := wins[id]
		if w == nil {
			w = &won{}
			wins[id] = w
		}
		w.any = true
		if amount != nil && side == SideBuyer {
			w.buyer = *amount
		} else if amount != nil {
			w.provider = *amount
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Stats{}, err
	}

	cells := map[[2]string]*StatsRow{}
	add := func(month, sector string, f func(r *StatsRow)) {
		for _, k := range [][2]string{{month, sector}, {month, "*"}, {"*", sector}, {"*", "*"}} {
			r := cells[k]
			if r == nil {
				r = &StatsRow{Month: k[0], Sector: k[1]}
				cells[k] = r
			}
			f(r)
		}
	}
	byID := map[int64]Need{}
	for _, n := range needs {
		byID[n.ID] = n
		month := n.CreatedAt.In(paris).Format("2006-01")
		add(month, n.Sector, func(r *StatsRow) {
			r.Needs++
			if !n.ShortlistedAt.IsZero() {
				r.Shortlisted++
				start := n.VerifiedAt
				if start.IsZero() {
					start = n.CreatedAt
				}
				r.hours = append(r.hours, n.ShortlistedAt.Sub(start).Hours())
			}
		})
	}
	for _, c := range cands {
		n := byID[c.NeedID]
		month := n.CreatedAt.In(paris).Format("2006-01")
		add(month, n.Sector, func(r *StatsRow) {
			r.Notified++
			switch c.State {
			case StateAccepted:
				r.Accepted++
			case StateDeclined:
				r.Declined++
			case StateExpired:
				r.Expired++
			}
			if c.Introduced() {
				r.Introductions++
			}
			if w := wins[c.ID]; w != nil && w.any {
				r.OrdersWon++
				r.OrderValue += cmp.Or(w.buyer, w.provider)
			}
		})
	}
	for k, r := range cells {
		r.MedianHoursToShortlist = median(r.hours)
		r.hours = nil
		if k[0] == "*" {
			r.Month = ""
		}
		if k[1] == "*" {
			r.Sector = ""
		}
		switch {
		case k[0] == "*" && k[1] == "*":
			st.Total = *r
		case k[0] == "*":
			st.BySector = append(st.BySector, *r)
		case k[1] == "*":
			st.ByMonth = append(st.ByMonth, *r)
		default:
			st.Rows = append(st.Rows, *r)
		}
	}
	order := func(a, b StatsRow) int { return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Sector, b.Sector)) }
	slices.SortFunc(st.Rows, order)
	slices.SortFunc(st.ByMonth, order)
	slices.SortFunc(st.BySector, func(a, b StatsRow) int { return cmp.Or(cmp.Compare(b.Needs, a.Needs), cmp.Compare(a.Sector, b.Sector)) })
	return st, nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
