package directory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"filiere/internal/db"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

// SearchQuery is a directory search: the search box and the filters. Zero
// fields match everything.
type SearchQuery struct {
	Text       string // the search box, parsed by textsearch.ParseQuery
	Sector     string // taxonomy sector code
	Kind       string // taxonomy kind code
	College    string // taxonomy college code
	Membership string // Member, Prospect, Former or NonMember
	Region     string
	Sort       string // SortRelevance (the default when Text has words) or SortName
	Limit      int    // default SearchPageSize, at most MaxPageSize
	Offset     int
}

// The sort orders of a search.
const (
	SortRelevance = "relevance" // best match first, then by name
	SortName      = "name"      // by name, ignoring case and accents
)

// SearchPageSize is the default number of hits per page.
const SearchPageSize = 20

// The facets of a search result, the keys of SearchResult.Facets.
const (
	FacetSector  = "sector"
	FacetKind    = "kind"
	FacetCollege = "college"
	FacetRegion  = "region"
)

// SearchResult is one page of a search.
type SearchResult struct {
	Total int   // organisations matching the text and every filter
	Hits  []Hit // the page asked for
	// Facets counts, per facet, the organisations matching the text and
	// every filter but the facet's own, so that each count tells how many
	// results choosing that value would give. Every facet is present;
	// values with no organisation are left out.
	Facets map[string][]FacetCount
}

// Hit is an organisation found by a search, with its sectors.
type Hit struct {
	Organisation
	Rank float64 // relevance, higher is better; 0 without search text
}

// FacetCount is the number of organisations having a facet's value. Facet
// counts are sorted by count, highest first, then by value.
type FacetCount struct {
	Value string
	Count int
}

// Search finds the organisations whose search document matches q.Text (all
// its words, accents, case and plurals ignored, the last word as a prefix)
// and every filter of q. Without text it returns every organisation
// matching the filters, sorted by name.
//
// The text match runs in the database (FTS5 on SQLite, a tsvector GIN index
// on PostgreSQL) and returns the matching organisations' facet fields and
// relevance; filters, facet counts and ordering run in Go on that set, so
// both engines give the same results in the same order (relevance ties are
// broken by folded name, name, then id). The page's full rows and sectors
// are then read with one query each.
func (s *Store) Search(ctx context.Context, q SearchQuery) (SearchResult, error) {
	q.Sort = strings.TrimSpace(q.Sort)
	if q.Sort != "" && q.Sort != SortRelevance && q.Sort != SortName {
		var errs validate.Errors
		errs.Add("sort", "validate.choice")
		return SearchResult{}, errs.Err()
	}
	text, ok := searchTerms(textsearch.ParseQuery(q.Text))
	var cands []*candidate
	if ok {
		var err error
		if cands, err = s.searchCandidates(ctx, text); err != nil {
			return SearchResult{}, fmt.Errorf("directory: search: %w", err)
		}
	}

	res := SearchResult{Facets: map[string][]FacetCount{}}
	counts := map[string]map[string]int{
		FacetSector: {}, FacetKind: {}, FacetCollege: {}, FacetRegion: {},
	}
	var hits []*candidate
	for _, c := range cands {
		if q.Membership != "" && c.membership != q.Membership {
			continue
		}
		sector := q.Sector == "" || slices.Contains(c.sectors, q.Sector)
		kind := q.Kind == "" || c.kind == q.Kind
		college := q.College == "" || c.college == q.College
		region := q.Region == "" || c.region == q.Region
		if kind && college && region {
			for _, v := range c.sectors {
				counts[FacetSector][v]++
			}
		}
		if sector && college && region {
			counts[FacetKind][c.kind]++
		}
		if sector && kind && region {
			counts[FacetCollege][c.college]++
		}
		if sector && kind && college {
			counts[FacetRegion][c.region]++
		}
		if sector && kind && college && region {
			hits = append(hits, c)
		}
	}
	for facet, byValue := range counts {
		res.Facets[facet] = facetCounts(byValue)
	}

	byRelevance := len(text.Terms) > 0 && q.Sort != SortName
	for _, c := range hits {
		c.key = Fold(c.name)
	}
	slices.SortFunc(hits, func(a, b *candidate) int {
		if byRelevance {
			if d := cmp.Compare(b.rank, a.rank); d != 0 {
				return d
			}
		}
		return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.name, b.name), cmp.Compare(a.id, b.id))
	})

	res.Total = len(hits)
	limit := q.Limit
	if limit <= 0 {
		limit = SearchPageSize
	}
	limit = min(limit, MaxPageSize)
	start := min(max(q.Offset, 0), len(hits))
	end := min(start+limit, len(hits))
	page, err := s.searchPage(ctx, hits[start:end])
	if err != nil {
		return SearchResult{}, fmt.Errorf("directory: search: %w", err)
	}
	res.Hits = page
	return res, nil
}

