package directory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
)

// ErrChanged is returned by Import when an organisation it was to update
// changed (or disappeared) after the import was planned.
var ErrChanged = errors.New("organisation changed since the import was planned")

// ImportUpdate is one organisation an import replaces: the stored version
// the import was planned against (as OrganisationsByID returned it) and
// the new one.
type ImportUpdate struct {
	Before Organisation
	After  Organisation
}

// Prepare returns o as the store would save it (trimmed, defaults applied,
// lists in taxonomy order, without duplicates), or the validate.Errors
// saying why it cannot be saved. Imports use it to plan without writing.
func (s *Store) Prepare(o Organisation) (Organisation, error) {
	o = s.normaliseOrganisation(o)
	if err := s.validateOrganisation(o); err != nil {
		return Organisation{}, err
	}
	return o, nil
}

// ChangedFields names the fields that differ between two versions of an
// organisation (its stored and its prepared one), in form order; none
// means saving after would change nothing. IDs, times, the logo and the
// fields For hides are not compared. The names are the import's column
// names: "name", "siret", "services", "coordinates" (latitude and
// longitude)…
func ChangedFields(before, after Organisation) []string {
	var out []string
	diff := func(field string, same bool) {
		if !same {
			out = append(out, field)
		}
	}
	diff("name", before.Name == after.Name)
	diff("short_name", before.ShortName == after.ShortName)
	diff("group", before.Group == after.Group)
	diff("siret", before.SIRET == after.SIRET)
	diff("kind", before.Kind == after.Kind)
	diff("college", before.College == after.College)
	diff("membership", before.Membership == after.Membership)
	diff("member_since", before.MemberSince == after.MemberSince)
	diff("sectors", slices.Equal(before.Sectors, after.Sectors))
	diff("steps", slices.Equal(before.Steps, after.Steps))
	diff("bricks", slices.Equal(before.Bricks, after.Bricks))
	diff("services", slices.Equal(before.Services, after.Services))
	diff("certifications", sameCertifications(before.Certifications, after.Certifications))
	diff("website", before.Website == after.Website)
	diff("address", before.Address == after.Address)
	diff("postcode", before.Postcode == after.Postcode)
	diff("city", before.City == after.City)
	diff("departement", before.Departement == after.Departement)
	diff("region", before.Region == after.Region)
	diff("country", before.Country == after.Country)
	diff("coordinates", before.HasCoords == after.HasCoords &&
		(!after.HasCoords || (before.Latitude == after.Latitude && before.Longitude == after.Longitude)))
	diff("headcount", before.Headcount == after.Headcount)
	diff("revenue", before.Revenue == after.Revenue)
	diff("founded", before.Founded == after.Founded)
	diff("keywords", slices.Equal(before.Keywords, after.Keywords))
	diff("description_fr", before.DescriptionFR == after.DescriptionFR)
	diff("description_en", before.DescriptionEN == after.DescriptionEN)
	diff("equipment", before.Equipment == after.Equipment)
	diff("capacities", slices.Equal(before.Capacities, after.Capacities))
	diff("capacity_notes", before.CapacityNotes == after.CapacityNotes)
	diff("visibility", encodeVisibility(before.Visibility) == encodeVisibility(after.Visibility))
	return out
}

func sameCertifications(a, b []Certification) bool {
	return slices.EqualFunc(a, b, func(x, y Certification) bool {
		return x.Code == y.Code && x.Scope == y.Scope && x.Issuer == y.Issuer && x.ValidUntil.Equal(y.ValidUntil)
	})
}

// ErrNotPrepared is returned by Import when an organisation it was given
// does not pass Prepare's validation.
var ErrNotPrepared = errors.New("organisation not prepared")

