package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"filiere/internal/db"
	"filiere/internal/directory"
)

// batchSizes are the rows per INSERT statement of each table: few round
// trips, and well under both engines' limits on bound parameters (32,766 on
// SQLite, 65,535 on PostgreSQL).
type batchSizes struct {
	orgs     int // 27 parameters each
	codes    int // sectors, steps, bricks: 2 each
	services int // 8 each
	certs    int // 6 each
	caps     int // 3 each
	people   int // 8 each
}

// demoBatches suit the demo's 500 organisations; bulkBatches the
// benchmark's directory of 100,000.
var (
	demoBatches = batchSizes{orgs: 100, codes: 500, services: 250, certs: 250, caps: 500, people: 250}
	bulkBatches = batchSizes{orgs: 1000, codes: 8000, services: 2000, certs: 2500, caps: 5000}
)

// rowSet collects the rows of a multi-row INSERT: the table with its column
// list and the values of every row, flattened.
type rowSet struct {
	table string // "organisation_steps (organisation_id, step)"
	width int    // values per row
	args  []any
}

func (r *rowSet) add(values ...any) { r.args = append(r.args, values...) }

// insert writes the rows per batches of size rows.
func (r *rowSet) insert(ctx context.Context, tx *db.Tx, size int) error {
	step := size * r.width
	full := ""
	for start := 0; start < len(r.args); start += step {
		chunk := r.args[start:min(start+step, len(r.args))]
		values := full
		if len(chunk) < step || full == "" {
			values = valuesClause(len(chunk)/r.width, r.width)
			if len(chunk) == step {
				full = values
			}
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+r.table+" VALUES "+values, chunk...); err != nil {
			return fmt.Errorf("insert into %s: %w", strings.Fields(r.table)[0], err)
		}
	}
	return nil
}

// valuesClause returns "(?, ?), (?, ?)…" for rows of width values.
func valuesClause(rows, width int) string {
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	var b strings.Builder
	b.Grow(rows * (len(tuple) + 2))
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	return b.String()
}

// insert stores the organisations of drafts, their sectors, profiles and
// search documents with multi-row INSERTs, and sets the IDs on the drafts.
func insert(ctx context.Context, tx *db.Tx, drafts []*draft, sizes batchSizes) error {
	orgs, err := store(ctx, tx, drafts, sizes)
	if err != nil {
		return err
	}
	if err := directory.IndexOrganisations(ctx, tx, orgs); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	return nil
}

// store stores the organisations of drafts with their sectors and profiles,
// sets the IDs on the drafts and returns the stored organisations, ready
// for indexing.
func store(ctx context.Context, tx *db.Tx, drafts []*draft, sizes batchSizes) ([]directory.Organisation, error) {
	for start := 0; start < len(drafts); start += sizes.orgs {
		if err := insertOrganisations(ctx, tx, drafts[start:min(start+sizes.orgs, len(drafts))]); err != nil {
			return nil, err
		}
	}
	orgs := make([]directory.Organisation, len(drafts))
	for i, d := range drafts {
		orgs[i] = d.org
	}
	if err := insertProfiles(ctx, tx, orgs, sizes); err != nil {
		return nil, err
	}
	return orgs, nil
}

// insertPeople stores the people of drafts, whose organisations have their
// IDs.
func insertPeople(ctx context.Context, tx *db.Tx, drafts []*draft, sizes batchSizes) error {
	people := rowSet{table: "people (organisation_id, first_name, last_name, email, phone, job_title, created_at, updated_at)", width: 8}
	for _, d := range drafts {
		for i := range d.people {
			p := &d.people[i]
			p.OrganisationID = d.org.ID
			people.add(p.OrganisationID, p.FirstName, p.LastName, p.Email, p.Phone, p.JobTitle, p.CreatedAt, p.UpdatedAt)
		}
	}
	return people.insert(ctx, tx, sizes.people)
}

