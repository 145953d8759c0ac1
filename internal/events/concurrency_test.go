package events_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/events"
)

// TestCapacityIsNeverExceededUnderConcurrentRegistrations has 40 people
// register at once for 10 places, half signed in, half confirming their
// e-mail address, in several rounds; then staff cancel places while more
// people register. The confirmed registrations must always fill the
// places exactly, never more, and the waiting list must be one queue.
func TestCapacityIsNeverExceededUnderConcurrentRegistrations(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		const people, places, rounds, cancels, latecomers = 40, 10, 3, 4, 8
		accounts := c.members(people / 2)
		check := func(e events.Event, wantWaiting int) []events.Registration {
			t.Helper()
			var confirmed, waiting int
			if err := d.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM event_registrations WHERE event_id = ? AND status = 'confirmed'),
				(SELECT COUNT(*) FROM event_registrations WHERE event_id = ? AND status = 'waiting')`, e.ID, e.ID).Scan(&confirmed, &waiting); err != nil {
				t.Fatal(err)
			}
			if confirmed != places || waiting != wantWaiting {
				t.Fatalf("%d confirmed, %d waiting; want %d and %d", confirmed, waiting, places, wantWaiting)
			}
			list, err := c.ev.Registrations(ctx, e.ID, events.RegistrationFilter{Status: events.RegWaiting})
			if err != nil {
				t.Fatal(err)
			}
			var pos []int
			for _, r := range list {
				pos = append(pos, r.Position)
			}
			for i, p := range pos {
				if p != i+1 {
					t.Fatalf("waiting positions %v", pos)
				}
			}
			return list
		}
		for round := range rounds {
			in := input()
			in.Capacity, in.TitleFR = places, fmt.Sprintf("Atelier %d", round)
			e := c.published(in)
			run := func(n int, fn func(i int) error) {
				t.Helper()
				var wg sync.WaitGroup
				errs := make([]error, n)
				start := make(chan struct{})
				for i := range n {
					wg.Go(func() {
						<-start
						errs[i] = fn(i)
					})
				}
				close(start)
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Fatalf("round %d, goroutine %d: %v", round, i, err)
					}
				}
			}
			run(people, func(i int) error {
				if i%2 == 0 {
					_, err := c.ev.Register(ctx, &accounts[i/2], e.ID, events.Registrant{})
					return err
				}
				r, err := c.ev.Register(ctx, nil, e.ID, events.Registrant{Name: fmt.Sprintf("Anonyme %d", i), Email: fmt.Sprintf("anon%d-%d@example.org", round, i)})
				if err != nil {
					return err
				}
				_, err = c.ev.Confirm(ctx, c.ev.ConfirmToken(r))
				return err
			})
			check(e, people-places)
			// Every registrant was told once where they stand.
			told := map[string]string{}
			for _, m := range c.mails() {
				if m.Subject != "Confirmez votre inscription\u00a0: "+in.TitleFR {
					if prev, dup := told[m.To]; dup {
						t.Fatalf("%s told twice: %q and %q", m.To, prev, m.Subject)
					}
					told[m.To] = m.Subject
				}
			}
			if len(told) != people {
				t.Fatalf("%d people told, want %d", len(told), people)
			}
			// Staff cancel places while latecomers register.
			confirmed, err := c.ev.Registrations(ctx, e.ID, events.RegistrationFilter{Status: events.RegConfirmed})
			if err != nil {
				t.Fatal(err)
			}
			firstWaiting := check(e, people-places)[:cancels]
			run(cancels+latecomers, func(i int) error {
				if i < cancels {
					_, err := c.ev.CancelRegistration(ctx, confirmed[i].ID)
					return err
				}
				_, err := c.ev.AddRegistration(ctx, e.ID, events.StaffRegistration{Registrant: events.Registrant{
					Name: fmt.Sprintf("Retard %d", i), Email: fmt.Sprintf("late%d-%d@example.org", round, i)}})
				return err
			})
			check(e, people-places-cancels+latecomers)
			// The places went to the first on the list, not to latecomers.
			for _, w := range firstWaiting {
				r, err := c.ev.Registration(ctx, w.ID)
				if err != nil || r.Status != events.RegConfirmed {
					t.Fatalf("first waiting %s: %+v, %v", w.Email, r, err)
				}
			}
			late, err := c.ev.Registrations(ctx, e.ID, events.RegistrationFilter{Status: events.RegWaiting})
			if err != nil {
				t.Fatal(err)
			}
			var lateOnes []int
			for _, r := range late {
				if r.Source == events.SourceStaff {
					lateOnes = append(lateOnes, r.Position)
				}
			}
			if want := people - places - cancels; len(lateOnes) != latecomers || slices.Min(lateOnes) != want+1 {
				t.Fatalf("latecomers at positions %v, want after %d", lateOnes, want)
			}
			c.mails()
		}
	})
}
