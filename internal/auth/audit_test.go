package auth_test

import (
	"context"
	"strconv"
	"testing"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
)

func TestCreateLoginFailedLoginAndDisableAreAudited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		admin := mustCreate(t, s, "admin@cluster.example", auth.RoleAdmin, 0)
		ctx := audit.WithActor(context.Background(), audit.Actor{UserID: admin.ID, Label: admin.Email, IP: "192.0.2.99"})
		u := mustCreate(t, s, "camille@cluster.example", auth.RoleStaff, 0)
		if _, _, err := login(s, "camille@cluster.example", goodPassword); err != nil {
			t.Fatal(err)
		}
		_, _, _ = login(s, "camille@cluster.example", "wrong password")
		_, _, _ = login(s, "ghost@cluster.example", "wrong password")
		if err := s.SetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(u.ID, 10)
		want := []string{"create", "login", "login_failed", "disable"}
		got := auditActions(t, d, "user", id)
		if len(got) != len(want) {
			t.Fatalf("audit of user %s = %v, want %v", id, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("audit of user %s = %v, want %v", id, got, want)
			}
		}
		es, _, _ := audit.List(ctx, d, audit.Filter{Action: "login"})
		if len(es) != 1 || es[0].ActorID != u.ID || es[0].IP != ip {
			t.Errorf("login entry = %+v: the actor should be the user, with the IP", es)
		}
		es, _, _ = audit.List(ctx, d, audit.Filter{Action: "login_failed"})
		var ghost bool
		for _, e := range es {
			if e.EntityID == "" && e.Actor == "ghost@cluster.example" {
				ghost = true
			}
		}
		if !ghost {
			t.Errorf("the failed login of an unknown address is not audited with its e-mail: %+v", es)
		}
	})
}
