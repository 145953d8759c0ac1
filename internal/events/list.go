package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/i18n"
	"filiere/internal/validate"
)

// Filter selects events; zero fields match everything.
type Filter struct {
	Type   string
	Sector string
	Month  string // "2026-03": the events that overlap that month in Europe/Paris
	When   string // WhenUpcoming, WhenPast or "" for both
	// Status and Audience narrow staff's lists; others only ever see
	// published and cancelled events of the audiences open to them.
	Status   string
	Audience string
	Limit    int // default 50, at most 1000
	Offset   int
}

// What Filter.When takes.
const (
	WhenUpcoming = "upcoming" // not ended yet, soonest first
	WhenPast     = "past"     // ended, latest first
)

// visible is the SQL condition on events e that v may see: staff all of
// them; others the published and cancelled ones that are public, for
// members those for members too, and any event they are registered to.
func visible(v viewer) (string, []any) {
	if v.staff {
		return "1 = 1", nil
	}
	audiences := "'public'"
	if v.member {
		audiences += ", 'members'"
	}
	cond := "e.status IN ('published', 'cancelled') AND (e.audience IN (" + audiences + ")"
	var args []any
	if v.user != nil {
		cond += " OR EXISTS (SELECT 1 FROM event_registrations i WHERE i.event_id = e.id AND i.user_id = ? AND i.status <> 'cancelled')"
		args = append(args, v.user.ID)
	}
	return cond + ")", args
}

// parseMonth reads "2026-03" as the first instant of that month in Paris
// and the first of the next.
func parseMonth(m string) (from, to time.Time, ok bool) {
	t, err := time.ParseInLocation("2006-01", strings.TrimSpace(m), paris)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	return t, time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, paris), true
}

// List returns the events who may see that match f, and how many match
// in all.
func (s *Service) List(ctx context.Context, who *auth.User, f Filter) ([]Event, int, error) {
	v, err := s.viewerOf(ctx, who)
	if err != nil {
		return nil, 0, err
	}
	cond, args := visible(v)
	where := []string{cond}
	var errs validate.Errors
	if f.Type != "" {
		if !slices.Contains(Types, f.Type) {
			errs.Add("type", "validate.choice")
		}
		where, args = append(where, "e.type = ?"), append(args, f.Type)
	}
	if f.Sector != "" {
		where, args = append(where, "EXISTS (SELECT 1 FROM event_sectors x WHERE x.event_id = e.id AND x.sector = ?)"), append(args, f.Sector)
	}
	if f.Month != "" {
		from, to, ok := parseMonth(f.Month)
		if !ok {
			errs.Add("month", "events.month")
		}
		where, args = append(where, "e.starts_at < ? AND e.ends_at > ?"), append(args, to.UTC(), from.UTC())
	}
	now := s.stamp()
	order := "e.starts_at, e.id"
	switch f.When {
	case "":
	case WhenUpcoming:
		where, args = append(where, "e.ends_at > ?"), append(args, now)
	case WhenPast:
		where, args = append(where, "e.ends_at <= ?"), append(args, now)
		order = "e.starts_at DESC, e.id DESC"
	default:
		errs.Add("when", "validate.choice")
	}
	if v.staff && f.Status != "" {
		where, args = append(where, "e.status = ?"), append(args, f.Status)
	}
	if v.staff && f.Audience != "" {
		where, args = append(where, "e.audience = ?"), append(args, f.Audience)
	}
	if err := errs.Err(); err != nil {
		return nil, 0, err
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM events e WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("events: list: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	rows, err := s.db.Query(ctx, "SELECT "+eventColumns+" FROM events e WHERE "+w+" ORDER BY "+order+" LIMIT ? OFFSET ?",
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("events: list: %w", err)
	}
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("events: list: %w", err)
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("events: list: %w", err)
	}
	if err := loadSectors(ctx, s.db, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// Event returns an event with its programme if who may see it;
// db.ErrNotFound otherwise.
func (s *Service) Event(ctx context.Context, who *auth.User, id int64) (Event, error) {
	v, err := s.viewerOf(ctx, who)
	if err != nil {
		return Event{}, err
	}
	e, err := s.visibleEvent(ctx, v, id)
	if err != nil {
		return Event{}, err
	}
	if err := s.loadProgramme(ctx, &e); err != nil {
		return Event{}, err
	}
	return e, nil
}

func (s *Service) visibleEvent(ctx context.Context, v viewer, id int64) (Event, error) {
	cond, args := visible(v)
	e, err := scanEvent(s.db.QueryRow(ctx, "SELECT "+eventColumns+" FROM events e WHERE e.id = ? AND "+cond, append([]any{id}, args...)...))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Event{}, db.ErrNotFound
		}
		return Event{}, fmt.Errorf("events: read event: %w", err)
	}
	list := []Event{e}
	if err := loadSectors(ctx, s.db, list); err != nil {
		return Event{}, err
	}
	return list[0], nil
}

// Month is a month of the calendar, in weeks from Monday to Sunday.
type Month struct {
	First      time.Time // the first day of the month, at midnight in Europe/Paris
	Weeks      [][]Day   // 7 days each; the days of the neighbouring months fill the first and last weeks
	Prev, Next string    // the neighbouring months, "2026-02"
}

// Day is a day of the calendar with the events on it (an event on
// several days shows on each).
type Day struct {
	Date    time.Time // midnight in Europe/Paris
	InMonth bool
	Events  []Event
}

// Title is the month's name and year in lang: "mars 2026".
func (m Month) Title(lang string) string {
	return i18n.T(lang, "events.month."+strconv.Itoa(int(m.First.Month()))) + " " + strconv.Itoa(m.First.Year())
}

// Calendar lays out the events who may see in month ("2026-03"; the
// current month when empty), with f's other filters.
func (s *Service) Calendar(ctx context.Context, who *auth.User, month string, f Filter) (Month, error) {
	if month == "" {
		month = s.Now().In(paris).Format("2006-01")
	}
	first, next, ok := parseMonth(month)
	if !ok {
		var errs validate.Errors
		errs.Add("month", "events.month")
		return Month{}, errs
	}
	f.Month, f.When, f.Limit, f.Offset = month, "", 1000, 0
	list, _, err := s.List(ctx, who, f)
	if err != nil {
		return Month{}, err
	}
	m := Month{First: first, Prev: time.Date(first.Year(), first.Month()-1, 1, 0, 0, 0, 0, paris).Format("2006-01"),
		Next: next.Format("2006-01")}
	// Back to the Monday on or before the first.
	day := first.AddDate(0, 0, -((int(first.Weekday()) + 6) % 7))
	for {
		week := make([]Day, 7)
		for i := range week {
			end := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, paris)
			d := Day{Date: day, InMonth: day.Month() == first.Month()}
			for _, e := range list {
				if e.Start.Before(end) && e.End.After(day) {
					d.Events = append(d.Events, e)
				}
			}
			week[i] = d
			day = end
		}
		m.Weeks = append(m.Weeks, week)
		if !day.Before(next) {
			break
		}
	}
	return m, nil
}
