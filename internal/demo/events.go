package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/events"
	"filiere/internal/surveys"
)

// eventCounts is what generateEvents made.
type eventCounts struct {
	events, registrations, surveys, responses int
}

func (c *eventCounts) add(o eventCounts) {
	c.events += o.events
	c.registrations += o.registrations
	c.surveys += o.surveys
	c.responses += o.responses
}

// eventDesk runs the cluster's agenda as its team and participants would:
// staff enter and publish the events with their programme, people register
// (signed in, or without an account and confirming their address), some
// cancel and free their place for the waiting list, staff check people in
// on the day, record invoices and replays, and survey the participants,
// who answer in part.
//
// Staff enter the events and open the surveys one after the other, so
// that their ids follow the agenda; what happens to each event, and to
// each survey, happens on its own clock with its own dice, several at a
// time on PostgreSQL as in real life. The rows are the same whatever the
// interleaving; only the ids of registrations and invitations may differ
// from one run to the next there.
type eventDesk struct {
	ctx      context.Context
	d        *db.DB
	dir      *directory.Store
	users    *auth.Service
	seed     uint64
	plan     *planner
	workers  int
	staff    auth.User
	staffCtx context.Context
	// limit is the last moment the desk acts: yesterday evening, so that
	// nothing depends on the time of day the demo is generated.
	limit    time.Time
	team     []string             // the cluster's team, who speak at its events
	pool     []contact            // the directory's people, the role logins in place of the contacts they were made from
	accounts map[int64]*auth.User // by id
	member   contact              // the member login
	joined   int                  // past events the member login registered to
	ahead    int                  // upcoming ones
}

// hand is one of the desk's workers: its own clock, dice and services.
type hand struct {
	*eventDesk
	r      *rand.Rand
	clock  time.Time
	ev     *events.Service
	sv     *surveys.Service
	counts eventCounts
}

// hand returns a worker whose dice are stream of the desk's seed.
func (w *eventDesk) hand(stream uint64) *hand {
	h := &hand{eventDesk: w, r: rand.New(rand.NewPCG(w.seed, stream^0x6576656e7473))}
	h.ev = events.New(w.d, w.dir, w.users, "http://localhost:8080")
	h.ev.Now = func() time.Time { return h.clock }
	h.sv = surveys.New(w.d, w.dir, "http://localhost:8080")
	h.sv.Now = func() time.Time { return h.clock }
	return h
}

// crew runs tasks on up to n goroutines, each task on a new hand of its
// own stream, while staff go on with the next steps.
type crew struct {
	w     *eventDesk
	tasks chan func()
	wg    sync.WaitGroup

	mu     sync.Mutex
	counts eventCounts
	err    error
}

func (w *eventDesk) crew(queue int) *crew {
	c := &crew{w: w, tasks: make(chan func(), queue)}
	for range w.workers {
		c.wg.Go(func() {
			for t := range c.tasks {
				t()
			}
		})
	}
	return c
}

// run queues job on a hand of stream; done, if not nil, is closed once it
// is over.
func (c *crew) run(stream uint64, done chan struct{}, job func(h *hand) error) {
	c.tasks <- func() {
		if done != nil {
			defer close(done)
		}
		if c.failed() != nil {
			return
		}
		h := c.w.hand(stream)
		err := job(h)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.counts.add(h.counts)
		if err != nil && c.err == nil {
			c.err = err
		}
	}
}

func (c *crew) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// wait waits for every task and returns their counts and the first error.
func (c *crew) wait() (eventCounts, error) {
	close(c.tasks)
	c.wg.Wait()
	return c.counts, c.err
}

// eventJob is one event on its way through the desk.
type eventJob struct {
	p         eventPlan
	e         events.Event
	published time.Time
	guests    []contact // speakers and exhibitors, registered by staff
	member    bool      // the member login registers
	taken     chan struct{}
	present   map[string]bool
	survey    surveys.Survey
	quality   float64 // how the participants liked it (mean of a 1-5 answer)
}