// candidate is an organisation matching the search text, with what the
// filters, facets and sort need.
type candidate struct {
	id                                int64
	name, key                         string
	kind, college, membership, region string
	sectors                           []string
	rank                              float64
}

// searchTerms keeps the query terms both engines match identically:
// PostgreSQL's TSQuery keeps a-z and 0-9 only, so the FTS5 side must not
// see more. It reports false when a term has nothing left (a word in
// another script only): such a query matches nothing on either engine.
func searchTerms(q textsearch.Query) (textsearch.Query, bool) {
	var out textsearch.Query
	for _, t := range q.Terms {
		t.Stem = strings.Map(func(r rune) rune {
			if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
				return r
			}
			return -1
		}, t.Stem)
		if t.Stem == "" {
			return textsearch.Query{}, false
		}
		out.Terms = append(out.Terms, t)
	}
	return out, true
}

// searchCandidates returns the organisations matching the text (all of them
// without text), reading one row per organisation and sector.
func (s *Store) searchCandidates(ctx context.Context, text textsearch.Query) ([]*candidate, error) {
	const cols = "o.id, o.name, o.kind, o.college, o.membership, o.region, COALESCE(os.sector, '')"
	var query string
	var args []any
	switch {
	case len(text.Terms) == 0: // no text, or stop words and punctuation only
		query = "SELECT " + cols + ", 0.0 FROM organisations o" +
			" LEFT JOIN organisation_sectors os ON os.organisation_id = o.id"
	case s.db.Dialect() == db.Postgres:
		query = "SELECT " + cols + ", ts_rank_cd(x.tsv, m.q, 1)::float8" +
			" FROM organisation_search x CROSS JOIN to_tsquery('simple', ?) AS m (q)" +
			" JOIN organisations o ON o.id = x.organisation_id" +
			" LEFT JOIN organisation_sectors os ON os.organisation_id = o.id" +
			" WHERE x.tsv @@ m.q"
		args = append(args, text.TSQuery())
	default:
		query = "SELECT " + cols + ", m.rank" +
			" FROM (SELECT rowid AS id, -bm25(organisation_fts) AS rank FROM organisation_fts" +
			" WHERE organisation_fts MATCH ?) m" +
			" JOIN organisations o ON o.id = m.id" +
			" LEFT JOIN organisation_sectors os ON os.organisation_id = o.id"
		args = append(args, text.FTS5())
	}
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	defer rows.Close()
	var out []*candidate
	byID := make(map[int64]*candidate)
	for rows.Next() {
		var c candidate
		var sector string
		if err := rows.Scan(&c.id, &c.name, &c.kind, &c.college, &c.membership, &c.region, &sector, &c.rank); err != nil {
			return nil, fmt.Errorf("match: %w", err)
		}
		prev := byID[c.id]
		if prev == nil {
			prev = &c
			byID[c.id] = prev
			out = append(out, prev)
		}
		if sector != "" && !slices.Contains(prev.sectors, sector) {
			prev.sectors = append(prev.sectors, sector)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	return out, nil
}

// searchPage reads the full rows and sectors of the page's hits, in order.
func (s *Store) searchPage(ctx context.Context, page []*candidate) ([]Hit, error) {
	if len(page) == 0 {
		return []Hit{}, nil
	}
	ids := make([]any, len(page))
	position := make(map[int64]int, len(page))
	for i, c := range page {
		ids[i] = c.id
		position[c.id] = i
	}
	rows, err := s.db.Query(ctx, "SELECT "+orgColumns+" FROM organisations WHERE id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	defer rows.Close()
	orgs := make([]Organisation, len(page))
	for rows.Next() {
		o, err := scanOrganisation(rows)
		if err != nil {
			return nil, fmt.Errorf("page: %w", err)
		}
		orgs[position[o.ID]] = o
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	rows.Close()
	// Rows deleted between the two reads are left out.
	orgs = slices.DeleteFunc(orgs, func(o Organisation) bool { return o.ID == 0 })
	if err := loadSectors(ctx, s.db, orgs); err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	hits := make([]Hit, len(orgs))
	for i, o := range orgs {
		hits[i] = Hit{Organisation: o, Rank: page[position[o.ID]].rank}
	}
	return hits, nil
}

// facetCounts sorts a facet's counts, highest first then by value, leaving
// out the empty value (an organisation without college or region).
func facetCounts(byValue map[string]int) []FacetCount {
	out := make([]FacetCount, 0, len(byValue))
	for v, n := range byValue {
		if v != "" {
			out = append(out, FacetCount{Value: v, Count: n})
		}
	}
	slices.SortFunc(out, func(a, b FacetCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
	})
	return out
}

// SearchDocument is the text indexed for o: the stems of its names,
// descriptions, city, and the French and English labels of its sectors and
// kind (textsearch.Document).
func SearchDocument(o Organisation) string {
	tax := LoadTaxonomy()
	fields := []string{o.Name, o.ShortName, o.DescriptionFR, o.DescriptionEN, o.City}
	for _, c := range o.Sectors {
		if t, ok := tax.Sector(c); ok {
			fields = append(fields, t.FR, t.EN)
		}
	}
	if t, ok := tax.Kind(o.Kind); ok {
		fields = append(fields, t.FR, t.EN)
	}
	return textsearch.Document(fields...)
}

// Rows per statement of IndexOrganisations: 2 parameters each.
const indexPerInsert = 500

// IndexOrganisations writes the search documents of orgs (stored, with
// their IDs and sectors) through q, replacing any previous ones. Callers
// writing organisations in bulk call it in the same transaction, so the
// search never sees an organisation without its document.
func IndexOrganisations(ctx context.Context, q db.Querier, orgs []Organisation) error {
	for start := 0; start < len(orgs); start += indexPerInsert {
		batch := orgs[start:min(start+indexPerInsert, len(orgs))]
		args := make([]any, 0, 2*len(batch))
		for _, o := range batch {
			args = append(args, o.ID, SearchDocument(o))
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(batch)), ", ")
		_, err := q.Exec(ctx, "INSERT INTO organisation_search (organisation_id, document) VALUES "+values+
			" ON CONFLICT (organisation_id) DO UPDATE SET document = excluded.document", args...)
		if err != nil {
			return fmt.Errorf("index organisations: %w", err)
		}
	}
	return nil
}

// Reindex rebuilds the search document of every organisation, in one
// transaction, and returns how many were indexed. Run it after the
// migration that creates the index, or after the document's make-up (or the
// taxonomy's labels) change.
func (s *Store) Reindex(ctx context.Context) (int, error) {
	n := 0
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, "SELECT id, name, short_name, kind, city, description_fr, description_en FROM organisations")
		if err != nil {
			return err
		}
		var orgs []Organisation
		byID := map[int64]int{}
		for rows.Next() {
			var o Organisation
			if err := rows.Scan(&o.ID, &o.Name, &o.ShortName, &o.Kind, &o.City, &o.DescriptionFR, &o.DescriptionEN); err != nil {
				rows.Close()
				return err
			}
			byID[o.ID] = len(orgs)
			orgs = append(orgs, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, "SELECT organisation_id, sector FROM organisation_sectors")
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var sector string
			if err := rows.Scan(&id, &sector); err != nil {
				rows.Close()
				return err
			}
			if i, ok := byID[id]; ok {
				orgs[i].Sectors = append(orgs[i].Sectors, sector)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM organisation_search"); err != nil {
			return err
		}
		tax := LoadTaxonomy()
		for i := range orgs {
			slices.SortFunc(orgs[i].Sectors, func(a, b string) int {
				return cmp.Or(tax.sectorRank(a)-tax.sectorRank(b), strings.Compare(a, b))
			})
		}
		n = len(orgs)
		return IndexOrganisations(ctx, tx, orgs)
	})
	if err != nil {
		return 0, fmt.Errorf("directory: reindex: %w", err)
	}
	return n, nil
}
