package db_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
)

func addOrganisation(t *testing.T, d *db.DB, name string) {
	t.Helper()
	now := time.Now()
	if _, err := d.Exec(context.Background(), `INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, 'startup', ?, ?)`, name, now, now); err != nil {
		t.Fatal(err)
	}
}

func TestBackupIsAConsistentCopyOfTheDatabase(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, name := range []string{"Bioforge", "Cardiolab", "Médisoft"} {
			addOrganisation(t, d, name)
		}
		path := filepath.Join(t.TempDir(), "backup.db")

		if d.Dialect() == db.Postgres {
			if _, err := exec.LookPath("pg_dump"); err != nil {
				if dbtest.Strict() {
					t.Fatal("FILIERE_TEST_STRICT=1 but pg_dump is not installed (Debian: apt-get install postgresql-client)")
				}
				t.Skip("pg_dump is not installed")
			}
			if err := d.Backup(ctx, path); err != nil {
				t.Fatal(err)
			}
			pgRestore, err := exec.LookPath("pg_restore")
			if err != nil {
				if dbtest.Strict() {
					t.Fatal("FILIERE_TEST_STRICT=1 but pg_restore is not installed (Debian: apt-get install postgresql-client)")
				}
				t.Skip("pg_restore is not installed")
			}
			out, err := exec.Command(pgRestore, "--list", path).CombinedOutput()
			if err != nil {
				t.Fatalf("pg_restore --list: %v\n%s", err, out)
			}
			schema := schemaOf(t, d)
			for _, line := range strings.Split(string(out), "\n") {
				if strings.Contains(line, " TABLE DATA ") && !strings.Contains(line, " TABLE DATA "+schema+" ") {
					t.Errorf("the dump reaches outside the URL's search_path schema %s: %s", schema, line)
				}
			}
			for _, table := range []string{"organisations", "people", "outbox", "audit_log"} {
				if !strings.Contains(string(out), "TABLE DATA "+schema+" "+table+" ") {
					t.Errorf("the dump does not list table %s's data:\n%s", table, out)
				}
			}
			return
		}

		if err := d.Backup(ctx, path); err != nil {
			t.Fatal(err)
		}
		addOrganisation(t, d, "Added after the backup")
		copied, err := db.Open(ctx, "sqlite://"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer copied.Close()
		var check string
		if err := copied.QueryRow(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Fatalf("integrity_check = %q, %v", check, err)
		}
		var n int
		if err := copied.QueryRow(ctx, "SELECT COUNT(*) FROM organisations").Scan(&n); err != nil || n != 3 {
			t.Errorf("the copy holds %d organisations (err %v), want the 3 present at backup time", n, err)
		}
		var name string
		if err := copied.QueryRow(ctx, "SELECT name FROM organisations WHERE name LIKE 'M%'").Scan(&name); err != nil || name != "Médisoft" {
			t.Errorf("copied name %q, %v", name, err)
		}
		if err := copied.CheckVersion(ctx); err != nil {
			t.Errorf("the copy's schema version: %v", err)
		}
	})
}

func schemaOf(t *testing.T, d *db.DB) string {
	t.Helper()
	var s string
	if err := d.QueryRow(context.Background(), "SELECT current_schema()").Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBackupRefusesToOverwriteAFile(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		path := filepath.Join(t.TempDir(), "backup.db")
		if err := os.WriteFile(path, []byte("last week's backup"), 0o600); err != nil {
			t.Fatal(err)
		}
		err := d.Backup(context.Background(), path)
		if err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Fatalf("Backup over an existing file = %v, want an 'already exists' error", err)
		}
		if b, _ := os.ReadFile(path); string(b) != "last week's backup" {
			t.Errorf("the existing file was changed to %q", b)
		}
	})
}

func TestPostgresBackupWithoutPgDumpSaysWhatToInstall(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		if d.Dialect() != db.Postgres {
			return // SQLite needs no outside program
		}
		t.Setenv("PATH", t.TempDir())
		path := filepath.Join(t.TempDir(), "backup.dump")
		err := d.Backup(context.Background(), path)
		if err == nil || !strings.Contains(err.Error(), "pg_dump") || !strings.Contains(err.Error(), "postgresql-client") {
			t.Fatalf("Backup without pg_dump = %v, want an error naming pg_dump and postgresql-client", err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("a file was left at %s", path)
		}
	})
}
