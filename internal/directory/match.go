package directory

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"filiere/internal/facets"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

// MatchQuery describes a buyer's need, for ranking the providers who could
// answer it. Hard constraints exclude; soft ones only add to the score.
type MatchQuery struct {
	// Text is the need's title and description (French or English), free
	// text; each of its words may match, the rarer the more it counts.
	Text string
	// Bricks are the technology bricks wanted (soft): each one a provider
	// has adds Boosts.Brick. A family's code counts for its bricks.
	Bricks []string
	// Sector is the need's sector (soft): providers in it get Boosts.Sector.
	Sector string
	// Certifications are required (hard): a provider must hold every one,
	// valid today.
	Certifications []string
	// Capacities are required (hard): a provider must declare each
	// attribute within its range.
	Capacities []CapacityRange
	// Region keeps the providers of one région (hard, optional).
	Region string
	// Near keeps the providers within Km kilometres (DefaultKm if 0) of a
	// city or postcode (hard, optional; see Store.Locate).
	Near string
	Km   float64
	// MembersOnly keeps the cluster's members (hard).
	MembersOnly bool
	// Exclude lists organisations never proposed, such as the buyer's own.
	Exclude []int64
	// Boosts weighs the soft criteria; its zero value means
	// DefaultMatchBoosts.
	Boosts MatchBoosts
	// IDBoosts adds to the score of some organisations, for reasons the
	// caller knows (past successful introductions…).
	IDBoosts map[int64]float64
	// Limit is the number of candidates returned: MatchPageSize by
	// default, at most MaxMatchSize.
	Limit int
}

// MatchBoosts are the weights of a match's soft criteria, added to the
// score: Member for a member of the cluster, Brick for each wanted brick a
// provider has, Sector for a provider in the need's sector. A single field
// may be 0 (the criterion then weighs nothing); only the whole zero value
// stands for DefaultMatchBoosts.
type MatchBoosts struct {
	Member, Brick, Sector float64
}

// DefaultMatchBoosts are the weights of a MatchQuery without Boosts. The
// text part of a score is a sum, over the need's words a provider's
// profile has, of ln(1 + N/df) (a rare word near 5 to 10 in a directory of
// thousands, a common one near 1; a word of the provider's name counts four
// times), divided by 1 to 1.5 for long profiles: a wanted brick weighs as
// one rather specific word, a sector or membership as a common one.
var DefaultMatchBoosts = MatchBoosts{Member: 1.5, Brick: 4, Sector: 1.5}

// The sizes of a match.
const (
	MatchPageSize = 30 // candidates returned by default
	MaxMatchSize  = 200
	MaxMatchTerms = 32 // words of the need's text searched, the first ones
)

// MatchResult is the outcome of Match.
type MatchResult struct {
	Total      int         // providers passing every hard constraint and matching the text
	Candidates []Candidate // the best of them, best first
	Near       Place       // the place a distance constraint was resolved to
}

// Candidate is a provider proposed for a need, with why.
type Candidate struct {
	Organisation         // as stored, as the cluster's staff see it
	Score        float64 // the final score: Text plus the boosts
	Text         float64 // the part of the score from the need's text
	// Terms are the need's words the provider's profile matches, as the
	// need writes them, in the need's order.
	Terms []string
	// Bricks are the wanted bricks the provider has, in the query's order.
	Bricks []string
	// Certifications are the required certifications as the provider holds
	// them (with their validity).
	Certifications []Certification
	// Capacities are the provider's values of the required capacity
	// attributes.
	Capacities  []CapacityValue
	Distance    float64 // km from MatchResult.Near, when the query has Near
	Member      bool    // a member of the cluster
	SectorMatch bool    // in the need's sector
}

