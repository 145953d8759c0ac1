package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/validate"
)

func TestAPITokenAuthenticatesItsOwnerUntilRevoked(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{})
		ctx := context.Background()
		u := mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		other := mustCreate(t, s, "lea@cluster.example", auth.RoleStaff, 0)

		plain, tok, err := s.CreateAPIToken(ctx, u.ID, "  CRM sync ", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(plain, "fil_") || len(plain) != 4+52 || tok.Prefix != plain[:8] || tok.Name != "CRM sync" || !tok.ExpiresAt.IsZero() {
			t.Fatalf("plaintext %q, token %+v", plain, tok)
		}
		var stored int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?", plain).Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("the plaintext API token is stored (%d, %v)", stored, err)
		}
		got, err := s.TokenUser(ctx, plain)
		if err != nil || got.ID != u.ID {
			t.Fatalf("TokenUser = %+v, %v", got, err)
		}
		list, err := s.APITokens(ctx, u.ID)
		if err != nil || len(list) != 1 || list[0].ID != tok.ID || !list[0].LastUsedAt.Equal(clock.Now()) {
			t.Fatalf("APITokens = %+v, %v", list, err)
		}
		for _, bad := range []string{plain + "x", strings.TrimPrefix(plain, "fil_"), "fil_", ""} {
			if _, err := s.TokenUser(ctx, bad); !errors.Is(err, db.ErrNotFound) {
				t.Fatalf("TokenUser(%q): err = %v", bad, err)
			}
		}
		if err := s.RevokeAPIToken(ctx, other.ID, tok.ID); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("revoking someone else's token: err = %v", err)
		}
		if _, err := s.TokenUser(ctx, plain); err != nil {
			t.Fatalf("a refused revocation revoked the token: %v", err)
		}
		clock.Advance(time.Minute)
		if err := s.RevokeAPIToken(ctx, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAPIToken(ctx, u.ID, tok.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if _, err := s.TokenUser(ctx, plain); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("revoked token: err = %v", err)
		}
		list, _ = s.APITokens(ctx, u.ID)
		if len(list) != 1 || !list[0].RevokedAt.Equal(clock.Now()) || list[0].Active(clock.Now()) {
			t.Fatalf("after revocation: %+v", list)
		}
		if err := s.RevokeAPIToken(ctx, u.ID, tok.ID+100); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("unknown token: err = %v", err)
		}
		es, _, _ := audit.List(ctx, d, audit.Filter{Entity: "api_token"})
		if len(es) != 2 || es[0].Action != "revoke" || es[1].Action != "create" || strings.Contains(es[1].After, plain) {
			t.Fatalf("api_token audit = %+v", es)
		}
	})
}

func TestAPITokenStopsAtItsExpiryAndWhileItsOwnerIsDisabled(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{})
		ctx := context.Background()
		mustCreate(t, s, "admin@cluster.example", auth.RoleAdmin, 0)
		u := mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		plain, tok, err := s.CreateAPIToken(ctx, u.ID, "export", clock.Now().Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !tok.ExpiresAt.Equal(clock.Now().Add(24 * time.Hour)) {
			t.Fatalf("expires = %v", tok.ExpiresAt)
		}
		if err := s.SetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, plain); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("token of a disabled user: err = %v", err)
		}
		if err := s.SetDisabled(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, plain); err != nil {
			t.Fatalf("disabling revoked the token: %v", err)
		}
		clock.Advance(24 * time.Hour)
		if _, err := s.TokenUser(ctx, plain); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("expired token: err = %v", err)
		}
	})
}

func TestCreateAPITokenValidatesNameAndExpiry(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{})
		ctx := context.Background()
		u := mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		catalog := authCatalog(t)
		for _, c := range []struct {
			name    string
			expires time.Time
			field   string
			key     string
		}{
			{" ", time.Time{}, "name", "auth.token_name_required"},
			{strings.Repeat("x", auth.MaxTokenNameLen+1), time.Time{}, "name", "auth.token_name_too_long"},
			{"ok", clock.Now().Add(-time.Second), "expires", "auth.token_expiry_past"},
		} {
			_, _, err := s.CreateAPIToken(ctx, u.ID, c.name, c.expires)
			errs, ok := validate.As(err)
			if !ok {
				t.Fatalf("%q: err = %v", c.name, err)
			}
			if fe, found := errs.For(c.field); !found || fe.Key != c.key {
				t.Errorf("%q: errors = %v, want %s", c.name, errs, c.key)
			}
			if _, in := catalog[c.key]; !in {
				t.Errorf("%s not in auth.json", c.key)
			}
		}
		if _, _, err := s.CreateAPIToken(ctx, u.ID+50, "ok", time.Time{}); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("unknown user: err = %v", err)
		}
	})
}
