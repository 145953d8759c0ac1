// Package audit keeps the append-only log of every change made through a
// domain service: who, when, what, and the values before and after.
package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"filiere/internal/db"
)

// Actor is who makes a change. Domain services read it from the context,
// where the web layer, the API or the CLI put it.
type Actor struct {
	UserID int64  // 0 for the system or the command line
	Label  string // e.g. "camille.martin@cluster.example", "cli", "system"
	IP     string
}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the context's actor, or the system actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Label: "system"}
}

// Entry is one audit row.
type Entry struct {
	ID       int64
	At       time.Time
	ActorID  int64
	Actor    string
	Entity   string // e.g. "user", "organisation"
	EntityID string
	Action   string // e.g. "create", "update", "disable", "login"
	Before   string // JSON, "" when there was nothing before
	After    string // JSON, "" when nothing remains
	IP       string
}

// Now is the clock audit rows are stamped with; tests may replace it.
var Now = func() time.Time { return time.Now().UTC() }

// Record appends an entry inside q (pass the transaction that makes the
// change, so that the change and its record commit together). before and
// after are marshalled to JSON; pass nil for "nothing".
func Record(ctx context.Context, q db.Querier, entity string, entityID any, action string, before, after any) error {
	a := ActorFrom(ctx)
	b, err := toJSON(before)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	af, err := toJSON(after)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	var actorID any
	if a.UserID != 0 {
		actorID = a.UserID
	}
	_, err = q.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor_label, entity, entity_id, action, before_json, after_json, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		Now(), actorID, a.Label, entity, fmt.Sprint(entityID), action, b, af, a.IP)
	if err != nil {
		return fmt.Errorf("audit: record %s %s: %w", entity, action, err)
	}
	return nil
}

func toJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	Entity   string
	EntityID string
	Action   string
	ActorID  int64
	Actor    string // substring of the actor label
	Since    time.Time
	Until    time.Time
	Limit    int // default 100, at most 1000
	Offset   int
}

// List returns the entries matching f, newest first, and the total count.
func List(ctx context.Context, q db.Querier, f Filter) ([]Entry, int, error) {
	var where []string
	var args []any
	if f.Entity != "" {
		where, args = append(where, "entity = ?"), append(args, f.Entity)
	}
	if f.EntityID != "" {
		where, args = append(where, "entity_id = ?"), append(args, f.EntityID)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.ActorID != 0 {
		where, args = append(where, "actor_id = ?"), append(args, f.ActorID)
	}
	if f.Actor != "" {
		where, args = append(where, "LOWER(actor_label) LIKE ?"), append(args, "%"+strings.ToLower(f.Actor)+"%")
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.Since)
	}
	if !f.Until.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.Until)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log"+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: count: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	rows, err := q.Query(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor_label, entity, entity_id, action, before_json, after_json, ip
		FROM audit_log`+cond+` ORDER BY at DESC, id DESC LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	out, err := scanEntries(rows)
	return out, total, err
}

func scanEntries(rows *sql.Rows) ([]Entry, error) {
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Entity, &e.EntityID, &e.Action, &e.Before, &e.After, &e.IP); err != nil {
			return nil, fmt.Errorf("audit: scan: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Entities lists the distinct entity names in the log, for the filter menu.
func Entities(ctx context.Context, q db.Querier) ([]string, error) {
	rows, err := q.Query(ctx, "SELECT DISTINCT entity FROM audit_log ORDER BY entity")
	if err != nil {
		return nil, fmt.Errorf("audit: entities: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Recent returns the newest entries without counting the whole log (for
// dashboards, where the total is not shown).
func Recent(ctx context.Context, q db.Querier, limit int) ([]Entry, error) {
	limit = min(max(limit, 1), 1000)
	rows, err := q.Query(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor_label, entity, entity_id, action, before_json, after_json, ip
		FROM audit_log ORDER BY at DESC, id DESC LIMIT `+strconv.Itoa(limit))
	if err != nil {
		return nil, fmt.Errorf("audit: recent: %w", err)
	}
	return scanEntries(rows)
}
