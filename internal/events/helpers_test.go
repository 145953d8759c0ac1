package events_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/events"
	"filiere/internal/mail/mailtest"
	"filiere/internal/validate"
)

var ctx = audit.WithActor(context.Background(), audit.Actor{Label: "test"})

// cluster is an events service over a small directory, with a clock the
// test moves.
type cluster struct {
	t     *testing.T
	d     *db.DB
	ev    *events.Service
	dir   *directory.Store
	users *auth.Service
	now   time.Time
	seen  int64 // the last outbox id read

	startup, lab, outsider   directory.Organisation
	staff, member, nonMember auth.User
}

// mar17 is 17 March 2026 at h:m in Paris (UTC+1 then).
func mar17(h, m int) time.Time {
	return time.Date(2026, 3, 17, h, m, 0, 0, time.UTC).Add(-time.Hour)
}

func newCluster(t *testing.T, d *db.DB) *cluster {
	t.Helper()
	c := &cluster{t: t, d: d, dir: directory.NewStore(d), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	c.users = auth.NewService(d, auth.Options{BaseURL: "https://filiere.example", Argon2: auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1}})
	c.ev = events.New(d, c.dir, c.users, "https://filiere.example/")
	c.ev.Now = func() time.Time { return c.now }
	org := func(o directory.Organisation) directory.Organisation {
		t.Helper()
		got, err := c.dir.CreateOrganisation(ctx, o)
		if err != nil {
			t.Fatalf("create %s: %v", o.Name, err)
		}
		return got
	}
	c.startup = org(directory.Organisation{Name: "Cardiolys", Kind: "startup", Membership: directory.Member, City: "Besançon", Sectors: []string{"medtech"}})
	c.lab = org(directory.Organisation{Name: "Laboratoire de Biomécanique", Kind: "lab", Membership: directory.Member, City: "Dijon"})
	c.outsider = org(directory.Organisation{Name: "Grand Groupe SA", Kind: "large", Membership: directory.NonMember, City: "Lyon"})
	c.staff = c.user("camille@cluster.example", "Camille Martin", "fr", auth.RoleStaff, 0)
	c.member = c.user("jane@cardiolys.example", "Jane Doe", "en", auth.RoleMember, c.startup.ID)
	c.nonMember = c.user("paul@grandgroupe.example", "Paul Achat", "fr", auth.RoleBuyer, c.outsider.ID)
	return c
}

func (c *cluster) user(email, name, lang string, role auth.Role, org int64) auth.User {
	c.t.Helper()
	u, err := c.users.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Lang: lang, Role: role, OrganisationID: org,
		Password: "correct horse battery staple"})
	if err != nil {
		c.t.Fatal(err)
	}
	return u
}

// input is a valid committee on 17 March 2026, 14:00-17:00 in Paris.
func input() events.Input {
	return events.Input{Type: events.TypeCommittee, Audience: events.AudiencePublic, TitleFR: "Comité Medtech", TitleEN: "Medtech committee",
		DescriptionFR: "Réglementation MDR, retours d'expérience.", Sectors: []string{"medtech"}, Start: mar17(14, 0), End: mar17(17, 0),
		Venue: "Maison de l'innovation", Address: "12 rue de la Paix", City: "Dijon", Capacity: 0}
}

// published creates and publishes an event from in.
func (c *cluster) published(in events.Input) events.Event {
	c.t.Helper()
	e, err := c.ev.Create(ctx, in)
	if err != nil {
		c.t.Fatalf("create: %v", err)
	}
	if e, err = c.ev.Publish(ctx, e.ID); err != nil {
		c.t.Fatalf("publish: %v", err)
	}
	return e
}

// sent is a mail in the outbox.
type sent = mailtest.Queued

// mails returns what the outbox received since the last call.
func (c *cluster) mails() []sent {
	c.t.Helper()
	ms := mailtest.Outbox(c.t, c.d, c.seen)
	if len(ms) > 0 {
		c.seen = ms[len(ms)-1].ID
	}
	return ms
}

// only returns the one mail to addr among ms.
func only(t *testing.T, ms []sent, addr string) sent {
	t.Helper()
	var found []sent
	for _, m := range ms {
		if m.To == addr {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		var to []string
		for _, m := range ms {
			to = append(to, m.To+": "+m.Subject)
		}
		t.Fatalf("%d mails to %s; sent: %q", len(found), addr, to)
	}
	return found[0]
}

var linkRE = regexp.MustCompile(`https://filiere\.example/events/(confirm|registration)/([0-9]+-[A-Za-z0-9_-]+)`)

// link returns the token of the kind of link in m.
func link(t *testing.T, m sent, kind string) string {
	t.Helper()
	for _, sub := range linkRE.FindAllStringSubmatch(m.Body, -1) {
		if sub[1] == kind {
			return sub[2]
		}
	}
	t.Fatalf("no %s link in %q", kind, m.Body)
	return ""
}

// fieldErr asserts err is a validation error naming field with key.
func fieldErr(t *testing.T, err error, field, key string) {
	t.Helper()
	errs, ok := validate.As(err)
	if !ok {
		t.Fatalf("want %s on %s, got %v", key, field, err)
	}
	for _, f := range errs {
		if f.Field == field && f.Key == key {
			return
		}
	}
	t.Errorf("want %s on %s, got %v", key, field, errs)
}

// message asserts err is a form-level message with key.
func message(t *testing.T, err error, key string) {
	t.Helper()
	m, ok := validate.AsMessage(err)
	if !ok || m.Key != key {
		t.Fatalf("want message %s, got %v", key, err)
	}
}

func ids(list []events.Event) []int64 {
	var out []int64
	for _, e := range list {
		out = append(out, e.ID)
	}
	slices.Sort(out)
	return out
}

func isNotFound(err error) bool { return errors.Is(err, db.ErrNotFound) }

func contains(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
