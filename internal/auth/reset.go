package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/i18n"
	"filiere/internal/mail"
	"filiere/internal/validate"
)

// ErrResetInvalid refuses a reset link that is unknown, used or expired.
var ErrResetInvalid = validate.NewMessage("auth.reset_invalid")

// maxResetMailsPerAddress caps the reset mails one address receives per
// ThrottleWindow, so that the form cannot be used to flood a mailbox.
const maxResetMailsPerAddress = 3

// ResetPath is the web path a reset link points to, followed by the token.
const ResetPath = "/reset/"

// RequestPasswordReset mails a one-time reset link, valid ResetTTL, to the
// enabled account with that e-mail, in the account's language. For an
// unknown or disabled address it does nothing and returns nil, so the form
// reveals nothing. Requests are throttled per IP like logins (they count
// against the IP's MaxFailuresPerIP), and to 3 per address per
// ThrottleWindow against mail flooding ("auth.throttled").
func (s *Service) RequestPasswordReset(ctx context.Context, email, ip string) error {
	email = normEmail(email)
	now := s.now()
	key := resetAttemptPrefix + email
	if err := s.checkThrottle(ctx, s.db, key, ip, maxResetMailsPerAddress, false, now); err != nil {
		return err
	}
	u, err := s.UserByEmail(ctx, email)
	known := err == nil && !u.Disabled
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("auth: request reset: %w", err)
	}
	var token string
	if known {
		if token, err = newSessionToken(); err != nil {
			return err
		}
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := recordAttempt(ctx, tx, key, ip, now, false); err != nil {
			return err
		}
		if !known {
			return nil
		}
		if _, err := tx.Exec(ctx, "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			tokenHash(token), u.ID, now, now.Add(s.opts.ResetTTL)); err != nil {
			return err
		}
		lang := i18n.Lang(u.Lang)
		minutes := int(s.opts.ResetTTL / time.Minute)
		if _, err := mail.Enqueue(ctx, tx, mail.Message{
			To:      u.Email,
			ToName:  u.Name,
			Subject: i18n.T(lang, "auth.reset_mail.subject"),
			Text:    i18n.T(lang, "auth.reset_mail.body", u.Name, s.ResetURL(token), minutes),
		}); err != nil {
			return err
		}
		actor := audit.ActorFrom(ctx)
		if actor.IP == "" {
			actor.IP = ip
		}
		return audit.Record(audit.WithActor(ctx, actor), tx, "user", u.ID, "password_reset_request", nil, map[string]string{"ip": ip})
	})
	if err != nil {
		return fmt.Errorf("auth: request reset: %w", err)
	}
	return nil
}

// ResetURL is the link a reset mail carries for token.
func (s *Service) ResetURL(token string) string { return s.opts.BaseURL + ResetPath + token }

// ResetTokenValid reports whether a reset token may still be used, so that
// the reset page can say so before the user types a new password.
func (s *Service) ResetTokenValid(ctx context.Context, token string) (bool, error) {
	_, err := s.resetUser(ctx, s.db, token)
	if errors.Is(err, ErrResetInvalid) {
		return false, nil
	}
	return err == nil, err
}

// resetUser returns the enabled user a live reset token belongs to, or
// ErrResetInvalid.
func (s *Service) resetUser(ctx context.Context, q db.Querier, token string) (User, error) {
	if token == "" {
		return User{}, ErrResetInvalid
	}
	var expires time.Time
	var used sql.NullTime
	u, err := scanUser(q.QueryRow(ctx, "SELECT "+userColumns+`, r.expires_at, r.used_at
		FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.token_hash = ?`, tokenHash(token)), &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrResetInvalid
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: reset: %w", err)
	}
	if used.Valid || !s.now().Before(expires) || u.Disabled {
		return User{}, ErrResetInvalid
	}
	return u, nil
}

// ResetPassword sets a new password with a reset token. The token works once
// and expires after ResetTTL (ErrResetInvalid, "auth.reset_invalid"); a bad
// password gives validate.Errors and leaves the token usable. On success all
// the user's sessions end and every other pending reset token is spent.
// Audited as "password_reset".
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) (User, error) {
	u, err := s.resetUser(ctx, s.db, token)
	if err != nil {
		return User{}, err
	}
	var errs validate.Errors
	checkPassword(&errs, newPassword, u.Email)
	if len(errs) > 0 {
		return User{}, errs
	}
	hash, err := HashPassword(newPassword, s.opts.Argon2)
	if err != nil {
		return User{}, fmt.Errorf("auth: reset: %w", err)
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		// Spend the token with a conditional update: of two concurrent uses,
		// the second finds it spent and changes nothing.
		now := s.now()
		res, err := tx.Exec(ctx, "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
			now, tokenHash(token), now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrResetInvalid
		}
		if _, err := tx.Exec(ctx, "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", now, u.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, now, u.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		actx := ctx
		if audit.ActorFrom(ctx).UserID == 0 {
			actx = audit.WithActor(ctx, audit.Actor{UserID: u.ID, Label: u.Email, IP: audit.ActorFrom(ctx).IP})
		}
		return audit.Record(actx, tx, "user", u.ID, "password_reset", nil, nil)
	})
	if err != nil {
		return User{}, wrapUserErr("reset", err)
	}
	return u, nil
}
