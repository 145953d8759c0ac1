package facets

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func term(facet, value string) Term { return Term{Facet: facet, Value: value} }

func doc(id int64, key string, terms ...Term) Doc {
	return Doc{ID: id, SortKey: key, Terms: terms}
}

// counts turns "a:2 b:1" into counts, for compact expectations.
func counts(s string) []Count {
	out := []Count{}
	for _, f := range strings.Fields(s) {
		var c Count
		v, n, _ := strings.Cut(f, ":")
		c.Value = v
		fmt.Sscan(n, &c.Count)
		out = append(out, c)
	}
	return out
}

func sample() *Index {
	x := New()
	x.PutAll([]Doc{
		doc(1, "alpha", term("sector", "medtech"), term("kind", "startup"), term("region", "ara")),
		doc(2, "beta", term("sector", "biotech"), term("kind", "sme"), term("region", "ara")),
		doc(3, "gamma", term("sector", "medtech"), term("sector", "biotech"), term("kind", "sme"), term("region", "idf")),
		doc(4, "delta", term("sector", "pharma"), term("kind", "large"), term("region", "idf")),
		doc(5, "epsilon", term("sector", "medtech"), term("kind", "sme"), term("region", "paca")),
	})
	return x
}

func TestFiltersOrWithinAndAcross(t *testing.T) {
	x := sample()
	tests := []struct {
		name    string
		filters []Filter
		want    []int64
	}{
		{"no filter", nil, []int64{1, 2, 4, 5, 3}},
		{"one value", []Filter{{"sector", []string{"medtech"}}}, []int64{1, 5, 3}},
		{"or within", []Filter{{"sector", []string{"biotech", "pharma"}}}, []int64{2, 4, 3}},
		{"and across", []Filter{{"sector", []string{"medtech"}}, {"kind", []string{"sme"}}}, []int64{5, 3}},
		{"and across three", []Filter{{"sector", []string{"medtech", "biotech"}}, {"kind", []string{"sme"}}, {"region", []string{"ara"}}}, []int64{2}},
		{"unknown value", []Filter{{"sector", []string{"cosmetics"}}}, []int64{}},
		{"unknown and known value", []Filter{{"sector", []string{"cosmetics", "pharma"}}}, []int64{4}},
		{"unknown facet", []Filter{{"colour", []string{"red"}}}, []int64{}},
		{"empty values ignored", []Filter{{"sector", nil}}, []int64{1, 2, 4, 5, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := x.Search(Query{All: true, Filters: tt.filters, Now: now})
			if !slices.Equal(r.IDs, tt.want) || r.Total != len(tt.want) {
				t.Errorf("IDs = %v (total %d), want %v", r.IDs, r.Total, tt.want)
			}
		})
	}
}

func TestFacetCountsIgnoreTheirOwnFilter(t *testing.T) {
	x := sample()
	r := x.Search(Query{
		All:     true,
		Filters: []Filter{{"sector", []string{"medtech"}}, {"kind", []string{"sme"}}},
		Facets:  []string{"sector", "kind", "region", "unknown"},
		Now:     now,
	})
	want := map[string][]Count{
		// sector ignores the sector filter: the sme documents 2, 3, 5.
		"sector": counts("biotech:2 medtech:2"),
		// kind ignores the kind filter: the medtech documents 1, 3, 5.
		"kind": counts("sme:2 startup:1"),
		// region applies both: 3, 5.
		"region":  counts("idf:1 paca:1"),
		"unknown": {},
	}
	if !reflect.DeepEqual(r.Facets, want) {
		t.Errorf("facets = %v, want %v", r.Facets, want)
	}
}

func TestFacetCountsApplyMatchAndSortByCountThenValue(t *testing.T) {
	x := sample()
	r := x.Search(Query{Match: []int64{1, 2, 3, 5}, Facets: []string{"region", "sector"}, Now: now})
	if got, want := r.Facets["region"], counts("ara:2 idf:1 paca:1"); !slices.Equal(got, want) {
		t.Errorf("region = %v, want %v", got, want)
	}
	if got, want := r.Facets["sector"], counts("medtech:3 biotech:2"); !slices.Equal(got, want) {
		t.Errorf("sector = %v, want %v", got, want)
	}
}

func TestLevelsHideTermsNumbersAndGeo(t *testing.T) {
	x := New()
	x.Put(Doc{ID: 1, SortKey: "a",
		Terms: []Term{
			{Facet: "membership", Value: "member", Level: Members},
			{Facet: "status", Value: "watch", Level: Staff},
			{Facet: "secret", Value: "x", Level: Staff + 1},
		},
		Numbers: []Number{{Name: "revenue", Value: 10, Level: Staff}},
		Geo:     &Point{Lat: 45.764, Lon: 4.8357, Level: Members},
	})
	// The same value public on another document, and at two levels on one.
	x.Put(Doc{ID: 2, SortKey: "b", Terms: []Term{
		{Facet: "membership", Value: "member"},
		{Facet: "status", Value: "watch", Level: Staff},
		{Facet: "status", Value: "watch", Level: Members},
	}})
	near := &Near{Lat: 45.76, Lon: 4.84, Km: 5}
	tests := []struct {
		level Level
		q     Query
		want  []int64
	}{
		{Public, Query{Filters: []Filter{{"membership", []string{"member"}}}}, []int64{2}},
		{Members, Query{Filters: []Filter{{"membership", []string{"member"}}}}, []int64{1, 2}},
		{Members, Query{Filters: []Filter{{"status", []string{"watch"}}}}, []int64{2}},
		{Staff, Query{Filters: []Filter{{"status", []string{"watch"}}}}, []int64{1, 2}},
		{Members, Query{Ranges: []Range{{"revenue", 0, 100}}}, []int64{}},
		{Staff, Query{Ranges: []Range{{"revenue", 0, 100}}}, []int64{1}},
		{Public, Query{Near: near}, []int64{}},
		{Members, Query{Near: near}, []int64{1}},
		{Staff, Query{Filters: []Filter{{"secret", []string{"x"}}}}, []int64{}},
		{Staff + 5, Query{Filters: []Filter{{"secret", []string{"x"}}}}, []int64{}},
		{Staff + 5, Query{Filters: []Filter{{"status", []string{"watch"}}}}, []int64{1, 2}},
	}
	for i, tt := range tests {
		q := tt.q
		q.All, q.Level, q.Now = true, tt.level, now
		if r := x.Search(q); !slices.Equal(r.IDs, tt.want) {
			t.Errorf("%d: level %d: IDs = %v, want %v", i, tt.level, r.IDs, tt.want)
		}
	}
	for _, tt := range []struct {
		level              Level
		membership, status []Count
	}{
		{Public, counts("member:1"), counts("")},
		{Members, counts("member:2"), counts("watch:1")},
		{Staff, counts("member:2"), counts("watch:2")},
	} {
		r := x.Search(Query{All: true, Level: tt.level, Facets: []string{"membership", "status"}, Now: now})
		if !slices.Equal(r.Facets["membership"], tt.membership) || !slices.Equal(r.Facets["status"], tt.status) {
			t.Errorf("level %d: facets = %v, want membership %v status %v", tt.level, r.Facets, tt.membership, tt.status)
		}
		if got := x.Values("status", tt.level, now); !slices.Equal(got, tt.status) {
			t.Errorf("level %d: Values(status) = %v, want %v", tt.level, got, tt.status)
		}
	}
}

