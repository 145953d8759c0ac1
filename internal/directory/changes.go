package directory

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/i18n"
	"filiere/internal/mail"
	"filiere/internal/validate"
)

// A member's edit of their own profile applies at once to the fields only
// members or staff see; what it changes in public fields waits for the
// cluster's staff, who accept or reject it (Change). A newer proposal
// supersedes a pending one.

// The statuses of a Change.
const (
	ChangePending    = "pending"
	ChangeAccepted   = "accepted"
	ChangeRejected   = "rejected"
	ChangeSuperseded = "superseded"
)

// Change is a member's proposed edit of public profile fields.
type Change struct {
	ID             int64
	OrganisationID int64
	Organisation   string // its name when listed
	Proposed       Organisation
	// Parts names the profile parts (and "visibility.<field>") the member
	// changed: only those apply on acceptance, over whatever the staff
	// changed since.
	Parts          []string
	ProposedBy     int64 // user id, 0 when unknown
	ProposedByName string
	CreatedAt      time.Time
	Status         string
	DecidedBy      int64
	DecidedAt      time.Time
	Reason         string
	// Diff lists the parts the change would modify on the organisation as
	// it is now; empty when it changes nothing any more.
	Diff []FieldDiff
}

// FieldDiff is one part of a profile before and after a change, as plain
// text (codes for coded lists).
type FieldDiff struct {
	Part          string // a profile part, e.g. "name", "services"
	Before, After string
}

// profilePart is a piece of a profile that a member's edit changes as a
// whole: how to compare it, copy it, and show it.
type profilePart struct {
	name  string
	field string // the visibility field governing it; "" when always public
	equal func(a, b Organisation) bool
	copy  func(dst *Organisation, src Organisation)
	text  func(o Organisation) string
}

func stringsPart(name, field string, get func(*Organisation) []*string) profilePart {
	return profilePart{
		name: name, field: field,
		equal: func(a, b Organisation) bool {
			x, y := get(&a), get(&b)
			for i := range x {
				if *x[i] != *y[i] {
					return false
				}
			}
			return true
		},
		copy: func(dst *Organisation, src Organisation) {
			x, y := get(dst), get(&src)
			for i := range x {
				*x[i] = *y[i]
			}
		},
		text: func(o Organisation) string {
			var parts []string
			for _, p := range get(&o) {
				if *p != "" {
					parts = append(parts, *p)
				}
			}
			return strings.Join(parts, " · ")
		},
	}
}

func listPart(name, field string, get func(*Organisation) *[]string) profilePart {
	return profilePart{
		name: name, field: field,
		equal: func(a, b Organisation) bool { return slices.Equal(*get(&a), *get(&b)) },
		copy:  func(dst *Organisation, src Organisation) { *get(dst) = slices.Clone(*get(&src)) },
		text:  func(o Organisation) string { return strings.Join(*get(&o), ", ") },
	}
}

