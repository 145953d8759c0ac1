package directory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// OrgFilter selects organisations; zero fields match everything.
type OrgFilter struct {
	Query      string // substring of the name or short name, ignoring case and accents
	Kind       string // taxonomy kind code
	Sector     string // taxonomy sector code
	College    string // taxonomy college code
	Membership string // Member, Prospect, Former or NonMember
	Region     string
	Limit      int // default 50, at most 1000
	Offset     int
}

// Page sizes of ListOrganisations.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// ListOrganisations returns one page of the organisations matching f, sorted
// by name (ignoring case and accents), with their sectors, and the number of
// organisations matching f.
//
// The exact filters run in SQL; the name search and the sort run in Go on
// the matching names, so that both engines fold accents and order names
// alike without a stored search column. That reads one short row per
// matching organisation, which a regional cluster (a few thousand) affords.
func (s *Store) ListOrganisations(ctx context.Context, f OrgFilter) ([]Organisation, int, error) {
	var where []string
	var args []any
	for _, c := range []struct{ column, value string }{
		{"kind", f.Kind}, {"college", f.College}, {"membership", f.Membership}, {"region", f.Region},
	} {
		if c.value != "" {
			where, args = append(where, c.column+" = ?"), append(args, c.value)
		}
	}
	if f.Sector != "" {
		where = append(where, "id IN (SELECT organisation_id FROM organisation_sectors WHERE sector = ?)")
		args = append(args, f.Sector)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.db.Query(ctx, "SELECT id, name, short_name FROM organisations"+cond, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("directory: list organisations: %w", err)
	}
	type candidate struct {
		id   int64
		key  string // folded name, the sort key
		name string
	}
	var matches []candidate
	query := Fold(f.Query)
	for rows.Next() {
		var c candidate
		var short string
		if err := rows.Scan(&c.id, &c.name, &short); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("directory: list organisations: %w", err)
		}
		c.key = Fold(c.name)
		if query != "" && !strings.Contains(c.key, query) && !strings.Contains(Fold(short), query) {
			continue
		}
		matches = append(matches, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("directory: list organisations: %w", err)
	}
	slices.SortFunc(matches, func(a, b candidate) int {
		return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.name, b.name), cmp.Compare(a.id, b.id))
	})

	total := len(matches)
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	start := min(max(f.Offset, 0), total)
	end := min(start+limit, total)
	if start == end {
		return []Organisation{}, total, nil
	}
	ids := make([]any, 0, end-start)
	position := make(map[int64]int, end-start)
	for i, c := range matches[start:end] {
		ids = append(ids, c.id)
		position[c.id] = i
	}
	page := make([]Organisation, end-start)
	rows, err = s.db.Query(ctx, "SELECT "+orgColumns+" FROM organisations WHERE id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return nil, 0, fmt.Errorf("directory: list organisations: %w", err)
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		o, err := scanOrganisation(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("directory: list organisations: %w", err)
		}
		page[position[o.ID]] = o
		found++
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("directory: list organisations: %w", err)
	}
	if found != len(page) { // rows deleted between the two reads
		page = slices.DeleteFunc(page, func(o Organisation) bool { return o.ID == 0 })
	}
	if err := loadSectors(ctx, s.db, page); err != nil {
		return nil, 0, fmt.Errorf("directory: list organisations: %w", err)
	}
	return page, total, nil
}
