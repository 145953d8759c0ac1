package matchmaking

import (
	"context"
	"fmt"
	"strconv"

	"filiere/internal/db"
)

// SweepReport counts what a sweep did.
type SweepReport struct {
	Reminded, Expired, FollowedUp int
}

// Sweep runs the desk's deadlines: it reminds providers who have not
// answered the settings' reminder days before their deadline, expires the
// answers not given in time, and asks both sides of each introduction the
// outcome once its follow-up day has come. Each step happens once; serve
// runs it every few minutes.
func (s *Service) Sweep(ctx context.Context) (SweepReport, error) {
	if err := s.ready(); err != nil {
		return SweepReport{}, err
	}
	var r SweepReport
	set, err := s.Settings(ctx)
	if err != nil {
		return r, err
	}
	now := s.stamp()
	due, err := listCandidates(ctx, s.db, "c.state = 'notified' AND c.reminded_at IS NULL AND c.respond_by > ? AND c.respond_by <= ?",
		now, now.AddDate(0, 0, set.ReminderDays))
	if err != nil {
		return r, err
	}
	for _, c := range due {
		err := s.db.Tx(ctx, func(tx *db.Tx) error {
			res, err := tx.Exec(ctx, "UPDATE need_candidates SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL AND state = 'notified'", now, c.ID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // another node did it
			}
			n, err := getNeed(ctx, tx, c.NeedID)
			if err != nil {
				return err
			}
			rs, err := s.providerRecipients(ctx, c.OrganisationID)
			if err != nil {
				return err
			}
			for _, rc := range rs {
				deadline := c.RespondBy.In(paris).Format("02/01/2006 15:04")
				if err := s.send(ctx, tx, rc, "matchmaking.mail.reminder", []any{n.Reference}, []any{n.Title, deadline, s.providerURL(c)},
					s.baseURL+"/needs/"+strconv.FormatInt(n.ID, 10), []string{n.Reference}); err != nil {
					return err
				}
			}
			r.Reminded++
			return s.event(ctx, tx, n.ID, "reminded", c.OrganisationID, c.Organisation)
		})
		if err != nil {
			return r, fmt.Errorf("matchmaking: remind: %w", err)
		}
	}
	late, err := listCandidates(ctx, s.db, "c.state = 'notified' AND c.respond_by <= ?", now)
	if err != nil {
		return r, err
	}
	for _, c := range late {
		err := s.db.Tx(ctx, func(tx *db.Tx) error {
			res, err := tx.Exec(ctx, "UPDATE need_candidates SET state = 'expired' WHERE id = ? AND state = 'notified'", c.ID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			r.Expired++
			return s.event(ctx, tx, c.NeedID, "expired", c.OrganisationID, c.Organisation)
		})
		if err != nil {
			return r, fmt.Errorf("matchmaking: expire: %w", err)
		}
	}
	follow, err := listCandidates(ctx, s.db, "c.introduced_at IS NOT NULL AND c.followup_at IS NOT NULL AND c.followup_at <= ?", now)
	if err != nil {
		return r, err
	}
	for _, c := range follow {
		err := s.db.Tx(ctx, func(tx *db.Tx) error {
			res, err := tx.Exec(ctx, "UPDATE need_candidates SET followup_at = NULL WHERE id = ? AND followup_at IS NOT NULL", c.ID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			n, err := getNeed(ctx, tx, c.NeedID)
			if err != nil {
				return err
			}
			b := buyer(n)
			if err := s.send(ctx, tx, b, "matchmaking.mail.followup", []any{n.Reference}, []any{c.Organisation, n.Title, s.BuyerURL(n)},
				s.BuyerURL(n), []string{n.Reference}); err != nil {
				return err
			}
			rs, err := s.providerRecipients(ctx, c.OrganisationID)
			if err != nil {
				return err
			}
			who := n.BuyerCompany
			if who == "" {
				who = n.BuyerName
			}
			for _, rc := range rs {
				if err := s.send(ctx, tx, rc, "matchmaking.mail.followup", []any{n.Reference}, []any{who, n.Title, s.providerURL(c)},
					s.baseURL+"/needs/"+strconv.FormatInt(n.ID, 10), []string{n.Reference}); err != nil {
					return err
				}
			}
			r.FollowedUp++
			return s.event(ctx, tx, n.ID, "followup", c.OrganisationID, c.Organisation)
		})
		if err != nil {
			return r, fmt.Errorf("matchmaking: follow up: %w", err)
		}
	}
	return r, nil
}
