package calls_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/calls"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/mail/mailtest"
	"filiere/internal/validate"
)

var ctx = audit.WithActor(context.Background(), audit.Actor{Label: "test"})

var staff = calls.Viewer{UserID: 0, Role: auth.RoleStaff}

// env is the calls over a small directory, on a clock the test moves.
type env struct {
	t     testing.TB
	d     *db.DB
	dir   *directory.Store
	s     *calls.Service
	users *auth.Service
	now   time.Time
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	e := &env{t: t, d: d, dir: directory.NewStore(d), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	e.s = calls.New(d, e.dir, "https://filiere.example/")
	e.s.Now = func() time.Time { return e.now }
	e.users = auth.NewService(d, auth.Options{BaseURL: "https://filiere.example", Argon2: auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1}})
	return e
}

// org creates a member organisation.
func (e *env) org(name, group string, sectors ...string) directory.Organisation {
	e.t.Helper()
	o, err := e.dir.CreateOrganisation(ctx, directory.Organisation{Name: name, Kind: "sme", Membership: directory.Member,
		Sectors: sectors, Group: group})
	if err != nil {
		e.t.Fatalf("create %s: %v", name, err)
	}
	return o
}

// applicant creates a member account of org and returns its viewer.
func (e *env) applicant(email string, org int64) calls.Viewer {
	e.t.Helper()
	u, err := e.users.CreateUser(ctx, auth.NewUser{Email: email, Name: email, Lang: "fr", Role: auth.RoleMember,
		OrganisationID: org, Password: "correct horse battery staple"})
	if err != nil {
		e.t.Fatal(err)
	}
	v, err := e.s.ViewerFor(ctx, &u)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// expert creates an expert account and pool record.
func (e *env) expert(name string, affiliation int64, in calls.ExpertInput) (calls.Expert, calls.Viewer) {
	e.t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@experts.example"
	u, err := e.users.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Lang: "fr", Role: auth.RoleExpert,
		Password: "correct horse battery staple"})
	if err != nil {
		e.t.Fatal(err)
	}
	in.UserID, in.AffiliationID, in.Active = u.ID, affiliation, true
	x, err := e.s.SaveExpert(ctx, staff, 0, in)
	if err != nil {
		e.t.Fatalf("save expert %s: %v", name, err)
	}
	v, err := e.s.ViewerFor(ctx, &u)
	if err != nil {
		e.t.Fatal(err)
	}
	return x, v
}

// projectCall creates and publishes a project-labelling call open from
// 1 March to 30 April 2026 (Paris), with a two-criterion grid.
func (e *env) projectCall(mod func(*calls.Call)) calls.Call {
	e.t.Helper()
	c := calls.Call{Type: calls.TypeProjectLabel, TitleFR: "Labellisation ANR PRCE 2026", TitleEN: "ANR PRCE 2026 labelling",
		SchemeGroup: "ANR", Scheme: "ANR PRCE", Year: 2026,
		OpensAt:  time.Date(2026, 3, 1, 0, 0, 0, 0, calls.Paris),
		ClosesAt: time.Date(2026, 4, 30, 12, 0, 0, 0, calls.Paris),
		Audience: calls.AudienceMembers, Consortium: calls.ConsortiumOptional, MaxPartners: 5,
		Preselection: true, Written: true, Committee: true, Evaluators: 2,
		Fields: []calls.Field{
			{Code: "budget", Kind: calls.FieldMoney, LabelFR: "Budget total", Required: true},
			{Code: "trl", Kind: calls.FieldChoice, LabelFR: "TRL", Choices: []calls.Choice{{Code: "trl4", FR: "TRL 4"}, {Code: "trl6", FR: "TRL 6"}}},
			{Code: "annex", Kind: calls.FieldFile, LabelFR: "Annexe technique"},
		},
		Criteria: []calls.Criterion{
			{Code: "innovation", LabelFR: "Innovation", Weight: 2, Scale: 5},
			{Code: "market", LabelFR: "Marché", Weight: 1, Scale: 5},
		},
	}
	if mod != nil {
		mod(&c)
	}
	c, err := e.s.CreateCall(ctx, c)
	if err != nil {
		e.t.Fatalf("create call: %v", err)
	}
	if err := e.s.Publish(ctx, c.ID, true); err != nil {
		e.t.Fatal(err)
	}
	c.Published = true
	return c
}

// submitted drafts and submits an application of v's organisation.
func (e *env) submitted(v calls.Viewer, c calls.Call, title string, partners ...int64) calls.Application {
	e.t.Helper()
	a, err := e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: title, PartnerIDs: partners,
		Answers: map[string]string{"budget": "250 000"}})
	if err != nil {
		e.t.Fatalf("draft %q: %v", title, err)
	}
	a, err = e.s.Submit(ctx, v, a.ID)
	if err != nil {
		e.t.Fatalf("submit %q: %v", title, err)
	}
	if c.Preselection {
		if err := e.s.Preselect(ctx, staff, a.ID, true, ""); err != nil {
			e.t.Fatal(err)
		}
	}
	return a
}

// outbox is the mails queued, oldest first.
func (e *env) outbox() []mailtest.Queued { return mailtest.Outbox(e.t, e.d, 0) }

// fieldErr asserts err is a validation error on field with key.
func fieldErr(t *testing.T, err error, field, key string) {
	t.Helper()
	errs, ok := validate.As(err)
	if !ok {
		t.Fatalf("want a validation error on %s (%s), got %v", field, key, err)
	}
	f, ok := errs.For(field)
	if !ok || f.Key != key {
		t.Fatalf("want %s on %s, got %v", key, field, errs)
	}
}

func isNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, calls.ErrNotFound) {
		t.Fatalf("%s: want ErrNotFound, got %v", what, err)
	}
}

func orgNonMember(name string) directory.Organisation {
	return directory.Organisation{Name: name, Kind: "sme", Membership: directory.Prospect}
}
