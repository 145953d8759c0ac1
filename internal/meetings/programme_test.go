package meetings

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/ics"
	"filiere/internal/pdffont/pdftest"
	"filiere/internal/tabular"
	"filiere/internal/validate"
)

func TestOnlyConfirmedRegistrantsOptInAndExhibitorsMeetAtTheirStand(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCongress(t, d)
		jerome := c.member("jerome@hopital.example", "Jérôme Lefèvre", "fr", c.hospital.ID)
		_, err := c.pg.OptIn(progCtx, jerome, Profile{Offer: "Essais cliniques"})
		wantMessage(t, err, "programme.closed")

		// The slots lie inside the event and do not overlap.
		_, err = c.pg.Configure(progCtx, c.event.ID, SetupInput{Enabled: true, Tables: 3,
			Slots: []SlotInput{{Start: paris17(10, 0), Minutes: 20}, {Start: paris17(10, 10), Minutes: 20}}})
		wantField(t, err, "slots[1]", "programme.slot_overlap")
		_, err = c.pg.Configure(progCtx, c.event.ID, SetupInput{Enabled: true, Tables: 3, Slots: SlotRun(paris17(8, 0), 1, 20)})
		wantField(t, err, "slots[0]", "programme.slot_outside")
		_, err = c.pg.Configure(progCtx, c.event.ID, SetupInput{Enabled: true, Tables: 3})
		wantField(t, err, "slots", "programme.slots_required")

		// Two runs of three slots, with lunch between them.
		slots := append(SlotRun(paris17(10, 0), 3, 20), SlotRun(paris17(14, 0), 3, 20)...)
		s, err := c.pg.Configure(progCtx, c.event.ID, SetupInput{Enabled: true, Tables: 3, Slots: slots})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Slots) != 6 || s.Slots[2].Label() != "10:40–11:00" || s.Slots[3].Label() != "14:00–14:20" || s.Slots[3].Index != 3 {
			t.Fatalf("slots %+v", s.Slots)
		}

		a := c.optIn(jerome, "Essais cliniques en cardiologie")
		if !a.Active() || a.Stand || !a.AllSlots || a.Organisation != "Hôpital Saint-Éloi" || a.UserID == 0 {
			t.Errorf("Jérôme: %+v", a)
		}

		// Cardiolys exhibits at B12: its people meet at the stand.
		jane := c.member("jane@cardiolys.example", "Jane Doe", "en", c.cardiolys.ID)
		j, err := c.pg.OptIn(progCtx, jane, Profile{Offer: "Capteurs cardiaques", Lang: "en",
			Slots: []int64{s.Slots[4].ID, s.Slots[0].ID}, MaxMeetings: 2})
		if err != nil {
			t.Fatal(err)
		}
		if !j.Stand || j.StandLabel != "B12" || j.AllSlots || !slices.Equal(j.Slots, []int64{s.Slots[0].ID, s.Slots[4].ID}) ||
			j.MaxMeetings != 2 || j.ProfileLang != "en" || !j.Available(s.Slots[4].ID) || j.Available(s.Slots[1].ID) {
			t.Errorf("Jane: %+v", j)
		}

		// Only this event's slots.
		other, err := c.ev.Create(progCtx, events.Input{Type: events.TypeCongress, Audience: events.AudiencePublic,
			TitleFR: "Autre congrès", Start: paris17(9, 0).Add(48 * time.Hour), End: paris17(18, 0).Add(48 * time.Hour), City: "Dijon"})
		if err != nil {
			t.Fatal(err)
		}
		os, err := c.pg.Configure(progCtx, other.ID, SetupInput{Tables: 1, Slots: SlotRun(paris17(10, 0).Add(48*time.Hour), 2, 30)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.pg.OptIn(progCtx, jane, Profile{Slots: []int64{s.Slots[0].ID, os.Slots[0].ID}})
		wantField(t, err, "slots", "programme.unknown_slot")
		_, err = c.pg.OptIn(progCtx, jane, Profile{MaxMeetings: 7})
		wantField(t, err, "max_meetings", "programme.max_range")

		// A registration waiting for its e-mail confirmation does not opt
		// in; once confirmed through the mailed link, it does.
		paul := c.guest("paul@atelier.example", "Paul Martin", "fr", "Atelier Martin", false)
		_, err = c.pg.OptIn(progCtx, paul, Profile{})
		wantMessage(t, err, "programme.not_confirmed")
		marie := c.guest("marie@sterilix.example", "Marie Dupré", "fr", "Stérilix", true)
		m := c.optIn(marie, "Stérilisation par oxyde d'éthylène")
		if m.UserID != 0 || !m.Active() || m.Organisation != "Stérilix" {
			t.Errorf("Marie: %+v", m)
		}
		// Her meetings link opens the same attendee.
		viaLink, err := c.pg.CallerByToken(progCtx, c.pg.Token(m.RegistrationID))
		if err != nil {
			t.Fatal(err)
		}
		if me, err := c.pg.Me(progCtx, viaLink); err != nil || me.AttendeeID != m.AttendeeID {
			t.Errorf("Me by link: %+v, %v", me, err)
		}
		if _, err := c.pg.CallerByToken(progCtx, c.pg.Token(m.RegistrationID)+"x"); !isErr(err, db.ErrNotFound) {
			t.Errorf("forged token: %v", err)
		}

		// Browsing: accents and case aside, never oneself.
		found, err := c.pg.Browse(progCtx, marie, "jerome")
		if err != nil || len(found) != 1 || found[0].Name != "Jérôme Lefèvre" {
			t.Errorf("browse jerome: %+v, %v", found, err)
		}
		all, err := c.pg.Browse(progCtx, marie, "")
		if err != nil || len(all) != 2 || all[0].Name != "Jane Doe" || all[1].Name != "Jérôme Lefèvre" {
			t.Errorf("browse all: %+v, %v", all, err)
		}
		found, err = c.pg.Browse(progCtx, jerome, "STERILISATION ethylene")
		if err != nil || len(found) != 1 || found[0].AttendeeID != m.AttendeeID {
			t.Errorf("browse by offer: %+v, %v", found, err)
		}
		if _, err := c.pg.Browse(progCtx, paul, ""); err == nil {
			t.Error("an unconfirmed registrant browsed")
		}

		// After the deadline nobody new opts in, but profiles still change
		// and staff still add people.
		if _, err := c.pg.Configure(progCtx, c.event.ID, SetupInput{Enabled: true, Tables: 3, Slots: slots,
			RequestDeadline: c.now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		luc := c.member("luc@hopital.example", "Luc Girard", "fr", c.hospital.ID)
		_, err = c.pg.OptIn(progCtx, luc, Profile{})
		wantMessage(t, err, "programme.deadline_passed")
		if a, err = c.pg.OptIn(progCtx, jerome, Profile{Offer: "Essais cliniques et registres"}); err != nil || a.Offer != "Essais cliniques et registres" {
			t.Errorf("profile update after the deadline: %+v, %v", a, err)
		}
		if _, err := c.pg.AddAttendee(progCtx, luc.Registration().ID, Profile{}); err != nil {
			t.Errorf("staff add after the deadline: %v", err)
		}
		if list, err := c.pg.Attendees(progCtx, c.event.ID, ""); err != nil || len(list) != 4 {
			t.Errorf("attendees: %d, %v", len(list), err)
		}
	})
}

func TestARequestPerPairAnsweredByTheOneAskedWithMailsInTheirLanguage(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCongress(t, d)
		c.configure(4, 2, false)
		jerome := c.member("jerome@hopital.example", "Jérôme Lefèvre", "fr", c.hospital.ID)
		jane := c.member("jane@cardiolys.example", "Jane Doe", "en", c.cardiolys.ID)
		marie := c.guest("marie@sterilix.example", "Marie Dupré", "fr", "Stérilix", true)
		luc := c.member("luc@hopital.example", "Luc Girard", "fr", c.hospital.ID)
		aJerome, aJane, aMarie := c.optIn(jerome, "Essais"), c.optIn(jane, "Capteurs"), c.optIn(marie, "Stérilisation")
		c.mails()

		if _, err := c.pg.SendRequest(progCtx, luc, aJerome.AttendeeID, ""); err == nil {
			t.Error("a registrant who did not opt in sent a request")
		} else {
			wantMessage(t, err, "programme.opt_in_first")
		}

		r, err := c.pg.SendRequest(progCtx, jerome, aJane.AttendeeID, "Parlons de vos capteurs.")
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != RequestPending || r.From.AttendeeID != aJerome.AttendeeID || r.To.AttendeeID != aJane.AttendeeID || r.Weight != 1 {
			t.Errorf("request %+v", r)
		}
		ms := c.mails()
		m := onlyMail(t, ms, "jane@cardiolys.example")
		if len(ms) != 1 || m.Subject != "Meeting request from Jérôme Lefèvre: Health & Innovation Congress" ||
			!strings.Contains(m.Body, "“Parlons de vos capteurs.”") || !strings.Contains(m.Body, "Hôpital Saint-Éloi") ||
			!strings.Contains(m.Body, "https://filiere.example"+PagePath(c.event.ID)) {
			t.Errorf("request mail %+v", m)
		}
		if got := c.notices(jane.Registration().UserID); !slices.Equal(got, []string{"programme.mail.request.notice"}) {
			t.Errorf("Jane's notices %v", got)
		}

		// One request per pair, whichever side asks.
		_, err = c.pg.SendRequest(progCtx, jane, aJerome.AttendeeID, "")
		wantMessage(t, err, "programme.already_requested")
		_, err = c.pg.SendRequest(progCtx, jerome, aJerome.AttendeeID, "")
		wantMessage(t, err, "programme.self_request")

		// Only the one asked answers.
		if _, err := c.pg.Answer(progCtx, jerome, r.ID, true); !isErr(err, ErrNotAllowed) {
			t.Errorf("the sender answered: %v", err)
		}
		if _, err := c.pg.Answer(progCtx, marie, r.ID, true); !isErr(err, ErrNotAllowed) {
			t.Errorf("a third person answered: %v", err)
		}
		if r, err = c.pg.Answer(progCtx, jane, r.ID, true); err != nil || r.Status != RequestAccepted || r.AnsweredAt.IsZero() {
			t.Fatalf("accept: %+v, %v", r, err)
		}
		m = onlyMail(t, c.mails(), "jerome@hopital.example")
		if m.Subject != "Jane Doe accepte votre rendez-vous" || !strings.Contains(m.Body, "Cardiolys") {
			t.Errorf("accepted mail %+v", m)
		}
		if got := c.notices(jerome.Registration().UserID); !slices.Equal(got, []string{"programme.mail.accepted.notice"}) {
			t.Errorf("Jérôme's notices %v", got)
		}
		if _, err := c.pg.Answer(progCtx, jane, r.ID, false); !isErr(err, ErrState) {
			t.Errorf("answered twice: %v", err)
		}

		// A guest asks; the answer reaches her by mail with her signed link.
		r2, err := c.pg.SendRequest(progCtx, marie, aJerome.AttendeeID, "")
		if err != nil {
			t.Fatal(err)
		}
		m = onlyMail(t, c.mails(), "jerome@hopital.example")
		if m.Subject != "Demande de rendez-vous de Marie Dupré\u00a0: Congrès Santé & Innovation" || strings.Contains(m.Body, "Son message") {
			t.Errorf("request mail without a message %+v", m)
		}
		if r2, err = c.pg.Answer(progCtx, jerome, r2.ID, false); err != nil || r2.Status != RequestDeclined {
			t.Fatalf("decline: %+v, %v", r2, err)
		}
		m = onlyMail(t, c.mails(), "marie@sterilix.example")
		if m.Subject != "Jérôme Lefèvre décline votre rendez-vous" ||
			!strings.Contains(m.Body, "https://filiere.example"+TokenPagePath(c.pg.Token(aMarie.RegistrationID))) {
			t.Errorf("declined mail %+v", m)
		}
		_, err = c.pg.SendRequest(progCtx, jerome, aMarie.AttendeeID, "")
		wantMessage(t, err, "programme.already_requested")

		// Staff add requests as accepted, with a priority, without mails.
		r3 := c.accepted(aMarie, aJane, 4)
		if r3.Status != RequestAccepted || r3.Source != SourceStaff || r3.Weight != 4 {
			t.Errorf("staff request %+v", r3)
		}
		if r3, err = c.pg.SetPriority(progCtx, r3.ID, 5); err != nil || r3.Weight != 5 {
			t.Errorf("priority: %+v, %v", r3, err)
		}
		_, err = c.pg.SetPriority(progCtx, r3.ID, 6)
		wantField(t, err, "weight", "programme.weight_range")
		if again := c.accepted(aJerome, aMarie, 2); again.ID != r2.ID || again.Status != RequestAccepted || again.Weight != 2 {
			t.Errorf("staff accepting a declined request: %+v", again)
		}
		if ms := c.mails(); len(ms) != 0 {
			t.Errorf("staff requests mailed %v", ms)
		}

		// Either side cancels; the other one is told, in their language.
		if _, err := c.pg.CancelRequest(progCtx, marie, r.ID); !isErr(err, db.ErrNotFound) {
			t.Errorf("a third person cancelled: %v", err)
		}
		if r, err = c.pg.CancelRequest(progCtx, jane, r.ID); err != nil || r.Status != RequestCancelled {
			t.Fatalf("cancel: %+v, %v", r, err)
		}
		m = onlyMail(t, c.mails(), "jerome@hopital.example")
		if m.Subject != "Rendez-vous annulé avec Jane Doe" || strings.Contains(m.Body, "Il était prévu") {
			t.Errorf("cancelled mail %+v", m)
		}
		// The pair may ask again.
		if _, err := c.pg.SendRequest(progCtx, jane, aJerome.AttendeeID, "Finalement, oui ?"); err != nil {
			t.Errorf("asking again after a cancellation: %v", err)
		}
		mine, err := c.pg.MyRequests(progCtx, jerome)
		if err != nil || len(mine) != 3 {
			t.Fatalf("Jérôme's requests: %d, %v", len(mine), err)
		}
		if mine[0].Status != RequestCancelled || mine[1].Other(aJerome.AttendeeID).Name != "Marie Dupré" || mine[2].Status != RequestPending {
			t.Errorf("Jérôme's requests %+v", mine)
		}
	})
}

