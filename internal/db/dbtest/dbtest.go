// Package dbtest runs a test on every database engine available: always
// SQLite (a temporary file) and PostgreSQL when FILIERE_TEST_POSTGRES_URL is
// set, each on a fresh, migrated schema.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"filiere/internal/db"
)

// PostgresURLEnv names the variable holding the PostgreSQL test server's URL.
const PostgresURLEnv = "FILIERE_TEST_POSTGRES_URL"

// Strict reports whether FILIERE_TEST_STRICT asks that tests needing an
// outside program fail instead of skipping when it is missing.
func Strict() bool { return os.Getenv("FILIERE_TEST_STRICT") == "1" }

// Run runs fn as a subtest on each available engine, named "sqlite" and
// "postgres". In strict mode a missing PostgreSQL URL fails the test.
func Run(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	pgURL := os.Getenv(PostgresURLEnv)
	if pgURL == "" {
		if Strict() {
			t.Errorf("FILIERE_TEST_STRICT=1 but %s is not set: the PostgreSQL half of this test cannot run", PostgresURLEnv)
		}
		return
	}
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated database on a fresh temporary file.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	return open(t, "sqlite://"+filepath.Join(t.TempDir(), "test.db"))
}

// Postgres returns a migrated database on a fresh schema of the PostgreSQL
// server named by FILIERE_TEST_POSTGRES_URL, dropped when the test ends. It
// fails the test when the variable is unset or the server can't be reached.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		t.Fatalf("%s is not set", PostgresURLEnv)
	}
	ctx := context.Background()
	admin, err := db.Open(ctx, base)
	if err != nil {
		t.Fatalf("%s is set but PostgreSQL can't be reached: %v", PostgresURLEnv, err)
	}
	schema := "t_" + randomHex(8)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return open(t, u.String())
}

func open(t testing.TB, rawURL string) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, rawURL)
	if err != nil {
		t.Fatalf("open %s: %v", rawURL, err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return d
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
