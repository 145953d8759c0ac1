package mailtest

import (
	"context"
	"testing"

	"filiere/internal/db"
)

// Queued is a mail waiting in the outbox.
type Queued struct {
	ID                int64
	To, Subject, Body string
}

// Outbox returns the mails queued after the one with id after (0: all),
// oldest first, failing t on a database error. Tests of the domains that
// mail read what a change queued with it.
func Outbox(t testing.TB, q db.Querier, after int64) []Queued {
	t.Helper()
	rows, err := q.Query(context.Background(), "SELECT id, to_addr, subject, body_text FROM outbox WHERE id > ? ORDER BY id", after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []Queued
	for rows.Next() {
		var m Queued
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
