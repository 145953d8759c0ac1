// Package db opens the SQLite or PostgreSQL database named by one URL, hides
// the few dialect differences behind DB and Tx, and applies the embedded
// migrations.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// DB is the application's handle on its database. Reads may run concurrently;
// on SQLite every write goes through a single writer connection.
type DB struct {
	read    *sql.DB
	write   *sql.DB
	dialect Dialect
	url     string
	path    string // SQLite file path, empty on PostgreSQL

	// On SQLite, checkpoints run off the writer's path: the writer never
	// checkpoints (wal_autocheckpoint 0) and checkpointer copies the WAL
	// into the database every checkpointEvery on its own connection.
	ckpt     *sql.DB
	stopCkpt chan struct{}
	ckptDone chan struct{}
	stopOnce sync.Once
}

// checkpointEvery is how often the SQLite checkpointer runs. A checkpoint
// that finds nothing new to copy costs a few microseconds.
const checkpointEvery = time.Second

// Querier is what DB and Tx have in common, so that domain code can run the
// same statement inside or outside a transaction.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// ErrNotFound is returned by domain stores when a row does not exist.
var ErrNotFound = errors.New("not found")

// Open opens the database named by rawURL: sqlite:///path/to.db (or a bare
// path) or postgres://... It does not migrate.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL)
	default:
		return openSQLite(ctx, rawURL)
	}
}

// SQLitePath returns the file path a sqlite URL names.
func SQLitePath(rawURL string) (string, error) {
	if !strings.Contains(rawURL, "://") {
		return rawURL, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("db: parse url: %w", err)
	}
	if u.Scheme != "sqlite" && u.Scheme != "file" {
		return "", fmt.Errorf("db: unsupported database url scheme %q (want sqlite:// or postgres://)", u.Scheme)
	}
	p := u.Path
	if u.Host != "" { // sqlite://relative/path.db
		p = filepath.Join(u.Host, u.Path)
	}
	if p == "" {
		return "", fmt.Errorf("db: sqlite url %q names no file", rawURL)
	}
	return p, nil
}

func openSQLite(ctx context.Context, rawURL string) (*DB, error) {
	path, err := SQLitePath(rawURL)
	if err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("db: create directory: %w", err)
		}
	}
	// The writer does not checkpoint: a checkpoint after a commit (SQLite's
	// default, every 1,000 pages) made that commit wait, up to a tenth of a
	// second on a large database. The checkpointer does it in the
	// background; journal_size_limit gives back the disk a large
	// transaction took once the WAL starts over.
	pragmas := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(67108864)&_txlock=immediate"
	dsn := "file:" + path + "?" + pragmas
	write, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("db: open sqlite reader: %w", err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	ckpt, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("db: open sqlite checkpointer: %w", err)
	}
	ckpt.SetMaxOpenConns(1)
	ckpt.SetMaxIdleConns(1)
	ckpt.SetConnMaxLifetime(0)
	d := &DB{read: read, write: write, dialect: SQLite, url: rawURL, path: path,
		ckpt: ckpt, stopCkpt: make(chan struct{}), ckptDone: make(chan struct{})}
	go d.checkpointer()
	return d, nil
}

// checkpointer copies committed WAL frames into the database file every
// checkpointEvery until Close. PASSIVE checkpoints never block the writer
// or the readers: they copy what no reader still needs and leave the rest
// for the next round.
func (d *DB) checkpointer() {
	defer close(d.ckptDone)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-d.stopCkpt:
			return
		case <-t.C:
			_ = d.Checkpoint(context.Background())
		}
	}
}

// Checkpoint copies the WAL's committed frames into the SQLite database
// file now (PASSIVE: it waits for no one). It does nothing on PostgreSQL.
func (d *DB) Checkpoint(ctx context.Context) error {
	if d.ckpt == nil {
		return nil
	}
	var busy, log, done int
	if err := d.ckpt.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &done); err != nil {
		return fmt.Errorf("db: checkpoint: %w", err)
	}
	return nil
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	pool, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("db: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: connect to postgres: %w", err)
	}
	return &DB{read: pool, write: pool, dialect: Postgres, url: rawURL}, nil
}

// Close closes every connection.
func (d *DB) Close() error {
	if d.ckpt != nil {
		d.stopOnce.Do(func() { close(d.stopCkpt) })
		<-d.ckptDone
	}
	err := d.write.Close()
	if d.ckpt != nil {
		err = errors.Join(err, d.ckpt.Close())
	}
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// URL is the URL the database was opened with.
func (d *DB) URL() string { return d.url }

// Path is the SQLite file path, or "" on PostgreSQL.
func (d *DB) Path() string { return d.path }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Stats reports the connection pools' statistics (reader first).
func (d *DB) Stats() (read, write sql.DBStats) { return d.read.Stats(), d.write.Stats() }

// Exec runs a statement on the writer.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.write.ExecContext(ctx, d.dialect.Rebind(query), d.dialect.args(args)...)
}

// Query runs a query: a SELECT on a reader connection, anything else (an
// INSERT ... RETURNING) on the writer.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.pick(query).QueryContext(ctx, d.dialect.Rebind(query), d.dialect.args(args)...)
}

// QueryRow runs a query expected to return at most one row, routed like Query.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return d.pick(query).QueryRowContext(ctx, d.dialect.Rebind(query), d.dialect.args(args)...)
}

// pick sends statements that only read to the reader pool.
func (d *DB) pick(query string) *sql.DB {
	q := strings.TrimLeft(query, " \t\r\n(")
	if len(q) >= 6 && (strings.EqualFold(q[:6], "SELECT") || strings.EqualFold(q[:4], "WITH")) {
		return d.read
	}
	return d.write
}

// Dialect is the database's SQL dialect.
func (d *DB) Dialect() Dialect { return d.dialect }

// Tx runs fn in a transaction on the writer, committing when fn returns nil
// and rolling back otherwise.
func (d *DB) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	stx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	tx := &Tx{tx: stx, dialect: d.dialect}
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// Tx is a transaction; its methods rebind placeholders like DB's.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
}

// Exec runs a statement in the transaction.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.dialect.Rebind(query), t.dialect.args(args)...)
}

// Query runs a query in the transaction.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.dialect.Rebind(query), t.dialect.args(args)...)
}

// QueryRow runs a query returning at most one row in the transaction.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.dialect.Rebind(query), t.dialect.args(args)...)
}

// Dialect is the transaction's SQL dialect.
func (t *Tx) Dialect() Dialect { return t.dialect }
