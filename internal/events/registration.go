package events

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// The statuses of a registration.
const (
	RegPending   = "pending"   // waits for the registrant to confirm their e-mail address; holds no place
	RegConfirmed = "confirmed" // has a place
	RegWaiting   = "waiting"   // on the waiting list, promoted in turn when a place frees
	RegCancelled = "cancelled"
)

// RegistrationStatuses lists the statuses of a registration.
var RegistrationStatuses = []string{RegConfirmed, RegWaiting, RegPending, RegCancelled}

// RegistrationStatusKey is the i18n key of a registration status's label.
func RegistrationStatusKey(s string) string { return "events.registration." + s }

// The categories printed on badges.
const (
	CategoryParticipant = "participant"
	CategorySpeaker     = "speaker"
	CategoryExhibitor   = "exhibitor"
	CategoryStaff       = "staff"
)

// Categories lists the badge categories.
var Categories = []string{CategoryParticipant, CategorySpeaker, CategoryExhibitor, CategoryStaff}

// CategoryKey is the i18n key of a category's label.
func CategoryKey(c string) string { return "events.category." + c }

// The invoicing statuses of a registration to a paid event (there is no
// card payment: staff invoice and record what happened).
const (
	InvoiceToInvoice = "to_invoice"
	InvoiceInvoiced  = "invoiced"
	InvoicePaid      = "paid"
	InvoiceWaived    = "waived"
)

// InvoiceStatuses lists the invoicing statuses; a free registration has
// none ("").
var InvoiceStatuses = []string{InvoiceToInvoice, InvoiceInvoiced, InvoicePaid, InvoiceWaived}

// InvoiceKey is the i18n key of an invoicing status's label.
func InvoiceKey(s string) string { return "events.invoice." + s }

// Who made a registration.
const (
	SourceSelf  = "self"
	SourceStaff = "staff"
)

// Registration is a person's registration to an event.
type Registration struct {
	ID             int64
	EventID        int64
	UserID         int64 // 0 when registered without an account
	OrganisationID int64 // their organisation in the directory, 0 when unknown
	Name           string
	Email          string
	Organisation   string // the organisation's name as shown on the badge
	Lang           string // the language of the mails
	Status         string
	Category       string
	Source         string
	Member         bool  // their organisation was a member when they registered
	Price          int64 // cents: the member or non-member price applied
	InvoiceStatus  string
	OverCapacity   bool // staff confirmed it beyond the capacity
	CreatedAt      time.Time
	RegisteredAt   time.Time // when it took effect (e-mail confirmed); zero while pending
	ConfirmedAt    time.Time // when it got a place
	CancelledAt    time.Time
	CancelledBy    string // SourceSelf or SourceStaff
	PresentAt      time.Time
	// Position is the place on the waiting list (1 for the next one
	// promoted), when waiting; filled by the reads.
	Position int

	search string
}

// Present reports whether the registrant was checked in.
func (r Registration) Present() bool { return !r.PresentAt.IsZero() }

// Registrant is a person registering without an account (or entered by
// staff).
type Registrant struct {
	Name, Email    string
	Organisation   string
	OrganisationID int64 // their organisation in the directory, when they chose it
	Lang           string
}

// StaffRegistration is a registration staff add.
type StaffRegistration struct {
	Registrant
	UserID       int64  // an account to register: its name, e-mail, language and organisation are used
	Category     string // "" for the category the rules give
	OverCapacity bool   // confirm even when the event is full
}

const regColumns = `r.id, r.event_id, r.user_id, r.organisation_id, r.name, r.email, r.organisation, r.lang, r.status,
	r.category, r.source, r.member, r.price, r.invoice_status, r.over_capacity, r.search, r.created_at, r.registered_at,
	r.confirmed_at, r.cancelled_at, r.cancelled_by, r.present_at`

