package directory

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"filiere/internal/db"
	"filiere/internal/facets"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

// SearchQuery is a directory search: the search box and the filters. Zero
// fields match everything.
type SearchQuery struct {
	Text          string // the search box, parsed by textsearch.ParseQuery
	Sector        string // taxonomy sector code
	Kind          string // taxonomy kind code
	College       string // taxonomy college code
	Membership    string // Member, Prospect, Former or NonMember
	Region        string
	Departement   string // département number, e.g. "69"
	Step          string // value-chain step code
	Brick         string // technology brick code, or a brick family's (matching its bricks)
	Certification string // certification code: only valid certifications match
	// Capacities keeps organisations declaring each attribute within its
	// range.
	Capacities []CapacityRange
	// Near and Km keep the organisations within Km kilometres of a place: a
	// city name or a postcode (Store.Locate). An unknown place is a
	// validation error on "near".
	Near string
	Km   float64
	// Viewer is the visibility level of the person searching: only the
	// fields they may see are searched, filtered and counted. The zero
	// value is Public.
	Viewer Visibility
	Sort   string // SortRelevance (the default when Text has words) or SortName
	Limit  int    // default SearchPageSize, at most MaxPageSize
	Offset int
}

// CapacityRange is a filter on a capacity attribute: Min and Max are
// inclusive; a zero Max means no upper bound.
type CapacityRange struct {
	Attribute string
	Min, Max  float64
}

// The sort orders of a search.
const (
	SortRelevance = "relevance" // best match first, then by name
	SortName      = "name"      // by name, ignoring case and accents
)

// SearchPageSize is the default number of hits per page.
const SearchPageSize = 20

// DefaultKm is the radius of a distance filter given without one.
const DefaultKm = 50

// The facets of a search result, the keys of SearchResult.Facets.
const (
	FacetSector        = "sector"
	FacetKind          = "kind"
	FacetCollege       = "college"
	FacetMembership    = "membership"
	FacetRegion        = "region"
	FacetDepartement   = "departement"
	FacetStep          = "step"
	FacetBrick         = "brick"
	FacetCertification = "certification"
	FacetCapacity      = "capacity" // organisations declaring each capacity attribute
)

// Facets lists every facet a search counts.
var Facets = []string{FacetSector, FacetKind, FacetCollege, FacetMembership, FacetRegion, FacetDepartement,
	FacetStep, FacetBrick, FacetCertification, FacetCapacity}

// SearchResult is one page of a search.
type SearchResult struct {
	Total int   // organisations matching the text and every filter
	Hits  []Hit // the page asked for, as the viewer may see it
	// Facets counts, per facet, the organisations matching the text and
	// every filter but the facet's own, so that each count tells how many
	// results choosing that value would give. Every facet is present;
	// values with no organisation are left out.
	Facets map[string][]FacetCount
	// Near is the place a distance filter was resolved to.
	Near Place
}

// Hit is an organisation found by a search, with its sectors and profile,
// as the viewer may see it.
type Hit struct {
	Organisation
	Rank     float64 // relevance, higher is better; 0 without search text
	Distance float64 // km from the Near place; 0 without one
}

// FacetCount is the number of organisations having a facet's value. Facet
// counts are sorted by count, highest first, then by value.
type FacetCount struct {
	Value string
	Count int
}

