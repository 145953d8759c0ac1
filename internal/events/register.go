package events

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

// Limits of a registrant's fields.
const maxEmail = 254

func normaliseRegistrant(in Registrant) Registrant {
	in.Name, in.Organisation = strings.Join(strings.Fields(in.Name), " "), strings.Join(strings.Fields(in.Organisation), " ")
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Lang = i18n.Lang(in.Lang)
	return in
}

// checkRegistrant validates a registrant without an account and fills
// the organisation's name from the directory when only its id is given.
func (s *Service) checkRegistrant(ctx context.Context, in *Registrant) error {
	var errs validate.Errors
	checkText(&errs, "name", in.Name, true, maxName)
	checkText(&errs, "organisation", in.Organisation, false, maxName)
	switch {
	case in.Email == "":
		errs.Add("email", "validate.required")
	case len(in.Email) > maxEmail || !validate.Email(in.Email):
		errs.Add("email", "validate.email")
	}
	if in.OrganisationID != 0 {
		o, err := s.dir.Organisation(ctx, in.OrganisationID)
		switch {
		case errors.Is(err, db.ErrNotFound):
			errs.Add("organisation_id", "events.unknown_organisation")
		case err != nil:
			return fmt.Errorf("events: registrant: %w", err)
		case in.Organisation == "":
			in.Organisation = o.Name
		}
	}
	return errs.Err()
}

// pricing says whether orgID is a member organisation now and the price
// that applies.
func (s *Service) pricing(ctx context.Context, e Event, orgID int64) (bool, int64, error) {
	member := false
	if orgID != 0 {
		o, err := s.dir.Organisation(ctx, orgID)
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return false, 0, fmt.Errorf("events: pricing: %w", err)
		}
		member = err == nil && o.Membership == directory.Member
	}
	if member {
		return true, e.PriceMember, nil
	}
	return false, e.PriceNonMember, nil
}

// defaultCategory is the badge category the rules give: staff for the
// cluster's team, speaker for a person named on the agenda, exhibitor for
// a person of an exhibiting or sponsoring organisation.
func defaultCategory(ctx context.Context, q db.Querier, eventID int64, r Registration, team bool) (string, error) {
	if team {
		return CategoryStaff, nil
	}
	rows, err := q.Query(ctx, `SELECT sp.name FROM event_speakers sp JOIN event_sessions ss ON ss.id = sp.session_id
		WHERE ss.event_id = ?`, eventID)
	if err != nil {
		return "", err
	}
	name := textsearch.Fold(r.Name)
	speaker := false
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return "", err
		}
		speaker = speaker || textsearch.Fold(n) == name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	if speaker {
		return CategorySpeaker, nil
	}
	if r.OrganisationID != 0 {
		var n int
		if err := q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM event_exhibitors WHERE event_id = ? AND organisation_id = ?)
			+ (SELECT COUNT(*) FROM event_sponsors WHERE event_id = ? AND organisation_id = ?)`,
			eventID, r.OrganisationID, eventID, r.OrganisationID).Scan(&n); err != nil {
			return "", err
		}
		if n > 0 {
			return CategoryExhibitor, nil
		}
	}
	return CategoryParticipant, nil
}

// counts returns the event's confirmed and waiting registrations, read in
// the transaction that holds the event's lock.
func counts(ctx context.Context, q db.Querier, eventID int64) (confirmed, waiting int, err error) {
	err = q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM event_registrations WHERE event_id = ? AND status = 'confirmed'),
		(SELECT COUNT(*) FROM event_registrations WHERE event_id = ? AND status = 'waiting')`, eventID, eventID).Scan(&confirmed, &waiting)
	return confirmed, waiting, err
}

