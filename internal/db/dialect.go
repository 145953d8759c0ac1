package db

import (
	"strconv"
	"strings"
	"time"
)

// Dialect names a database engine and holds what differs between them.
type Dialect int

const (
	SQLite Dialect = iota + 1
	Postgres
)

func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "unknown"
}

// Rebind turns the portable '?' placeholders into the engine's own: $1, $2…
// on PostgreSQL. Question marks inside quoted literals are left alone.
func (d Dialect) Rebind(query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// TimeLayout is how times are stored as text on SQLite: UTC, fixed width, so
// that text order is time order.
const TimeLayout = "2006-01-02 15:04:05.000000"

// args normalises arguments: times go to UTC at microsecond precision (both
// engines then hold the same value) and, on SQLite, to fixed-width text.
func (d Dialect) args(in []any) []any {
	args := make([]any, len(in))
	copy(args, in)
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = d.timeArg(v)
		case *time.Time:
			if v == nil {
				args[i] = nil
			} else {
				args[i] = d.timeArg(*v)
			}
		}
	}
	return args
}

func (d Dialect) timeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d == SQLite {
		return t.Format(TimeLayout)
	}
	return t
}

// ILike returns a case-insensitive LIKE operator for the engine.
func (d Dialect) ILike() string {
	if d == Postgres {
		return "ILIKE"
	}
	return "LIKE" // SQLite's LIKE is case-insensitive for ASCII
}

// IsUniqueViolation tells whether err is a unique-constraint failure.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}