func scanRegistration(sc scanner) (Registration, error) {
	var r Registration
	var user, org sql.NullInt64
	var member, over int
	var registered, confirmed, cancelled, present sql.NullTime
	err := sc.Scan(&r.ID, &r.EventID, &user, &org, &r.Name, &r.Email, &r.Organisation, &r.Lang, &r.Status,
		&r.Category, &r.Source, &member, &r.Price, &r.InvoiceStatus, &over, &r.search, &r.CreatedAt, &registered,
		&confirmed, &cancelled, &r.CancelledBy, &present)
	if err != nil {
		return Registration{}, err
	}
	r.UserID, r.OrganisationID, r.Member, r.OverCapacity = user.Int64, org.Int64, member == 1, over == 1
	r.RegisteredAt, r.ConfirmedAt, r.CancelledAt, r.PresentAt = registered.Time, confirmed.Time, cancelled.Time, present.Time
	for _, t := range []*time.Time{&r.CreatedAt, &r.RegisteredAt, &r.ConfirmedAt, &r.CancelledAt, &r.PresentAt} {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	return r, nil
}

// listRegistrations reads the registrations matching cond: confirmed
// first, then the waiting list in its order, pending, cancelled. The
// waiting ones get their Position.
func listRegistrations(ctx context.Context, q db.Querier, cond string, args ...any) ([]Registration, error) {
	rows, err := q.Query(ctx, "SELECT "+regColumns+" FROM event_registrations r WHERE "+cond+
		" ORDER BY r.event_id, CASE r.status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END,"+
		" r.registered_at, r.created_at, r.id", args...)
	if err != nil {
		return nil, fmt.Errorf("events: read registrations: %w", err)
	}
	defer rows.Close()
	var out []Registration
	waiting := map[int64]bool{}
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, fmt.Errorf("events: read registrations: %w", err)
		}
		waiting[r.EventID] = waiting[r.EventID] || r.Status == RegWaiting
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// Positions count every waiting registration of the event, also those
	// cond left out.
	for eventID, has := range waiting {
		if !has {
			continue
		}
		pos, err := waitingList(ctx, q, eventID)
		if err != nil {
			return nil, err
		}
		for i := range out {
			if out[i].EventID == eventID && out[i].Status == RegWaiting {
				out[i].Position = pos[out[i].ID]
			}
		}
	}
	return out, nil
}

// waitingList maps the event's waiting registrations to their place on
// the list, 1 for the next one promoted.
func waitingList(ctx context.Context, q db.Querier, eventID int64) (map[int64]int, error) {
	rows, err := q.Query(ctx, "SELECT id FROM event_registrations WHERE event_id = ? AND status = 'waiting' ORDER BY registered_at, id", eventID)
	if err != nil {
		return nil, fmt.Errorf("events: waiting list: %w", err)
	}
	defer rows.Close()
	pos := map[int64]int{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("events: waiting list: %w", err)
		}
		pos[id] = len(pos) + 1
	}
	return pos, rows.Err()
}

func getRegistration(ctx context.Context, q db.Querier, id int64) (Registration, error) {
	list, err := listRegistrations(ctx, q, "r.id = ?", id)
	if err != nil {
		return Registration{}, err
	}
	if len(list) == 0 {
		return Registration{}, db.ErrNotFound
	}
	return list[0], nil
}

// activeByEmail is the registration of email to the event that is not
// cancelled, if any.
func activeByEmail(ctx context.Context, q db.Querier, eventID int64, email string) (Registration, bool, error) {
	list, err := listRegistrations(ctx, q, "r.event_id = ? AND r.email = ? AND r.status <> 'cancelled'", eventID, email)
	if err != nil || len(list) == 0 {
		return Registration{}, false, err
	}
	return list[0], true, nil
}

// RegistrationByToken returns the registration a registrant's own link
// names.
func (s *Service) RegistrationByToken(ctx context.Context, token string) (Registration, error) {
	id, ok := s.checkToken(token, "manage")
	if !ok {
		return Registration{}, db.ErrNotFound
	}
	return getRegistration(ctx, s.db, id)
}