func TestTheScheduleKeepsEveryRuleAndSentMeetingsStayWhenRequestsArriveLate(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCongress(t, d)
		s := c.configure(4, 2, false)
		jane := c.optIn(c.member("jane@cardiolys.example", "Jane Doe", "en", c.cardiolys.ID), "Capteurs")
		var folk []Attendee
		for i := range 6 {
			who := c.guest("p"+strconv.Itoa(i)+"@example.org", "Personne "+strconv.Itoa(i), "fr", "Société "+strconv.Itoa(i), true)
			in := Profile{Offer: "Offre"}
			switch i {
			case 1:
				in.MaxMeetings = 1
			case 2:
				in.Slots = []int64{s.Slots[0].ID, s.Slots[1].ID}
			}
			a, err := c.pg.OptIn(progCtx, who, in)
			if err != nil {
				t.Fatal(err)
			}
			folk = append(folk, a)
		}
		for i := range folk {
			for j := i + 1; j < len(folk); j++ {
				c.accepted(folk[i], folk[j], 1+(i+j)%3)
			}
		}
		for _, a := range folk[3:] {
			c.accepted(a, jane, 2)
		}
		run := c.schedule()
		if run.Requests != 18 || run.Scheduled+len(run.Unscheduled) != run.Requests || run.UpperBound < run.Weight || run.Scheduled == 0 {
			t.Fatalf("run %+v", run)
		}
		p, sched := c.storedSchedule(run)
		for _, v := range violations(p, sched) {
			t.Error(v)
		}
		for _, u := range run.Unscheduled {
			if txt := u.Text("fr"); txt == "" || strings.HasPrefix(txt, "meetings.reason") {
				t.Errorf("reason %q", txt)
			}
		}
		last, err := c.pg.LastRun(progCtx, c.event.ID)
		if err != nil || last.ID != run.ID || last.Scheduled != run.Scheduled || len(last.Unscheduled) != len(run.Unscheduled) ||
			last.UpperBound != run.UpperBound {
			t.Errorf("last run %+v, %v", last, err)
		}
		if sum := run.Summary("en"); !strings.Contains(sum, strconv.Itoa(run.Requests)) || !strings.Contains(sum, strconv.Itoa(run.UpperBound)) {
			t.Errorf("summary %q", sum)
		}

		// Drafts are staff's: participants see nothing before publication.
		someone, err := c.pg.CallerByToken(progCtx, c.pg.Token(folk[0].RegistrationID))
		if err != nil {
			t.Fatal(err)
		}
		if ag, err := c.pg.MyAgenda(progCtx, someone); err != nil || len(ag.Items) != 0 {
			t.Errorf("agenda before publication: %+v, %v", ag.Items, err)
		}
		c.mails()
		pub, err := c.pg.Publish(progCtx, c.event.ID)
		if err != nil {
			t.Fatal(err)
		}
		placed, err := c.pg.Appointments(progCtx, c.event.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		withMeetings := map[string]bool{}
		for _, m := range placed {
			withMeetings[m.A.Email], withMeetings[m.B.Email] = true, true
			if m.Status != StatusSent {
				t.Errorf("meeting %d is %s after publication", m.ID, m.Status)
			}
		}
		ms := c.mails()
		if pub.Sent != run.Scheduled || pub.People != len(withMeetings) || len(ms) != len(withMeetings) {
			t.Errorf("publication %+v, %d mails for %d people", pub, len(ms), len(withMeetings))
		}
		for addr := range withMeetings {
			m := onlyMail(t, ms, addr)
			if !strings.Contains(m.Body, "https://filiere.example/meetings/") || !strings.Contains(m.Body, "/agenda.ics") {
				t.Errorf("agenda mail %+v", m)
			}
		}
		if again, err := c.pg.Publish(progCtx, c.event.ID); err != nil || again != (Publication{}) || len(c.mails()) != 0 {
			t.Errorf("publishing twice: %+v, %v", again, err)
		}

		// A late request: the sent meetings keep their slot and table.
		late := c.optIn(c.guest("late@example.org", "Léa Tardive", "fr", "Retard SA", true), "Tout")
		c.accepted(late, jane, 1)
		c.mails()
		run2 := c.schedule()
		if run2.Kept != pub.Sent || run2.Moved != 0 || run2.Dropped != 0 {
			t.Errorf("second run %+v", run2)
		}
		p, sched = c.storedSchedule(run2)
		for _, v := range violations(p, sched) {
			t.Error(v)
		}
		after, err := c.pg.Appointments(progCtx, c.event.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		where := map[int64][2]int{}
		for _, m := range after {
			where[m.RequestID] = [2]int{m.Slot.Index, m.Table}
		}
		for _, m := range placed {
			if where[m.RequestID] != [2]int{m.Slot.Index, m.Table} {
				t.Errorf("sent meeting %d moved from %v to %v", m.ID, [2]int{m.Slot.Index, m.Table}, where[m.RequestID])
			}
		}
		if len(after) != len(placed)+1 {
			t.Fatalf("%d meetings after the late request, %d before", len(after), len(placed))
		}
		pub2, err := c.pg.Publish(progCtx, c.event.ID)
		ms = c.mails()
		if err != nil || pub2.Sent != 1 || pub2.People != 2 || len(ms) != 2 {
			t.Errorf("second publication %+v, %v, %d mails", pub2, err, len(ms))
		}
		onlyMail(t, ms, "late@example.org")
		m := onlyMail(t, ms, "jane@cardiolys.example")
		if !strings.Contains(m.Body, "Stand of Cardiolys (B12)") || !strings.Contains(m.Body, "Léa Tardive (Retard SA)") {
			t.Errorf("Jane's agenda mail %q", m.Body)
		}

		// A cancellation frees the slot: the other side is told when it was.
		gone := after[0]
		if _, err := c.pg.CancelRequestByStaff(progCtx, gone.RequestID); err != nil {
			t.Fatal(err)
		}
		ms = c.mails()
		if len(ms) != 2 || !strings.Contains(onlyMail(t, ms, gone.A.Email).Body, slotWhen("fr", gone.Slot)) {
			t.Errorf("cancellation mails %+v", ms)
		}
		plan, err := c.pg.TablePlan(progCtx, c.event.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range plan.Slots[gone.Slot.Index].Meetings {
			if m.RequestID == gone.RequestID {
				t.Errorf("the cancelled meeting is still planned")
			}
		}
		ag, err := c.pg.Agenda(progCtx, gone.A.AttendeeID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range ag.Items {
			if it.Slot.ID == gone.Slot.ID {
				t.Errorf("%s still meets someone in the freed slot: %+v", gone.A.Name, it)
			}
		}
		run3 := c.schedule()
		p, sched = c.storedSchedule(run3)
		for _, v := range violations(p, sched) {
			t.Error(v)
		}
		if run3.Kept != len(after)-1 || run3.Dropped != 0 {
			t.Errorf("third run %+v", run3)
		}
	})
}

func TestSentMeetingsMoveOnlyWhenStaffAllowIt(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCongress(t, d)
		s := c.configure(2, 1, false)
		ann := c.optIn(c.guest("ann@example.org", "Ann Aubry", "fr", "Aubry SAS", true), "A")
		bea := c.optIn(c.guest("bea@example.org", "Béa Brun", "en", "Brun Ltd", true), "B")
		c.accepted(ann, bea, 1)
		c.schedule()
		if _, err := c.pg.Publish(progCtx, c.event.ID); err != nil {
			t.Fatal(err)
		}
		list, err := c.pg.Appointments(progCtx, c.event.ID, false)
		if err != nil || len(list) != 1 {
			t.Fatalf("meetings %+v, %v", list, err)
		}
		first := list[0]
		// Chloé is free only in the slot Ann and Béa took.
		chloe := c.guest("chloe@example.org", "Chloé Carré", "fr", "Carré SA", true)
		ch, err := c.pg.OptIn(progCtx, chloe, Profile{Slots: []int64{first.Slot.ID}})
		if err != nil {
			t.Fatal(err)
		}
		c.accepted(ann, ch, 1)
		run := c.schedule()
		if run.Scheduled != 1 || run.Kept != 1 || len(run.Unscheduled) != 1 || run.Unscheduled[0].Reason != NoFreeSlot {
			t.Fatalf("without moving: %+v", run)
		}

		// Staff allow moving: the sent meeting moves, Chloé gets her slot.
		if _, err := c.pg.Configure(progCtx, c.event.ID, SetupInput{Enabled: true, Tables: 1, AllowMoving: true,
			Slots: SlotRun(paris17(10, 0), 2, 20)}); err != nil {
			t.Fatal(err)
		}
		run = c.schedule()
		if run.Scheduled != 2 || run.Moved != 1 || run.Kept != 0 || run.Dropped != 0 {
			t.Fatalf("with moving: %+v", run)
		}
		p, sched := c.storedSchedule(run)
		for _, v := range violations(p, sched) {
			t.Error(v)
		}
		moved, err := c.pg.Appointments(progCtx, c.event.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(moved, func(m Appointment) bool { return m.ID == first.ID })
		if i < 0 || moved[i].Status != StatusChanged || moved[i].Slot.ID == first.Slot.ID || moved[i].SentSlot.ID != first.Slot.ID {
			t.Fatalf("the moved meeting %+v", moved)
		}
		// Until staff publish, Béa's agenda is what she was sent.
		beaCaller, err := c.pg.CallerByToken(progCtx, c.pg.Token(bea.RegistrationID))
		if err != nil {
			t.Fatal(err)
		}
		ag, err := c.pg.MyAgenda(progCtx, beaCaller)
		if err != nil || len(ag.Items) != 1 || ag.Items[0].Slot.ID != first.Slot.ID {
			t.Fatalf("Béa's agenda before publication %+v, %v", ag.Items, err)
		}
		before := c.pg.AgendaICS(ag, "en")
		c.mails()
		pub, err := c.pg.Publish(progCtx, c.event.ID)
		if err != nil || pub.Moved != 1 || pub.Sent != 1 || pub.People != 3 || len(c.mails()) != 3 {
			t.Fatalf("publication %+v, %v", pub, err)
		}
		if ag, err = c.pg.MyAgenda(progCtx, beaCaller); err != nil || ag.Items[0].Slot.ID == first.Slot.ID {
			t.Fatalf("Béa's agenda after publication %+v, %v", ag.Items, err)
		}
		// The calendar entry is the same, one revision later, at the new time.
		now := c.pg.AgendaICS(ag, "en")
		uid := "UID:meeting-" + strconv.FormatInt(first.ID, 10) + "@filiere.example\r\n"
		if !bytesHas(before, uid) || !bytesHas(now, uid) || !bytesHas(now, "SEQUENCE:1\r\n") ||
			!bytesHas(now, "DTSTART:"+ics.DateTime(s.Slots[1-first.Slot.Index].Start)) {
			t.Errorf("calendar before:\n%s\nafter:\n%s", before, now)
		}
	})
}

func TestTheAgendaDownloadsAsICSAndPDFWithTheOthersAccentedNames(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCongress(t, d)
		c.configure(3, 2, false)
		jerome := c.member("jerome@hopital.example", "Jérôme Lefèvre", "fr", c.hospital.ID)
		marie := c.guest("marie@sterilix.example", "Marie Dupré", "fr", "Stérilix", true)
		aJerome, aMarie := c.optIn(jerome, "Essais"), c.optIn(marie, "Stérilisation")
		aJane := c.optIn(c.member("jane@cardiolys.example", "Jane Doe", "en", c.cardiolys.ID), "Capteurs")
		r, err := c.pg.SendRequest(progCtx, marie, aJerome.AttendeeID, "Bonjour, parlons stérilisation ; vite !")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.pg.Answer(progCtx, jerome, r.ID, true); err != nil {
			t.Fatal(err)
		}
		c.accepted(aMarie, aJane, 1)
		c.schedule()
		c.mails()
		if _, err := c.pg.Publish(progCtx, c.event.ID); err != nil {
			t.Fatal(err)
		}
		token := c.pg.Token(aMarie.RegistrationID)
		m := onlyMail(t, c.mails(), "marie@sterilix.example")
		if !strings.Contains(m.Body, "https://filiere.example"+TokenICSPath(token)) ||
			!strings.Contains(m.Body, "https://filiere.example"+TokenAgendaPath(token)) || !strings.Contains(m.Body, "Jérôme Lefèvre") {
			t.Errorf("Marie's agenda mail %q", m.Body)
		}

		// Marie opens her agenda from the link, without an account.
		viaLink, err := c.pg.CallerByToken(progCtx, token)
		if err != nil {
			t.Fatal(err)
		}
		ag, err := c.pg.MyAgenda(progCtx, viaLink)
		if err != nil || len(ag.Items) != 2 || !ag.Published {
			t.Fatalf("agenda %+v, %v", ag, err)
		}
		var atStand, atTable AgendaItem
		for _, it := range ag.Items {
			if it.With.AttendeeID == aJane.AttendeeID {
				atStand = it
			} else {
				atTable = it
			}
		}
		if atStand.Table != 0 || atStand.Place("fr") != "Stand de Cardiolys (B12)" || atTable.Table < 1 ||
			atTable.Place("fr") != "Table "+strconv.Itoa(atTable.Table) || atTable.With.Organisation != "Hôpital Saint-Éloi" || !atTable.Asked {
			t.Errorf("agenda items %+v", ag.Items)
		}

		cal := c.pg.AgendaICS(ag, "fr")
		if !bytes.HasPrefix(cal, []byte("BEGIN:VCALENDAR\r\n")) || bytes.Count(cal, []byte("BEGIN:VEVENT\r\n")) != 2 ||
			bytes.Count(cal, []byte("\n")) != bytes.Count(cal, []byte("\r\n")) {
			t.Fatalf("not an iCalendar file of two meetings:\n%s", cal)
		}
		unfolded := strings.ReplaceAll(string(cal), "\r\n ", "")
		for _, want := range []string{
			"UID:meeting-" + strconv.FormatInt(atTable.MeetingID, 10) + "@filiere.example",
			"SUMMARY:Rendez-vous\u00a0: Jérôme Lefèvre (Hôpital Saint-Éloi)",
			"DTSTART:" + ics.DateTime(atTable.Slot.Start), "DTEND:" + ics.DateTime(atTable.Slot.End()),
			"LOCATION:Stand de Cardiolys (B12)\\, Palais des congrès\\, Besançon",
			"parlons stérilisation \\; vite !",
			"URL:https://filiere.example" + TokenAgendaPath(token),
		} {
			if !strings.Contains(unfolded, want) {
				t.Errorf("the calendar lacks %q:\n%s", want, unfolded)
			}
		}

		var pdf bytes.Buffer
		if err := WriteAgendaPDF(&pdf, ag, "fr"); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF")) {
			t.Fatalf("not a PDF: %q", pdf.Bytes()[:min(16, pdf.Len())])
		}
		if pdftest.Available(t) {
			text := pdfToText(t, pdf.Bytes())
			for _, want := range []string{"Marie Dupré", "Jérôme Lefèvre", "Hôpital Saint-Éloi", "Stand de Cardiolys (B12)",
				"Congrès Santé & Innovation", atTable.Slot.Label()} {
				if !strings.Contains(text, want) {
					t.Errorf("the PDF lacks %q:\n%s", want, text)
				}
			}
		}

		// The table plan, for the floor staff.
		plan, err := c.pg.TablePlan(progCtx, c.event.ID)
		if err != nil || len(plan.Slots) != 3 || plan.Tables != 2 {
			t.Fatalf("plan %+v, %v", plan, err)
		}
		var sheet bytes.Buffer
		if err := WriteTablePlanXLSX(&sheet, plan, "fr"); err != nil {
			t.Fatal(err)
		}
		tab, _, err := tabular.ReadXLSX(&sheet, 1<<20)
		if err != nil || len(tab.Rows) != 2 || tab.Header[3] != "Demandeur" {
			t.Fatalf("plan sheet %+v, %v", tab, err)
		}
		var names []string
		for _, row := range tab.Rows {
			names = append(names, row.Cells[3]+" → "+row.Cells[5]+" @ "+row.Cells[2])
		}
		slices.Sort(names)
		want := []string{"Marie Dupré → Jane Doe @ Stand de Cardiolys (B12)", "Marie Dupré → Jérôme Lefèvre @ Table " + strconv.Itoa(atTable.Table)}
		if !slices.Equal(names, want) {
			t.Errorf("plan rows %q, want %q", names, want)
		}
	})
}

