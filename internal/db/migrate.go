package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one embedded SQL file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the embedded migrations for the dialect in order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := path.Join("migrations", d.String())
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("db: read migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("db: migration %s: name must be NNNN_title.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("db: migration %s: %w", name, err)
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("db: migration %s: expected version %d", m.Name, i+1)
		}
	}
	return ms, nil
}

// LatestVersion is the schema version this binary knows.
func LatestVersion(d Dialect) int {
	ms, err := Migrations(d)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// ErrSchemaTooNew means the database was migrated by a newer binary.
type ErrSchemaTooNew struct{ DB, Binary int }

func (e ErrSchemaTooNew) Error() string {
	return fmt.Sprintf("database schema is at version %d but this binary only knows up to %d: upgrade filiere", e.DB, e.Binary)
}

// Version returns the database's current schema version (0 when unmigrated).
func (d *DB) Version(ctx context.Context) (int, error) {
	if err := d.ensureVersionTable(ctx); err != nil {
		return 0, err
	}
	var v int
	if err := d.write.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("db: read schema version: %w", err)
	}
	return v, nil
}

func (d *DB) ensureVersionTable(ctx context.Context) error {
	ts := "TIMESTAMP"
	if d.dialect == Postgres {
		ts = "TIMESTAMPTZ"
	}
	_, err := d.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at `+ts+` NOT NULL)`)
	if err != nil {
		return fmt.Errorf("db: create schema_migrations: %w", err)
	}
	return nil
}

// Migrate applies every pending migration, each in its own transaction, and
// returns the names applied. It refuses a database newer than the binary.
func (d *DB) Migrate(ctx context.Context) ([]string, error) {
	ms, err := Migrations(d.dialect)
	if err != nil {
		return nil, err
	}
	cur, err := d.Version(ctx)
	if err != nil {
		return nil, err
	}
	if latest := len(ms); cur > latest {
		return nil, ErrSchemaTooNew{DB: cur, Binary: latest}
	}
	var applied []string
	for _, m := range ms[cur:] {
		err := d.Tx(ctx, func(tx *Tx) error {
			if _, err := tx.tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("db: migration %s: %w", m.Name, err)
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.Version, m.Name, time.Now())
			return err
		})
		if err != nil {
			return applied, err
		}
		applied = append(applied, m.Name)
	}
	return applied, nil
}

// CheckVersion fails when the database is not at the binary's version: newer
// is refused, older must be migrated first.
func (d *DB) CheckVersion(ctx context.Context) error {
	cur, err := d.Version(ctx)
	if err != nil {
		return err
	}
	latest := LatestVersion(d.dialect)
	if cur > latest {
		return ErrSchemaTooNew{DB: cur, Binary: latest}
	}
	if cur < latest {
		return fmt.Errorf("database schema is at version %d, binary expects %d: run filiere migrate", cur, latest)
	}
	return nil
}