// Registration returns one registration (staff).
func (s *Service) Registration(ctx context.Context, id int64) (Registration, error) {
	return getRegistration(ctx, s.db, id)
}

// RegistrationOf returns who's registration to an event that is not
// cancelled; db.ErrNotFound when there is none.
func (s *Service) RegistrationOf(ctx context.Context, who *auth.User, eventID int64) (Registration, error) {
	if who == nil {
		return Registration{}, db.ErrNotFound
	}
	list, err := listRegistrations(ctx, s.db, "r.event_id = ? AND r.status <> 'cancelled' AND (r.user_id = ? OR r.email = ?)",
		eventID, who.ID, strings.ToLower(who.Email))
	if err != nil {
		return Registration{}, err
	}
	if len(list) == 0 {
		return Registration{}, db.ErrNotFound
	}
	return list[0], nil
}

// RegistrationFilter selects an event's registrations; zero fields match
// everything.
type RegistrationFilter struct {
	Status   string
	Category string
}

// Registrations returns an event's registrations (staff): confirmed, then
// the waiting list in order, then pending and cancelled ones.
func (s *Service) Registrations(ctx context.Context, eventID int64, f RegistrationFilter) ([]Registration, error) {
	cond, args := "r.event_id = ?", []any{eventID}
	if f.Status != "" {
		cond, args = cond+" AND r.status = ?", append(args, f.Status)
	}
	if f.Category != "" {
		cond, args = cond+" AND r.category = ?", append(args, f.Category)
	}
	return listRegistrations(ctx, s.db, cond, args...)
}

// Booking is one of a user's registrations with its event.
type Booking struct {
	Event        Event
	Registration Registration
}

// UserRegistrations returns the registrations of a user's account that
// are not cancelled, soonest event first.
func (s *Service) UserRegistrations(ctx context.Context, userID int64) ([]Booking, error) {
	regs, err := listRegistrations(ctx, s.db, "r.user_id = ? AND r.status <> 'cancelled'", userID)
	if err != nil {
		return nil, err
	}
	var out []Booking
	for _, r := range regs {
		e, err := getEvent(ctx, s.db, r.EventID)
		if err != nil {
			return nil, err
		}
		out = append(out, Booking{Event: e, Registration: r})
	}
	slices.SortStableFunc(out, func(a, b Booking) int { return a.Event.Start.Compare(b.Event.Start) })
	return out, nil
}

// SetCategory changes the category printed on a registrant's badge
// (staff).
func (s *Service) SetCategory(ctx context.Context, id int64, category string) (Registration, error) {
	if !slices.Contains(Categories, category) {
		var errs validate.Errors
		errs.Add("category", "validate.choice")
		return Registration{}, errs
	}
	return s.change(ctx, id, "category", func(r *Registration) error {
		r.Category = category
		return nil
	})
}

// SetInvoiceStatus records where the invoicing of a paid registration
// stands (staff).
func (s *Service) SetInvoiceStatus(ctx context.Context, id int64, status string) (Registration, error) {
	if !slices.Contains(InvoiceStatuses, status) {
		var errs validate.Errors
		errs.Add("invoice_status", "validate.choice")
		return Registration{}, errs
	}
	return s.change(ctx, id, "invoice", func(r *Registration) error {
		if r.Price == 0 {
			return validate.NewMessage("events.free_registration")
		}
		r.InvoiceStatus = status
		return nil
	})
}

// change applies fn to a registration and records it.
func (s *Service) change(ctx context.Context, id int64, action string, fn func(*Registration) error) (Registration, error) {
	var r Registration
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if r, err = getRegistration(ctx, tx, id); err != nil {
			return err
		}
		before := r
		if err := fn(&r); err != nil {
			return err
		}
		if err := updateRegistration(ctx, tx, r); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event_registration", r.ID, action, before, r)
	})
	if err != nil {
		return Registration{}, fmt.Errorf("events: %s: %w", action, err)
	}
	return r, nil
}