func TestNoShowsAndStatisticsAndLeavingFreeTheMeetings(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCongress(t, d)
		c.configure(3, 3, false)
		var callers []Caller
		var folk []Attendee
		for i, name := range []string{"Ana", "Bruno", "Céline", "Dario"} {
			who := c.guest(strings.ToLower(name)+"@example.org", name, "fr", "Org "+strconv.Itoa(i), true)
			callers = append(callers, who)
			folk = append(folk, c.optIn(who, "Offre"))
		}
		accept := func(from, to int) MeetingRequest {
			r, err := c.pg.SendRequest(progCtx, callers[from], folk[to].AttendeeID, "")
			if err != nil {
				t.Fatal(err)
			}
			if r, err = c.pg.Answer(progCtx, callers[to], r.ID, true); err != nil {
				t.Fatal(err)
			}
			return r
		}
		ab, ac, bc := accept(0, 1), accept(0, 2), accept(1, 2)
		if _, err := c.pg.SendRequest(progCtx, callers[0], folk[3].AttendeeID, ""); err != nil {
			t.Fatal(err)
		}
		bd, err := c.pg.SendRequest(progCtx, callers[1], folk[3].AttendeeID, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.pg.Answer(progCtx, callers[3], bd.ID, false); err != nil {
			t.Fatal(err)
		}
		run := c.schedule()
		if run.Scheduled != 3 {
			t.Fatalf("run %+v", run)
		}
		list, err := c.pg.Appointments(progCtx, c.event.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		byRequest := map[int64]Appointment{}
		for _, m := range list {
			byRequest[m.RequestID] = m
		}
		if _, err := c.pg.MarkOutcome(progCtx, byRequest[ab.ID].ID, OutcomeHeld); !isErr(err, ErrState) {
			t.Errorf("marked a draft: %v", err)
		}
		if _, err := c.pg.Publish(progCtx, c.event.ID); err != nil {
			t.Fatal(err)
		}
		c.now = paris17(11, 0) // the day
		if m, err := c.pg.MarkOutcome(progCtx, byRequest[ab.ID].ID, OutcomeHeld); err != nil || m.Outcome != OutcomeHeld {
			t.Errorf("held: %+v, %v", m, err)
		}
		m, err := c.pg.MarkOutcome(progCtx, byRequest[ac.ID].ID, OutcomeNoShowB)
		if err != nil || !m.NoShow(folk[2].AttendeeID) || m.NoShow(folk[0].AttendeeID) {
			t.Errorf("no-show: %+v, %v", m, err)
		}
		_, err = c.pg.MarkOutcome(progCtx, byRequest[bc.ID].ID, "late")
		wantField(t, err, "outcome", "validate.choice")
		st, err := c.pg.Stats(progCtx, c.event.ID)
		want := Stats{Attendees: 4, Requested: 5, Pending: 1, Accepted: 3, Declined: 1, Scheduled: 3, Sent: 3, Held: 1, NoShows: 1,
			UpperBound: run.UpperBound}
		if err != nil || st != want {
			t.Errorf("stats %+v, want %+v (%v)", st, want, err)
		}

		// Leaving the programme cancels one's requests and frees one's
		// meetings; the people one was to meet are told.
		c.now = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		c.mails()
		if err := c.pg.OptOut(progCtx, callers[2]); err != nil {
			t.Fatal(err)
		}
		ms := c.mails()
		if len(ms) != 2 || !strings.Contains(onlyMail(t, ms, "ana@example.org").Body, "Céline") || onlyMail(t, ms, "bruno@example.org").To == "" {
			t.Errorf("opt-out mails %+v", ms)
		}
		if err := c.pg.OptOut(progCtx, callers[2]); !isErr(err, ErrState) {
			t.Errorf("opting out twice: %v", err)
		}
		// A registration cancelled in the events domain withdraws its
		// attendee at the next run.
		if _, err := c.ev.CancelByToken(progCtx, c.ev.ManageToken(callers[1].Registration())); err != nil {
			t.Fatal(err)
		}
		c.schedule()
		if me, err := c.pg.Me(progCtx, callers[1]); err != nil || me.Status != AttendeeWithdrawn {
			t.Errorf("Bruno after his registration was cancelled: %+v, %v", me, err)
		}
		st, err = c.pg.Stats(progCtx, c.event.ID)
		if err != nil || st.Attendees != 2 || st.Scheduled != 0 || st.Accepted != 0 || st.Pending != 1 || st.Cancelled != 3 {
			t.Errorf("stats after leaving %+v, %v", st, err)
		}
		ag, err := c.pg.MyAgenda(progCtx, callers[0])
		if err != nil || len(ag.Items) != 2 || len(ag.Live()) != 0 {
			t.Errorf("Ana's agenda keeps her two meetings as cancelled: %+v, %v", ag.Items, err)
		}
		if cal := c.pg.AgendaICS(ag, "fr"); bytes.Count(cal, []byte("STATUS:CANCELLED\r\n")) != 2 {
			t.Errorf("calendar of cancelled meetings:\n%s", cal)
		}
	})
}