// place gives r a place, or puts it on the waiting list when the event is
// full or others wait already; override (staff) confirms beyond the
// capacity. The event's lock must be held.
func (s *Service) place(ctx context.Context, tx *db.Tx, e Event, r *Registration, override bool) error {
	confirmed, waiting, err := counts(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	now := s.stamp()
	r.RegisteredAt = now
	if e.Capacity == 0 || override || (confirmed < e.Capacity && waiting == 0) {
		r.Status, r.ConfirmedAt = RegConfirmed, now
		r.OverCapacity = override && e.Capacity > 0 && confirmed >= e.Capacity
		if r.Price > 0 && r.InvoiceStatus == "" {
			r.InvoiceStatus = InvoiceToInvoice
		}
		return nil
	}
	r.Status = RegWaiting
	r.Position = waiting + 1
	return nil
}

func insertRegistration(ctx context.Context, tx *db.Tx, r *Registration) error {
	r.search = textsearch.Fold(r.Name + " " + r.Organisation + " " + r.Email)
	err := tx.QueryRow(ctx, `INSERT INTO event_registrations (event_id, user_id, organisation_id, name, email, organisation,
		lang, status, category, source, member, price, invoice_status, over_capacity, search, created_at, registered_at,
		confirmed_at, cancelled_at, cancelled_by, present_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.EventID, nullInt(r.UserID), nullInt(r.OrganisationID), r.Name, r.Email, r.Organisation, r.Lang, r.Status,
		r.Category, r.Source, boolInt(r.Member), r.Price, r.InvoiceStatus, boolInt(r.OverCapacity), r.search, r.CreatedAt,
		nullTime(r.RegisteredAt), nullTime(r.ConfirmedAt), nullTime(r.CancelledAt), r.CancelledBy, nullTime(r.PresentAt)).Scan(&r.ID)
	if db.IsUniqueViolation(err) {
		return validate.NewMessage("events.already_registered")
	}
	return err
}

func updateRegistration(ctx context.Context, q db.Querier, r Registration) error {
	_, err := q.Exec(ctx, `UPDATE event_registrations SET user_id = ?, organisation_id = ?, name = ?, email = ?,
		organisation = ?, lang = ?, status = ?, category = ?, member = ?, price = ?, invoice_status = ?, over_capacity = ?,
		search = ?, registered_at = ?, confirmed_at = ?, cancelled_at = ?, cancelled_by = ?, present_at = ? WHERE id = ?`,
		nullInt(r.UserID), nullInt(r.OrganisationID), r.Name, r.Email, r.Organisation, r.Lang, r.Status, r.Category,
		boolInt(r.Member), r.Price, r.InvoiceStatus, boolInt(r.OverCapacity),
		textsearch.Fold(r.Name+" "+r.Organisation+" "+r.Email), nullTime(r.RegisteredAt), nullTime(r.ConfirmedAt),
		nullTime(r.CancelledAt), r.CancelledBy, nullTime(r.PresentAt), r.ID)
	return err
}

// closedMessage says why registrations are closed.
func closedMessage(e Event, now time.Time) error {
	if e.Status == StatusPublished && !e.Started(now) && !e.RegistrationOpens.IsZero() && now.Before(e.RegistrationOpens) {
		at := Local(e.RegistrationOpens)
		return validate.NewMessage("events.registration_not_open", at.Format("02/01/2006"), at.Format("15:04"))
	}
	return validate.NewMessage("events.registration_closed")
}

// Register registers a person to an event. Signed in (who), their account
// gives the name, e-mail and organisation, and the registration is
// confirmed at once (or waits for a place); without an account, in gives
// them and the registration waits for the e-mail address to be confirmed
// through the link mailed to it. Members' events take people of member
// organisations only; invitation events take no registrations but
// staff's. The member price applies to people of member organisations.
// Registering again while a previous registration waits for its e-mail
// confirmation mails the link again.
func (s *Service) Register(ctx context.Context, who *auth.User, eventID int64, in Registrant) (Registration, error) {
	if err := s.ready(); err != nil {
		return Registration{}, err
	}
	v, err := s.viewerOf(ctx, who)
	if err != nil {
		return Registration{}, err
	}
	e, err := s.visibleEvent(ctx, v, eventID)
	if err != nil {
		return Registration{}, err
	}
	r := Registration{EventID: eventID, Source: SourceSelf, CreatedAt: s.stamp()}
	if v.user != nil {
		r.UserID, r.Name, r.Email, r.Lang = v.user.ID, v.user.Name, strings.ToLower(v.user.Email), i18n.Lang(v.user.Lang)
		r.OrganisationID, r.Organisation = v.orgID, v.org
	} else {
		in = normaliseRegistrant(in)
		if err := s.checkRegistrant(ctx, &in); err != nil {
			return Registration{}, err
		}
		if ip := audit.ActorFrom(ctx).IP; ip != "" {
			var k int
			if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'event_registration' AND action = 'create' AND actor_id IS NULL AND ip = ? AND at > ?",
				ip, audit.Now().Add(-time.Hour)).Scan(&k); err != nil {
				return Registration{}, fmt.Errorf("events: register: %w", err)
			}
			if k >= PublicPerHour {
				return Registration{}, ErrRateLimited
			}
		}
		r.Name, r.Email, r.Lang, r.OrganisationID, r.Organisation = in.Name, in.Email, in.Lang, in.OrganisationID, in.Organisation
	}
	if prev, found, err := activeByEmail(ctx, s.db, eventID, r.Email); err != nil {
		return Registration{}, err
	} else if found && prev.Status != RegPending {
		return Registration{}, validate.NewMessage("events.already_registered")
	}
	switch e.Audience {
	case AudienceMembers:
		if !v.member && !v.staff {
			return Registration{}, validate.NewMessage("events.members_only")
		}
	case AudienceInvitation:
		if !v.staff {
			return Registration{}, validate.NewMessage("events.invitation_only")
		}
	}
	if !e.RegistrationOpen(s.Now()) {
		return Registration{}, closedMessage(e, s.Now())
	}
	if r.Member, r.Price, err = s.pricing(ctx, e, r.OrganisationID); err != nil {
		return Registration{}, err
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		e, err := lockEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if !e.RegistrationOpen(s.Now()) {
			return closedMessage(e, s.Now())
		}
		prev, found, err := activeByEmail(ctx, tx, eventID, r.Email)
		if err != nil {
			return err
		}
		if found && prev.Status != RegPending {
			return validate.NewMessage("events.already_registered")
		}
		if found && r.UserID == 0 {
			r = prev
			return s.mailConfirmLink(ctx, tx, e, r)
		}
		if found {
			// Signed in now with the address a pending registration used:
			// the account confirms it.
			before := prev
			prev.UserID, prev.Name, prev.Lang, prev.OrganisationID, prev.Organisation = r.UserID, r.Name, r.Lang, r.OrganisationID, r.Organisation
			prev.Member, prev.Price = r.Member, r.Price
			r = prev
			if err := s.place(ctx, tx, e, &r, false); err != nil {
				return err
			}
			if err := updateRegistration(ctx, tx, r); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, "event_registration", r.ID, "confirm", before, r); err != nil {
				return err
			}
			return s.mailPlaced(ctx, tx, e, r)
		}
		if r.Category, err = defaultCategory(ctx, tx, eventID, r, v.staff); err != nil {
			return err
		}
		if r.UserID != 0 {
			if err := s.place(ctx, tx, e, &r, false); err != nil {
				return err
			}
		} else {
			r.Status = RegPending
		}
		if err := insertRegistration(ctx, tx, &r); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "event_registration", r.ID, "create", nil, r); err != nil {
			return err
		}
		if r.Status == RegPending {
			return s.mailConfirmLink(ctx, tx, e, r)
		}
		return s.mailPlaced(ctx, tx, e, r)
	})
	if err != nil {
		return Registration{}, fmt.Errorf("events: register: %w", err)
	}
	return r, nil
}

// Confirm confirms a registration's e-mail address from the link mailed
// to it: the registration gets a place, or a place on the waiting list.
// Confirming twice is fine.
func (s *Service) Confirm(ctx context.Context, token string) (Registration, error) {
	if err := s.ready(); err != nil {
		return Registration{}, err
	}
	id, ok := s.checkToken(token, "confirm")
	if !ok {
		return Registration{}, db.ErrNotFound
	}
	r, err := getRegistration(ctx, s.db, id)
	if err != nil {
		return Registration{}, err
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		e, err := lockEvent(ctx, tx, r.EventID)
		if err != nil {
			return err
		}
		if r, err = getRegistration(ctx, tx, id); err != nil {
			return err
		}
		switch r.Status {
		case RegCancelled:
			return ErrState
		case RegConfirmed, RegWaiting:
			return nil
		}
		if e.Status != StatusPublished || e.Started(s.Now()) {
			return validate.NewMessage("events.registration_closed")
		}
		before := r
		if err := s.place(ctx, tx, e, &r, false); err != nil {
			return err
		}
		if err := updateRegistration(ctx, tx, r); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "event_registration", r.ID, "confirm", before, r); err != nil {
			return err
		}
		return s.mailPlaced(ctx, tx, e, r)
	})
	if err != nil {
		return Registration{}, fmt.Errorf("events: confirm: %w", err)
	}
	return r, nil
}

// AddRegistration registers someone on staff's behalf: whatever the
// audience and the registration window, confirmed at once, or on the
// waiting list when the event is full unless in.OverCapacity says to go
// beyond the capacity. A registration waiting for its e-mail confirmation
// is confirmed.
func (s *Service) AddRegistration(ctx context.Context, eventID int64, in StaffRegistration) (Registration, error) {
	if err := s.ready(); err != nil {
		return Registration{}, err
	}
	r := Registration{EventID: eventID, Source: SourceStaff, CreatedAt: s.stamp()}
	team := false
	if in.UserID != 0 {
		u, err := s.users.UserByID(ctx, in.UserID)
		if errors.Is(err, db.ErrNotFound) || (err == nil && u.Disabled) {
			var errs validate.Errors
			errs.Add("user_id", "events.unknown_user")
			return Registration{}, errs
		}
		if err != nil {
			return Registration{}, fmt.Errorf("events: add registration: %w", err)
		}
		v, err := s.viewerOf(ctx, &u)
		if err != nil {
			return Registration{}, err
		}
		r.UserID, r.Name, r.Email, r.Lang, r.OrganisationID, r.Organisation = u.ID, u.Name, strings.ToLower(u.Email), i18n.Lang(u.Lang), v.orgID, v.org
		team = v.staff
	} else {
		reg := normaliseRegistrant(in.Registrant)
		if err := s.checkRegistrant(ctx, &reg); err != nil {
			return Registration{}, err
		}
		r.Name, r.Email, r.Lang, r.OrganisationID, r.Organisation = reg.Name, reg.Email, reg.Lang, reg.OrganisationID, reg.Organisation
	}
	if in.Category != "" && !slices.Contains(Categories, in.Category) {
		var errs validate.Errors
		errs.Add("category", "validate.choice")
		return Registration{}, errs
	}
	// The price is read before the transaction: reading the directory
	// inside it would take a second connection while holding the event's
	// lock.
	pre, err := getEvent(ctx, s.db, eventID)
	if err != nil {
		return Registration{}, err
	}
	if r.Member, r.Price, err = s.pricing(ctx, pre, r.OrganisationID); err != nil {
		return Registration{}, err
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		e, err := lockEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if e.Status == StatusCancelled {
			return ErrState
		}
		prev, found, err := activeByEmail(ctx, tx, eventID, r.Email)
		if err != nil {
			return err
		}
		if found && prev.Status != RegPending {
			return validate.NewMessage("events.already_registered")
		}
		var before any
		if found {
			before = prev
			r.ID, r.CreatedAt = prev.ID, prev.CreatedAt
		}
		r.Category = in.Category
		if r.Category == "" {
			if r.Category, err = defaultCategory(ctx, tx, eventID, r, team); err != nil {
				return err
			}
		}
		if err := s.place(ctx, tx, e, &r, in.OverCapacity); err != nil {
			return err
		}
		if found {
			err = updateRegistration(ctx, tx, r)
		} else {
			err = insertRegistration(ctx, tx, &r)
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "event_registration", r.ID, "add", before, r); err != nil {
			return err
		}
		if e.Ended(s.Now()) {
			return nil // recorded afterwards: nothing to tell
		}
		return s.mailPlaced(ctx, tx, e, r)
	})
	if err != nil {
		return Registration{}, fmt.Errorf("events: add registration: %w", err)
	}
	return r, nil
}
