package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/validate"
)

const ip = "192.0.2.10"

func login(s *auth.Service, email, password string) (auth.User, string, error) {
	return s.Login(context.Background(), email, password, ip, "Firefox")
}

func wantThrottled(t *testing.T, err error, minutes int) {
	t.Helper()
	m, ok := validate.AsMessage(err)
	if !ok || m.Key != "auth.throttled" {
		t.Fatalf("err = %v, want auth.throttled", err)
	}
	if len(m.Args) != 1 || m.Args[0] != minutes {
		t.Fatalf("throttled args = %v, want [%d]", m.Args, minutes)
	}
}

func wantInvalid(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("err = %v, want ErrInvalidCredentials", err)
	}
	if m, ok := validate.AsMessage(err); !ok || m.Key != "auth.invalid_credentials" {
		t.Fatalf("err = %v is not the auth.invalid_credentials message", err)
	}
}

func TestLoginOpensASessionThatSessionUserResolves(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{})
		ctx := context.Background()
		u := mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		got, token, err := login(s, " Camille@Cluster.example", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || !got.LastLoginAt.Equal(clock.Now()) || len(token) < 43 {
			t.Fatalf("login = %+v, token %q", got, token)
		}
		su, err := s.SessionUser(ctx, token)
		if err != nil || su.ID != u.ID || !su.LastLoginAt.Equal(clock.Now()) {
			t.Fatalf("SessionUser = %+v, %v", su, err)
		}
		var stored int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?", token).Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("the plaintext token is stored (%d rows, %v)", stored, err)
		}
		ss, err := s.Sessions(ctx, u.ID)
		if err != nil || len(ss) != 1 || ss[0].IP != ip || ss[0].UserAgent != "Firefox" || !ss[0].ExpiresAt.Equal(clock.Now().Add(7*24*time.Hour)) {
			t.Fatalf("Sessions = %+v, %v", ss, err)
		}
		if _, err := s.SessionUser(ctx, token+"x"); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("unknown token: err = %v", err)
		}
		if err := s.Logout(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, token); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("after logout: err = %v", err)
		}
		if actions := auditActions(t, d, "user", strconv.FormatInt(u.ID, 10)); !contains(actions, "login") {
			t.Fatalf("audit actions = %v, want a login", actions)
		}
	})
}

func TestWrongPasswordUnknownEmailAndDisabledAccountGetTheSameError(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		ctx := context.Background()
		u := mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		mustCreate(t, s, "admin@cluster.example", auth.RoleAdmin, 0)
		_, _, err := login(s, "camille@cluster.example", "not the password")
		wantInvalid(t, err)
		_, _, err = login(s, "nobody@cluster.example", goodPassword)
		wantInvalid(t, err)
		if err := s.SetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		_, _, err = login(s, "camille@cluster.example", goodPassword)
		wantInvalid(t, err)

		es, _, err := audit.List(ctx, d, audit.Filter{Entity: "user", Action: "login_failed"})
		if err != nil || len(es) != 3 {
			t.Fatalf("login_failed audit rows = %d, %v", len(es), err)
		}
		for _, e := range es {
			if e.IP != ip {
				t.Errorf("audit row without the IP: %+v", e)
			}
		}
		var attempts int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM login_attempts WHERE success = FALSE").Scan(&attempts); err != nil || attempts != 3 {
			t.Fatalf("failed attempts recorded = %d, %v", attempts, err)
		}
	})
}

func TestTenFailuresLockTheAccountEvenForTheRightPasswordUntilTheWindowPasses(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{})
		mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		for i := range 10 {
			_, _, err := s.Login(context.Background(), "camille@cluster.example", "guess "+strconv.Itoa(i), fmt.Sprintf("198.51.100.%d", i), "bot")
			wantInvalid(t, err)
		}
		_, _, err := login(s, "camille@cluster.example", goodPassword)
		wantThrottled(t, err, 15)

		clock.Advance(14 * time.Minute)
		_, _, err = login(s, "CAMILLE@cluster.example", goodPassword)
		wantThrottled(t, err, 1)

		clock.Advance(time.Minute + time.Second)
		if _, _, err := login(s, "camille@cluster.example", goodPassword); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestASuccessfulLoginForgivesEarlierFailures(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{})
		mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		for range 9 {
			_, _, err := login(s, "camille@cluster.example", "typo")
			wantInvalid(t, err)
		}
		clock.Advance(time.Second)
		if _, _, err := login(s, "camille@cluster.example", goodPassword); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second)
		_, _, err := login(s, "camille@cluster.example", "typo")
		wantInvalid(t, err)
		if _, _, err := login(s, "camille@cluster.example", goodPassword); err != nil {
			t.Fatalf("one failure after a success locked the account: %v", err)
		}
	})
}

