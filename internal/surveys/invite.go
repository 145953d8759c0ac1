package surveys

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/i18n"
	"filiere/internal/mail"
	"filiere/internal/notify"
	"filiere/internal/validate"
)

// Invitee is someone staff invite to answer.
type Invitee struct {
	Email, Name string
	Lang        string // of the mails: "fr" (default) or "en"
	// OrganisationID is their organisation in the directory (its sectors
	// and kind feed the breakdowns); when 0 and UserID is set, the
	// account's organisation.
	OrganisationID int64
	UserID         int64 // their account, if any: they are notified in the app too
}

// Invitation is one person invited to a survey.
type Invitation struct {
	ID             int64
	SurveyID       int64
	Email, Name    string
	Lang           string
	OrganisationID int64
	Organisation   string // its name, for the staff's list
	UserID         int64
	InvitedAt      time.Time
	MailedAt       time.Time // zero while the survey is a draft
	RemindedAt     time.Time // the last reminder
	Reminders      int
	RespondedAt    time.Time // zero until they answer
}

// Responded reports whether the invitee answered.
func (i Invitation) Responded() bool { return !i.RespondedAt.IsZero() }

// Invited is what Invite did: the invitations it added, and those of the
// people who already were invited (left as they were, not mailed again).
type Invited struct {
	Added, Existing []Invitation
}

// Invite invites people to a survey that is not closed. Invitations to an
// open survey are mailed at once, those to a draft when it opens. An
// e-mail address already invited is not invited twice. Errors name the
// fields invitees.N.email, invitees.N.name, invitees.N.organisation_id and
// invitees.N.user_id.
func (s *Service) Invite(ctx context.Context, surveyID int64, people []Invitee) (Invited, error) {
	if err := s.ready(); err != nil {
		return Invited{}, err
	}
	var errs validate.Errors
	for i := range people {
		p := &people[i]
		f := fmt.Sprintf("invitees.%d.", i)
		p.Email, p.Name, p.Lang = strings.ToLower(strings.TrimSpace(p.Email)), oneLine(p.Name), i18n.Lang(strings.TrimSpace(p.Lang))
		if !validate.Email(p.Email) || len(p.Email) > 254 {
			errs.Add(f+"email", "validate.email")
		}
		if utf8.RuneCountInString(p.Name) > maxName {
			errs.Add(f+"name", "validate.too_long", maxName)
		}
		if p.UserID != 0 {
			var org sql.NullInt64
			err := s.db.QueryRow(ctx, "SELECT organisation_id FROM users WHERE id = ?", p.UserID).Scan(&org)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				errs.Add(f+"user_id", "validate.choice")
			case err != nil:
				return Invited{}, fmt.Errorf("surveys: invite: %w", err)
			case p.OrganisationID == 0:
				p.OrganisationID = org.Int64
			}
		}
		if p.OrganisationID != 0 {
			var n int
			if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM organisations WHERE id = ?", p.OrganisationID).Scan(&n); err != nil {
				return Invited{}, fmt.Errorf("surveys: invite: %w", err)
			}
			if n == 0 {
				errs.Add(f+"organisation_id", "validate.choice")
			}
		}
	}
	if err := errs.Err(); err != nil {
		return Invited{}, err
	}
	var out Invited
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		sv, err := getSurvey(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		if sv.Status == StatusClosed {
			return ErrState
		}
		now := s.stamp()
		for _, p := range people {
			inv := Invitation{SurveyID: surveyID, Email: p.Email, Name: p.Name, Lang: p.Lang, OrganisationID: p.OrganisationID,
				UserID: p.UserID, InvitedAt: now}
			err := tx.QueryRow(ctx, `INSERT INTO survey_invitations (survey_id, email, name, lang, organisation_id, user_id, invited_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (survey_id, email) DO NOTHING RETURNING id`, surveyID, inv.Email, inv.Name,
				inv.Lang, nullInt(inv.OrganisationID), nullInt(inv.UserID), inv.InvitedAt).Scan(&inv.ID)
			if errors.Is(err, sql.ErrNoRows) {
				old, err := scanInvitation(tx.QueryRow(ctx, "SELECT "+invitationColumns+
					" FROM survey_invitations i LEFT JOIN organisations o ON o.id = i.organisation_id WHERE i.survey_id = ? AND i.email = ?",
					surveyID, inv.Email))
				if err != nil {
					return err
				}
				out.Existing = append(out.Existing, old)
				continue
			}
			if err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, "survey_invitation", inv.ID, "create", nil, inv); err != nil {
				return err
			}
			if sv.Status == StatusOpen {
				if err := s.mailInvitation(ctx, tx, sv, &inv, "surveys.mail.invite"); err != nil {
					return err
				}
			}
			out.Added = append(out.Added, inv)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrState) || errors.Is(err, db.ErrNotFound) {
			return Invited{}, err
		}
		return Invited{}, fmt.Errorf("surveys: invite: %w", err)
	}
	return out, nil
}

