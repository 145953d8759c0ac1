package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"strings"
	"sync"
	"time"

	"filiere/internal/db"
)

// MaxAttempts is how many times the sender tries a message before it gives
// up; the row stays in the outbox, unsent, for an operator to see.
const MaxAttempts = 8

const (
	defaultBatch = 20
	// lease keeps a claimed batch away from other senders while this one
	// works through it; a sender that dies mid-batch frees it when it expires.
	lease         = 15 * time.Minute
	maxErrorChars = 500
)

// Sender delivers the outbox over SMTP. Several senders, on several app
// nodes, may run against one PostgreSQL database: each claims its own rows.
type Sender struct {
	db     *db.DB
	relay  *relay // nil: delivery disabled
	from   *mail.Address
	logger *slog.Logger
	helo   string
	batch  int

	// Now is the sender's clock; nil means the package's Now. Tests move it
	// forward to make a postponed retry due.
	Now func() time.Time

	mu         sync.Mutex
	lastLogged int64 // disabled mode: highest outbox id already logged
}

// NewSender returns a sender relaying through smtpURL (smtp://user:pass@host:port,
// STARTTLS when offered; smtps://… for implicit TLS; ?insecure_skip_verify=1
// for self-signed test relays) with from as the From address, e.g.
// "Filière Santé <ne-pas-repondre@filiere.example>". An empty smtpURL
// disables delivery: pending mails are logged, once each, and left pending.
func NewSender(d *db.DB, smtpURL string, from string, logger *slog.Logger) (*Sender, error) {
	if d == nil {
		return nil, errors.New("mail: new sender: no database")
	}
	if logger == nil {
		logger = slog.Default()
	}
	s := &Sender{db: d, logger: logger, helo: heloName(), batch: defaultBatch}
	if strings.ContainsAny(from, "\r\n") {
		return nil, fmt.Errorf("mail: new sender: from address: %w", ErrHeaderInjection)
	}
	if from != "" {
		a, err := mail.ParseAddress(from)
		if err != nil {
			return nil, fmt.Errorf("mail: new sender: from address %q: %w", from, err)
		}
		s.from = a
	}
	if strings.TrimSpace(smtpURL) == "" {
		logger.Warn("mail delivery disabled: no SMTP server configured; outgoing mail is logged and left pending in the outbox")
		return s, nil
	}
	if s.from == nil {
		return nil, errors.New("mail: new sender: a From address is needed to deliver mail")
	}
	r, err := parseRelay(smtpURL)
	if err != nil {
		return nil, err
	}
	s.relay = r
	logger.Info("mail delivery enabled", "relay", r.addr(), "tls", map[bool]string{true: "implicit", false: "starttls when offered"}[r.implicitTLS], "from", s.from.Address)
	return s, nil
}

func heloName() string {
	h, err := os.Hostname()
	if err != nil || h == "" || strings.ContainsAny(h, " \r\n") {
		return "localhost"
	}
	return h
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return Now().UTC()
}

