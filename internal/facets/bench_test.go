package facets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchNow is the instant of the benchmark queries; some certifications
// expired before it.
var benchNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

var benchFacets = []string{"sector", "kind", "step", "brick", "certification", "region", "departement", "membership"}

// benchVocabulary is the number of values per facet of the synthetic corpus.
var benchVocabulary = map[string]int{
	"sector": 7, "kind": 13, "step": 9, "brick": 60, "certification": 10,
	"region": 18, "departement": 100, "membership": 4,
}

// benchVocabularySize is the number of stems of the synthetic corpus's
// text, drawn with a Zipf law: the most common stems are in 40-80% of the
// documents, as "sante" or "medical" would be.
const benchVocabularySize = 20_000

// benchStems returns the corpus's vocabulary, by decreasing frequency, and
// one name stem per document, mostly unique. The stems are made of
// syllables, so that prefixes share stems as words do.
var benchStems = sync.OnceValues(func() (vocab, names []string) {
	r := rand.New(rand.NewPCG(2026, 9))
	syllable := func() string {
		return string([]byte{"bcdfglmnprstv"[r.IntN(13)], "aeiou"[r.IntN(5)]})
	}
	word := func(min int) string {
		var b strings.Builder
		for range min + r.IntN(3) {
			b.WriteString(syllable())
		}
		if r.IntN(2) == 0 {
			b.WriteByte("nrst"[r.IntN(4)])
		}
		return b.String()
	}
	seen := map[string]bool{}
	for len(vocab) < benchVocabularySize {
		if w := word(2); !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	for range 100_000 {
		names = append(names, word(3))
	}
	return vocab, names
})

// benchWords draws the words of one document: about 150 distinct stems
// (100 to 200), mostly public, and a name of 2 to 4 stems, one of them
// rare. seen is scratch, one entry per stem.
func benchWords(r *rand.Rand, z *rand.Zipf, i int, seen []int32) []Word {
	vocab, names := benchStems()
	level := func() Level {
		switch n := r.IntN(100); {
		case n < 90:
			return Public
		case n < 97:
			return Members
		}
		return Staff
	}
	n := 100 + r.IntN(101)
	out := make([]Word, 0, n+4)
	out = append(out, Word{Stem: names[i], Name: true})
	for range 1 + r.IntN(3) {
		out = append(out, Word{Stem: vocab[z.Uint64()], Name: true})
	}
	for distinct := 0; distinct < n; {
		k := z.Uint64()
		if seen[k] != int32(i+1) {
			seen[k] = int32(i + 1)
			distinct++
		} else if r.IntN(4) != 0 {
			continue // most repeats are left out; the others are fields at other levels
		}
		out = append(out, Word{Stem: vocab[k], Level: level()})
	}
	return out
}

// benchCorpus builds 100,000 synthetic organisations, about 20 terms and
// 150 words each, deterministically.
var benchCorpus = sync.OnceValue(func() []Doc {
	r := rand.New(rand.NewPCG(2026, 7))
	z := rand.NewZipf(rand.New(rand.NewPCG(2026, 10)), 1.1, 20, benchVocabularySize-1)
	seen := make([]int32, benchVocabularySize)
	docs := make([]Doc, 100_000)
	val := func(facet string) string { return fmt.Sprintf("%s-%d", facet, r.IntN(benchVocabulary[facet])) }
	for i := range docs {
		d := &docs[i]
		d.ID = int64(i + 1 + i/10) // database serials with a few gaps
		name := make([]byte, 4+r.IntN(12))
		for k := range name {
			name[k] = byte('a' + r.IntN(26))
		}
		d.SortKey = string(name)
		add := func(facet string, n int, lvl Level) {
			for range n {
				d.Terms = append(d.Terms, Term{Facet: facet, Value: val(facet), Level: lvl})
			}
		}
		add("sector", 1+r.IntN(2), Public)
		add("kind", 1, Public)
		add("step", 1+r.IntN(3), Public)
		add("brick", 6+r.IntN(9), Public)
		if r.IntN(10) == 0 {
			add("brick", 1, Members)
		}
		add("membership", 1, Members)
		dep := r.IntN(benchVocabulary["departement"])
		d.Terms = append(d.Terms,
			Term{Facet: "departement", Value: fmt.Sprintf("departement-%d", dep)},
			Term{Facet: "region", Value: fmt.Sprintf("region-%d", dep%benchVocabulary["region"])})
		for range r.IntN(4) {
			t := Term{Facet: "certification", Value: val("certification")}
			if r.IntN(3) != 0 { // valid from two years ago to three years ahead
				t.Until = benchNow.Add(time.Duration(r.IntN(5*365)-2*365) * 24 * time.Hour)
			}
			d.Terms = append(d.Terms, t)
		}
		d.Numbers = append(d.Numbers, Number{Name: "headcount", Value: math.Round(math.Exp(r.Float64() * 8.5))})
		if r.IntN(10) < 6 {
			d.Numbers = append(d.Numbers, Number{Name: "cleanroom_area", Value: float64(r.IntN(2000))})
		}
		if r.IntN(10) < 3 {
			d.Numbers = append(d.Numbers, Number{Name: "capacity", Value: float64(r.IntN(10_000)), Level: Members})
		}
		if r.IntN(10) != 0 { // a rectangle over metropolitan France
			d.Geo = &Point{Lat: 42.5 + r.Float64()*8.5, Lon: -4.5 + r.Float64()*12.5}
		}
		d.Words = benchWords(r, z, i, seen)
	}
	return docs
})

// benchQueries builds 200 queries: match sets of 10 to 100,000 IDs (or
// all), 0-3 filters, some ranges and Near, counts for 8 facets.
var benchQueries = sync.OnceValue(func() []Query {
	docs := benchCorpus()
	r := rand.New(rand.NewPCG(2026, 8))
	ids := make([]int64, len(docs))
	for i := range docs {
		ids[i] = docs[i].ID
	}
	cities := []Near{{45.764, 4.8357, 0}, {48.8566, 2.3522, 0}, {45.1885, 5.7245, 0}, {43.2965, 5.3698, 0}, {50.6292, 3.0573, 0}, {43.6047, 1.4442, 0}}
	qs := make([]Query, 200)
	for i := range qs {
		q := &qs[i]
		q.Level = Level(r.IntN(3))
		q.Now = benchNow
		q.Facets = benchFacets
		if r.IntN(10) == 0 {
			q.All = true
		} else {
			n := int(10 * math.Pow(10, 4*r.Float64())) // log-uniform 10..100,000
			for k := range n {                         // partial Fisher-Yates
				j := k + r.IntN(len(ids)-k)
				ids[k], ids[j] = ids[j], ids[k]
			}
			q.Match = slices.Clone(ids[:n])
			q.Ranks = make([]float64, n)
			for k := range q.Ranks {
				q.Ranks[k] = r.Float64() * 10
			}
			q.ByRank = r.IntN(10) < 7
		}
		for range r.IntN(4) {
			f := Filter{Facet: benchFacets[r.IntN(len(benchFacets))]}
			for range 1 + r.IntN(3) {
				f.Values = append(f.Values, fmt.Sprintf("%s-%d", f.Facet, r.IntN(benchVocabulary[f.Facet])))
			}
			q.Filters = append(q.Filters, f)
		}
		switch r.IntN(10) {
		case 0:
			q.Ranges = []Range{{"cleanroom_area", 100, math.Inf(1)}}
		case 1:
			q.Ranges = []Range{{"headcount", 10, 250}}
		}
		if r.IntN(7) == 0 {
			n := cities[r.IntN(len(cities))]
			n.Km = float64(20 + r.IntN(130))
			q.Near = &n
		}
		if r.IntN(5) == 0 {
			q.Offset = 20 * (1 + r.IntN(3))
		}
	}
	return qs
})

// benchTextQueries builds 400 queries with 1 to 3 text terms: common,
// middling and rare stems, a name, the last term a prefix of 1 to 6 letters
// in half of them; then 0-3 filters, some ranges and Near, counts for 8
// facets, mostly by relevance.
var benchTextQueries = sync.OnceValue(func() []Query {
	vocab, names := benchStems()
	r := rand.New(rand.NewPCG(2026, 11))
	z := rand.NewZipf(rand.New(rand.NewPCG(2026, 12)), 1.1, 20, benchVocabularySize-1)
	base := benchQueries()
	qs := make([]Query, 400)
	for i := range qs {
		q := &qs[i]
		*q = base[i%len(base)]
		q.All, q.Match, q.Ranks = true, nil, nil
		q.ByRank = r.IntN(10) < 8
		q.Text = nil
		for range 1 + r.IntN(3) {
			var stem string
			switch n := r.IntN(20); {
			case n < 4:
				stem = vocab[r.IntN(50)] // very common
			case n < 14:
				stem = vocab[z.Uint64()] // as often searched as written
			case n < 18:
				stem = vocab[r.IntN(len(vocab))] // rare
			default:
				stem = names[r.IntN(len(names))]
			}
			q.Text = append(q.Text, TextTerm{Stem: stem})
		}
		if last := &q.Text[len(q.Text)-1]; r.IntN(2) == 0 {
			n := []int{1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6, 6}[r.IntN(14)]
			last.Stem, last.Prefix = last.Stem[:min(n, len(last.Stem))], true
		}
	}
	return qs
})

// benchMatchQueries builds 100 matchmaking queries as a need gives them:
// 30 terms, any of which may match (common, middling and rare stems, no
// prefix), a membership and a region filter keeping some 5,000 to 50,000
// documents, boosts for three bricks, a sector and membership, and 20
// boosted IDs; by rank, the first 30, at Staff, no counts.
var benchMatchQueries = sync.OnceValue(func() []Query {
	vocab, _ := benchStems()
	docs := benchCorpus()
	r := rand.New(rand.NewPCG(2026, 14))
	z := rand.NewZipf(rand.New(rand.NewPCG(2026, 15)), 1.1, 20, benchVocabularySize-1)
	values := func(facet string, n int) []string {
		var out []string
		for _, k := range r.Perm(benchVocabulary[facet])[:n] {
			out = append(out, fmt.Sprintf("%s-%d", facet, k))
		}
		return out
	}
	qs := make([]Query, 100)
	for i := range qs {
		q := &qs[i]
		*q = Query{All: true, AnyText: true, ByRank: true, Level: Staff, Limit: 30, Now: benchNow}
		for range 30 {
			var stem string
			switch n := r.IntN(10); {
			case n < 2:
				stem = vocab[r.IntN(100)]
			case n < 8:
				stem = vocab[z.Uint64()]
			default:
				stem = vocab[r.IntN(len(vocab))]
			}
			q.Text = append(q.Text, TextTerm{Stem: stem})
		}
		q.Filters = []Filter{
			{Facet: "membership", Values: values("membership", 1+r.IntN(3))},
			{Facet: "region", Values: values("region", 3+r.IntN(10))},
		}
		for _, v := range values("brick", 3) {
			q.Boosts = append(q.Boosts, Boost{Facet: "brick", Value: v, Add: 2})
		}
		q.Boosts = append(q.Boosts, Boost{Facet: "sector", Value: values("sector", 1)[0], Add: 1.5},
			Boost{Facet: "membership", Value: "membership-0", Add: 1})
		q.IDBoosts = map[int64]float64{}
		for range 20 {
			q.IDBoosts[docs[r.IntN(len(docs))].ID] = 0.5 + r.Float64()
		}
	}
	return qs
})

func benchIndex(b *testing.B) *Index {
	x := New()
	x.PutAll(benchCorpus())
	for _, q := range benchQueries() { // warm up: the clock moves once
		x.Search(q)
	}
	return x
}

// percentiles runs the queries one at a time and reports the latency
// percentiles.
func percentiles(b *testing.B, x *Index, qs []Query) {
	lat := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		x.Search(qs[i%len(qs)])
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	for _, p := range []int{50, 95, 99} {
		at := lat[min(len(lat)-1, len(lat)*p/100)]
		b.ReportMetric(float64(at.Nanoseconds())/1e3, fmt.Sprintf("p%d-µs", p))
	}
}

// BenchmarkSearch100k measures one query at a time, with match sets given,
// and reports the latency percentiles over the 200 queries.
func BenchmarkSearch100k(b *testing.B) {
	percentiles(b, benchIndex(b), benchQueries())
}

// BenchmarkTextSearch100k measures one text query at a time and reports
// the latency percentiles over the 400 queries.
func BenchmarkTextSearch100k(b *testing.B) {
	percentiles(b, benchIndex(b), benchTextQueries())
}

// BenchmarkMatchAny100k measures one matchmaking query at a time (30
// terms, any matching, 2 filters, boosts) and reports the latency
// percentiles over the 100 queries, and the mean number of hits ranked.
func BenchmarkMatchAny100k(b *testing.B) {
	x, qs := benchIndex(b), benchMatchQueries()
	hits := 0
	for _, q := range qs {
		hits += x.Search(q).Total
	}
	percentiles(b, x, qs)
	b.ReportMetric(float64(hits)/float64(len(qs)), "hits/op")
}

// BenchmarkTextSearch100kParallel runs the text queries from every core at
// once.
func BenchmarkTextSearch100kParallel(b *testing.B) {
	parallel(b, benchIndex(b), benchTextQueries())
}

// BenchmarkSearch100kParallel runs the queries from every core at once.
func BenchmarkSearch100kParallel(b *testing.B) {
	parallel(b, benchIndex(b), benchQueries())
}

func parallel(b *testing.B, x *Index, qs []Query) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			x.Search(qs[i%len(qs)])
		}
	})
}

// BenchmarkPutAll100k measures the start-up load in one batch, and reports
// the heap the loaded index holds (HeapInuse after a collection).
func BenchmarkPutAll100k(b *testing.B) { benchLoad(b, 100_000) }

// BenchmarkPutAll100kBy5000 measures the start-up load in batches of 5,000
// documents, as a caller reading them from the database would.
func BenchmarkPutAll100kBy5000(b *testing.B) { benchLoad(b, 5000) }

func benchLoad(b *testing.B, batch int) {
	docs := benchCorpus()
	load := func() *Index {
		x := New()
		for i := 0; i < len(docs); i += batch {
			x.PutAll(docs[i:min(i+batch, len(docs))])
		}
		return x
	}
	b.ReportAllocs()
	for b.Loop() {
		load()
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	x := load()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "heap-MB")
	runtime.KeepAlive(x)
}

// BenchmarkPut100k measures replacing one document of a loaded index at a
// time, purges of the retired postings included.
func BenchmarkPut100k(b *testing.B) {
	x, docs := benchIndex(b), benchCorpus()
	r := rand.New(rand.NewPCG(2026, 13))
	b.ReportAllocs()
	for b.Loop() {
		x.Put(docs[r.IntN(len(docs))])
	}
}
