package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"strings"
)

// Backup writes a consistent copy of the database to path, which must not
// exist yet. SQLite runs VACUUM INTO on a connection of its own, so the
// application keeps writing meanwhile; PostgreSQL runs pg_dump in custom
// format (restore with pg_restore), limited to the URL's search_path
// schemas when it names some.
func (d *DB) Backup(ctx context.Context, path string) error {
	if path == "" {
		return errors.New("db: backup: no destination file given")
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("db: backup: %s already exists; choose a new file name or remove the old backup first", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("db: backup: %w", err)
	}
	var err error
	switch d.dialect {
	case SQLite:
		err = d.backupSQLite(ctx, path)
	case Postgres:
		err = d.backupPostgres(ctx, path)
	default:
		return fmt.Errorf("db: backup: unsupported dialect %s", d.dialect)
	}
	if err != nil {
		_ = os.Remove(path) // a partial copy must not pass for a backup
		return err
	}
	return nil
}

func (d *DB) backupSQLite(ctx context.Context, path string) error {
	// The reader pool is query_only, which VACUUM INTO counts as writing,
	// and the writer would hold up the application's writes: use a third.
	conn, err := sql.Open("sqlite", "file:"+d.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("db: backup: open %s: %w", d.path, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("db: backup to %s: %w", path, err)
	}
	return nil
}

func (d *DB) backupPostgres(ctx context.Context, path string) error {
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		return errors.New("db: backup: pg_dump is needed to back up a PostgreSQL database and was not found in PATH; " +
			"install the PostgreSQL client tools of the server's major version or later (Debian and Ubuntu: apt-get install postgresql-client)")
	}
	conn, password, schemas, err := pgDumpTarget(d.url)
	if err != nil {
		return err
	}
	args := []string{"--format=custom", "--file=" + path, "--no-password"}
	for _, s := range schemas {
		args = append(args, "--schema="+s)
	}
	args = append(args, "--dbname="+conn)
	cmd := exec.CommandContext(ctx, pgDump, args...)
	cmd.Env = os.Environ()
	if password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password) // kept out of the process list
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return fmt.Errorf("db: backup: pg_dump: %w", err)
		}
		return fmt.Errorf("db: backup: pg_dump: %w: %s", err, msg)
	}
	return nil
}

// libpqParams are the URL parameters pg_dump understands; pgx-only ones
// (search_path, pool settings) would make it refuse the URL.
var libpqParams = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "password": true,
	"passfile": true, "channel_binding": true, "connect_timeout": true, "client_encoding": true,
	"options": true, "application_name": true, "fallback_application_name": true,
	"keepalives": true, "keepalives_idle": true, "keepalives_interval": true, "keepalives_count": true,
	"tcp_user_timeout": true, "sslmode": true, "sslnegotiation": true, "sslcompression": true,
	"sslcert": true, "sslkey": true, "sslpassword": true, "sslcertmode": true, "sslrootcert": true,
	"sslcrl": true, "sslcrldir": true, "sslsni": true, "requirepeer": true, "require_auth": true,
	"ssl_min_protocol_version": true, "ssl_max_protocol_version": true, "krbsrvname": true,
	"gsslib": true, "gssencmode": true, "gssdelegation": true, "service": true,
	"target_session_attrs": true, "load_balance_hosts": true,
}

// pgDumpTarget turns the application's URL into one pg_dump accepts: the
// password moves to the environment, search_path becomes --schema options
// and parameters only pgx knows are dropped.
func pgDumpTarget(rawURL string) (conn, password string, schemas []string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", "", nil, fmt.Errorf("db: backup: parse database url: %w", err)
	}
	if u.User != nil {
		password, _ = u.User.Password()
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for _, s := range strings.Split(q.Get("search_path"), ",") {
		// Passed as written: pg_dump reads a quoted name as case-sensitive, as
		// PostgreSQL does in search_path.
		s = strings.TrimSpace(s)
		if s != "" && s != "$user" && s != `"$user"` {
			schemas = append(schemas, s)
		}
	}
	if password == "" {
		password = q.Get("password")
	}
	for k := range q {
		if !libpqParams[k] || k == "password" {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), password, schemas, nil
}
