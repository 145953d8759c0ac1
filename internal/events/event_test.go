package events_test

import (
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/events"
)

func TestEventInputIsValidatedFieldByField(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		for _, tc := range []struct {
			name, field, key string
			edit             func(in *events.Input)
		}{
			{"unknown type", "type", "validate.choice", func(in *events.Input) { in.Type = "party" }},
			{"unknown audience", "audience", "validate.choice", func(in *events.Input) { in.Audience = "everyone" }},
			{"no title", "title_fr", "validate.required", func(in *events.Input) { in.TitleFR = "  " }},
			{"unknown sector", "sectors", "validate.choice", func(in *events.Input) { in.Sectors = []string{"medtech", "astrology"} }},
			{"end before start", "end", "events.end_before_start", func(in *events.Input) { in.End = in.Start.Add(-time.Minute) }},
			{"no end", "end", "validate.required", func(in *events.Input) { in.End = time.Time{} }},
			{"too long", "end", "events.too_long", func(in *events.Input) { in.End = in.Start.AddDate(0, 2, 0) }},
			{"ftp link", "online_url", "events.url", func(in *events.Input) { in.OnlineURL = "ftp://files.example/meeting" }},
			{"javascript link", "online_url", "events.url", func(in *events.Input) { in.OnlineURL = "javascript:alert(1)" }},
			{"webinar without link", "online_url", "events.online_required", func(in *events.Input) { in.Type = events.TypeWebinar }},
			{"nowhere", "venue", "events.place_required", func(in *events.Input) { in.Venue, in.City, in.Address = "", "", "" }},
			{"negative capacity", "capacity", "events.capacity_range", func(in *events.Input) { in.Capacity = -1 }},
			{"negative price", "price_non_member", "events.price_range", func(in *events.Input) { in.PriceNonMember = -100 }},
			{"window backwards", "registration_closes", "events.window", func(in *events.Input) {
				in.RegistrationOpens, in.RegistrationCloses = mar17(9, 0), mar17(8, 0)
			}},
			{"closes after the end", "registration_closes", "events.closes_after_end", func(in *events.Input) { in.RegistrationCloses = mar17(18, 0) }},
			{"opens after the start", "registration_opens", "events.opens_after_start", func(in *events.Input) { in.RegistrationOpens = mar17(15, 0) }},
		} {
			in := input()
			tc.edit(&in)
			_, err := c.ev.Create(ctx, in)
			if err == nil {
				t.Errorf("%s: accepted", tc.name)
				continue
			}
			fieldErr(t, err, tc.field, tc.key)
		}
		in := input()
		in.Type, in.Venue, in.City, in.Address, in.OnlineURL = events.TypeWebinar, "", "", "", "https://visio.example/room/42"
		if _, err := c.ev.Create(ctx, in); err != nil {
			t.Errorf("webinar with a link only: %v", err)
		}
	})
}

