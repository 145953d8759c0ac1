package auth_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/i18n"
	"filiere/internal/validate"
)

func TestCreateUserReportsEachBadFieldWithACatalogKey(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		ctx := context.Background()
		org := newOrg(t, d, "Bioforge")
		mustCreate(t, s, "taken@cluster.example", auth.RoleStaff, 0)
		ok := auth.NewUser{Email: "new@cluster.example", Name: "Léa Dubois", Lang: "fr", Role: auth.RoleMember, OrganisationID: org, Password: goodPassword}
		catalog := authCatalog(t)
		cases := []struct {
			name  string
			edit  func(*auth.NewUser)
			field string
			key   string
		}{
			{"empty email", func(n *auth.NewUser) { n.Email = "  " }, "email", "auth.email_required"},
			{"malformed email", func(n *auth.NewUser) { n.Email = "lea at example" }, "email", "auth.email_invalid"},
			{"email already used, other case", func(n *auth.NewUser) { n.Email = " Taken@Cluster.example " }, "email", "auth.email_taken"},
			{"empty name", func(n *auth.NewUser) { n.Name = " " }, "name", "auth.name_required"},
			{"long name", func(n *auth.NewUser) { n.Name = strings.Repeat("é", auth.MaxNameLen+1) }, "name", "auth.name_too_long"},
			{"unknown language", func(n *auth.NewUser) { n.Lang = "de" }, "lang", "auth.lang_invalid"},
			{"unknown role", func(n *auth.NewUser) { n.Role = "root" }, "role", "auth.role_invalid"},
			{"member without organisation", func(n *auth.NewUser) { n.OrganisationID = 0 }, "organisation", "auth.organisation_required"},
			{"unknown organisation", func(n *auth.NewUser) { n.OrganisationID = org + 1000 }, "organisation", "auth.organisation_unknown"},
			{"short password", func(n *auth.NewUser) { n.Password = "elevenchars" }, "password", "auth.password_too_short"},
			{"password is the email", func(n *auth.NewUser) {
				n.Email = "lea.dubois@cluster.example"
				n.Password = "Lea.Dubois@cluster.example"
			}, "password", "auth.password_is_email"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				nu := ok
				c.edit(&nu)
				_, err := s.CreateUser(ctx, nu)
				errs, isErrs := validate.As(err)
				if !isErrs {
					t.Fatalf("err = %v, want validate.Errors", err)
				}
				fe, found := errs.For(c.field)
				if !found || fe.Key != c.key {
					t.Fatalf("errors = %v, want %s on %s", errs, c.key, c.field)
				}
				for _, e := range errs {
					if _, in := catalog[e.Key]; !in {
						t.Errorf("key %s is not in auth.json", e.Key)
					}
				}
				if len(errs) != 1 {
					t.Errorf("errors = %v, want only the %s one", errs, c.field)
				}
			})
		}
		if _, err := s.CreateUser(ctx, ok); err != nil {
			t.Fatalf("the valid user itself is refused: %v", err)
		}
	})
}

func TestCreateUserNormalisesEmailAndAuditsWithoutTheHash(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d, auth.Options{})
		ctx := audit.WithActor(context.Background(), audit.Actor{UserID: 0, Label: "cli"})
		u, err := s.CreateUser(ctx, auth.NewUser{Email: "  Camille.Martin@Cluster.Example ", Name: " Camille Martin ", Role: auth.RoleStaff, Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "camille.martin@cluster.example" || u.Name != "Camille Martin" || u.Lang != "fr" || !u.CreatedAt.Equal(clock.Now()) {
			t.Fatalf("created %+v", u)
		}
		got, err := s.UserByEmail(ctx, "CAMILLE.martin@cluster.example")
		if err != nil || got != u {
			t.Fatalf("UserByEmail = %+v, %v; want %+v", got, err, u)
		}
		if got, err := s.UserByID(ctx, u.ID); err != nil || got != u {
			t.Fatalf("UserByID = %+v, %v", got, err)
		}
		if _, err := s.UserByID(ctx, u.ID+1); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("UserByID(unknown) err = %v, want db.ErrNotFound", err)
		}
		es, _, err := audit.List(ctx, d, audit.Filter{Entity: "user", Action: "create"})
		if err != nil || len(es) != 1 {
			t.Fatalf("audit: %v %v", es, err)
		}
		if es[0].EntityID != strconv.FormatInt(u.ID, 10) || !strings.Contains(es[0].After, "camille.martin@cluster.example") {
			t.Errorf("audit entry = %+v", es[0])
		}
		if strings.Contains(es[0].After, "argon2") || strings.Contains(es[0].After, goodPassword) {
			t.Errorf("audit entry leaks the password: %s", es[0].After)
		}
	})
}

func TestUpdateUserValidatesAndAuditsBeforeAndAfter(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		ctx := context.Background()
		org := newOrg(t, d, "Bioforge")
		u := mustCreate(t, s, "lea@cluster.example", auth.RoleBuyer, 0)
		if _, err := s.UpdateUser(ctx, u.ID, "Léa", "en", auth.RoleMember, 0); err == nil {
			t.Fatal("a member without organisation was accepted")
		}
		got, err := s.UpdateUser(ctx, u.ID, "Léa Dubois", "en", auth.RoleMember, org)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Léa Dubois" || got.Lang != "en" || got.Role != auth.RoleMember || got.OrganisationID != org {
			t.Fatalf("updated %+v", got)
		}
		if again, _ := s.UserByID(ctx, u.ID); again != got {
			t.Fatalf("stored %+v, returned %+v", again, got)
		}
		es, _, _ := audit.List(ctx, d, audit.Filter{Entity: "user", Action: "update"})
		if len(es) != 1 || !strings.Contains(es[0].Before, `"buyer"`) || !strings.Contains(es[0].After, `"member"`) {
			t.Fatalf("audit = %+v", es)
		}
		if _, err := s.UpdateUser(ctx, u.ID+99, "X", "fr", auth.RoleStaff, 0); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("unknown user: err = %v", err)
		}
		if err := s.SetLang(ctx, u.ID, "fr"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetLang(ctx, u.ID, "xx"); err == nil {
			t.Fatal("SetLang accepted xx")
		}
		if got, _ := s.UserByID(ctx, u.ID); got.Lang != "fr" {
			t.Fatalf("lang = %s", got.Lang)
		}
	})
}

