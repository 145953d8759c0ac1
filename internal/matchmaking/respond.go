package matchmaking

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"filiere/internal/db"
	"filiere/internal/i18n"
	"filiere/internal/validate"
)

// Responder is who answers for a provider: the signed-in member, or the
// contact who followed the mailed link.
type Responder struct {
	Name, Email, Phone string
}

// Respond records a shortlisted provider's answer: interested (accept,
// with a message for the buyer) or not. Only before the deadline, once.
// An acceptance is told to the buyer, who then consents or not.
func (s *Service) Respond(ctx context.Context, candidateID int64, accept bool, message string, who Responder) (Candidate, error) {
	if err := s.ready(); err != nil {
		return Candidate{}, err
	}
	message = strings.TrimSpace(message)
	who.Name, who.Email, who.Phone = strings.TrimSpace(who.Name), strings.ToLower(strings.TrimSpace(who.Email)), strings.TrimSpace(who.Phone)
	var errs validate.Errors
	if utf8.RuneCountInString(message) > 2000 {
		errs.Add("message", "validate.too_long", 2000)
	}
	// Whoever accepts is the contact the buyer receives: a name and an
	// address are needed.
	if accept {
		switch {
		case who.Name == "":
			errs.Add("responder_name", "validate.required")
		case utf8.RuneCountInString(who.Name) > maxShort:
			errs.Add("responder_name", "validate.too_long", maxShort)
		}
		if who.Email == "" {
			errs.Add("responder_email", "validate.required")
		} else if a, err := mail.ParseAddress(who.Email); err != nil || a.Address != who.Email || len(who.Email) > 254 {
			errs.Add("responder_email", "validate.email")
		}
	}
	if utf8.RuneCountInString(who.Phone) > 30 {
		errs.Add("responder_phone", "validate.too_long", 30)
	}
	if err := errs.Err(); err != nil {
		return Candidate{}, err
	}
	var c Candidate
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if c, err = getCandidate(ctx, tx, candidateID); err != nil {
			return err
		}
		n, err := getNeed(ctx, tx, c.NeedID)
		if err != nil {
			return err
		}
		now := s.stamp()
		if c.State != StateNotified || n.Status != StatusShortlisted || now.After(c.RespondBy) {
			return ErrState
		}
		before := c
		c.State, c.RespondedAt, c.Message = StateDeclined, now, message
		if accept {
			c.State = StateAccepted
		}
		c.ResponderName, c.ResponderEmail, c.ResponderPhone = who.Name, who.Email, who.Phone
		if _, err := tx.Exec(ctx, `UPDATE need_candidates SET state = ?, responded_at = ?, message = ?, responder_name = ?,
			responder_email = ?, responder_phone = ? WHERE id = ?`, c.State, c.RespondedAt, c.Message, c.ResponderName,
			c.ResponderEmail, c.ResponderPhone, c.ID); err != nil {
			return err
		}
		if err := s.event(ctx, tx, n.ID, c.State, c.OrganisationID, c.Organisation); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, n.ID, "respond", before, c); err != nil {
			return err
		}
		if accept {
			return s.send(ctx, tx, buyer(n), "matchmaking.mail.accepted", []any{n.Reference},
				[]any{c.Organisation, n.Title, s.BuyerURL(n)}, s.BuyerURL(n), []string{c.Organisation, n.Reference})
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrState) || errors.Is(err, db.ErrNotFound) {
			return Candidate{}, err
		}
		if _, ok := validate.As(err); ok {
			return Candidate{}, err
		}
		return Candidate{}, fmt.Errorf("matchmaking: respond: %w", err)
	}
	return c, nil
}

// Decide records the buyer's consent (or refusal) to be introduced to a
// provider who accepted. With both consents, the introduction is made:
// each side receives the other's contact details, and the outcome will be
// asked after the settings' follow-up days.
func (s *Service) Decide(ctx context.Context, needID, candidateID int64, accept bool) (Candidate, error) {
	if err := s.ready(); err != nil {
		return Candidate{}, err
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return Candidate{}, err
	}
	var c Candidate
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if c, err = getCandidate(ctx, tx, candidateID); err != nil {
			return err
		}
		if c.NeedID != needID {
			return db.ErrNotFound
		}
		n, err := getNeed(ctx, tx, needID)
		if err != nil {
			return err
		}
		if c.State != StateAccepted || c.BuyerDecision != "" || n.Status == StatusClosed {
			return ErrState
		}
		before := c
		now := s.stamp()
		c.BuyerDecision, c.BuyerDecidedAt = DecisionDeclined, now
		if accept {
			c.BuyerDecision, c.IntroducedAt, c.FollowupAt = DecisionAccepted, now, now.AddDate(0, 0, set.FollowupDays)
		}
		if _, err := tx.Exec(ctx, "UPDATE need_candidates SET buyer_decision = ?, buyer_decided_at = ?, introduced_at = ?, followup_at = ? WHERE id = ?",
			c.BuyerDecision, c.BuyerDecidedAt, nullTime(c.IntroducedAt), nullTime(c.FollowupAt), c.ID); err != nil {
			return err
		}
		kind := "buyer_declined"
		if accept {
			kind = "introduced"
		}
		if err := s.event(ctx, tx, n.ID, kind, c.OrganisationID, c.Organisation); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, n.ID, "decide", before, c); err != nil {
			return err
		}
		return s.tellDecision(ctx, tx, n, c)
	})
	if err != nil {
		if errors.Is(err, ErrState) || errors.Is(err, db.ErrNotFound) {
			return Candidate{}, err
		}
		return Candidate{}, fmt.Errorf("matchmaking: decide: %w", err)
	}
	return c, nil
}

