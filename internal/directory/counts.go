package directory

import (
	"context"
	"fmt"
)

// Counts are the directory's key figures for the staff dashboard.
type Counts struct {
	Organisations int            // every organisation in the directory
	Members       int            // organisations whose membership is Member
	People        int            // every person
	ByMembership  map[string]int // organisations per membership status
	ByCollege     map[string]int // members per college ("" for a member without one)
	ByKind        map[string]int // organisations per kind
	BySector      map[string]int // organisations per sector; one may count in several
}

// Counts computes the directory's key figures.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	c := Counts{
		ByMembership: map[string]int{}, ByCollege: map[string]int{},
		ByKind: map[string]int{}, BySector: map[string]int{},
	}
	rows, err := s.db.Query(ctx, `SELECT membership, college, kind, COUNT(*) FROM organisations
		GROUP BY membership, college, kind`)
	if err != nil {
		return Counts{}, fmt.Errorf("directory: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var membership, college, kind string
		var n int
		if err := rows.Scan(&membership, &college, &kind, &n); err != nil {
			return Counts{}, fmt.Errorf("directory: counts: %w", err)
		}
		c.Organisations += n
		c.ByMembership[membership] += n
		c.ByKind[kind] += n
		if membership == Member {
			c.Members += n
			c.ByCollege[college] += n
		}
	}
	if err := rows.Err(); err != nil {
		return Counts{}, fmt.Errorf("directory: counts: %w", err)
	}
	rows.Close()

	rows, err = s.db.Query(ctx, "SELECT sector, COUNT(*) FROM organisation_sectors GROUP BY sector")
	if err != nil {
		return Counts{}, fmt.Errorf("directory: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sector string
		var n int
		if err := rows.Scan(&sector, &n); err != nil {
			return Counts{}, fmt.Errorf("directory: counts: %w", err)
		}
		c.BySector[sector] = n
	}
	if err := rows.Err(); err != nil {
		return Counts{}, fmt.Errorf("directory: counts: %w", err)
	}

	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM people").Scan(&c.People); err != nil {
		return Counts{}, fmt.Errorf("directory: counts: %w", err)
	}
	return c, nil
}