func TestTheLastEnabledAdminCanNeitherBeDisabledNorDemoted(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		ctx := context.Background()
		admin := mustCreate(t, s, "admin@cluster.example", auth.RoleAdmin, 0)
		err := s.SetDisabled(ctx, admin.ID, true)
		if m, ok := validate.AsMessage(err); !ok || m.Key != "auth.last_admin" {
			t.Fatalf("disabling the last admin: err = %v", err)
		}
		_, err = s.UpdateUser(ctx, admin.ID, admin.Name, "fr", auth.RoleStaff, 0)
		if errs, ok := validate.As(err); !ok || errs[0].Key != "auth.last_admin" {
			t.Fatalf("demoting the last admin: err = %v", err)
		}
		mustCreate(t, s, "second@cluster.example", auth.RoleAdmin, 0)
		if err := s.SetDisabled(ctx, admin.ID, true); err != nil {
			t.Fatalf("with a second admin: %v", err)
		}
	})
}

func TestListUsersFiltersByRoleAndSubstring(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d, auth.Options{})
		ctx := context.Background()
		for _, c := range []struct {
			email, name string
			role        auth.Role
		}{
			{"zoe@cluster.example", "Zoé Bernard", auth.RoleStaff},
			{"alain@hopital.example", "Alain Petit", auth.RoleExpert},
			{"ines@cluster.example", "Inès Moreau", auth.RoleStaff},
			{"under_score@labo.example", "Paul Roux", auth.RoleFunder},
		} {
			if _, err := s.CreateUser(ctx, auth.NewUser{Email: c.email, Name: c.name, Role: c.role, Password: goodPassword}); err != nil {
				t.Fatal(err)
			}
		}
		names := func(us []auth.User) string {
			var n []string
			for _, u := range us {
				n = append(n, u.Name)
			}
			return strings.Join(n, ",")
		}
		us, total, err := s.ListUsers(ctx, auth.UserFilter{Role: auth.RoleStaff})
		if err != nil || total != 2 || names(us) != "Inès Moreau,Zoé Bernard" {
			t.Fatalf("staff: %s (%d) %v", names(us), total, err)
		}
		us, total, _ = s.ListUsers(ctx, auth.UserFilter{Query: "CLUSTER"})
		if total != 2 {
			t.Fatalf("query cluster: %s (%d)", names(us), total)
		}
		us, _, _ = s.ListUsers(ctx, auth.UserFilter{Query: "petit"})
		if names(us) != "Alain Petit" {
			t.Fatalf("query petit: %s", names(us))
		}
		us, _, _ = s.ListUsers(ctx, auth.UserFilter{Query: "_"})
		if names(us) != "Paul Roux" {
			t.Fatalf("query _ should match a literal underscore only: %s", names(us))
		}
		us, total, _ = s.ListUsers(ctx, auth.UserFilter{Limit: 2, Offset: 2})
		if total != 4 || len(us) != 2 {
			t.Fatalf("page 2: %s (%d)", names(us), total)
		}

		// The users of one organisation, the disabled ones left out on request.
		var org int64
		now := time.Now().UTC()
		if err := d.QueryRow(ctx, "INSERT INTO organisations (name, kind, created_at, updated_at) VALUES ('Orthofab', 'sme', ?, ?) RETURNING id",
			now, now).Scan(&org); err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{"lea@orthofab.example", "marc@orthofab.example"} {
			if _, err := s.CreateUser(ctx, auth.NewUser{Email: email, Name: email, Role: auth.RoleMember, OrganisationID: org, Password: goodPassword}); err != nil {
				t.Fatal(err)
			}
		}
		marc, err := s.UserByEmail(ctx, "marc@orthofab.example")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisabled(ctx, marc.ID, true); err != nil {
			t.Fatal(err)
		}
		if us, total, _ = s.ListUsers(ctx, auth.UserFilter{OrganisationID: org}); total != 2 {
			t.Errorf("organisation: %s (%d)", names(us), total)
		}
		if us, total, _ = s.ListUsers(ctx, auth.UserFilter{OrganisationID: org, Enabled: true}); total != 1 || names(us) != "lea@orthofab.example" {
			t.Errorf("organisation, enabled: %s (%d)", names(us), total)
		}
	})
}

func TestRoleNamesAreInTheCatalog(t *testing.T) {
	for _, r := range auth.Roles {
		if !r.Valid() || !i18n.Has(r.MessageKey()) {
			t.Errorf("role %s: valid=%v, %s in catalog=%v", r, r.Valid(), r.MessageKey(), i18n.Has(r.MessageKey()))
		}
	}
	if auth.Role("root").Valid() || !auth.RoleStaff.IsStaff() || !auth.RoleAdmin.IsStaff() || auth.RoleMember.IsStaff() {
		t.Error("Valid/IsStaff disagree with the roles")
	}
}
