package auth_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/validate"
)

type outboxMail struct{ To, ToName, Subject, Body string }

func outbox(t *testing.T, d *db.DB) []outboxMail {
	t.Helper()
	rows, err := d.Query(context.Background(), "SELECT to_addr, to_name, subject, body_text FROM outbox ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxMail
	for rows.Next() {
		var m outboxMail
		if err := rows.Scan(&m.To, &m.ToName, &m.Subject, &m.Body); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

var resetLink = regexp.MustCompile(`http://localhost:8080/reset/([A-Za-z0-9_-]+)`)

// resetToken requests a reset for email and returns the token the mail carries.
func resetToken(t *testing.T, s *auth.Service, d *db.DB, email string) (string, outboxMail) {
	t.Helper()
	before := len(outbox(t, d))
	if err := s.RequestPasswordReset(context.Background(), email, ip); err != nil {
		t.Fatal(err)
	}
	mails := outbox(t, d)
	if len(mails) != before+1 {
		t.Fatalf("%d mails enqueued, want 1", len(mails)-before)
	}
	m := mails[len(mails)-1]
	match := resetLink.FindStringSubmatch(m.Body)
	if match == nil {
		t.Fatalf("no reset link in the mail body:\n%s", m.Body)
	}
	return match[1], m
}

func wantResetInvalid(t *testing.T, err error) {
	t.Helper()
	if m, ok := validate.AsMessage(err); !ok || m.Key != "auth.reset_invalid" {
		t.Fatalf("err = %v, want auth.reset_invalid", err)
	}
}

func TestResetMailIsInTheUsersLanguageAndItsLinkWorksOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		ctx := context.Background()
		u, err := s.CreateUser(ctx, auth.NewUser{Email: "alex@medtech.example", Name: "Alex Smith", Lang: "en", Role: auth.RoleBuyer, Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		_, session, _ := login(s, "alex@medtech.example", goodPassword)

		token, m := resetToken(t, s, d, " ALEX@medtech.example")
		if m.To != "alex@medtech.example" || m.ToName != "Alex Smith" || m.Subject != "Reset your filiere password" {
			t.Fatalf("mail = %+v", m)
		}
		if !strings.Contains(m.Body, "Hello Alex Smith") || !strings.Contains(m.Body, "60 minutes") {
			t.Fatalf("body is not the English text with the name and validity:\n%s", m.Body)
		}
		var stored int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM password_resets WHERE token_hash = ?", token).Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("the plaintext reset token is stored (%d, %v)", stored, err)
		}
		if ok, err := s.ResetTokenValid(ctx, token); !ok || err != nil {
			t.Fatalf("ResetTokenValid = %v, %v", ok, err)
		}

		_, err = s.ResetPassword(ctx, token, "short")
		if errs, ok := validate.As(err); !ok || errs[0].Field != "password" {
			t.Fatalf("short password: err = %v", err)
		}
		const newPassword = "another fine passphrase"
		got, err := s.ResetPassword(ctx, token, newPassword)
		if err != nil || got.ID != u.ID {
			t.Fatalf("ResetPassword = %+v, %v", got, err)
		}
		if _, err := s.SessionUser(ctx, session); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("a session survived the reset: %v", err)
		}
		if _, _, err := login(s, "alex@medtech.example", newPassword); err != nil {
			t.Fatalf("login with the new password: %v", err)
		}
		_, err = s.ResetPassword(ctx, token, "yet another passphrase")
		wantResetInvalid(t, err)
		if ok, _ := s.ResetTokenValid(ctx, token); ok {
			t.Fatal("a used token is still valid")
		}
		if actions := auditActions(t, d, "user", strconv.FormatInt(u.ID, 10)); !contains(actions, "password_reset") {
			t.Fatalf("audit actions = %v", actions)
		}
	})
}

func TestResetMailInFrenchByDefault(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		mustCreate(t, s, "lea@cluster.example", auth.RoleStaff, 0)
		_, m := resetToken(t, s, d, "lea@cluster.example")
		if m.Subject != "Réinitialisation de votre mot de passe filiere" || !strings.Contains(m.Body, "Bonjour Camille Martin") {
			t.Fatalf("mail = %+v", m)
		}
	})
}

func TestExpiredOrUnknownResetTokenIsRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{ResetTTL: 30 * time.Minute})
		ctx := context.Background()
		mustCreate(t, s, "lea@cluster.example", auth.RoleStaff, 0)
		token, _ := resetToken(t, s, d, "lea@cluster.example")
		clock.Advance(30 * time.Minute)
		_, err := s.ResetPassword(ctx, token, "another fine passphrase")
		wantResetInvalid(t, err)
		_, err = s.ResetPassword(ctx, "", "another fine passphrase")
		wantResetInvalid(t, err)
		_, err = s.ResetPassword(ctx, "made-up", "another fine passphrase")
		wantResetInvalid(t, err)
	})
}

func TestResetForAnUnknownOrDisabledEmailSendsNothingAndSaysNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		ctx := context.Background()
		u := mustCreate(t, s, "lea@cluster.example", auth.RoleStaff, 0)
		mustCreate(t, s, "admin@cluster.example", auth.RoleAdmin, 0)
		if err := s.SetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{"nobody@cluster.example", "lea@cluster.example"} {
			if err := s.RequestPasswordReset(ctx, email, ip); err != nil {
				t.Fatalf("%s: %v", email, err)
			}
		}
		if mails := outbox(t, d); len(mails) != 0 {
			t.Fatalf("mails enqueued: %+v", mails)
		}
	})
}

func TestResetRequestsAreThrottledPerIPAndPerAddress(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{MaxFailuresPerIP: 5})
		ctx := context.Background()
		mustCreate(t, s, "lea@cluster.example", auth.RoleStaff, 0)
		for range 3 {
			if err := s.RequestPasswordReset(ctx, "lea@cluster.example", "203.0.113.1"); err != nil {
				t.Fatal(err)
			}
		}
		wantThrottled(t, s.RequestPasswordReset(ctx, "lea@cluster.example", "203.0.113.2"), 15)
		if n := len(outbox(t, d)); n != 3 {
			t.Fatalf("%d mails, want 3", n)
		}
		// The address's reset budget does not lock its login.
		if _, _, err := login(s, "lea@cluster.example", goodPassword); err != nil {
			t.Fatalf("login after reset requests: %v", err)
		}
		for i := range 2 {
			if err := s.RequestPasswordReset(ctx, "x"+string(rune('a'+i))+"@cluster.example", "203.0.113.1"); err != nil {
				t.Fatal(err)
			}
		}
		wantThrottled(t, s.RequestPasswordReset(ctx, "other@cluster.example", "203.0.113.1"), 15)
		es, _, _ := audit.List(ctx, d, audit.Filter{Action: "password_reset_request"})
		if len(es) != 3 {
			t.Fatalf("%d reset requests audited, want 3 (known address only)", len(es))
		}
	})
}
