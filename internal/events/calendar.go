package events

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"filiere/internal/i18n"
	"filiere/internal/ics"
)

// feedHistory is how far back the feed keeps past events.
const feedHistory = 180 * 24 * time.Hour

// icsEvent is e as a calendar entry, in lang.
func (s *Service) icsEvent(e Event, lang string) ics.Event {
	status := ics.StatusConfirmed
	switch e.Status {
	case StatusCancelled:
		status = ics.StatusCancelled
	case StatusDraft:
		status = ics.StatusTentative
	}
	location := e.Place()
	if location == "" {
		location = e.OnlineURL
	}
	desc := e.Description(lang)
	if e.Online() {
		if desc != "" {
			desc += "\n\n"
		}
		desc += i18n.T(lang, "events.where.online", e.OnlineURL)
	}
	if e.Status == StatusCancelled && e.CancelReason != "" {
		desc = i18n.T(lang, "events.mail.reason", e.CancelReason) + desc
	}
	return ics.Event{
		UID:          "event-" + strconv.FormatInt(e.ID, 10) + "@" + s.uidHost(),
		Stamp:        e.UpdatedAt,
		Start:        e.Start,
		End:          e.End,
		Summary:      e.Title(lang),
		Description:  desc,
		Location:     location,
		URL:          s.baseURL + EventPath(e.ID),
		Status:       status,
		Sequence:     e.Sequence,
		LastModified: e.UpdatedAt,
	}
}

// ICS is the iCalendar file of one event, in lang (check first that the
// reader may see it, with Event).
func (s *Service) ICS(e Event, lang string) []byte {
	return ics.Marshal(ics.Calendar{Events: []ics.Event{s.icsEvent(e, i18n.Lang(lang))}})
}

// Feed is the iCalendar feed of every public event, published or
// cancelled (so that subscribed calendars drop it), from 180 days ago on.
func (s *Service) Feed(ctx context.Context, lang string) ([]byte, error) {
	lang = i18n.Lang(lang)
	rows, err := s.db.Query(ctx, "SELECT "+eventColumns+` FROM events e WHERE e.audience = 'public'
		AND e.status IN ('published', 'cancelled') AND e.ends_at > ? ORDER BY e.starts_at, e.id`, s.stamp().Add(-feedHistory))
	if err != nil {
		return nil, fmt.Errorf("events: feed: %w", err)
	}
	defer rows.Close()
	c := ics.Calendar{Name: i18n.T(lang, "events.feed_name")}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("events: feed: %w", err)
		}
		c.Events = append(c.Events, s.icsEvent(e, lang))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events: feed: %w", err)
	}
	return ics.Marshal(c), nil
}