func TestExpiredTermsNeitherMatchNorCount(t *testing.T) {
	day := 24 * time.Hour
	cert := func(v string, until time.Time) Term { return Term{Facet: "cert", Value: v, Until: until} }
	x := New()
	x.Put(doc(1, "a", cert("iso13485", now.Add(-day)), cert("iso9001", time.Time{})))
	x.Put(doc(2, "b", cert("iso13485", now.Add(10*day))))
	// The same value twice, the later date wins.
	x.Put(doc(3, "c", cert("iso13485", now.Add(-day)), cert("iso13485", now.Add(20*day))))

	search := func(at time.Time) ([]int64, []Count) {
		r := x.Search(Query{All: true, Filters: []Filter{{"cert", []string{"iso13485"}}}, Facets: []string{"cert"}, Now: at})
		return r.IDs, r.Facets["cert"]
	}
	check := func(step string, at time.Time, wantIDs []int64, wantCounts string) {
		t.Helper()
		ids, c := search(at)
		if !slices.Equal(ids, wantIDs) || !slices.Equal(c, counts(wantCounts)) {
			t.Errorf("%s: IDs %v counts %v, want %v %v", step, ids, c, wantIDs, counts(wantCounts))
		}
	}
	check("now", now, []int64{2, 3}, "iso13485:2 iso9001:1")
	check("until is inclusive", now.Add(10*day), []int64{2, 3}, "iso13485:2 iso9001:1")
	check("after 11 days", now.Add(11*day), []int64{3}, "iso13485:1 iso9001:1")
	check("after 21 days", now.Add(21*day), []int64{}, "iso9001:1")

	// A document put after the clock moved, expiring before the next query.
	x.Put(doc(4, "d", cert("iso13485", now.Add(22*day))))
	check("new doc live", now.Add(21*day), []int64{4}, "iso13485:1 iso9001:1")
	check("new doc expired", now.Add(23*day), []int64{}, "iso9001:1")
	// A document put already expired.
	x.Put(doc(5, "e", cert("iso13485", now.Add(-5*day))))
	check("put expired", now.Add(23*day), []int64{}, "iso9001:1")

	// Time going backwards brings terms back.
	check("back to now", now, []int64{2, 3, 4}, "iso13485:3 iso9001:1")
	check("zero Now: nothing expired", time.Time{}, []int64{1, 2, 3, 4, 5}, "iso13485:5 iso9001:1")
	if got, want := x.Values("cert", Public, now.Add(-2*day)), counts("iso13485:4 iso9001:1"); !slices.Equal(got, want) {
		t.Errorf("Values two days ago = %v, want %v", got, want)
	}
	if got, want := x.Values("cert", Public, now.Add(15*day)), counts("iso13485:2 iso9001:1"); !slices.Equal(got, want) {
		t.Errorf("Values in 15 days = %v, want %v", got, want)
	}
}

func TestRangesAreInclusiveAndAnyNumberMaySatisfy(t *testing.T) {
	x := New()
	x.Put(Doc{ID: 1, SortKey: "a", Numbers: []Number{{Name: "area", Value: 120}}})
	x.Put(Doc{ID: 2, SortKey: "b", Numbers: []Number{{Name: "area", Value: 40}, {Name: "area", Value: 500}, {Name: "staff", Value: 12}}})
	x.Put(Doc{ID: 3, SortKey: "c", Numbers: []Number{{Name: "staff", Value: 3}, {Name: "area", Value: math.NaN()}}})
	x.Put(Doc{ID: 4, SortKey: "d"})
	inf := math.Inf(1)
	tests := []struct {
		ranges []Range
		want   []int64
	}{
		{[]Range{{"area", 120, 120}}, []int64{1}},
		{[]Range{{"area", 100, 200}}, []int64{1}},
		{[]Range{{"area", 400, inf}}, []int64{2}},
		{[]Range{{"area", 30, 50}}, []int64{2}},
		{[]Range{{"area", -inf, inf}}, []int64{1, 2}},
		{[]Range{{"area", 200, 100}}, []int64{}},
		{[]Range{{"staff", 0, 10}}, []int64{3}},
		{[]Range{{"staff", 0, 20}, {"area", 0, 100}}, []int64{2}},
		{[]Range{{"volume", -inf, inf}}, []int64{}},
	}
	for _, tt := range tests {
		if r := x.Search(Query{All: true, Ranges: tt.ranges, Now: now}); !slices.Equal(r.IDs, tt.want) {
			t.Errorf("%v: IDs = %v, want %v", tt.ranges, r.IDs, tt.want)
		}
	}
	// Replacing drops the former numbers.
	x.Put(Doc{ID: 2, SortKey: "b", Numbers: []Number{{Name: "area", Value: 45}}})
	if r := x.Search(Query{All: true, Ranges: []Range{{"area", 400, inf}}, Now: now}); len(r.IDs) != 0 {
		t.Errorf("after replace: IDs = %v, want none", r.IDs)
	}
}

