package calls

import (
	"context"
	"fmt"
	"slices"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/i18n"
	"filiere/internal/mail"
)

// ReviewReminderDays is how long before a call's review date experts
// with reviews still to submit are reminded.
const ReviewReminderDays = 3

// RemindReviewers mails each expert who still has reviews to submit for
// a call whose review date comes within ReviewReminderDays, once per
// assignment: one mail per expert and call, listing the applications. It
// returns how many experts were mailed.
func (s *Service) RemindReviewers(ctx context.Context) (int, error) {
	now := s.stamp()
	rows, err := s.db.Query(ctx, `SELECT x.expert_id, a.call_id, a.id FROM assignments x
		JOIN applications a ON a.id = x.application_id JOIN calls c ON c.id = a.call_id
		WHERE x.submitted_at IS NULL AND x.reminded_at IS NULL AND a.status = 'submitted' AND a.decision = ''
		AND a.eligibility <> 'ineligible' AND c.reviews_due IS NOT NULL AND c.reviews_due > ? AND c.reviews_due <= ?
		ORDER BY x.expert_id, a.call_id, a.reference`, now, now.Add(ReviewReminderDays*24*time.Hour))
	if err != nil {
		return 0, fmt.Errorf("calls: review reminders: %w", err)
	}
	type batch struct {
		expert, call int64
		apps         []int64
	}
	var batches []batch
	for rows.Next() {
		var expert, call, app int64
		if err := rows.Scan(&expert, &call, &app); err != nil {
			rows.Close()
			return 0, fmt.Errorf("calls: review reminders: %w", err)
		}
		if n := len(batches); n > 0 && batches[n-1].expert == expert && batches[n-1].call == call {
			batches[n-1].apps = append(batches[n-1].apps, app)
			continue
		}
		batches = append(batches, batch{expert: expert, call: call, apps: []int64{app}})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("calls: review reminders: %w", err)
	}
	sent := 0
	for _, b := range batches {
		mailed := false
		err := s.db.Tx(ctx, func(tx *db.Tx) error {
			c, err := getCall(ctx, tx, b.call)
			if err != nil {
				return err
			}
			e, err := getExpert(ctx, tx, b.expert)
			if err != nil {
				return err
			}
			var owed []Application
			for _, id := range b.apps {
				a, err := getApplication(ctx, tx, id)
				if err != nil {
					return err
				}
				// A conflict that appeared since removed the assignment;
				// check anyway: nothing about a conflicted application
				// reaches its expert.
				if cs, err := conflictsOf(ctx, tx, id, b.expert); err != nil || len(cs) > 0 {
					if err != nil {
						return err
					}
					continue
				}
				owed = append(owed, a)
				if _, err := tx.Exec(ctx, "UPDATE assignments SET reminded_at = ? WHERE application_id = ? AND expert_id = ?",
					now, id, b.expert); err != nil {
					return err
				}
			}
			if len(owed) == 0 {
				return nil
			}
			lang := e.Lang
			if !slices.Contains([]string{"fr", "en"}, lang) {
				lang = "fr"
			}
			body := i18n.T(lang, "calls.mail.hello", e.Name) + "\n\n" +
				i18n.T(lang, "calls.mail.review_due.body", c.Title(lang), FormatTime(c.ReviewsDue, lang))
			for _, a := range owed {
				body += "\n" + i18n.T(lang, "calls.mail.review_due.line", a.Reference, a.Title, fmt.Sprintf("%s/applications/%d/review", s.baseURL, a.ID))
			}
			if _, err := mail.Enqueue(ctx, tx, mail.Message{To: e.Email, ToName: e.Name,
				Subject: i18n.T(lang, "calls.mail.review_due.subject", c.Title(lang), FormatDate(c.ReviewsDue)), Text: body}); err != nil {
				return err
			}
			mailed = true
			return audit.Record(ctx, tx, "assignment", fmt.Sprintf("expert %d", b.expert), "review_reminder", nil,
				map[string]any{"call": b.call, "applications": b.apps})
		})
		if err != nil {
			return sent, fmt.Errorf("calls: review reminder to expert %d: %w", b.expert, err)
		}
		if mailed {
			sent++
		}
	}
	return sent, nil
}
