package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// Field lengths, in characters.
const (
	maxName        = 200
	maxShortName   = 60
	maxGroup       = 200
	maxWebsite     = 300
	maxAddress     = 300
	maxPlace       = 100 // postcode, city, département, region
	maxDescription = 5000
)

// normaliseOrganisation trims the fields, applies the defaults (membership
// "none", country "FR", a member's college from its kind) and puts the
// sectors in taxonomy order without duplicates.
func (s *Store) normaliseOrganisation(o Organisation) Organisation {
	o.Group = strings.Join(strings.Fields(o.Group), " ") // one spelling for SameGroup to compare
	for _, f := range []*string{&o.Name, &o.ShortName, &o.Kind, &o.College, &o.Membership, &o.Website,
		&o.Address, &o.Postcode, &o.City, &o.Departement, &o.Region, &o.Country, &o.DescriptionFR, &o.DescriptionEN,
		&o.SIRET, &o.Headcount, &o.Revenue, &o.CapacityNotes, &o.Equipment} {
		*f = strings.TrimSpace(*f)
	}
	o = s.normaliseProfile(o)
	if o.Membership == "" {
		o.Membership = NonMember
	}
	if o.Country == "" {
		o.Country = "FR"
	}
	o.Country = strings.ToUpper(o.Country)
	if o.College == "" && o.Membership != NonMember {
		o.College = CollegeForKind(o.Kind)
	}
	if o.Website != "" && !strings.Contains(o.Website, "://") {
		o.Website = "https://" + o.Website
	}
	sectors := make([]string, 0, len(o.Sectors))
	for _, c := range o.Sectors {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(sectors, c) {
			sectors = append(sectors, c)
		}
	}
	slices.SortStableFunc(sectors, func(a, b string) int { return s.tax().sectorRank(a) - s.tax().sectorRank(b) })
	o.Sectors = sectors
	if !o.HasCoords {
		o.Latitude, o.Longitude = 0, 0
	}
	return o
}

// validateOrganisation checks a normalised organisation.
func (s *Store) validateOrganisation(o Organisation) error {
	var errs validate.Errors
	if o.Name == "" {
		errs.Add("name", "validate.required")
	}
	for _, f := range []struct {
		field, value string
		max          int
	}{
		{"name", o.Name, maxName}, {"short_name", o.ShortName, maxShortName}, {"group", o.Group, maxGroup},
		{"website", o.Website, maxWebsite},
		{"address", o.Address, maxAddress}, {"postcode", o.Postcode, maxPlace}, {"city", o.City, maxPlace},
		{"departement", o.Departement, maxPlace}, {"region", o.Region, maxPlace},
		{"description_fr", o.DescriptionFR, maxDescription}, {"description_en", o.DescriptionEN, maxDescription},
	} {
		if utf8.RuneCountInString(f.value) > f.max {
			errs.Add(f.field, "validate.too_long", f.max)
		}
	}
	if o.Kind == "" {
		errs.Add("kind", "validate.required")
	} else if _, ok := s.tax().Kind(o.Kind); !ok {
		errs.Add("kind", "validate.choice")
	}
	if _, ok := s.tax().College(o.College); o.College != "" && !ok {
		errs.Add("college", "validate.choice")
	}
	if !slices.Contains(Memberships, o.Membership) {
		errs.Add("membership", "validate.choice")
	}
	if o.MemberSince != 0 && (o.MemberSince < 1900 || o.MemberSince > 2100) {
		errs.Add("member_since", "directory.year")
	}
	for _, c := range o.Sectors {
		if _, ok := s.tax().Sector(c); !ok {
			errs.Add("sectors", "validate.choice")
			break
		}
	}
	if o.Website != "" && !websiteShape(o.Website) {
		errs.Add("website", "directory.website")
	}
	if len(o.Country) != 2 || strings.Trim(o.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		errs.Add("country", "directory.country")
	}
	s.validateProfile(o, &errs)
	if o.HasCoords && (o.Latitude < -90 || o.Latitude > 90 || o.Longitude < -180 || o.Longitude > 180) {
		errs.Add("coordinates", "directory.coordinates")
	}
	return errs.Err()
}

// websiteShape reports whether s looks like a web address: http or https, a
// host name with a dot, no spaces.
func websiteShape(s string) bool {
	if strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return false
	}
	host := u.Hostname()
	return strings.Contains(host, ".") && !strings.HasPrefix(host, ".") && !strings.HasSuffix(host, ".")
}

// orgColumns is the column list every organisation query selects, in the
// order scanOrganisation reads it.
const orgColumns = `id, name, short_name, kind, college, membership, member_since, website, address,
	postcode, city, departement, region, country, latitude, longitude, description_fr, description_en,
	created_at, updated_at, siret, headcount, revenue, founded, keywords, equipment, capacity_notes, visibility,
	group_name`

