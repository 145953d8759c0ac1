// Package surveys is the questionnaire engine: satisfaction surveys after
// events and support actions, and standalone flash surveys (e.g. the cash
// runway of the ecosystem's companies). Staff write a survey (scales,
// recommendation, choices, text), invite people, each of whom answers once
// through a signed link, remind those who have not answered, and read the
// results: per question, per event session, and for flash surveys per
// sector and kind of organisation.
//
// Anonymity is a property of the storage, not of the pages: the response
// of an anonymous survey keeps no invitation id, only the day it came and
// its organisation's sectors and kind at answer time; its row id is
// random, so that row order says nothing of who answered when.
package surveys

import (
	"errors"
	"strings"
	"time"

	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/signed"
)

// What a survey is about.
const (
	SubjectEvent         = "event"          // SubjectID is an event's id
	SubjectSupportAction = "support_action" // SubjectID is a support action's id
	SubjectFlash         = "flash"          // a standalone flash survey, no SubjectID
)

// SubjectKinds lists them.
var SubjectKinds = []string{SubjectEvent, SubjectSupportAction, SubjectFlash}

// The statuses of a survey.
const (
	StatusDraft  = "draft"  // being written; invitations wait
	StatusOpen   = "open"   // invitations mailed, answers taken
	StatusClosed = "closed" // no more answers
)

// Statuses lists them in workflow order.
var Statuses = []string{StatusDraft, StatusOpen, StatusClosed}

// The kinds of question.
const (
	KindScale5   = "scale5"   // 1 (very dissatisfied) to 5 (very satisfied)
	KindScale10  = "scale10"  // 1 to 10
	KindNPS      = "nps"      // 0 to 10: how likely to recommend
	KindSingle   = "single"   // one of the choices
	KindMultiple = "multiple" // any of the choices
	KindText     = "text"     // free text
)

// Kinds lists them.
var Kinds = []string{KindScale5, KindScale10, KindNPS, KindSingle, KindMultiple, KindText}

// Range returns the values a scale question takes (1-5, 1-10, 0-10);
// ok is false for the other kinds.
func Range(kind string) (lo, hi int, ok bool) {
	switch kind {
	case KindScale5:
		return 1, 5, true
	case KindScale10:
		return 1, 10, true
	case KindNPS:
		return 0, 10, true
	}
	return 0, 0, false
}

// HasChoices reports whether questions of kind list choices.
func HasChoices(kind string) bool { return kind == KindSingle || kind == KindMultiple }

// Survey is a questionnaire.
type Survey struct {
	ID               int64
	TitleFR, TitleEN string
	IntroFR, IntroEN string
	SubjectKind      string
	SubjectID        int64 // 0 for a flash survey
	// Anonymous: the answers can never be tied to the person who gave
	// them (see the package comment).
	Anonymous bool
	Status    string
	ClosesAt  time.Time // answers are taken until then; zero when open until closed by hand
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
	OpenedAt  time.Time
	ClosedAt  time.Time
	Questions []Question // in order
	// Invited and Responded count the invitations and those answered
	// (filled by Get and List).
	Invited, Responded int
}

// Title is the survey's title in lang (French when there is no English).
func (s Survey) Title(lang string) string { return pick(lang, s.TitleFR, s.TitleEN) }

// Intro is the survey's introduction in lang.
func (s Survey) Intro(lang string) string { return pick(lang, s.IntroFR, s.IntroEN) }

// AcceptsAnswers reports whether the survey takes answers at now: open,
// and before its closing date.
func (s Survey) AcceptsAnswers(now time.Time) bool {
	return s.Status == StatusOpen && (s.ClosesAt.IsZero() || now.Before(s.ClosesAt))
}

// Question is one question of a survey.
type Question struct {
	ID               int64 // 0 in an Input
	Kind             string
	LabelFR, LabelEN string
	Required         bool
	// SessionID is the event session the question is about (0: the whole
	// subject), SessionLabel what the results call it.
	SessionID    int64
	SessionLabel string
	Choices      []Choice // single and multiple only, in order
}

// Label is the question in lang.
func (q Question) Label(lang string) string { return pick(lang, q.LabelFR, q.LabelEN) }

// Choice returns the choice with code.
func (q Question) Choice(code string) (Choice, bool) {
	for _, c := range q.Choices {
		if c.Code == code {
			return c, true
		}
	}
	return Choice{}, false
}

// Choice is one answer a choice question offers. Code is stable: answers
// and exports refer to it while labels may be reworded.
type Choice struct {
	Code             string
	LabelFR, LabelEN string
}

// Label is the choice in lang.
func (c Choice) Label(lang string) string { return pick(lang, c.LabelFR, c.LabelEN) }

func pick(lang, fr, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return fr
}

// Input is what staff write.
type Input struct {
	TitleFR, TitleEN string
	IntroFR, IntroEN string
	SubjectKind      string
	SubjectID        int64
	Anonymous        bool
	ClosesAt         time.Time
	Questions        []Question // IDs are ignored
}

// Errors of the surveys.
var (
	// ErrState: the step does not fit the survey's status (inviting to a
	// closed survey, editing a closed one…).
	ErrState = errors.New("surveys: not possible in the survey's current state")
	// ErrClosed: an answer came after the survey closed (or before it
	// opened).
	ErrClosed = errors.New("surveys: the survey does not take answers")
	// ErrAlreadyAnswered: a second answer to an anonymous survey, which
	// cannot be edited since nothing ties the response to the invitation.
	ErrAlreadyAnswered = errors.New("surveys: already answered")
)

// ErrorKey is the i18n key of the message a page shows for one of the
// package's errors, or "" for other errors.
func ErrorKey(err error) string {
	switch {
	case errors.Is(err, ErrState):
		return "surveys.error.state"
	case errors.Is(err, ErrClosed):
		return "surveys.error.closed"
	case errors.Is(err, ErrAlreadyAnswered):
		return "surveys.error.already_answered"
	}
	return ""
}

// DefaultReminderDays is how many days RemindPending waits after the
// invitation or the last reminder before mailing someone again.
const DefaultReminderDays = 7

// Service runs the surveys.
type Service struct {
	db      *db.DB
	dir     *directory.Store
	baseURL string
	// Now is the clock; tests move it.
	Now func() time.Time
	// ReminderDays is RemindPending's gap (DefaultReminderDays).
	ReminderDays int

	links *signed.Links
}

// New returns the surveys over the directory dir, mailing links under
// baseURL (e.g. https://filiere.example).
func New(d *db.DB, dir *directory.Store, baseURL string) *Service {
	return &Service{db: d, dir: dir, baseURL: strings.TrimSuffix(baseURL, "/"), Now: time.Now, ReminderDays: DefaultReminderDays,
		links: signed.New(d, "survey_settings")}
}

func (s *Service) stamp() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }
