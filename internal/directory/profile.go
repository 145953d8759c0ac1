package directory

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"
)

// Service is one service an organisation offers, presented in both
// languages and placed on a sector and a value-chain step.
type Service struct {
	TitleFR       string
	TitleEN       string
	DescriptionFR string
	DescriptionEN string
	Sector        string // taxonomy sector code, may be empty
	Step          string // taxonomy value-chain step code, may be empty
}

// Title returns the service's title in lang, falling back to the other
// language.
func (s Service) Title(lang string) string { return pick(lang, s.TitleFR, s.TitleEN) }

// Description returns the service's description in lang, falling back to
// the other language.
func (s Service) Description(lang string) string {
	return pick(lang, s.DescriptionFR, s.DescriptionEN)
}

func pick(lang, fr, en string) string {
	if (lang == "en" && en != "") || fr == "" {
		return en
	}
	return fr
}

// Certification is a certification or accreditation an organisation holds.
// One whose ValidUntil has passed shows as expired and no longer matches the
// certification filter.
type Certification struct {
	Code       string    // taxonomy certification code, e.g. "ISO 13485"
	Scope      string    // e.g. "design and manufacture of orthopaedic implants"
	Issuer     string    // the certifying body, e.g. "GMED"
	ValidUntil time.Time // last day of validity (a date, UTC midnight); zero when open-ended
}

// Valid reports whether the certification is still valid on the day of
// now: the whole ValidUntil day counts.
func (c Certification) Valid(now time.Time) bool {
	return c.ValidUntil.IsZero() || now.Before(c.ValidUntil.AddDate(0, 0, 1))
}

// Capacity is a structured production capacity: a taxonomy capacity
// attribute (e.g. "cleanroom_area") and its value in the attribute's unit.
type CapacityValue struct {
	Attribute string
	Value     float64
}

// Visibility says who may see a profile field: everyone, members of the
// cluster (and its staff), or the cluster's staff only.
type Visibility string

// The visibilities, from the widest.
const (
	Public      Visibility = "public"
	MembersOnly Visibility = "members"
	StaffOnly   Visibility = "staff"
)

// Visibilities lists the visibilities, widest first.
var Visibilities = []Visibility{Public, MembersOnly, StaffOnly}

// Rank orders visibilities: 0 public, 1 members, 2 staff.
func (v Visibility) Rank() int {
	switch v {
	case MembersOnly:
		return 1
	case StaffOnly:
		return 2
	}
	return 0
}

// Sees reports whether a viewer at level viewer may see a field of
// visibility v.
func (viewer Visibility) Sees(v Visibility) bool { return v.Rank() <= viewer.Rank() }

// The profile fields whose visibility an organisation chooses. The name
// (with the short name and the corporate group, a matter of public record),
// kind, college, membership, city, région and sectors are always public:
// they are what the directory lists.
const (
	FieldWebsite        = "website"
	FieldAddress        = "address" // street address, postcode, département and coordinates
	FieldSIRET          = "siret"
	FieldHeadcount      = "headcount"
	FieldRevenue        = "revenue"
	FieldFounded        = "founded"
	FieldDescription    = "description"
	FieldSteps          = "steps"
	FieldBricks         = "bricks"
	FieldServices       = "services"
	FieldCertifications = "certifications"
	FieldCapacities     = "capacities"
	FieldEquipment      = "equipment"
	FieldKeywords       = "keywords"
	FieldContacts       = "contacts"
	FieldLogo           = "logo"
)

// ProfileFields lists the fields with a chosen visibility, in form order,
// with their default visibility.
var ProfileFields = []struct {
	Field   string
	Default Visibility
}{
	{FieldWebsite, Public}, {FieldAddress, Public}, {FieldSIRET, Public}, {FieldHeadcount, Public},
	{FieldRevenue, MembersOnly}, {FieldFounded, Public}, {FieldDescription, Public}, {FieldSteps, Public},
	{FieldBricks, Public}, {FieldServices, Public}, {FieldCertifications, Public}, {FieldCapacities, Public},
	{FieldEquipment, Public}, {FieldKeywords, Public}, {FieldContacts, MembersOnly}, {FieldLogo, Public},
}

