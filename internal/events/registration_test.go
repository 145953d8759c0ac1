package events_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/events"
	"filiere/internal/notify"
)

func TestRegistrationWithoutAccountWaitsForItsEmailConfirmation(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.PriceNonMember = 5000
		e := c.published(in)
		c.mails()
		r, err := c.ev.Register(ctx, nil, e.ID, events.Registrant{Name: "  Jérôme   Lefèvre ", Email: " Jerome@Example.org", OrganisationID: c.lab.ID, Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != events.RegPending || r.Name != "Jérôme Lefèvre" || r.Email != "jerome@example.org" ||
			r.Organisation != "Laboratoire de Biomécanique" || !r.Member || r.Price != 0 || r.InvoiceStatus != "" || !r.RegisteredAt.IsZero() {
			t.Errorf("pending registration %+v", r)
		}
		m := only(t, c.mails(), "jerome@example.org")
		if m.Subject != "Confirm your registration: Medtech committee" || !strings.Contains(m.Body, "Tuesday 17 March 2026, 14:00–17:00") {
			t.Errorf("confirmation mail %q:\n%s", m.Subject, m.Body)
		}
		token := link(t, m, "confirm")
		if got, _ := c.ev.Event(ctx, nil, e.ID); got.Confirmed != 0 || got.Waiting != 0 {
			t.Errorf("a pending registration holds a place: %+v", got)
		}
		// Registering again mails the link again.
		again, err := c.ev.Register(ctx, nil, e.ID, events.Registrant{Name: "Jérôme Lefèvre", Email: "jerome@example.org"})
		if err != nil || again.ID != r.ID {
			t.Fatalf("again: %+v, %v", again, err)
		}
		if link(t, only(t, c.mails(), "jerome@example.org"), "confirm") != token {
			t.Error("a different link the second time")
		}
		if _, err := c.ev.Confirm(ctx, fmt.Sprintf("%d-forged", r.ID)); !isNotFound(err) {
			t.Errorf("forged token: %v", err)
		}
		if _, err := c.ev.Confirm(ctx, c.ev.ManageToken(r)); !isNotFound(err) {
			t.Errorf("a manage token confirms: %v", err)
		}
		c.now = c.now.Add(time.Hour)
		ok, err := c.ev.Confirm(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if ok.Status != events.RegConfirmed || !ok.RegisteredAt.Equal(c.now) || !ok.ConfirmedAt.Equal(c.now) {
			t.Errorf("confirmed %+v", ok)
		}
		m = only(t, c.mails(), "jerome@example.org")
		manage := link(t, m, "registration")
		if m.Subject != "Registration confirmed: Medtech committee" ||
			!contains(m.Body, fmt.Sprintf("https://filiere.example/events/%d/calendar.ics", e.ID), "Where: Maison de l'innovation, 12 rue de la Paix, Dijon") {
			t.Errorf("confirmed mail %q:\n%s", m.Subject, m.Body)
		}
		if _, err := c.ev.Confirm(ctx, token); err != nil || len(c.mails()) != 0 {
			t.Errorf("confirming twice: %v", err)
		}
		own, err := c.ev.RegistrationByToken(ctx, manage)
		if err != nil || own.ID != r.ID {
			t.Fatalf("by token: %+v, %v", own, err)
		}
		if _, err := c.ev.CancelByToken(ctx, token); !isNotFound(err) {
			t.Errorf("the confirmation link cancels: %v", err)
		}
		gone, err := c.ev.CancelByToken(ctx, manage)
		if err != nil || gone.Status != events.RegCancelled || gone.CancelledBy != events.SourceSelf {
			t.Fatalf("cancel by token: %+v, %v", gone, err)
		}
		if _, err := c.ev.Confirm(ctx, token); !errors.Is(err, events.ErrState) {
			t.Errorf("confirming a cancelled registration: %v", err)
		}
		// Cancelled, they may register again.
		if r2, err := c.ev.Register(ctx, nil, e.ID, events.Registrant{Name: "Jérôme Lefèvre", Email: "jerome@example.org", Organisation: "Indépendant"}); err != nil || r2.ID == r.ID || r2.Member || r2.Price != 5000 {
			t.Errorf("registering again: %+v, %v", r2, err)
		}
		_, err = c.ev.Register(ctx, nil, e.ID, events.Registrant{Name: "", Email: "not an address"})
		fieldErr(t, err, "name", "validate.required")
		fieldErr(t, err, "email", "validate.email")
	})
}

func TestSignedInRegistrationIsConfirmedAtOnceAtTheirOrganisationsPrice(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.PriceMember, in.PriceNonMember = 2000, 9000
		e := c.published(in)
		c.mails()
		r, err := c.ev.Register(ctx, &c.member, e.ID, events.Registrant{Name: "ignored", Email: "ignored@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != events.RegConfirmed || r.UserID != c.member.ID || r.Email != "jane@cardiolys.example" || r.Organisation != "Cardiolys" ||
			!r.Member || r.Price != 2000 || r.InvoiceStatus != events.InvoiceToInvoice || r.Category != events.CategoryParticipant {
			t.Errorf("member's registration %+v", r)
		}
		m := only(t, c.mails(), "jane@cardiolys.example")
		if m.Subject != "Registration confirmed: Medtech committee" || !strings.Contains(m.Body, fmt.Sprintf("https://filiere.example/events/%d\n", e.ID)) {
			t.Errorf("mail %q:\n%s", m.Subject, m.Body)
		}
		o, err := c.ev.Register(ctx, &c.nonMember, e.ID, events.Registrant{})
		if err != nil || o.Member || o.Price != 9000 {
			t.Errorf("non-member's registration %+v, %v", o, err)
		}
		if m := only(t, c.mails(), "paul@grandgroupe.example"); m.Subject != "Inscription confirmée\u00a0: Comité Medtech" {
			t.Errorf("French subject %q", m.Subject)
		}
		_, err = c.ev.Register(ctx, &c.member, e.ID, events.Registrant{})
		message(t, err, "events.already_registered")
		if got, err := c.ev.RegistrationOf(ctx, &c.member, e.ID); err != nil || got.ID != r.ID {
			t.Errorf("RegistrationOf: %+v, %v", got, err)
		}
		if _, err := c.ev.RegistrationOf(ctx, &c.staff, e.ID); !isNotFound(err) {
			t.Errorf("staff's registration: %v", err)
		}
		bookings, err := c.ev.UserRegistrations(ctx, c.member.ID)
		if err != nil || len(bookings) != 1 || bookings[0].Event.ID != e.ID {
			t.Errorf("bookings %+v, %v", bookings, err)
		}
		if r, err = c.ev.SetInvoiceStatus(ctx, r.ID, events.InvoicePaid); err != nil || r.InvoiceStatus != events.InvoicePaid {
			t.Errorf("invoice: %+v, %v", r, err)
		}
		_, err = c.ev.SetInvoiceStatus(ctx, r.ID, "refunded")
		fieldErr(t, err, "invoice_status", "validate.choice")
		free := c.published(input())
		fr, err := c.ev.Register(ctx, &c.member, free.ID, events.Registrant{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ev.SetInvoiceStatus(ctx, fr.ID, events.InvoiceInvoiced)
		message(t, err, "events.free_registration")
		if r, err := c.ev.SetCategory(ctx, fr.ID, events.CategorySpeaker); err != nil || r.Category != events.CategorySpeaker {
			t.Errorf("category: %+v, %v", r, err)
		}
	})
}

func TestAudienceAndRegistrationWindowDecideWhoMayRegister(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.Audience = events.AudienceMembers
		members := c.published(in)
		if _, err := c.ev.Register(ctx, nil, members.ID, events.Registrant{Name: "A", Email: "a@example.org", OrganisationID: c.startup.ID}); !isNotFound(err) {
			t.Errorf("anonymous on a members' event: %v", err)
		}
		if _, err := c.ev.Register(ctx, &c.nonMember, members.ID, events.Registrant{}); !isNotFound(err) {
			t.Errorf("non-member on a members' event: %v", err)
		}
		if _, err := c.ev.Register(ctx, &c.member, members.ID, events.Registrant{}); err != nil {
			t.Errorf("member on a members' event: %v", err)
		}
		in.Audience = events.AudienceInvitation
		invitation := c.published(in)
		if _, err := c.ev.Register(ctx, &c.member, invitation.ID, events.Registrant{}); !isNotFound(err) {
			t.Errorf("member on an invitation event: %v", err)
		}
		r, err := c.ev.AddRegistration(ctx, invitation.ID, events.StaffRegistration{UserID: c.nonMember.ID})
		if err != nil || r.Status != events.RegConfirmed || r.Source != events.SourceStaff {
			t.Fatalf("staff add: %+v, %v", r, err)
		}
		_, err = c.ev.Register(ctx, &c.nonMember, invitation.ID, events.Registrant{})
		message(t, err, "events.already_registered")
		if _, err := c.ev.Register(ctx, &c.staff, invitation.ID, events.Registrant{}); err != nil {
			t.Errorf("staff on an invitation event: %v", err)
		} else if got, _ := c.ev.RegistrationOf(ctx, &c.staff, invitation.ID); got.Category != events.CategoryStaff {
			t.Errorf("staff's category %q", got.Category)
		}

		in = input()
		in.RegistrationOpens, in.RegistrationCloses = time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC), time.Date(2026, 3, 15, 23, 0, 0, 0, time.UTC)
		window := c.published(in)
		_, err = c.ev.Register(ctx, &c.member, window.ID, events.Registrant{})
		message(t, err, "events.registration_not_open")
		c.now = time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
		if _, err := c.ev.Register(ctx, &c.member, window.ID, events.Registrant{}); err != nil {
			t.Errorf("inside the window: %v", err)
		}
		c.now = time.Date(2026, 3, 16, 8, 0, 0, 0, time.UTC)
		_, err = c.ev.Register(ctx, &c.nonMember, window.ID, events.Registrant{})
		message(t, err, "events.registration_closed")
		// Staff add people whatever the window.
		if _, err := c.ev.AddRegistration(ctx, window.ID, events.StaffRegistration{Registrant: events.Registrant{Name: "Retardataire", Email: "late@example.org"}}); err != nil {
			t.Errorf("staff after the window: %v", err)
		}
		draft, err := c.ev.Create(ctx, input())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ev.Register(ctx, &c.member, draft.ID, events.Registrant{}); !isNotFound(err) {
			t.Errorf("registering to a draft: %v", err)
		}
		cancelled := c.published(input())
		if _, err := c.ev.CancelEvent(ctx, cancelled.ID, ""); err != nil {
			t.Fatal(err)
		}
		_, err = c.ev.Register(ctx, &c.member, cancelled.ID, events.Registrant{})
		message(t, err, "events.registration_closed")
		if _, err := c.ev.AddRegistration(ctx, cancelled.ID, events.StaffRegistration{UserID: c.member.ID}); !errors.Is(err, events.ErrState) {
			t.Errorf("staff add to a cancelled event: %v", err)
		}
	})
}