// Import writes an import in one transaction: it creates creates and
// replaces each update's organisation with its After, with their sectors,
// profiles, search documents and one audit row each, using multi-row
// statements. The organisations must be as Prepare returned them: Import
// validates them again but does not normalise them. One invalid
// organisation (ErrNotPrepared, wrapping its validate.Errors), or an
// update whose organisation changed since its Before was read
// (ErrChanged), and nothing is written. It returns the organisations
// as stored, created ones with their IDs, in input order.
//
// The work that needs no database (checking, search documents, audit
// JSON) runs on another CPU while the statements run.
func (s *Store) Import(ctx context.Context, creates []Organisation, updates []ImportUpdate) (created, updated []Organisation, err error) {
	if len(creates) == 0 && len(updates) == 0 {
		return nil, nil, nil
	}
	for i, u := range updates {
		if u.Before.ID == 0 || u.After.ID != u.Before.ID {
			return nil, nil, fmt.Errorf("directory: import: update %d: Before and After name different organisations", i)
		}
	}
	// all holds the creates then the updates, stamped.
	stamp := s.stamp()
	all := make([]Organisation, 0, len(creates)+len(updates))
	all = append(all, creates...)
	ids := make([]int64, len(all), len(creates)+len(updates))
	for i := range all {
		all[i].ID, all[i].CreatedAt, all[i].UpdatedAt = 0, stamp, stamp
	}
	for _, u := range updates {
		o := u.After
		o.CreatedAt, o.UpdatedAt, o.HasLogo = u.Before.CreatedAt, stamp, u.Before.HasLogo
		all, ids = append(all, o), append(ids, o.ID)
	}
	// Checking the organisations and making their search documents (which
	// need no IDs) are done while the first statements run, on one CPU:
	// the statements, the critical path, have the other. The transaction
	// commits only once the check has passed. all is only read until
	// ready is closed.
	var checkErr error
	docs := make([]SearchDocuments, len(all))
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		if checkErr = s.checkPrepared(all, len(creates)); checkErr != nil {
			return
		}
		for i := range all {
			docs[i] = Documents(all[i])
		}
	}()
	defer func() { <-ready }()

	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if tx.Dialect() == db.SQLite {
			// The default 2 MB page cache spills to the WAL again and again
			// in a transaction this size: give it room, then take it back.
			var size int64
			if err := tx.QueryRow(ctx, "PRAGMA cache_size").Scan(&size); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "PRAGMA cache_size = -524288"); err != nil {
				return err
			}
			defer func() { _, _ = tx.Exec(ctx, "PRAGMA cache_size = "+strconv.FormatInt(size, 10)) }()
		}
		if err := insertOrganisations(ctx, tx, all[:len(creates)], ids[:len(creates)]); err != nil {
			return err
		}
		if err := updateOrganisations(ctx, tx, all[len(creates):], updates); err != nil {
			return err
		}
		if err := writeImportedProfiles(ctx, tx, all, ids, len(creates), updates); err != nil {
			return err
		}
		if <-ready; checkErr != nil {
			return checkErr
		}
		for i := range all {
			all[i].ID = ids[i]
		}
		// The audit rows' JSON is made while the documents are written.
		type entry struct{ before, after string }
		entries := make([]entry, len(all))
		jsonDone := make(chan error, 1)
		go func() {
			for i := range all {
				var err error
				if i >= len(creates) {
					entries[i].before, err = toJSON(updates[i-len(creates)].Before)
				}
				if err == nil {
					entries[i].after, err = toJSON(all[i])
				}
				if err != nil {
					jsonDone <- err
					return
				}
			}
			jsonDone <- nil
		}()
		if err := writeDocuments(ctx, tx, ids, docs); err != nil {
			<-jsonDone
			return err
		}
		if err := <-jsonDone; err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		a := audit.ActorFrom(ctx)
		var actorID any
		if a.UserID != 0 {
			actorID = a.UserID
		}
		at := audit.Now()
		args := make([]any, 0, 9*len(all))
		for i, e := range entries {
			action := "create"
			if i >= len(creates) {
				action = "update"
			}
			args = append(args, at, actorID, a.Label, "organisation", strconv.FormatInt(ids[i], 10), action, e.before, e.after, a.IP)
		}
		return insertRows(ctx, tx, "audit_log", []string{"at", "actor_id", "actor_label", "entity", "entity_id", "action",
			"before_json", "after_json", "ip"}, args)
	})
	if err != nil {
		if <-ready; checkErr != nil {
			err = checkErr // what made the statement fail, most likely
		}
		return nil, nil, fmt.Errorf("directory: import: %w", err)
	}
	s.indexed(all...)
	return all[:len(creates)], all[len(creates):], nil
}

// checkPrepared validates every organisation of all (the first created
// ones new) again. It does not normalise them: that was Prepare's job,
// and doing it twice costs a tenth of a large import.
func (s *Store) checkPrepared(all []Organisation, created int) error {
	for i, o := range all {
		err := s.validateOrganisation(o)
		if err == nil {
			continue
		}
		if i < created {
			return fmt.Errorf("new organisation %q: %w: %w", o.Name, ErrNotPrepared, err)
		}
		return fmt.Errorf("organisation %d: %w: %w", o.ID, ErrNotPrepared, err)
	}
	return nil
}

