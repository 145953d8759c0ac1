package auth

import (
	"context"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// APIToken is a personal token for the API, as listed to its owner. The
// plaintext is shown once, at creation; Prefix identifies it afterwards.
type APIToken struct {
	ID         int64
	Name       string
	Prefix     string // the plaintext's first 8 characters, e.g. "fil_k3zq"
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
	ExpiresAt  time.Time // zero when it never expires
	RevokedAt  time.Time // zero when not revoked
}

// Active reports whether the token still authenticates at now (its owner
// being enabled aside).
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// APITokenPrefix starts every API token, so that a leaked one is recognisable
// (secret scanners, logs).
const APITokenPrefix = "fil_"

// MaxTokenNameLen bounds an API token's name.
const MaxTokenNameLen = 100

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// CreateAPIToken makes an API token for a user and returns its plaintext,
// "fil_" followed by 32 random bytes in lower-case base32, which is never
// stored (only its SHA-256 hash). A zero expires means it never expires.
// Bad input gives validate.Errors on name or expires. Audited.
func (s *Service) CreateAPIToken(ctx context.Context, userID int64, name string, expires time.Time) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	now := s.now()
	var errs validate.Errors
	switch {
	case name == "":
		errs.Add("name", "auth.token_name_required")
	case utf8.RuneCountInString(name) > MaxTokenNameLen:
		errs.Add("name", "auth.token_name_too_long", MaxTokenNameLen)
	}
	if !expires.IsZero() && !expires.After(now) {
		errs.Add("expires", "auth.token_expiry_past")
	}
	if len(errs) > 0 {
		return "", APIToken{}, errs
	}
	raw, err := newToken(32)
	if err != nil {
		return "", APIToken{}, err
	}
	plain := APITokenPrefix + strings.ToLower(tokenEncoding.EncodeToString(raw))
	tok := APIToken{Name: name, Prefix: plain[:8], CreatedAt: now}
	var exp any
	if !expires.IsZero() {
		tok.ExpiresAt = expires.UTC().Truncate(time.Microsecond)
		exp = tok.ExpiresAt
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := s.userWhere(ctx, tx, "u.id = ?", userID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, userID, name, tok.Prefix, tokenHash(plain), now, exp).Scan(&tok.ID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "api_token", tok.ID, "create", nil,
			map[string]any{"user_id": userID, "name": name, "prefix": tok.Prefix, "expires_at": exp})
	})
	if err != nil {
		return "", APIToken{}, wrapUserErr("create api token", err)
	}
	return plain, tok, nil
}

const apiTokenColumns = "t.id, t.name, t.prefix, t.created_at, t.last_used_at, t.expires_at, t.revoked_at"

func scanAPIToken(r rowScanner, extra ...any) (APIToken, error) {
	var t APIToken
	var used, exp, rev sql.NullTime
	if err := r.Scan(append([]any{&t.ID, &t.Name, &t.Prefix, &t.CreatedAt, &used, &exp, &rev}, extra...)...); err != nil {
		return APIToken{}, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.LastUsedAt, t.ExpiresAt, t.RevokedAt = nullTime(used), nullTime(exp), nullTime(rev)
	return t, nil
}

func nullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// APITokens lists a user's API tokens, revoked and expired ones included,
// newest first.
func (s *Service) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.db.Query(ctx, "SELECT "+apiTokenColumns+" FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created_at DESC, t.id DESC", userID)
	if err != nil {
		return nil, fmt.Errorf("auth: api tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, fmt.Errorf("auth: api tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("auth: api tokens: %w", err)
	}
	return out, nil
}

// RevokeAPIToken revokes one of the user's own tokens; revoking it again is
// a no-op. It returns db.ErrNotFound when the token is not the user's.
// Audited as "revoke".
func (s *Service) RevokeAPIToken(ctx context.Context, userID, tokenID int64) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var owner int64
		var revoked sql.NullTime
		err := tx.QueryRow(ctx, "SELECT user_id, revoked_at FROM api_tokens WHERE id = ?", tokenID).Scan(&owner, &revoked)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != userID) {
			return db.ErrNotFound
		}
		if err != nil || revoked.Valid {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", s.now(), tokenID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "api_token", tokenID, "revoke", nil, map[string]int64{"user_id": userID})
	})
	return wrapUserErr("revoke api token", err)
}

// TokenUser returns the user an API token authenticates. It returns
// db.ErrNotFound when the token is unknown, revoked or expired, or its user
// disabled. It refreshes last_used_at at most once a minute.
func (s *Service) TokenUser(ctx context.Context, plaintext string) (User, error) {
	if !strings.HasPrefix(plaintext, APITokenPrefix) {
		return User{}, db.ErrNotFound
	}
	var id int64
	var used, exp, rev sql.NullTime
	u, err := scanUser(s.db.QueryRow(ctx, "SELECT "+userColumns+`, t.id, t.last_used_at, t.expires_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, tokenHash(plaintext)), &id, &used, &exp, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, db.ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: token user: %w", err)
	}
	tok := APIToken{ID: id, LastUsedAt: nullTime(used), ExpiresAt: nullTime(exp), RevokedAt: nullTime(rev)}
	now := s.now()
	if !tok.Active(now) || u.Disabled {
		return User{}, db.ErrNotFound
	}
	if tok.LastUsedAt.IsZero() || now.Sub(tok.LastUsedAt) >= touchEvery {
		if _, err := s.db.Exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, tok.ID); err != nil {
			return User{}, fmt.Errorf("auth: token user: %w", err)
		}
	}
	return u, nil
}