// members creates n member accounts at the startup.
func (c *cluster) members(n int) []auth.User {
	var out []auth.User
	for i := range n {
		out = append(out, c.user(fmt.Sprintf("p%d@cardiolys.example", i), fmt.Sprintf("Personne %d", i), "fr", auth.RoleMember, c.startup.ID))
	}
	return out
}

func TestWaitingListIsPromotedInOrderWhenPlacesFree(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.Capacity = 2
		e := c.published(in)
		p := c.members(6)
		regs := make([]events.Registration, len(p))
		for i := range 4 {
			var err error
			c.now = c.now.Add(time.Minute)
			if regs[i], err = c.ev.Register(ctx, &p[i], e.ID, events.Registrant{}); err != nil {
				t.Fatal(err)
			}
		}
		if regs[0].Status != events.RegConfirmed || regs[1].Status != events.RegConfirmed || regs[2].Status != events.RegWaiting ||
			regs[3].Status != events.RegWaiting || regs[2].Position != 1 || regs[3].Position != 2 {
			t.Fatalf("registrations %+v", regs[:4])
		}
		ms := c.mails()
		if m := only(t, ms, "p3@cardiolys.example"); m.Subject != "Liste d'attente\u00a0: Comité Medtech" || !strings.Contains(m.Body, "en position 2") {
			t.Errorf("waiting mail %q:\n%s", m.Subject, m.Body)
		}
		if got, _ := c.ev.Event(ctx, nil, e.ID); got.Confirmed != 2 || got.Waiting != 2 || !got.Full() || got.PlacesLeft() != 0 {
			t.Errorf("event counts %d confirmed, %d waiting", got.Confirmed, got.Waiting)
		}
		if _, err := c.ev.CancelOwn(ctx, &p[3], regs[0].ID); !isNotFound(err) {
			t.Errorf("cancelling someone else's registration: %v", err)
		}
		// p0 cancels: p2, first on the list, gets the place.
		if _, err := c.ev.CancelOwn(ctx, &p[0], regs[0].ID); err != nil {
			t.Fatal(err)
		}
		ms = c.mails()
		if len(ms) != 1 {
			t.Errorf("mails after a cancellation: %+v", ms)
		}
		if m := only(t, ms, "p2@cardiolys.example"); m.Subject != "Une place s'est libérée\u00a0: Comité Medtech" {
			t.Errorf("promotion mail %q", m.Subject)
		}
		if ns, _, _ := notify.List(ctx, d, p[2].ID, 10); len(ns) != 1 || ns[0].Key != "events.mail.promoted.notice" {
			t.Errorf("notifications %+v", ns)
		}
		list, err := c.ev.Registrations(ctx, e.ID, events.RegistrationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, r := range list {
			order = append(order, fmt.Sprintf("%s:%s:%d", r.Email[:2], r.Status, r.Position))
		}
		if got := strings.Join(order, " "); got != "p1:confirmed:0 p2:confirmed:0 p3:waiting:1 p0:cancelled:0" {
			t.Errorf("registrations %s", got)
		}
		// Staff cancel p1: p1 is told, p3 promoted.
		if _, err := c.ev.CancelRegistration(ctx, regs[1].ID); err != nil {
			t.Fatal(err)
		}
		ms = c.mails()
		if m := only(t, ms, "p1@cardiolys.example"); m.Subject != "Inscription annulée\u00a0: Comité Medtech" {
			t.Errorf("cancellation mail %q", m.Subject)
		}
		only(t, ms, "p3@cardiolys.example")
		if _, err := c.ev.CancelRegistration(ctx, regs[1].ID); !errors.Is(err, events.ErrState) {
			t.Errorf("cancelling twice: %v", err)
		}
		// Full again: staff may go beyond the capacity, but only when they say so.
		over, err := c.ev.AddRegistration(ctx, e.ID, events.StaffRegistration{UserID: p[4].ID, OverCapacity: true})
		if err != nil || over.Status != events.RegConfirmed || !over.OverCapacity {
			t.Fatalf("override: %+v, %v", over, err)
		}
		wait, err := c.ev.AddRegistration(ctx, e.ID, events.StaffRegistration{UserID: p[5].ID})
		if err != nil || wait.Status != events.RegWaiting || wait.Position != 1 {
			t.Fatalf("without override: %+v, %v", wait, err)
		}
		c.mails()
		// Beyond the capacity, the event can still be edited as long as the capacity is not lowered.
		in.DescriptionFR = "Programme complet en ligne."
		if got, err := c.ev.Update(ctx, e.ID, in); err != nil || got.Confirmed != 3 || got.Waiting != 1 {
			t.Fatalf("edit over capacity: %+v, %v", got, err)
		}
		// A larger capacity promotes at once.
		in.Capacity = 4
		if got, err := c.ev.Update(ctx, e.ID, in); err != nil || got.Confirmed != 4 || got.Waiting != 0 {
			t.Fatalf("raise capacity: %+v, %v", got, err)
		}
		only(t, c.mails(), "p5@cardiolys.example")
		in.Capacity = 3
		_, err = c.ev.Update(ctx, e.ID, in)
		fieldErr(t, err, "capacity", "events.capacity_below_confirmed")
		// Once the event has begun, nobody cancels by themselves, and a freed place is not given.
		late := c.user("late@cardiolys.example", "En Retard", "fr", auth.RoleMember, c.startup.ID)
		if _, err := c.ev.AddRegistration(ctx, e.ID, events.StaffRegistration{UserID: late.ID}); err != nil {
			t.Fatal(err)
		}
		c.now = mar17(14, 5)
		if _, err := c.ev.CancelOwn(ctx, &p[2], regs[2].ID); !errors.Is(err, events.ErrState) {
			t.Errorf("cancelling after the start: %v", err)
		}
		if _, err := c.ev.CancelRegistration(ctx, regs[2].ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := c.ev.RegistrationOf(ctx, &late, e.ID); got.Status != events.RegWaiting {
			t.Errorf("promoted after the start: %+v", got)
		}
	})
}

