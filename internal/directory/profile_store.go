package directory

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/db"
	"filiere/internal/siren"
	"filiere/internal/validate"
)

// Profile limits.
const (
	maxServices       = 50
	maxCertifications = 30
	maxKeywords       = 30
	maxKeyword        = 60
	maxServiceTitle   = 200
	maxServiceText    = 2000
	maxCertText       = 200
	maxFreeText       = 3000 // equipment, capacity notes
)

// normaliseProfile trims the profile's lists, drops empty entries and
// duplicates, and puts coded lists in taxonomy order.
func (s *Store) normaliseProfile(o Organisation) Organisation {
	o.SIRET = siren.Normalize(o.SIRET)
	o.Steps = s.tax().ordered("steps", o.Steps)
	o.Bricks = s.tax().ordered("bricks", o.Bricks)
	keywords := make([]string, 0, len(o.Keywords))
	seen := map[string]bool{}
	for _, k := range o.Keywords {
		k = strings.TrimSpace(strings.ReplaceAll(k, "|", " "))
		if f := Fold(k); k != "" && !seen[f] {
			seen[f] = true
			keywords = append(keywords, k)
		}
	}
	o.Keywords = keywords
	services := make([]Service, 0, len(o.Services))
	for _, sv := range o.Services {
		for _, f := range []*string{&sv.TitleFR, &sv.TitleEN, &sv.DescriptionFR, &sv.DescriptionEN, &sv.Sector, &sv.Step} {
			*f = strings.TrimSpace(*f)
		}
		if sv != (Service{}) {
			services = append(services, sv)
		}
	}
	o.Services = services
	certs := make([]Certification, 0, len(o.Certifications))
	for _, c := range o.Certifications {
		c.Code, c.Scope, c.Issuer = strings.TrimSpace(c.Code), strings.TrimSpace(c.Scope), strings.TrimSpace(c.Issuer)
		if !c.ValidUntil.IsZero() {
			y, m, d := c.ValidUntil.Date()
			c.ValidUntil = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		}
		if c != (Certification{}) {
			certs = append(certs, c)
		}
	}
	o.Certifications = certs
	byAttr := map[string]float64{}
	for _, c := range o.Capacities {
		if c.Attribute = strings.TrimSpace(c.Attribute); c.Attribute != "" {
			byAttr[c.Attribute] = c.Value
		}
	}
	o.Capacities = []CapacityValue{}
	for _, a := range s.tax().Capacities {
		if v, ok := byAttr[a.Code]; ok {
			o.Capacities = append(o.Capacities, CapacityValue{a.Code, v})
			delete(byAttr, a.Code)
		}
	}
	for a, v := range byAttr { // unknown attributes: kept for validation to refuse
		o.Capacities = append(o.Capacities, CapacityValue{a, v})
	}
	if o.Visibility == nil {
		o.Visibility = map[string]Visibility{}
	}
	return o
}

// ordered returns codes without blanks and duplicates, in the order of the
// taxonomy list; unknown codes go last, in their order, for validation to
// refuse.
func (t *Taxonomy) ordered(list string, codes []string) []string {
	order := t.order[list]
	rank := func(c string) int {
		if i, ok := order[c]; ok {
			return i
		}
		return len(order)
	}
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return rank(a) - rank(b) })
	return out
}