var profileParts = []profilePart{
	stringsPart("name", "", func(o *Organisation) []*string { return []*string{&o.Name, &o.ShortName} }),
	stringsPart("group", "", func(o *Organisation) []*string { return []*string{&o.Group} }),
	stringsPart("city", "", func(o *Organisation) []*string { return []*string{&o.City, &o.Region} }),
	listPart("sectors", "", func(o *Organisation) *[]string { return &o.Sectors }),
	stringsPart(FieldWebsite, FieldWebsite, func(o *Organisation) []*string { return []*string{&o.Website} }),
	{
		name: FieldAddress, field: FieldAddress,
		equal: func(a, b Organisation) bool {
			return a.Address == b.Address && a.Postcode == b.Postcode && a.Departement == b.Departement && a.Country == b.Country &&
				a.HasCoords == b.HasCoords && a.Latitude == b.Latitude && a.Longitude == b.Longitude
		},
		copy: func(dst *Organisation, src Organisation) {
			dst.Address, dst.Postcode, dst.Departement, dst.Country = src.Address, src.Postcode, src.Departement, src.Country
			dst.HasCoords, dst.Latitude, dst.Longitude = src.HasCoords, src.Latitude, src.Longitude
		},
		text: func(o Organisation) string {
			s := strings.TrimSpace(o.Address + " " + o.Postcode + " " + o.Departement + " " + o.Country)
			if o.HasCoords {
				s += fmt.Sprintf(" (%.4f, %.4f)", o.Latitude, o.Longitude)
			}
			return s
		},
	},
	stringsPart(FieldSIRET, FieldSIRET, func(o *Organisation) []*string { return []*string{&o.SIRET} }),
	stringsPart(FieldHeadcount, FieldHeadcount, func(o *Organisation) []*string { return []*string{&o.Headcount} }),
	stringsPart(FieldRevenue, FieldRevenue, func(o *Organisation) []*string { return []*string{&o.Revenue} }),
	{
		name: FieldFounded, field: FieldFounded,
		equal: func(a, b Organisation) bool { return a.Founded == b.Founded },
		copy:  func(dst *Organisation, src Organisation) { dst.Founded = src.Founded },
		text: func(o Organisation) string {
			if o.Founded == 0 {
				return ""
			}
			return strconv.Itoa(o.Founded)
		},
	},
	stringsPart(FieldDescription, FieldDescription, func(o *Organisation) []*string { return []*string{&o.DescriptionFR, &o.DescriptionEN} }),
	listPart(FieldSteps, FieldSteps, func(o *Organisation) *[]string { return &o.Steps }),
	listPart(FieldBricks, FieldBricks, func(o *Organisation) *[]string { return &o.Bricks }),
	{
		name: FieldServices, field: FieldServices,
		equal: func(a, b Organisation) bool { return slices.Equal(a.Services, b.Services) },
		copy:  func(dst *Organisation, src Organisation) { dst.Services = slices.Clone(src.Services) },
		text: func(o Organisation) string {
			var out []string
			for _, s := range o.Services {
				out = append(out, strings.Trim(s.TitleFR+" / "+s.TitleEN, " /"))
			}
			return strings.Join(out, "\n")
		},
	},
	{
		name: FieldCertifications, field: FieldCertifications,
		equal: func(a, b Organisation) bool {
			return slices.EqualFunc(a.Certifications, b.Certifications, func(x, y Certification) bool {
				return x.Code == y.Code && x.Scope == y.Scope && x.Issuer == y.Issuer && x.ValidUntil.Equal(y.ValidUntil)
			})
		},
		copy: func(dst *Organisation, src Organisation) { dst.Certifications = slices.Clone(src.Certifications) },
		text: func(o Organisation) string {
			var out []string
			for _, c := range o.Certifications {
				s := c.Code
				if !c.ValidUntil.IsZero() {
					s += ":" + c.ValidUntil.Format(time.DateOnly)
				}
				out = append(out, s)
			}
			return strings.Join(out, ", ")
		},
	},
	{
		name: FieldCapacities, field: FieldCapacities,
		equal: func(a, b Organisation) bool {
			return slices.Equal(a.Capacities, b.Capacities) && a.CapacityNotes == b.CapacityNotes
		},
		copy: func(dst *Organisation, src Organisation) {
			dst.Capacities, dst.CapacityNotes = slices.Clone(src.Capacities), src.CapacityNotes
		},
		text: func(o Organisation) string {
			var out []string
			for _, c := range o.Capacities {
				out = append(out, c.Attribute+" "+strconv.FormatFloat(c.Value, 'f', -1, 64))
			}
			if o.CapacityNotes != "" {
				out = append(out, o.CapacityNotes)
			}
			return strings.Join(out, ", ")
		},
	},
	stringsPart(FieldEquipment, FieldEquipment, func(o *Organisation) []*string { return []*string{&o.Equipment} }),
	listPart(FieldKeywords, FieldKeywords, func(o *Organisation) *[]string { return &o.Keywords }),
}

// publicAfter reports whether part is public once the edit applies: its
// field stays or becomes public.
func (p profilePart) public(o Organisation) bool {
	return p.field == "" || o.VisibilityOf(p.field) == Public
}

// UpdateOwnProfile is the edit a member makes to their own organisation's
// profile. The kind, college and membership are the cluster's to set, so
// they keep their stored values whatever o holds. Changes to parts that
// only members or staff see apply at once (and so does making a part less
// visible); changes to public parts, including making a part public, wait
// as a pending Change for the staff, superseding any earlier pending one.
// It returns the organisation as stored and whether a change now waits.
func (s *Store) UpdateOwnProfile(ctx context.Context, o Organisation) (Organisation, bool, error) {
	cur, err := s.Organisation(ctx, o.ID)
	if err != nil {
		return Organisation{}, false, err
	}
	proposed := s.normaliseOrganisation(keepClusterFields(o, cur))
	proposed.CreatedAt, proposed.UpdatedAt, proposed.HasLogo = cur.CreatedAt, cur.UpdatedAt, cur.HasLogo
	if err := s.validateOrganisation(proposed); err != nil {
		return Organisation{}, false, err
	}
	applied, held := s.splitEdit(cur, proposed)
	stored := cur
	if !sameProfile(applied, cur) {
		if stored, err = s.update(ctx, applied, true); err != nil {
			return Organisation{}, false, err
		}
	}
	if len(held) == 0 {
		// The member's new proposal is what they want now: an older pending
		// change would undo it.
		return stored, false, s.supersede(ctx, o.ID)
	}
	by := audit.ActorFrom(ctx).UserID
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE organisation_changes SET status = ? WHERE organisation_id = ? AND status = ?",
			ChangeSuperseded, o.ID, ChangePending); err != nil {
			return err
		}
		body, err := json.Marshal(changeBody{Parts: held, Organisation: proposed})
		if err != nil {
			return err
		}
		var byArg any
		if by != 0 {
			byArg = by
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO organisation_changes (organisation_id, proposed, proposed_by, created_at, status)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, o.ID, string(body), byArg, s.stamp(), ChangePending).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "organisation_change", id, "propose", nil, changeBody{Parts: held, Organisation: proposed})
	})
	if err != nil {
		return Organisation{}, false, fmt.Errorf("directory: propose change to %d: %w", o.ID, err)
	}
	return stored, true, nil
}

