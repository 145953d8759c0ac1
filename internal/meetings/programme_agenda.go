package meetings

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/db"
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/ics"
)

// Agenda is one person's meetings at an event.
type Agenda struct {
	Event    events.Event // its titles, dates, place and status
	Attendee Attendee
	// Published says the agenda is what the person was sent (their view);
	// otherwise it is staff's current plan, drafts included.
	Published bool
	Items     []AgendaItem // by time
}

// AgendaItem is one meeting of an agenda.
type AgendaItem struct {
	MeetingID int64
	Slot      Slot
	Table     int    // 0 at a stand
	Stand     string // at a stand: whose, and its label
	With      Person // the other person
	Asked     bool   // the agenda's person sent the request
	Message   string // the request's message
	Status    string // StatusDraft, StatusSent, StatusChanged or StatusCancelled
	Outcome   string
	Sequence  int
	UpdatedAt time.Time
}

// Cancelled reports whether the meeting was called off after it was sent:
// calendars drop it.
func (i AgendaItem) Cancelled() bool { return i.Status == StatusCancelled }

// Place says where the meeting is, in lang: "Table 12" or "Stand de
// Cardiolys (B12)".
func (i AgendaItem) Place(lang string) string {
	if i.Table > 0 || i.Stand == "" {
		return i18n.T(lang, "programme.place.table", i.Table)
	}
	return i18n.T(lang, "programme.place.stand", i.Stand)
}

// Live returns the meetings that are not cancelled.
func (a Agenda) Live() []AgendaItem {
	var out []AgendaItem
	for _, it := range a.Items {
		if !it.Cancelled() {
			out = append(out, it)
		}
	}
	return out
}

// Which meetings an agenda shows: what was sent, or the current plan.
const (
	sentCond = "m.sent_status IN ('sent', 'cancelled')"
	planCond = "m.status = 'planned'"
)

// agendaOf builds a's agenda: what they were sent, or the current plan.
func agendaOf(ctx context.Context, q db.Querier, s Setup, e events.Event, a Attendee, published bool) (Agenda, error) {
	cond := planCond
	if published {
		cond = sentCond
	}
	list, err := listAppointments(ctx, q, s, cond+" AND (q.from_id = ? OR q.to_id = ?)", a.AttendeeID, a.AttendeeID)
	if err != nil {
		return Agenda{}, err
	}
	return buildAgenda(e, a, list, published), nil
}

// buildAgenda picks a's meetings out of list, read with sentCond when
// published, planCond otherwise.
func buildAgenda(e events.Event, a Attendee, list []Appointment, published bool) Agenda {
	ag := Agenda{Event: e, Attendee: a, Published: published}
	for _, m := range list {
		if m.A.AttendeeID != a.AttendeeID && m.B.AttendeeID != a.AttendeeID {
			continue
		}
		it := AgendaItem{MeetingID: m.ID, Slot: m.Slot, Table: m.Table, With: m.B, Asked: true, Message: m.Message,
			Status: m.Status, Outcome: m.Outcome, Sequence: m.Sequence, UpdatedAt: m.UpdatedAt}
		if m.B.AttendeeID == a.AttendeeID {
			it.With, it.Asked = m.A, false
		}
		if published {
			// What they were told: a change not yet published is not theirs
			// to see.
			it.Slot, it.Table, it.Status = m.SentSlot, m.SentTable, StatusSent
			if m.sentStatus == "cancelled" {
				it.Status = StatusCancelled
			}
		}
		if it.Table == 0 {
			it.Stand = m.Stand
		}
		ag.Items = append(ag.Items, it)
	}
	slices.SortStableFunc(ag.Items, func(x, y AgendaItem) int { return x.Slot.Start.Compare(y.Slot.Start) })
	return ag
}

// MyAgenda returns the caller's agenda as it was sent to them (nothing
// before the first publication); db.ErrNotFound when they never opted
// in.
func (p *Programme) MyAgenda(ctx context.Context, c Caller) (Agenda, error) {
	a, found, err := attendeeOf(ctx, p.db, c.reg.ID)
	if err != nil {
		return Agenda{}, err
	}
	if !found {
		return Agenda{}, db.ErrNotFound
	}
	return p.agenda(ctx, a, true)
}

// Agenda returns an attendee's agenda as staff plan it, drafts included.
func (p *Programme) Agenda(ctx context.Context, attendeeID int64) (Agenda, error) {
	a, err := getAttendee(ctx, p.db, attendeeID)
	if err != nil {
		return Agenda{}, err
	}
	return p.agenda(ctx, a, false)
}

func (p *Programme) agenda(ctx context.Context, a Attendee, published bool) (Agenda, error) {
	s, err := getSetup(ctx, p.db, a.EventID)
	if err != nil {
		return Agenda{}, err
	}
	e, err := eventOf(ctx, p.db, a.EventID)
	if err != nil {
		return Agenda{}, err
	}
	return agendaOf(ctx, p.db, s, e, a, published)
}

// AgendaICS is an agenda as an iCalendar file in lang: one event per
// meeting, with a UID that stays the same when the meeting moves, and the
// meetings cancelled after they were sent marked so (calendars drop them).
func (p *Programme) AgendaICS(a Agenda, lang string) []byte {
	lang = i18n.Lang(lang)
	e := a.Event
	c := ics.Calendar{ProdID: "-//filiere//meetings//FR", Name: i18n.T(lang, "programme.ics.name", e.Title(lang))}
	for _, it := range a.Items {
		if it.Status == StatusDraft {
			continue
		}
		status := ics.StatusConfirmed
		if it.Cancelled() {
			status = ics.StatusCancelled
		}
		location := it.Place(lang)
		if place := e.Place(); place != "" {
			location += ", " + place
		}
		desc := e.Title(lang)
		if it.Message != "" {
			desc += "\n\n" + it.Message
		}
		c.Events = append(c.Events, ics.Event{
			UID:          "meeting-" + strconv.FormatInt(it.MeetingID, 10) + "@" + p.uidHost(),
			Stamp:        it.UpdatedAt,
			Start:        it.Slot.Start,
			End:          it.Slot.End(),
			Summary:      i18n.T(lang, "programme.ics.summary", withWhom(lang, it.With)),
			Description:  desc,
			Location:     location,
			URL:          p.agendaURL(e.ID, a.Attendee.Person),
			Status:       status,
			Sequence:     it.Sequence,
			LastModified: it.UpdatedAt,
		})
	}
	return ics.Marshal(c)
}

// withWhom is a person and their organisation: "Jérôme Lefèvre (Hôpital
// Saint-Éloi)".
func withWhom(lang string, who Person) string {
	if who.Organisation == "" {
		return who.Name
	}
	return who.Name + " (" + who.Organisation + ")"
}

// agendaLines writes the live meetings of an agenda as lines of text for
// a mail, in lang.
func agendaLines(lang string, a Agenda) string {
	var b strings.Builder
	for _, it := range a.Live() {
		b.WriteString(i18n.T(lang, "programme.mail.agenda.line", events.Local(it.Slot.Start).Format("02/01"), it.Slot.Label(),
			it.Place(lang), withWhom(lang, it.With)))
		b.WriteString("\n")
	}
	if b.Len() == 0 {
		return i18n.T(lang, "programme.mail.agenda.none") + "\n"
	}
	return b.String()
}