func TestNearUsesGreatCircleDistance(t *testing.T) {
	lyon := Near{Lat: 45.7640, Lon: 4.8357}
	x := New()
	x.PutAll([]Doc{
		{ID: 1, SortKey: "grenoble", Geo: &Point{Lat: 45.1885, Lon: 5.7245}},
		{ID: 2, SortKey: "paris", Geo: &Point{Lat: 48.8566, Lon: 2.3522}},
		{ID: 3, SortKey: "villeurbanne", Geo: &Point{Lat: 45.7719, Lon: 4.8902}},
		{ID: 4, SortKey: "nowhere"},
		{ID: 5, SortKey: "invalid", Geo: &Point{Lat: 95, Lon: 4.8357}},
		{ID: 6, SortKey: "invalid too", Geo: &Point{Lat: 45.7640, Lon: math.NaN()}},
	})
	if d := haversine(lyon.Lat, lyon.Lon, 45.1885, 5.7245); d < 93 || d > 96 {
		t.Errorf("Lyon-Grenoble = %.1f km, want about 95", d)
	}
	if d := haversine(lyon.Lat, lyon.Lon, 48.8566, 2.3522); d < 385 || d > 398 {
		t.Errorf("Lyon-Paris = %.1f km, want about 392", d)
	}
	tests := []struct {
		km   float64
		want []int64
	}{
		{1, []int64{}},
		{10, []int64{3}},
		{94, []int64{3}},
		{96, []int64{1, 3}},
		{500, []int64{1, 2, 3}},
		{math.Inf(1), []int64{1, 2, 3}},
		{-1, []int64{}},
	}
	for _, tt := range tests {
		n := lyon
		n.Km = tt.km
		r := x.Search(Query{All: true, Near: &n, Now: now})
		if !slices.Equal(r.IDs, tt.want) {
			t.Errorf("within %v km: IDs = %v, want %v", tt.km, r.IDs, tt.want)
		}
		if len(r.Distances) != len(r.IDs) {
			t.Fatalf("within %v km: %d distances for %d IDs", tt.km, len(r.Distances), len(r.IDs))
		}
		for i, d := range r.Distances {
			if d > tt.km {
				t.Errorf("within %v km: ID %d at %.1f km", tt.km, r.IDs[i], d)
			}
		}
	}
	if r := x.Search(Query{All: true, Now: now}); r.Distances != nil {
		t.Errorf("Distances without Near = %v, want nil", r.Distances)
	}
}

func TestNearAcrossTheAntimeridianAndPole(t *testing.T) {
	x := New()
	x.Put(Doc{ID: 1, SortKey: "east", Geo: &Point{Lat: -17, Lon: 179.9}})
	x.Put(Doc{ID: 2, SortKey: "north", Geo: &Point{Lat: 89.9, Lon: -120}})
	if r := x.Search(Query{All: true, Near: &Near{Lat: -17, Lon: -179.9, Km: 30}, Now: now}); !slices.Equal(r.IDs, []int64{1}) {
		t.Errorf("antimeridian: IDs = %v, want [1]", r.IDs)
	}
	if r := x.Search(Query{All: true, Near: &Near{Lat: 89.9, Lon: 60, Km: 30}, Now: now}); !slices.Equal(r.IDs, []int64{2}) {
		t.Errorf("pole: IDs = %v, want [2]", r.IDs)
	}
}

func TestDeleteRemovesEverywhereAndFreesTheSlot(t *testing.T) {
	x := sample()
	slots := len(x.docs)
	x.Delete(3)
	x.Delete(42) // unknown: no effect
	if x.Has(3) || x.Len() != 4 {
		t.Fatalf("after delete: Has(3) = %v, Len = %d", x.Has(3), x.Len())
	}
	r := x.Search(Query{All: true, Facets: []string{"sector"}, Now: now})
	if !slices.Equal(r.IDs, []int64{1, 2, 4, 5}) {
		t.Errorf("IDs = %v", r.IDs)
	}
	if want := counts("medtech:2 biotech:1 pharma:1"); !slices.Equal(r.Facets["sector"], want) {
		t.Errorf("sector = %v, want %v", r.Facets["sector"], want)
	}
	x.Put(doc(6, "zeta", term("sector", "cosmetics")))
	if len(x.docs) != slots {
		t.Errorf("slots = %d after reuse, want %d", len(x.docs), slots)
	}
	r = x.Search(Query{All: true, Filters: []Filter{{"sector", []string{"biotech", "cosmetics"}}}, Now: now})
	if !slices.Equal(r.IDs, []int64{2, 6}) {
		t.Errorf("after reuse: IDs = %v, want [2 6]", r.IDs)
	}
	if r := x.Search(Query{Match: []int64{3}, Now: now}); r.Total != 0 {
		t.Errorf("deleted ID still matches: %v", r.IDs)
	}
}

func TestNameOrderBreaksTiesByID(t *testing.T) {
	x := New()
	x.Put(doc(30, "same"))
	x.Put(doc(10, "same"))
	x.Put(doc(20, "same"))
	x.Put(doc(5, "z"))
	x.Put(doc(7, "a"))
	x.Put(doc(10, "same")) // replace, same key
	want := []int64{7, 10, 20, 30, 5}
	if r := x.Search(Query{All: true, Now: now}); !slices.Equal(r.IDs, want) {
		t.Errorf("IDs = %v, want %v", r.IDs, want)
	}
	x.Put(doc(20, "b")) // replace, new key
	want = []int64{7, 20, 10, 30, 5}
	if r := x.Search(Query{All: true, Now: now}); !slices.Equal(r.IDs, want) {
		t.Errorf("after rename: IDs = %v, want %v", r.IDs, want)
	}
	// ByRank without ranks is name order too.
	if r := x.Search(Query{Match: []int64{5, 30, 7, 10, 20}, ByRank: true, Now: now}); !slices.Equal(r.IDs, want) {
		t.Errorf("ByRank without ranks: IDs = %v, want %v", r.IDs, want)
	}
}

func TestRankOrder(t *testing.T) {
	x := New()
	for i := int64(1); i <= 6; i++ {
		x.Put(doc(i, string(rune('a'+6-i))))
	}
	r := x.Search(Query{
		Match:  []int64{1, 2, 3, 4, 5, 6, 2},
		Ranks:  []float64{0.5, 0.1, 0.9, 0.5, math.NaN(), 0.5, 0.7},
		ByRank: true,
		Now:    now,
	})
	// 3 (0.9), 2 (0.7, its best), then 0.5 by key: 6 "a", 4 "c", 1 "f"; 5 (NaN counts 0).
	if want := []int64{3, 2, 6, 4, 1, 5}; !slices.Equal(r.IDs, want) {
		t.Errorf("IDs = %v, want %v", r.IDs, want)
	}
	if want := []float64{0.9, 0.7, 0.5, 0.5, 0.5, 0}; !slices.Equal(r.Ranks, want) {
		t.Errorf("Ranks = %v, want %v", r.Ranks, want)
	}
	// Name order keeps the ranks.
	r = x.Search(Query{Match: []int64{1, 3}, Ranks: []float64{0.25, 0.75}, Now: now})
	if !slices.Equal(r.IDs, []int64{3, 1}) || !slices.Equal(r.Ranks, []float64{0.75, 0.25}) {
		t.Errorf("name order: IDs %v Ranks %v", r.IDs, r.Ranks)
	}
}

