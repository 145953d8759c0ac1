// Package directory holds the cluster's ecosystem: organisations, the people
// who work there, and the shared taxonomy (sectors, organisation kinds,
// colleges, value-chain steps, technology bricks, certifications) and cities
// they are classified and located by.
package directory

import (
	"time"

	"filiere/internal/db"
)

// Organisation is a structure of the ecosystem: a company, a lab, a hospital,
// an investor, a local authority… member of the cluster or not.
type Organisation struct {
	ID          int64
	Name        string
	ShortName   string // acronym or usual short name, may be empty
	Group       string // corporate group, e.g. "Groupe Sanofi"; "" when independent (see SameGroup)
	Kind        string // taxonomy kind code
	College     string // taxonomy college code; "" when not set
	Membership  string // Member, Prospect, Former or NonMember
	MemberSince int    // year of joining, 0 when unknown
	Website     string
	Address     string // street address, without postcode and city
	Postcode    string
	City        string
	Departement string
	Region      string
	Country     string // ISO 3166 alpha-2, "FR" by default
	Latitude    float64
	Longitude   float64
	HasCoords   bool // Latitude and Longitude are set
	// DescriptionFR and DescriptionEN present the organisation's activity
	// and know-how, for the directory and the competencies booklet.
	DescriptionFR string
	DescriptionEN string
	Sectors       []string // taxonomy sector codes, in taxonomy order

	SIRET     string // 14 digits (or the 9-digit SIREN), checksum-valid; may be empty
	Headcount string // one of HeadcountBands, or ""
	Revenue   string // one of RevenueBands, or ""
	Founded   int    // founding year, 0 when unknown
	// Steps are the value-chain steps the organisation serves, Bricks the
	// technology bricks it masters (taxonomy codes, in taxonomy order).
	Steps          []string
	Bricks         []string
	Services       []Service
	Certifications []Certification
	Capacities     []CapacityValue // in taxonomy order, one value per attribute
	CapacityNotes  string          // capacities the attributes do not cover, free text
	Equipment      string          // notable equipment, free text
	Keywords       []string
	HasLogo        bool
	// Visibility holds the visibility chosen for profile fields that differ
	// from their default (ProfileFields); nil for viewers other than staff.
	Visibility map[string]Visibility
	// Hidden lists the fields For emptied because the viewer may not see
	// them; empty on a stored organisation.
	Hidden []string

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Description returns the description in lang, falling back to the other
// language when that one is empty.
func (o Organisation) Description(lang string) string {
	if (lang == "en" && o.DescriptionEN != "") || o.DescriptionFR == "" {
		return o.DescriptionEN
	}
	return o.DescriptionFR
}

// DisplayName is the name followed by the short name in brackets when it
// adds something: "Laboratoire de Biomécanique de Dijon (LBD)".
func (o Organisation) DisplayName() string {
	if o.ShortName == "" || o.ShortName == o.Name {
		return o.Name
	}
	return o.Name + " (" + o.ShortName + ")"
}

// The membership statuses of an organisation.
const (
	Member    = "member"   // pays its dues this year
	Prospect  = "prospect" // in talks to join
	Former    = "former"   // has left
	NonMember = "none"     // listed in the directory only
)

// Memberships lists the membership statuses in display order.
var Memberships = []string{Member, Prospect, Former, NonMember}

// MembershipKey is the i18n key of a membership status's label, e.g.
// "directory.membership.member".
func MembershipKey(m string) string { return "directory.membership." + m }

// Person is a contact at an organisation (or at none).
type Person struct {
	ID             int64
	OrganisationID int64 // 0 when the person belongs to no organisation
	FirstName      string
	LastName       string
	Email          string
	Phone          string
	JobTitle       string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Name is the person's full name.
func (p Person) Name() string { return p.FirstName + " " + p.LastName }

// Store reads and writes organisations and people. Every change is
// validated and recorded in the audit log in the same transaction.
type Store struct {
	db   *db.DB
	now  func() time.Time
	live liveIndex
}

// NewStore returns a Store on d using the embedded taxonomy.
func NewStore(d *db.DB) *Store {
	return &Store{db: d, now: time.Now}
}

// tax is the taxonomy in force.
func (s *Store) tax() *Taxonomy { return LoadTaxonomy() }

// stamp is the store's clock in UTC at the storage precision, so that a time
// written and read back compares equal.
func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }
