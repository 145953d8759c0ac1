package calls

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// MaxFileBytes bounds one uploaded document.
const MaxFileBytes = 10 << 20

// Limits of what applicants write.
const (
	maxText     = 500
	maxLongText = 20000
	maxSummary  = 3000
)

// Organisation names an organisation of a consortium.
type Organisation struct {
	ID    int64
	Name  string
	Group string // its corporate group, "" when independent
}

// Application is one organisation's (or consortium's) application to a
// call.
type Application struct {
	ID        int64
	CallID    int64
	Reference string // e.g. A-2026-0042
	Title     string
	Acronym   string
	Summary   string
	Lead      Organisation
	Partners  []Organisation // in the order given
	Lang      string         // the language the applicant writes in (letters follow it)
	Status    string
	// Collaborative: the consortium has partners (individual otherwise).
	Collaborative    bool
	Eligibility      string // "", Eligible or Ineligible
	IneligibleReason string
	Decision         string // "" or one of Decisions
	DecisionNote     string
	DecidedAt        time.Time
	DecisionSession  int64
	LabelNumber      string
	LabelUntil       time.Time // zero: no expiry (or no label)
	RenewalOf        int64     // the labelled application this one renews
	Funding          string    // "" or one of Fundings
	FundingCents     int64
	FundingOn        time.Time
	FundingNote      string
	Imported         bool
	CreatedBy        int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
	SubmittedAt      time.Time
	WithdrawnAt      time.Time
	// Answers holds the form's answers by field code, in canonical form
	// (see ApplicationInput).
	Answers map[string]string
	Files   []File
}

// Received reports whether the application counts as received (it was
// submitted, even if withdrawn since).
func (a Application) Received() bool { return a.Status != StatusDraft }

// Involves reports whether organisation org leads the application or is
// one of its partners.
func (a Application) Involves(org int64) bool {
	return org != 0 && (org == a.Lead.ID || slices.ContainsFunc(a.Partners, func(o Organisation) bool { return o.ID == org }))
}

// InTheRunning reports whether the application is still evaluated:
// submitted and not found ineligible.
func (a Application) InTheRunning() bool {
	return a.Status == StatusSubmitted && a.Eligibility != Ineligible
}

// File is an uploaded document (its content is read with File).
type File struct {
	ID          int64
	FieldCode   string
	Filename    string
	ContentType string
	Size        int64
}

// Upload is a document sent with an application.
type Upload struct {
	Filename string
	Data     []byte
}

// ApplicationInput is what an applicant writes. Answers are keyed by
// field code and written as people type them: numbers with a comma or a
// point, amounts in euros ("12 500,50"), dates as 2026-03-04 or
// 04/03/2026; they are stored in canonical form (12.5, cents, ISO date).
// Files adds or replaces documents by field code; RemoveFiles deletes
// some.
type ApplicationInput struct {
	Title, Acronym, Summary string
	Lang                    string
	LeadID                  int64 // staff entering an application for an organisation; ignored otherwise
	PartnerIDs              []int64
	Answers                 map[string]string
	Files                   map[string]Upload
	RemoveFiles             []string
}

