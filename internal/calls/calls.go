// Package calls runs calls for projects, their expert evaluation and the
// labels they award: a call (project labelling for an external funding
// scheme, training label, expression of interest, voucher competition)
// with its application form and evaluation grid; applications drafted,
// submitted and withdrawn by an organisation, alone or in a consortium;
// the expert pool, conflicts of interest and assignment; scores; committee
// sessions with quorum, recusals and decisions; support letters, label
// certificates and the catalogue of current labels; funding outcomes and
// the statistics a cluster prints in its annual report.
//
// Conflicts of interest are enforced here, not in the pages: an expert
// affiliated with the lead or a partner, whose organisation is in the same
// group as one of them, who declared an interest in one of them, or on
// whom staff recorded a conflict, can never be assigned to the
// application, never reads it (ErrNotFound, as for an application that
// does not exist), and leaves the room when a session discusses it.
package calls

import (
	"errors"
	"strings"
	"time"

	"filiere/internal/db"
	"filiere/internal/directory"
)

// The types of call.
const (
	TypeProjectLabel  = "project_label"  // labelling of projects aiming at an external funding scheme
	TypeTrainingLabel = "training_label" // label of initial training courses
	TypeInterest      = "interest"       // call for expressions of interest (AMI)
	TypeVoucher       = "voucher"        // cascade-funding vouchers ranked by score
)

// Types lists them.
var Types = []string{TypeProjectLabel, TypeTrainingLabel, TypeInterest, TypeVoucher}

// Who may apply.
const (
	AudienceMembers = "members" // member organisations only
	AudienceAll     = "all"     // any organisation with an account
)

// Consortium rules.
const (
	ConsortiumSingle   = "single"   // the lead alone
	ConsortiumOptional = "optional" // partners allowed
	ConsortiumRequired = "required" // at least MinPartners partners
)

// Renewal modes of a label.
const (
	RenewalWritten = "written" // renewal on a written file only (no oral hearing)
	RenewalFull    = "full"    // the whole process again
	RenewalNone    = "none"
)

// The kinds of form field.
const (
	FieldText     = "text"
	FieldLongText = "longtext"
	FieldNumber   = "number"
	FieldMoney    = "money" // euros, stored in cents
	FieldDate     = "date"
	FieldChoice   = "choice"
	FieldFile     = "file" // a document (PDF, office file or image)
)

// FieldKinds lists them.
var FieldKinds = []string{FieldText, FieldLongText, FieldNumber, FieldMoney, FieldDate, FieldChoice, FieldFile}

// Application statuses.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusWithdrawn = "withdrawn"
)

// Pre-selection.
const (
	Eligible   = "eligible"
	Ineligible = "ineligible"
)

// Decisions.
const (
	DecisionLabelled    = "labelled"
	DecisionNotLabelled = "not_labelled"
	DecisionDeferred    = "deferred"
)

// Decisions lists them.
var Decisions = []string{DecisionLabelled, DecisionNotLabelled, DecisionDeferred}

// Funding outcomes of a labelled project.
const (
	FundingFunded    = "funded"
	FundingNotFunded = "not_funded"
	FundingPending   = "pending"
)

// Fundings lists them.
var Fundings = []string{FundingFunded, FundingNotFunded, FundingPending}

// Reasons of a conflict of interest.
const (
	ConflictAffiliation = "affiliation" // the expert works for the lead or a partner
	ConflictGroup       = "group"       // the expert's organisation is in the same group as one of them
	ConflictInterest    = "interest"    // the expert declared an interest in one of them
	ConflictRecorded    = "recorded"    // staff recorded a conflict on this application
)

// Paris is the time zone of calls' dates.
var Paris = mustParis()

func mustParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("calls: no Europe/Paris time zone: " + err.Error())
	}
	return loc
}

// Call is a call for applications.
type Call struct {
	ID                           int64
	Type                         string
	TitleFR, TitleEN             string
	DescriptionFR, DescriptionEN string
	// The external funding scheme a project-labelling call targets:
	// SchemeGroup such as "ANR", "Bpifrance", "Région", "EU"; Scheme such
	// as "ANR PRCE"; Wave such as "2026-1".
	SchemeGroup, Scheme, Wave string
	Year                      int
	OpensAt, ClosesAt         time.Time // applications are submitted in [OpensAt, ClosesAt]
	// ReviewsDue is when experts are asked to have submitted their
	// reviews (zero: no date); they are reminded before it.
	ReviewsDue               time.Time
	Audience                 string
	Consortium               string
	MinPartners, MaxPartners int // MaxPartners 0: no limit
	// The stages the call goes through, each optional.
	Preselection, Written, Hearing, Committee bool
	Evaluators                                int // experts per application
	Vouchers                                  int // voucher competitions: how many are awarded
	LabelName                                 string
	LabelMonths                               int // label validity; 0: no expiry
	Renewal                                   string
	Published                                 bool
	Imported                                  bool // created by the history import
	CreatedAt, UpdatedAt                      time.Time
	Fields                                    []Field     // the application form, in order
	Criteria                                  []Criterion // the evaluation grid, in order
}