// generateEvents runs a year of events and their surveys (see eventDesk),
// the next three months' agenda and a flash survey on the members' cash
// runway, relative to now. The mails the workflow queued are dropped.
func generateEvents(ctx context.Context, d *db.DB, users *auth.Service, seed uint64, now time.Time) (eventCounts, error) {
	w := &eventDesk{ctx: ctx, d: d, dir: directory.NewStore(d), users: users, seed: seed, workers: 1, accounts: map[int64]*auth.User{}}
	if d.Dialect() == db.Postgres {
		w.workers = 4
	}
	var err error
	if w.staff, err = users.UserByEmail(ctx, "staff@"+loginDomain); err != nil {
		return eventCounts{}, err
	}
	w.staffCtx = audit.WithActor(ctx, audit.Actor{UserID: w.staff.ID, Label: w.staff.Email})
	var lastMail int64
	if err := d.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM outbox").Scan(&lastMail); err != nil {
		return eventCounts{}, err
	}
	if err := w.load(ctx, d, users); err != nil {
		return eventCounts{}, fmt.Errorf("demo: events: %w", err)
	}
	local := now.In(paris)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, paris)
	staff := w.hand(0)
	w.plan = &planner{r: staff.r, today: today, pool: w.pool, busy: map[int]bool{}}
	w.limit = w.plan.at(-1, 22, 0)
	plans := w.plan.plan()
	crew := w.crew(2*len(plans) + 1)
	err = staff.direct(crew, plans)
	counts, crewErr := crew.wait()
	if err == nil {
		err = crewErr
	}
	if err != nil {
		return counts, err
	}
	// The nightly sweep closes the surveys whose date has passed.
	staff.clock = w.limit
	if _, err := staff.sv.CloseDue(ctx); err != nil {
		return counts, err
	}
	counts.add(staff.counts)
	if _, err := d.Exec(ctx, "DELETE FROM outbox WHERE id > ?", lastMail); err != nil {
		return counts, err
	}
	return counts, nil
}

// direct is the staff's part: they enter the events in turn, handing each
// to the crew, who takes its registrations; open the flash survey; then,
// as each event is over, open its survey and hand it to the crew, who
// collects the answers.
func (h *hand) direct(crew *crew, plans []eventPlan) error {
	var jobs []*eventJob
	for i, p := range plans {
		if err := crew.failed(); err != nil {
			return err
		}
		j := &eventJob{p: p, taken: make(chan struct{})}
		if err := h.enter(j); err != nil {
			return fmt.Errorf("demo: event %q: %w", p.in.TitleFR, err)
		}
		jobs = append(jobs, j)
		crew.run(1<<20+uint64(i), j.taken, func(t *hand) error {
			if err := t.take(j); err != nil {
				return fmt.Errorf("demo: event %q: %w", j.p.in.TitleFR, err)
			}
			return nil
		})
	}
	flash, err := h.openFlash()
	if err != nil {
		return fmt.Errorf("demo: flash survey: %w", err)
	}
	crew.run(3<<20, nil, func(t *hand) error {
		if err := t.collectFlash(flash); err != nil {
			return fmt.Errorf("demo: flash survey: %w", err)
		}
		return nil
	})
	for i, j := range jobs {
		<-j.taken
		if err := crew.failed(); err != nil {
			return err
		}
		if !j.p.survey || len(j.present) == 0 {
			continue
		}
		if err := h.openSurvey(j); err != nil {
			return fmt.Errorf("demo: survey of %q: %w", j.p.in.TitleFR, err)
		}
		crew.run(2<<20+uint64(i), nil, func(t *hand) error {
			if err := t.collect(j); err != nil {
				return fmt.Errorf("demo: survey of %q: %w", j.p.in.TitleFR, err)
			}
			return nil
		})
	}
	return nil
}