// splitEdit returns cur with the parts of proposed that apply at once, and
// the public parts that differ and must wait.
func (s *Store) splitEdit(cur, proposed Organisation) (Organisation, []string) {
	applied := cur
	applied.Visibility = maps.Clone(cur.Visibility)
	var held []string
	// Visibility first: a part made less visible is hidden at once; a part
	// made public waits with its content.
	for _, f := range ProfileFields {
		before, after := cur.VisibilityOf(f.Field), proposed.VisibilityOf(f.Field)
		if before == after {
			continue
		}
		if after == Public {
			held = append(held, "visibility."+f.Field)
			continue
		}
		applied.Visibility[f.Field] = after
	}
	for _, p := range profileParts {
		if p.equal(cur, proposed) {
			continue
		}
		if p.public(applied) || p.public(proposed) {
			held = append(held, p.name)
			continue
		}
		p.copy(&applied, proposed)
	}
	return applied, held
}

// changeBody is what organisation_changes.proposed holds.
type changeBody struct {
	Parts        []string     `json:"parts"`
	Organisation Organisation `json:"organisation"`
}

func decodeChange(c *Change, body string) error {
	var b changeBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return fmt.Errorf("directory: change %d: %w", c.ID, err)
	}
	c.Parts, c.Proposed = b.Parts, b.Organisation
	return nil
}

// sameProfile reports whether a and b hold the same profile.
func sameProfile(a, b Organisation) bool {
	for _, p := range profileParts {
		if !p.equal(a, b) {
			return false
		}
	}
	for _, f := range ProfileFields {
		if a.VisibilityOf(f.Field) != b.VisibilityOf(f.Field) {
			return false
		}
	}
	return true
}

// supersede marks the pending change of organisation id, if any, as
// superseded.
func (s *Store) supersede(ctx context.Context, id int64) error {
	_, err := s.db.Exec(ctx, "UPDATE organisation_changes SET status = ? WHERE organisation_id = ? AND status = ?",
		ChangeSuperseded, id, ChangePending)
	if err != nil {
		return fmt.Errorf("directory: supersede changes of %d: %w", id, err)
	}
	return nil
}

// PendingChanges lists the changes waiting for a decision, oldest first,
// each with its diff against the organisation as it is now. orgID 0 lists
// every organisation's.
func (s *Store) PendingChanges(ctx context.Context, orgID int64) ([]Change, error) {
	query := `SELECT c.id, c.organisation_id, o.name, c.proposed, COALESCE(c.proposed_by, 0), COALESCE(u.name, ''), c.created_at, c.status
		FROM organisation_changes c JOIN organisations o ON o.id = c.organisation_id
		LEFT JOIN users u ON u.id = c.proposed_by WHERE c.status = ?`
	args := []any{ChangePending}
	if orgID != 0 {
		query += " AND c.organisation_id = ?"
		args = append(args, orgID)
	}
	rows, err := s.db.Query(ctx, query+" ORDER BY c.created_at, c.id", args...)
	if err != nil {
		return nil, fmt.Errorf("directory: pending changes: %w", err)
	}
	var out []Change
	for rows.Next() {
		var c Change
		var body string
		if err := rows.Scan(&c.ID, &c.OrganisationID, &c.Organisation, &body, &c.ProposedBy, &c.ProposedByName, &c.CreatedAt, &c.Status); err != nil {
			rows.Close()
			return nil, fmt.Errorf("directory: pending changes: %w", err)
		}
		if err := decodeChange(&c, body); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directory: pending changes: %w", err)
	}
	for i := range out {
		cur, err := s.Organisation(ctx, out[i].OrganisationID)
		if err != nil {
			return nil, err
		}
		out[i].Diff = changeDiff(cur, out[i])
	}
	return out, nil
}

