// Package events runs the cluster's agenda: events of every kind (sector
// committees, webinars, congresses with exhibitors…), their programme,
// exhibitors, sponsors and recordings; the registrations, with e-mail
// confirmation, capacity and a waiting list promoted automatically,
// invoicing status and check-in on the day; badges, ICS calendars and
// attendance statistics.
//
// Every rule lives here, so that the pages, the API and the command line
// cannot disagree: who sees which event (public, members, invitation),
// who may register, and that confirmed registrations never exceed an
// event's capacity, even when many people register at the same moment.
package events

import (
	"errors"
	"strings"
	"time"
)

// The types of event.
const (
	TypeCommittee       = "committee"        // sector committee
	TypeWorkingGroup    = "working_group"    // working group
	TypeScientific      = "scientific"       // scientific meeting
	TypeNetworkPitch    = "network_pitch"    // 3-5 companies pitch to the network
	TypeWebinar         = "webinar"          // online
	TypeCongress        = "congress"         // with exhibitors and business meetings
	TypeHackathon       = "hackathon"        // yearly
	TypeSiteVisit       = "site_visit"       // visit of a member's site
	TypeBootcamp        = "bootcamp"         // accelerator bootcamp
	TypeNewMembers      = "new_members"      // new-members session
	TypeGeneralAssembly = "general_assembly" // the association's general assembly
)

// Types lists the types of event in display order.
var Types = []string{TypeCommittee, TypeWorkingGroup, TypeScientific, TypeNetworkPitch, TypeWebinar, TypeCongress,
	TypeHackathon, TypeSiteVisit, TypeBootcamp, TypeNewMembers, TypeGeneralAssembly}

// TypeKey is the i18n key of a type's label.
func TypeKey(t string) string { return "events.type." + t }

// Who an event is for.
const (
	AudiencePublic     = "public"     // anyone sees it and may register
	AudienceMembers    = "members"    // seen by and open to member organisations' people only
	AudienceInvitation = "invitation" // registrations are added by staff; seen by staff and the invited
)

// Audiences lists the audiences in display order.
var Audiences = []string{AudiencePublic, AudienceMembers, AudienceInvitation}

// AudienceKey is the i18n key of an audience's label.
func AudienceKey(a string) string { return "events.audience." + a }

// The statuses of an event.
const (
	StatusDraft     = "draft"     // staff only
	StatusPublished = "published" // seen by its audience; registrations open in the window
	StatusCancelled = "cancelled" // still seen, marked cancelled; registrants were told
)

// Statuses lists the statuses of an event.
var Statuses = []string{StatusDraft, StatusPublished, StatusCancelled}

// StatusKey is the i18n key of an event status's label.
func StatusKey(s string) string { return "events.status." + s }

// Event is one event of the agenda. Times are in UTC; they are entered and
// shown in Europe/Paris.
type Event struct {
	ID            int64
	Type          string
	Status        string
	Audience      string
	TitleFR       string
	TitleEN       string // optional, TitleFR is shown when empty
	DescriptionFR string
	DescriptionEN string
	Sectors       []string // taxonomy sector codes, in taxonomy order
	Start, End    time.Time
	Venue         string // the venue's name, e.g. "Palais des congrès"
	Address       string
	City          string
	OnlineURL     string // the link of an online (or hybrid) event
	Capacity      int    // confirmed places; 0 for unlimited
	// Prices in cents, 0 for free: the member price applies to people of
	// a member organisation at the time they register.
	PriceMember    int64
	PriceNonMember int64
	// The registration window; a zero RegistrationOpens means from
	// publication, a zero RegistrationCloses until the event starts.
	RegistrationOpens  time.Time
	RegistrationCloses time.Time
	Sequence           int // raised at each change, for calendar clients
	CreatedBy          int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
	PublishedAt        time.Time
	CancelledAt        time.Time
	CancelReason       string

	// Confirmed and Waiting count the registrations when the event was read.
	Confirmed int
	Waiting   int

	// The programme, filled by Service.Event (empty in lists).
	Sessions   []Session
	Exhibitors []Exhibitor
	Sponsors   []Sponsor
	Recordings []Recording
}

