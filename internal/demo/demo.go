// Package demo fills an empty database with a realistic, entirely fictional
// health-innovation cluster: about 500 organisations over the taxonomy's
// sectors, kinds, colleges and cities (a few in corporate groups), each with
// its competency profile (value-chain steps, technology bricks, bands,
// SIRET, keywords; services, certifications, capacities and equipment for
// the about 100 solution providers), about 1,000 contacts, one login per
// role, a year of the matchmaking desk (needs in every state, answers,
// introductions and outcomes, made through the desk's own workflow), and a
// year of events with the next three months' agenda (committees, webinars, a
// two-day congress with exhibitors and sponsors…: registrations, waiting
// lists, check-ins, invoices, replays and satisfaction surveys, and a flash
// survey on the members' cash, made through the events' and surveys'
// workflows). GenerateDirectory writes a directory of any size in the same
// style for benchmarks. The data derive from a seed alone: the same seed
// always yields the same rows (on PostgreSQL, where the events are run
// several at a time, up to the ids of registrations, survey invitations and
// responses), so screenshots, tests and benchmarks can rely on them.
package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
)

// Login is an account created for trying the demo, to print for its user.
type Login struct {
	Role         string
	Email        string
	Password     string
	Name         string
	Organisation string // "" for the cluster's team
}

// Result is what Generate created.
type Result struct {
	Organisations int
	People        int
	Users         int
	Needs         int     // matchmaking needs, in every state
	Events        int     // events of the past year and the next three months
	Registrations int     // registrations to them, as made (some cancelled since)
	Surveys       int     // satisfaction surveys after events, and one flash survey
	Responses     int     // answers to the surveys
	Meetings      int     // business meetings scheduled at the congress
	Calls         int     // calls for projects, training label, vouchers, expressions of interest
	Applications  int     // applications submitted to them
	Experts       int     // the expert pool
	Sessions      int     // committee sessions
	Labelled      int     // applications labelled (vouchers awarded)
	Logins        []Login // one per role, in auth.Roles order
}

// ErrNotEmpty is returned by Generate when the database already holds
// organisations: the demo never mixes with real data.
var ErrNotEmpty = errors.New("demo: the database already holds organisations; the demo only fills an empty one")

// Sizes of the demo cluster.
const (
	organisationCount = 500
	extraStaff        = 5  // staff accounts besides the staff login
	extraMembers      = 20 // member accounts besides the member login
)

// Generate fills d, empty and migrated, with the demo cluster drawn from
// seed: organisations and people in one transaction, audited as a single
// ("demo", "generate") entry, then the accounts through users. It returns
// ErrNotEmpty when organisations already exist.
func Generate(ctx context.Context, d *db.DB, users *auth.Service, seed uint64) (Result, error) {
	g := newGenerator(seed)
	drafts := g.organisations(organisationCount)
	assignGroups(drafts)
	g.people(drafts)
	accounts, err := g.accounts(drafts)
	if err != nil {
		return Result{}, err
	}
	res := Result{Organisations: len(drafts)}
	for _, dr := range drafts {
		res.People += len(dr.people)
	}

	err = d.Tx(ctx, func(tx *db.Tx) error {
		if err := checkEmpty(ctx, tx); err != nil {
			return err
		}
		// The accounts are created after the commit: check now that none
		// can clash, rather than stop half-way through them.
		var one int
		for _, a := range accounts {
			err := tx.QueryRow(ctx, "SELECT 1 FROM users WHERE email = ?", a.email).Scan(&one)
			if err == nil {
				return fmt.Errorf("an account %s already exists", a.email)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if err := insert(ctx, tx, drafts, demoBatches); err != nil {
			return err
		}
		if err := insertPeople(ctx, tx, drafts, demoBatches); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "demo", seed, "generate", nil, map[string]any{
			"seed": seed, "organisations": res.Organisations, "people": res.People,
		})
	})
	if errors.Is(err, ErrNotEmpty) {
		return Result{}, ErrNotEmpty
	}
	if err != nil {
		return Result{}, fmt.Errorf("demo: generate: %w", err)
	}

	// One at a time, so that account IDs follow the plan: Argon2 already
	// keeps both cores busy.
	for _, a := range accounts {
		var orgID int64
		orgName := ""
		if a.org != nil {
			orgID, orgName = a.org.org.ID, a.org.org.Name
		}
		_, err := users.CreateUser(ctx, auth.NewUser{
			Email: a.email, Name: a.name, Lang: a.lang, Role: a.role, OrganisationID: orgID, Password: a.password,
		})
		if err != nil {
			return Result{}, fmt.Errorf("demo: create %s account %s: %w", a.role, a.email, err)
		}
		res.Users++
		if a.login {
			res.Logins = append(res.Logins, Login{Role: string(a.role), Email: a.email, Password: a.password, Name: a.name, Organisation: orgName})
		}
	}
	now := time.Now().UTC().Truncate(time.Minute)
	if res.Needs, err = generateNeeds(ctx, d, users, seed, now); err != nil {
		return Result{}, err
	}
	ev, err := generateEvents(ctx, d, users, seed, now)
	if err != nil {
		return Result{}, err
	}
	res.Events, res.Registrations, res.Surveys, res.Responses = ev.events, ev.registrations, ev.surveys, ev.responses
	if res.Meetings, err = generateMeetings(ctx, d, users, seed, now); err != nil {
		return Result{}, err
	}
	cr, err := generateCalls(ctx, d, users, seed, now)
	if err != nil {
		return Result{}, err
	}
	res.Calls, res.Applications, res.Experts, res.Sessions, res.Labelled = cr.calls, cr.applications, cr.experts, cr.sessions, cr.labelled
	res.Users += cr.users
	return res, nil
}

// checkEmpty returns ErrNotEmpty when the database holds organisations.
func checkEmpty(ctx context.Context, tx *db.Tx) error {
	var one int
	err := tx.QueryRow(ctx, "SELECT 1 FROM organisations LIMIT 1").Scan(&one)
	if err == nil {
		return ErrNotEmpty
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}