func TestTooManyFailuresFromOneIPLockItForEveryAccount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{MaxFailuresPerIP: 5})
		mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		for i := range 5 {
			_, _, err := s.Login(context.Background(), fmt.Sprintf("user%d@cluster.example", i), "guess", "203.0.113.7", "bot")
			wantInvalid(t, err)
			clock.Advance(time.Minute)
		}
		_, _, err := s.Login(context.Background(), "camille@cluster.example", goodPassword, "203.0.113.7", "bot")
		wantThrottled(t, err, 10) // the first failure leaves the window 15 min after it
		if _, _, err := s.Login(context.Background(), "camille@cluster.example", goodPassword, "203.0.113.8", "Firefox"); err != nil {
			t.Fatalf("another IP is locked too: %v", err)
		}
	})
}

func TestSessionExpiresAfterIdleTimeoutAndAfterAbsoluteTimeout(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{IdleTimeout: 2 * time.Hour, AbsoluteTimeout: 5 * time.Hour})
		ctx := context.Background()
		u := mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)

		_, idle, err := login(s, "camille@cluster.example", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(2*time.Hour - time.Minute)
		if _, err := s.SessionUser(ctx, idle); err != nil {
			t.Fatalf("used just before the idle timeout: %v", err)
		}
		clock.Advance(2*time.Hour - time.Minute) // counted from the last use
		if _, err := s.SessionUser(ctx, idle); err != nil {
			t.Fatalf("the last use did not push the idle timeout: %v", err)
		}
		clock.Advance(2 * time.Hour)
		if _, err := s.SessionUser(ctx, idle); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("idle for 2h: err = %v", err)
		}

		_, busy, err := login(s, "camille@cluster.example", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		for range 4 {
			clock.Advance(time.Hour)
			if _, err := s.SessionUser(ctx, busy); err != nil {
				t.Fatalf("active session refused before the absolute timeout: %v", err)
			}
		}
		clock.Advance(time.Hour)
		if _, err := s.SessionUser(ctx, busy); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("5h after login: err = %v", err)
		}
		if ss, _ := s.Sessions(ctx, u.ID); len(ss) != 0 {
			t.Fatalf("expired sessions still listed: %+v", ss)
		}
	})
}

func TestDisablingAUserEndsTheirSessionsAndRefusesTheirLogin(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		admin := mustCreate(t, s, "admin@cluster.example", auth.RoleAdmin, 0)
		ctx := audit.WithActor(context.Background(), audit.Actor{UserID: admin.ID, Label: admin.Email})
		u := mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		_, token, err := login(s, "camille@cluster.example", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, token); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("session of a disabled user: err = %v", err)
		}
		_, _, err = login(s, "camille@cluster.example", goodPassword)
		wantInvalid(t, err)
		es, _, _ := audit.List(ctx, d, audit.Filter{Entity: "user", Action: "disable"})
		if len(es) != 1 || es[0].ActorID != admin.ID || es[0].EntityID != strconv.FormatInt(u.ID, 10) {
			t.Fatalf("disable audit = %+v", es)
		}
		if err := s.SetDisabled(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := login(s, "camille@cluster.example", goodPassword); err != nil {
			t.Fatalf("re-enabled user: %v", err)
		}
	})
}

func TestLogoutEverywhereEndsEverySessionOfThatUserOnly(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		ctx := context.Background()
		u := mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		mustCreate(t, s, "lea@cluster.example", auth.RoleStaff, 0)
		_, t1, _ := login(s, "camille@cluster.example", goodPassword)
		_, t2, _ := login(s, "camille@cluster.example", goodPassword)
		_, other, _ := login(s, "lea@cluster.example", goodPassword)
		if ss, _ := s.Sessions(ctx, u.ID); len(ss) != 2 {
			t.Fatalf("sessions = %d, want 2", len(ss))
		}
		if err := s.LogoutEverywhere(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{t1, t2} {
			if _, err := s.SessionUser(ctx, tok); !errors.Is(err, db.ErrNotFound) {
				t.Fatalf("session survived LogoutEverywhere: %v", err)
			}
		}
		if _, err := s.SessionUser(ctx, other); err != nil {
			t.Fatalf("another user's session died: %v", err)
		}
		if actions := auditActions(t, d, "user", strconv.FormatInt(u.ID, 10)); !contains(actions, "logout_everywhere") {
			t.Fatalf("audit actions = %v", actions)
		}
	})
}

