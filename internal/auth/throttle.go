package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"filiere/internal/db"
	"filiere/internal/validate"
)

// Login attempts are throttled from the login_attempts table: an account (by
// e-mail) or an IP with max failures inside the window is locked until enough
// of them age out. Refused attempts are recorded as failures too, so a client
// that keeps hammering stays locked; one that stops waits at most a window.
//
// Password-reset requests are recorded there as failures under the e-mail
// resetAttemptPrefix+email: they count against the IP like failed logins,
// and per address against mail flooding, without locking the account's login.
const resetAttemptPrefix = "password-reset:"

// ErrInvalidCredentials refuses a login without saying why: the same answer
// for an unknown e-mail, a wrong password and a disabled account.
var ErrInvalidCredentials = validate.NewMessage("auth.invalid_credentials")

// throttled returns the "auth.throttled" error with the minutes to wait.
func throttled(wait time.Duration) error {
	minutes := int((wait + time.Minute - 1) / time.Minute)
	return validate.NewMessage("auth.throttled", max(minutes, 1))
}

// lockedUntil returns when the failures matching cond stop locking, or the
// zero time when they do not lock now. since bounds the failures counted.
func (s *Service) lockedUntil(ctx context.Context, q db.Querier, cond string, arg any, since time.Time, maxFailures int) (time.Time, error) {
	// The maxFailures-th most recent failure in the window: while it is in
	// the window there are maxFailures of them; the lock lifts when it leaves.
	var at time.Time
	err := q.QueryRow(ctx, `SELECT at FROM login_attempts WHERE `+cond+` AND success = FALSE AND at > ?
		ORDER BY at DESC LIMIT 1 OFFSET ?`, arg, since, maxFailures-1).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("auth: throttle: %w", err)
	}
	return at.UTC().Add(s.opts.ThrottleWindow), nil
}

// checkThrottle returns an "auth.throttled" error when the account key or the
// IP is locked at now, nil when the attempt may proceed. An empty IP (the
// command line) is not throttled by IP. With sinceSuccess, the account's
// failures before its last successful login are forgiven.
func (s *Service) checkThrottle(ctx context.Context, q db.Querier, key, ip string, maxPerKey int, sinceSuccess bool, now time.Time) error {
	windowStart := now.Add(-s.opts.ThrottleWindow)
	since := windowStart
	if sinceSuccess {
		// ORDER BY, not MAX(at): an aggregate loses SQLite's column type and
		// would come back as text.
		var last time.Time
		err := q.QueryRow(ctx, `SELECT at FROM login_attempts WHERE email = ? AND success = TRUE AND at > ?
			ORDER BY at DESC LIMIT 1`, key, windowStart).Scan(&last)
		switch {
		case err == nil:
			since = last.UTC()
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("auth: throttle: %w", err)
		}
	}
	until, err := s.lockedUntil(ctx, q, "email = ?", key, since, maxPerKey)
	if err != nil {
		return err
	}
	if ip != "" {
		ipUntil, err := s.lockedUntil(ctx, q, "ip = ?", ip, windowStart, s.opts.MaxFailuresPerIP)
		if err != nil {
			return err
		}
		if ipUntil.After(until) {
			until = ipUntil
		}
	}
	if until.After(now) {
		return throttled(until.Sub(now))
	}
	return nil
}

// recordAttempt stores one login (or reset) attempt.
func recordAttempt(ctx context.Context, q db.Querier, email, ip string, at time.Time, success bool) error {
	if _, err := q.Exec(ctx, "INSERT INTO login_attempts (email, ip, at, success) VALUES (?, ?, ?, ?)", email, ip, at, success); err != nil {
		return fmt.Errorf("auth: record attempt: %w", err)
	}
	return nil
}
