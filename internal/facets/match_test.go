package facets

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// rankOf returns the rank of each ID of r.
func rankOf(r Result) map[int64]float64 {
	out := map[int64]float64{}
	for i, id := range r.IDs {
		out[id] = r.Ranks[i]
	}
	return out
}

func TestAnyTextKeepsDocumentsMatchingSomeTermAndSumsWhatTheyMatch(t *testing.T) {
	x := New()
	x.PutAll([]Doc{
		{ID: 1, SortKey: "a", Words: stems("steril implant titan")},
		{ID: 2, SortKey: "b", Words: stems("steril:n lyon")},
		{ID: 3, SortKey: "c", Words: stems("implant lyon paris")},
		{ID: 4, SortKey: "d", Words: stems("cosmet")},
		{ID: 5, SortKey: "e", Words: stems("titan:2")}, // staff only
	})
	q := Query{All: true, Text: terms("steril implant titan zz"), AnyText: true, ByRank: true, Now: now}
	r := x.Search(q)
	// Public: N 5, lengths 3, 2, 3, 1, 0 (mean 9/5); df steril 2, implant
	// 2, titan 1.
	n, avg := 5.0, 9.0/5
	idf2, idf1 := math.Log(1+n/2), math.Log(1+n/1)
	norm := func(l float64) float64 { return 1 + 0.25*l/avg }
	want := map[int64]float64{
		1: (idf2 + idf2 + idf1) / norm(3),
		2: float64(4*idf2) / norm(2),
		3: idf2 / norm(3),
	}
	if !maps.Equal(rankOf(r), want) || r.Total != 3 {
		t.Errorf("public: IDs %v ranks %v (total %d), want %v", r.IDs, r.Ranks, r.Total, want)
	}
	// Document 2's name word outweighs document 1's three words.
	if !slices.Equal(r.IDs, []int64{2, 1, 3}) || !slices.Equal(r.TextRanks, r.Ranks) {
		t.Errorf("public: order %v, text ranks %v", r.IDs, r.TextRanks)
	}
	if want := []uint64{0b001, 0b111, 0b010}; !slices.Equal(r.TermMasks, want) {
		t.Errorf("public: masks %b, want %b", r.TermMasks, want)
	}

	// Staff see document 5's word; its df becomes 2 for everyone.
	q.Level = Staff
	r = x.Search(q)
	if got := slices.Sorted(slices.Values(r.IDs)); !slices.Equal(got, []int64{1, 2, 3, 5}) {
		t.Errorf("staff: IDs %v", r.IDs)
	}

	// Every term required, as without AnyText.
	q.AnyText, q.Level = false, Public
	q.Text = terms("steril implant")
	if r := x.Search(q); !slices.Equal(r.IDs, []int64{1}) {
		t.Errorf("all terms: IDs %v", r.IDs)
	}
	// No term matching anything: no hit.
	q.AnyText, q.Text = true, terms("zz yy")
	if r := x.Search(q); r.Total != 0 || len(r.IDs) != 0 || r.TermMasks == nil {
		t.Errorf("unknown terms: %+v", r)
	}
}

func TestAnyTextNarrowsMatchAndCountsOnlyTheHits(t *testing.T) {
	x := New()
	x.PutAll([]Doc{
		{ID: 1, SortKey: "a", Words: stems("lyon"), Terms: []Term{term("sector", "medtech")}},
		{ID: 2, SortKey: "b", Words: stems("paris"), Terms: []Term{term("sector", "biotech")}},
		{ID: 3, SortKey: "c", Words: stems("nancy"), Terms: []Term{term("sector", "medtech")}},
	})
	r := x.Search(Query{Match: []int64{1, 2, 3}, Text: terms("lyon paris"), AnyText: true, Facets: []string{"sector"}, Now: now})
	if !slices.Equal(r.IDs, []int64{1, 2}) || !slices.Equal(r.Facets["sector"], counts("biotech:1 medtech:1")) {
		t.Errorf("IDs %v, sector %v", r.IDs, r.Facets["sector"])
	}
}