func TestSetPasswordEndsTheOtherSessionsAndKeepsTheCallers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		ctx := context.Background()
		u := mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		_, mine, _ := login(s, "camille@cluster.example", goodPassword)
		_, stolen, _ := login(s, "camille@cluster.example", goodPassword)
		if err := s.SetPassword(ctx, u.ID, "short"); err == nil {
			t.Fatal("a short password was accepted")
		}
		const newPassword = "a much better passphrase"
		if err := s.SetPassword(auth.WithSessionToken(ctx, mine), u.ID, newPassword); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, mine); err != nil {
			t.Fatalf("the caller's session died: %v", err)
		}
		if _, err := s.SessionUser(ctx, stolen); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("the other session survived: %v", err)
		}
		_, _, err := login(s, "camille@cluster.example", goodPassword)
		wantInvalid(t, err)
		if _, _, err := login(s, "camille@cluster.example", newPassword); err != nil {
			t.Fatal(err)
		}
		es, _, _ := audit.List(ctx, d, audit.Filter{Entity: "user", Action: "password"})
		if len(es) != 1 || es[0].Before != "" || es[0].After != "" {
			t.Fatalf("password audit = %+v", es)
		}
	})
}

func TestPurgeDeletesOnlyWhatHasExpired(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{IdleTimeout: time.Hour})
		ctx := context.Background()
		mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		_, stale, _ := login(s, "camille@cluster.example", goodPassword)
		_, _, _ = login(s, "camille@cluster.example", "typo")
		if err := s.RequestPasswordReset(ctx, "camille@cluster.example", ip); err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Hour)
		_, fresh, _ := login(s, "camille@cluster.example", goodPassword)
		if err := s.Purge(ctx); err != nil {
			t.Fatal(err)
		}
		count := func(table string) int {
			var n int
			if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("sessions"); n != 1 {
			t.Fatalf("%d sessions left, want the fresh one", n)
		}
		if _, err := s.SessionUser(ctx, fresh); err != nil {
			t.Fatalf("fresh session purged: %v", err)
		}
		if _, err := s.SessionUser(ctx, stale); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("stale session: %v", err)
		}
		if count("password_resets") != 1 || count("login_attempts") != 4 {
			t.Fatalf("recent resets or attempts purged: %d resets, %d attempts", count("password_resets"), count("login_attempts"))
		}
		clock.Advance(31 * 24 * time.Hour)
		if err := s.Purge(ctx); err != nil {
			t.Fatal(err)
		}
		if count("sessions") != 0 || count("password_resets") != 0 || count("login_attempts") != 0 {
			t.Fatalf("a month later: %d sessions, %d resets, %d attempts", count("sessions"), count("password_resets"), count("login_attempts"))
		}
	})
}

func TestCheckPasswordIsThrottledWithTheAccountsLogins(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{MaxFailuresPerAccount: 3})
		ctx := context.Background()
		u := mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		if err := s.CheckPassword(ctx, u.ID, goodPassword, ip); err != nil {
			t.Fatalf("right password: %v", err)
		}
		clock.Advance(time.Second)
		for range 3 {
			wantInvalid(t, s.CheckPassword(ctx, u.ID, "guess", ip))
		}
		wantThrottled(t, s.CheckPassword(ctx, u.ID, goodPassword, ip), 15)
		_, _, err := login(s, "camille@cluster.example", goodPassword)
		wantThrottled(t, err, 15)
		if actions := auditActions(t, d, "user", strconv.FormatInt(u.ID, 10)); !contains(actions, "password_check_failed") {
			t.Fatalf("audit actions = %v", actions)
		}
		if err := s.CheckPassword(ctx, u.ID+9, goodPassword, ip); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("unknown user: %v", err)
		}
	})
}
