package directory

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// SameGroup returns the corporate group of each organisation of ids that
// belongs to one; independent and unknown organisations are left out. It
// is what conflict-of-interest checks use: two organisations are of the
// same group when their values are equal. Names that differ only by case,
// accents or punctuation ("Groupe Sanofi", "GROUPE SANOFI") come back
// spelled alike (the first in byte order), since imports and members write
// them by hand, so callers compare with ==.
func (s *Store) SameGroup(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for start := 0; start < len(ids); start += importParams {
		chunk := ids[start:min(start+importParams, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.db.Query(ctx, "SELECT id, group_name FROM organisations WHERE group_name <> '' AND id IN ("+
			placeholders(len(chunk))+")", args...)
		if err != nil {
			return nil, fmt.Errorf("directory: same group: %w", err)
		}
		for rows.Next() {
			var id int64
			var group string
			if err := rows.Scan(&id, &group); err != nil {
				rows.Close()
				return nil, fmt.Errorf("directory: same group: %w", err)
			}
			out[id] = group
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("directory: same group: %w", err)
		}
	}
	spelling := map[string]string{} // folded name → the spelling returned
	for _, g := range out {
		k := groupKey(g)
		if cur, ok := spelling[k]; !ok || g < cur {
			spelling[k] = g
		}
	}
	for id, g := range out {
		out[id] = spelling[groupKey(g)]
	}
	return out, nil
}

// groupKey is what two spellings of one group have in common. A name
// with no letter or digit (say "—") keeps its own spelling rather than
// folding to "" like every other such name.
func groupKey(g string) string {
	if k := Fold(g); k != "" {
		return k
	}
	return g
}

// Groups lists the corporate groups organisations belong to, by folded
// name, one spelling each: the edit form offers them so that a group is
// written the same way everywhere.
func (s *Store) Groups(ctx context.Context) ([]string, error) {
	rows, err := s.db.Query(ctx, "SELECT DISTINCT group_name FROM organisations WHERE group_name <> ''")
	if err != nil {
		return nil, fmt.Errorf("directory: groups: %w", err)
	}
	defer rows.Close()
	spelling := map[string]string{}
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, fmt.Errorf("directory: groups: %w", err)
		}
		if k := groupKey(g); spelling[k] == "" || g < spelling[k] {
			spelling[k] = g
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directory: groups: %w", err)
	}
	keys := slices.Sorted(maps.Keys(spelling))
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = spelling[k]
	}
	return out, nil
}