// Uninvite withdraws an invitation that has not been answered.
func (s *Service) Uninvite(ctx context.Context, surveyID, invitationID int64) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		inv, err := getInvitation(ctx, tx, invitationID)
		if err != nil {
			return err
		}
		if inv.SurveyID != surveyID {
			return db.ErrNotFound
		}
		if inv.Responded() {
			return ErrState
		}
		if _, err := tx.Exec(ctx, "DELETE FROM survey_invitations WHERE id = ?", inv.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "survey_invitation", inv.ID, "delete", inv, nil)
	})
	if err != nil && !errors.Is(err, ErrState) && !errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("surveys: uninvite: %w", err)
	}
	return err
}

// Invitations lists a survey's invitations by name and address. For an
// anonymous survey it tells who answered, never what.
func (s *Service) Invitations(ctx context.Context, surveyID int64) ([]Invitation, error) {
	rows, err := s.db.Query(ctx, "SELECT "+invitationColumns+
		" FROM survey_invitations i LEFT JOIN organisations o ON o.id = i.organisation_id WHERE i.survey_id = ? ORDER BY i.name, i.email",
		surveyID)
	if err != nil {
		return nil, fmt.Errorf("surveys: invitations: %w", err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, fmt.Errorf("surveys: invitations: %w", err)
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// RemindPending mails again, in their language, the invitees of an open
// survey who have not answered and were not mailed (invited or reminded)
// in the last ReminderDays days. It returns how many it reminded.
func (s *Service) RemindPending(ctx context.Context, surveyID int64) (int, error) {
	if err := s.ready(); err != nil {
		return 0, err
	}
	gap := s.ReminderDays
	if gap <= 0 {
		gap = DefaultReminderDays
	}
	n := 0
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		sv, err := getSurvey(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		now := s.stamp()
		if !sv.AcceptsAnswers(now) {
			return ErrState
		}
		rows, err := tx.Query(ctx, "SELECT "+invitationColumns+` FROM survey_invitations i LEFT JOIN organisations o ON o.id = i.organisation_id
			WHERE i.survey_id = ? AND i.responded_at IS NULL AND i.mailed_at IS NOT NULL AND COALESCE(i.reminded_at, i.mailed_at) <= ?
			ORDER BY i.id`, surveyID, now.AddDate(0, 0, -gap))
		if err != nil {
			return err
		}
		var due []Invitation
		for rows.Next() {
			inv, err := scanInvitation(rows)
			if err != nil {
				rows.Close()
				return err
			}
			due = append(due, inv)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, inv := range due {
			if err := s.mailInvitation(ctx, tx, sv, &inv, "surveys.mail.reminder"); err != nil {
				return err
			}
		}
		n = len(due)
		return audit.Record(ctx, tx, "survey", surveyID, "remind", nil, map[string]int{"reminded": n})
	})
	if err != nil {
		if errors.Is(err, ErrState) || errors.Is(err, db.ErrNotFound) {
			return 0, err
		}
		return 0, fmt.Errorf("surveys: remind: %w", err)
	}
	return n, nil
}

// mailInvitations mails the survey's invitations not mailed yet (when it
// opens).
func (s *Service) mailInvitations(ctx context.Context, tx *db.Tx, sv Survey) error {
	rows, err := tx.Query(ctx, "SELECT "+invitationColumns+` FROM survey_invitations i LEFT JOIN organisations o ON o.id = i.organisation_id
		WHERE i.survey_id = ? AND i.mailed_at IS NULL AND i.responded_at IS NULL ORDER BY i.id`, sv.ID)
	if err != nil {
		return err
	}
	var todo []Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, inv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, inv := range todo {
		if err := s.mailInvitation(ctx, tx, sv, &inv, "surveys.mail.invite"); err != nil {
			return err
		}
	}
	return nil
}

// mailInvitation mails the invitation (key surveys.mail.invite) or a
// reminder (surveys.mail.reminder) in the invitee's language, notifies
// them in the app when they have an account, and stamps the invitation.
func (s *Service) mailInvitation(ctx context.Context, tx *db.Tx, sv Survey, inv *Invitation, key string) error {
	lang := i18n.Lang(inv.Lang)
	link := s.URL(*inv)
	greeting := i18n.T(lang, "surveys.mail.hello_name", inv.Name)
	if inv.Name == "" {
		greeting = i18n.T(lang, "surveys.mail.hello")
	}
	var extra []string
	if intro := sv.Intro(lang); intro != "" {
		extra = append(extra, intro)
	}
	if sv.Anonymous {
		extra = append(extra, i18n.T(lang, "surveys.mail.anonymous"))
	} else {
		extra = append(extra, i18n.T(lang, "surveys.mail.named"))
	}
	if !sv.ClosesAt.IsZero() {
		extra = append(extra, i18n.T(lang, "surveys.mail.deadline", FormatTime(sv.ClosesAt, lang)))
	}
	body := greeting + "\n\n" + i18n.T(lang, key+".body", sv.Title(lang), strings.Join(extra, "\n\n"), link)
	if _, err := mail.Enqueue(ctx, tx, mail.Message{To: inv.Email, ToName: inv.Name,
		Subject: i18n.T(lang, key+".subject", sv.Title(lang)), Text: body}); err != nil {
		return err
	}
	now := s.stamp()
	if inv.UserID != 0 {
		if err := notify.Add(ctx, tx, inv.UserID, key+".notice", []string{sv.Title(lang)},
			strings.TrimPrefix(link, s.baseURL), now); err != nil {
			return err
		}
	}
	if key == "surveys.mail.reminder" {
		inv.RemindedAt, inv.Reminders = now, inv.Reminders+1
		_, err := tx.Exec(ctx, "UPDATE survey_invitations SET reminded_at = ?, reminders = ? WHERE id = ?", inv.RemindedAt, inv.Reminders, inv.ID)
		return err
	}
	inv.MailedAt = now
	_, err := tx.Exec(ctx, "UPDATE survey_invitations SET mailed_at = ? WHERE id = ?", inv.MailedAt, inv.ID)
	return err
}

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// FormatTime shows t in Paris time: "15/03/2026 à 18:00" or "15 March
// 2026, 18:00".
func FormatTime(t time.Time, lang string) string {
	t = t.In(paris)
	if lang == "en" {
		return t.Format("2 January 2006, 15:04")
	}
	return t.Format("02/01/2006") + " à " + t.Format("15:04")
}

const invitationColumns = `i.id, i.survey_id, i.email, i.name, i.lang, i.organisation_id, COALESCE(o.name, ''), i.user_id,
	i.invited_at, i.mailed_at, i.reminded_at, i.reminders, i.responded_at`

func scanInvitation(r scanner) (Invitation, error) {
	var inv Invitation
	var org, user sql.NullInt64
	var mailed, reminded, responded sql.NullTime
	if err := r.Scan(&inv.ID, &inv.SurveyID, &inv.Email, &inv.Name, &inv.Lang, &org, &inv.Organisation, &user,
		&inv.InvitedAt, &mailed, &reminded, &inv.Reminders, &responded); err != nil {
		return Invitation{}, err
	}
	inv.OrganisationID, inv.UserID = org.Int64, user.Int64
	inv.InvitedAt, inv.MailedAt, inv.RemindedAt, inv.RespondedAt = inv.InvitedAt.UTC(), utc(mailed.Time), utc(reminded.Time), utc(responded.Time)
	return inv, nil
}

func getInvitation(ctx context.Context, q db.Querier, id int64) (Invitation, error) {
	inv, err := scanInvitation(q.QueryRow(ctx, "SELECT "+invitationColumns+
		" FROM survey_invitations i LEFT JOIN organisations o ON o.id = i.organisation_id WHERE i.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Invitation{}, db.ErrNotFound
	}
	return inv, err
}
