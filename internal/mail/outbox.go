// Package mail queues messages in the outbox table, inside the transaction
// that causes them, and delivers them over SMTP.
package mail

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"filiere/internal/db"
)

// Message is one e-mail to one recipient.
type Message struct {
	To      string
	ToName  string
	Subject string
	Text    string
	HTML    string // optional
}

// Now is the outbox clock; tests may replace it.
var Now = func() time.Time { return time.Now().UTC() }

// Enqueue stores m in the outbox; the sender delivers it later. Pass the
// transaction of the change that causes the mail so both commit together.
func Enqueue(ctx context.Context, q db.Querier, m Message) (int64, error) {
	if _, err := mail.ParseAddress(m.To); err != nil {
		return 0, fmt.Errorf("mail: enqueue: bad recipient %q: %w", m.To, err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return 0, fmt.Errorf("mail: enqueue: subject contains a line break")
	}
	now := Now()
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO outbox (to_addr, to_name, subject, body_text, body_html, created_at, send_after)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, m.To, m.ToName, m.Subject, m.Text, m.HTML, now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("mail: enqueue: %w", err)
	}
	return id, nil
}