// CreateDraft starts an application of the viewer's organisation (or,
// for staff, of in.LeadID) to a published call that takes submissions.
func (s *Service) CreateDraft(ctx context.Context, v Viewer, callID int64, in ApplicationInput) (Application, error) {
	lead := v.OrganisationID
	if v.Staff() {
		lead = in.LeadID
	}
	var a Application
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		c, err := getCall(ctx, tx, callID)
		if err != nil {
			return err
		}
		if !c.Published && !v.Staff() {
			return ErrNotFound
		}
		if lead == 0 || (!v.Staff() && v.Role != auth.RoleMember && v.Role != auth.RoleBuyer) {
			return ErrForbidden
		}
		now := s.stamp()
		if !c.IsOpen(now) || c.Imported {
			return ErrClosed
		}
		if err := checkAudience(ctx, tx, c, lead); err != nil {
			return err
		}
		a = Application{CallID: callID, Status: StatusDraft, CreatedBy: v.UserID, CreatedAt: now, UpdatedAt: now,
			Lead: Organisation{ID: lead}, Lang: langOr(in.Lang, v.Lang)}
		if a.Reference, err = nextReference(ctx, tx, c.Year); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO applications (call_id, reference, title, lead_id, lang, status, created_by,
		created_at, updated_at) VALUES (?, ?, '', ?, ?, ?, ?, ?, ?) RETURNING id`, callID, a.Reference, lead, a.Lang,
			a.Status, nullInt(v.UserID), now, now).Scan(&a.ID); err != nil {
			return err
		}
		if a, err = s.write(ctx, tx, c, a, in, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "application", a.ID, "create", nil, a)
	})
	if err != nil {
		return Application{}, wrap("create draft", err)
	}
	return a, nil
}

func langOr(lang, fallback string) string {
	if lang == "en" || lang == "fr" {
		return lang
	}
	if fallback == "en" {
		return "en"
	}
	return "fr"
}

// checkAudience refuses a lead the call's audience leaves out.
func checkAudience(ctx context.Context, q db.Querier, c Call, lead int64) error {
	var membership string
	err := q.QueryRow(ctx, "SELECT membership FROM organisations WHERE id = ?", lead).Scan(&membership)
	if errors.Is(err, sql.ErrNoRows) {
		var errs validate.Errors
		errs.Add("lead", "calls.lead_unknown")
		return errs
	}
	if err != nil {
		return err
	}
	if c.Audience == AudienceMembers && membership != "member" {
		var errs validate.Errors
		errs.Add("lead", "calls.members_only")
		return errs
	}
	return nil
}

// referenceLock is the PostgreSQL advisory lock under which references
// are numbered ("A-REF" in ASCII).
const referenceLock = 0x412d524546

// nextReference numbers applications per year: A-2026-0001, … Numbers
// come from the largest so far, so two transactions must not draw at
// once: on PostgreSQL they queue on an advisory lock held until commit
// (SQLite's single writer already serialises them).
func nextReference(ctx context.Context, q db.Querier, year int) (string, error) {
	if tx, ok := q.(*db.Tx); ok && tx.Dialect() == db.Postgres {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(referenceLock)); err != nil {
			return "", err
		}
	}
	prefix := fmt.Sprintf("A-%d-", year)
	var last sql.NullString
	if err := q.QueryRow(ctx, "SELECT MAX(reference) FROM applications WHERE reference LIKE ?", prefix+"%").Scan(&last); err != nil {
		return "", err
	}
	n := 0
	if last.Valid {
		n, _ = strconv.Atoi(strings.TrimPrefix(last.String, prefix))
	}
	return fmt.Sprintf("%s%04d", prefix, n+1), nil
}

// UpdateApplication changes a draft, or a submitted application while
// the call is open (a submitted one must stay complete).
func (s *Service) UpdateApplication(ctx context.Context, v Viewer, id int64, in ApplicationInput) (Application, error) {
	var a Application
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, c, err := s.editable(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if a, err = s.write(ctx, tx, c, before, in, before.Status == StatusSubmitted); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "application", id, "update", before, a)
	})
	if err != nil {
		return Application{}, wrap("update application", err)
	}
	return a, nil
}

// editable loads an application the viewer may change now: theirs (or
// staff), a draft or submitted one, its call open.
func (s *Service) editable(ctx context.Context, tx *db.Tx, v Viewer, id int64) (Application, Call, error) {
	a, err := getApplication(ctx, tx, id)
	if err != nil {
		return Application{}, Call{}, err
	}
	if !v.Staff() && !(v.OrganisationID != 0 && v.OrganisationID == a.Lead.ID) {
		if ok, err := s.canRead(ctx, tx, v, a); err != nil || !ok {
			return Application{}, Call{}, errors.Join(err, ErrNotFound)
		}
		return Application{}, Call{}, ErrForbidden
	}
	c, err := getCall(ctx, tx, a.CallID)
	if err != nil {
		return Application{}, Call{}, err
	}
	if err := changeable(a, c, s.stamp()); err != nil {
		return Application{}, Call{}, err
	}
	return a, c, nil
}

// changeable says whether application a of call c may still change at
// now, whoever asks: ErrState once withdrawn or imported, ErrClosed
// outside the call's dates.
func changeable(a Application, c Call, now time.Time) error {
	switch {
	case a.Status == StatusWithdrawn || a.Imported:
		return ErrState
	case !c.IsOpen(now):
		return ErrClosed
	}
	return nil
}

// CanEdit reports whether v may change application a of call c now:
// staff or the lead's people, while the call is open (what
// UpdateApplication, Submit and Withdraw allow).
func (s *Service) CanEdit(v Viewer, a Application, c Call) bool {
	mine := v.Staff() || (v.OrganisationID != 0 && v.OrganisationID == a.Lead.ID)
	return mine && changeable(a, c, s.stamp()) == nil
}

// write stores the input over a; complete requires everything a
// submission needs.
func (s *Service) write(ctx context.Context, tx *db.Tx, c Call, a Application, in ApplicationInput, complete bool) (Application, error) {
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	in.Acronym = strings.Join(strings.Fields(in.Acronym), " ")
	in.Summary = strings.TrimSpace(in.Summary)
	var errs validate.Errors
	if in.Title == "" {
		errs.Add("title", "validate.required")
	} else if len([]rune(in.Title)) > maxTitle {
		errs.Add("title", "validate.too_long", maxTitle)
	}
	if len([]rune(in.Acronym)) > 40 {
		errs.Add("acronym", "validate.too_long", 40)
	}
	if len([]rune(in.Summary)) > maxSummary {
		errs.Add("summary", "validate.too_long", maxSummary)
	}
	partners, err := s.checkPartners(ctx, tx, c, a.Lead.ID, in.PartnerIDs, complete, &errs)
	if err != nil {
		return Application{}, err
	}
	answers, err := readAnswers(ctx, tx, c, a.ID, in, complete, &errs)
	if err != nil {
		return Application{}, err
	}
	if err := errs.Err(); err != nil {
		return Application{}, err
	}
	now := s.stamp()
	a.Title, a.Acronym, a.Summary, a.UpdatedAt = in.Title, in.Acronym, in.Summary, now
	if in.Lang != "" {
		a.Lang = langOr(in.Lang, a.Lang)
	}
	if a.Status == StatusSubmitted {
		a.Collaborative = len(partners) > 0
	}
	if _, err := tx.Exec(ctx, `UPDATE applications SET title = ?, acronym = ?, summary = ?, lang = ?, collaborative = ?,
		updated_at = ? WHERE id = ?`, a.Title, a.Acronym, a.Summary, a.Lang, boolInt(a.Collaborative), now, a.ID); err != nil {
		return Application{}, err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM application_partners WHERE application_id = ?", a.ID); err != nil {
		return Application{}, err
	}
	for i, id := range partners {
		if _, err := tx.Exec(ctx, "INSERT INTO application_partners (application_id, organisation_id, position) VALUES (?, ?, ?)",
			a.ID, id, i); err != nil {
			return Application{}, err
		}
	}
	byCode := map[string]Field{}
	for _, f := range c.Fields {
		byCode[f.Code] = f
	}
	for code, value := range answers {
		f := byCode[code]
		if value == "" {
			if _, err := tx.Exec(ctx, "DELETE FROM application_answers WHERE application_id = ? AND field_id = ?", a.ID, f.ID); err != nil {
				return Application{}, err
			}
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO application_answers (application_id, field_id, value) VALUES (?, ?, ?)
			ON CONFLICT (application_id, field_id) DO UPDATE SET value = excluded.value`, a.ID, f.ID, value); err != nil {
			return Application{}, err
		}
	}
	for _, code := range in.RemoveFiles {
		if f, ok := byCode[code]; ok {
			if _, err := tx.Exec(ctx, "DELETE FROM application_files WHERE application_id = ? AND field_id = ?", a.ID, f.ID); err != nil {
				return Application{}, err
			}
		}
	}
	for _, code := range sortedKeys(in.Files) {
		up, f := in.Files[code], byCode[code]
		ctype, _ := sniff(up.Data)
		if _, err := tx.Exec(ctx, "DELETE FROM application_files WHERE application_id = ? AND field_id = ?", a.ID, f.ID); err != nil {
			return Application{}, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO application_files (application_id, field_id, filename, content_type, size, data,
			created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, a.ID, f.ID, cleanFilename(up.Filename), ctype, len(up.Data), up.Data, now); err != nil {
			return Application{}, err
		}
	}
	if complete {
		if err := checkComplete(ctx, tx, c, a.ID); err != nil {
			return Application{}, err
		}
	}
	return getApplication(ctx, tx, a.ID)
}

