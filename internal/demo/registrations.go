package demo

import (
	"fmt"
	"slices"
	"time"

	"filiere/internal/audit"
	"filiere/internal/events"
)

// booking is a registration the desk made, with who made it.
type booking struct {
	reg events.Registration
	c   contact
}

// register takes the event's registrations: speakers and exhibitors added
// by staff at once, then people over the weeks until the start, or until
// yesterday for an event ahead (which has drawn part of its public so
// far). Some cancel in the last days. It returns when the last one came.
func (h *hand) register(j *eventJob) (time.Time, error) {
	e, p, guests := j.e, j.p, j.guests
	open := h.clock
	var books []booking
	taken := map[string]bool{}
	for _, c := range guests {
		if taken[c.email] || p.in.Venue == "" {
			continue // an online speaker needs no badge
		}
		taken[c.email] = true
		h.clock = h.clock.Add(time.Duration(5+h.r.IntN(30)) * time.Minute)
		in := events.StaffRegistration{Registrant: h.registrant(c), UserID: c.userID}
		reg, err := h.ev.AddRegistration(h.staffCtx, e.ID, in)
		if err != nil {
			return open, fmt.Errorf("guest %s: %w", c.email, err)
		}
		books = append(books, booking{reg, c})
	}
	closes := p.in.Start.Add(-2 * time.Hour)
	if !p.in.RegistrationCloses.IsZero() && p.in.RegistrationCloses.Before(closes) {
		closes = p.in.RegistrationCloses.Add(-time.Hour)
	}
	n := p.target - len(books)
	if closes.After(h.limit) {
		n = int(float64(n)*float64(h.limit.Sub(open))/float64(closes.Sub(open)) + 0.5)
		closes = h.limit
	}
	people := h.candidates(p, max(n, 0), taken)
	if j.member && !taken[h.member.email] {
		people = slices.Insert(people, h.r.IntN(len(people)+1), h.member)
	}
	open = h.clock
	if len(people) > 0 && closes.After(open) {
		step := closes.Sub(open) / time.Duration(len(people))
		for i, c := range people {
			h.clock = open.Add(step*time.Duration(i) + time.Duration(float64(step)*(0.1+0.6*h.r.Float64())))
			b, err := h.registerOne(e, p, c, step/4)
			if err != nil {
				return open, fmt.Errorf("registration of %s: %w", c.email, err)
			}
			books = append(books, b)
		}
	}
	h.counts.registrations += len(books)
	return h.cancellations(p, books, h.clock, closes)
}

// registrant is a contact as a registration form takes them.
func (h *hand) registrant(c contact) events.Registrant {
	lang := "fr"
	if h.r.IntN(16) == 0 {
		lang = "en"
	}
	return events.Registrant{Name: c.name(), Email: c.email, OrganisationID: c.orgID, Lang: lang}
}

// registerOne registers c as they would: signed in with an account; on
// the public form, then through the link mailed to them (most confirm
// within the hour); or by calling the team, who register them.
func (h *hand) registerOne(e events.Event, p eventPlan, c contact, confirmWithin time.Duration) (booking, error) {
	var reg events.Registration
	var err error
	u := h.accounts[c.userID]
	switch {
	case p.in.Audience == events.AudienceInvitation && u != nil:
		reg, err = h.ev.AddRegistration(h.staffCtx, e.ID, events.StaffRegistration{UserID: u.ID})
	case u != nil:
		reg, err = h.ev.Register(h.userCtx(u), u, e.ID, events.Registrant{})
	case p.in.Audience != events.AudiencePublic || h.r.IntN(10) == 0:
		reg, err = h.ev.AddRegistration(h.staffCtx, e.ID, events.StaffRegistration{Registrant: h.registrant(c)})
	default:
		reg, err = h.ev.Register(audit.WithActor(h.ctx, audit.Actor{Label: "public"}), nil, e.ID, h.registrant(c))
		if err == nil && h.r.IntN(25) != 0 {
			h.clock = h.clock.Add(min(confirmWithin, time.Duration(2+h.r.IntN(90))*time.Minute))
			reg, err = h.ev.Confirm(h.ctx, h.ev.ConfirmToken(reg))
		}
	}
	return booking{reg, c}, err
}

