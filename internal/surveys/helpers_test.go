package surveys_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/mail/mailtest"
	"filiere/internal/surveys"
	"filiere/internal/validate"
)

var ctx = audit.WithActor(context.Background(), audit.Actor{Label: "test"})

// env is the surveys over a small directory, on a clock the test moves.
type env struct {
	t   *testing.T
	d   *db.DB
	dir *directory.Store
	s   *surveys.Service
	now time.Time

	sterilix, bionova, pharmaduo, medstart directory.Organisation
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := &env{t: t, d: d, dir: directory.NewStore(d), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	e.s = surveys.New(d, e.dir, "https://filiere.example/")
	e.s.Now = func() time.Time { return e.now }
	mk := func(name, kind string, sectors ...string) directory.Organisation {
		t.Helper()
		o, err := e.dir.CreateOrganisation(ctx, directory.Organisation{Name: name, Kind: kind, Membership: directory.Member, Sectors: sectors})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return o
	}
	e.sterilix = mk("Stérilix", "sme", "medtech")
	e.bionova = mk("BioNova", "startup", "biotech")
	e.pharmaduo = mk("PharmaDuo", "large", "pharma", "biotech")
	e.medstart = mk("MedStart", "startup", "medtech")
	return e
}

// user creates an account (cheap hashing).
func (e *env) user(email, name, lang string, org int64) auth.User {
	e.t.Helper()
	users := auth.NewService(e.d, auth.Options{BaseURL: "https://filiere.example", Argon2: auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1}})
	u, err := users.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Lang: lang, Role: auth.RoleMember, OrganisationID: org,
		Password: "correct horse battery staple"})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// create makes a survey or fails the test.
func (e *env) create(in surveys.Input) surveys.Survey {
	e.t.Helper()
	sv, err := e.s.Create(ctx, in)
	if err != nil {
		e.t.Fatalf("create: %v", err)
	}
	return sv
}

// open opens a survey or fails the test.
func (e *env) open(id int64) surveys.Survey {
	e.t.Helper()
	sv, err := e.s.Open(ctx, id)
	if err != nil {
		e.t.Fatalf("open: %v", err)
	}
	return sv
}

// invite invites one person and returns their link's token.
func (e *env) invite(surveyID int64, p surveys.Invitee) string {
	e.t.Helper()
	got, err := e.s.Invite(ctx, surveyID, []surveys.Invitee{p})
	if err != nil {
		e.t.Fatalf("invite %s: %v", p.Email, err)
	}
	invs := append(got.Added, got.Existing...)
	if len(invs) != 1 {
		e.t.Fatalf("invite %s: %+v", p.Email, got)
	}
	return e.s.Token(invs[0])
}

// answer answers or fails the test.
func (e *env) answer(token string, a surveys.Answers) {
	e.t.Helper()
	if err := e.s.Answer(ctx, token, a); err != nil {
		e.t.Fatalf("answer: %v", err)
	}
}

// count runs a COUNT query.
func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// outbox is the mails queued, oldest first.
func (e *env) outbox() []mailtest.Queued { return mailtest.Outbox(e.t, e.d, 0) }

var linkRE = regexp.MustCompile(`https://filiere\.example/surveys/respond/([0-9]+-[A-Za-z0-9_-]+)`)

// fieldErr asserts err is a validation error on field with key.
func fieldErr(t *testing.T, err error, field, key string) {
	t.Helper()
	errs, ok := validate.As(err)
	if !ok {
		t.Fatalf("want %s on %q, got %v", key, field, err)
	}
	fe, ok := errs.For(field)
	if !ok || fe.Key != key {
		t.Fatalf("want %s on %q, got %v", key, field, err)
	}
}

func is(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got %v, want %v", err, want)
	}
}

// scale5 and the other question makers keep the fixtures short.
func scale(kind, label string) surveys.Question {
	return surveys.Question{Kind: kind, LabelFR: label, LabelEN: label + " (en)"}
}

func choices(kind, label string, codes ...string) surveys.Question {
	q := surveys.Question{Kind: kind, LabelFR: label}
	for _, c := range codes {
		q.Choices = append(q.Choices, surveys.Choice{Code: c, LabelFR: "Choix " + c, LabelEN: "Choice " + c})
	}
	return q
}

// ids returns the survey's question ids in order.
func ids(sv surveys.Survey) []int64 {
	out := make([]int64, len(sv.Questions))
	for i, q := range sv.Questions {
		out[i] = q.ID
	}
	return out
}
