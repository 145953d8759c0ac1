// Package mail queues messages in the outbox table, inside the transaction
// that causes them, and delivers them over SMTP.
package mail

import (
	"context"
	"errors"
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

// ErrHeaderInjection means an address, a name or a subject holds a line
// break, which would let its author add headers of their own to the mail.
var ErrHeaderInjection = errors.New("mail: line break in a header field")

// Enqueue stores m in the outbox; the sender delivers it later. Pass the
// transaction of the change that causes the mail so both commit together.
func Enqueue(ctx context.Context, q db.Querier, m Message) (int64, error) {
	if err := checkHeaderFields(m.To, m.ToName, m.Subject); err != nil {
		return 0, fmt.Errorf("mail: enqueue: %w", err)
	}
	if _, err := mail.ParseAddress(m.To); err != nil {
		return 0, fmt.Errorf("mail: enqueue: bad recipient %q: %w", m.To, err)
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

// checkHeaderFields refuses values that would break out of their header
// line. It runs at Enqueue and again at send, for rows written by other means.
func checkHeaderFields(to, toName, subject string) error {
	for _, f := range []struct{ name, value string }{{"recipient", to}, {"recipient name", toName}, {"subject", subject}} {
		if strings.ContainsAny(f.value, "\r\n\x00") {
			return fmt.Errorf("%w: %s", ErrHeaderInjection, f.name)
		}
	}
	return nil
}