// Run delivers pending mail now and then every interval until ctx is done.
func (s *Sender) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		sent, failed, err := s.DeliverPending(ctx)
		if err != nil && ctx.Err() == nil {
			s.logger.Error("mail: delivery run failed", "err", err)
		}
		if sent > 0 || failed > 0 {
			s.logger.Info("mail: delivery run", "sent", sent, "failed", failed)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverPending sends every due message, in id order, batch after batch.
// SMTP failures are recorded on their rows and counted in failed; err
// reports what stopped the run itself (the database, a cancelled context).
func (s *Sender) DeliverPending(ctx context.Context) (sent, failed int, err error) {
	if s.relay == nil {
		return 0, 0, s.logDisabled(ctx)
	}
	for {
		batch, err := s.claim(ctx)
		if err != nil {
			return sent, failed, err
		}
		if len(batch) == 0 {
			return sent, failed, nil
		}
		r := s.deliver(ctx, batch)
		sent += r.sent
		failed += r.failed
		if r.err != nil || r.unreachable || len(batch) < s.batch {
			return sent, failed, r.err
		}
	}
}

// claim takes the next due batch and leases it. On PostgreSQL, FOR UPDATE
// SKIP LOCKED lets concurrent senders claim disjoint batches; on SQLite the
// transaction already holds the single write lock.
func (s *Sender) claim(ctx context.Context) ([]envelope, error) {
	now := s.now()
	q := `SELECT id, to_addr, to_name, subject, body_text, body_html, created_at, attempts
		FROM outbox
		WHERE sent_at IS NULL AND send_after <= ? AND attempts < ?
		ORDER BY id
		LIMIT ?`
	if s.db.Dialect() == db.Postgres {
		q += " FOR UPDATE SKIP LOCKED"
	}
	var batch []envelope
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, q, now, MaxAttempts, s.batch)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e envelope
			if err := rows.Scan(&e.ID, &e.To, &e.ToName, &e.Subject, &e.Text, &e.HTML, &e.CreatedAt, &e.Attempts); err != nil {
				return err
			}
			batch = append(batch, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(batch) == 0 {
			return nil
		}
		args := []any{now.Add(lease)}
		marks := make([]string, len(batch))
		for i, e := range batch {
			marks[i] = "?"
			args = append(args, e.ID)
		}
		_, err = tx.Exec(ctx, "UPDATE outbox SET send_after = ? WHERE id IN ("+strings.Join(marks, ", ")+")", args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mail: claim outbox batch: %w", err)
	}
	return batch, nil
}

type batchResult struct {
	sent, failed int
	unreachable  bool // the relay could not be reached: stop for this run
	err          error
}

// deliver sends a claimed batch through one SMTP session, reopened after a
// broken connection. When the relay cannot be reached at all, the rest of
// the batch fails with the same error rather than waiting on it again.
func (s *Sender) deliver(ctx context.Context, batch []envelope) (r batchResult) {
	var conn *connection
	var dialErr error
	defer func() {
		if conn != nil {
			conn.close()
		}
	}()
	for i, e := range batch {
		if err := ctx.Err(); err != nil {
			s.release(batch[i:])
			r.err = err
			return r
		}
		to, err := e.recipient()
		var msg []byte
		if err == nil {
			msg, err = buildMessage(e, s.from, to, s.now())
		}
		if err != nil {
			err = permanentError{err}
		} else if dialErr != nil {
			err = dialErr
		} else {
			if conn == nil {
				conn, dialErr = s.relay.dial(ctx, s.helo)
				err = dialErr
			}
			if err == nil {
				err = conn.send(s.from.Address, to.Address, msg)
				if err != nil && !conn.usable(err) {
					conn.close()
					conn = nil
				}
			}
		}
		if err == nil {
			if err := s.markSent(ctx, e); err != nil {
				r.err = err
				s.release(batch[i+1:])
				return r
			}
			r.sent++
			continue
		}
		r.failed++
		if err := s.markFailed(ctx, e, err); err != nil {
			r.err = err
			s.release(batch[i+1:])
			return r
		}
	}
	r.unreachable = dialErr != nil
	return r
}

func (s *Sender) markSent(ctx context.Context, e envelope) error {
	if _, err := s.db.Exec(ctx, "UPDATE outbox SET sent_at = ? WHERE id = ?", s.now(), e.ID); err != nil {
		return fmt.Errorf("mail: mark outbox %d sent: %w", e.ID, err)
	}
	return nil
}

// markFailed records the error and postpones the next attempt: 1 min, 2, 4…
// up to an hour. A permanent failure uses up every attempt at once.
func (s *Sender) markFailed(ctx context.Context, e envelope, sendErr error) error {
	attempts := e.Attempts + 1
	var perm permanentError
	if errors.As(sendErr, &perm) {
		attempts = MaxAttempts
	}
	msg := sendErr.Error()
	if len(msg) > maxErrorChars {
		msg = strings.ToValidUTF8(msg[:maxErrorChars], "") + "…"
	}
	next := s.now().Add(Backoff(attempts))
	if _, err := s.db.Exec(ctx, "UPDATE outbox SET attempts = ?, last_error = ?, send_after = ? WHERE id = ?", attempts, msg, next, e.ID); err != nil {
		return fmt.Errorf("mail: record outbox %d failure: %w", e.ID, err)
	}
	if attempts >= MaxAttempts {
		s.logger.Error("mail: giving up on message", "outbox_id", e.ID, "attempts", attempts, "err", sendErr)
	} else {
		s.logger.Warn("mail: delivery failed, will retry", "outbox_id", e.ID, "attempts", attempts, "retry_at", next, "err", sendErr)
	}
	return nil
}

// release hands back claimed rows that this run will not try, so they need
// not wait for the lease to expire. It runs even when ctx is cancelled.
func (s *Sender) release(batch []envelope) {
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	now := s.now()
	for _, e := range batch {
		if _, err := s.db.Exec(ctx, "UPDATE outbox SET send_after = ? WHERE id = ? AND sent_at IS NULL", now, e.ID); err != nil {
			s.logger.Warn("mail: release claimed message", "outbox_id", e.ID, "err", err)
			return
		}
	}
}

// Backoff is the wait before the next try of a message that has failed
// attempts times: one minute, doubling, capped at an hour.
func Backoff(attempts int) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	if attempts > 7 { // 2^6 minutes already exceeds the cap
		return time.Hour
	}
	return min(time.Minute<<(attempts-1), time.Hour)
}

// logDisabled logs each pending mail once per process, so a developer
// without an SMTP server still sees the links the mails carry.
func (s *Sender) logDisabled(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows, err := s.db.Query(ctx, `SELECT id, to_addr, subject, body_text FROM outbox
		WHERE sent_at IS NULL AND id > ? ORDER BY id LIMIT 100`, s.lastLogged)
	if err != nil {
		return fmt.Errorf("mail: list pending mail: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var to, subject, text string
		if err := rows.Scan(&id, &to, &subject, &text); err != nil {
			return fmt.Errorf("mail: list pending mail: %w", err)
		}
		// The body may hold a password-reset link: only debug logs show it.
		s.logger.Info("mail delivery disabled: message left pending", "outbox_id", id, "to", to, "subject", subject)
		s.logger.Debug("mail delivery disabled: pending message body", "outbox_id", id, "text", text)
		s.lastLogged = id
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("mail: list pending mail: %w", err)
	}
	return nil
}