// Search finds the organisations whose search text matches q.Text (all
// its words, accents, case and plurals ignored, the last word as a prefix)
// and every filter of q, looking only at what q.Viewer may see. Without
// text it returns every organisation matching the filters, sorted by name.
//
// The text match, relevance (a name match weighs four times a match
// elsewhere), filters, facet counts, ordering and paging all run on the
// store's in-memory index (package facets), kept in step with every write
// and built from the same stems as the database's full-text index (FTS5 on
// SQLite, tsvector on PostgreSQL), which stays the durable index: the tests
// check both match the same organisations. Both engines therefore give the
// same results in the same order (ties broken by folded name, then id).
// The page's full rows are then read from the database.
func (s *Store) Search(ctx context.Context, q SearchQuery) (SearchResult, error) {
	var errs validate.Errors
	q.Sort = strings.TrimSpace(q.Sort)
	if q.Sort != "" && q.Sort != SortRelevance && q.Sort != SortName {
		errs.Add("sort", "validate.choice")
	}
	if !slices.Contains(Visibilities, q.Viewer) {
		q.Viewer = Public
	}
	res := SearchResult{Facets: map[string][]FacetCount{}}
	fq := facets.Query{
		Level: facets.Level(q.Viewer.Rank()), All: true, Facets: Facets,
		Offset: max(q.Offset, 0), Limit: min(cmp.Or(max(q.Limit, 0), SearchPageSize), MaxPageSize),
		Now: s.now(),
	}
	for _, f := range []struct{ facet, value string }{
		{FacetSector, q.Sector}, {FacetKind, q.Kind}, {FacetCollege, q.College}, {FacetMembership, q.Membership},
		{FacetRegion, q.Region}, {FacetDepartement, q.Departement}, {FacetStep, q.Step}, {FacetBrick, q.Brick},
		{FacetCertification, q.Certification},
	} {
		if v := strings.TrimSpace(f.value); v != "" {
			fq.Filters = append(fq.Filters, facets.Filter{Facet: f.facet, Values: []string{v}})
		}
	}
	for _, r := range q.Capacities {
		if r.Attribute == "" {
			continue
		}
		if r.Min < 0 || (r.Max != 0 && r.Max < r.Min) {
			errs.Add("capacity."+r.Attribute, "directory.capacity_range")
			continue
		}
		hi := r.Max
		if hi == 0 {
			hi = math.Inf(1)
		}
		fq.Ranges = append(fq.Ranges, facets.Range{Name: r.Attribute, Min: r.Min, Max: hi})
	}
	if near := strings.TrimSpace(q.Near); near != "" {
		km := q.Km
		if km == 0 {
			km = DefaultKm
		}
		place, ok, err := s.Locate(ctx, near)
		switch {
		case err != nil:
			return SearchResult{}, fmt.Errorf("directory: search: %w", err)
		case !ok:
			errs.Add("near", "directory.unknown_place")
		case km < 0 || km > 2000:
			errs.Add("km", "directory.km")
		default:
			res.Near = place
			fq.Near = &facets.Near{Lat: place.Lat, Lon: place.Lon, Km: km}
		}
	}
	if err := errs.Err(); err != nil {
		return SearchResult{}, err
	}

	idx, err := s.facetIndex(ctx)
	if err != nil {
		return SearchResult{}, fmt.Errorf("directory: search: %w", err)
	}
	text, ok := searchTerms(textsearch.ParseQuery(q.Text))
	if !ok {
		fq.All = false // a word in another script only: nothing matches
	} else if len(text.Terms) > 0 {
		fq.Text = textTerms(text)
		fq.ByRank = q.Sort == "" || q.Sort == SortRelevance
	}
	found := idx.Search(fq)
	for _, name := range Facets {
		counts := found.Facets[name]
		out := make([]FacetCount, len(counts))
		for i, c := range counts {
			out[i] = FacetCount{Value: c.Value, Count: c.Count}
		}
		res.Facets[name] = out
	}
	res.Total = found.Total
	if res.Hits, err = s.searchPage(ctx, found, q.Viewer); err != nil {
		return SearchResult{}, fmt.Errorf("directory: search: %w", err)
	}
	return res, nil
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

// searchColumns are the FTS5 columns each visibility level searches.
var searchColumns = map[Visibility]string{
	Public: "name_doc public_doc", MembersOnly: "name_doc public_doc members_doc", StaffOnly: "name_doc public_doc members_doc staff_doc",
}

// searchVectors are the tsvector columns of each level on PostgreSQL.
var searchVectors = map[Visibility]string{Public: "public_tsv", MembersOnly: "members_tsv", StaffOnly: "staff_tsv"}

// matchText returns the IDs of the organisations whose database document
// for viewer matches text, with the engine's relevance (bm25 with the name
// ×4, or ts_rank_cd with the name at weight A). Search answers from the
// in-memory index; this is the database's own answer, which the tests hold
// it to.
func (s *Store) matchText(ctx context.Context, text textsearch.Query, viewer Visibility) ([]int64, []float64, error) {
	var query string
	var arg string
	if s.db.Dialect() == db.Postgres {
		tsv := searchVectors[viewer]
		// Weights {D, C, B, A}: the name is A, the rest D.
		query = "SELECT x.organisation_id, ts_rank_cd('{0.25, 0.25, 0.25, 1.0}', x." + tsv + ", m.q, 1)::float8" +
			" FROM organisation_search x CROSS JOIN to_tsquery('simple', ?) AS m (q) WHERE x." + tsv + " @@ m.q"
		arg = text.TSQuery()
	} else {
		query = "SELECT rowid, -bm25(organisation_fts, 4.0, 1.0, 1.0, 1.0) FROM organisation_fts WHERE organisation_fts MATCH ?"
		arg = "{" + searchColumns[viewer] + "} : (" + text.FTS5() + ")"
	}
	rows, err := s.db.Query(ctx, query, arg)
	if err != nil {
		return nil, nil, fmt.Errorf("match: %w", err)
	}
	defer rows.Close()
	var ids []int64
	var ranks []float64
	for rows.Next() {
		var id int64
		var rank float64
		if err := rows.Scan(&id, &rank); err != nil {
			return nil, nil, fmt.Errorf("match: %w", err)
		}
		ids, ranks = append(ids, id), append(ranks, rank)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("match: %w", err)
	}
	return ids, ranks, nil
}

// searchPage reads the full rows and profiles of the page's hits, in
// order, as viewer may see them.
func (s *Store) searchPage(ctx context.Context, found facets.Result, viewer Visibility) ([]Hit, error) {
	if len(found.IDs) == 0 {
		return []Hit{}, nil
	}
	ids := make([]any, len(found.IDs))
	position := make(map[int64]int, len(found.IDs))
	for i, id := range found.IDs {
		ids[i] = id
		position[id] = i
	}
	rows, err := s.db.Query(ctx, "SELECT "+orgColumns+" FROM organisations WHERE id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	defer rows.Close()
	orgs := make([]Organisation, len(found.IDs))
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
	if err := loadProfiles(ctx, s.db, orgs); err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	hits := make([]Hit, len(orgs))
	for i, o := range orgs {
		p := position[o.ID]
		hits[i] = Hit{Organisation: o.For(viewer)}
		if p < len(found.Ranks) {
			hits[i].Rank = found.Ranks[p]
		}
		if p < len(found.Distances) {
			hits[i].Distance = found.Distances[p]
		}
	}
	return hits, nil
}

// SearchDocuments are the texts indexed for an organisation: its name
// alone (ranked higher) and, per visibility level, what that level adds to
// the ones below it (textsearch.Document stems); a level searches its own
// document and those below.
type SearchDocuments struct {
	Name, Public, Members, Staff string
}

// Documents returns the search documents of o (stored, with its profile):
// names, descriptions, city, services, bricks, keywords, equipment and
// capacity notes, certifications, and the French and English labels of its
// sectors, kind, steps and bricks, each at the visibility o chose.
func Documents(o Organisation) SearchDocuments {
	levels := levelTexts(o)
	return SearchDocuments{
		Name:    textsearch.Document(o.Name, o.ShortName),
		Public:  textsearch.Document(levels[0]...),
		Members: textsearch.Document(levels[1]...),
		Staff:   textsearch.Document(levels[2]...),
	}
}

// levelTexts gathers the texts of o that each visibility level adds:
// [public, members-only, staff-only].
func levelTexts(o Organisation) [3][]string {
	tax := LoadTaxonomy()
	var levels [3][]string
	add := func(field string, texts ...string) {
		r := Public.Rank()
		if field != "" {
			r = o.VisibilityOf(field).Rank()
		}
		levels[r] = append(levels[r], texts...)
	}
	add("", o.Name, o.ShortName, o.Group, o.City, o.Region)
	for _, c := range o.Sectors {
		if t, ok := tax.Sector(c); ok {
			add("", t.FR, t.EN)
		}
	}
	if t, ok := tax.Kind(o.Kind); ok {
		add("", t.FR, t.EN)
	}
	add(FieldDescription, o.DescriptionFR, o.DescriptionEN)
	for _, c := range o.Steps {
		if t, ok := tax.Step(c); ok {
			add(FieldSteps, t.FR, t.EN)
		}
	}
	for _, c := range o.Bricks {
		if t, ok := tax.Brick(c); ok {
			add(FieldBricks, t.FR, t.EN)
		}
	}
	for _, sv := range o.Services {
		add(FieldServices, sv.TitleFR, sv.TitleEN, sv.DescriptionFR, sv.DescriptionEN)
	}
	for _, c := range o.Certifications {
		add(FieldCertifications, c.Code, c.Scope)
	}
	add(FieldKeywords, o.Keywords...)
	add(FieldEquipment, o.Equipment)
	add(FieldCapacities, o.CapacityNotes)
	return levels
}

// Rows per statement of IndexOrganisations: 5 parameters each.
const indexPerInsert = 200

// IndexOrganisations writes the search documents of orgs (stored, with
// their IDs, sectors and profiles) through q, replacing any previous ones.
// Callers writing organisations in bulk call it in the same transaction, so
// the search never sees an organisation without its document.
func IndexOrganisations(ctx context.Context, q db.Querier, orgs []Organisation) error {
	for start := 0; start < len(orgs); start += indexPerInsert {
		batch := orgs[start:min(start+indexPerInsert, len(orgs))]
		args := make([]any, 0, 5*len(batch))
		for _, o := range batch {
			d := Documents(o)
			args = append(args, o.ID, d.Name, d.Public, d.Members, d.Staff)
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(batch)), ", ")
		_, err := q.Exec(ctx, "INSERT INTO organisation_search (organisation_id, name_doc, public_doc, members_doc, staff_doc)"+
			" VALUES "+values+" ON CONFLICT (organisation_id) DO UPDATE SET name_doc = excluded.name_doc,"+
			" public_doc = excluded.public_doc, members_doc = excluded.members_doc, staff_doc = excluded.staff_doc", args...)
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
		if _, err := tx.Exec(ctx, "DELETE FROM organisation_search"); err != nil {
			return err
		}
		return eachOrganisation(ctx, tx, func(batch []Organisation) error {
			n += len(batch)
			return IndexOrganisations(ctx, tx, batch)
		})
	})
	if err != nil {
		return 0, fmt.Errorf("directory: reindex: %w", err)
	}
	s.dropFacetIndex()
	return n, nil
}

// eachBatch is how many organisations eachOrganisation reads at a time.
const eachBatch = 500

// eachOrganisation calls fn with every organisation, complete with sectors
// and profile, in batches in id order.
func eachOrganisation(ctx context.Context, q db.Querier, fn func([]Organisation) error) error {
	var after int64
	for {
		rows, err := q.Query(ctx, "SELECT "+orgColumns+" FROM organisations WHERE id > ? ORDER BY id LIMIT ?", after, eachBatch)
		if err != nil {
			return err
		}
		var batch []Organisation
		for rows.Next() {
			o, err := scanOrganisation(rows)
			if err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		if err := loadSectors(ctx, q, batch); err != nil {
			return err
		}
		if err := loadProfiles(ctx, q, batch); err != nil {
			return err
		}
		if err := fn(batch); err != nil {
			return err
		}
		after = batch[len(batch)-1].ID
	}
}
