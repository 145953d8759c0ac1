package mail

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"filiere/internal/db"
)

// OutboxRow is one outbox message as the operations page shows it; bodies
// are left out.
type OutboxRow struct {
	ID        int64
	To        string
	ToName    string
	Subject   string
	CreatedAt time.Time
	SendAfter time.Time
	SentAt    *time.Time
	Attempts  int
	LastError string
}

// Sent tells whether the message was handed to the relay.
func (r OutboxRow) Sent() bool { return r.SentAt != nil }

// GaveUp tells whether the sender stopped trying after MaxAttempts failures.
func (r OutboxRow) GaveUp() bool { return r.SentAt == nil && r.Attempts >= MaxAttempts }

// Pending counts the messages still to be sent, those postponed after a
// failure included and those given up excluded.
func Pending(ctx context.Context, q db.Querier) (int, error) {
	var n int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND attempts < ?", MaxAttempts).Scan(&n); err != nil {
		return 0, fmt.Errorf("mail: count pending: %w", err)
	}
	return n, nil
}

// GivenUp counts the messages the sender stopped trying to deliver.
func GivenUp(ctx context.Context, q db.Querier) (int, error) {
	var n int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND attempts >= ?", MaxAttempts).Scan(&n); err != nil {
		return 0, fmt.Errorf("mail: count given up: %w", err)
	}
	return n, nil
}

// Recent lists the last limit messages queued, newest first.
func Recent(ctx context.Context, q db.Querier, limit int) ([]OutboxRow, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := q.Query(ctx, `SELECT id, to_addr, to_name, subject, created_at, send_after, sent_at, attempts, last_error
		FROM outbox ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("mail: recent: %w", err)
	}
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var r OutboxRow
		var sent sql.NullTime
		if err := rows.Scan(&r.ID, &r.To, &r.ToName, &r.Subject, &r.CreatedAt, &r.SendAfter, &sent, &r.Attempts, &r.LastError); err != nil {
			return nil, fmt.Errorf("mail: recent: %w", err)
		}
		if sent.Valid {
			t := sent.Time.UTC()
			r.SentAt = &t
		}
		r.CreatedAt = r.CreatedAt.UTC()
		r.SendAfter = r.SendAfter.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mail: recent: %w", err)
	}
	return out, nil
}
