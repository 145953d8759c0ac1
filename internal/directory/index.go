package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"filiere/internal/facets"
)

// The store keeps an in-memory facet index of every organisation (package
// facets): filters, facet counts and ordering run on it. It is built on the
// first search, updated by the store's own writes as soon as they commit,
// and catches up with writes made by other processes (an import run from
// the command line while the server runs) by polling updated_at at most
// once per indexPoll.
const indexPoll = time.Second

// liveIndex is the store's facet index and what it has seen.
type liveIndex struct {
	mu     sync.Mutex
	idx    *facets.Index
	seen   time.Time // the latest updated_at indexed
	polled time.Time // when the database was last asked for newer rows
}

// facetIndex returns the store's facet index, building it on first use and
// catching up with rows written by other processes.
func (s *Store) facetIndex(ctx context.Context) (*facets.Index, error) {
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	if s.live.idx == nil {
		idx := facets.New()
		var seen time.Time
		docs := make([]facets.Doc, 0, eachBatch)
		err := eachOrganisation(ctx, s.db, func(batch []Organisation) error {
			docs = docs[:0]
			for _, o := range batch {
				docs = append(docs, facetDoc(o))
				if o.UpdatedAt.After(seen) {
					seen = o.UpdatedAt
				}
			}
			idx.PutAll(docs) // batch by batch: the words of 100k documents at once would take hundreds of MB
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("build index: %w", err)
		}
		s.live.idx, s.live.seen, s.live.polled = idx, seen, time.Now()
		return idx, nil
	}
	if time.Since(s.live.polled) < indexPoll {
		return s.live.idx, nil
	}
	s.live.polled = time.Now()
	var latest time.Time
	err := s.db.QueryRow(ctx, "SELECT updated_at FROM organisations ORDER BY updated_at DESC LIMIT 1").Scan(&latest)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("poll index: %w", err)
	}
	if latest.After(s.live.seen) {
		if err := s.catchUp(ctx); err != nil {
			return nil, err
		}
	}
	return s.live.idx, nil
}

// catchUp indexes the organisations updated since the index last saw one.
// The caller holds s.live.mu.
func (s *Store) catchUp(ctx context.Context) error {
	rows, err := s.db.Query(ctx, "SELECT "+orgColumns+" FROM organisations WHERE updated_at >= ? ORDER BY id", s.live.seen)
	if err != nil {
		return fmt.Errorf("poll index: %w", err)
	}
	var orgs []Organisation
	for rows.Next() {
		o, err := scanOrganisation(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("poll index: %w", err)
		}
		orgs = append(orgs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("poll index: %w", err)
	}
	for start := 0; start < len(orgs); start += eachBatch {
		batch := orgs[start:min(start+eachBatch, len(orgs))]
		if err := loadSectors(ctx, s.db, batch); err != nil {
			return fmt.Errorf("poll index: %w", err)
		}
		if err := loadProfiles(ctx, s.db, batch); err != nil {
			return fmt.Errorf("poll index: %w", err)
		}
		for _, o := range batch {
			s.live.idx.Put(facetDoc(o))
			if o.UpdatedAt.After(s.live.seen) {
				s.live.seen = o.UpdatedAt
			}
		}
	}
	return nil
}

// indexed puts the stored organisations orgs in the facet index, if it is
// built. Writers call it once their transaction has committed.
func (s *Store) indexed(orgs ...Organisation) {
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	if s.live.idx == nil {
		return
	}
	for _, o := range orgs {
		s.live.idx.Put(facetDoc(o))
	}
}

// dropFacetIndex forgets the facet index: the next search rebuilds it.
func (s *Store) dropFacetIndex() {
	s.live.mu.Lock()
	s.live.idx = nil
	s.live.mu.Unlock()
}

// facetDoc is what the facet index holds of o: each facet value and
// capacity at the visibility o chose for its field.
func facetDoc(o Organisation) facets.Doc {
	tax := LoadTaxonomy()
	level := func(field string) facets.Level { return facets.Level(o.VisibilityOf(field).Rank()) }
	d := facets.Doc{ID: o.ID, SortKey: Fold(o.Name) + "\x00" + o.Name, Words: searchWords(o)}
	term := func(facet, value string, lvl facets.Level) {
		if value != "" {
			d.Terms = append(d.Terms, facets.Term{Facet: facet, Value: value, Level: lvl})
		}
	}
	term(FacetKind, o.Kind, facets.Public)
	term(FacetCollege, o.College, facets.Public)
	term(FacetMembership, o.Membership, facets.Public)
	term(FacetRegion, o.Region, facets.Public)
	term(FacetDepartement, o.Departement, level(FieldAddress))
	for _, c := range o.Sectors {
		term(FacetSector, c, facets.Public)
	}
	for _, c := range o.Steps {
		term(FacetStep, c, level(FieldSteps))
	}
	seenFamily := map[string]bool{}
	for _, c := range o.Bricks {
		term(FacetBrick, c, level(FieldBricks))
		if fam, _, ok := strings.Cut(c, "."); ok && !seenFamily[fam] {
			if _, known := tax.Brick(fam); known && !slices.Contains(o.Bricks, fam) {
				seenFamily[fam] = true
				term(FacetBrick, fam, level(FieldBricks))
			}
		}
	}
	for _, c := range o.Certifications {
		t := facets.Term{Facet: FacetCertification, Value: c.Code, Level: level(FieldCertifications)}
		if !c.ValidUntil.IsZero() {
			t.Until = c.ValidUntil.AddDate(0, 0, 1) // valid through its last day
		}
		d.Terms = append(d.Terms, t)
	}
	for _, c := range o.Capacities {
		term(FacetCapacity, c.Attribute, level(FieldCapacities))
		d.Numbers = append(d.Numbers, facets.Number{Name: c.Attribute, Value: c.Value, Level: level(FieldCapacities)})
	}
	if o.HasCoords {
		d.Geo = &facets.Point{Lat: o.Latitude, Lon: o.Longitude, Level: level(FieldAddress)}
	}
	return d
}