func TestPaging(t *testing.T) {
	x := New()
	var docs []Doc
	for i := range int64(45) {
		docs = append(docs, doc(i+1, fmt.Sprintf("org%02d", i)))
	}
	x.PutAll(docs)
	tests := []struct {
		offset, limit int
		first         int64
		n             int
	}{
		{0, 0, 1, 20},
		{20, 0, 21, 20},
		{40, 0, 41, 5},
		{45, 0, 0, 0},
		{1000, 10, 0, 0},
		{-5, 3, 1, 3},
		{10, 100, 11, 35},
	}
	for _, byRank := range []bool{false, true} {
		for _, tt := range tests {
			q := Query{Offset: tt.offset, Limit: tt.limit, ByRank: byRank, Now: now}
			for _, d := range docs {
				q.Match = append(q.Match, d.ID)
				q.Ranks = append(q.Ranks, float64(100-d.ID))
			}
			r := x.Search(q)
			if r.Total != 45 || len(r.IDs) != tt.n || len(r.Ranks) != tt.n {
				t.Errorf("byRank %v offset %d limit %d: total %d, %d IDs, want %d", byRank, tt.offset, tt.limit, r.Total, len(r.IDs), tt.n)
				continue
			}
			for i, id := range r.IDs {
				if id != tt.first+int64(i) {
					t.Errorf("byRank %v offset %d limit %d: IDs = %v", byRank, tt.offset, tt.limit, r.IDs)
					break
				}
			}
		}
	}
}

func TestUnknownIDsInMatchAreIgnored(t *testing.T) {
	x := sample()
	r := x.Search(Query{Match: []int64{99, 4, -1, 1 << 40, 2}, Ranks: []float64{9, 1, 9, 9, 2}, ByRank: true, Facets: []string{"kind"}, Now: now})
	if !slices.Equal(r.IDs, []int64{2, 4}) || r.Total != 2 {
		t.Errorf("IDs = %v (total %d), want [2 4]", r.IDs, r.Total)
	}
	if want := counts("large:1 sme:1"); !slices.Equal(r.Facets["kind"], want) {
		t.Errorf("kind = %v, want %v", r.Facets["kind"], want)
	}
	if r := x.Search(Query{Now: now}); r.Total != 0 || len(r.IDs) != 0 {
		t.Errorf("empty match: %+v", r)
	}
}

func TestIDsOutsideTheTableGoToTheMap(t *testing.T) {
	x := New()
	ids := []int64{-7, 1 << 50, 3, 200_000, math.MaxInt64, math.MinInt64}
	for i, id := range ids {
		x.Put(doc(id, fmt.Sprint(i)))
	}
	for _, id := range ids {
		if !x.Has(id) {
			t.Errorf("Has(%d) = false", id)
		}
	}
	r := x.Search(Query{Match: ids, Now: now})
	if !slices.Equal(r.IDs, ids) {
		t.Errorf("IDs = %v, want %v", r.IDs, ids)
	}
	x.Delete(1 << 50)
	x.Delete(-7)
	if x.Has(1<<50) || x.Has(-7) || x.Len() != 4 {
		t.Errorf("after delete: Len %d", x.Len())
	}
}

func TestPutAllReplacesAndKeepsTheLastDuplicate(t *testing.T) {
	x := sample()
	x.PutAll([]Doc{doc(2, "beta", term("sector", "pharma")), doc(9, "iota"), doc(9, "aaa", term("sector", "pharma"))})
	r := x.Search(Query{All: true, Filters: []Filter{{"sector", []string{"pharma"}}}, Now: now})
	if !slices.Equal(r.IDs, []int64{9, 2, 4}) || x.Len() != 6 {
		t.Errorf("IDs = %v, Len %d", r.IDs, x.Len())
	}
	// A large batch takes the bulk path.
	var docs []Doc
	for i := range int64(3000) {
		docs = append(docs, doc(i%2000+1, fmt.Sprintf("k%05d", 5000-i), term("n", fmt.Sprint(i%3))))
	}
	x.PutAll(docs)
	r = x.Search(Query{All: true, Facets: []string{"n", "sector"}, Limit: 2, Now: now})
	if x.Len() != 2000 || r.Total != 2000 || !slices.Equal(r.IDs, []int64{1000, 999}) {
		t.Errorf("bulk: Len %d, total %d, IDs %v", x.Len(), r.Total, r.IDs)
	}
	if want := counts("1:667 2:667 0:666"); !slices.Equal(r.Facets["n"], want) || len(r.Facets["sector"]) != 0 {
		t.Errorf("bulk: facets %v", r.Facets)
	}
}

// reference is a naive implementation of the index, for the randomized
// comparison.
type reference map[int64]Doc

func (ref reference) visible(l, viewer Level) bool { return l <= min(viewer, Staff) }

func (ref reference) has(d Doc, facet, val string, q *Query) bool {
	for _, t := range d.Terms {
		if t.Facet == facet && t.Value == val && ref.visible(t.Level, q.Level) && (t.Until.IsZero() || !t.Until.Before(q.Now)) {
			return true
		}
	}
	return false
}

// passes reports whether d passes everything but the filters on facet skip.
func (ref reference) passes(d Doc, q *Query, skip string) bool {
	for _, f := range q.Filters {
		if len(f.Values) == 0 || f.Facet == skip {
			continue
		}
		if !slices.ContainsFunc(f.Values, func(v string) bool { return ref.has(d, f.Facet, v, q) }) {
			return false
		}
	}
	return true
}

// words returns d's stems as the index keeps them: each once, at its
// lowest level, a Name word if any occurrence is.
func (ref reference) words(d Doc) map[string]Word {
	out := map[string]Word{}
	for _, w := range d.Words {
		if w.Level > Staff || w.Stem == "" {
			continue
		}
		if old, ok := out[w.Stem]; ok {
			w.Level, w.Name = min(w.Level, old.Level), w.Name || old.Name
		}
		out[w.Stem] = w
	}
	return out
}

// textMatch reports whether d has a word visible at lvl matching term, and
// whether one such word is a Name word.
func (ref reference) textMatch(d Doc, term TextTerm, lvl Level) (match, name bool) {
	for stem, w := range ref.words(d) {
		if w.Level > lvl || term.Stem == "" {
			continue
		}
		if stem == term.Stem || term.Prefix && strings.HasPrefix(stem, term.Stem) {
			match, name = true, name || w.Name
		}
	}
	return match, name
}

// textScores returns the relevance of the documents matching every term
// (any term, with anyTerm), computed as Query.Text documents it, and the
// terms each matches.
func (ref reference) textScores(terms []TextTerm, level Level, anyTerm bool) (map[int64]float64, map[int64]uint64) {
	lvl := min(level, Staff)
	n := float64(len(ref))
	total := 0
	lens := map[int64]int{}
	for id, d := range ref {
		for _, w := range ref.words(d) {
			if w.Level <= lvl {
				lens[id]++
			}
		}
		total += lens[id]
	}
	idf := make([]float64, len(terms))
	for i, t := range terms {
		df := 0
		for _, d := range ref {
			if ok, _ := ref.textMatch(d, t, lvl); ok {
				df++
			}
		}
		if df > 0 {
			idf[i] = math.Log(1 + n/float64(df))
		}
	}
	avg := float64(total) / n
	out, masks := map[int64]float64{}, map[int64]uint64{}
	for id, d := range ref {
		sum, all, some := 0.0, true, false
		var mask uint64
		for i, t := range terms {
			ok, name := ref.textMatch(d, t, lvl)
			all, some = all && ok, some || ok
			if ok && i < MaxMaskTerms {
				mask |= 1 << i
			}
			switch {
			case anyTerm && !ok:
			case name:
				sum += float64(4 * idf[i])
			default:
				sum += idf[i]
			}
		}
		if all || anyTerm && some {
			out[id] = sum / (1 + 0.25*float64(lens[id])/avg)
			masks[id] = mask
		}
	}
	return out, masks
}