func TestBoostsAddToTheRankOfVisibleLiveValues(t *testing.T) {
	day := 24 * time.Hour
	x := New()
	x.PutAll([]Doc{
		doc(1, "a", Term{Facet: "cert", Value: "iso13485", Until: now.Add(-day)}, term("brick", "mt")),
		doc(2, "b", Term{Facet: "cert", Value: "iso13485", Until: now.Add(day)}),
		doc(3, "c", term("brick", "mt"), term("membership", "member")),
		doc(4, "d", Term{Facet: "brick", Value: "mt", Level: Staff}),
		doc(5, "e"),
	})
	q := Query{All: true, ByRank: true, Now: now, Boosts: []Boost{
		{"cert", "iso13485", 3}, {"brick", "mt", 1}, {"membership", "member", 0.5},
		{"brick", "unknown", 9}, {"nope", "x", 9}, {"brick", "mt", math.NaN()},
	}}
	r := x.Search(q)
	// Document 1's certification has expired: no boost; document 4's
	// brick is for staff only.
	want := map[int64]float64{1: 1, 2: 3, 3: 1.5, 4: 0, 5: 0}
	if !slices.Equal(r.IDs, []int64{2, 3, 1, 4, 5}) || !maps.Equal(rankOf(r), want) {
		t.Errorf("public: IDs %v ranks %v, want %v", r.IDs, r.Ranks, want)
	}
	if r.TermMasks != nil || r.TextRanks != nil {
		t.Errorf("no text: masks %v, text ranks %v", r.TermMasks, r.TextRanks)
	}
	q.Level = Staff
	if r := x.Search(q); rankOf(r)[4] != 1 {
		t.Errorf("staff: ranks %v", rankOf(r))
	}
	// Before the expiry, document 1 gets its boost.
	q.Level, q.Now = Public, now.Add(-2*day)
	if r := x.Search(q); rankOf(r)[1] != 4 {
		t.Errorf("two days ago: ranks %v", rankOf(r))
	}
	// In name order, the page's ranks are the same.
	q.ByRank, q.Now = false, now
	if r := x.Search(q); !slices.Equal(r.IDs, []int64{1, 2, 3, 4, 5}) || !maps.Equal(rankOf(r), want) {
		t.Errorf("name order: IDs %v ranks %v", r.IDs, r.Ranks)
	}
}

func TestBoostsAddToTextRelevanceAndMatchRanks(t *testing.T) {
	x := New()
	x.PutAll([]Doc{
		{ID: 1, SortKey: "a", Words: stems("lyon paris")},
		{ID: 2, SortKey: "b", Words: stems("lyon"), Terms: []Term{term("brick", "mt")}},
		{ID: 3, SortKey: "c", Words: stems("nancy")},
	})
	boost := []Boost{{"brick", "mt", 10}}
	r := x.Search(Query{All: true, Text: terms("lyon paris"), AnyText: true, Boosts: boost, ByRank: true, Now: now})
	if !slices.Equal(r.IDs, []int64{2, 1}) || r.Ranks[0] != r.TextRanks[0]+10 || r.Ranks[1] != r.TextRanks[1] || r.TextRanks[1] <= r.TextRanks[0] {
		t.Errorf("text: IDs %v ranks %v text %v", r.IDs, r.Ranks, r.TextRanks)
	}
	r = x.Search(Query{Match: []int64{1, 2, 3}, Ranks: []float64{5, 1, 2}, Boosts: boost, ByRank: true, Now: now})
	if !slices.Equal(r.IDs, []int64{2, 1, 3}) || !slices.Equal(r.Ranks, []float64{11, 5, 2}) {
		t.Errorf("match: IDs %v ranks %v", r.IDs, r.Ranks)
	}
}

func TestIDBoostsAddToTheirDocuments(t *testing.T) {
	x := sample()
	ids := map[int64]float64{4: 2, 2: 1, 99: 50, 5: math.Inf(1)}
	r := x.Search(Query{All: true, ByRank: true, IDBoosts: ids, Boosts: []Boost{{"sector", "medtech", 1}}, Now: now})
	// medtech: 1, 3, 5; ties go by name: alpha, beta, epsilon, gamma.
	if want := []int64{4, 1, 2, 5, 3}; !slices.Equal(r.IDs, want) || !slices.Equal(r.Ranks, []float64{2, 1, 1, 1, 1}) {
		t.Errorf("IDs %v ranks %v, want %v [2 1 1 1 1]", r.IDs, r.Ranks, want)
	}
	// With a filter, the boost applies to the hits only.
	r = x.Search(Query{All: true, ByRank: true, IDBoosts: ids, Filters: []Filter{{"kind", []string{"sme"}}}, Now: now})
	if !slices.Equal(r.IDs, []int64{2, 5, 3}) || !slices.Equal(r.Ranks, []float64{1, 0, 0}) {
		t.Errorf("filtered: IDs %v ranks %v", r.IDs, r.Ranks)
	}
}

