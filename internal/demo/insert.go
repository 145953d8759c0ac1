package demo

import (
	"context"
	"fmt"
	"strings"

	"filiere/internal/db"
	"filiere/internal/directory"
)

// Rows per INSERT statement: few round trips, and well under both engines'
// limits on bound parameters (32,766 on SQLite, 65,535 on PostgreSQL).
const (
	orgsPerInsert    = 100 // 19 parameters each
	sectorsPerInsert = 500 // 2 each
	peoplePerInsert  = 250 // 8 each
)

// insert stores the organisations, their sectors, their people and their
// search documents with multi-row INSERTs, and sets the IDs on the drafts.
func insert(ctx context.Context, tx *db.Tx, drafts []*draft) error {
	for start := 0; start < len(drafts); start += orgsPerInsert {
		if err := insertOrganisations(ctx, tx, drafts[start:min(start+orgsPerInsert, len(drafts))]); err != nil {
			return err
		}
	}
	var sectors [][]any
	var people [][]any
	orgs := make([]directory.Organisation, 0, len(drafts))
	for _, d := range drafts {
		orgs = append(orgs, d.org)
		for _, s := range d.org.Sectors {
			sectors = append(sectors, []any{d.org.ID, s})
		}
		for i := range d.people {
			p := &d.people[i]
			p.OrganisationID = d.org.ID
			people = append(people, []any{p.OrganisationID, p.FirstName, p.LastName, p.Email, p.Phone, p.JobTitle, p.CreatedAt, p.UpdatedAt})
		}
	}
	if err := insertRows(ctx, tx, "organisation_sectors (organisation_id, sector)", sectors, sectorsPerInsert); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, "people (organisation_id, first_name, last_name, email, phone, job_title, created_at, updated_at)", people, peoplePerInsert); err != nil {
		return err
	}
	if err := directory.IndexOrganisations(ctx, tx, orgs); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	return nil
}

// insertOrganisations stores one batch and reads the IDs back. RETURNING's
// row order is not guaranteed, so rows are matched by website, unique in the
// demo.
func insertOrganisations(ctx context.Context, tx *db.Tx, batch []*draft) error {
	rows := make([][]any, len(batch))
	byWebsite := make(map[string]*draft, len(batch))
	for i, d := range batch {
		o := d.org
		rows[i] = []any{o.Name, o.ShortName, o.Kind, o.College, o.Membership, nullYear(o.MemberSince), o.Website,
			o.Address, o.Postcode, o.City, o.Departement, o.Region, o.Country, o.Latitude, o.Longitude,
			o.DescriptionFR, o.DescriptionEN, o.CreatedAt, o.UpdatedAt}
		byWebsite[o.Website] = d
	}
	query, args := valuesClause(rows)
	res, err := tx.Query(ctx, `INSERT INTO organisations (name, short_name, kind, college, membership, member_since,
		website, address, postcode, city, departement, region, country, latitude, longitude,
		description_fr, description_en, created_at, updated_at) VALUES `+query+" RETURNING id, website", args...)
	if err != nil {
		return fmt.Errorf("insert organisations: %w", err)
	}
	defer res.Close()
	n := 0
	for res.Next() {
		var id int64
		var website string
		if err := res.Scan(&id, &website); err != nil {
			return fmt.Errorf("insert organisations: %w", err)
		}
		if d := byWebsite[website]; d != nil {
			d.org.ID = id
			n++
		}
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("insert organisations: %w", err)
	}
	if n != len(batch) {
		return fmt.Errorf("insert organisations: %d IDs returned for %d rows", n, len(batch))
	}
	return nil
}

// insertRows inserts rows into table (with its column list) per batches of
// size rows.
func insertRows(ctx context.Context, tx *db.Tx, table string, rows [][]any, size int) error {
	for start := 0; start < len(rows); start += size {
		query, args := valuesClause(rows[start:min(start+size, len(rows))])
		if _, err := tx.Exec(ctx, "INSERT INTO "+table+" VALUES "+query, args...); err != nil {
			return fmt.Errorf("insert into %s: %w", strings.Fields(table)[0], err)
		}
	}
	return nil
}

// valuesClause returns "(?, ?), (?, ?)…" for rows and their values in order.
func valuesClause(rows [][]any) (string, []any) {
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ") + ")"
	var b strings.Builder
	args := make([]any, 0, len(rows)*len(rows[0]))
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
		args = append(args, r...)
	}
	return b.String(), args
}

func nullYear(y int) any {
	if y == 0 {
		return nil
	}
	return y
}