// boosted returns rank r of d plus its boosts, as Query.Boosts documents.
func (ref reference) boosted(d Doc, r float64, q *Query) float64 {
	ok := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
	for _, b := range q.Boosts {
		if ok(b.Add) && ref.has(d, b.Facet, b.Value, q) {
			r += b.Add
		}
	}
	if add, found := q.IDBoosts[d.ID]; found && ok(add) {
		r += add
	}
	return r
}

func (ref reference) search(q Query) Result {
	ranks := map[int64]float64{}
	if q.All {
		for id := range ref {
			ranks[id] = 0
		}
	} else {
		for i, id := range q.Match {
			if _, ok := ref[id]; !ok {
				continue
			}
			r := 0.0
			if i < len(q.Ranks) && !math.IsNaN(q.Ranks[i]) {
				r = q.Ranks[i]
			}
			if old, seen := ranks[id]; !seen || r > old {
				ranks[id] = r
			}
		}
	}
	for _, id := range q.Exclude {
		delete(ranks, id)
	}
	var scores map[int64]float64
	var masks map[int64]uint64
	if len(q.Text) > 0 {
		scores, masks = ref.textScores(q.Text, q.Level, q.AnyText)
		for id := range ranks {
			if sc, ok := scores[id]; ok {
				ranks[id] = sc
			} else {
				delete(ranks, id)
			}
		}
	}
	for id, r := range ranks {
		ranks[id] = ref.boosted(ref[id], r, &q)
	}
	var cand []Doc
	for id := range ranks {
		d := ref[id]
		ok := true
		for _, rg := range q.Ranges {
			ok = ok && slices.ContainsFunc(d.Numbers, func(n Number) bool {
				return n.Name == rg.Name && ref.visible(n.Level, q.Level) && n.Value >= rg.Min && n.Value <= rg.Max
			})
		}
		if n := q.Near; n != nil {
			ok = ok && d.Geo != nil && ref.visible(d.Geo.Level, q.Level) && haversine(n.Lat, n.Lon, d.Geo.Lat, d.Geo.Lon) <= n.Km
		}
		if ok {
			cand = append(cand, d)
		}
	}
	res := Result{Facets: map[string][]Count{}}
	var hits []Doc
	for _, d := range cand {
		if ref.passes(d, &q, "\x00none") {
			hits = append(hits, d)
		}
	}
	res.Total = len(hits)
	for _, f := range q.Facets {
		n := map[string]int{}
		for _, d := range cand {
			if !ref.passes(d, &q, f) {
				continue
			}
			seen := map[string]bool{}
			for _, t := range d.Terms {
				if t.Facet == f && !seen[t.Value] && ref.has(d, f, t.Value, &q) {
					seen[t.Value] = true
					n[t.Value]++
				}
			}
		}
		c := []Count{}
		for v, k := range n {
			c = append(c, Count{v, k})
		}
		sortCounts(c)
		res.Facets[f] = c
	}
	slices.SortFunc(hits, func(a, b Doc) int {
		if q.ByRank && ranks[a.ID] != ranks[b.ID] {
			return cmp.Compare(ranks[b.ID], ranks[a.ID])
		}
		if c := strings.Compare(a.SortKey, b.SortKey); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	lim := q.Limit
	if lim <= 0 {
		lim = DefaultLimit
	}
	off := max(q.Offset, 0)
	res.IDs, res.Ranks = []int64{}, []float64{}
	if q.Near != nil {
		res.Distances = []float64{}
	}
	if len(q.Text) > 0 {
		res.TextRanks, res.TermMasks = []float64{}, []uint64{}
	}
	for i := off; i < len(hits) && i < off+lim; i++ {
		d := hits[i]
		res.IDs = append(res.IDs, d.ID)
		res.Ranks = append(res.Ranks, ranks[d.ID])
		if len(q.Text) > 0 {
			res.TextRanks = append(res.TextRanks, scores[d.ID])
			res.TermMasks = append(res.TermMasks, masks[d.ID])
		}
		if n := q.Near; n != nil {
			res.Distances = append(res.Distances, haversine(n.Lat, n.Lon, d.Geo.Lat, d.Geo.Lon))
		}
	}
	return res
}

func (ref reference) values(facet string, lvl Level, at time.Time) []Count {
	q := Query{All: true, Level: lvl, Now: at, Facets: []string{facet}}
	return ref.search(q).Facets[facet]
}

// randomDoc draws a document over a small vocabulary, so that filters hit.
func randomDoc(r *rand.Rand, id int64) Doc {
	d := Doc{ID: id, SortKey: fmt.Sprintf("k%d", r.IntN(30))}
	facets := []string{"sector", "kind", "cert", "brick"}
	for range r.IntN(8) {
		t := Term{
			Facet: facets[r.IntN(len(facets))],
			Value: fmt.Sprintf("v%d", r.IntN(6)),
			Level: Level(r.IntN(7) / 2), // 0..3, 3 seen by nobody
		}
		if r.IntN(3) == 0 {
			t.Until = now.Add(time.Duration(r.IntN(21)-10) * 24 * time.Hour)
		}
		d.Terms = append(d.Terms, t)
	}
	for range r.IntN(4) {
		d.Numbers = append(d.Numbers, Number{Name: []string{"area", "staff"}[r.IntN(2)], Value: float64(r.IntN(100)), Level: Level(r.IntN(3))})
	}
	if r.IntN(4) != 0 {
		d.Geo = &Point{Lat: 43 + r.Float64()*6, Lon: -1 + r.Float64()*8, Level: Level(r.IntN(3))}
	}
	for range r.IntN(9) {
		d.Words = append(d.Words, Word{
			Stem:  randomStems[r.IntN(len(randomStems))],
			Level: Level(r.IntN(7) / 2),
			Name:  r.IntN(4) == 0,
		})
	}
	return d
}

// randomStems is the vocabulary of the random documents: stems sharing
// prefixes, and an empty one.
var randomStems = []string{"bio", "biotech", "biolog", "med", "medic", "medtech", "pharma", "phar", "sant", "lyon", "ab", "a", ""}

// randomTerms are the query terms drawn with them, prefixes included.
var randomTerms = append([]string{"b", "bi", "me", "medi", "ph", "zz", "c"}, randomStems...)

func randomQuery(r *rand.Rand, ids []int64) Query {
	q := Query{
		Level:  Level(r.IntN(4)),
		All:    r.IntN(4) == 0,
		ByRank: r.IntN(2) == 0,
		Offset: r.IntN(40) - 5,
		Limit:  r.IntN(30) - 5,
		Now:    now.Add(time.Duration(r.IntN(31)-15) * 24 * time.Hour),
	}
	if !q.All {
		withRanks := r.IntN(3) != 0
		n := r.IntN(len(ids) + 20)
		if r.IntN(2) == 0 {
			n = r.IntN(8) // a small match set: sparse counting, selection
		}
		for range n {
			id := int64(r.IntN(2*len(ids) + 100)) // some unknown
			if len(ids) > 0 && r.IntN(5) != 0 {
				id = ids[r.IntN(len(ids))]
			}
			q.Match = append(q.Match, id)
			if withRanks {
				q.Ranks = append(q.Ranks, float64(r.IntN(5)))
			}
		}
	}
	facets := []string{"sector", "kind", "cert", "brick", "nope"}
	for range r.IntN(4) {
		f := Filter{Facet: facets[r.IntN(len(facets))]}
		for range r.IntN(3) {
			f.Values = append(f.Values, fmt.Sprintf("v%d", r.IntN(7)))
		}
		q.Filters = append(q.Filters, f)
	}
	for range r.IntN(2) {
		lo := float64(r.IntN(100))
		q.Ranges = append(q.Ranges, Range{Name: []string{"area", "staff", "none"}[r.IntN(3)], Min: lo, Max: lo + float64(r.IntN(60))})
	}
	if r.IntN(3) == 0 {
		q.Near = &Near{Lat: 43 + r.Float64()*6, Lon: -1 + r.Float64()*8, Km: float64(r.IntN(400))}
	}
	for _, f := range facets {
		if r.IntN(2) == 0 {
			q.Facets = append(q.Facets, f)
		}
	}
	if r.IntN(2) == 0 {
		for range 1 + r.IntN(3) {
			q.Text = append(q.Text, TextTerm{Stem: randomTerms[r.IntN(len(randomTerms))], Prefix: r.IntN(3) == 0})
		}
	}
	// Drawn last, so that the draws above stay those of the queries
	// before these fields existed.
	q.AnyText = r.IntN(2) == 0
	adds := []float64{0.5, 1, 2.25, -1, 0, math.NaN(), math.Inf(1)}
	if r.IntN(3) == 0 {
		for range 1 + r.IntN(3) {
			q.Boosts = append(q.Boosts, Boost{Facet: facets[r.IntN(len(facets))], Value: fmt.Sprintf("v%d", r.IntN(7)), Add: adds[r.IntN(len(adds))]})
		}
	}
	if r.IntN(4) == 0 && len(ids) > 0 {
		q.IDBoosts = map[int64]float64{}
		for range 1 + r.IntN(5) {
			q.IDBoosts[ids[r.IntN(len(ids))]] = adds[r.IntN(len(adds))]
		}
		q.IDBoosts[-1000] = 3 // unknown
	}
	if r.IntN(5) == 0 && len(ids) > 0 {
		for range 1 + r.IntN(5) {
			q.Exclude = append(q.Exclude, ids[r.IntN(len(ids))])
		}
		q.Exclude = append(q.Exclude, -1000)
	}
	return q
}

func sameResult(got, want Result) bool {
	if got.Total != want.Total || !slices.Equal(got.IDs, want.IDs) || !slices.Equal(got.Ranks, want.Ranks) {
		return false
	}
	if (got.TermMasks == nil) != (want.TermMasks == nil) || !slices.Equal(got.TermMasks, want.TermMasks) || !slices.Equal(got.TextRanks, want.TextRanks) {
		return false
	}
	if (got.Distances == nil) != (want.Distances == nil) || len(got.Distances) != len(want.Distances) {
		return false
	}
	for i := range got.Distances {
		if math.Abs(got.Distances[i]-want.Distances[i]) > 1e-9 {
			return false
		}
	}
	return reflect.DeepEqual(got.Facets, want.Facets)
}

func TestSearchMatchesANaiveReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	// Small indexes, and one large enough for the sparse paths.
	for round, size := range []int{300, 300, 300, 300, 3000} {
		x, ref := New(), reference{}
		if round%2 == 1 {
			x.text.denseMin = 4 // most stems dense, made so by Put as well
		}
		var docs []Doc
		span := size * 4 / 3
		for range size {
			d := randomDoc(r, int64(r.IntN(span))-20)
			docs = append(docs, d)
			ref[d.ID] = d
		}
		x.PutAll(docs)
		for step := range 200 {
			switch r.IntN(7) {
			case 0:
				d := randomDoc(r, int64(r.IntN(span))-20)
				x.Put(d)
				ref[d.ID] = d
			case 1:
				id := int64(r.IntN(span)) - 20
				x.Delete(id)
				delete(ref, id)
			case 2: // a small batch, merged into the name order
				var batch []Doc
				for range 1 + r.IntN(size/40) {
					d := randomDoc(r, int64(r.IntN(span))-20)
					batch = append(batch, d)
					ref[d.ID] = d
				}
				x.PutAll(batch)
			}
			ids := make([]int64, 0, len(ref))
			for id := range ref {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			q := randomQuery(r, ids)
			got, want := x.Search(q), ref.search(q)
			if !sameResult(got, want) {
				t.Fatalf("round %d step %d: query %+v\n got %+v\nwant %+v", round, step, q, got, want)
			}
			if x.Len() != len(ref) {
				t.Fatalf("round %d step %d: Len %d, want %d", round, step, x.Len(), len(ref))
			}
			f := []string{"sector", "cert", "nope"}[r.IntN(3)]
			if got, want := x.Values(f, q.Level, q.Now), ref.values(f, q.Level, q.Now); !slices.Equal(got, want) {
				t.Fatalf("round %d step %d: Values(%s, %d, %v) = %v, want %v", round, step, f, q.Level, q.Now, got, want)
			}
		}
	}
}

func TestConcurrentPutDeleteAndSearch(t *testing.T) {
	x := New()
	r := rand.New(rand.NewPCG(3, 4))
	// Each writer owns a range of IDs and keeps its own reference, so that
	// the final state is known.
	refs := []reference{{}, {}}
	var docs []Doc
	for i := range int64(600) {
		d := randomDoc(r, i)
		docs = append(docs, d)
		refs[i/300][i] = d
	}
	x.PutAll(docs)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 9))
			for range 300 {
				id := int64(w*300 + r.IntN(300))
				if r.IntN(3) == 0 {
					x.Delete(id)
					delete(refs[w], id)
				} else {
					d := randomDoc(r, id)
					x.Put(d)
					refs[w][id] = d
				}
			}
		})
	}
	ids := make([]int64, 600)
	for i := range ids {
		ids[i] = int64(i)
	}
	for w := range 3 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 10))
			for range 200 {
				q := randomQuery(r, ids)
				res := x.Search(q)
				if len(res.IDs) > res.Total || len(res.Ranks) != len(res.IDs) {
					t.Errorf("inconsistent result: %d IDs, total %d", len(res.IDs), res.Total)
				}
				x.Values("cert", q.Level, q.Now)
			}
		})
	}
	wg.Wait()

	ref := reference{}
	for _, rw := range refs {
		maps.Copy(ref, rw)
	}
	if x.Len() != len(ref) {
		t.Fatalf("Len = %d, want %d", x.Len(), len(ref))
	}
	for i := range 50 {
		q := randomQuery(r, ids)
		if got, want := x.Search(q), ref.search(q); !sameResult(got, want) {
			t.Fatalf("query %d after the writers: %+v\n got %+v\nwant %+v", i, q, got, want)
		}
	}
}

