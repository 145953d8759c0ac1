package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/demo"
	"filiere/internal/directory"
	"filiere/internal/matchmaking"
	"filiere/internal/textsearch"
)

// runMatch is `filiere-bench match`: the matchmaking desk's ranking at
// scale. On the same generated directory as `search` (the file is shared),
// it ranks a fixed set of needs (the demo's, each with no location, a
// region, or a distance from a city, with and without their capacity
// constraints) for the first 30 candidates with their explanation, as
// staff see it, and measures it against the bare full-text query a naive
// desk would run: the need's words OR-ed, ranked, top 30.
func runMatch(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("filiere-bench match", flag.ContinueOnError)
	dbURL := fs.String("db", "", "database URL (default: the SQLite file `search` uses in the temporary directory)")
	orgs := fs.Int("orgs", 100_000, "organisations to generate when the database is empty")
	rounds := fs.Int("rounds", 5, "measured passes over the needs")
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
		if err := demo.GenerateDirectory(ctx, d, *orgs, 1); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		count = *orgs
	}
	dir := directory.NewStore(d)
	desk := matchmaking.New(d, dir, auth.NewService(d, auth.Options{}), "http://localhost")
	start := time.Now()
	if _, err := dir.Search(ctx, directory.SearchQuery{Limit: 1}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database: %s, %d organisations; index built in %s\n", d.Dialect(), count, time.Since(start).Round(time.Millisecond))

	var needs []matchmaking.Need
	for _, in := range demo.SampleNeeds() {
		for v := range 4 {
			n := matchmaking.Need{Title: in.Title, Description: in.Description, Sector: in.Sector, Bricks: in.Bricks,
				Certifications: in.Certifications, Capacities: in.Capacities}
			switch v {
			case 1:
				n.Region = "Auvergne-Rhône-Alpes"
			case 2:
				n.Near, n.Km = "Lyon", 150
			case 3:
				n.Capacities = nil
			}
			needs = append(needs, n)
		}
	}
	for _, n := range needs { // warm-up
		if _, err := desk.Rank(ctx, n, 30); err != nil {
			return fmt.Errorf("rank %q: %w", n.Title, err)
		}
	}
	var ours, bare []time.Duration
	found := 0
	for range *rounds {
		for _, n := range needs {
			t0 := time.Now()
			cands, err := desk.Rank(ctx, n, 30)
			if err != nil {
				return err
			}
			ours = append(ours, time.Since(t0))
			found += len(cands)
			b, err := bareAnyTop30(ctx, d, n.Title+" "+n.Description)
			if err != nil {
				return err
			}
			bare = append(bare, b)
		}
	}
	slices.Sort(ours)
	slices.Sort(bare)
	fmt.Fprintf(stdout, "%d needs × %d rounds; first 30 candidates with hard constraints, boosts and explanation (%.1f on average)\n",
		len(needs), *rounds, float64(found)/float64(len(ours)))
	fmt.Fprintf(stdout, "  filiere ranking                 p50 %8s  p95 %8s  p99 %8s\n", ms(percentile(ours, 50)), ms(percentile(ours, 95)), ms(percentile(ours, 99)))
	fmt.Fprintf(stdout, "  bare FTS, words OR-ed, top 30   p50 %8s  p95 %8s  p99 %8s\n", ms(percentile(bare, 50)), ms(percentile(bare, 95)), ms(percentile(bare, 99)))
	ratio := func(p float64) string {
		return fmt.Sprintf("%.2f×", float64(percentile(ours, p))/float64(max(percentile(bare, p), 1)))
	}
	fmt.Fprintf(stdout, "  ratio filiere / bare FTS        p50 %8s  p95 %8s  p99 %8s\n", ratio(50), ratio(95), ratio(99))
	return nil
}

// bareAnyTop30 times the full-text query matching any of text's words,
// ranked, first 30, at the staff's level.
func bareAnyTop30(ctx context.Context, d *db.DB, text string) (time.Duration, error) {
	var stems []string
	for _, tok := range textsearch.Tokens(text) {
		if textsearch.IsStopWord(tok) {
			continue
		}
		st := strings.Map(func(r rune) rune {
			if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
				return r
			}
			return -1
		}, textsearch.Stem(tok))
		if st != "" && !slices.Contains(stems, st) && len(stems) < 32 {
			stems = append(stems, st)
		}
	}
	var query, arg string
	if d.Dialect() == db.Postgres {
		query = `SELECT organisation_id FROM organisation_search, to_tsquery('simple', ?) m
			WHERE staff_tsv @@ m ORDER BY ts_rank_cd(staff_tsv, m) DESC LIMIT 30`
		arg = strings.Join(stems, " | ")
	} else {
		query = "SELECT rowid FROM organisation_fts WHERE organisation_fts MATCH ? ORDER BY bm25(organisation_fts) LIMIT 30"
		arg = `"` + strings.Join(stems, `" OR "`) + `"`
	}
	t0 := time.Now()
	rows, err := d.Query(ctx, query, arg)
	if err != nil {
		return 0, fmt.Errorf("bare FTS %q: %w", arg, err)
	}
	for rows.Next() {
	}
	err = rows.Err()
	rows.Close()
	return time.Since(t0), err
}
