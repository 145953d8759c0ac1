package auth

import (
	"context"
	"strings"
	"testing"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
)

func TestLoginRehashesAPasswordHashedWithOldParameters(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		old := NewService(d, Options{Argon2: Argon2Params{Memory: 512, Time: 1, Threads: 1}})
		u, err := old.CreateUser(ctx, NewUser{Email: "camille@cluster.example", Name: "Camille", Role: RoleStaff, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		s := NewService(d, Options{Argon2: Argon2Params{Memory: 1024, Time: 1, Threads: 1}})
		if _, _, err := s.Login(ctx, u.Email, "correct horse battery", "192.0.2.1", ""); err != nil {
			t.Fatal(err)
		}
		var hash string
		if err := d.QueryRow(ctx, "SELECT password_hash FROM users WHERE id = ?", u.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(hash, "$m=1024,") || needsRehash(hash, s.opts.Argon2) {
			t.Fatalf("hash not upgraded: %s", hash)
		}
		if _, _, err := s.Login(ctx, u.Email, "correct horse battery", "192.0.2.1", ""); err != nil {
			t.Fatalf("login after the rehash: %v", err)
		}
	})
}

func TestAnAccountWithoutPasswordCannotLogIn(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(d, Options{Argon2: Argon2Params{Memory: 1024, Time: 1, Threads: 1}})
		u, err := s.CreateUser(ctx, NewUser{Email: "invited@cluster.example", Name: "Invité", Role: RoleExpert, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "UPDATE users SET password_hash = '' WHERE id = ?", u.ID); err != nil {
			t.Fatal(err)
		}
		for _, pw := range []string{"", "correct horse battery"} {
			if _, _, err := s.Login(ctx, u.Email, pw, "192.0.2.1", ""); err != ErrInvalidCredentials {
				t.Fatalf("password %q: err = %v", pw, err)
			}
		}
	})
}