// Title is the call's title in lang.
func (c Call) Title(lang string) string { return pick(lang, c.TitleFR, c.TitleEN) }

// Description is the call's description in lang.
func (c Call) Description(lang string) string { return pick(lang, c.DescriptionFR, c.DescriptionEN) }

// IsOpen reports whether the call takes submissions at now.
func (c Call) IsOpen(now time.Time) bool {
	return c.Published && !now.Before(c.OpensAt) && !now.After(c.ClosesAt)
}

// Labels reports whether a labelled application gets a label (with a
// certificate and a place in the catalogue).
func (c Call) Labels() bool { return c.LabelName != "" }

// Field is one field of a call's application form.
type Field struct {
	ID               int64
	Code             string // stable: answers and exports refer to it
	Kind             string
	LabelFR, LabelEN string
	HelpFR, HelpEN   string
	Required         bool
	Choices          []Choice // FieldChoice only
}

// Label is the field's label in lang.
func (f Field) Label(lang string) string { return pick(lang, f.LabelFR, f.LabelEN) }

// Help is the field's help text in lang.
func (f Field) Help(lang string) string { return pick(lang, f.HelpFR, f.HelpEN) }

// Choice is one option of a choice field.
type Choice struct {
	Code string `json:"code"`
	FR   string `json:"fr"`
	EN   string `json:"en,omitempty"`
}

// Label is the choice in lang.
func (c Choice) Label(lang string) string { return pick(lang, c.FR, c.EN) }

// Criterion is one line of the evaluation grid: scored from 0 to Scale,
// counting Weight in the weighted score.
type Criterion struct {
	ID               int64
	Code             string
	LabelFR, LabelEN string
	Weight           int
	Scale            int
}

// Label is the criterion in lang.
func (c Criterion) Label(lang string) string { return pick(lang, c.LabelFR, c.LabelEN) }

func pick(lang, fr, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return fr
}

// Errors of the calls.
var (
	// ErrNotFound: no such call, application, expert or session, or one
	// the viewer may not see (a conflicted expert gets this too).
	ErrNotFound = db.ErrNotFound
	// ErrClosed: a submission or change after the call's close (or
	// before it opens).
	ErrClosed = errors.New("calls: the call does not take submissions")
	// ErrState: the step does not fit the current state (withdrawing a
	// draft, deciding in a closed session…).
	ErrState = errors.New("calls: not possible in the current state")
	// ErrConflict: the expert is in conflict of interest with the
	// application.
	ErrConflict = errors.New("calls: conflict of interest")
	// ErrForbidden: the viewer may see the thing but not do this.
	ErrForbidden = errors.New("calls: not allowed")
	// ErrQuorum: the committee has too few voting members for a decision.
	ErrQuorum = errors.New("calls: quorum not reached")
)

// ErrorKey is the i18n key of the message a page shows for one of the
// package's errors, or "" for other errors.
func ErrorKey(err error) string {
	switch {
	case errors.Is(err, ErrClosed):
		return "calls.error.closed"
	case errors.Is(err, ErrState):
		return "calls.error.state"
	case errors.Is(err, ErrConflict):
		return "calls.error.conflict"
	case errors.Is(err, ErrForbidden):
		return "calls.error.forbidden"
	case errors.Is(err, ErrQuorum):
		return "calls.error.quorum"
	}
	return ""
}

// Service runs the calls.
type Service struct {
	db      *db.DB
	dir     *directory.Store
	baseURL string
	// Now is the clock; tests move it.
	Now func() time.Time
}

// New returns the calls over the directory dir, mailing links under
// baseURL (e.g. https://filiere.example).
func New(d *db.DB, dir *directory.Store, baseURL string) *Service {
	return &Service{db: d, dir: dir, baseURL: strings.TrimSuffix(baseURL, "/"), Now: time.Now}
}

func (s *Service) stamp() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }
