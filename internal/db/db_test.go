package db_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
)

func TestRebindNumbersPlaceholdersOutsideQuotes(t *testing.T) {
	got := db.Postgres.Rebind("SELECT '?' , a FROM t WHERE b = ? AND c = ?")
	want := "SELECT '?' , a FROM t WHERE b = $1 AND c = $2"
	if got != want {
		t.Fatalf("Rebind = %q, want %q", got, want)
	}
	if s := db.SQLite.Rebind("a = ?"); s != "a = ?" {
		t.Fatalf("SQLite Rebind changed the query: %q", s)
	}
}

func TestMigrationsAreNumberedWithoutGaps(t *testing.T) {
	for _, d := range []db.Dialect{db.SQLite, db.Postgres} {
		ms, err := db.Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			t.Fatalf("%s: no migrations", d)
		}
	}
	s, _ := db.Migrations(db.SQLite)
	p, _ := db.Migrations(db.Postgres)
	if len(s) != len(p) {
		t.Fatalf("sqlite has %d migrations, postgres %d: every migration needs both", len(s), len(p))
	}
	for i := range s {
		if s[i].Name != p[i].Name {
			t.Errorf("migration %d: sqlite %s, postgres %s", i+1, s[i].Name, p[i].Name)
		}
	}
}

func TestMigrateIsIdempotentAndTimesRoundTrip(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		applied, err := d.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second Migrate applied %v, err %v", applied, err)
		}
		if err := d.CheckVersion(ctx); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 3, 1, 9, 30, 15, 123456789, time.FixedZone("CET", 3600))
		var id int64
		err = d.QueryRow(ctx, `INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
			"Bioforge", "startup", at, at).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		var got time.Time
		if err := d.QueryRow(ctx, "SELECT created_at FROM organisations WHERE id = ? AND created_at <= ?", id, at.Add(time.Second)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := at.UTC().Truncate(time.Microsecond); !got.Equal(want) {
			t.Fatalf("time round trip: got %v, want %v", got, want)
		}
	})
}

func TestTxRollsBackOnError(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, ?, ?, ?)`, "X", "sme", time.Now(), time.Now()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx returned %v", err)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM organisations").Scan(&n); err != nil || n != 0 {
			t.Fatalf("after rollback: %d rows, err %v", n, err)
		}
	})
}

func TestAuditLogRowsCannotChange(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `INSERT INTO audit_log (at, actor_label, entity, entity_id, action) VALUES (?, 'x', 'user', '1', 'create')`, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `UPDATE audit_log SET action = 'forged'`); err == nil {
			t.Error("UPDATE audit_log succeeded")
		}
		if _, err := d.Exec(ctx, `DELETE FROM audit_log`); err == nil {
			t.Error("DELETE FROM audit_log succeeded")
		}
	})
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', ?)", db.LatestVersion(d.Dialect())+1, time.Now()); err != nil {
			t.Fatal(err)
		}
		var tooNew db.ErrSchemaTooNew
		if err := d.CheckVersion(ctx); !errors.As(err, &tooNew) {
			t.Fatalf("CheckVersion = %v, want ErrSchemaTooNew", err)
		}
		if _, err := d.Migrate(ctx); !errors.As(err, &tooNew) {
			t.Fatalf("Migrate = %v, want ErrSchemaTooNew", err)
		}
	})
}

func TestSQLitePathFromURL(t *testing.T) {
	cases := map[string]string{
		"sqlite:///tmp/a.db": "/tmp/a.db",
		"sqlite://data/a.db": filepath.Join("data", "a.db"),
		"./filiere.db":       "./filiere.db",
		"file:///var/x/y.db": "/var/x/y.db",
	}
	for in, want := range cases {
		got, err := db.SQLitePath(in)
		if err != nil || got != want {
			t.Errorf("SQLitePath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := db.SQLitePath("mysql://x"); err == nil {
		t.Error("mysql:// accepted")
	}
}

// A commit on SQLite does not wait for a checkpoint: the writer leaves
// the WAL to the checkpointer, which copies it into the database file.
func TestSQLiteCommitsLeaveCheckpointsToTheCheckpointer(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wal.db")
	d, err := db.Open(ctx, "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Exec(ctx, "CREATE TABLE blobs (b BLOB)"); err != nil {
		t.Fatal(err)
	}
	var auto int
	if err := d.Tx(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto)
	}); err != nil || auto != 0 {
		t.Fatalf("writer's wal_autocheckpoint = %d, %v; want 0", auto, err)
	}
	// 8 MB, well past the 1,000 pages after which the writer used to
	// checkpoint.
	blob := make([]byte, 1<<20)
	for range 8 {
		if _, err := d.Exec(ctx, "INSERT INTO blobs (b) VALUES (?)", blob); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() < 8<<20 {
		t.Fatalf("database file after the checkpoint: %v, %v; want at least 8 MB", st.Size(), err)
	}
	var n int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM blobs").Scan(&n); err != nil || n != 8 {
		t.Fatalf("%d rows, %v", n, err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}
