package meetings

// The programme: the business meetings of one event around the scheduler.
// Staff set the slots and tables; confirmed registrants opt in with a
// profile and their availability, browse each other and send requests;
// Schedule feeds the accepted ones to Solve and stores the meetings it
// places; Publish sends each person their agenda. Meetings already sent
// stay where they are when the schedule runs again, unless staff allow
// moving them.

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"filiere/internal/db"
	"filiere/internal/events"
	"filiere/internal/signed"
)

// Programme is the business-meeting programme of the events.
type Programme struct {
	db      *db.DB
	ev      *events.Service
	baseURL string
	// Now is the clock; tests move it.
	Now func() time.Time

	links *signed.Links
}

// NewProgramme returns the programme over the events service ev, mailing
// links under baseURL (e.g. https://filiere.example).
func NewProgramme(d *db.DB, ev *events.Service, baseURL string) *Programme {
	return &Programme{db: d, ev: ev, baseURL: strings.TrimSuffix(baseURL, "/"), Now: time.Now,
		links: signed.New(d, "meeting_settings")}
}

func (p *Programme) stamp() time.Time { return p.Now().UTC().Truncate(time.Microsecond) }

// ErrNotAllowed is returned when the caller may not do what they asked:
// answering a request sent to someone else, for instance (the pages
// answer 403).
var ErrNotAllowed = errors.New("meetings: not allowed")

// ErrState is returned when a step does not fit the current state: the
// event is cancelled, the request was answered already.
var ErrState = errors.New("meetings: not possible in the current state")

// ErrChanged is returned by Schedule when the requests kept changing while
// it ran: running it again is enough.
var ErrChanged = errors.New("meetings: the requests changed while scheduling, run it again")

// Limits of the programme's inputs.
const (
	MaxPriority   = 5    // a request's weight runs from 1 to MaxPriority
	maxText       = 2000 // an offer or a wish, in characters
	maxMessage    = 1000 // a request's message
	maxSlotMins   = 240
	maxSearchWord = 8
)

