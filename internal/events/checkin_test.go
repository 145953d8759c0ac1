package events_test

import (
	"errors"
	"testing"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/events"
)

func TestCheckInFindsPeopleWhateverTheAccentsAndCountsThem(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.Capacity = 3
		e := c.published(in)
		add := func(name, email, org string) events.Registration {
			t.Helper()
			r, err := c.ev.AddRegistration(ctx, e.ID, events.StaffRegistration{Registrant: events.Registrant{Name: name, Email: email, Organisation: org}})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		jerome := add("Jérôme Lefèvre", "jl@example.org", "CHU Dijon")
		zoe := add("Zoë Brontë", "zb@example.org", "Hôpital Saint-Éloi")
		add("Ana Müller", "am@example.org", "")
		waiting := add("Jérémie Œuvray", "jo@example.org", "")
		if _, err := c.ev.Register(ctx, nil, e.ID, events.Registrant{Name: "Jérôme Pending", Email: "jp@example.org"}); err != nil {
			t.Fatal(err)
		}
		names := func(q string) []string {
			t.Helper()
			list, err := c.ev.CheckInSearch(ctx, e.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range list {
				out = append(out, r.Name)
			}
			return out
		}
		for q, want := range map[string][]string{
			"jerome":         {"Jérôme Lefèvre"},
			"LEFEVRE":        {"Jérôme Lefèvre"},
			"jér":            {"Jérôme Lefèvre", "Jérémie Œuvray"},
			"eloi":           {"Zoë Brontë"},
			"zoe bronte":     {"Zoë Brontë"},
			"bronte zoe":     {"Zoë Brontë"},
			"oeuvray":        {"Jérémie Œuvray"},
			"muller":         {"Ana Müller"},
			"zoe lefevre":    nil,
			"%":              {"Ana Müller", "Jérôme Lefèvre", "Zoë Brontë", "Jérémie Œuvray"},
			"":               {"Ana Müller", "Jérôme Lefèvre", "Zoë Brontë", "Jérémie Œuvray"},
			"ZB@example.org": {"Zoë Brontë"},
		} {
			if got := names(q); !equalStrings(got, want) {
				t.Errorf("search %q: %q, want %q", q, got, want)
			}
		}
		c.now = mar17(13, 50)
		first, err := c.ev.CheckIn(ctx, jerome.ID)
		if err != nil || !first.PresentAt.Equal(c.now) {
			t.Fatalf("check in: %+v, %v", first, err)
		}
		c.now = mar17(14, 10)
		if again, err := c.ev.CheckIn(ctx, jerome.ID); err != nil || !again.PresentAt.Equal(mar17(13, 50)) {
			t.Errorf("checking in twice: %+v, %v", again, err)
		}
		if _, err := c.ev.CheckIn(ctx, zoe.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ev.CheckIn(ctx, waiting.ID); !errors.Is(err, events.ErrState) {
			t.Errorf("checking in someone on the waiting list: %v", err)
		}
		if p, err := c.ev.CheckInCount(ctx, e.ID); err != nil || p != (events.Presence{Expected: 3, Present: 2}) {
			t.Errorf("count %+v, %v", p, err)
		}
		if undone, err := c.ev.UndoCheckIn(ctx, zoe.ID); err != nil || undone.Present() {
			t.Errorf("undo: %+v, %v", undone, err)
		}
		if p, _ := c.ev.CheckInCount(ctx, e.ID); p.Present != 1 {
			t.Errorf("present after undo: %d", p.Present)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