// validateProfile adds to errs what is wrong with o's profile fields.
func (s *Store) validateProfile(o Organisation, errs *validate.Errors) {
	if o.SIRET != "" && !siren.ValidSIRET(o.SIRET) && !siren.ValidSIREN(o.SIRET) {
		errs.Add("siret", "directory.siret")
	}
	if o.Headcount != "" && !slices.Contains(HeadcountBands, o.Headcount) {
		errs.Add("headcount", "validate.choice")
	}
	if o.Revenue != "" && !slices.Contains(RevenueBands, o.Revenue) {
		errs.Add("revenue", "validate.choice")
	}
	if o.Founded != 0 && (o.Founded < 1600 || o.Founded > s.stamp().Year()) {
		errs.Add("founded", "directory.year")
	}
	for _, c := range o.Steps {
		if _, ok := s.tax().Step(c); !ok {
			errs.Add("steps", "validate.choice")
			break
		}
	}
	for _, c := range o.Bricks {
		if _, ok := s.tax().Brick(c); !ok {
			errs.Add("bricks", "validate.choice")
			break
		}
	}
	if len(o.Keywords) > maxKeywords {
		errs.Add("keywords", "directory.too_many", maxKeywords)
	}
	for _, k := range o.Keywords {
		if utf8.RuneCountInString(k) > maxKeyword {
			errs.Add("keywords", "validate.too_long", maxKeyword)
			break
		}
	}
	if len(o.Services) > maxServices {
		errs.Add("services", "directory.too_many", maxServices)
	}
	for i, sv := range o.Services {
		field := fmt.Sprintf("services.%d", i)
		switch {
		case sv.TitleFR == "" && sv.TitleEN == "":
			errs.Add(field, "directory.service_title")
		case utf8.RuneCountInString(sv.TitleFR) > maxServiceTitle || utf8.RuneCountInString(sv.TitleEN) > maxServiceTitle:
			errs.Add(field, "validate.too_long", maxServiceTitle)
		case utf8.RuneCountInString(sv.DescriptionFR) > maxServiceText || utf8.RuneCountInString(sv.DescriptionEN) > maxServiceText:
			errs.Add(field, "validate.too_long", maxServiceText)
		}
		if _, ok := s.tax().Sector(sv.Sector); sv.Sector != "" && !ok {
			errs.Add(field, "validate.choice")
		}
		if _, ok := s.tax().Step(sv.Step); sv.Step != "" && !ok {
			errs.Add(field, "validate.choice")
		}
	}
	if len(o.Certifications) > maxCertifications {
		errs.Add("certifications", "directory.too_many", maxCertifications)
	}
	for i, c := range o.Certifications {
		field := fmt.Sprintf("certifications.%d", i)
		if _, ok := s.tax().Certification(c.Code); !ok {
			errs.Add(field, "directory.certification")
		} else if utf8.RuneCountInString(c.Scope) > maxCertText || utf8.RuneCountInString(c.Issuer) > maxCertText {
			errs.Add(field, "validate.too_long", maxCertText)
		} else if y := c.ValidUntil.Year(); !c.ValidUntil.IsZero() && (y < 1950 || y > 2200) {
			errs.Add(field, "validate.date")
		}
	}
	for _, c := range o.Capacities {
		if _, ok := s.tax().CapacityAttribute(c.Attribute); !ok {
			errs.Add("capacities", "validate.choice")
			break
		}
		if math.IsNaN(c.Value) || math.IsInf(c.Value, 0) || c.Value < 0 || c.Value > 1e12 {
			errs.Add("capacities", "directory.capacity_value")
			break
		}
		if c.Attribute == "cleanroom_class" && (c.Value < 1 || c.Value > 9 || c.Value != math.Trunc(c.Value)) {
			errs.Add("capacities", "directory.cleanroom_class")
			break
		}
	}
	for _, f := range []struct {
		field, value string
	}{{"equipment", o.Equipment}, {"capacity_notes", o.CapacityNotes}} {
		if utf8.RuneCountInString(f.value) > maxFreeText {
			errs.Add(f.field, "validate.too_long", maxFreeText)
		}
	}
	for f, v := range o.Visibility {
		if !knownField(f) || !slices.Contains(Visibilities, v) {
			errs.Add("visibility", "validate.choice")
			break
		}
	}
}

// CapacityAttribute returns the capacity attribute with code.
func (t *Taxonomy) CapacityAttribute(code string) (Capacity, bool) {
	for _, c := range t.Capacities {
		if c.Code == code {
			return c, true
		}
	}
	return Capacity{}, false
}

// founded is the value stored in the founded column: NULL when unknown.
func (o Organisation) founded() any {
	if o.Founded == 0 {
		return nil
	}
	return o.Founded
}

