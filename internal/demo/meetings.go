package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/events"
	"filiere/internal/meetings"
	"filiere/internal/validate"
)

// meetingOffers are what congress participants offer and seek.
var meetingOffers = []struct{ offer, seeking string }{
	{"Sous-traitance en usinage de précision et micro-usinage", "Fabricants de dispositifs médicaux"},
	{"Stérilisation et conditionnement stérile", "Start-up medtech en phase d'industrialisation"},
	{"Essais cliniques multicentriques (CRO)", "Porteurs de projets en phase clinique"},
	{"Bioproduction de lots cliniques", "Biotechs en préclinique"},
	{"Accompagnement réglementaire MDR et IVDR", "Entreprises visant le marquage CE"},
	{"Plateforme d'intelligence artificielle pour l'imagerie", "Hôpitaux et centres d'imagerie partenaires"},
	{"Hébergement de données de santé certifié HDS", "Éditeurs de logiciels de santé"},
	{"Financement d'amorçage et de série A", "Start-up santé en levée de fonds"},
	{"Investigation clinique à l'hôpital", "Industriels cherchant un centre investigateur"},
	{"Formulation galénique et études de stabilité", "Laboratoires pharmaceutiques"},
}

// generateMeetings gives the demo's congress its business-meeting
// programme, made through the programme's own workflow: staff open 14
// slots over the two days with 12 tables, confirmed participants join
// with an offer, they ask each other for meetings and answer, staff add a
// few priority requests, the scheduler runs and the agendas are sent; when
// the congress is over, staff have marked which meetings took place. It
// returns the meetings scheduled. The mails it queued are dropped.
func generateMeetings(ctx context.Context, d *db.DB, users *auth.Service, seed uint64, now time.Time) (int, error) {
	rows, err := d.Query(ctx, "SELECT id, starts_at, ends_at FROM events WHERE type = 'congress' AND status = 'published' ORDER BY starts_at, id")
	if err != nil {
		return 0, err
	}
	var eventID int64
	var start, end time.Time
	for rows.Next() {
		var id int64
		var s, e time.Time
		if err := rows.Scan(&id, &s, &e); err != nil {
			rows.Close()
			return 0, err
		}
		// The last congress that has begun, else the first to come.
		if eventID == 0 || s.Before(now) {
			eventID, start, end = id, s.UTC(), e.UTC()
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || eventID == 0 {
		return 0, err
	}
	var lastMail int64
	if err := d.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM outbox").Scan(&lastMail); err != nil {
		return 0, err
	}
	staff, err := users.UserByEmail(ctx, "staff@"+loginDomain)
	if err != nil {
		return 0, err
	}
	staffCtx := audit.WithActor(ctx, audit.Actor{UserID: staff.ID, Label: staff.Email})
	clock := start.AddDate(0, 0, -21)
	ev := events.New(d, directory.NewStore(d), users, "http://localhost:8080")
	ev.Now = func() time.Time { return clock }
	prog := meetings.NewProgramme(d, ev, "http://localhost:8080")
	prog.Now = func() time.Time { return clock }
	r := rand.New(rand.NewPCG(seed, seed^0x6d656574))

	// 8 slots of 20 minutes on the first afternoon, 6 on the second
	// morning when the congress lasts two days.
	slots := meetings.SlotRun(start.Add(4*time.Hour), 8, 20)
	if second := start.Add(24*time.Hour + 30*time.Minute); second.Add(2 * time.Hour).Before(end) {
		slots = append(slots, meetings.SlotRun(second, 6, 20)...)
	}
	if _, err := prog.Configure(staffCtx, eventID, meetings.SetupInput{Enabled: true, Tables: 12, MaxMeetings: 8,
		RequestDeadline: start.AddDate(0, 0, -2), Slots: slots}); err != nil {
		return 0, fmt.Errorf("demo: meetings setup: %w", err)
	}
	regs, err := ev.Registrations(staffCtx, eventID, events.RegistrationFilter{Status: events.RegConfirmed})
	if err != nil {
		return 0, err
	}
	if len(regs) > 40 {
		regs = regs[:40]
	}
	var people []meetings.Attendee
	for _, reg := range regs {
		o := meetingOffers[r.IntN(len(meetingOffers))]
		a, err := prog.AddAttendee(staffCtx, reg.ID, meetings.Profile{Offer: o.offer, Seeking: o.seeking, Lang: "fr"})
		if err != nil {
			return 0, fmt.Errorf("demo: meetings attendee: %w", err)
		}
		people = append(people, a)
	}
	if len(people) < 4 {
		return 0, nil
	}
	// Each asks two or three others; most requests are accepted.
	clock = start.AddDate(0, 0, -14)
	var asked []meetings.MeetingRequest
	for _, a := range people {
		c, err := prog.CallerByToken(ctx, prog.Token(a.RegistrationID))
		if err != nil {
			return 0, err
		}
		for range 2 + r.IntN(2) {
			to := people[r.IntN(len(people))]
			if to.AttendeeID == a.AttendeeID {
				continue
			}
			req, err := prog.SendRequest(ctx, c, to.AttendeeID, "Bonjour, votre offre nous intéresse : pouvons-nous nous rencontrer au congrès ?")
			var msg *validate.Message
			if _, invalid := validate.As(err); invalid || errors.As(err, &msg) || errors.Is(err, meetings.ErrState) {
				continue // they already asked each other
			}
			if err != nil {
				return 0, fmt.Errorf("demo: meeting request: %w", err)
			}
			asked = append(asked, req)
		}
	}
	clock = clock.Add(48 * time.Hour)
	for _, req := range asked {
		if r.Float64() < 0.1 {
			continue // left unanswered
		}
		c, err := prog.CallerByToken(ctx, prog.Token(req.To.RegistrationID))
		if err != nil {
			return 0, err
		}
		if _, err := prog.Answer(ctx, c, req.ID, r.Float64() < 0.85); err != nil {
			return 0, fmt.Errorf("demo: meeting answer: %w", err)
		}
	}
	for range 4 {
		a, b := people[r.IntN(len(people))], people[r.IntN(len(people))]
		if a.AttendeeID == b.AttendeeID {
			continue
		}
		if _, err := prog.AddRequest(staffCtx, eventID, a.AttendeeID, b.AttendeeID, 3); err != nil {
			var msg *validate.Message
			if _, invalid := validate.As(err); invalid || errors.As(err, &msg) || errors.Is(err, meetings.ErrState) {
				continue
			}
			return 0, fmt.Errorf("demo: staff meeting request: %w", err)
		}
	}
	// The scheduler runs after the request deadline; the agendas go out.
	clock = start.AddDate(0, 0, -1)
	run, err := prog.Schedule(staffCtx, eventID, meetings.Options{Seed: seed})
	if err != nil {
		return 0, fmt.Errorf("demo: schedule meetings: %w", err)
	}
	if _, err := prog.Publish(staffCtx, eventID); err != nil {
		return 0, fmt.Errorf("demo: publish meetings: %w", err)
	}
	if end.Before(now) {
		clock = end.Add(time.Hour)
		list, err := prog.Appointments(staffCtx, eventID, false)
		if err != nil {
			return 0, err
		}
		for _, m := range list {
			outcome := meetings.OutcomeHeld
			switch p := r.Float64(); {
			case p < 0.06:
				outcome = meetings.OutcomeNoShowA
			case p < 0.12:
				outcome = meetings.OutcomeNoShowB
			case p < 0.15:
				outcome = meetings.OutcomeCancelled
			}
			if _, err := prog.MarkOutcome(staffCtx, m.ID, outcome); err != nil {
				return 0, fmt.Errorf("demo: meeting outcome: %w", err)
			}
		}
	}
	if _, err := d.Exec(ctx, "DELETE FROM outbox WHERE id > ?", lastMail); err != nil {
		return 0, err
	}
	return run.Scheduled, nil
}