func TestCancellingAnEventTellsEveryoneRegistered(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.Capacity = 1
		e := c.published(in)
		for _, u := range []*auth.User{&c.member, &c.nonMember} {
			if _, err := c.ev.Register(ctx, u, e.ID, events.Registrant{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.ev.Register(ctx, nil, e.ID, events.Registrant{Name: "Ana Müller", Email: "ana@example.org", Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		gone, err := c.ev.Register(ctx, nil, e.ID, events.Registrant{Name: "Zoë Brontë", Email: "zoe@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ev.CancelRegistration(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		c.mails()
		if _, err := c.ev.CancelEvent(ctx, e.ID, "Salle indisponible"); err != nil {
			t.Fatal(err)
		}
		ms := c.mails()
		if len(ms) != 3 {
			t.Errorf("%d mails: %+v", len(ms), ms)
		}
		if m := only(t, ms, "jane@cardiolys.example"); m.Subject != "Event cancelled: Medtech committee" || !strings.Contains(m.Body, "Reason: Salle indisponible") {
			t.Errorf("member's mail %q:\n%s", m.Subject, m.Body)
		}
		only(t, ms, "paul@grandgroupe.example") // on the waiting list
		only(t, ms, "ana@example.org")          // not confirmed yet
		if ns, _, _ := notify.List(ctx, d, c.member.ID, 10); len(ns) != 1 || ns[0].Key != "events.mail.event_cancelled.notice" {
			t.Errorf("notifications %+v", ns)
		}
	})
}
