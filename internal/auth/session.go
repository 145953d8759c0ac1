package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// Session is one signed-in browser, as shown to its user.
type Session struct {
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute expiry; the idle timeout may end it sooner
	IP         string
	UserAgent  string
}

// maxUserAgentLen bounds what a client may make us store.
const maxUserAgentLen = 512

// Login checks e-mail and password and opens a session, returning the user
// and the session token to set in a cookie. Every attempt is recorded; the
// throttle is checked before the password, so a locked account is refused
// ("auth.throttled", with the minutes to wait) even with the right one. An
// unknown e-mail, a wrong password and a disabled account all get
// ErrInvalidCredentials. Successes are audited as "login", failures as
// "login_failed" with the e-mail. An empty ip (the command line) escapes the
// per-IP throttle, not the per-account one.
func (s *Service) Login(ctx context.Context, email, password, ip, userAgent string) (User, string, error) {
	email = normEmail(email)
	now := s.now()
	if err := s.checkThrottle(ctx, s.db, email, ip, s.opts.MaxFailuresPerAccount, true, now); err != nil {
		if _, ok := validate.AsMessage(err); ok {
			if ferr := s.loginFailed(ctx, "", email, ip, now, "throttled"); ferr != nil {
				return User{}, "", ferr
			}
		}
		return User{}, "", err
	}

	u, hash, err := s.credentials(ctx, email)
	found := err == nil
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return User{}, "", err
	}
	usable := hash != ""
	if !usable {
		hash = s.dummy() // same work whether or not the account exists
	}
	ok, verr := VerifyPassword(hash, password)
	reason := ""
	switch {
	case !found:
		reason = "unknown_email"
	case !usable || verr != nil:
		reason = "no_password" // no usable hash stored: the account cannot log in with a password
	case !ok:
		reason = "wrong_password"
	case u.Disabled:
		reason = "disabled"
	}
	if reason != "" {
		id := ""
		if found {
			id = fmt.Sprint(u.ID)
		}
		if err := s.loginFailed(ctx, id, email, ip, now, reason); err != nil {
			return User{}, "", err
		}
		return User{}, "", ErrInvalidCredentials
	}

	token, err := newSessionToken()
	if err != nil {
		return User{}, "", err
	}
	var rehash string
	if needsRehash(hash, s.opts.Argon2) {
		if rehash, err = HashPassword(password, s.opts.Argon2); err != nil {
			return User{}, "", fmt.Errorf("auth: login: %w", err)
		}
	}
	if len(userAgent) > maxUserAgentLen {
		userAgent = userAgent[:maxUserAgentLen]
	}
	actx := audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: u.Email, IP: ip})
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := recordAttempt(ctx, tx, email, ip, now, true); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET last_login_at = ? WHERE id = ?", now, u.ID); err != nil {
			return err
		}
		if rehash != "" {
			if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", rehash, u.ID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, tokenHash(token), u.ID, now, now, now.Add(s.opts.AbsoluteTimeout), ip, userAgent); err != nil {
			return err
		}
		return audit.Record(actx, tx, "user", u.ID, "login", nil, map[string]string{"ip": ip, "user_agent": userAgent})
	})
	if err != nil {
		return User{}, "", fmt.Errorf("auth: login: %w", err)
	}
	u.LastLoginAt = now
	return u, token, nil
}

// credentials returns the account and its password hash for an e-mail.
func (s *Service) credentials(ctx context.Context, email string) (User, string, error) {
	var hash string
	u, err := scanUser(s.db.QueryRow(ctx, "SELECT "+userColumns+", u.password_hash FROM users u WHERE u.email = ?", email), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, "", db.ErrNotFound
	}
	if err != nil {
		return User{}, "", fmt.Errorf("auth: login: %w", err)
	}
	return u, hash, nil
}

// loginFailed records a failed attempt and audits it.
func (s *Service) loginFailed(ctx context.Context, userID, email, ip string, now time.Time, reason string) error {
	actor := audit.ActorFrom(ctx)
	if actor.UserID == 0 {
		actor.Label = email // whoever claims that address
	}
	if actor.IP == "" {
		actor.IP = ip
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := recordAttempt(ctx, tx, email, ip, now, false); err != nil {
			return err
		}
		return audit.Record(audit.WithActor(ctx, actor), tx, "user", userID, "login_failed", nil,
			map[string]string{"email": email, "ip": ip, "reason": reason})
	})
	if err != nil {
		return fmt.Errorf("auth: login: %w", err)
	}
	return nil
}