type scanner interface{ Scan(dest ...any) error }

func scanOrganisation(row scanner) (Organisation, error) {
	var o Organisation
	var since sql.NullInt64
	var lat, lon sql.NullFloat64
	var founded sql.NullInt64
	var keywords, visibility string
	err := row.Scan(&o.ID, &o.Name, &o.ShortName, &o.Kind, &o.College, &o.Membership, &since, &o.Website,
		&o.Address, &o.Postcode, &o.City, &o.Departement, &o.Region, &o.Country, &lat, &lon,
		&o.DescriptionFR, &o.DescriptionEN, &o.CreatedAt, &o.UpdatedAt,
		&o.SIRET, &o.Headcount, &o.Revenue, &founded, &keywords, &o.Equipment, &o.CapacityNotes, &visibility,
		&o.Group)
	if err != nil {
		return o, err
	}
	o.MemberSince = int(since.Int64)
	o.Founded = int(founded.Int64)
	o.Keywords = splitKeywords(keywords)
	o.Visibility = decodeVisibility(visibility)
	if lat.Valid && lon.Valid {
		o.Latitude, o.Longitude, o.HasCoords = lat.Float64, lon.Float64, true
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, nil
}

// nullable returns the values to store for the columns that hold NULL when
// unset: member_since, latitude, longitude.
func (o Organisation) nullable() (since, lat, lon any) {
	if o.MemberSince != 0 {
		since = o.MemberSince
	}
	if o.HasCoords {
		lat, lon = o.Latitude, o.Longitude
	}
	return since, lat, lon
}

// CreateOrganisation validates o, stores it with its sectors and its search
// document, and records the creation in the audit log. It returns the stored organisation with its ID;
// invalid input yields validate.Errors.
func (s *Store) CreateOrganisation(ctx context.Context, o Organisation) (Organisation, error) {
	o = s.normaliseOrganisation(o)
	if err := s.validateOrganisation(o); err != nil {
		return Organisation{}, err
	}
	o.ID = 0
	o.CreatedAt = s.stamp()
	o.UpdatedAt = o.CreatedAt
	since, lat, lon := o.nullable()
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO organisations (name, short_name, kind, college, membership, member_since,
			website, address, postcode, city, departement, region, country, latitude, longitude,
			description_fr, description_en, created_at, updated_at,
			siret, headcount, revenue, founded, keywords, equipment, capacity_notes, visibility, group_name)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			o.Name, o.ShortName, o.Kind, o.College, o.Membership, since, o.Website, o.Address, o.Postcode,
			o.City, o.Departement, o.Region, o.Country, lat, lon, o.DescriptionFR, o.DescriptionEN,
			o.CreatedAt, o.UpdatedAt, o.SIRET, o.Headcount, o.Revenue, o.founded(), joinKeywords(o.Keywords),
			o.Equipment, o.CapacityNotes, encodeVisibility(o.Visibility), o.Group).Scan(&o.ID)
		if err != nil {
			return err
		}
		if err := insertSectors(ctx, tx, o.ID, o.Sectors); err != nil {
			return err
		}
		if err := writeProfile(ctx, tx, o, Organisation{}); err != nil {
			return err
		}
		if err := IndexOrganisations(ctx, tx, []Organisation{o}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "organisation", o.ID, "create", nil, o)
	})
	if err != nil {
		return Organisation{}, fmt.Errorf("directory: create organisation: %w", err)
	}
	s.indexed(o)
	return o, nil
}

// UpdateOrganisation validates o and replaces the stored organisation o.ID
// (sectors and search document included), recording the values before and after in the audit
// log. It returns db.ErrNotFound when there is no such organisation.
func (s *Store) UpdateOrganisation(ctx context.Context, o Organisation) (Organisation, error) {
	return s.update(ctx, o, false)
}

// keepClusterFields copies onto o the fields only the cluster's team sets.
func keepClusterFields(o, cur Organisation) Organisation {
	o.Kind, o.College, o.Membership, o.MemberSince = cur.Kind, cur.College, cur.Membership, cur.MemberSince
	return o
}