// Setup is an event's programme configuration (staff).
type Setup struct {
	EventID int64
	Enabled bool // participants may opt in and send requests
	Tables  int  // tables per slot
	// RequestDeadline is when participants stop sending requests and
	// opting in; zero for "until the event starts".
	RequestDeadline time.Time
	// AllowMoving lets Schedule move meetings already sent (by default
	// they stay where they are).
	AllowMoving bool
	// MaxMeetings is a person's maximum unless they set their own; 0 for
	// no limit.
	MaxMeetings int
	Slots       []Slot // in time order
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Slot is a time slot of the programme; meetings last the whole slot.
type Slot struct {
	ID      int64
	Index   int // its place in Setup.Slots, the scheduler's slot number
	Start   time.Time
	Minutes int
}

// End is when the slot ends.
func (s Slot) End() time.Time { return s.Start.Add(time.Duration(s.Minutes) * time.Minute) }

// Label is the slot's time of day in Europe/Paris: "09:00–09:20".
func (s Slot) Label() string {
	return events.Local(s.Start).Format("15:04") + "–" + events.Local(s.End()).Format("15:04")
}

// SetupInput is what staff fill in to configure an event's programme.
type SetupInput struct {
	Enabled         bool
	Tables          int
	RequestDeadline time.Time
	AllowMoving     bool
	MaxMeetings     int
	// Slots replace the event's slots: a slot with the same start as an
	// existing one keeps it (and the meetings in it).
	Slots []SlotInput
}

// SlotInput is one slot to configure.
type SlotInput struct {
	Start   time.Time
	Minutes int
}

// SlotRun returns count back-to-back slots of minutes each from start:
// for a break, list two runs.
func SlotRun(start time.Time, count, minutes int) []SlotInput {
	out := make([]SlotInput, 0, max(count, 0))
	for i := range count {
		out = append(out, SlotInput{Start: start.Add(time.Duration(i*minutes) * time.Minute), Minutes: minutes})
	}
	return out
}

// The statuses of an attendee.
const (
	AttendeeActive    = "active"
	AttendeeWithdrawn = "withdrawn"
)

// Person is an attendee as others see them in a request or a meeting.
type Person struct {
	AttendeeID     int64
	RegistrationID int64
	UserID         int64 // 0 without an account
	Name           string
	Organisation   string
	Email          string
	Lang           string // the language of their mails
	Stand          bool   // their organisation exhibits: they meet at its stand
	StandLabel     string // e.g. "B12"
}

// Attendee is a registrant who opted in to the meetings.
type Attendee struct {
	Person
	EventID        int64
	OrganisationID int64
	Offer          string // what they offer
	Seeking        string // what they look for
	ProfileLang    string // the language the profile is written in, "fr" or "en"
	MaxMeetings    int    // their own maximum, 0 for the event's
	AllSlots       bool   // available in every slot, else in Slots
	Slots          []int64
	Status         string
	// RegistrationStatus is the registration's: an attendee whose
	// registration is no longer confirmed takes no part.
	RegistrationStatus string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	WithdrawnAt        time.Time
}

// Active reports whether the attendee takes part: opted in with a
// confirmed registration.
func (a Attendee) Active() bool {
	return a.Status == AttendeeActive && a.RegistrationStatus == events.RegConfirmed
}

// Available reports whether the attendee is available in slot.
func (a Attendee) Available(slotID int64) bool {
	if a.AllSlots {
		return true
	}
	for _, id := range a.Slots {
		if id == slotID {
			return true
		}
	}
	return false
}

// Profile is what a participant fills in to opt in.
type Profile struct {
	Offer   string
	Seeking string
	Lang    string  // the profile's language, "fr" or "en"
	Slots   []int64 // the slots they are available in; empty for all
	// MaxMeetings is their own maximum, 0 for the event's.
	MaxMeetings int
}

// The statuses of a request.
const (
	RequestPending   = "pending"
	RequestAccepted  = "accepted"
	RequestDeclined  = "declined"
	RequestCancelled = "cancelled"
)

// RequestStatuses lists the statuses of a request.
var RequestStatuses = []string{RequestPending, RequestAccepted, RequestDeclined, RequestCancelled}

// RequestStatusKey is the i18n key of a request status's label.
func RequestStatusKey(s string) string { return "programme.request." + s }

// Who made a request.
const (
	SourceSelf  = "self"
	SourceStaff = "staff"
)

// MeetingRequest is a request from one attendee to meet another.
type MeetingRequest struct {
	ID          int64
	EventID     int64
	From, To    Person // From asked, To answers
	Message     string
	Status      string
	Weight      int // the priority staff give it, 1 to MaxPriority
	Source      string
	CreatedAt   time.Time
	AnsweredAt  time.Time
	CancelledAt time.Time
}

// Other is the side of the request that is not attendeeID.
func (r MeetingRequest) Other(attendeeID int64) Person {
	if r.From.AttendeeID == attendeeID {
		return r.To
	}
	return r.From
}

// The statuses of a meeting, as Appointment.Status gives them.
const (
	StatusDraft     = "draft"     // placed, not sent yet
	StatusSent      = "sent"      // sent to both, as it stands
	StatusChanged   = "changed"   // sent, then moved: the move is sent at the next publication
	StatusCancelled = "cancelled" // cancelled after it was sent
)

// StatusKey is the i18n key of a meeting status's label.
func StatusKey(s string) string { return "programme.status." + s }

// The outcomes marked on the day.
const (
	OutcomeNone      = ""
	OutcomeHeld      = "held"
	OutcomeNoShowA   = "no_show_a"    // the one who asked did not come
	OutcomeNoShowB   = "no_show_b"    // the one asked did not come
	OutcomeNoShowAll = "no_show_both" // neither came
	OutcomeCancelled = "cancelled"    // called off on the day
)

// Outcomes lists the outcomes staff mark.
var Outcomes = []string{OutcomeHeld, OutcomeNoShowA, OutcomeNoShowB, OutcomeNoShowAll, OutcomeCancelled}

// OutcomeKey is the i18n key of an outcome's label.
func OutcomeKey(o string) string { return "programme.outcome." + o }

// Appointment is a meeting: an accepted request placed in a slot, at a
// table or at a stand. A is who asked, B who was asked.
type Appointment struct {
	ID        int64
	EventID   int64
	RequestID int64
	A, B      Person
	Weight    int
	Slot      Slot
	Table     int    // 0 at a stand
	Stand     string // at a stand: whose (the organisation) and its label
	Status    string // StatusDraft, StatusSent, StatusChanged or StatusCancelled
	// SentSlot and SentTable are where the two were told to meet, once sent.
	SentSlot  Slot
	SentTable int
	Sequence  int // raised each time what was sent changes, for calendar clients
	Outcome   string
	Message   string // the request's message
	UpdatedAt time.Time
	SentAt    time.Time

	sentStatus string // what the two were told: "", "sent" or "cancelled"
}

// NoShow reports whether attendeeID was marked absent.
func (m Appointment) NoShow(attendeeID int64) bool {
	switch m.Outcome {
	case OutcomeNoShowAll:
		return attendeeID == m.A.AttendeeID || attendeeID == m.B.AttendeeID
	case OutcomeNoShowA:
		return attendeeID == m.A.AttendeeID
	case OutcomeNoShowB:
		return attendeeID == m.B.AttendeeID
	}
	return false
}

// The paths of the pages and files the mails link to; the web layer
// serves them.

// PagePath is an account holder's meetings page of an event: their
// profile, the others, their requests.
func PagePath(eventID int64) string { return "/events/" + strconv.FormatInt(eventID, 10) + "/meetings" }

// AgendaPath is an account holder's agenda of an event.
func AgendaPath(eventID int64) string { return PagePath(eventID) + "/agenda" }

// TokenPagePath is the meetings page a signed link opens, without an
// account.
func TokenPagePath(token string) string { return "/meetings/" + token }

// TokenAgendaPath is the agenda a signed link opens.
func TokenAgendaPath(token string) string { return "/meetings/" + token + "/agenda" }

// TokenICSPath is the agenda as an iCalendar file, by signed link (a
// calendar client can subscribe to it).
func TokenICSPath(token string) string { return "/meetings/" + token + "/agenda.ics" }

// TokenPDFPath is the agenda as a PDF, by signed link.
func TokenPDFPath(token string) string { return "/meetings/" + token + "/agenda.pdf" }