// toJSON is the audit log's rendering of a value.
func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// writeDocuments writes the search documents of the organisations ids, as
// IndexOrganisations does, from documents computed beforehand.
func writeDocuments(ctx context.Context, q db.Querier, ids []int64, docs []SearchDocuments) error {
	for start := 0; start < len(ids); start += indexPerInsert {
		end := min(start+indexPerInsert, len(ids))
		args := make([]any, 0, 5*(end-start))
		for i := start; i < end; i++ {
			d := docs[i]
			args = append(args, ids[i], d.Name, d.Public, d.Members, d.Staff)
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", end-start), ", ")
		_, err := q.Exec(ctx, "INSERT INTO organisation_search (organisation_id, name_doc, public_doc, members_doc, staff_doc)"+
			" VALUES "+values+" ON CONFLICT (organisation_id) DO UPDATE SET name_doc = excluded.name_doc,"+
			" public_doc = excluded.public_doc, members_doc = excluded.members_doc, staff_doc = excluded.staff_doc", args...)
		if err != nil {
			return fmt.Errorf("index organisations: %w", err)
		}
	}
	return nil
}

// Statement sizes of Import: at most importRows rows and importParams
// parameters per statement (SQLite accepts 32,766, PostgreSQL 65,535).
const (
	importRows   = 500
	importParams = 30000
)

// orgInsertColumns are the columns Import inserts, in orgInsertArgs order.
const orgInsertColumns = `name, short_name, kind, college, membership, member_since, website, address, postcode,
	city, departement, region, country, latitude, longitude, description_fr, description_en, created_at, updated_at,
	siret, headcount, revenue, founded, keywords, equipment, capacity_notes, visibility, group_name`

const orgInsertWidth = 28

func orgInsertArgs(args []any, o Organisation) []any {
	since, lat, lon := o.nullable()
	return append(args, o.Name, o.ShortName, o.Kind, o.College, o.Membership, since, o.Website, o.Address,
		o.Postcode, o.City, o.Departement, o.Region, o.Country, lat, lon, o.DescriptionFR, o.DescriptionEN,
		o.CreatedAt, o.UpdatedAt, o.SIRET, o.Headcount, o.Revenue, o.founded(), joinKeywords(o.Keywords),
		o.Equipment, o.CapacityNotes, encodeVisibility(o.Visibility), o.Group)
}

// insertOrganisations inserts orgs with multi-row INSERTs and puts their
// IDs in ids. The IDs come back through RETURNING with each row's name
// and postcode, which tell the rows apart: a statement never holds two
// organisations with the same name and postcode, so the order in which
// the engine returns rows does not matter.
func insertOrganisations(ctx context.Context, tx *db.Tx, orgs []Organisation, ids []int64) error {
	for start := 0; start < len(orgs); {
		seen := map[string]int{} // name and postcode → index in orgs
		end := start
		for end < len(orgs) && end-start < importRows {
			k := orgs[end].Name + "\x00" + orgs[end].Postcode
			if _, dup := seen[k]; dup {
				break
			}
			seen[k] = end
			end++
		}
		args := make([]any, 0, (end-start)*orgInsertWidth)
		for i := start; i < end; i++ {
			ids[i] = 0
			args = orgInsertArgs(args, orgs[i])
		}
		row := "(" + placeholders(orgInsertWidth) + ")"
		query := "INSERT INTO organisations (" + orgInsertColumns + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(row+", ", end-start), ", ") + " RETURNING id, name, postcode"
		if err := func() error {
			rows, err := tx.Query(ctx, query, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var name, postcode string
				if err := rows.Scan(&id, &name, &postcode); err != nil {
					return err
				}
				i, ok := seen[name+"\x00"+postcode]
				if !ok || ids[i] != 0 {
					return fmt.Errorf("returned row %d (%q) matches no inserted organisation", id, name)
				}
				ids[i] = id
			}
			return rows.Err()
		}(); err != nil {
			return fmt.Errorf("insert organisations: %w", err)
		}
		for i := start; i < end; i++ {
			if ids[i] == 0 {
				return fmt.Errorf("insert organisations: no id returned for %q", orgs[i].Name)
			}
		}
		start = end
	}
	return nil
}