// stems turns "medtech lyon:1 acme:n" into words: ":1" and ":2" give the
// level, ":n" marks a Name word.
func stems(s string) []Word {
	var out []Word
	for _, f := range strings.Fields(s) {
		stem, tags, _ := strings.Cut(f, ":")
		w := Word{Stem: stem}
		for _, c := range tags {
			switch c {
			case 'n':
				w.Name = true
			case '1', '2', '3':
				w.Level = Level(c - '0')
			}
		}
		out = append(out, w)
	}
	return out
}

// terms turns "bio medic*" into text terms, a trailing * making a prefix.
func terms(s string) []TextTerm {
	var out []TextTerm
	for _, f := range strings.Fields(s) {
		stem, prefix := strings.CutSuffix(f, "*")
		out = append(out, TextTerm{Stem: stem, Prefix: prefix})
	}
	return out
}

func textSample() *Index {
	x := New()
	x.PutAll([]Doc{
		{ID: 1, SortKey: "a", Words: stems("biotech lyon cancer")},
		{ID: 2, SortKey: "b", Words: stems("biolog lyon imag:1")},
		{ID: 3, SortKey: "c", Words: stems("medtech grenobl imag cancer:2")},
		{ID: 4, SortKey: "d", Words: stems("bio medic lyon")},
		{ID: 5, SortKey: "e"},
	})
	return x
}

