// Package notify keeps the in-app notifications: a message for one user,
// in their language when they read it (an i18n key and its arguments),
// with a link to what it is about. Domains add them in the transaction of
// the change they announce.
package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"filiere/internal/db"
	"filiere/internal/i18n"
)

// Notification is one message for a user.
type Notification struct {
	ID        int64
	UserID    int64
	Key       string   // i18n key
	Args      []string // its arguments
	Link      string   // a path on the site
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
}

// Text is the notification in lang.
func (n Notification) Text(lang string) string {
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		args[i] = a
	}
	return i18n.T(lang, n.Key, args...)
}

// Unread reports whether the user has not opened it yet.
func (n Notification) Unread() bool { return n.ReadAt.IsZero() }

// Add notifies userID, inside q (the transaction of the change).
func Add(ctx context.Context, q db.Querier, userID int64, key string, args []string, link string, at time.Time) error {
	if args == nil {
		args = []string{}
	}
	b, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	if _, err := q.Exec(ctx, "INSERT INTO notifications (user_id, message, args, link, created_at) VALUES (?, ?, ?, ?, ?)",
		userID, key, string(b), link, at.UTC()); err != nil {
		return fmt.Errorf("notify: add: %w", err)
	}
	return nil
}

// List returns the user's latest notifications, newest first, and how
// many are unread in all.
func List(ctx context.Context, q db.Querier, userID int64, limit int) ([]Notification, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var unread int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", userID).Scan(&unread); err != nil {
		return nil, 0, fmt.Errorf("notify: count: %w", err)
	}
	rows, err := q.Query(ctx, "SELECT id, user_id, message, args, link, created_at, read_at FROM notifications"+
		" WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?", userID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("notify: list: %w", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var args string
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.UserID, &n.Key, &args, &n.Link, &n.CreatedAt, &read); err != nil {
			return nil, 0, fmt.Errorf("notify: list: %w", err)
		}
		if err := json.Unmarshal([]byte(args), &n.Args); err != nil {
			return nil, 0, fmt.Errorf("notify: notification %d: %w", n.ID, err)
		}
		n.ReadAt = read.Time
		out = append(out, n)
	}
	return out, unread, rows.Err()
}

// Unread counts the user's unread notifications.
func Unread(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("notify: count: %w", err)
	}
	return n, nil
}

// MarkRead marks the user's notification id as read, or all of them when
// id is 0. Another user's notification is left alone.
func MarkRead(ctx context.Context, q db.Querier, userID, id int64, at time.Time) error {
	query, args := "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", []any{at.UTC(), userID}
	if id != 0 {
		query, args = query+" AND id = ?", append(args, id)
	}
	if _, err := q.Exec(ctx, query, args...); err != nil {
		return fmt.Errorf("notify: mark read: %w", err)
	}
	return nil
}