// updateOrganisations rewrites the organisation rows of updated, each only
// if it still has the updated_at its Before was read with.
func updateOrganisations(ctx context.Context, tx *db.Tx, updated []Organisation, updates []ImportUpdate) error {
	for i := range updated {
		o, before := &updated[i], updates[i].Before
		since, lat, lon := o.nullable()
		res, err := tx.Exec(ctx, `UPDATE organisations SET name = ?, short_name = ?, kind = ?, college = ?,
			membership = ?, member_since = ?, website = ?, address = ?, postcode = ?, city = ?, departement = ?,
			region = ?, country = ?, latitude = ?, longitude = ?, description_fr = ?, description_en = ?,
			updated_at = ?, siret = ?, headcount = ?, revenue = ?, founded = ?, keywords = ?, equipment = ?,
			capacity_notes = ?, visibility = ?, group_name = ? WHERE id = ? AND updated_at = ?`,
			o.Name, o.ShortName, o.Kind, o.College, o.Membership, since, o.Website, o.Address, o.Postcode,
			o.City, o.Departement, o.Region, o.Country, lat, lon, o.DescriptionFR, o.DescriptionEN,
			o.UpdatedAt, o.SIRET, o.Headcount, o.Revenue, o.founded(), joinKeywords(o.Keywords), o.Equipment,
			o.CapacityNotes, encodeVisibility(o.Visibility), o.Group, o.ID, before.UpdatedAt)
		if err != nil {
			return fmt.Errorf("update organisation %d: %w", o.ID, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("update organisation %d: %w", o.ID, err)
		}
		if n != 1 {
			return fmt.Errorf("organisation %d (%s): %w", o.ID, o.Name, ErrChanged)
		}
	}
	return nil
}

// childTable is one of an organisation's list tables and how to write an
// organisation's rows into it.
type childTable struct {
	table   string
	columns []string
	changed func(before, after Organisation) bool
	rows    func(args []any, id int64, o Organisation) []any
}

var childTables = []childTable{
	{"organisation_sectors", []string{"organisation_id", "sector"},
		func(b, a Organisation) bool { return !slices.Equal(b.Sectors, a.Sectors) },
		func(args []any, id int64, o Organisation) []any {
			for _, c := range o.Sectors {
				args = append(args, id, c)
			}
			return args
		}},
	{"organisation_steps", []string{"organisation_id", "step"},
		func(b, a Organisation) bool { return !slices.Equal(b.Steps, a.Steps) },
		func(args []any, id int64, o Organisation) []any {
			for _, c := range o.Steps {
				args = append(args, id, c)
			}
			return args
		}},
	{"organisation_bricks", []string{"organisation_id", "brick"},
		func(b, a Organisation) bool { return !slices.Equal(b.Bricks, a.Bricks) },
		func(args []any, id int64, o Organisation) []any {
			for _, c := range o.Bricks {
				args = append(args, id, c)
			}
			return args
		}},
	{"organisation_services", []string{"organisation_id", "position", "title_fr", "title_en", "description_fr",
		"description_en", "sector", "step"},
		func(b, a Organisation) bool { return !slices.Equal(b.Services, a.Services) },
		func(args []any, id int64, o Organisation) []any {
			for i, sv := range o.Services {
				args = append(args, id, i, sv.TitleFR, sv.TitleEN, sv.DescriptionFR, sv.DescriptionEN, sv.Sector, sv.Step)
			}
			return args
		}},
	{"organisation_certifications", []string{"organisation_id", "position", "certification", "scope", "issuer", "valid_until"},
		func(b, a Organisation) bool { return !sameCertifications(b.Certifications, a.Certifications) },
		func(args []any, id int64, o Organisation) []any {
			for i, c := range o.Certifications {
				var until any
				if !c.ValidUntil.IsZero() {
					until = c.ValidUntil.Format(time.DateOnly)
				}
				args = append(args, id, i, c.Code, c.Scope, c.Issuer, until)
			}
			return args
		}},
	{"organisation_capacities", []string{"organisation_id", "attribute", "value"},
		func(b, a Organisation) bool { return !slices.Equal(b.Capacities, a.Capacities) },
		func(args []any, id int64, o Organisation) []any {
			for _, c := range o.Capacities {
				args = append(args, id, c.Attribute, c.Value)
			}
			return args
		}},
}

// writeImportedProfiles writes the list rows of the organisations ids:
// all of them for the first created ones (new organisations), only the
// lists that changed for the updated ones.
func writeImportedProfiles(ctx context.Context, tx *db.Tx, all []Organisation, ids []int64, created int, updates []ImportUpdate) error {
	for _, t := range childTables {
		var stale []any
		var args []any
		for i, o := range all {
			if i >= created {
				if !t.changed(updates[i-created].Before, o) {
					continue
				}
				stale = append(stale, ids[i])
			}
			args = t.rows(args, ids[i], o)
		}
		for start := 0; start < len(stale); start += importRows {
			chunk := stale[start:min(start+importRows, len(stale))]
			if _, err := tx.Exec(ctx, "DELETE FROM "+t.table+" WHERE organisation_id IN ("+placeholders(len(chunk))+")", chunk...); err != nil {
				return fmt.Errorf("%s: %w", t.table, err)
			}
		}
		if err := insertRows(ctx, tx, t.table, t.columns, args); err != nil {
			return err
		}
	}
	return nil
}

// insertRows inserts the rows held flat in args (len(columns) values each)
// with as few multi-row INSERTs as the parameter limits allow.
func insertRows(ctx context.Context, q db.Querier, table string, columns []string, args []any) error {
	width := len(columns)
	per := min(importRows, importParams/width)
	row := "(" + placeholders(width) + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES "
	full := head + strings.TrimSuffix(strings.Repeat(row+", ", per), ", ")
	for start := 0; start < len(args); start += per * width {
		chunk := args[start:min(start+per*width, len(args))]
		query := full
		if n := len(chunk) / width; n < per {
			query = head + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
		}
		if _, err := q.Exec(ctx, query, chunk...); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	return nil
}