func TestExcludedDocumentsAreNeitherReturnedNorCounted(t *testing.T) {
	x := sample()
	r := x.Search(Query{All: true, Exclude: []int64{3, 42}, Facets: []string{"sector"}, Now: now})
	if !slices.Equal(r.IDs, []int64{1, 2, 4, 5}) || r.Total != 4 || !slices.Equal(r.Facets["sector"], counts("medtech:2 biotech:1 pharma:1")) {
		t.Errorf("IDs %v total %d sector %v", r.IDs, r.Total, r.Facets["sector"])
	}
	r = x.Search(Query{Match: []int64{1, 3}, Exclude: []int64{1}, Now: now})
	if !slices.Equal(r.IDs, []int64{3}) {
		t.Errorf("match: IDs %v", r.IDs)
	}
}

func TestTermMasksTellTheFirst64Terms(t *testing.T) {
	var words []string
	for i := range 70 {
		words = append(words, fmt.Sprintf("w%d", i))
	}
	x := New()
	x.PutAll([]Doc{
		{ID: 1, SortKey: "a", Words: stems("w0 w5 w63 w64 w69")},
		{ID: 2, SortKey: "b", Words: stems("w69")},
		{ID: 3, SortKey: "c", Words: stems(strings.Join(words[1:], " "))},
	})
	q := Query{All: true, AnyText: true, Text: terms(strings.Join(words, " ")), Now: now}
	r := x.Search(q)
	// Terms 64 to 69 match, but have no bit.
	want := []uint64{1 | 1<<5 | 1<<63, 0, ^uint64(0) &^ 1}
	if !slices.Equal(r.IDs, []int64{1, 2, 3}) || !slices.Equal(r.TermMasks, want) {
		t.Errorf("IDs %v masks %b, want [1 2 3] %b", r.IDs, r.TermMasks, want)
	}
	// Every term required: a hit's mask has every bit.
	q.AnyText, q.Text = false, terms("w0 w5")
	if r := x.Search(q); !slices.Equal(r.IDs, []int64{1}) || !slices.Equal(r.TermMasks, []uint64{0b11}) {
		t.Errorf("all terms: IDs %v masks %b", r.IDs, r.TermMasks)
	}
}

// TestAnyTextRanksAreDeterministic checks that ranking every hit (rank
// order) and ranking the page (name order) agree to the last bit, that a
// query gives the same result twice, and that how the index was built does
// not matter, with dense stems and sparse ones.
func TestAnyTextRanksAreDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var docs []Doc
	for i := range int64(3000) {
		docs = append(docs, randomDoc(r, i))
	}
	for _, denseMin := range []int{denseMin, 4} {
		bulk, byOne := New(), New()
		bulk.text.denseMin, byOne.text.denseMin = denseMin, denseMin
		bulk.PutAll(docs)
		for i := len(docs) - 1; i >= 0; i-- {
			byOne.Put(docs[i])
		}
		hits := 0
		for i := range 50 {
			q := Query{All: true, AnyText: true, ByRank: true, Level: Level(i % 3), Limit: 3000, Now: now}
			for range 2 + r.IntN(8) {
				q.Text = append(q.Text, TextTerm{Stem: randomTerms[r.IntN(len(randomTerms))], Prefix: r.IntN(4) == 0})
			}
			q.Boosts = []Boost{{"brick", fmt.Sprintf("v%d", r.IntN(6)), 0.7}, {"cert", fmt.Sprintf("v%d", r.IntN(6)), 1.3}}
			q.IDBoosts = map[int64]float64{int64(r.IntN(3000)): 2.1}
			a := bulk.Search(q)
			if b := bulk.Search(q); !sameResult(a, b) {
				t.Fatalf("query %d twice differs", i)
			}
			if b := byOne.Search(q); !sameResult(a, b) {
				t.Fatalf("query %d: bulk and one by one differ", i)
			}
			q.ByRank = false
			byName := bulk.Search(q)
			if !maps.Equal(rankOf(a), rankOf(byName)) || len(a.IDs) != a.Total {
				t.Fatalf("query %d: ranks by rank and by name differ", i)
			}
			if a.Total > 0 {
				hits++
			}
			for k := 1; k < len(a.IDs); k++ {
				if a.Ranks[k] > a.Ranks[k-1] {
					t.Fatalf("query %d: rank %v after %v", i, a.Ranks[k], a.Ranks[k-1])
				}
			}
		}
		if hits < 40 {
			t.Errorf("dense from %d: only %d queries of 50 found anything", denseMin, hits)
		}
	}
}