// candidates draws n people to register to p: mostly from its sectors,
// members only for members' events, public partners for an invitation,
// start-ups for a bootcamp, recent members for a new-members session.
func (h *hand) candidates(p eventPlan, n int, taken map[string]bool) []contact {
	year := h.plan.today.Year()
	var match, other []contact
	for _, c := range h.pool {
		switch {
		case taken[c.email] || c.email == h.member.email:
			continue
		case p.in.Audience == events.AudienceMembers && !c.member:
			continue
		case p.in.Audience == events.AudienceInvitation && c.kind != "authority" && c.kind != "investor":
			continue
		case p.in.Type == events.TypeBootcamp && c.kind != "startup":
			continue
		case p.in.Type == events.TypeNewMembers && c.since < year-1:
			continue
		}
		if c.inSectors(p.in.Sectors) {
			match = append(match, c)
		} else {
			other = append(other, c)
		}
	}
	out := sample(h.r, match, n-n/5)
	out = append(out, sample(h.r, other, n-len(out))...)
	h.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// memberJoins says whether the member login registers to p: to a few
// events of its sectors over the year and two ahead.
func (h *hand) memberJoins(p eventPlan) bool {
	switch p.in.Type {
	case events.TypeCommittee, events.TypeWebinar, events.TypeNetworkPitch, events.TypeNewMembers, events.TypeCongress,
		events.TypeGeneralAssembly:
	default:
		return false
	}
	if p.in.Audience == events.AudienceInvitation || p.status != events.StatusPublished || !h.member.inSectors(p.in.Sectors) {
		return false
	}
	if p.in.Start.Before(h.plan.today) {
		if h.joined >= 6 || h.r.IntN(3) == 0 {
			return false
		}
		h.joined++
		return true
	}
	if h.ahead >= 2 {
		return false
	}
	h.ahead++
	return true
}

// cancellations cancels a few registrations between from and until, more
// on a full event, whose waiting list moves up.
func (h *hand) cancellations(p eventPlan, books []booking, from, until time.Time) (time.Time, error) {
	if !until.After(from) || len(books) == 0 {
		return from, nil
	}
	var active []booking
	waiting := false
	for _, b := range books {
		if b.reg.Status == events.RegConfirmed || b.reg.Status == events.RegWaiting {
			active = append(active, b)
		}
		waiting = waiting || b.reg.Status == events.RegWaiting
	}
	k := len(active) * 6 / 100
	if waiting {
		k = max(k, 2)
	}
	for i, b := range sample(h.r, active, k) {
		h.clock = from.Add(until.Sub(from) * time.Duration(i+1) / time.Duration(k+1))
		var err error
		switch u := h.accounts[b.reg.UserID]; {
		case b.reg.Source == events.SourceStaff:
			_, err = h.ev.CancelRegistration(h.staffCtx, b.reg.ID)
		case u != nil:
			_, err = h.ev.CancelOwn(h.userCtx(u), u, b.reg.ID)
		default:
			_, err = h.ev.CancelByToken(h.ctx, h.ev.ManageToken(b.reg))
		}
		if err != nil {
			return from, fmt.Errorf("cancel %s: %w", b.c.email, err)
		}
	}
	return h.clock, nil
}

// checkIn marks most of the confirmed present as they arrive.
func (h *hand) checkIn(j *eventJob) error {
	p := j.p
	regs, err := h.ev.Registrations(h.ctx, j.e.ID, events.RegistrationFilter{Status: events.RegConfirmed})
	if err != nil {
		return err
	}
	j.present = map[string]bool{}
	for _, reg := range regs {
		if reg.Category == events.CategoryParticipant && h.r.Float64() >= p.presence {
			continue
		}
		h.clock = p.in.Start.Add(time.Duration(h.r.IntN(50)-25) * time.Minute)
		if _, err := h.ev.CheckIn(h.staffCtx, reg.ID); err != nil {
			return err
		}
		j.present[reg.Email] = true
	}
	return nil
}

// invoice records where the invoices of a paid event stand: guests
// waived; after the event most paid, some invoiced; before it, part
// invoiced.
func (h *hand) invoice(e events.Event, over bool) error {
	if e.Free() {
		return nil
	}
	regs, err := h.ev.Registrations(h.ctx, e.ID, events.RegistrationFilter{Status: events.RegConfirmed})
	if err != nil {
		return err
	}
	for _, reg := range regs {
		if reg.Price == 0 {
			continue
		}
		status := ""
		switch p := h.r.Float64(); {
		case reg.Category != events.CategoryParticipant:
			status = events.InvoiceWaived
		case over && p < 0.72:
			status = events.InvoicePaid
		case over && p < 0.93, !over && p < 0.5:
			status = events.InvoiceInvoiced
		}
		if status == "" {
			continue
		}
		if _, err := h.ev.SetInvoiceStatus(h.staffCtx, reg.ID, status); err != nil {
			return err
		}
	}
	return nil
}
