package directory

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"filiere/internal/facets"
)

// Coverage is the competency map of the directory as a viewer may see it:
// how many organisations (and services) serve each value-chain step in
// each sector, where they are, and who masters each technology brick.
type Coverage struct {
	Steps   []Term // rows, in taxonomy order
	Sectors []Term // columns, in taxonomy order
	// Orgs[i][j] counts the organisations serving step i in sector j;
	// Services[i][j] the services placed on step i and sector j.
	Orgs     [][]int
	Services [][]int
	// Thin is the count at or below which a cell is a gap.
	Thin          int
	Total         int // organisations in the directory
	ByRegion      []FacetCount
	ByDepartement []FacetCount
	Bricks        []BrickCoverage // in taxonomy order, families included
}

// BrickCoverage is a technology brick and who masters it.
type BrickCoverage struct {
	Term
	Family bool
	Count  int
	Names  []OrgName // the first few, by name
}

// OrgName is an organisation's id and name, for links.
type OrgName struct {
	ID   int64
	Name string
}

// coverageNames is how many organisations a brick lists by name.
const coverageNames = 5

// thinCell is the gap threshold: a cell with at most this many
// organisations is highlighted.
const thinCell = 2

// Coverage computes the competency map for viewer from the facet index
// (organisations) and the services table.
func (s *Store) Coverage(ctx context.Context, viewer Visibility) (Coverage, error) {
	idx, err := s.facetIndex(ctx)
	if err != nil {
		return Coverage{}, fmt.Errorf("directory: coverage: %w", err)
	}
	lvl := facets.Level(viewer.Rank())
	now := s.now()
	c := Coverage{Steps: s.tax().Steps, Sectors: s.tax().Sectors, Thin: thinCell}
	c.Orgs = make([][]int, len(c.Steps))
	c.Services = make([][]int, len(c.Steps))
	for i, step := range c.Steps {
		c.Orgs[i] = make([]int, len(c.Sectors))
		c.Services[i] = make([]int, len(c.Sectors))
		res := idx.Search(facets.Query{Level: lvl, All: true, Now: now, Limit: 1,
			Filters: []facets.Filter{{Facet: FacetStep, Values: []string{step.Code}}}, Facets: []string{FacetSector}})
		for _, fc := range res.Facets[FacetSector] {
			if j := slices.IndexFunc(c.Sectors, func(t Term) bool { return t.Code == fc.Value }); j >= 0 {
				c.Orgs[i][j] = fc.Count
			}
		}
	}
	all := idx.Search(facets.Query{Level: lvl, All: true, Now: now, Limit: 1,
		Facets: []string{FacetRegion, FacetDepartement, FacetBrick}})
	c.Total = all.Total
	conv := func(in []facets.Count) []FacetCount {
		out := make([]FacetCount, len(in))
		for i, x := range in {
			out[i] = FacetCount{Value: x.Value, Count: x.Count}
		}
		return out
	}
	c.ByRegion = conv(all.Facets[FacetRegion])
	c.ByDepartement = conv(all.Facets[FacetDepartement])
	slices.SortFunc(c.ByDepartement, func(a, b FacetCount) int { return cmp.Compare(a.Value, b.Value) })
	brickCount := map[string]int{}
	for _, x := range all.Facets[FacetBrick] {
		brickCount[x.Value] = x.Count
	}
	pages := map[int][]int64{} // brick index in c.Bricks → its first organisations
	var ids []int64
	for _, fam := range s.tax().Bricks {
		terms := append([]Term{fam.Term}, fam.Bricks...)
		for k, t := range terms {
			b := BrickCoverage{Term: t, Family: k == 0, Count: brickCount[t.Code]}
			if !b.Family && b.Count > 0 {
				res := idx.Search(facets.Query{Level: lvl, All: true, Now: now, Limit: coverageNames,
					Filters: []facets.Filter{{Facet: FacetBrick, Values: []string{t.Code}}}})
				pages[len(c.Bricks)] = res.IDs
				ids = append(ids, res.IDs...)
			}
			c.Bricks = append(c.Bricks, b)
		}
	}
	names, err := s.names(ctx, ids) // one query for every brick's names
	if err != nil {
		return Coverage{}, fmt.Errorf("directory: coverage: %w", err)
	}
	for i, page := range pages {
		for _, id := range page {
			if name, ok := names[id]; ok { // not deleted meanwhile
				c.Bricks[i].Names = append(c.Bricks[i].Names, OrgName{ID: id, Name: name})
			}
		}
	}
	if err := s.serviceCells(ctx, viewer, &c); err != nil {
		return Coverage{}, fmt.Errorf("directory: coverage: %w", err)
	}
	return c, nil
}

// serviceCells counts the services per step and sector that viewer may see.
// Rows are grouped by the owners' stored visibility choices, which are few.
func (s *Store) serviceCells(ctx context.Context, viewer Visibility, c *Coverage) error {
	rows, err := s.db.Query(ctx, `SELECT sv.step, sv.sector, o.visibility, COUNT(*) FROM organisation_services sv
		JOIN organisations o ON o.id = sv.organisation_id WHERE sv.step <> '' AND sv.sector <> ''
		GROUP BY sv.step, sv.sector, o.visibility`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var step, sector, vis string
		var n int
		if err := rows.Scan(&step, &sector, &vis, &n); err != nil {
			return err
		}
		if !(Organisation{Visibility: decodeVisibility(vis)}).Shows(viewer, FieldServices) {
			continue
		}
		i := slices.IndexFunc(c.Steps, func(t Term) bool { return t.Code == step })
		j := slices.IndexFunc(c.Sectors, func(t Term) bool { return t.Code == sector })
		if i >= 0 && j >= 0 {
			c.Services[i][j] += n
		}
	}
	return rows.Err()
}

// names returns the names of organisations ids, by id.
func (s *Store) names(ctx context.Context, ids []int64) (map[int64]string, error) {
	byID := map[int64]string{}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for start := 0; start < len(ids); start += eachBatch {
		chunk := ids[start:min(start+eachBatch, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.db.Query(ctx, "SELECT id, name FROM organisations WHERE id IN ("+placeholders(len(chunk))+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			byID[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return byID, nil
}
