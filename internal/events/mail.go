package events

import (
	"context"

	"filiere/internal/db"
	"filiere/internal/i18n"
)

// where is the event's place for a mail: the venue, the online link, or
// both.
func where(lang string, e Event) string {
	switch {
	case e.Place() != "" && e.Online():
		return i18n.T(lang, "events.where.hybrid", e.Place(), e.OnlineURL)
	case e.Online():
		return i18n.T(lang, "events.where.online", e.OnlineURL)
	}
	return e.Place()
}

// mailConfirmLink asks a registrant without an account to confirm their
// address.
func (s *Service) mailConfirmLink(ctx context.Context, q db.Querier, e Event, r Registration) error {
	lang := r.Lang
	return s.send(ctx, q, r.recipient(), "events.mail.confirm", []any{e.Title(lang)},
		[]any{e.Title(lang), e.When(lang), s.baseURL + ConfirmPath(s.ConfirmToken(r))}, "", nil)
}

// mailPlaced tells a registrant they have a place, or are on the waiting
// list.
func (s *Service) mailPlaced(ctx context.Context, q db.Querier, e Event, r Registration) error {
	lang := r.Lang
	if r.Status == RegWaiting {
		return s.send(ctx, q, r.recipient(), "events.mail.waiting", []any{e.Title(lang)},
			[]any{e.Title(lang), e.When(lang), r.Position, s.manageURL(r)}, "", nil)
	}
	return s.send(ctx, q, r.recipient(), "events.mail.confirmed", []any{e.Title(lang)},
		[]any{e.Title(lang), e.When(lang), where(lang, e), s.baseURL + ICSPath(e.ID), s.manageURL(r)}, "", nil)
}

// mailPromoted tells a registrant a place freed for them.
func (s *Service) mailPromoted(ctx context.Context, q db.Querier, e Event, r Registration) error {
	lang := r.Lang
	return s.send(ctx, q, r.recipient(), "events.mail.promoted", []any{e.Title(lang)},
		[]any{e.Title(lang), e.When(lang), where(lang, e), s.baseURL + ICSPath(e.ID), s.manageURL(r)},
		EventPath(e.ID), []string{e.Title(lang)})
}

// mailCancelledByStaff tells a registrant staff cancelled their
// registration.
func (s *Service) mailCancelledByStaff(ctx context.Context, q db.Querier, e Event, r Registration) error {
	lang := r.Lang
	return s.send(ctx, q, r.recipient(), "events.mail.cancelled_by_staff", []any{e.Title(lang)},
		[]any{e.Title(lang), e.When(lang)}, EventPath(e.ID), []string{e.Title(lang)})
}

// mailEventCancelled tells a registrant the event is cancelled.
func (s *Service) mailEventCancelled(ctx context.Context, q db.Querier, e Event, r Registration) error {
	lang := r.Lang
	reason := ""
	if e.CancelReason != "" {
		reason = i18n.T(lang, "events.mail.reason", e.CancelReason)
	}
	return s.send(ctx, q, r.recipient(), "events.mail.event_cancelled", []any{e.Title(lang)},
		[]any{e.Title(lang), e.When(lang), reason}, EventPath(e.ID), []string{e.Title(lang)})
}