// insertProfiles stores the sectors and the profile lists of orgs, which
// have their IDs.
func insertProfiles(ctx context.Context, tx *db.Tx, orgs []directory.Organisation, sizes batchSizes) error {
	sectors := rowSet{table: "organisation_sectors (organisation_id, sector)", width: 2}
	steps := rowSet{table: "organisation_steps (organisation_id, step)", width: 2}
	bricks := rowSet{table: "organisation_bricks (organisation_id, brick)", width: 2}
	services := rowSet{table: `organisation_services (organisation_id, position, title_fr, title_en,
		description_fr, description_en, sector, step)`, width: 8}
	certs := rowSet{table: "organisation_certifications (organisation_id, position, certification, scope, issuer, valid_until)", width: 6}
	caps := rowSet{table: "organisation_capacities (organisation_id, attribute, value)", width: 3}
	for _, o := range orgs {
		for _, c := range o.Sectors {
			sectors.add(o.ID, c)
		}
		for _, c := range o.Steps {
			steps.add(o.ID, c)
		}
		for _, c := range o.Bricks {
			bricks.add(o.ID, c)
		}
		for i, sv := range o.Services {
			services.add(o.ID, i, sv.TitleFR, sv.TitleEN, sv.DescriptionFR, sv.DescriptionEN, sv.Sector, sv.Step)
		}
		for i, c := range o.Certifications {
			var until any
			if !c.ValidUntil.IsZero() {
				until = c.ValidUntil.Format(time.DateOnly)
			}
			certs.add(o.ID, i, c.Code, c.Scope, c.Issuer, until)
		}
		for _, c := range o.Capacities {
			caps.add(o.ID, c.Attribute, c.Value)
		}
	}
	for _, set := range []struct {
		rows *rowSet
		size int
	}{{&sectors, sizes.codes}, {&steps, sizes.codes}, {&bricks, sizes.codes}, {&services, sizes.services}, {&certs, sizes.certs}, {&caps, sizes.caps}} {
		if err := set.rows.insert(ctx, tx, set.size); err != nil {
			return err
		}
	}
	return nil
}

// orgColumns are the columns insertOrganisations writes, in the order of
// organisationRow.
const orgColumns = `name, short_name, kind, college, membership, member_since, website, address, postcode,
	city, departement, region, country, latitude, longitude, description_fr, description_en, created_at, updated_at,
	siret, headcount, revenue, founded, keywords, equipment, capacity_notes, visibility, group_name`

// orgWidth is the number of orgColumns.
const orgWidth = 28

// insertOrganisations stores one batch and reads the IDs back. RETURNING's
// row order is not guaranteed, so rows are matched by website, unique in the
// demo.
func insertOrganisations(ctx context.Context, tx *db.Tx, batch []*draft) error {
	args := make([]any, 0, orgWidth*len(batch))
	byWebsite := make(map[string]*draft, len(batch))
	for _, d := range batch {
		o := &d.org
		var lat, lon any
		if o.HasCoords {
			lat, lon = o.Latitude, o.Longitude
		}
		args = append(args, o.Name, o.ShortName, o.Kind, o.College, o.Membership, nullYear(o.MemberSince), o.Website,
			o.Address, o.Postcode, o.City, o.Departement, o.Region, o.Country, lat, lon,
			o.DescriptionFR, o.DescriptionEN, o.CreatedAt, o.UpdatedAt,
			o.SIRET, o.Headcount, o.Revenue, nullYear(o.Founded), strings.Join(o.Keywords, "|"), o.Equipment,
			o.CapacityNotes, visibilityJSON(o.Visibility), o.Group)
		byWebsite[o.Website] = d
	}
	res, err := tx.Query(ctx, "INSERT INTO organisations ("+orgColumns+") VALUES "+valuesClause(len(batch), orgWidth)+
		" RETURNING id, website", args...)
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
		if d := byWebsite[website]; d != nil && d.org.ID == 0 {
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

// visibilityJSON is the stored form of visibilities: a JSON object of the
// fields whose visibility differs from the default.
func visibilityJSON(v map[string]directory.Visibility) string {
	out := make(map[string]string, len(v))
	for field, vis := range v {
		if vis != directory.DefaultVisibility(field) {
			out[field] = string(vis)
		}
	}
	b, _ := json.Marshal(out) // a map of strings always encodes, keys sorted
	return string(b)
}

func nullYear(y int) any {
	if y == 0 {
		return nil
	}
	return y
}