// SessionUser returns the user of a session token. It returns db.ErrNotFound
// when the token is unknown, the session has expired (idle or absolute) or
// the user is disabled. It refreshes the session's last_seen_at at most once
// a minute.
func (s *Service) SessionUser(ctx context.Context, token string) (User, error) {
	if token == "" {
		return User{}, db.ErrNotFound
	}
	h := tokenHash(token)
	var lastSeen, expires time.Time
	u, err := scanUser(s.db.QueryRow(ctx, "SELECT "+userColumns+`, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, h), &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, db.ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: session: %w", err)
	}
	now := s.now()
	if !now.Before(expires) || now.Sub(lastSeen) >= s.opts.IdleTimeout || u.Disabled {
		if _, err := s.db.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", h); err != nil {
			return User{}, fmt.Errorf("auth: session: %w", err)
		}
		return User{}, db.ErrNotFound
	}
	if now.Sub(lastSeen) >= touchEvery {
		if _, err := s.db.Exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", now, h); err != nil {
			return User{}, fmt.Errorf("auth: session: %w", err)
		}
	}
	return u, nil
}

// Logout ends one session; an unknown token is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if _, err := s.db.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash(token)); err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	return nil
}

// LogoutEverywhere ends all of a user's sessions. Audited as "logout_everywhere".
func (s *Service) LogoutEverywhere(ctx context.Context, userID int64) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := s.userWhere(ctx, tx, "u.id = ?", userID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return audit.Record(ctx, tx, "user", userID, "logout_everywhere", nil, map[string]int64{"sessions": n})
	})
	return wrapUserErr("logout everywhere", err)
}

// Sessions lists a user's live sessions, most recently used first.
func (s *Service) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	now := s.now()
	rows, err := s.db.Query(ctx, `SELECT created_at, last_seen_at, expires_at, ip, user_agent FROM sessions
		WHERE user_id = ? AND expires_at > ? AND last_seen_at > ? ORDER BY last_seen_at DESC, created_at DESC`,
		userID, now, now.Add(-s.opts.IdleTimeout))
	if err != nil {
		return nil, fmt.Errorf("auth: sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var se Session
		if err := rows.Scan(&se.CreatedAt, &se.LastSeenAt, &se.ExpiresAt, &se.IP, &se.UserAgent); err != nil {
			return nil, fmt.Errorf("auth: sessions: %w", err)
		}
		se.CreatedAt, se.LastSeenAt, se.ExpiresAt = se.CreatedAt.UTC(), se.LastSeenAt.UTC(), se.ExpiresAt.UTC()
		out = append(out, se)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("auth: sessions: %w", err)
	}
	return out, nil
}

// CheckPassword re-verifies a signed-in user's password, before a sensitive
// change such as a new password. It is throttled and recorded like Login, so
// that a stolen session cannot guess the password: nil when it matches,
// ErrInvalidCredentials when not (or the account is disabled),
// "auth.throttled" when locked. Failures are audited as "password_check_failed".
func (s *Service) CheckPassword(ctx context.Context, userID int64, password, ip string) error {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	now := s.now()
	if err := s.checkThrottle(ctx, s.db, u.Email, ip, s.opts.MaxFailuresPerAccount, true, now); err != nil {
		return err
	}
	_, hash, err := s.credentials(ctx, u.Email)
	if err != nil {
		return err
	}
	usable := hash != ""
	if !usable {
		hash = s.dummy()
	}
	ok, verr := VerifyPassword(hash, password)
	success := usable && verr == nil && ok && !u.Disabled
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := recordAttempt(ctx, tx, u.Email, ip, now, success); err != nil {
			return err
		}
		if success {
			return nil
		}
		actor := audit.ActorFrom(ctx)
		if actor.IP == "" {
			actor.IP = ip
		}
		return audit.Record(audit.WithActor(ctx, actor), tx, "user", u.ID, "password_check_failed", nil, map[string]string{"ip": ip})
	})
	if err != nil {
		return fmt.Errorf("auth: check password: %w", err)
	}
	if !success {
		return ErrInvalidCredentials
	}
	return nil
}
