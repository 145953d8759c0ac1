package demo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/siren"
)

func TestGeneratedSIRETsAreValidAndDistinct(t *testing.T) {
	g := newGenerator(1)
	seen := map[string]bool{}
	for i := range 5000 {
		prefix := []string{"3", "7", "23", "26", "19"}[i%5]
		s := g.siret(prefix)
		if !siren.ValidSIRET(s) || !siren.ValidSIREN(s[:9]) || !strings.HasPrefix(s, prefix) {
			t.Fatalf("siret(%q) = %s: not a valid SIRET of a valid SIREN", prefix, s)
		}
		if seen[s[:9]] {
			t.Fatalf("SIREN %s handed out twice", s[:9])
		}
		seen[s[:9]] = true
	}
}

func TestBandsFollowTheirThresholds(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{1, "1-9"}, {9, "1-9"}, {10, "10-49"}, {249, "50-249"}, {250, "250-4999"}, {4999, "250-4999"}, {5000, "5000+"}} {
		if got := headcountBand(c.n); got != c.want {
			t.Errorf("headcountBand(%d) = %s, want %s", c.n, got, c.want)
		}
	}
	for _, c := range []struct {
		euros float64
		want  string
	}{{0, "under_2m"}, {2e6, "2m_10m"}, {49.9e6, "10m_50m"}, {50e6, "50m_1500m"}, {2e9, "over_1500m"}} {
		if got := revenueBand(c.euros); got != c.want {
			t.Errorf("revenueBand(%g) = %s, want %s", c.euros, got, c.want)
		}
	}
}

// A background job's statements run on the transaction in order, reads
// see the statements queued before them, and the job's result is flush's.
func TestBackgroundJobRunsItsStatementsInOrderOnTheTransaction(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	var seen int
	err := d.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "CREATE TABLE scratch (n INTEGER)"); err != nil {
			return err
		}
		job := startJob(ctx, tx, func(ctx context.Context, q db.Querier) error {
			for n := range 3 {
				if _, err := q.Exec(ctx, "INSERT INTO scratch (n) VALUES (?)", n); err != nil {
					return err
				}
			}
			if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM scratch").Scan(&seen); err != nil {
				return err
			}
			_, err := q.Exec(ctx, "INSERT INTO scratch (n) VALUES (?)", 3)
			return err
		})
		return job.flush(ctx, tx)
	})
	if err != nil || seen != 3 {
		t.Fatalf("job: read %d rows, %v", seen, err)
	}
	var n int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM scratch").Scan(&n); err != nil || n != 4 {
		t.Errorf("%d rows written, %v", n, err)
	}
}

func TestBackgroundJobReportsErrors(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	t.Run("the transaction's", func(t *testing.T) {
		err := d.Tx(ctx, func(tx *db.Tx) error {
			// No organisation 999: the search document breaks its foreign key.
			return startIndexing(ctx, tx, []directory.Organisation{{ID: 999, Name: "Cardiolys"}}).flush(ctx, tx)
		})
		if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
			t.Errorf("flush = %v, want the foreign key violation", err)
		}
	})
	t.Run("the work's", func(t *testing.T) {
		broken := errors.New("broken")
		err := d.Tx(ctx, func(tx *db.Tx) error {
			return startJob(ctx, tx, func(context.Context, db.Querier) error { return broken }).flush(ctx, tx)
		})
		if !errors.Is(err, broken) {
			t.Errorf("flush = %v, want the work's error", err)
		}
	})
	t.Run("stopped", func(t *testing.T) {
		err := d.Tx(ctx, func(tx *db.Tx) error {
			job := startJob(ctx, tx, func(ctx context.Context, q db.Querier) error {
				for {
					if _, err := q.Exec(ctx, "SELECT 1"); err != nil {
						return err
					}
				}
			})
			job.wait() // never flushed: the job must end anyway
			return job.err
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("stopped job = %v, want context.Canceled", err)
		}
	})
}

// GenerateDirectory's data do not depend on its chunk size: with small
// chunks, generating, writing and indexing overlap for several rounds.
func TestGenerateDirectoryGivesTheSameDataWhateverItsChunks(t *testing.T) {
	ctx := context.Background()
	sum := func(chunk int) string {
		t.Helper()
		defer func(was int) { bulkChunk = was }(bulkChunk)
		bulkChunk = chunk
		d := dbtest.SQLite(t)
		if err := GenerateDirectory(ctx, d, 230, 5); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, q := range []string{
			"SELECT id || name || website || siret || visibility FROM organisations ORDER BY id",
			"SELECT organisation_id || title_en || position FROM organisation_services ORDER BY id",
			"SELECT organisation_id || brick FROM organisation_bricks ORDER BY organisation_id, brick",
			"SELECT organisation_id || staff_doc FROM organisation_search ORDER BY organisation_id",
		} {
			rows, err := d.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				b.WriteString(s + "\n")
				n++
			}
			rows.Close()
			if n == 0 {
				t.Fatalf("%s: no rows", q)
			}
		}
		return b.String()
	}
	if one, many := sum(5000), sum(40); one != many {
		t.Error("chunks of 40 gave other data than a single chunk")
	}
}
