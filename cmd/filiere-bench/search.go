package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"filiere/internal/db"
	"filiere/internal/demo"
	"filiere/internal/directory"
	"filiere/internal/textsearch"
)

// runSearch is `filiere-bench search`: the directory search at scale. It
// fills a database with -orgs organisations (demo.GenerateDirectory) unless
// it already holds some, then measures, in-process on the directory store:
// the latency of a fixed set of realistic queries (text and 0 to 3
// filters, first 20 results with every facet count) against the bare
// top-20 full-text query of the same texts, the throughput with -clients
// concurrent clients, how soon an edit is searchable, and the process's
// resident memory.
func runSearch(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("filiere-bench search", flag.ContinueOnError)
	dbURL := fs.String("db", "", "database URL (default: a SQLite file in the temporary directory, reused between runs)")
	orgs := fs.Int("orgs", 100_000, "organisations to generate when the database is empty")
	nQueries := fs.Int("queries", 240, "queries in the fixed set (at least 200 for the issue's figures)")
	rounds := fs.Int("rounds", 3, "measured passes over the query set")
	clients := fs.Int("clients", 2, "concurrent clients of the throughput run")
	duration := fs.Duration("duration", 10*time.Second, "length of the throughput run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbURL == "" {
		*dbURL = "sqlite://" + filepath.Join(os.TempDir(), fmt.Sprintf("filiere-search-%d.db", *orgs))
	}
	d, err := db.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var count int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM organisations").Scan(&count); err != nil {
		return err
	}
	if count == 0 {
		fmt.Fprintf(os.Stderr, "generating %d organisations ...\n", *orgs)
		start := time.Now()
		if err := demo.GenerateDirectory(ctx, d, *orgs, 1); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		fmt.Fprintf(stdout, "generated %d organisations in %s\n", *orgs, time.Since(start).Round(time.Millisecond))
		count = *orgs
	}
	var links int
	if err := d.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM organisation_services) + (SELECT COUNT(*) FROM organisation_bricks)
		+ (SELECT COUNT(*) FROM organisation_steps) + (SELECT COUNT(*) FROM organisation_certifications)`).Scan(&links); err != nil {
		return err
	}

	s := directory.NewStore(d)
	start := time.Now()
	if _, err := s.Search(ctx, directory.SearchQuery{Limit: 1}); err != nil {
		return err
	}
	build := time.Since(start)
	queries := searchQueries(*nQueries)

	// Warm up: every query once (caches, the page cache of the file).
	for _, q := range queries {
		if _, err := s.Search(ctx, q); err != nil {
			return fmt.Errorf("query %+v: %w", q, err)
		}
	}
	var ours, oursText, bare []time.Duration
	for range *rounds {
		for _, q := range queries {
			t0 := time.Now()
			if _, err := s.Search(ctx, q); err != nil {
				return err
			}
			el := time.Since(t0)
			ours = append(ours, el)
			if strings.TrimSpace(q.Text) == "" {
				continue
			}
			oursText = append(oursText, el)
			b, err := bareTop20(ctx, d, q.Text)
			if err != nil {
				return err
			}
			bare = append(bare, b)
		}
	}

	// Throughput: clients loop over the set, each from its own offset.
	var done atomic.Int64
	runCtx, cancel := context.WithTimeout(ctx, *duration)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for c := range *clients {
		wg.Go(func() {
			for i := c * len(queries) / *clients; runCtx.Err() == nil; i++ {
				if _, err := s.Search(runCtx, queries[i%len(queries)]); err != nil {
					if runCtx.Err() == nil {
						firstErr.Store(err)
					}
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	cancel()
	if err, ok := firstErr.Load().(error); ok {
		return err
	}
	qps := float64(done.Load()) / duration.Seconds()

	edits, err := editLatency(ctx, s)
	if err != nil {
		return err
	}
	debug.FreeOSMemory() // return the garbage of the generation and the run
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	rss := residentMB()
	runtime.KeepAlive(s) // the store and its index are what is measured

	fmt.Fprintf(stdout, "database: %s, %d organisations, %d service/brick/step/certification links\n", d.Dialect(), count, links)
	fmt.Fprintf(stdout, "facet index built in %s\n", build.Round(time.Millisecond))
	fmt.Fprintf(stdout, "%d queries × %d rounds (%d with text); first 20 results and all %d facet counts\n",
		len(queries), *rounds, len(oursText) / *rounds, len(directory.Facets))
	row := func(name string, xs []time.Duration) (p50, p95, p99 time.Duration) {
		slices.Sort(xs)
		p50, p95, p99 = percentile(xs, 50), percentile(xs, 95), percentile(xs, 99)
		fmt.Fprintf(stdout, "  %-34s p50 %8s  p95 %8s  p99 %8s\n", name, ms(p50), ms(p95), ms(p99))
		return
	}
	row("filiere search (all queries)", ours)
	o50, o95, o99 := row("filiere search (text queries)", oursText)
	b50, b95, b99 := row("bare FTS top-20 (same texts)", bare)
	ratio := func(a, b time.Duration) string {
		if b == 0 {
			return "–"
		}
		return strconv.FormatFloat(float64(a)/float64(b), 'f', 1, 64) + "×"
	}
	fmt.Fprintf(stdout, "  ratio filiere / bare FTS           p50 %8s  p95 %8s  p99 %8s\n", ratio(o50, b50), ratio(o95, b95), ratio(o99, b99))
	fmt.Fprintf(stdout, "throughput with %d clients: %.0f queries/s\n", *clients, qps)
	fmt.Fprintf(stdout, "an edit is searchable after (20 edits, update + search): p50 %s, max %s; the update alone: p50 %s, max %s\n",
		ms(percentile(edits.total, 50)), ms(edits.total[len(edits.total)-1]), ms(percentile(edits.update, 50)), ms(edits.update[len(edits.update)-1]))
	fmt.Fprintf(stdout, "resident memory of the process: %.0f MB (Go heap in use %.0f MB)\n", rss, float64(mem.HeapInuse)/(1<<20))
	return nil
}

// searchWords are what people type in the directory's box: know-how,
// products and technologies, in French and English, whole or as the start
// of a word (type-ahead).
var searchWords = []string{
	"usinage", "sterilisation", "implant", "implants titane", "biocompatibilite", "essais cliniques", "bioreacteur",
	"salle propre", "dispositif medical", "dispositifs medicaux", "logiciel", "microfluidique", "injection plastique",
	"therapie cellulaire", "anticorps", "diagnostic", "intelligence artificielle", "imagerie", "capteurs", "biomateriaux",
	"machining", "sterile packaging", "clinical trials", "medical device", "cell therapy", "regulatory", "marquage CE",
	"reglementaire", "production", "conditionnement", "impression 3d", "nutrition", "cosmetique", "probiotiques",
	"ster", "bioc", "micro", "usin", "clin", "pharma", "laboratoire", "CDMO", "ISO 13485", "robotique", "e-sante",
	"telesurveillance", "prothese", "orthopedie", "ophtalmologie", "oncologie",
}

// searchQueries builds n queries, always the same: a text for most, and 0
// to 3 filters among sector, step, brick, valid certification, region,
// kind, members only, a capacity range and a distance from a city.
func searchQueries(n int) []directory.SearchQuery {
	r := rand.New(rand.NewPCG(7, 7))
	tax := directory.LoadTaxonomy()
	cities := directory.Cities()
	var bricks []string
	for _, f := range tax.Bricks {
		bricks = append(bricks, f.Code)
		for _, b := range f.Bricks {
			bricks = append(bricks, b.Code)
		}
	}
	filters := []func(q *directory.SearchQuery){
		func(q *directory.SearchQuery) { q.Sector = tax.Sectors[r.IntN(len(tax.Sectors))].Code },
		func(q *directory.SearchQuery) { q.Step = tax.Steps[r.IntN(len(tax.Steps))].Code },
		func(q *directory.SearchQuery) { q.Brick = bricks[r.IntN(len(bricks))] },
		func(q *directory.SearchQuery) {
			q.Certification = tax.Certifications[r.IntN(len(tax.Certifications))].Code
		},
		func(q *directory.SearchQuery) { q.Region = cities[r.IntN(len(cities))].Region },
		func(q *directory.SearchQuery) { q.Kind = tax.Kinds[r.IntN(len(tax.Kinds))].Code },
		func(q *directory.SearchQuery) { q.Membership = directory.Member },
		func(q *directory.SearchQuery) {
			c := tax.Capacities[r.IntN(len(tax.Capacities))]
			q.Capacities = []directory.CapacityRange{{Attribute: c.Code, Min: float64(1 + r.IntN(100))}}
		},
		func(q *directory.SearchQuery) {
			q.Near, q.Km = cities[r.IntN(len(cities))].Name, float64(20+r.IntN(100))
		},
	}
	out := make([]directory.SearchQuery, n)
	for i := range out {
		q := directory.SearchQuery{Viewer: directory.Visibilities[r.IntN(3)]}
		if r.IntN(10) < 8 {
			q.Text = searchWords[r.IntN(len(searchWords))]
		}
		for _, k := range r.Perm(len(filters))[:r.IntN(4)] {
			filters[k](&q)
		}
		if r.IntN(5) == 0 {
			q.Sort = directory.SortName
		}
		out[i] = q
	}
	return out
}

// bareTop20 times the plain full-text query for text: the 20 best
// matches' ids, without filters, facets or rows.
func bareTop20(ctx context.Context, d *db.DB, text string) (time.Duration, error) {
	q := textsearch.ParseQuery(text)
	var query, arg string
	if d.Dialect() == db.Postgres {
		query = `SELECT organisation_id FROM organisation_search, to_tsquery('simple', ?) m
			WHERE public_tsv @@ m ORDER BY ts_rank_cd(public_tsv, m) DESC LIMIT 20`
		arg = q.TSQuery()
	} else {
		query = "SELECT rowid FROM organisation_fts WHERE organisation_fts MATCH ? ORDER BY bm25(organisation_fts) LIMIT 20"
		arg = "{name_doc public_doc} : (" + q.FTS5() + ")"
	}
	t0 := time.Now()
	rows, err := d.Query(ctx, query, arg)
	if err != nil {
		return 0, fmt.Errorf("bare FTS %q: %w", text, err)
	}
	for rows.Next() {
	}
	err = rows.Err()
	rows.Close()
	return time.Since(t0), err
}

// edits are the durations measured by editLatency, sorted.
type edits struct{ total, update []time.Duration }

// editLatency edits 20 organisations (a new keyword each) and measures, for
// each, the time from the update's start until a search finds it by that
// keyword, and the update alone.
func editLatency(ctx context.Context, s *directory.Store) (edits, error) {
	var e edits
	res, err := s.Search(ctx, directory.SearchQuery{Limit: 20, Viewer: directory.StaffOnly, Sort: directory.SortName})
	if err != nil {
		return e, err
	}
	for i, h := range res.Hits {
		o, err := s.Organisation(ctx, h.ID)
		if err != nil {
			return e, err
		}
		word := fmt.Sprintf("zqx%dedit%d", time.Now().UnixNano()%1e6, i)
		o.Keywords = append(o.Keywords, word)
		t0 := time.Now()
		if _, err := s.UpdateOrganisation(ctx, o); err != nil {
			return e, err
		}
		e.update = append(e.update, time.Since(t0))
		for {
			found, err := s.Search(ctx, directory.SearchQuery{Text: word, Viewer: directory.StaffOnly})
			if err != nil {
				return e, err
			}
			if found.Total == 1 {
				break
			}
			if time.Since(t0) > 10*time.Second {
				return e, fmt.Errorf("edit of %d never became searchable", o.ID)
			}
		}
		e.total = append(e.total, time.Since(t0))
	}
	slices.Sort(e.total)
	slices.Sort(e.update)
	return e, nil
}

// residentMB is the process's resident set size, from /proc (0 elsewhere).
func residentMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