func TestTextMatchesEveryTermWholeOrAsPrefix(t *testing.T) {
	x := textSample()
	tests := []struct {
		terms string
		level Level
		want  []int64
	}{
		{"lyon", Public, []int64{1, 2, 4}},
		{"bio", Public, []int64{4}},
		{"bio*", Public, []int64{1, 2, 4}},
		{"bio* lyon", Public, []int64{1, 2, 4}},
		{"bio* cancer", Public, []int64{1}},
		{"lyon imag", Public, []int64{}},
		{"lyon imag", Members, []int64{2}},
		{"imag", Public, []int64{3}},
		{"cancer", Members, []int64{1}},
		{"cancer", Staff, []int64{1, 3}},
		{"cancer", Staff + 1, []int64{1, 3}},
		{"med*", Public, []int64{3, 4}},
		{"medtech*", Public, []int64{3}},
		{"medtechs*", Public, []int64{}},
		{"m*", Public, []int64{3, 4}},
		{"z*", Public, []int64{}},
		{"lyo", Public, []int64{}},
		{"unknown lyon", Public, []int64{}},
		{"*", Public, []int64{}}, // an empty stem matches nothing
	}
	for _, tt := range tests {
		for _, byRank := range []bool{false, true} {
			r := x.Search(Query{All: true, Text: terms(tt.terms), Level: tt.level, ByRank: byRank, Now: now})
			got := slices.Sorted(slices.Values(r.IDs))
			if !slices.Equal(got, tt.want) || r.Total != len(tt.want) {
				t.Errorf("%q at level %d (by rank %v): IDs = %v (total %d), want %v", tt.terms, tt.level, byRank, r.IDs, r.Total, tt.want)
			}
		}
	}
}

func TestTextCombinesWithMatchFiltersAndCounts(t *testing.T) {
	x := New()
	x.PutAll([]Doc{
		{ID: 1, SortKey: "a", Words: stems("lyon"), Terms: []Term{term("sector", "medtech")}},
		{ID: 2, SortKey: "b", Words: stems("lyon"), Terms: []Term{term("sector", "biotech")}},
		{ID: 3, SortKey: "c", Words: stems("lyon"), Terms: []Term{term("sector", "medtech")}},
		{ID: 4, SortKey: "d", Words: stems("paris"), Terms: []Term{term("sector", "medtech")}},
	})
	r := x.Search(Query{All: true, Text: terms("lyon"), Filters: []Filter{{"sector", []string{"medtech"}}}, Facets: []string{"sector"}, Now: now})
	if !slices.Equal(r.IDs, []int64{1, 3}) || !slices.Equal(r.Facets["sector"], counts("medtech:2 biotech:1")) {
		t.Errorf("with a filter: IDs %v, sector %v", r.IDs, r.Facets["sector"])
	}
	// Match narrows; its ranks give way to the text's relevance.
	r = x.Search(Query{Match: []int64{2, 3, 4}, Ranks: []float64{9, 1, 9}, Text: terms("lyon"), ByRank: true, Now: now})
	if !slices.Equal(r.IDs, []int64{2, 3}) || r.Ranks[0] != r.Ranks[1] || r.Ranks[0] == 9 {
		t.Errorf("with Match: IDs %v, ranks %v", r.IDs, r.Ranks)
	}
}