// checkPartners validates the consortium and returns the partners' ids.
func (s *Service) checkPartners(ctx context.Context, tx *db.Tx, c Call, lead int64, ids []int64, complete bool, errs *validate.Errors) ([]int64, error) {
	var out []int64
	for _, id := range ids {
		if id == 0 || slices.Contains(out, id) {
			continue
		}
		if id == lead {
			errs.Add("partners", "calls.partner_is_lead")
			return nil, nil
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM organisations WHERE id = ?", id).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			errs.Add("partners", "calls.partner_unknown")
			return nil, nil
		}
		out = append(out, id)
	}
	switch {
	case c.Consortium == ConsortiumSingle && len(out) > 0:
		errs.Add("partners", "calls.partners_not_allowed")
	case c.MaxPartners > 0 && len(out) > c.MaxPartners:
		errs.Add("partners", "calls.too_many_partners", c.MaxPartners)
	case complete && c.Consortium == ConsortiumRequired && len(out) < c.MinPartners:
		errs.Add("partners", "calls.too_few_partners", c.MinPartners)
	}
	return out, nil
}

// Submit sends a draft: complete, before the call's close (one second
// after is refused with ErrClosed). Staff are mailed nothing; the
// applicant receives an acknowledgement.
func (s *Service) Submit(ctx context.Context, v Viewer, id int64) (Application, error) {
	var a Application
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, c, err := s.editable(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if before.Status != StatusDraft {
			return ErrState
		}
		var errs validate.Errors
		if before.Title == "" {
			errs.Add("title", "validate.required")
		}
		partners := make([]int64, len(before.Partners))
		for i, p := range before.Partners {
			partners[i] = p.ID
		}
		if _, err := s.checkPartners(ctx, tx, c, before.Lead.ID, partners, true, &errs); err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if err := checkComplete(ctx, tx, c, id); err != nil {
			return err
		}
		now := s.stamp()
		eligibility := ""
		if !c.Preselection {
			eligibility = Eligible
		}
		if _, err := tx.Exec(ctx, `UPDATE applications SET status = 'submitted', collaborative = ?, eligibility = ?,
			submitted_at = ?, updated_at = ? WHERE id = ?`, boolInt(len(partners) > 0), eligibility, now, now, id); err != nil {
			return err
		}
		if a, err = getApplication(ctx, tx, id); err != nil {
			return err
		}
		if err := s.mailApplicant(ctx, tx, a, c, "submitted"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "application", id, "submit", before, a)
	})
	if err != nil {
		return Application{}, wrap("submit", err)
	}
	return a, nil
}

