package demo

import (
	"context"
	"errors"
	"fmt"

	"filiere/internal/audit"
	"filiere/internal/db"
)

// bulkKindShares is how GenerateDirectory splits its organisations over
// kinds, per thousand: the providers database at a national scale, where
// SMEs and mid-size companies, and among them solution providers, weigh
// more than in a regional cluster. With bulkProviderShare it gives about
// five bricks and services per organisation.
var bulkKindShares = []kindShare{
	{"startup", 150}, {"sme", 500}, {"midcap", 80}, {"large", 20}, {"lab", 50}, {"platform", 60},
	{"hospital", 10}, {"cic", 5}, {"training", 15}, {"incubator", 10}, {"investor", 15},
	{"authority", 10}, {"consultancy", 75},
}

// bulkProviderShare is the share of GenerateDirectory's SMEs and mid-size
// companies that are solution providers.
const bulkProviderShare = 0.85

// bulkChunk is how many organisations GenerateDirectory generates, writes
// and indexes at a time, so that memory stays flat whatever n. The data do
// not depend on it (tests lower it).
var bulkChunk = 5000

// GenerateDirectory fills d, empty and migrated, with n organisations drawn
// from seed, complete with their profiles (steps, bricks, services,
// certifications, capacities…) and search documents, in the style of
// Generate but without people or accounts: a directory of any size for
// benchmarks. Everything is written in one transaction, audited as a
// single ("demo", "generate_directory") entry. The same seed and n always
// yield the same rows. It returns ErrNotEmpty when organisations already
// exist.
//
// Three goroutines share the work: one generates the organisations, the
// transaction's writes them, and a third computes their search documents
// with directory.IndexOrganisations, whose statements the transaction's
// goroutine runs (see indexJob).
func GenerateDirectory(ctx context.Context, d *db.DB, n int, seed uint64) error {
	if n < 0 {
		return fmt.Errorf("demo: generate directory: negative count %d", n)
	}
	g := newGenerator(seed)
	g.bulk = true
	g.providerShare = bulkProviderShare
	kinds := g.kindPlan(n, bulkKindShares)
	err := d.Tx(ctx, func(tx *db.Tx) error {
		if err := checkEmpty(ctx, tx); err != nil {
			return err
		}
		ctx, cancel := context.WithCancel(ctx)
		chunks := generateChunks(ctx, g, kinds)
		var job *indexJob
		defer func() { // on failure, let the other goroutines end before the transaction does
			cancel()
			for range chunks {
			}
			job.wait()
		}()
		for drafts := range chunks {
			orgs, err := store(ctx, tx, drafts, bulkBatches)
			if err != nil {
				return err
			}
			if err := job.flush(ctx, tx); err != nil {
				return err
			}
			job = startIndexing(ctx, tx, orgs)
		}
		if err := job.flush(ctx, tx); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "demo", seed, "generate_directory", nil, map[string]any{"seed": seed, "organisations": n})
	})
	if errors.Is(err, ErrNotEmpty) {
		return ErrNotEmpty
	}
	if err != nil {
		return fmt.Errorf("demo: generate directory: %w", err)
	}
	return nil
}

// generateChunks generates the organisations of kinds on its own goroutine,
// bulkChunk at a time, and sends them in order. The channel is closed once
// every chunk is sent or ctx is done.
func generateChunks(ctx context.Context, g *generator, kinds []string) <-chan []*draft {
	out := make(chan []*draft, 1)
	size := bulkChunk
	go func() {
		defer close(out)
		for start := 0; start < len(kinds); start += size {
			drafts := make([]*draft, 0, size)
			for _, kind := range kinds[start:min(start+size, len(kinds))] {
				drafts = append(drafts, g.organisation(kind))
			}
			select {
			case out <- drafts:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
