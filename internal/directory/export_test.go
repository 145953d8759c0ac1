package directory

import (
	"context"

	"filiere/internal/textsearch"
)

// ResetTaxonomy puts the embedded taxonomy back in force, for tests that
// change it.
func ResetTaxonomy() { current.Store(nil) }

// MatchDatabase runs the text match in the database (FTS5 or tsvector),
// for tests that check the in-memory index agrees with it.
func (s *Store) MatchDatabase(ctx context.Context, text string, viewer Visibility) ([]int64, error) {
	q, ok := searchTerms(textsearch.ParseQuery(text))
	if !ok || len(q.Terms) == 0 {
		return nil, nil
	}
	ids, _, err := s.matchText(ctx, q, viewer)
	return ids, err
}