// TestEveryMessageKeyTheProgrammeUsesIsInProgrammeJSON scans the
// programme's source for "programme.*" literals and adds the keys built
// from the lists, so that no key reaches a user untranslated.
func TestEveryMessageKeyTheProgrammeUsesIsInProgrammeJSON(t *testing.T) {
	raw, err := os.ReadFile("../i18n/messages/programme.json")
	if err != nil {
		t.Fatal(err)
	}
	var catalog map[string]map[string]string
	if err := json.Unmarshal(raw, &catalog); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("programme*.go")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"(programme\.[a-z_.]*[a-z_])"`)
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			if _, prefix := catalog[m[1]+".subject"]; !prefix { // a mail's key prefix
				used[m[1]] = true
			}
		}
	}
	for _, mail := range []string{"request", "accepted", "declined", "cancelled", "agenda"} {
		for _, part := range []string{"subject", "body", "notice"} {
			used["programme.mail."+mail+"."+part] = true
		}
	}
	for _, s := range RequestStatuses {
		used[RequestStatusKey(s)] = true
	}
	for _, s := range []string{StatusDraft, StatusSent, StatusChanged, StatusCancelled} {
		used[StatusKey(s)] = true
	}
	for _, o := range Outcomes {
		used[OutcomeKey(o)] = true
	}
	if len(used) < 60 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	for k := range used {
		if _, ok := catalog[k]; !ok {
			t.Errorf("%s is used but not in programme.json", k)
		}
		if !i18n.Has(k) {
			t.Errorf("%s is not in the embedded catalogs", k)
		}
	}
	for k := range catalog {
		if !strings.HasPrefix(k, "programme.") {
			t.Errorf("programme.json holds %s, outside the programme. namespace", k)
		}
	}
}

func TestAPairAskingEachOtherAtTheSameMomentGetsOneRequest(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newCongress(t, d)
		c.configure(2, 1, false)
		ann := c.guest("ann@example.org", "Ann Aubry", "fr", "", true)
		bea := c.guest("bea@example.org", "Béa Brun", "en", "", true)
		aAnn, aBea := c.optIn(ann, "A"), c.optIn(bea, "B")
		const tries = 8
		errs := make(chan error, tries)
		for i := range tries {
			go func() {
				var err error
				if i%2 == 0 {
					_, err = c.pg.SendRequest(progCtx, ann, aBea.AttendeeID, "")
				} else {
					_, err = c.pg.SendRequest(progCtx, bea, aAnn.AttendeeID, "")
				}
				errs <- err
			}()
		}
		sent := 0
		for range tries {
			switch err := <-errs; {
			case err == nil:
				sent++
			default:
				if m, ok := validate.AsMessage(err); !ok || m.Key != "programme.already_requested" {
					t.Errorf("unexpected error: %v", err)
				}
			}
		}
		live, err := c.pg.Requests(progCtx, c.event.ID, RequestPending)
		if sent != 1 || err != nil || len(live) != 1 {
			t.Errorf("%d requests sent, %d pending (%v)", sent, len(live), err)
		}
	})
}
