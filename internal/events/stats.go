package events

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/tabular"
)

// Counts add up registrations.
type Counts struct {
	Registered int // took effect (at once, or on e-mail confirmation): confirmed, waiting, or cancelled since
	Confirmed  int
	Waiting    int
	Pending    int // e-mail address not confirmed (yet)
	Cancelled  int // cancelled after taking effect
	Present    int // confirmed and checked in
	NoShows    int // confirmed, not checked in, and the event is over
}

// AttendanceRate is the share of the expected who came, between 0 and 1:
// present over present and no-shows, so that events not over yet count
// for nothing (0 when there is nobody to count).
func (c Counts) AttendanceRate() float64 {
	if c.Present+c.NoShows == 0 {
		return 0
	}
	return float64(c.Present) / float64(c.Present+c.NoShows)
}

func (c *Counts) add(o Counts) {
	c.Registered += o.Registered
	c.Confirmed += o.Confirmed
	c.Waiting += o.Waiting
	c.Pending += o.Pending
	c.Cancelled += o.Cancelled
	c.Present += o.Present
	c.NoShows += o.NoShows
}

// Group is the counts of the registrants of one kind of organisation or
// one college.
type Group struct {
	Code string // the taxonomy code; "" for registrants without an organisation in the directory (or without a college)
	Counts
}

// EventCounts is the counts of one event.
type EventCounts struct {
	Event Event
	Counts
}

// Stats is the attendance of one event or of the events of a period.
type Stats struct {
	From, To  time.Time // the period; zero for one event
	Events    []EventCounts
	Total     Counts
	ByKind    []Group // in taxonomy order, "" last
	ByCollege []Group
}

// EventStats counts one event's registrations and attendance.
func (s *Service) EventStats(ctx context.Context, eventID int64) (Stats, error) {
	e, err := getEvent(ctx, s.db, eventID)
	if err != nil {
		return Stats{}, err
	}
	return s.stats(ctx, []Event{e}, "r.event_id = ?", eventID)
}

// PeriodStats counts the registrations and attendance of the published
// events that start in [from, to): computed from the records, so any past
// period can be asked again.
func (s *Service) PeriodStats(ctx context.Context, from, to time.Time) (Stats, error) {
	rows, err := s.db.Query(ctx, "SELECT "+eventColumns+" FROM events e WHERE e.status = 'published' AND e.starts_at >= ? AND e.starts_at < ?"+
		" ORDER BY e.starts_at, e.id", from.UTC(), to.UTC())
	if err != nil {
		return Stats{}, fmt.Errorf("events: stats: %w", err)
	}
	var list []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return Stats{}, fmt.Errorf("events: stats: %w", err)
		}
		list = append(list, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Stats{}, fmt.Errorf("events: stats: %w", err)
	}
	st, err := s.stats(ctx, list, "e.status = 'published' AND e.starts_at >= ? AND e.starts_at < ?", from.UTC(), to.UTC())
	st.From, st.To = from, to
	return st, err
}

// stats adds up the registrations matching cond (over r, e and o) for the
// events list.
func (s *Service) stats(ctx context.Context, list []Event, cond string, args ...any) (Stats, error) {
	st := Stats{}
	at := map[int64]int{}
	for i, e := range list {
		at[e.ID] = i
		st.Events = append(st.Events, EventCounts{Event: e})
	}
	rows, err := s.db.Query(ctx, `SELECT r.event_id, r.status, CASE WHEN r.registered_at IS NULL THEN 0 ELSE 1 END,
		CASE WHEN r.present_at IS NULL THEN 0 ELSE 1 END, CASE WHEN e.ends_at <= ? THEN 1 ELSE 0 END,
		COALESCE(o.kind, ''), COALESCE(o.college, ''), COUNT(*)
		FROM event_registrations r JOIN events e ON e.id = r.event_id LEFT JOIN organisations o ON o.id = r.organisation_id
		WHERE `+cond+` GROUP BY r.event_id, r.status, 3, 4, 5, 6, 7`, append([]any{s.stamp()}, args...)...)
	if err != nil {
		return Stats{}, fmt.Errorf("events: stats: %w", err)
	}
	defer rows.Close()
	kinds, colleges := map[string]*Counts{}, map[string]*Counts{}
	for rows.Next() {
		var eventID int64
		var status, kind, college string
		var registered, present, over, n int
		if err := rows.Scan(&eventID, &status, &registered, &present, &over, &kind, &college, &n); err != nil {
			return Stats{}, fmt.Errorf("events: stats: %w", err)
		}
		var c Counts
		if registered == 1 {
			c.Registered = n
		}
		switch status {
		case RegConfirmed:
			c.Confirmed = n
			if present == 1 {
				c.Present = n
			} else if over == 1 {
				c.NoShows = n
			}
		case RegWaiting:
			c.Waiting = n
		case RegPending:
			c.Pending = n
		case RegCancelled:
			if registered == 1 {
				c.Cancelled = n
			}
		}
		if i, ok := at[eventID]; ok {
			st.Events[i].add(c)
		}
		st.Total.add(c)
		for _, g := range []struct {
			m    map[string]*Counts
			code string
		}{{kinds, kind}, {colleges, college}} {
			if g.m[g.code] == nil {
				g.m[g.code] = &Counts{}
			}
			g.m[g.code].add(c)
		}
	}
	if err := rows.Err(); err != nil {
		return Stats{}, fmt.Errorf("events: stats: %w", err)
	}
	tax := directory.LoadTaxonomy()
	st.ByKind = groups(kinds, tax.Kinds)
	st.ByCollege = groups(colleges, tax.Colleges)
	return st, nil
}