func TestEventIsCreatedUpdatedPublishedDeletedAndAudited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.Sectors = []string{"digital", "medtech", "digital"}
		in.Capacity, in.PriceMember, in.PriceNonMember = 30, 0, 12000
		e, err := c.ev.Create(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != events.StatusDraft || !slices.Equal(e.Sectors, []string{"medtech", "digital"}) {
			t.Errorf("created %+v", e)
		}
		got, err := c.ev.Event(ctx, &c.staff, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Start.Equal(mar17(14, 0)) || got.Start.Location() != time.UTC || got.PriceNonMember != 12000 || got.Capacity != 30 ||
			!slices.Equal(got.Sectors, []string{"medtech", "digital"}) || got.Place() != "Maison de l'innovation, 12 rue de la Paix, Dijon" {
			t.Errorf("read back %+v", got)
		}
		in.TitleFR, in.Capacity = "Comité Medtech de printemps", 40
		c.now = c.now.Add(time.Hour)
		up, err := c.ev.Update(ctx, e.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if up.TitleFR != "Comité Medtech de printemps" || up.Sequence != 1 || !up.UpdatedAt.Equal(c.now) {
			t.Errorf("updated %+v", up)
		}
		pub, err := c.ev.Publish(ctx, e.ID)
		if err != nil || pub.Status != events.StatusPublished || pub.PublishedAt.IsZero() {
			t.Fatalf("publish: %+v, %v", pub, err)
		}
		if err := c.ev.Delete(ctx, e.ID); !errors.Is(err, events.ErrState) {
			t.Errorf("deleting a published event: %v", err)
		}
		draft, err := c.ev.Create(ctx, input())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.ev.Delete(ctx, draft.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ev.Event(ctx, &c.staff, draft.ID); !isNotFound(err) {
			t.Errorf("deleted draft still read: %v", err)
		}
		entries, _, err := audit.List(ctx, d, audit.Filter{Entity: "event", EntityID: strconv.FormatInt(e.ID, 10)})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, a := range entries {
			actions = append(actions, a.Action)
		}
		slices.Sort(actions)
		if !slices.Equal(actions, []string{"create", "publish", "update"}) {
			t.Errorf("audit actions %v", actions)
		}
		cancelled, err := c.ev.CancelEvent(ctx, e.ID, "Intervenant indisponible")
		if err != nil || cancelled.Status != events.StatusCancelled || cancelled.CancelReason != "Intervenant indisponible" {
			t.Fatalf("cancel: %+v, %v", cancelled, err)
		}
		if _, err := c.ev.Update(ctx, e.ID, in); !errors.Is(err, events.ErrState) {
			t.Errorf("updating a cancelled event: %v", err)
		}
		if _, err := c.ev.Publish(ctx, e.ID); !errors.Is(err, events.ErrState) {
			t.Errorf("publishing a cancelled event: %v", err)
		}
	})
}

func TestAgendaSessionsStayWithinTheEvent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		e := c.published(input())
		_, err := c.ev.AddSession(ctx, e.ID, events.SessionInput{Title: "Accueil", Start: mar17(13, 30), End: mar17(14, 30)})
		fieldErr(t, err, "start", "events.session_outside")
		_, err = c.ev.AddSession(ctx, e.ID, events.SessionInput{Title: "Table ronde", Start: mar17(16, 0), End: mar17(15, 0)})
		fieldErr(t, err, "end", "events.end_before_start")
		_, err = c.ev.AddSession(ctx, e.ID, events.SessionInput{Title: "Table ronde", Start: mar17(15, 0), End: mar17(16, 0),
			Speakers: []events.Speaker{{Organisation: "Sans nom SA"}}})
		fieldErr(t, err, "speakers", "events.speaker_name")
		late, err := c.ev.AddSession(ctx, e.ID, events.SessionInput{Title: "Table ronde MDR", Start: mar17(15, 30), End: mar17(17, 0), Room: "Salle Pasteur",
			Speakers: []events.Speaker{{Name: "Dr Élise Durand", Organisation: "CHU de Dijon"}, {Name: "Marc Petit"}, {Name: " "}}})
		if err != nil {
			t.Fatal(err)
		}
		early, err := c.ev.AddSession(ctx, e.ID, events.SessionInput{Title: "Ouverture", Start: mar17(14, 0), End: mar17(14, 15)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ev.UpdateSession(ctx, early.ID, events.SessionInput{Title: "Ouverture", Start: mar17(14, 0), End: mar17(14, 30),
			Speakers: []events.Speaker{{Name: "Camille Martin", Organisation: "Pôle"}}}); err != nil {
			t.Fatal(err)
		}
		got, err := c.ev.Event(ctx, nil, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Sessions) != 2 || got.Sessions[0].ID != early.ID || got.Sessions[1].ID != late.ID {
			t.Fatalf("sessions %+v", got.Sessions)
		}
		if sp := got.Sessions[1].Speakers; len(sp) != 2 || sp[0] != (events.Speaker{Name: "Dr Élise Durand", Organisation: "CHU de Dijon"}) || sp[1].Name != "Marc Petit" {
			t.Errorf("speakers %+v", sp)
		}
		if !got.Sessions[0].End.Equal(mar17(14, 30)) || got.Sessions[0].Speakers[0].Name != "Camille Martin" {
			t.Errorf("updated session %+v", got.Sessions[0])
		}
		// Moving the event so that a session falls outside is refused.
		in := input()
		in.End = mar17(16, 0)
		_, err = c.ev.Update(ctx, e.ID, in)
		fieldErr(t, err, "start", "events.sessions_outside")
		if err := c.ev.DeleteSession(ctx, late.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ev.Update(ctx, e.ID, in); err != nil {
			t.Errorf("update once the late session is gone: %v", err)
		}
	})
}

func TestExhibitorsSponsorsAndRecordings(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCluster(t, d)
		in := input()
		in.Type = events.TypeCongress
		e := c.published(in)
		if err := c.ev.SetExhibitor(ctx, e.ID, c.startup.ID, "B12"); err != nil {
			t.Fatal(err)
		}
		if err := c.ev.SetExhibitor(ctx, e.ID, c.startup.ID, "A3"); err != nil {
			t.Fatal(err)
		}
		fieldErr(t, c.ev.SetExhibitor(ctx, e.ID, 999999, "C1"), "organisation_id", "events.unknown_organisation")
		if err := c.ev.SetSponsor(ctx, e.ID, c.lab.ID, events.LevelSilver, ""); err != nil {
			t.Fatal(err)
		}
		if err := c.ev.SetSponsor(ctx, e.ID, c.outsider.ID, events.LevelGold, "S1"); err != nil {
			t.Fatal(err)
		}
		fieldErr(t, c.ev.SetSponsor(ctx, e.ID, c.lab.ID, "diamond", ""), "level", "validate.choice")
		got, err := c.ev.Event(ctx, nil, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Exhibitors) != 1 || got.Exhibitors[0] != (events.Exhibitor{OrganisationID: c.startup.ID, Organisation: "Cardiolys", Stand: "A3"}) {
			t.Errorf("exhibitors %+v", got.Exhibitors)
		}
		if len(got.Sponsors) != 2 || got.Sponsors[0].OrganisationID != c.outsider.ID || got.Sponsors[1].Level != events.LevelSilver {
			t.Errorf("sponsors, gold first: %+v", got.Sponsors)
		}
		if err := c.ev.RemoveSponsor(ctx, e.ID, c.lab.ID); err != nil {
			t.Fatal(err)
		}
		if err := c.ev.RemoveExhibitor(ctx, e.ID, c.lab.ID); !isNotFound(err) {
			t.Errorf("removing an organisation that does not exhibit: %v", err)
		}
		_, err = c.ev.AddRecording(ctx, e.ID, "Captation", "https://video.example/v/1")
		fieldErr(t, err, "url", "events.recording_before_event")
		c.now = mar17(18, 0)
		_, err = c.ev.AddRecording(ctx, e.ID, "Captation", "data:text/html,<script>")
		fieldErr(t, err, "url", "events.url")
		rec, err := c.ev.AddRecording(ctx, e.ID, "Captation intégrale", "https://video.example/v/1")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ = c.ev.Event(ctx, nil, e.ID); len(got.Recordings) != 1 || got.Recordings[0].URL != "https://video.example/v/1" || len(got.Sponsors) != 1 {
			t.Errorf("recordings %+v, sponsors %+v", got.Recordings, got.Sponsors)
		}
		if err := c.ev.DeleteRecording(ctx, rec.ID); err != nil {
			t.Fatal(err)
		}
	})
}