// load reads the directory's people with their organisations, the
// accounts and the team.
func (w *eventDesk) load(ctx context.Context, d *db.DB, users *auth.Service) error {
	sectors := map[int64][]string{}
	rows, err := d.Query(ctx, "SELECT organisation_id, sector FROM organisation_sectors ORDER BY organisation_id, sector")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			rows.Close()
			return err
		}
		sectors[id] = append(sectors[id], s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	userOf := map[string]int64{}
	rows, err = d.Query(ctx, "SELECT id, email FROM users ORDER BY id")
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			rows.Close()
			return err
		}
		userOf[email] = id
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = d.Query(ctx, `SELECT p.first_name, p.last_name, p.email, o.id, o.name, o.kind, o.membership, COALESCE(o.member_since, 0),
		o.region, o.city, o.address
		FROM people p JOIN organisations o ON o.id = p.organisation_id WHERE p.email <> '' ORDER BY p.id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c contact
		var membership string
		if err := rows.Scan(&c.first, &c.last, &c.email, &c.orgID, &c.org, &c.kind, &membership, &c.since, &c.region, &c.city, &c.address); err != nil {
			rows.Close()
			return err
		}
		c.member, c.sectors, c.userID = membership == directory.Member, sectors[c.orgID], userOf[c.email]
		w.pool = append(w.pool, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		u, err := users.UserByID(ctx, id)
		if err != nil {
			return err
		}
		w.accounts[id] = &u
		switch {
		case u.Role.IsStaff():
			w.team = append(w.team, u.Name)
		case strings.HasSuffix(u.Email, "@"+loginDomain) && u.OrganisationID != 0:
			// A role login: the contact it was made from registers as it.
			at := slices.IndexFunc(w.pool, func(c contact) bool { return c.orgID == u.OrganisationID && c.name() == u.Name })
			if at < 0 {
				continue
			}
			w.pool[at].email, w.pool[at].userID = u.Email, u.ID
			if u.Role == auth.RoleMember {
				w.member = w.pool[at]
			}
		}
	}
	if len(w.pool) == 0 || w.member.userID == 0 || len(w.team) == 0 {
		return errors.New("the directory, the member login or the team is missing")
	}
	return nil
}

// leadDays is how long before its start staff enter an event.
func leadDays(typ string) int {
	switch typ {
	case events.TypeCongress:
		return 150
	case events.TypeHackathon:
		return 90
	case events.TypeGeneralAssembly:
		return 45
	case events.TypeWebinar:
		return 25
	}
	return 35
}

// userCtx is the context of a signed-in account's requests.
func (w *eventDesk) userCtx(u *auth.User) context.Context {
	return audit.WithActor(w.ctx, audit.Actor{UserID: u.ID, Label: u.Email})
}

// enter has staff enter the event with its programme, weeks ahead, and
// publish it a day or two later (drafts stay drafts).
func (h *hand) enter(j *eventJob) error {
	p := j.p
	h.clock = p.in.Start.AddDate(0, 0, -leadDays(p.in.Type)).Add(time.Duration(h.r.IntN(6*60)-4*60) * time.Minute)
	if latest := h.plan.at(-5-h.r.IntN(20), 9, h.r.IntN(60)); h.clock.After(latest) {
		h.clock = latest
	}
	e, err := h.ev.Create(h.staffCtx, p.in)
	if err != nil {
		return err
	}
	h.counts.events++
	for _, sp := range p.sessions {
		in := events.SessionInput{Title: sp.title, Start: e.Start.Add(sp.from), End: e.Start.Add(sp.to), Room: sp.room}
		if sp.team {
			in.Speakers = append(in.Speakers, events.Speaker{Name: h.team[h.r.IntN(len(h.team))]})
		}
		for _, c := range h.speakers(p, sp, j.guests) {
			in.Speakers = append(in.Speakers, events.Speaker{Name: c.name(), Organisation: c.org})
			j.guests = append(j.guests, c)
		}
		if _, err := h.ev.AddSession(h.staffCtx, e.ID, in); err != nil {
			return fmt.Errorf("session %q: %w", sp.title, err)
		}
	}
	if p.stands > 0 {
		exhibitors, err := h.exhibit(e, p)
		if err != nil {
			return err
		}
		// Half the exhibitors have sent the name of who holds their stand.
		j.guests = append(j.guests, exhibitors[:(len(exhibitors)+1)/2]...)
	}
	j.e = e
	if p.status == events.StatusDraft {
		return nil
	}
	h.clock = h.clock.Add(time.Duration(18+h.r.IntN(30)) * time.Hour)
	if h.clock.After(h.limit) {
		h.clock = h.limit.Add(-time.Duration(1+h.r.IntN(10)) * time.Hour)
	}
	if j.e, err = h.ev.Publish(h.staffCtx, e.ID); err != nil {
		return err
	}
	j.published, j.member = h.clock, h.memberJoins(p)
	return nil
}

// take runs a published event: its registrations, and once it is over
// the check-in, the invoices and the replay; or its cancellation.
func (h *hand) take(j *eventJob) error {
	p, e := j.p, j.e
	if p.status == events.StatusDraft {
		return nil
	}
	h.clock = j.published
	last, err := h.register(j)
	if err != nil {
		return err
	}
	if p.status == events.StatusCancelled {
		h.clock = earliest(last.Add(time.Duration(2+h.r.IntN(20))*time.Hour), h.limit)
		_, err := h.ev.CancelEvent(h.staffCtx, e.ID, p.reason)
		return err
	}
	if !p.in.End.Before(h.plan.today) {
		return h.invoice(e, false)
	}
	if err := h.checkIn(j); err != nil {
		return err
	}
	if err := h.invoice(e, true); err != nil {
		return err
	}
	if p.recording {
		h.clock = earliest(p.in.End.Add(26*time.Hour), h.limit)
		title := "Replay – " + p.in.TitleFR
		if p.in.Type == events.TypeCongress {
			title = "Replay des plénières et tables rondes"
		}
		if _, err := h.ev.AddRecording(h.staffCtx, e.ID, title, "https://videos.filiere.example/replay/"+slugOf(p.in.TitleFR)); err != nil {
			return err
		}
	}
	return nil
}

// speakers draws the directory people who speak at a session: someone of
// the pitching organisation, else people of the event's sectors whose
// kind fits the event.
func (h *hand) speakers(p eventPlan, sp sessionPlan, taken []contact) []contact {
	if sp.speakers == 0 {
		return nil
	}
	busy := func(c contact) bool {
		return slices.ContainsFunc(taken, func(t contact) bool { return t.email == c.email })
	}
	if sp.pitch != 0 {
		for _, c := range h.pool {
			if c.orgID == sp.pitch && !busy(c) {
				return []contact{c}
			}
		}
		return nil
	}
	kinds := []string{"consultancy", "training", "platform", "lab", "large", "midcap", "hospital", "investor"}
	switch p.in.Type {
	case events.TypeScientific:
		kinds = []string{"lab", "hospital", "cic", "platform"}
	case events.TypeBootcamp:
		kinds = []string{"consultancy", "investor", "startup", "sme"}
	case events.TypeGeneralAssembly:
		kinds = []string{"large", "midcap", "authority"}
	}
	var fit []contact
	for _, c := range h.pool {
		if slices.Contains(kinds, c.kind) && c.inSectors(p.in.Sectors) && c.userID == 0 && !busy(c) {
			fit = append(fit, c)
		}
	}
	out := sample(h.r, fit, sp.speakers)
	h.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// exhibit gives the congress its exhibitors, with their stands, and its
// sponsors; it returns a contact of each exhibitor, who staff register.
func (h *hand) exhibit(e events.Event, p eventPlan) ([]contact, error) {
	var firms, large, midcaps, smes, authorities []contact
	seen := map[int64]bool{}
	for _, c := range h.pool {
		if seen[c.orgID] || !c.member || c.userID != 0 {
			continue
		}
		seen[c.orgID] = true
		switch c.kind {
		case "authority":
			authorities = append(authorities, c)
			continue
		case "large":
			large = append(large, c)
		case "midcap":
			midcaps = append(midcaps, c)
		case "sme":
			smes = append(smes, c)
		}
		if c.kind != "investor" && c.kind != "hospital" {
			firms = append(firms, c)
		}
	}
	stands := sample(h.r, firms, p.stands)
	for i, c := range stands {
		if err := h.ev.SetExhibitor(h.staffCtx, e.ID, c.orgID, fmt.Sprintf("%c%02d", 'A'+i/10, i%10+1)); err != nil {
			return nil, err
		}
	}
	exhibiting := func(c contact) bool {
		return slices.ContainsFunc(stands, func(s contact) bool { return s.orgID == c.orgID })
	}
	type sponsor struct {
		from  []contact
		n     int
		level string
		stand string
	}
	levels := []sponsor{{large, 1, events.LevelPlatinum, "P1"}, {midcaps, 2, events.LevelGold, "G"},
		{smes, 2, events.LevelSilver, ""}, {authorities, 2, events.LevelPartner, ""}}
	if !p.sponsors {
		levels = nil
	}
	for _, s := range levels {
		var free []contact
		for _, c := range s.from {
			if !exhibiting(c) {
				free = append(free, c)
			}
		}
		for i, c := range sample(h.r, free, s.n) {
			stand := s.stand
			if stand == "G" {
				stand = fmt.Sprintf("G%d", i+1)
			}
			if err := h.ev.SetSponsor(h.staffCtx, e.ID, c.orgID, s.level, stand); err != nil {
				return nil, err
			}
		}
	}
	return stands, nil
}