// groups orders the counts by the taxonomy's terms, unknown codes and ""
// last.
func groups(m map[string]*Counts, terms []directory.Term) []Group {
	rank := func(code string) int {
		for i, t := range terms {
			if t.Code == code {
				return i
			}
		}
		if code == "" {
			return len(terms) + 1
		}
		return len(terms)
	}
	var out []Group
	for code, c := range m {
		out = append(out, Group{Code: code, Counts: *c})
	}
	slices.SortFunc(out, func(a, b Group) int {
		if d := rank(a.Code) - rank(b.Code); d != 0 {
			return d
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}

// termLabel is a taxonomy term's label in lang, or the "none" label.
func termLabel(lang, code string, find func(string) (directory.Term, bool)) string {
	if code == "" {
		return i18n.T(lang, "events.stats.none")
	}
	if t, ok := find(code); ok {
		return t.Label(lang)
	}
	return code
}

// WriteStatsXLSX writes st as a workbook in lang: one row per event, per
// kind of organisation and per college, and the total.
func WriteStatsXLSX(w io.Writer, st Stats, lang string) error {
	lang = i18n.Lang(lang)
	t := func(k string) string { return i18n.T(lang, k) }
	header := []string{t("events.stats.group"), t("events.stats.name"), t("events.stats.date"), t("events.stats.registered"),
		t("events.stats.confirmed"), t("events.stats.waiting"), t("events.stats.pending"), t("events.stats.cancelled"),
		t("events.stats.present"), t("events.stats.no_shows"), t("events.stats.attendance")}
	row := func(group, name string, date any, c Counts) []any {
		var rate any
		if c.Present+c.NoShows > 0 {
			rate = c.AttendanceRate()
		}
		return []any{group, name, date, c.Registered, c.Confirmed, c.Waiting, c.Pending, c.Cancelled, c.Present, c.NoShows, rate}
	}
	var rows [][]any
	for _, e := range st.Events {
		rows = append(rows, row(t("events.stats.event"), e.Event.Title(lang), Local(e.Event.Start).Truncate(time.Minute), e.Counts))
	}
	tax := directory.LoadTaxonomy()
	for _, g := range st.ByKind {
		rows = append(rows, row(t("events.stats.kind"), termLabel(lang, g.Code, tax.Kind), nil, g.Counts))
	}
	for _, g := range st.ByCollege {
		rows = append(rows, row(t("events.stats.college"), termLabel(lang, g.Code, tax.College), nil, g.Counts))
	}
	rows = append(rows, row(t("events.stats.total"), "", nil, st.Total))
	return tabular.WriteXLSX(w, t("events.stats.sheet"), header, rows)
}

// WriteRegistrationsXLSX writes an event's registrations as a workbook in
// lang (staff): who, their organisation, status, category, price and
// invoicing, and presence.
func (s *Service) WriteRegistrationsXLSX(ctx context.Context, w io.Writer, eventID int64, lang string) error {
	lang = i18n.Lang(lang)
	if _, err := getEvent(ctx, s.db, eventID); err != nil {
		return err
	}
	regs, err := listRegistrations(ctx, s.db, "r.event_id = ?", eventID)
	if err != nil {
		return err
	}
	t := func(k string) string { return i18n.T(lang, k) }
	header := []string{t("events.export.name"), t("events.export.email"), t("events.export.organisation"),
		t("events.export.member"), t("events.export.status"), t("events.export.position"), t("events.export.category"),
		t("events.export.price"), t("events.export.invoice"), t("events.export.registered_at"), t("events.export.present_at")}
	yesNo := func(b bool) string {
		if b {
			return t("events.export.yes")
		}
		return t("events.export.no")
	}
	when := func(at time.Time) any {
		if at.IsZero() {
			return nil
		}
		return Local(at).Truncate(time.Minute)
	}
	var rows [][]any
	for _, r := range regs {
		var pos, invoice any
		if r.Position > 0 {
			pos = r.Position
		}
		if r.InvoiceStatus != "" {
			invoice = t(InvoiceKey(r.InvoiceStatus))
		}
		rows = append(rows, []any{r.Name, r.Email, r.Organisation, yesNo(r.Member), t(RegistrationStatusKey(r.Status)), pos,
			t(CategoryKey(r.Category)), float64(r.Price) / 100, invoice, when(r.RegisteredAt), when(r.PresentAt)})
	}
	return tabular.WriteXLSX(w, t("events.export.sheet"), header, rows)
}
