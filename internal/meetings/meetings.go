// Package meetings schedules one-to-one business meetings at an event: it
// assigns accepted requests to a slot and a table so that the total weight
// of the meetings held is as large as it can find, and proves how far that is
// from the best possible with an upper bound from a relaxation.
//
// The rules: slots are numbered 0..Slots-1 and each has Tables tables
// numbered 1..Tables. A person meets at most one person per slot, only in
// their available slots, and at most MaxMeetings times when that is set. A
// meeting involving a stand-holder takes place at the stand and uses no table
// (table 0); any other meeting takes a table of its slot. A requested pair
// meets at most once. Fixed meetings (already sent to the participants) stay
// exactly where they are; each must be a requested pair.
//
// The package touches no database: the events domain feeds it its
// participants and accepted requests, and the command filiere meetings
// schedule feeds it a JSON file in the same shape as Problem.
package meetings

import "filiere/internal/i18n"

// Limits on a problem, so a mistyped file cannot ask for absurd memory.
const (
	MaxSlots  = 1000
	MaxTables = 100000
	MaxWeight = 1000000
)

// Problem is one event's scheduling input.
type Problem struct {
	Slots        int           `json:"slots"`
	Tables       int           `json:"tables"`
	Participants []Participant `json:"participants"`
	Requests     []Request     `json:"requests"`
	Fixed        []Meeting     `json:"fixed,omitempty"`
}

// Participant is a person who opted in to the meetings.
type Participant struct {
	ID          string `json:"id"`
	Available   []int  `json:"available"`
	Stand       bool   `json:"stand"`                  // meets at their own stand: no table used
	MaxMeetings int    `json:"max_meetings,omitempty"` // 0: no limit
}

// Request is an accepted request for a meeting between A and B (the order
// does not matter). Weight is its priority, at least 1; Decode defaults it
// to 1 when the file omits it.
type Request struct {
	A      string `json:"a"`
	B      string `json:"b"`
	Weight int    `json:"weight"`
}

// Meeting is a scheduled (or fixed) meeting. Table is 0 for a meeting at a
// stand. In a Schedule, A and B are in the order of their request.
type Meeting struct {
	A     string `json:"a"`
	B     string `json:"b"`
	Slot  int    `json:"slot"`
	Table int    `json:"table"`
	Fixed bool   `json:"fixed,omitempty"` // in a Schedule: kept from Problem.Fixed
}

// Reason says why a request was not scheduled. The codes are stable: other
// programs may rely on them.
type Reason string

// The reasons, checked in this order: the first that holds is given.
const (
	// The two participants share no available slot.
	NoCommonSlot Reason = "no_common_slot"
	// One participant (Unscheduled.Participant) has reached their maximum.
	MaxReached Reason = "max_reached"
	// In every common slot where both are free, every table is taken.
	TablesFull Reason = "tables_full"
	// In every common available slot, one of the two already has a meeting.
	NoFreeSlot Reason = "no_free_slot"
)

// Unscheduled is a request the schedule does not hold, with why.
type Unscheduled struct {
	A      string `json:"a"`
	B      string `json:"b"`
	Weight int    `json:"weight"`
	Reason Reason `json:"reason"`
	// Participant is who reached their maximum, for MaxReached.
	Participant string `json:"participant,omitempty"`
	// Message is the reason as a sentence in English; Text gives it in
	// another language.
	Message string `json:"message"`

	limit int // the maximum, for MaxReached
	slots int // common available slots, for NoFreeSlot
}

// Text returns the reason as a sentence in lang ("fr" or "en").
func (u Unscheduled) Text(lang string) string {
	key := "meetings.reason." + string(u.Reason)
	switch u.Reason {
	case MaxReached:
		return i18n.T(lang, key, u.Participant, u.limit)
	case NoFreeSlot:
		return i18n.T(lang, key, u.A, u.B, u.slots)
	}
	return i18n.T(lang, key)
}

// Schedule is the scheduler's answer.
type Schedule struct {
	// Meetings sorted by slot, then table, then request order.
	Meetings []Meeting `json:"meetings"`
	// Unscheduled requests in the order of Problem.Requests.
	Unscheduled []Unscheduled `json:"unscheduled"`
	Scheduled   int           `json:"scheduled"` // len(Meetings)
	Weight      int           `json:"weight"`    // total weight of Meetings
	// UpperBound is at least the weight of the best possible schedule: the
	// schedule is optimal when Weight equals it.
	UpperBound int `json:"upper_bound"`
}

// Options tune the solver. The zero value is the default.
type Options struct {
	// Seed of the local search: the same problem and seed always give the
	// same schedule (on one architecture: floating point may round
	// differently on another).
	Seed uint64
	// Effort scales the work budgets of the relaxation and the local search
	// (1 by default). The solver stops earlier when the schedule reaches the
	// upper bound, which proves it optimal.
	Effort float64
}
