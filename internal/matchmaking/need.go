// Package matchmaking runs the cluster's business desk: a buyer posts a
// need, filiere ranks the directory's providers against it, staff review
// and validate a shortlist, each shortlisted provider accepts or declines,
// the buyer consents to the providers who accepted, and only then are both
// sides' contact details disclosed (the introduction). Afterwards each
// side reports the outcome, which the statistics add up.
//
// Every rule lives here, so that the pages, the API and the background
// sweep cannot disagree: who may read what (a provider never sees the other
// providers; an anonymous buyer stays hidden until the introduction;
// contacts only after both consents), nothing reaching providers before
// staff validate, deadlines, reminders and expiry.
package matchmaking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

// The statuses of a need.
const (
	StatusUnverified  = "unverified"  // posted from the public form, e-mail not confirmed yet
	StatusNew         = "new"         // in the staff's queue
	StatusShortlisted = "shortlisted" // shortlist validated, providers notified
	StatusClosed      = "closed"
)

// Statuses lists the statuses in workflow order.
var Statuses = []string{StatusUnverified, StatusNew, StatusShortlisted, StatusClosed}

// The channels a need comes in by.
const (
	ChannelWeb    = "web"    // a signed-in buyer
	ChannelPublic = "public" // the public form
	ChannelStaff  = "staff"  // staff entering it for a buyer (phone, trade fair)
	ChannelAPI    = "api"
)

// Need is a buyer's request for providers.
type Need struct {
	ID             int64
	Reference      string // e.g. B-2026-0042, what people quote on the phone
	Title          string
	Description    string
	Lang           string // the language the need is written in
	Sector         string
	Bricks         []string // technology bricks wanted
	Services       []string // services wanted, free text
	Certifications []string // required, valid, certifications
	Capacities     []directory.CapacityRange
	Region         string    // location constraint: a region…
	Near           string    // …or a city/postcode
	Km             int       // with a radius (directory.DefaultKm when 0)
	Quantities     string    // free text: "5,000 units a year"
	Deadline       time.Time // zero when none
	BudgetMin      int64     // cents, 0 when not given
	BudgetMax      int64
	Anonymous      bool // the buyer's identity stays hidden from providers until the introduction
	Status         string
	Channel        string
	BuyerUserID    int64
	BuyerOrgID     int64
	BuyerName      string
	BuyerEmail     string
	BuyerPhone     string
	BuyerCompany   string
	BuyerLang      string
	CreatedBy      int64
	ResponseDays   int // days providers have to answer once notified
	CreatedAt      time.Time
	UpdatedAt      time.Time
	VerifiedAt     time.Time
	ShortlistedAt  time.Time
	ClosedAt       time.Time
	CloseReason    string
}

// HasBudget reports whether the buyer gave a budget range.
func (n Need) HasBudget() bool { return n.BudgetMin > 0 || n.BudgetMax > 0 }

// Input is what a buyer (or staff for one) fills in.
type Input struct {
	Title, Description, Lang string
	Sector                   string
	Bricks, Services         []string
	Certifications           []string
	Capacities               []directory.CapacityRange
	Region, Near             string
	Km                       int
	Quantities               string
	Deadline                 time.Time
	BudgetMin, BudgetMax     int64 // cents
	Anonymous                bool
	// The buyer, when not a signed-in user (the public form, staff
	// entering a need for someone): name, e-mail, phone, company,
	// language.
	BuyerName, BuyerEmail, BuyerPhone, BuyerCompany, BuyerLang string
	// BuyerOrgID is the buyer's organisation in the directory, when known.
	BuyerOrgID int64
}

// Limits of a need.
const (
	maxTitle       = 150
	maxDescription = 5000
	maxListItems   = 20
	maxShort       = 200
	maxKm          = 2000
)

