package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"filiere/internal/db"
)

// Options configure a Service; zero fields take the documented defaults.
type Options struct {
	Now                   func() time.Time // default time.Now
	BaseURL               string           // e.g. "http://localhost:8080", for reset links
	IdleTimeout           time.Duration    // default 2h: a session unused that long expires
	AbsoluteTimeout       time.Duration    // default 7 days since login
	ResetTTL              time.Duration    // default 1h
	MaxFailuresPerAccount int              // default 10 failures within ThrottleWindow lock the account
	MaxFailuresPerIP      int              // default 50
	ThrottleWindow        time.Duration    // default 15m
	Argon2                Argon2Params     // default DefaultArgon2
}

// Service manages accounts, sessions, resets and API tokens in the database.
type Service struct {
	db   *db.DB
	opts Options

	dummyOnce sync.Once
	dummyHash string // verified against for unknown e-mails, so they cost what a real account costs
}

// NewService returns a Service on d with opts completed by the defaults.
func NewService(d *db.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 2 * time.Hour
	}
	if opts.AbsoluteTimeout <= 0 {
		opts.AbsoluteTimeout = 7 * 24 * time.Hour
	}
	if opts.ResetTTL <= 0 {
		opts.ResetTTL = time.Hour
	}
	if opts.MaxFailuresPerAccount <= 0 {
		opts.MaxFailuresPerAccount = 10
	}
	if opts.MaxFailuresPerIP <= 0 {
		opts.MaxFailuresPerIP = 50
	}
	if opts.ThrottleWindow <= 0 {
		opts.ThrottleWindow = 15 * time.Minute
	}
	opts.Argon2 = opts.Argon2.withDefaults()
	return &Service{db: d, opts: opts}
}

// now is the service's clock, in UTC at the storage precision so that a time
// written and read back compares equal.
func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// touchEvery is how stale last_seen_at / last_used_at may get before a
// request writes them again: one write a minute per session at most.
const touchEvery = time.Minute

// newToken returns n random bytes.
func newToken(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("auth: random token: %w", err)
	}
	return b, nil
}

// newSessionToken returns a session (or reset) token: 32 random bytes, base64url.
func newSessionToken() (string, error) {
	b, err := newToken(32)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// tokenHash is how every token is stored: the hex SHA-256 of its plaintext.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// dummy returns a hash to verify against when there is no account, built once
// with the service's parameters.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		// A random password nobody knows; never compared for a real account.
		pw, err := newSessionToken()
		if err == nil {
			s.dummyHash, err = HashPassword(pw, s.opts.Argon2)
		}
		if err != nil {
			s.dummyHash = "$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		}
	})
	return s.dummyHash
}

// Purge deletes expired sessions, spent or expired reset tokens a day past
// their expiry, and login attempts older than 30 days. Run it periodically.
func (s *Service) Purge(ctx context.Context) error {
	now := s.now()
	stmts := []struct {
		sql  string
		args []any
	}{
		{"DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?", []any{now, now.Add(-s.opts.IdleTimeout)}},
		{"DELETE FROM password_resets WHERE expires_at <= ?", []any{now.Add(-24 * time.Hour)}},
		{"DELETE FROM login_attempts WHERE at <= ?", []any{now.Add(-30 * 24 * time.Hour)}},
	}
	for _, st := range stmts {
		if _, err := s.db.Exec(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("auth: purge: %w", err)
		}
	}
	return nil
}
