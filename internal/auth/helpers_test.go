package auth_test

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
)

// cheap Argon2 parameters keep the tests fast; production uses DefaultArgon2.
var cheap = auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1}

const goodPassword = "correct horse battery staple"

// fakeClock is the service's clock, moved by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newService returns a service with cheap hashing on a fake clock, with
// opts' non-zero fields applied.
func newService(t *testing.T, d *db.DB, opts auth.Options) (*auth.Service, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	opts.Now = clock.Now
	opts.Argon2 = cheap
	if opts.BaseURL == "" {
		opts.BaseURL = "http://localhost:8080/"
	}
	return auth.NewService(d, opts), clock
}

func newOrg(t *testing.T, d *db.DB, name string) int64 {
	t.Helper()
	now := time.Now()
	var id int64
	err := d.QueryRow(context.Background(), `INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, 'startup', ?, ?) RETURNING id`,
		name, now, now).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// mustCreate creates a user with goodPassword and the given email and role.
func mustCreate(t *testing.T, s *auth.Service, email string, role auth.Role, orgID int64) auth.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), auth.NewUser{Email: email, Name: "Camille Martin", Role: role, OrganisationID: orgID, Password: goodPassword})
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// auditActions lists the actions audited on an entity, oldest first.
func auditActions(t *testing.T, d *db.DB, entity, entityID string) []string {
	t.Helper()
	es, _, err := audit.List(context.Background(), d, audit.Filter{Entity: entity, EntityID: entityID})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].Action)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// authCatalog is the auth.json catalog, read from the source tree.
func authCatalog(t *testing.T) map[string]map[string]string {
	t.Helper()
	b, err := os.ReadFile("../i18n/messages/auth.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