// writeProfile replaces the profile's child rows of o (steps, bricks,
// services, certifications, capacities) that differ from before's.
func writeProfile(ctx context.Context, q db.Querier, o, before Organisation) error {
	if before.ID == 0 || !slices.Equal(before.Steps, o.Steps) {
		if err := replaceCodes(ctx, q, "organisation_steps", "step", o.ID, o.Steps, before.ID != 0); err != nil {
			return err
		}
	}
	if before.ID == 0 || !slices.Equal(before.Bricks, o.Bricks) {
		if err := replaceCodes(ctx, q, "organisation_bricks", "brick", o.ID, o.Bricks, before.ID != 0); err != nil {
			return err
		}
	}
	if before.ID == 0 || !slices.Equal(before.Services, o.Services) {
		if before.ID != 0 {
			if _, err := q.Exec(ctx, "DELETE FROM organisation_services WHERE organisation_id = ?", o.ID); err != nil {
				return fmt.Errorf("services: %w", err)
			}
		}
		for i, sv := range o.Services {
			if _, err := q.Exec(ctx, `INSERT INTO organisation_services (organisation_id, position, title_fr, title_en,
				description_fr, description_en, sector, step) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				o.ID, i, sv.TitleFR, sv.TitleEN, sv.DescriptionFR, sv.DescriptionEN, sv.Sector, sv.Step); err != nil {
				return fmt.Errorf("services: %w", err)
			}
		}
	}
	if before.ID == 0 || !slices.EqualFunc(before.Certifications, o.Certifications, func(a, b Certification) bool {
		return a.Code == b.Code && a.Scope == b.Scope && a.Issuer == b.Issuer && a.ValidUntil.Equal(b.ValidUntil)
	}) {
		if before.ID != 0 {
			if _, err := q.Exec(ctx, "DELETE FROM organisation_certifications WHERE organisation_id = ?", o.ID); err != nil {
				return fmt.Errorf("certifications: %w", err)
			}
		}
		for i, c := range o.Certifications {
			var until any
			if !c.ValidUntil.IsZero() {
				until = c.ValidUntil.Format(time.DateOnly)
			}
			if _, err := q.Exec(ctx, `INSERT INTO organisation_certifications (organisation_id, position, certification,
				scope, issuer, valid_until) VALUES (?, ?, ?, ?, ?, ?)`, o.ID, i, c.Code, c.Scope, c.Issuer, until); err != nil {
				return fmt.Errorf("certifications: %w", err)
			}
		}
	}
	if before.ID == 0 || !slices.Equal(before.Capacities, o.Capacities) {
		if before.ID != 0 {
			if _, err := q.Exec(ctx, "DELETE FROM organisation_capacities WHERE organisation_id = ?", o.ID); err != nil {
				return fmt.Errorf("capacities: %w", err)
			}
		}
		for _, c := range o.Capacities {
			if _, err := q.Exec(ctx, "INSERT INTO organisation_capacities (organisation_id, attribute, value) VALUES (?, ?, ?)",
				o.ID, c.Attribute, c.Value); err != nil {
				return fmt.Errorf("capacities: %w", err)
			}
		}
	}
	return nil
}

// replaceCodes replaces the rows of a (organisation_id, code) table.
func replaceCodes(ctx context.Context, q db.Querier, table, column string, id int64, codes []string, clear bool) error {
	if clear {
		if _, err := q.Exec(ctx, "DELETE FROM "+table+" WHERE organisation_id = ?", id); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(codes))
	for _, c := range codes {
		args = append(args, id, c)
	}
	values := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(codes)), ", ")
	if _, err := q.Exec(ctx, "INSERT INTO "+table+" (organisation_id, "+column+") VALUES "+values, args...); err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	return nil
}

// loadProfiles fills the profile lists of every organisation of page
// (steps, bricks, services, certifications, capacities, logo presence), one
// query per list.
func loadProfiles(ctx context.Context, q db.Querier, page []Organisation) error {
	if len(page) == 0 {
		return nil
	}
	tax := LoadTaxonomy()
	byID := make(map[int64]*Organisation, len(page))
	args := make([]any, len(page))
	for i := range page {
		o := &page[i]
		o.Steps, o.Bricks, o.Services = []string{}, []string{}, []Service{}
		o.Certifications, o.Capacities = []Certification{}, []CapacityValue{}
		byID[o.ID] = o
		args[i] = o.ID
	}
	in := " IN (" + placeholders(len(page)) + ")"
	each := func(what, query string, scan func(rows *sql.Rows, o func(int64) *Organisation) error) error {
		rows, err := q.Query(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("load %s: %w", what, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows, func(id int64) *Organisation {
				if o := byID[id]; o != nil {
					return o
				}
				return &Organisation{}
			}); err != nil {
				return fmt.Errorf("load %s: %w", what, err)
			}
		}
		return rows.Err()
	}
	// codes reads a list of taxonomy codes into the field list picks.
	codes := func(table, column string, list func(*Organisation) *[]string) error {
		return each(table, "SELECT organisation_id, "+column+" FROM "+table+" WHERE organisation_id"+in,
			func(rows *sql.Rows, o func(int64) *Organisation) error {
				var id int64
				var c string
				if err := rows.Scan(&id, &c); err != nil {
					return err
				}
				l := list(o(id))
				*l = append(*l, c)
				return nil
			})
	}
	if err := codes("organisation_steps", "step", func(o *Organisation) *[]string { return &o.Steps }); err != nil {
		return err
	}
	err := codes("organisation_bricks", "brick", func(o *Organisation) *[]string { return &o.Bricks })
	if err != nil {
		return err
	}
	err = each("services", `SELECT organisation_id, title_fr, title_en, description_fr, description_en, sector, step
		FROM organisation_services WHERE organisation_id`+in+" ORDER BY organisation_id, position",
		func(rows *sql.Rows, o func(int64) *Organisation) error {
			var id int64
			var sv Service
			if err := rows.Scan(&id, &sv.TitleFR, &sv.TitleEN, &sv.DescriptionFR, &sv.DescriptionEN, &sv.Sector, &sv.Step); err != nil {
				return err
			}
			p := o(id)
			p.Services = append(p.Services, sv)
			return nil
		})
	if err != nil {
		return err
	}
	err = each("certifications", `SELECT organisation_id, certification, scope, issuer, valid_until
		FROM organisation_certifications WHERE organisation_id`+in+" ORDER BY organisation_id, position",
		func(rows *sql.Rows, o func(int64) *Organisation) error {
			var id int64
			var c Certification
			var until sql.NullString
			if err := rows.Scan(&id, &c.Code, &c.Scope, &c.Issuer, &until); err != nil {
				return err
			}
			if until.Valid {
				t, err := time.Parse(time.DateOnly, until.String)
				if err != nil {
					return fmt.Errorf("valid_until %q: %w", until.String, err)
				}
				c.ValidUntil = t
			}
			p := o(id)
			p.Certifications = append(p.Certifications, c)
			return nil
		})
	if err != nil {
		return err
	}
	err = each("capacities", "SELECT organisation_id, attribute, value FROM organisation_capacities WHERE organisation_id"+in,
		func(rows *sql.Rows, o func(int64) *Organisation) error {
			var id int64
			var c CapacityValue
			if err := rows.Scan(&id, &c.Attribute, &c.Value); err != nil {
				return err
			}
			p := o(id)
			p.Capacities = append(p.Capacities, c)
			return nil
		})
	if err != nil {
		return err
	}
	err = each("logos", "SELECT organisation_id FROM organisation_logos WHERE organisation_id"+in,
		func(rows *sql.Rows, o func(int64) *Organisation) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			o(id).HasLogo = true
			return nil
		})
	if err != nil {
		return err
	}
	for i := range page {
		o := &page[i]
		o.Steps = tax.ordered("steps", o.Steps)
		o.Bricks = tax.ordered("bricks", o.Bricks)
		slices.SortFunc(o.Capacities, func(a, b CapacityValue) int {
			return cmp.Compare(tax.capacityRank(a.Attribute), tax.capacityRank(b.Attribute))
		})
	}
	return nil
}

// capacityRank orders capacity attributes as the taxonomy lists them.
func (t *Taxonomy) capacityRank(code string) int {
	for i, c := range t.Capacities {
		if c.Code == code {
			return i
		}
	}
	return len(t.Capacities)
}