// tellDecision mails the introduction to both sides (each with the
// other's contact details), or the buyer's refusal to the provider.
func (s *Service) tellDecision(ctx context.Context, q db.Querier, n Need, c Candidate) error {
	rs, err := s.providerRecipients(ctx, c.OrganisationID)
	if err != nil {
		return err
	}
	link := s.baseURL + "/needs/" + strconv.FormatInt(n.ID, 10)
	if c.BuyerDecision != DecisionAccepted {
		for _, r := range rs {
			if err := s.send(ctx, q, r, "matchmaking.mail.buyer_declined", []any{n.Reference}, []any{n.Title}, link,
				[]string{n.Reference}); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range rs {
		contact := contactLines(r.Lang, n.BuyerName, n.BuyerCompany, n.BuyerEmail, n.BuyerPhone)
		if err := s.send(ctx, q, r, "matchmaking.mail.introduced_provider", []any{n.Reference},
			[]any{n.Title, contact, s.providerURL(c)}, link, []string{n.Reference, n.Title}); err != nil {
			return err
		}
	}
	b := buyer(n)
	contact := contactLines(b.Lang, c.ResponderName, c.Organisation, c.ResponderEmail, c.ResponderPhone)
	return s.send(ctx, q, b, "matchmaking.mail.introduced_buyer", []any{n.Reference, c.Organisation},
		[]any{c.Organisation, n.Title, contact, c.Message, s.BuyerURL(n)}, s.BuyerURL(n), []string{c.Organisation, n.Reference})
}

// contactLines formats a contact for a mail.
func contactLines(lang, name, company, email, phone string) string {
	var lines []string
	for _, l := range []struct{ key, v string }{{"matchmaking.contact.name", name}, {"matchmaking.contact.company", company},
		{"matchmaking.contact.email", email}, {"matchmaking.contact.phone", phone}} {
		if l.v != "" {
			lines = append(lines, i18n.T(lang, l.key)+" : "+l.v)
		}
	}
	if lang == "en" {
		for i := range lines {
			lines[i] = strings.Replace(lines[i], " : ", ": ", 1)
		}
	}
	return strings.Join(lines, "\n")
}

func anonymousBuyer(lang string) string { return i18n.T(lang, "matchmaking.anonymous_buyer") }

// The outcomes of an introduction.
const (
	OutcomeNoContact = "no_contact"
	OutcomeQuoteSent = "quote_sent"
	OutcomeOrderWon  = "order_won"
)

// Outcomes lists them.
var Outcomes = []string{OutcomeNoContact, OutcomeQuoteSent, OutcomeOrderWon}

// The sides of an introduction.
const (
	SideBuyer    = "buyer"
	SideProvider = "provider"
)

// Outcome is what one side reported.
type Outcome struct {
	NeedID      int64 // the need the introduction belongs to: a candidate of another need is not found
	CandidateID int64
	Side        string
	Outcome     string
	Amount      int64 // cents, for an order won (optional)
	Note        string
}

// ReportOutcome records (or corrects) one side's outcome of an
// introduction.
func (s *Service) ReportOutcome(ctx context.Context, o Outcome) error {
	var errs validate.Errors
	if o.Outcome != OutcomeNoContact && o.Outcome != OutcomeQuoteSent && o.Outcome != OutcomeOrderWon {
		errs.Add("outcome", "validate.choice")
	}
	if o.Amount < 0 || (o.Amount > 0 && o.Outcome != OutcomeOrderWon) {
		errs.Add("amount", "matchmaking.amount_order_only")
	}
	if o.Side != SideBuyer && o.Side != SideProvider {
		return fmt.Errorf("matchmaking: outcome: side %q", o.Side)
	}
	o.Note = strings.TrimSpace(o.Note)
	if utf8.RuneCountInString(o.Note) > 1000 {
		errs.Add("note", "validate.too_long", 1000)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		c, err := getCandidate(ctx, tx, o.CandidateID)
		if err != nil {
			return err
		}
		if c.NeedID != o.NeedID {
			return db.ErrNotFound
		}
		if !c.Introduced() {
			return ErrState
		}
		var amount any
		if o.Amount > 0 {
			amount = o.Amount
		}
		if _, err := tx.Exec(ctx, `INSERT INTO need_outcomes (candidate_id, side, outcome, amount, note, reported_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (candidate_id, side) DO UPDATE SET outcome = excluded.outcome, amount = excluded.amount,
			note = excluded.note, reported_at = excluded.reported_at`, c.ID, o.Side, o.Outcome, amount, o.Note, s.stamp()); err != nil {
			return err
		}
		if err := s.event(ctx, tx, c.NeedID, "outcome_"+o.Side, c.OrganisationID, o.Outcome); err != nil {
			return err
		}
		return s.audit(ctx, tx, c.NeedID, "outcome", nil, o)
	})
}

// OutcomesOf returns what each side reported for a candidate.
func (s *Service) OutcomesOf(ctx context.Context, candidateID int64) (map[string]Outcome, error) {
	rows, err := s.db.Query(ctx, "SELECT side, outcome, amount, note FROM need_outcomes WHERE candidate_id = ?", candidateID)
	if err != nil {
		return nil, fmt.Errorf("matchmaking: outcomes: %w", err)
	}
	defer rows.Close()
	out := map[string]Outcome{}
	for rows.Next() {
		o := Outcome{CandidateID: candidateID}
		var amount *int64
		if err := rows.Scan(&o.Side, &o.Outcome, &amount, &o.Note); err != nil {
			return nil, err
		}
		if amount != nil {
			o.Amount = *amount
		}
		out[o.Side] = o
	}
	return out, rows.Err()
}