// Withdraw takes back a submitted application before the close, or
// deletes a draft.
func (s *Service) Withdraw(ctx context.Context, v Viewer, id int64) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, _, err := s.editable(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if before.Status == StatusDraft {
			if _, err := tx.Exec(ctx, "DELETE FROM applications WHERE id = ?", id); err != nil {
				return err
			}
			return audit.Record(ctx, tx, "application", id, "delete", before, nil)
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, "UPDATE applications SET status = 'withdrawn', withdrawn_at = ?, updated_at = ? WHERE id = ?",
			now, now, id); err != nil {
			return err
		}
		after := before
		after.Status, after.WithdrawnAt = StatusWithdrawn, now
		return audit.Record(ctx, tx, "application", id, "withdraw", before, after)
	})
	return wrap("withdraw", err)
}

// Preselect records staff's pre-selection: eligible, or not with a
// reason (required). Only submitted applications are pre-selected.
func (s *Service) Preselect(ctx context.Context, v Viewer, id int64, eligible bool, reason string) error {
	if !v.Staff() {
		return ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if !eligible && reason == "" {
		var errs validate.Errors
		errs.Add("reason", "validate.required")
		return errs
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Status != StatusSubmitted || before.Decision != "" {
			return ErrState
		}
		after := before
		after.Eligibility, after.IneligibleReason = Eligible, ""
		if !eligible {
			after.Eligibility, after.IneligibleReason = Ineligible, reason
		}
		if _, err := tx.Exec(ctx, "UPDATE applications SET eligibility = ?, ineligible_reason = ?, updated_at = ? WHERE id = ?",
			after.Eligibility, after.IneligibleReason, s.stamp(), id); err != nil {
			return err
		}
		if !eligible {
			c, err := getCall(ctx, tx, before.CallID)
			if err != nil {
				return err
			}
			if err := s.mailApplicant(ctx, tx, after, c, "ineligible"); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "application", id, "preselect", before, after)
	})
	return wrap("preselect", err)
}
