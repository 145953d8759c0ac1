package directory

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

const (
	maxPersonName = 100
	maxEmail      = 254
	maxPhone      = 30
	maxJobTitle   = 150
)

func normalisePerson(p Person) Person {
	for _, f := range []*string{&p.FirstName, &p.LastName, &p.Email, &p.Phone, &p.JobTitle} {
		*f = strings.TrimSpace(*f)
	}
	p.Email = strings.ToLower(p.Email)
	return p
}

func validatePerson(p Person) validate.Errors {
	var errs validate.Errors
	if p.FirstName == "" {
		errs.Add("first_name", "validate.required")
	}
	if p.LastName == "" {
		errs.Add("last_name", "validate.required")
	}
	for _, f := range []struct {
		field, value string
		max          int
	}{
		{"first_name", p.FirstName, maxPersonName}, {"last_name", p.LastName, maxPersonName},
		{"email", p.Email, maxEmail}, {"phone", p.Phone, maxPhone}, {"job_title", p.JobTitle, maxJobTitle},
	} {
		if utf8.RuneCountInString(f.value) > f.max {
			errs.Add(f.field, "validate.too_long", f.max)
		}
	}
	if p.Email != "" && !validate.Email(p.Email) {
		errs.Add("email", "validate.email")
	}
	if p.Phone != "" && !phoneShape(p.Phone) {
		errs.Add("phone", "directory.phone")
	}
	return errs
}

// phoneShape reports whether s looks like a phone number: digits with
// optional spaces, dots, dashes, brackets and a leading +, 6 to 15 digits.
func phoneShape(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 15
}

const personColumns = "id, COALESCE(organisation_id, 0), first_name, last_name, email, phone, job_title, created_at, updated_at"

func scanPerson(row scanner) (Person, error) {
	var p Person
	err := row.Scan(&p.ID, &p.OrganisationID, &p.FirstName, &p.LastName, &p.Email, &p.Phone, &p.JobTitle,
		&p.CreatedAt, &p.UpdatedAt)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// CreatePerson validates p, stores it and records the creation in the audit
// log. An OrganisationID naming no organisation is a validation error.
func (s *Store) CreatePerson(ctx context.Context, p Person) (Person, error) {
	p = normalisePerson(p)
	errs := validatePerson(p)
	if err := errs.Err(); err != nil {
		return Person{}, err
	}
	p.ID = 0
	p.CreatedAt = s.stamp()
	p.UpdatedAt = p.CreatedAt
	var orgID any
	if p.OrganisationID != 0 {
		orgID = p.OrganisationID
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if p.OrganisationID != 0 {
			var one int
			err := tx.QueryRow(ctx, "SELECT 1 FROM organisations WHERE id = ?", p.OrganisationID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				errs.Add("organisation_id", "directory.organisation_unknown")
				return errs
			}
			if err != nil {
				return err
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO people (organisation_id, first_name, last_name, email, phone, job_title,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			orgID, p.FirstName, p.LastName, p.Email, p.Phone, p.JobTitle, p.CreatedAt, p.UpdatedAt).Scan(&p.ID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "person", p.ID, "create", nil, p)
	})
	if verrs, ok := validate.As(err); ok {
		return Person{}, verrs
	}
	if err != nil {
		return Person{}, fmt.Errorf("directory: create person: %w", err)
	}
	return p, nil
}

// People returns the people of organisation orgID, sorted by last then first
// name regardless of case and accents.
func (s *Store) People(ctx context.Context, orgID int64) ([]Person, error) {
	rows, err := s.db.Query(ctx, "SELECT "+personColumns+" FROM people WHERE organisation_id = ?", orgID)
	if err != nil {
		return nil, fmt.Errorf("directory: people of %d: %w", orgID, err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("directory: people of %d: %w", orgID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directory: people of %d: %w", orgID, err)
	}
	slices.SortFunc(out, func(a, b Person) int {
		if c := strings.Compare(Fold(a.LastName), Fold(b.LastName)); c != 0 {
			return c
		}
		if c := strings.Compare(Fold(a.FirstName), Fold(b.FirstName)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}