// normalise trims the input and drops empty and repeated list items.
func normalise(in Input) Input {
	for _, f := range []*string{&in.Title, &in.Description, &in.Lang, &in.Sector, &in.Region, &in.Near, &in.Quantities,
		&in.BuyerName, &in.BuyerEmail, &in.BuyerPhone, &in.BuyerCompany, &in.BuyerLang} {
		*f = strings.TrimSpace(*f)
	}
	in.BuyerEmail = strings.ToLower(in.BuyerEmail)
	clean := func(l []string) []string {
		var out []string
		for _, v := range l {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		return out
	}
	in.Bricks, in.Services, in.Certifications = clean(in.Bricks), clean(in.Services), clean(in.Certifications)
	if in.Lang != "en" {
		in.Lang = "fr"
	}
	if in.BuyerLang != "en" {
		in.BuyerLang = "fr"
	}
	if !in.Deadline.IsZero() {
		y, m, d := in.Deadline.Date()
		in.Deadline = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return in
}

// validateInput checks a need's fields. buyer says whether the buyer's
// name and e-mail must be given (they come from the account otherwise).
func (s *Service) validateInput(ctx context.Context, in Input, buyer bool, today time.Time) error {
	var errs validate.Errors
	tax := directory.LoadTaxonomy()
	text := func(field, v string, required bool, limit int) {
		switch {
		case v == "" && required:
			errs.Add(field, "validate.required")
		case utf8.RuneCountInString(v) > limit:
			errs.Add(field, "validate.too_long", limit)
		}
	}
	text("title", in.Title, true, maxTitle)
	text("description", in.Description, true, maxDescription)
	text("quantities", in.Quantities, false, maxShort)
	if in.Sector != "" {
		if _, ok := tax.Sector(in.Sector); !ok {
			errs.Add("sector", "validate.choice")
		}
	}
	for _, b := range in.Bricks {
		if _, ok := tax.Brick(b); !ok {
			errs.Add("bricks", "validate.choice")
			break
		}
	}
	for _, c := range in.Certifications {
		if _, ok := tax.Certification(c); !ok {
			errs.Add("certifications", "validate.choice")
			break
		}
	}
	for _, l := range [][]string{in.Bricks, in.Services, in.Certifications} {
		if len(l) > maxListItems {
			errs.Add("services", "matchmaking.too_many", maxListItems)
		}
	}
	for _, sv := range in.Services {
		if utf8.RuneCountInString(sv) > maxShort {
			errs.Add("services", "validate.too_long", maxShort)
			break
		}
	}
	for _, c := range in.Capacities {
		if _, ok := tax.CapacityAttribute(c.Attribute); !ok {
			errs.Add("capacity."+c.Attribute, "validate.choice")
		} else if c.Min < 0 || (c.Max != 0 && c.Max < c.Min) {
			errs.Add("capacity."+c.Attribute, "directory.capacity_range")
		}
	}
	if in.Region != "" && in.Near != "" {
		errs.Add("near", "matchmaking.region_or_near")
	}
	if in.Near != "" {
		if _, ok, err := s.dir.Locate(ctx, in.Near); err != nil {
			return err
		} else if !ok {
			errs.Add("near", "directory.unknown_place")
		}
	}
	if in.Km < 0 || in.Km > maxKm {
		errs.Add("km", "directory.km")
	}
	if !in.Deadline.IsZero() && in.Deadline.Before(today) {
		errs.Add("deadline", "matchmaking.deadline_past")
	}
	if in.BudgetMin < 0 || in.BudgetMax < 0 || (in.BudgetMax > 0 && in.BudgetMax < in.BudgetMin) {
		errs.Add("budget_max", "matchmaking.budget_range")
	}
	if buyer {
		text("buyer_name", in.BuyerName, true, maxShort)
		text("buyer_company", in.BuyerCompany, false, maxShort)
		text("buyer_phone", in.BuyerPhone, false, 30)
		if in.BuyerEmail == "" {
			errs.Add("buyer_email", "validate.required")
		} else if a, err := mail.ParseAddress(in.BuyerEmail); err != nil || a.Address != in.BuyerEmail || len(in.BuyerEmail) > 254 {
			errs.Add("buyer_email", "validate.email")
		}
	}
	return errs.Err()
}

// needColumns are the columns scanNeed reads, in order.
const needColumns = `n.id, n.reference, n.title, n.description, n.lang, n.sector, n.bricks, n.services, n.certifications,
	n.capacities, n.region, n.near, n.km, n.quantities, n.deadline, n.budget_min, n.budget_max, n.anonymous, n.status,
	n.channel, n.buyer_user_id, n.buyer_org_id, n.buyer_name, n.buyer_email, n.buyer_phone, n.buyer_company, n.buyer_lang,
	n.created_by, n.response_days, n.created_at, n.updated_at, n.verified_at, n.shortlisted_at, n.closed_at, n.close_reason`

type scanner interface{ Scan(dest ...any) error }

func scanNeed(r scanner) (Need, error) {
	var n Need
	var bricks, services, certs, caps string
	var deadline sql.NullString
	var bmin, bmax, buyerUser, buyerOrg, createdBy sql.NullInt64
	var anon int
	var verified, shortlisted, closed sql.NullTime
	err := r.Scan(&n.ID, &n.Reference, &n.Title, &n.Description, &n.Lang, &n.Sector, &bricks, &services, &certs,
		&caps, &n.Region, &n.Near, &n.Km, &n.Quantities, &deadline, &bmin, &bmax, &anon, &n.Status,
		&n.Channel, &buyerUser, &buyerOrg, &n.BuyerName, &n.BuyerEmail, &n.BuyerPhone, &n.BuyerCompany, &n.BuyerLang,
		&createdBy, &n.ResponseDays, &n.CreatedAt, &n.UpdatedAt, &verified, &shortlisted, &closed, &n.CloseReason)
	if err != nil {
		return Need{}, err
	}
	n.Bricks, n.Services, n.Certifications = splitList(bricks), splitList(services), splitList(certs)
	n.Capacities = decodeCapacities(caps)
	if deadline.Valid && deadline.String != "" {
		n.Deadline, _ = time.Parse(time.DateOnly, deadline.String)
	}
	n.BudgetMin, n.BudgetMax = bmin.Int64, bmax.Int64
	n.Anonymous = anon == 1
	n.BuyerUserID, n.BuyerOrgID, n.CreatedBy = buyerUser.Int64, buyerOrg.Int64, createdBy.Int64
	n.VerifiedAt, n.ShortlistedAt, n.ClosedAt = verified.Time, shortlisted.Time, closed.Time
	for _, t := range []*time.Time{&n.CreatedAt, &n.UpdatedAt, &n.VerifiedAt, &n.ShortlistedAt, &n.ClosedAt} {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	return n, nil
}

// Lists are stored one item per line.
func joinList(l []string) string { return strings.Join(l, "\n") }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Capacities are stored as "attribute min max" lines.
func encodeCapacities(c []directory.CapacityRange) string {
	var lines []string
	for _, r := range c {
		lines = append(lines, r.Attribute+" "+strconv.FormatFloat(r.Min, 'g', -1, 64)+" "+strconv.FormatFloat(r.Max, 'g', -1, 64))
	}
	return strings.Join(lines, "\n")
}

func decodeCapacities(s string) []directory.CapacityRange {
	var out []directory.CapacityRange
	for _, line := range splitList(s) {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		lo, err1 := strconv.ParseFloat(f[1], 64)
		hi, err2 := strconv.ParseFloat(f[2], 64)
		if err1 == nil && err2 == nil {
			out = append(out, directory.CapacityRange{Attribute: f[0], Min: lo, Max: hi})
		}
	}
	return out
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ErrNotAllowed is returned when the caller may not do what they asked
// (the pages answer 403). Reading something one may not see is
// db.ErrNotFound instead (404), so that its existence does not leak.
var ErrNotAllowed = errors.New("matchmaking: not allowed")

// ErrRateLimited is returned when the public form was used too often from
// the same address in the last hour.
var ErrRateLimited = errors.New("matchmaking: too many needs from this address, try again later")

// PublicPerHour is how many needs the public form takes per hour from one
// IP address.
const PublicPerHour = 5

// ErrState is returned when a step does not fit the need's or the
// candidate's current state (a closed need, an answer after the deadline).
var ErrState = errors.New("matchmaking: not possible in the current state")

// Submit records a need. A signed-in buyer or member posts their own (it
// goes straight to the staff's queue, their account being the buyer);
// staff enter one for a buyer given in the input (channel "staff"); a nil
// who is the public form: the need waits for the buyer to confirm their
// e-mail address (a link is mailed) before it reaches the queue. api says
// the need came through the API.
func (s *Service) Submit(ctx context.Context, who *auth.User, in Input, api bool) (Need, error) {
	if err := s.ready(); err != nil {
		return Need{}, err
	}
	in = normalise(in)
	now := s.stamp()
	staff := who != nil && who.Role.IsStaff()
	if who != nil && !staff && who.Role != auth.RoleBuyer && who.Role != auth.RoleMember {
		return Need{}, ErrNotAllowed
	}
	if err := s.validateInput(ctx, in, who == nil || staff, s.today()); err != nil {
		return Need{}, err
	}
	if who == nil {
		// The audit log records the address of every need posted.
		var k int
		ip := audit.ActorFrom(ctx).IP
		if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'need' AND action = 'create' AND ip = ? AND at > ?",
			ip, audit.Now().Add(-time.Hour)).Scan(&k); err != nil {
			return Need{}, fmt.Errorf("matchmaking: submit: %w", err)
		}
		if k >= PublicPerHour {
			return Need{}, ErrRateLimited
		}
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return Need{}, err
	}
	n := Need{Title: in.Title, Description: in.Description, Lang: in.Lang, Sector: in.Sector, Bricks: in.Bricks,
		Services: in.Services, Certifications: in.Certifications, Capacities: in.Capacities, Region: in.Region,
		Near: in.Near, Km: in.Km, Quantities: in.Quantities, Deadline: in.Deadline, BudgetMin: in.BudgetMin,
		BudgetMax: in.BudgetMax, Anonymous: in.Anonymous, Status: StatusNew, ResponseDays: set.ResponseDays,
		BuyerName: in.BuyerName, BuyerEmail: in.BuyerEmail, BuyerPhone: in.BuyerPhone, BuyerCompany: in.BuyerCompany,
		BuyerLang: in.BuyerLang, BuyerOrgID: in.BuyerOrgID, CreatedAt: now, UpdatedAt: now, VerifiedAt: now}
	switch {
	case who == nil:
		n.Channel, n.Status, n.VerifiedAt, n.BuyerOrgID = ChannelPublic, StatusUnverified, time.Time{}, 0
	case staff:
		n.Channel, n.CreatedBy = ChannelStaff, who.ID
	default:
		n.Channel, n.BuyerUserID, n.BuyerOrgID = ChannelWeb, who.ID, who.OrganisationID
		n.BuyerName, n.BuyerEmail, n.BuyerLang = who.Name, who.Email, who.Lang
		if n.BuyerPhone == "" {
			n.BuyerPhone = in.BuyerPhone
		}
		if n.BuyerCompany == "" && who.OrganisationID != 0 {
			if o, err := s.dir.Organisation(ctx, who.OrganisationID); err == nil {
				n.BuyerCompany = o.Name
			}
		}
	}
	if api && who != nil {
		n.Channel = ChannelAPI
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		var seq int
		year := now.In(paris).Year()
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM needs WHERE reference LIKE ?", fmt.Sprintf("B-%d-%%", year)).Scan(&seq); err != nil {
			return err
		}
		n.Reference = fmt.Sprintf("B-%d-%04d", year, seq+1)
		var deadline any
		if !n.Deadline.IsZero() {
			deadline = n.Deadline.Format(time.DateOnly)
		}
		err := tx.QueryRow(ctx, `INSERT INTO needs (reference, title, description, lang, sector, bricks, services,
			certifications, capacities, region, near, km, quantities, deadline, budget_min, budget_max, anonymous, status,
			channel, buyer_user_id, buyer_org_id, buyer_name, buyer_email, buyer_phone, buyer_company, buyer_lang,
			created_by, response_days, created_at, updated_at, verified_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			n.Reference, n.Title, n.Description, n.Lang, n.Sector, joinList(n.Bricks), joinList(n.Services),
			joinList(n.Certifications), encodeCapacities(n.Capacities), n.Region, n.Near, n.Km, n.Quantities, deadline,
			nullInt(n.BudgetMin), nullInt(n.BudgetMax), boolInt(n.Anonymous), n.Status, n.Channel, nullInt(n.BuyerUserID),
			nullInt(n.BuyerOrgID), n.BuyerName, n.BuyerEmail, n.BuyerPhone, n.BuyerCompany, n.BuyerLang, nullInt(n.CreatedBy),
			n.ResponseDays, n.CreatedAt, n.UpdatedAt, nullTime(n.VerifiedAt)).Scan(&n.ID)
		if err != nil {
			return err
		}
		if err := s.event(ctx, tx, n.ID, "submitted", 0, n.Channel); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, n.ID, "create", nil, n); err != nil {
			return err
		}
		if n.Status == StatusUnverified {
			return s.mailVerification(ctx, tx, n)
		}
		return s.received(ctx, tx, n)
	})
	if err != nil {
		return Need{}, fmt.Errorf("matchmaking: submit: %w", err)
	}
	return n, nil
}

// Verify confirms a public need's e-mail address from the link mailed to
// the buyer: the need enters the staff's queue. Verifying twice is fine.
func (s *Service) Verify(ctx context.Context, token string) (Need, error) {
	if err := s.ready(); err != nil {
		return Need{}, err
	}
	id, ok := s.checkToken(token, "verify")
	if !ok {
		return Need{}, db.ErrNotFound
	}
	var n Need
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if n, err = getNeed(ctx, tx, id); err != nil {
			return err
		}
		if n.Status != StatusUnverified {
			return nil
		}
		before := n
		n.Status, n.VerifiedAt, n.UpdatedAt = StatusNew, s.stamp(), s.stamp()
		if _, err := tx.Exec(ctx, "UPDATE needs SET status = ?, verified_at = ?, updated_at = ? WHERE id = ?",
			n.Status, n.VerifiedAt, n.UpdatedAt, n.ID); err != nil {
			return err
		}
		if err := s.event(ctx, tx, n.ID, "verified", 0, n.BuyerEmail); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, n.ID, "verify", before, n); err != nil {
			return err
		}
		return s.received(ctx, tx, n)
	})
	if err != nil {
		return Need{}, fmt.Errorf("matchmaking: verify: %w", err)
	}
	return n, nil
}

// getNeed reads one need.
func getNeed(ctx context.Context, q db.Querier, id int64) (Need, error) {
	n, err := scanNeed(q.QueryRow(ctx, "SELECT "+needColumns+" FROM needs n WHERE n.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Need{}, db.ErrNotFound
	}
	return n, err
}
