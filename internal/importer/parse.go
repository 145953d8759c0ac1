package importer

import (
	"math"
	"strconv"
	"strings"
	"time"

	"filiere/internal/directory"
	"filiere/internal/siren"
	"filiere/internal/tabular"
	"filiere/internal/validate"
)

// rowKeys are what a row is matched by.
type rowKeys struct {
	name     string
	siret    string // normalised; "" when the row has none
	postcode string // as the row will store it
	nameKey  string // directory.NameKey
}

// keysOf reads the matching keys of row.
func keysOf(cols tabular.Columns, row tabular.Row) rowKeys {
	k := rowKeys{name: cols.Get(row, "name"), siret: siren.Normalize(cols.Get(row, "siret"))}
	k.postcode = frenchPostcode(cols.Get(row, "postcode"), cols.Get(row, "country"))
	k.nameKey = directory.NameKey(k.name, k.postcode)
	return k
}

// frenchPostcode restores the leading zero spreadsheets drop from French
// postcodes ("1000" for "01000").
func frenchPostcode(p, country string) string {
	if len(p) == 4 && allDigits(p) && (country == "" || countryCode(country) == "FR") {
		return "0" + p
	}
	return p
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// countryCode turns a country cell into an ISO code when it can; anything
// else is returned as is, for validation to refuse.
func countryCode(s string) string {
	if c, ok := countries[compact(s)]; ok {
		return c
	}
	return strings.ToUpper(strings.TrimSpace(s))
}

// apply overwrites base with the row's cells, column by column: a column
// in the file replaces the stored value, even with an empty cell; a column
// not in the file keeps it. Cells that cannot be read leave their field
// as it was and come back as errors keyed by column.
func apply(base directory.Organisation, cols tabular.Columns, row tabular.Row) (directory.Organisation, validate.Errors) {
	o := base
	var errs validate.Errors
	has := cols.Has
	get := func(name string) string { return cols.Get(row, name) }
	text := func(name string, f *string) {
		if has(name) {
			*f = get(name)
		}
	}
	v := vocab()

	text("name", &o.Name)
	text("short_name", &o.ShortName)
	text("group", &o.Group)
	if has("siret") {
		// A SIREN where the organisation has one of its SIRETs stored
		// names the same organisation: keep the more precise number.
		if n := siren.Normalize(get("siret")); len(n) != 9 || len(base.SIRET) != 14 || base.SIRET[:9] != n {
			o.SIRET = n
		}
	}
	code := func(name string, voc vocabulary, f *string) {
		if !has(name) {
			return
		}
		s := get(name)
		if s == "" {
			*f = ""
			return
		}
		c, ok := voc.lookup(s)
		if !ok {
			errs.Add(name, "import.unknown_value", s)
			return
		}
		*f = c
	}
	codes := func(name string, voc vocabulary, f *[]string) {
		if !has(name) {
			return
		}
		out := []string{}
		ok := true
		for _, s := range tabular.SplitList(get(name)) {
			c, found := voc.lookup(s)
			if !found {
				errs.Add(name, "import.unknown_value", s)
				ok = false
				continue
			}
			out = append(out, c)
		}
		if ok {
			*f = out
		}
	}
	code("kind", v.kinds, &o.Kind)
	code("college", v.colleges, &o.College)
	code("membership", v.memberships, &o.Membership)
	year("member_since", has, get, &o.MemberSince, &errs)
	codes("sectors", v.sectors, &o.Sectors)
	codes("steps", v.steps, &o.Steps)
	codes("bricks", v.bricks, &o.Bricks)
	if has("services") {
		o.Services = services(get("services"), base.Services)
	}
	if has("certifications") {
		if certs, ok := certifications(get("certifications"), base.Certifications, &errs); ok {
			o.Certifications = certs
		}
	}
	text("address", &o.Address)
	text("city", &o.City)
	text("region", &o.Region)
	if has("country") {
		o.Country = countryCode(get("country"))
	}
	if has("postcode") {
		o.Postcode = frenchPostcode(get("postcode"), o.Country)
	}
	if has("departement") {
		o.Departement = get("departement")
		if len(o.Departement) == 1 && allDigits(o.Departement) && (o.Country == "" || o.Country == "FR") {
			o.Departement = "0" + o.Departement
		}
	}
	coordinates(has, get, &o, &errs)
	text("website", &o.Website)
	if has("headcount") {
		if s := get("headcount"); s == "" {
			o.Headcount = ""
		} else if band, ok := headcountBand(s); ok {
			o.Headcount = band
		} else {
			errs.Add("headcount", "import.unknown_value", s)
		}
	}
	if has("revenue") {
		if s := get("revenue"); s == "" {
			o.Revenue = ""
		} else if band, ok := revenueBand(s); ok {
			o.Revenue = band
		} else {
			errs.Add("revenue", "import.unknown_value", s)
		}
	}
	year("founded", has, get, &o.Founded, &errs)
	if has("keywords") {
		o.Keywords = tabular.SplitList(get("keywords"))
	}
	text("description_fr", &o.DescriptionFR)
	text("description_en", &o.DescriptionEN)
	text("equipment", &o.Equipment)
	text("capacity_notes", &o.CapacityNotes)
	capacities(has, get, &o, &errs)
	return o, errs
}

// year reads a year: "2019", or a date whose year is taken ("15/03/2019").
func year(name string, has func(string) bool, get func(string) string, f *int, errs *validate.Errors) {
	if !has(name) {
		return
	}
	s := get(name)
	if s == "" {
		*f = 0
		return
	}
	if len(s) == 4 && allDigits(s) {
		*f, _ = strconv.Atoi(s)
		return
	}
	if t, err := tabular.ParseDate(s); err == nil && !allDigits(s) {
		*f = t.Year()
		return
	}
	errs.Add(name, "directory.year")
}

// coordinates reads latitude and longitude: both set, or both empty. A
// column missing from the file keeps the stored value.
func coordinates(has func(string) bool, get func(string) string, o *directory.Organisation, errs *validate.Errors) {
	if !has("latitude") && !has("longitude") {
		return
	}
	cell := func(name string, stored float64) string {
		switch {
		case has(name):
			return get(name)
		case o.HasCoords:
			return strconv.FormatFloat(stored, 'g', -1, 64)
		}
		return ""
	}
	lat, lon := cell("latitude", o.Latitude), cell("longitude", o.Longitude)
	switch {
	case lat == "" && lon == "":
		o.HasCoords, o.Latitude, o.Longitude = false, 0, 0
		return
	case lat == "" || lon == "":
		errs.Add("coordinates", "import.coordinates_pair")
		return
	}
	la, err1 := tabular.ParseDecimal(lat)
	lo, err2 := tabular.ParseDecimal(lon)
	if err1 != nil {
		errs.Add("latitude", "validate.number")
	}
	if err2 != nil {
		errs.Add("longitude", "validate.number")
	}
	if err1 == nil && err2 == nil {
		o.Latitude, o.Longitude, o.HasCoords = la, lo, true
	}
}

// services reads "Titre FR / Title EN | Autre titre": the titles of the
// organisation's services, the English one optional. A service the
// organisation already lists under the same title keeps its descriptions,
// sector and step, and its English title when the cell gives none.
func services(cell string, stored []directory.Service) []directory.Service {
	out := []directory.Service{}
	for _, item := range tabular.SplitList(cell) {
		fr, en, _ := strings.Cut(item, " / ")
		fr, en = strings.TrimSpace(fr), strings.TrimSpace(en)
		sv := directory.Service{TitleFR: fr, TitleEN: en}
		for _, old := range stored {
			if directory.Fold(old.TitleFR) == directory.Fold(fr) && (fr != "" || directory.Fold(old.TitleEN) == directory.Fold(en)) {
				sv = old
				sv.TitleFR = fr
				if en != "" {
					sv.TitleEN = en
				}
				break
			}
		}
		out = append(out, sv)
	}
	return out
}

// certifications reads "ISO 13485:2027-06-30 | ISO 9001": certification
// codes (or labels), each with an optional last day of validity after a
// colon. A standard's edition ("ISO 13485:2016") is not a date and is
// ignored. A certification the organisation already holds keeps its scope
// and issuer.
func certifications(cell string, stored []directory.Certification, errs *validate.Errors) ([]directory.Certification, bool) {
	out := []directory.Certification{}
	ok := true
	for _, item := range tabular.SplitList(cell) {
		name, date := item, ""
		if i := strings.LastIndex(item, ":"); i >= 0 {
			name, date = strings.TrimSpace(item[:i]), strings.TrimSpace(item[i+1:])
		}
		c := directory.Certification{}
		code, found := vocab().certifications.lookup(name)
		if !found {
			errs.Add("certifications", "import.unknown_value", item)
			ok = false
			continue
		}
		c.Code = code
		if date != "" && !(len(date) == 4 && allDigits(date)) {
			t, err := tabular.ParseDate(date)
			if err != nil || (allDigits(date) && len(date) != 8) {
				errs.Add("certifications", "import.bad_date", item)
				ok = false
				continue
			}
			c.ValidUntil = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
		for _, old := range stored {
			if old.Code == c.Code {
				c.Scope, c.Issuer = old.Scope, old.Issuer
				break
			}
		}
		out = append(out, c)
	}
	return out, ok
}

// capacities reads the capacity attribute columns: a number sets the
// attribute, an empty cell removes it.
func capacities(has func(string) bool, get func(string) string, o *directory.Organisation, errs *validate.Errors) {
	byAttr := map[string]float64{}
	for _, c := range o.Capacities {
		byAttr[c.Attribute] = c.Value
	}
	touched := false
	for _, a := range directory.LoadTaxonomy().Capacities {
		if !has(a.Code) {
			continue
		}
		touched = true
		s := get(a.Code)
		if s == "" {
			delete(byAttr, a.Code)
			continue
		}
		f, err := tabular.ParseDecimal(s)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			errs.Add(a.Code, "validate.number")
			continue
		}
		byAttr[a.Code] = f
	}
	if !touched {
		return
	}
	caps := []directory.CapacityValue{}
	for _, a := range directory.LoadTaxonomy().Capacities {
		if f, ok := byAttr[a.Code]; ok {
			caps = append(caps, directory.CapacityValue{Attribute: a.Code, Value: f})
			delete(byAttr, a.Code)
		}
	}
	for a, f := range byAttr { // attributes outside the taxonomy: left for validation to refuse
		caps = append(caps, directory.CapacityValue{Attribute: a, Value: f})
	}
	o.Capacities = caps
}

// headcountBand reads a headcount: a band's code or label, or a number of
// employees.
func headcountBand(s string) (string, bool) {
	if n := strings.Join(strings.Fields(s), ""); allDigits(n) {
		v, err := strconv.Atoi(n)
		if err != nil {
			return "", false
		}
		switch {
		case v < 1:
			return "", false
		case v < 10:
			return "1-9", true
		case v < 50:
			return "10-49", true
		case v < 250:
			return "50-249", true
		case v < 5000:
			return "250-4999", true
		}
		return "5000+", true
	}
	return vocab().headcounts.lookup(s)
}

// revenueBand reads a turnover: a band's code or label, or an amount in
// euros ("3 500 000", "3,5 M€", "800 k€").
func revenueBand(s string) (string, bool) {
	if band, ok := vocab().revenues.lookup(s); ok {
		return band, true
	}
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "€"))
	t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(t, "EUR"), "eur"))
	scale := 1.0
	lower := strings.ToLower(t)
	for _, u := range []struct {
		suffix string
		scale  float64
	}{{"md", 1e9}, {"mds", 1e9}, {"m", 1e6}, {"k", 1e3}} {
		if strings.HasSuffix(lower, u.suffix) {
			t, scale = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.scale
			break
		}
	}
	f, err := tabular.ParseDecimal(t)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	f *= scale
	switch {
	case f < 2e6:
		return "under_2m", true
	case f < 10e6:
		return "2m_10m", true
	case f < 50e6:
		return "10m_50m", true
	case f < 1500e6:
		return "50m_1500m", true
	}
	return "over_1500m", true
}
