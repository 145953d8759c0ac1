package db_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"filiere/internal/db"
)

// crashChildEnv names the SQLite file a re-executed test binary writes to
// until it is killed. The child mode runs only when it is set.
const crashChildEnv = "FILIERE_CRASH_CHILD"

// peoplePerBatch is how many people rows each transaction writes with its
// organisation: a surviving organisation with any other count would be a
// torn transaction.
const peoplePerBatch = 20

// TestCrashMidWritesLeavesOnlyWholeTransactions kills a child process
// (SIGKILL) while it commits a stream of transactions, three times on the
// same file, and checks after each kill that the file is intact, holds
// every transaction the child reported committed, and none half-written.
func TestCrashMidWritesLeavesOnlyWholeTransactions(t *testing.T) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	last := 0
	for round := 1; round <= 3; round++ {
		reported := runAndKillChild(t, path, 30)
		if reported <= last {
			t.Fatalf("round %d: child reported commit %d, not beyond the previous round's %d", round, reported, last)
		}
		last = reported
		orgs := checkWholeTransactions(t, path, reported)
		t.Logf("round %d: killed after commit %d; the file holds %d whole batches", round, reported, orgs)
	}
}

// crashChild opens and migrates the database, then commits batches until
// killed, printing "committed N" (N = organisations now in the file) after
// each commit. It never returns normally.
func crashChild(path string) {
	ctx := context.Background()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(3)
	}
	d, err := db.Open(ctx, "sqlite://"+path)
	if err != nil {
		fail(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		fail(err)
	}
	var n int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM organisations").Scan(&n); err != nil {
		fail(err)
	}
	out := bufio.NewWriter(os.Stdout)
	for {
		batch := n + 1
		err := d.Tx(ctx, func(tx *db.Tx) error {
			now := time.Now()
			var orgID int64
			err := tx.QueryRow(ctx, `INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, 'sme', ?, ?) RETURNING id`,
				fmt.Sprintf("crash batch %d", batch), now, now).Scan(&orgID)
			if err != nil {
				return fmt.Errorf("insert organisation: %w", err)
			}
			for i := range peoplePerBatch {
				if _, err := tx.Exec(ctx, `INSERT INTO people (organisation_id, first_name, last_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
					orgID, fmt.Sprintf("Person%d", i), fmt.Sprintf("Batch%d", batch), now, now); err != nil {
					return fmt.Errorf("insert person: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			fail(err)
		}
		n = batch
		// Flushed line by line: the parent must see each commit as it happens.
		fmt.Fprintf(out, "committed %d\n", n)
		if err := out.Flush(); err != nil {
			os.Exit(4) // the parent went away
		}
	}
}

// runAndKillChild starts the child on path, waits until it has reported at
// least commits commits, kills it and returns the last commit it reported.
func runAndKillChild(t *testing.T, path string, commits int) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCrashMidWritesLeavesOnlyWholeTransactions$", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}

	lines := make(chan int)
	scanErr := make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			rest, ok := strings.CutPrefix(sc.Text(), "committed ")
			if !ok {
				continue // test framework chatter
			}
			n, err := strconv.Atoi(rest)
			if err != nil {
				scanErr <- fmt.Errorf("bad child line %q", sc.Text())
				return
			}
			lines <- n
		}
	}()

	last, seen, killed := 0, 0, false
	for n := range lines {
		if n <= last {
			t.Errorf("child reported commit %d after %d", n, last)
		}
		last = n
		seen++
		if seen >= commits && !killed {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatalf("kill child: %v", err)
			}
			killed = true
		}
		// Keep reading after the kill: lines already in the pipe were
		// committed too, and the pipe closes when the child is gone.
	}
	select {
	case err := <-scanErr:
		t.Fatal(err)
	default:
	}
	err = cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("child never reported %d commits before the deadline (saw %d); stderr:\n%s", commits, seen, stderr.String())
	}
	if !killed {
		t.Fatalf("child exited by itself after %d commits (%v); stderr:\n%s", seen, err, stderr.String())
	}
	return last
}

// checkWholeTransactions opens the file after a crash (which replays the
// WAL), checks its integrity and that it holds every reported batch whole,
// and returns how many batches it holds.
func checkWholeTransactions(t *testing.T, path string, reported int) (organisations int) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite://"+path)
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer d.Close()

	var integrity []string
	rows, err := d.Query(ctx, "PRAGMA integrity_check")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		integrity = append(integrity, s)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(integrity) != 1 || integrity[0] != "ok" {
		t.Fatalf("integrity_check = %q, want ok", integrity)
	}

	rows, err = d.Query(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check reports violations")
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}

	var orgs, maxBatch int
	err = d.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(CAST(SUBSTR(name, LENGTH('crash batch ') + 1) AS INTEGER)), 0) FROM organisations`).Scan(&orgs, &maxBatch)
	if err != nil {
		t.Fatal(err)
	}
	if orgs < reported {
		t.Errorf("%d organisations after the crash, but the child reported commit %d: a committed transaction was lost", orgs, reported)
	}
	if maxBatch != orgs {
		t.Errorf("highest batch %d but %d organisations: batches missing or repeated", maxBatch, orgs)
	}

	var torn int
	err = d.QueryRow(ctx, `SELECT COUNT(*) FROM (
		SELECT o.id FROM organisations o LEFT JOIN people p ON p.organisation_id = o.id
		GROUP BY o.id HAVING COUNT(p.id) <> ?) AS t`, peoplePerBatch).Scan(&torn)
	if err != nil {
		t.Fatal(err)
	}
	if torn != 0 {
		t.Errorf("%d organisations do not have exactly %d people: a transaction was torn", torn, peoplePerBatch)
	}

	var orphans, people int
	err = d.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN organisation_id IS NULL OR organisation_id NOT IN (SELECT id FROM organisations) THEN 1 ELSE 0 END), 0) FROM people`).Scan(&people, &orphans)
	if err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("%d people rows belong to no organisation", orphans)
	}
	if people != orgs*peoplePerBatch {
		t.Errorf("%d people for %d organisations, want %d", people, orgs, orgs*peoplePerBatch)
	}
	return orgs
}
