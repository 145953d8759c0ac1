package calls

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"filiere/internal/db"
	"filiere/internal/i18n"
	"filiere/internal/mail"
)

// FormatTime writes t in Paris time for lang: "30/04/2026 à 12:00" or
// "30/04/2026 at 12:00".
func FormatTime(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	return i18n.T(lang, "calls.datetime", t.In(Paris).Format("02/01/2006"), t.In(Paris).Format("15:04"))
}

// FormatDate writes t's day in Paris time (02/01/2006).
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Paris).Format("02/01/2006")
}

// mailApplicant tells the person who created an application about a
// step (kind: submitted, ineligible, labelled, not_labelled), in the
// application's language, in the change's transaction. Imported
// applications and those whose author's account is gone mail nobody.
func (s *Service) mailApplicant(ctx context.Context, tx *db.Tx, a Application, c Call, kind string) error {
	if a.CreatedBy == 0 || a.Imported {
		return nil
	}
	var email, name string
	var disabled bool
	err := tx.QueryRow(ctx, "SELECT email, name, disabled FROM users WHERE id = ?", a.CreatedBy).Scan(&email, &name, &disabled)
	if errors.Is(err, sql.ErrNoRows) || disabled {
		return nil
	}
	if err != nil {
		return err
	}
	lang := a.Lang
	link := fmt.Sprintf("%s/applications/%d", s.baseURL, a.ID)
	var detail string
	switch kind {
	case "submitted":
		detail = i18n.T(lang, "calls.mail.submitted.detail", FormatTime(c.ClosesAt, lang))
	case "ineligible":
		detail = a.IneligibleReason
	case DecisionLabelled:
		detail = a.DecisionNote
		if a.LabelNumber != "" {
			detail = i18n.T(lang, "calls.mail.labelled.label", c.LabelName, a.LabelNumber)
			if !a.LabelUntil.IsZero() {
				detail += " " + i18n.T(lang, "calls.mail.labelled.until", FormatDate(a.LabelUntil))
			}
			if a.DecisionNote != "" {
				detail += "\n\n" + a.DecisionNote
			}
		}
	case DecisionNotLabelled:
		detail = a.DecisionNote
	}
	body := i18n.T(lang, "calls.mail.hello", name) + "\n\n" +
		i18n.T(lang, "calls.mail."+kind+".body", a.Reference, a.Title, c.Title(lang)) + "\n\n"
	if detail != "" {
		body += detail + "\n\n"
	}
	body += i18n.T(lang, "calls.mail.link", link)
	_, err = mail.Enqueue(ctx, tx, mail.Message{To: email, ToName: name,
		Subject: i18n.T(lang, "calls.mail."+kind+".subject", a.Reference, c.Title(lang)), Text: body})
	return err
}
