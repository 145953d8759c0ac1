package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/directory"
)

// draft is an organisation being generated, with its people and the domain
// its website and e-mail addresses use.
type draft struct {
	org    directory.Organisation
	domain string // e.g. "cardiolys.example"
	people []directory.Person
}

// generator composes the demo data from one random source, so that a seed
// always yields the same cluster.
type generator struct {
	r       *rand.Rand
	tax     *directory.Taxonomy
	cities  []directory.City
	weights []int // cities' weights, same order

	names   map[string]bool // folded names in use
	domains map[string]bool
	hasCHU  map[string]bool // cities with a hospital already
	council bool            // the home region's council exists
	sirens  map[string]bool // SIRENs handed out

	// bulk is set by GenerateDirectory: names and domains fall back to a
	// number quickly, and hospitals may share a city, so that a directory
	// far larger than the vocabulary is generated in linear time.
	bulk       bool
	nextNumber map[string]int // base name → next number to try
	nextDomain map[string]int // domain slug → next suffix to try

	sectorRank map[string]int // taxonomy order of the sectors
	stepRank   map[string]int // taxonomy order of the value-chain steps
	brickRank  map[string]int // taxonomy order of the bricks, families first
	capRank    map[string]int // taxonomy order of the capacity attributes

	providerShare float64 // share of SMEs and mid-size companies that are solution providers
}

func newGenerator(seed uint64) *generator {
	g := &generator{
		// The second PCG word is a fixed odd constant: the seed alone picks the stream.
		r:       rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		tax:     directory.LoadTaxonomy(),
		cities:  directory.Cities(),
		names:   map[string]bool{},
		domains: map[string]bool{},
		hasCHU:  map[string]bool{},
		sirens:  map[string]bool{},

		nextNumber: map[string]int{},
		nextDomain: map[string]int{},
		sectorRank: map[string]int{},
		stepRank:   map[string]int{},
		brickRank:  map[string]int{},
		capRank:    map[string]int{},

		providerShare: demoProviderShare,
	}
	for i, s := range g.tax.Sectors {
		g.sectorRank[s.Code] = i
	}
	for i, s := range g.tax.Steps {
		g.stepRank[s.Code] = i
	}
	for _, f := range g.tax.Bricks {
		g.brickRank[f.Code] = len(g.brickRank)
		for _, b := range f.Bricks {
			g.brickRank[b.Code] = len(g.brickRank)
		}
	}
	for i, c := range g.tax.Capacities {
		g.capRank[c.Code] = i
	}
	for _, c := range g.cities {
		w, ok := cityWeights[c.Name]
		if !ok {
			w = 3
		}
		g.weights = append(g.weights, w)
	}
	return g
}

// now is the demo's fixed "today": generated dates never depend on the clock.
var now = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// sample returns k distinct elements of xs (all of them when k ≥ len(xs)),
// in the order of xs.
func sample[T any](r *rand.Rand, xs []T, k int) []T {
	if k >= len(xs) {
		return slices.Clone(xs)
	}
	idx := r.Perm(len(xs))[:k]
	slices.Sort(idx)
	out := make([]T, k)
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

// weighted returns an index of weights, drawn in proportion to them.
func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

func (g *generator) city() directory.City { return g.cities[weighted(g.r, g.weights)] }

// cityIn returns the city of region with the largest weight.
func (g *generator) cityIn(region string) directory.City {
	best := -1
	for i, c := range g.cities {
		if c.Region == region && (best < 0 || g.weights[i] > g.weights[best]) {
			best = i
		}
	}
	return g.cities[best]
}

// stopWords are left out of acronyms and web domains.
var stopWords = map[string]bool{"de": true, "d": true, "du": true, "des": true, "la": true, "le": true, "l": true,
	"les": true, "et": true, "en": true, "aux": true, "au": true, "pour": true}

// de returns "de X", or "d'X" before a vowel.
func de(s string) string {
	first, _ := utf8.DecodeRuneInString(s)
	if strings.ContainsAny(directory.Fold(string(first)), "aeiou") {
		return "d'" + s
	}
	return "de " + s
}

// acronym returns the initials of the significant words of name:
// "Plateforme Imagerie Préclinique de Lyon" → "PIPL".
func acronym(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '\'' || r == '-' || r == ',' }) {
		if stopWords[strings.ToLower(w)] || w == "sur" {
			continue
		}
		r := []rune(w)[0]
		b.WriteString(strings.ToUpper(directory.Fold(string(r))))
	}
	return b.String()
}

// lowerFirst lower-cases the first letter of a label unless the second is
// upper-case too (an acronym such as "ARN").
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && strings.ToUpper(string(r[1])) == string(r[1]) && strings.ToLower(string(r[1])) != string(r[1]) {
		return s
	}
	return strings.ToLower(string(r[:1])) + string(r[1:])
}

func round5(f float64) float64 { return math.Round(f*1e5) / 1e5 }

// thousandsFR formats n with a space between thousands: "12 000".
func thousandsFR(n int) string { return groupThousands(n, "\u00a0") }

// thousandsEN formats n with a comma between thousands: "12,000".
func thousandsEN(n int) string { return groupThousands(n, ",") }

func groupThousands(n int, sep string) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}