func TestTextRelevance(t *testing.T) {
	x := New()
	x.PutAll([]Doc{
		{ID: 1, SortKey: "a", Words: stems("robot chirurg lyon")},
		{ID: 2, SortKey: "b", Words: stems("robot:n chirurg lyon")},
		{ID: 3, SortKey: "c", Words: stems("robot chirurg lyon paris grenobl lill")},
		{ID: 4, SortKey: "d", Words: stems("chirurg lyon robot:2:n robot:1")}, // a Members word, Name from its staff twin
		{ID: 5, SortKey: "e", Words: stems("robotiqu:n")},
	})
	// Level Public: documents 1-3 have "robot" (df 3 of N 5), lengths 3, 3,
	// 6, 2, 1: mean 3.
	n, avg := 5.0, 3.0 // variables: constant arithmetic would be exact
	idf := math.Log(1 + n/3)
	norm := func(l float64) float64 { return 1 + 0.25*l/avg }
	r := x.Search(Query{All: true, Text: terms("robot"), ByRank: true, Now: now})
	wantRanks := []float64{4 * idf / norm(3), idf / norm(3), idf / norm(6)}
	if !slices.Equal(r.IDs, []int64{2, 1, 3}) || !slices.Equal(r.Ranks, wantRanks) {
		t.Errorf("public: IDs %v ranks %v, want [2 1 3] %v", r.IDs, r.Ranks, wantRanks)
	}
	// Name order keeps the ranks.
	r = x.Search(Query{All: true, Text: terms("robot"), Now: now})
	if !slices.Equal(r.IDs, []int64{1, 2, 3}) || !slices.Equal(r.Ranks, []float64{idf / norm(3), 4 * idf / norm(3), idf / norm(6)}) {
		t.Errorf("name order: IDs %v ranks %v", r.IDs, r.Ranks)
	}
	// Members see document 4's word, which counts as a Name word (the
	// stem's occurrences merge): it ties with document 2, and goes after it
	// by name.
	r = x.Search(Query{All: true, Text: terms("robot*"), Level: Members, ByRank: true, Now: now})
	if want := []int64{5, 2, 4, 1, 3}; !slices.Equal(r.IDs, want) || r.Ranks[1] != r.Ranks[2] {
		t.Errorf("members, prefix: IDs %v, want %v (ranks %v)", r.IDs, want, r.Ranks)
	}
	// Two terms add up.
	r = x.Search(Query{All: true, Text: terms("robot chirurg"), ByRank: true, Now: now})
	idf2 := math.Log(1 + n/4)
	if want := (4*idf + idf2) / norm(3); r.IDs[0] != 2 || r.Ranks[0] != want {
		t.Errorf("two terms: IDs %v ranks %v, want 2 first at %v", r.IDs, r.Ranks, want)
	}
}

func TestTextRanksDoNotDependOnHowTheIndexWasBuilt(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var docs []Doc
	for i := range int64(400) {
		docs = append(docs, randomDoc(r, i))
	}
	bulk := New()
	bulk.PutAll(docs)
	// One by one in reverse, with detours: replaced and deleted documents.
	byOne := New()
	for i := len(docs) - 1; i >= 0; i-- {
		byOne.Put(randomDoc(r, docs[i].ID))
		if i%3 == 0 {
			byOne.Delete(docs[i].ID)
		}
		byOne.Put(docs[i])
	}
	for i := range 100 {
		q := randomQuery(r, nil)
		q.All, q.Offset, q.Text = true, 0, []TextTerm{{Stem: randomTerms[i%len(randomTerms)], Prefix: i%2 == 0}}
		a, b := bulk.Search(q), byOne.Search(q)
		if !sameResult(a, b) {
			t.Fatalf("query %+v:\n bulk %+v\nby one %+v", q, a, b)
		}
		if c := bulk.Search(q); !sameResult(a, c) {
			t.Fatalf("query %+v twice:\n%+v\n%+v", q, a, c)
		}
	}
}

func TestReplacedAndDeletedDocumentsLoseTheirWords(t *testing.T) {
	x := textSample()
	ids := func(q string) []int64 {
		r := x.Search(Query{All: true, Text: terms(q), Level: Staff, Now: now})
		return slices.Sorted(slices.Values(r.IDs))
	}
	x.Put(Doc{ID: 1, SortKey: "a", Words: stems("paris cancer")})
	if got := ids("lyon"); !slices.Equal(got, []int64{2, 4}) {
		t.Errorf("after replace, lyon: %v", got)
	}
	if got := ids("paris cancer"); !slices.Equal(got, []int64{1}) {
		t.Errorf("after replace, paris cancer: %v", got)
	}
	x.Delete(4)
	if got := ids("lyon"); !slices.Equal(got, []int64{2}) {
		t.Errorf("after delete, lyon: %v", got)
	}
	x.PutAll([]Doc{{ID: 2, SortKey: "b"}, {ID: 6, SortKey: "f", Words: stems("lyon")}})
	if got := ids("lyon"); !slices.Equal(got, []int64{6}) {
		t.Errorf("after PutAll, lyon: %v", got)
	}

	// Many replacements: the retired slots are purged and reused, the
	// slot count stays near the document count.
	for i := range 2000 {
		id := int64(10 + i%20)
		x.Put(Doc{ID: id, SortKey: "k", Words: stems(fmt.Sprintf("w%d shared", i))})
		if i%7 == 0 {
			x.Delete(id)
		}
	}
	// The last round put w1980 to w1999 in documents 10 to 29, and deleted
	// those of 1981, 1988 and 1995.
	if got := ids("shared"); len(got) != 17 || x.Len() != 22 {
		t.Errorf("after churn: %d docs with shared, Len %d", len(got), x.Len())
	}
	for _, tt := range []struct {
		word string
		want []int64
	}{
		{"w1999", []int64{29}}, {"w1998", []int64{28}}, {"w1981", nil}, {"w1978", nil}, {"w5", nil},
		{"w199*", []int64{20, 21, 22, 23, 24, 26, 27, 28, 29}},
	} {
		if got := ids(tt.word); !slices.Equal(got, tt.want) {
			t.Errorf("after churn, %s: %v, want %v", tt.word, got, tt.want)
		}
	}
	if len(x.docs) > 200 || len(x.text.stems) > 1000 {
		t.Errorf("after churn: %d slots, %d stems", len(x.docs), len(x.text.stems))
	}
}

func TestANameWordWeighsOnlyWhereVisible(t *testing.T) {
	for _, dense := range []bool{false, true} {
		x := New()
		if dense {
			x.text.denseMin = 0
		}
		x.PutAll([]Doc{
			{ID: 1, SortKey: "a", Words: stems("bio:2:n biolog lyon")},
			{ID: 2, SortKey: "b", Words: stems("bio biolog")},
			{ID: 3, SortKey: "c", Words: stems("lyon bio biolog paris")},
		})
		if got := x.text.dense[x.text.sids["bio"]] > 0; got != dense {
			t.Fatalf("dense %v: bio dense = %v", dense, got)
		}
		// Public: document 1 matches by biolog only; as long as 2, it
		// ties with it.
		r := x.Search(Query{All: true, Text: terms("bio*"), ByRank: true, Now: now})
		if !slices.Equal(r.IDs, []int64{1, 2, 3}) || r.Ranks[0] != r.Ranks[1] {
			t.Errorf("dense %v, public: IDs %v ranks %v", dense, r.IDs, r.Ranks)
		}
		// Staff see the name.
		r = x.Search(Query{All: true, Text: terms("bio*"), Level: Staff, ByRank: true, Now: now})
		if r.IDs[0] != 1 || r.Ranks[0] <= r.Ranks[1] {
			t.Errorf("dense %v, staff: IDs %v ranks %v", dense, r.IDs, r.Ranks)
		}
	}
}