func (s *Store) update(ctx context.Context, o Organisation, ownProfile bool) (Organisation, error) {
	o = s.normaliseOrganisation(o)
	if err := s.validateOrganisation(o); err != nil {
		return Organisation{}, err
	}
	o.UpdatedAt = s.stamp()
	since, lat, lon := o.nullable()
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getOrganisation(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		if ownProfile { // the team may have changed them since the read above
			o = keepClusterFields(o, before)
			since, _, _ = o.nullable()
		}
		o.CreatedAt = before.CreatedAt
		_, err = tx.Exec(ctx, `UPDATE organisations SET name = ?, short_name = ?, kind = ?, college = ?,
			membership = ?, member_since = ?, website = ?, address = ?, postcode = ?, city = ?, departement = ?,
			region = ?, country = ?, latitude = ?, longitude = ?, description_fr = ?, description_en = ?,
			updated_at = ?, siret = ?, headcount = ?, revenue = ?, founded = ?, keywords = ?, equipment = ?,
			capacity_notes = ?, visibility = ?, group_name = ? WHERE id = ?`,
			o.Name, o.ShortName, o.Kind, o.College, o.Membership, since, o.Website, o.Address, o.Postcode,
			o.City, o.Departement, o.Region, o.Country, lat, lon, o.DescriptionFR, o.DescriptionEN,
			o.UpdatedAt, o.SIRET, o.Headcount, o.Revenue, o.founded(), joinKeywords(o.Keywords), o.Equipment,
			o.CapacityNotes, encodeVisibility(o.Visibility), o.Group, o.ID)
		if err != nil {
			return err
		}
		if err := writeProfile(ctx, tx, o, before); err != nil {
			return err
		}
		o.HasLogo = before.HasLogo
		if !slices.Equal(before.Sectors, o.Sectors) {
			if _, err := tx.Exec(ctx, "DELETE FROM organisation_sectors WHERE organisation_id = ?", o.ID); err != nil {
				return err
			}
			if err := insertSectors(ctx, tx, o.ID, o.Sectors); err != nil {
				return err
			}
		}
		if err := IndexOrganisations(ctx, tx, []Organisation{o}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "organisation", o.ID, "update", before, o)
	})
	if err != nil {
		return Organisation{}, fmt.Errorf("directory: update organisation %d: %w", o.ID, err)
	}
	s.indexed(o)
	return o, nil
}

// Organisation returns the organisation id with its sectors, or
// db.ErrNotFound.
func (s *Store) Organisation(ctx context.Context, id int64) (Organisation, error) {
	o, err := getOrganisation(ctx, s.db, id)
	if err != nil {
		return Organisation{}, fmt.Errorf("directory: organisation %d: %w", id, err)
	}
	return o, nil
}

func getOrganisation(ctx context.Context, q db.Querier, id int64) (Organisation, error) {
	o, err := scanOrganisation(q.QueryRow(ctx, "SELECT "+orgColumns+" FROM organisations WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Organisation{}, db.ErrNotFound
	}
	if err != nil {
		return Organisation{}, err
	}
	page := []Organisation{o}
	if err := loadSectors(ctx, q, page); err != nil {
		return Organisation{}, err
	}
	if err := loadProfiles(ctx, q, page); err != nil {
		return Organisation{}, err
	}
	return page[0], nil
}

// insertSectors adds the sector rows of organisation id in one statement.
func insertSectors(ctx context.Context, q db.Querier, id int64, sectors []string) error {
	if len(sectors) == 0 {
		return nil
	}
	values := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(sectors)), ", ")
	args := make([]any, 0, 2*len(sectors))
	for _, c := range sectors {
		args = append(args, id, c)
	}
	_, err := q.Exec(ctx, "INSERT INTO organisation_sectors (organisation_id, sector) VALUES "+values, args...)
	return err
}

// loadSectors fills the Sectors of every organisation of page with one
// query, in taxonomy order.
func loadSectors(ctx context.Context, q db.Querier, page []Organisation) error {
	if len(page) == 0 {
		return nil
	}
	byID := make(map[int64]*Organisation, len(page))
	args := make([]any, len(page))
	for i := range page {
		page[i].Sectors = []string{}
		byID[page[i].ID] = &page[i]
		args[i] = page[i].ID
	}
	rows, err := q.Query(ctx, "SELECT organisation_id, sector FROM organisation_sectors WHERE organisation_id IN ("+
		placeholders(len(page))+")", args...)
	if err != nil {
		return fmt.Errorf("load sectors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sector string
		if err := rows.Scan(&id, &sector); err != nil {
			return fmt.Errorf("load sectors: %w", err)
		}
		if o := byID[id]; o != nil {
			o.Sectors = append(o.Sectors, sector)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load sectors: %w", err)
	}
	tax := LoadTaxonomy()
	for i := range page {
		slices.SortFunc(page[i].Sectors, func(a, b string) int {
			if d := tax.sectorRank(a) - tax.sectorRank(b); d != 0 {
				return d
			}
			return strings.Compare(a, b)
		})
	}
	return nil
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