// changeDiff lists the parts c changes on cur, in profile order.
func changeDiff(cur Organisation, c Change) []FieldDiff {
	var out []FieldDiff
	for _, p := range profileParts {
		if slices.Contains(c.Parts, p.name) && !p.equal(cur, c.Proposed) {
			out = append(out, FieldDiff{Part: p.name, Before: p.text(cur), After: p.text(c.Proposed)})
		}
	}
	for _, f := range ProfileFields {
		b, a := cur.VisibilityOf(f.Field), c.Proposed.VisibilityOf(f.Field)
		if slices.Contains(c.Parts, "visibility."+f.Field) && a != b {
			out = append(out, FieldDiff{Part: "visibility." + f.Field, Before: string(b), After: string(a)})
		}
	}
	return out
}

// ErrChangeDecided is returned when deciding a change that is no longer
// pending.
var ErrChangeDecided = errors.New("directory: the change was already decided or superseded")

// DecideChange accepts or rejects pending change id. Accepting applies the
// proposed profile onto the organisation as it is now (the parts that
// differ); rejecting records the reason, which is required.
func (s *Store) DecideChange(ctx context.Context, id int64, accept bool, reason string) (Change, error) {
	reason = strings.TrimSpace(reason)
	if !accept && reason == "" {
		var errs validate.Errors
		errs.Add("reason", "validate.required")
		return Change{}, errs.Err()
	}
	var c Change
	var body string
	err := s.db.QueryRow(ctx, "SELECT id, organisation_id, proposed, status FROM organisation_changes WHERE id = ?", id).
		Scan(&c.ID, &c.OrganisationID, &body, &c.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return Change{}, db.ErrNotFound
	}
	if err != nil {
		return Change{}, fmt.Errorf("directory: change %d: %w", id, err)
	}
	if c.Status != ChangePending {
		return Change{}, ErrChangeDecided
	}
	if err := decodeChange(&c, body); err != nil {
		return Change{}, err
	}
	if accept {
		cur, err := s.Organisation(ctx, c.OrganisationID)
		if err != nil {
			return Change{}, err
		}
		next := cur
		next.Visibility = maps.Clone(cur.Visibility)
		for _, p := range profileParts {
			if slices.Contains(c.Parts, p.name) {
				p.copy(&next, c.Proposed)
			}
		}
		for _, f := range ProfileFields {
			if slices.Contains(c.Parts, "visibility."+f.Field) {
				next.Visibility[f.Field] = c.Proposed.VisibilityOf(f.Field)
			}
		}
		if _, err := s.update(ctx, next, false); err != nil {
			return Change{}, err
		}
	}
	c.Status, c.Reason = ChangeRejected, reason
	if accept {
		c.Status = ChangeAccepted
	}
	c.DecidedBy, c.DecidedAt = audit.ActorFrom(ctx).UserID, s.stamp()
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		var by any
		if c.DecidedBy != 0 {
			by = c.DecidedBy
		}
		res, err := tx.Exec(ctx, `UPDATE organisation_changes SET status = ?, decided_by = ?, decided_at = ?, reason = ?
			WHERE id = ? AND status = ?`, c.Status, by, c.DecidedAt, c.Reason, id, ChangePending)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrChangeDecided
		}
		if err := notifyDecision(ctx, tx, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "organisation_change", id, c.Status, nil, map[string]string{"reason": c.Reason})
	})
	if err != nil {
		return Change{}, fmt.Errorf("directory: decide change %d: %w", id, err)
	}
	return c, nil
}

// notifyDecision mails the member who proposed c the staff's decision, in
// their language, through the outbox of the deciding transaction. A
// proposal whose author's account is gone or disabled notifies nobody.
func notifyDecision(ctx context.Context, tx *db.Tx, c Change) error {
	var email, name, lang, org string
	err := tx.QueryRow(ctx, `SELECT u.email, u.name, u.lang, o.name FROM organisation_changes ch
		JOIN users u ON u.id = ch.proposed_by JOIN organisations o ON o.id = ch.organisation_id
		WHERE ch.id = ? AND NOT u.disabled`, c.ID).Scan(&email, &name, &lang, &org)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	msg := mail.Message{To: email, ToName: name,
		Subject: i18n.T(lang, "directory.change_mail."+c.Status+".subject", org),
		Text:    i18n.T(lang, "directory.change_mail."+c.Status+".body", name, org, c.Reason)}
	_, err = mail.Enqueue(ctx, tx, msg)
	return err
}