// Title is the title in lang, falling back to French.
func (e Event) Title(lang string) string {
	if lang == "en" && e.TitleEN != "" {
		return e.TitleEN
	}
	return e.TitleFR
}

// Description is the description in lang, falling back to the other one.
func (e Event) Description(lang string) string {
	if (lang == "en" && e.DescriptionEN != "") || e.DescriptionFR == "" {
		return e.DescriptionEN
	}
	return e.DescriptionFR
}

// Free reports whether the event costs nothing to anyone.
func (e Event) Free() bool { return e.PriceMember == 0 && e.PriceNonMember == 0 }

// Online reports whether the event has an online link.
func (e Event) Online() bool { return e.OnlineURL != "" }

// Place is the venue, address and city on one line ("" for an online-only
// event).
func (e Event) Place() string {
	var parts []string
	for _, p := range []string{e.Venue, e.Address, e.City} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// PlacesLeft is how many confirmed places remain, or -1 when the capacity
// is unlimited.
func (e Event) PlacesLeft() int {
	if e.Capacity == 0 {
		return -1
	}
	return max(e.Capacity-e.Confirmed, 0)
}

// Full reports whether new registrations go to the waiting list.
func (e Event) Full() bool { return e.Capacity > 0 && (e.Confirmed >= e.Capacity || e.Waiting > 0) }

// Started reports whether the event has begun at now.
func (e Event) Started(now time.Time) bool { return !now.Before(e.Start) }

// Ended reports whether the event is over at now.
func (e Event) Ended(now time.Time) bool { return !now.Before(e.End) }

// RegistrationOpen reports whether people may register by themselves at
// now: published, inside the registration window, not started.
func (e Event) RegistrationOpen(now time.Time) bool {
	if e.Status != StatusPublished || e.Started(now) {
		return false
	}
	if !e.RegistrationOpens.IsZero() && now.Before(e.RegistrationOpens) {
		return false
	}
	return e.RegistrationCloses.IsZero() || now.Before(e.RegistrationCloses)
}

// Session is one slot of an event's agenda.
type Session struct {
	ID         int64
	EventID    int64
	Title      string
	Start, End time.Time
	Room       string
	Speakers   []Speaker
}

// Speaker speaks at a session.
type Speaker struct {
	Name         string
	Organisation string
}

// SessionInput is what staff fill in for a session.
type SessionInput struct {
	Title      string
	Start, End time.Time
	Room       string
	Speakers   []Speaker
}

// Exhibitor is an organisation with a stand at an event.
type Exhibitor struct {
	OrganisationID int64
	Organisation   string // its name, when read
	Stand          string // e.g. "B12"
}

// The sponsorship levels, highest first.
const (
	LevelPlatinum = "platinum"
	LevelGold     = "gold"
	LevelSilver   = "silver"
	LevelBronze   = "bronze"
	LevelPartner  = "partner"
)

// Levels lists the sponsorship levels, highest first.
var Levels = []string{LevelPlatinum, LevelGold, LevelSilver, LevelBronze, LevelPartner}

// LevelKey is the i18n key of a sponsorship level's label.
func LevelKey(l string) string { return "events.level." + l }

// Sponsor is an organisation sponsoring an event.
type Sponsor struct {
	OrganisationID int64
	Organisation   string // its name, when read
	Level          string
	Stand          string // "" without a stand
}

// Recording is a recording of an event, put online after it.
type Recording struct {
	ID        int64
	EventID   int64
	Title     string
	URL       string
	CreatedAt time.Time
}

// ErrNotAllowed is returned when the caller may not do what they asked
// (the pages answer 403). Reading an event one may not see is
// db.ErrNotFound instead, so that its existence does not leak.
var ErrNotAllowed = errors.New("events: not allowed")

// ErrState is returned when a step does not fit the current state of the
// event or the registration (editing a cancelled event, checking in a
// person on the waiting list).
var ErrState = errors.New("events: not possible in the current state")

// ErrRateLimited is returned when registrations without an account came
// too often from the same address in the last hour.
var ErrRateLimited = errors.New("events: too many registrations from this address, try again later")

// PublicPerHour is how many registrations without an account one IP
// address may make per hour (each mails a confirmation link).
const PublicPerHour = 20