// Match ranks the providers for a need: those passing every hard
// constraint of q and, when q.Text has words, matching at least one of
// them, scored by the text's relevance (package facets, AnyText) plus the
// boosts of the soft criteria and q.IDBoosts. It looks at everything the
// cluster's staff may see, who review the selection before any
// introduction. The order is score (best first), then folded name, then
// id, the same on both engines and from one run to the next. Unknown
// codes, a bad range and an unknown place are validate.Errors.
func (s *Store) Match(ctx context.Context, q MatchQuery) (MatchResult, error) {
	var errs validate.Errors
	tax := s.tax()
	now := s.now()
	w := q.Boosts
	if w == (MatchBoosts{}) {
		w = DefaultMatchBoosts
	}
	fq := facets.Query{
		Level: facets.Staff, All: true, ByRank: true, Now: now,
		Limit:   min(cmp.Or(max(q.Limit, 0), MatchPageSize), MaxMatchSize),
		Exclude: q.Exclude, IDBoosts: q.IDBoosts,
	}

	bricks := codes(q.Bricks)
	for _, c := range bricks {
		if _, ok := tax.Brick(c); !ok {
			errs.Add("bricks", "validate.choice")
			break
		}
		fq.Boosts = append(fq.Boosts, facets.Boost{Facet: FacetBrick, Value: c, Add: w.Brick})
	}
	sector := strings.TrimSpace(q.Sector)
	if sector != "" {
		if _, ok := tax.Sector(sector); !ok {
			errs.Add("sector", "validate.choice")
		}
		fq.Boosts = append(fq.Boosts, facets.Boost{Facet: FacetSector, Value: sector, Add: w.Sector})
	}
	fq.Boosts = append(fq.Boosts, facets.Boost{Facet: FacetMembership, Value: Member, Add: w.Member})

	certs := codes(q.Certifications)
	for _, c := range certs {
		if _, ok := tax.Certification(c); !ok {
			errs.Add("certifications", "directory.certification")
			break
		}
		fq.Filters = append(fq.Filters, facets.Filter{Facet: FacetCertification, Values: []string{c}})
	}
	var attrs []string
	for _, r := range q.Capacities {
		r.Attribute = strings.TrimSpace(r.Attribute)
		if r.Attribute == "" {
			continue
		}
		field := "capacity." + r.Attribute
		if _, ok := tax.CapacityAttribute(r.Attribute); !ok {
			errs.Add(field, "validate.choice")
			continue
		}
		if r.Min < 0 || (r.Max != 0 && r.Max < r.Min) || math.IsNaN(r.Min) || math.IsNaN(r.Max) {
			errs.Add(field, "directory.capacity_range")
			continue
		}
		hi := r.Max
		if hi == 0 {
			hi = math.Inf(1)
		}
		fq.Ranges = append(fq.Ranges, facets.Range{Name: r.Attribute, Min: r.Min, Max: hi})
		if !slices.Contains(attrs, r.Attribute) {
			attrs = append(attrs, r.Attribute)
		}
	}
	if region := strings.TrimSpace(q.Region); region != "" {
		fq.Filters = append(fq.Filters, facets.Filter{Facet: FacetRegion, Values: []string{region}})
	}
	if q.MembersOnly {
		fq.Filters = append(fq.Filters, facets.Filter{Facet: FacetMembership, Values: []string{Member}})
	}
	var res MatchResult
	if near := strings.TrimSpace(q.Near); near != "" {
		km := cmp.Or(q.Km, DefaultKm)
		place, ok, err := s.Locate(ctx, near)
		switch {
		case err != nil:
			return MatchResult{}, fmt.Errorf("directory: match: %w", err)
		case !ok:
			errs.Add("near", "directory.unknown_place")
		case !(km >= 0 && km <= 2000):
			errs.Add("km", "directory.km")
		default:
			res.Near = place
			fq.Near = &facets.Near{Lat: place.Lat, Lon: place.Lon, Km: km}
		}
	}
	if err := errs.Err(); err != nil {
		return MatchResult{}, err
	}

	terms := needTerms(q.Text)
	for _, t := range terms {
		fq.Text = append(fq.Text, facets.TextTerm{Stem: t.stem})
	}
	fq.AnyText = true

	idx, err := s.facetIndex(ctx)
	if err != nil {
		return MatchResult{}, fmt.Errorf("directory: match: %w", err)
	}
	found := idx.Search(fq)
	hits, err := s.searchPage(ctx, found, StaffOnly)
	if err != nil {
		return MatchResult{}, fmt.Errorf("directory: match: %w", err)
	}
	position := make(map[int64]int, len(found.IDs))
	for i, id := range found.IDs {
		position[id] = i
	}
	res.Total = found.Total
	res.Candidates = make([]Candidate, len(hits))
	for i, h := range hits {
		p := position[h.ID]
		c := Candidate{
			Organisation: h.Organisation, Score: h.Rank, Distance: h.Distance,
			Member: h.Membership == Member, SectorMatch: sector != "" && slices.Contains(h.Sectors, sector),
			Terms: []string{}, Bricks: []string{}, Certifications: []Certification{}, Capacities: []CapacityValue{},
		}
		if p < len(found.TermMasks) {
			c.Text = found.TextRanks[p]
			for k, t := range terms {
				if found.TermMasks[p]&(1<<k) != 0 && !slices.Contains(c.Terms, t.word) {
					c.Terms = append(c.Terms, t.word)
				}
			}
		}
		for _, b := range bricks {
			if hasBrick(h.Bricks, b) {
				c.Bricks = append(c.Bricks, b)
			}
		}
		for _, code := range certs {
			for _, held := range h.Certifications {
				if held.Code == code && held.Valid(now) {
					c.Certifications = append(c.Certifications, held)
				}
			}
		}
		for _, a := range attrs {
			for _, v := range h.Capacities {
				if v.Attribute == a {
					c.Capacities = append(c.Capacities, v)
				}
			}
		}
		res.Candidates[i] = c
	}
	return res, nil
}

// codes trims a list of taxonomy codes and drops empty and repeated ones.
func codes(in []string) []string {
	var out []string
	for _, c := range in {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// hasBrick reports whether an organisation with bricks has brick code: the
// brick itself or, for a family's code, one of its bricks (as the facet
// index files them, see facetDoc).
func hasBrick(bricks []string, code string) bool {
	return slices.ContainsFunc(bricks, func(b string) bool {
		return b == code || strings.HasPrefix(b, code+".")
	})
}

// needTerm is a search term of a need's text, with the word it was first
// written as there.
type needTerm struct {
	stem, word string
}

// needTerms turns a need's text into search terms: the stems of its words
// (textsearch: folded, stop words dropped), each once, in the text's order,
// at most MaxMatchTerms. Like Search's terms they keep a-z and 0-9 only,
// what both engines index; a word with nothing left is dropped.
func needTerms(text string) []needTerm {
	var out []needTerm
	seen := map[string]bool{}
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me)
	})
	for _, word := range words {
		for _, tok := range textsearch.Tokens(word) {
			if textsearch.IsStopWord(tok) {
				continue
			}
			stem := strings.Map(func(r rune) rune {
				if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
					return r
				}
				return -1
			}, textsearch.Stem(tok))
			if stem == "" || seen[stem] {
				continue
			}
			seen[stem] = true
			out = append(out, needTerm{stem: stem, word: word})
			if len(out) == MaxMatchTerms {
				return out
			}
		}
	}
	return out
}
