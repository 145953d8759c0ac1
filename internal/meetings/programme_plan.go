package meetings

import (
	"context"
	"errors"
	"io"
	"time"

	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/tabular"
)

// Plan is the table plan of an event: per slot, who meets at which table
// or stand, as staff plan it.
type Plan struct {
	Event  events.Event
	Tables int
	Slots  []SlotPlan
}

// SlotPlan is one slot of the plan: the meetings at tables by table
// number, then those at stands.
type SlotPlan struct {
	Slot     Slot
	Meetings []Appointment
}

// FreeTables is how many tables of the slot are free.
func (s SlotPlan) FreeTables(tables int) int {
	used := 0
	for _, m := range s.Meetings {
		if m.Table > 0 {
			used++
		}
	}
	return tables - used
}

// TablePlan returns an event's table plan (staff), every slot listed.
func (p *Programme) TablePlan(ctx context.Context, eventID int64) (Plan, error) {
	s, err := getSetup(ctx, p.db, eventID)
	if err != nil {
		return Plan{}, err
	}
	e, err := eventOf(ctx, p.db, eventID)
	if err != nil {
		return Plan{}, err
	}
	list, err := listAppointments(ctx, p.db, s, "m.status = 'planned'")
	if err != nil {
		return Plan{}, err
	}
	pl := Plan{Event: e, Tables: s.Tables}
	at := map[int64]int{}
	for _, sl := range s.Slots {
		at[sl.ID] = len(pl.Slots)
		pl.Slots = append(pl.Slots, SlotPlan{Slot: sl})
	}
	for _, m := range list {
		i, ok := at[m.Slot.ID]
		if !ok {
			return Plan{}, errors.New("meetings: table plan: a meeting in an unknown slot")
		}
		pl.Slots[i].Meetings = append(pl.Slots[i].Meetings, m)
	}
	return pl, nil
}

// Appointments returns an event's meetings as staff plan them (staff), by
// slot then table; cancelled ones too when withCancelled.
func (p *Programme) Appointments(ctx context.Context, eventID int64, withCancelled bool) ([]Appointment, error) {
	s, err := getSetup(ctx, p.db, eventID)
	if err != nil {
		return nil, err
	}
	if withCancelled {
		return listAppointments(ctx, p.db, s, "1 = 1")
	}
	return listAppointments(ctx, p.db, s, "m.status = 'planned'")
}

// WriteTablePlanXLSX writes the table plan as a workbook in lang: a row
// per meeting, by slot then table, with the two people and where the
// meeting stands (draft or sent) and its outcome.
func WriteTablePlanXLSX(w io.Writer, pl Plan, lang string) error {
	lang = i18n.Lang(lang)
	header := []string{
		i18n.T(lang, "programme.xlsx.start"), i18n.T(lang, "programme.xlsx.end"), i18n.T(lang, "programme.xlsx.place"),
		i18n.T(lang, "programme.xlsx.requester"), i18n.T(lang, "programme.xlsx.requester_org"),
		i18n.T(lang, "programme.xlsx.asked"), i18n.T(lang, "programme.xlsx.asked_org"),
		i18n.T(lang, "programme.xlsx.priority"), i18n.T(lang, "programme.xlsx.status"), i18n.T(lang, "programme.xlsx.outcome"),
	}
	var rows [][]any
	for _, sp := range pl.Slots {
		for _, m := range sp.Meetings {
			place := i18n.T(lang, "programme.place.table", m.Table)
			if m.Table == 0 && m.Stand != "" {
				place = i18n.T(lang, "programme.place.stand", m.Stand)
			}
			outcome := ""
			if m.Outcome != "" {
				outcome = i18n.T(lang, OutcomeKey(m.Outcome))
			}
			// Local wall-clock times, as the readers expect them.
			start := localWall(sp.Slot.Start)
			rows = append(rows, []any{start, localWall(sp.Slot.End()), place, m.A.Name, m.A.Organisation, m.B.Name,
				m.B.Organisation, m.Weight, i18n.T(lang, StatusKey(m.Status)), outcome})
		}
	}
	return tabular.WriteXLSX(w, i18n.T(lang, "programme.xlsx.sheet"), header, rows)
}

// localWall is t's Europe/Paris wall clock, labelled UTC: what a sheet
// shows.
func localWall(t time.Time) time.Time {
	l := events.Local(t)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
}