// DefaultVisibility returns the default visibility of a profile field
// (Public for unknown fields).
func DefaultVisibility(field string) Visibility {
	for _, f := range ProfileFields {
		if f.Field == field {
			return f.Default
		}
	}
	return Public
}

// knownField reports whether field has a chosen visibility.
func knownField(field string) bool {
	return slices.ContainsFunc(ProfileFields, func(f struct {
		Field   string
		Default Visibility
	}) bool {
		return f.Field == field
	})
}

// VisibilityOf returns the visibility o chose for field, or its default.
func (o Organisation) VisibilityOf(field string) Visibility {
	if v, ok := o.Visibility[field]; ok {
		return v
	}
	return DefaultVisibility(field)
}

// Shows reports whether a viewer at level viewer sees o's field.
func (o Organisation) Shows(viewer Visibility, field string) bool {
	return viewer.Sees(o.VisibilityOf(field))
}

// Headcount bands (employees), after INSEE's size categories.
var HeadcountBands = []string{"1-9", "10-49", "50-249", "250-4999", "5000+"}

// Revenue bands (annual turnover, euros).
var RevenueBands = []string{"under_2m", "2m_10m", "10m_50m", "50m_1500m", "over_1500m"}

// For returns o as a viewer at level viewer may see it: every field whose
// visibility is above the viewer's is emptied, and Hidden lists them.
func (o Organisation) For(viewer Visibility) Organisation {
	o.Visibility = maps.Clone(o.Visibility)
	o.Hidden = nil
	hide := func(field string, clear func()) {
		if !o.Shows(viewer, field) {
			clear()
			o.Hidden = append(o.Hidden, field)
		}
	}
	hide(FieldWebsite, func() { o.Website = "" })
	hide(FieldAddress, func() {
		o.Address, o.Postcode, o.Departement = "", "", ""
		o.Latitude, o.Longitude, o.HasCoords = 0, 0, false
	})
	hide(FieldSIRET, func() { o.SIRET = "" })
	hide(FieldHeadcount, func() { o.Headcount = "" })
	hide(FieldRevenue, func() { o.Revenue = "" })
	hide(FieldFounded, func() { o.Founded = 0 })
	hide(FieldDescription, func() { o.DescriptionFR, o.DescriptionEN = "", "" })
	hide(FieldSteps, func() { o.Steps = []string{} })
	hide(FieldBricks, func() { o.Bricks = []string{} })
	hide(FieldServices, func() { o.Services = []Service{} })
	hide(FieldCertifications, func() { o.Certifications = []Certification{} })
	hide(FieldCapacities, func() { o.Capacities, o.CapacityNotes = []CapacityValue{}, "" })
	hide(FieldEquipment, func() { o.Equipment = "" })
	hide(FieldKeywords, func() { o.Keywords = []string{} })
	hide(FieldLogo, func() { o.HasLogo = false })
	hide(FieldContacts, func() {}) // people are read separately: callers check Hidden
	if viewer != StaffOnly {
		o.Visibility = nil // the choices themselves are the team's and the organisation's business
	}
	return o
}

// encodeVisibility stores the non-default visibilities as JSON.
func encodeVisibility(v map[string]Visibility) string {
	out := map[string]Visibility{}
	for f, vis := range v {
		if knownField(f) && vis != DefaultVisibility(f) {
			out[f] = vis
		}
	}
	b, _ := json.Marshal(out) // a map of strings always encodes
	return string(b)
}

// decodeVisibility reads the stored visibilities, ignoring anything
// unknown.
func decodeVisibility(s string) map[string]Visibility {
	var raw map[string]Visibility
	_ = json.Unmarshal([]byte(s), &raw) // a broken value falls back to the defaults
	out := map[string]Visibility{}
	for f, v := range raw {
		if knownField(f) && slices.Contains(Visibilities, v) {
			out[f] = v
		}
	}
	return out
}

// joinKeywords and splitKeywords store the keywords in one column.
func joinKeywords(k []string) string { return strings.Join(k, "|") }

func splitKeywords(s string) []string {
	out := []string{}
	for k := range strings.SplitSeq(s, "|") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}
