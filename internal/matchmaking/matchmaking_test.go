package matchmaking_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/mail"
	"filiere/internal/mail/mailtest"
	"filiere/internal/matchmaking"
	"filiere/internal/notify"
)

// desk is a matchmaking service over a small directory, with an SMTP
// server receiving what the outbox sends.
type desk struct {
	t      *testing.T
	d      *db.DB
	mm     *matchmaking.Service
	dir    *directory.Store
	users  *auth.Service
	smtp   *mailtest.Server
	sender *mail.Sender
	seen   int
	now    time.Time

	sterilix, oldcert, outsider, moulage directory.Organisation
	staff, provider, buyerUser           auth.User
}

var ctx = audit.WithActor(context.Background(), audit.Actor{Label: "test"})

func newDesk(t *testing.T, d *db.DB) *desk {
	t.Helper()
	k := &desk{t: t, d: d, dir: directory.NewStore(d), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	k.users = auth.NewService(d, auth.Options{BaseURL: "https://filiere.example", Argon2: auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1}})
	k.mm = matchmaking.New(d, k.dir, k.users, "https://filiere.example")
	k.mm.Now = func() time.Time { return k.now }
	mk := func(o directory.Organisation) directory.Organisation {
		t.Helper()
		got, err := k.dir.CreateOrganisation(ctx, o)
		if err != nil {
			t.Fatalf("create %s: %v", o.Name, err)
		}
		return got
	}
	valid, expired := time.Date(2028, 6, 30, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)
	k.sterilix = mk(directory.Organisation{Name: "Stérilix", Kind: "sme", Membership: directory.Member, City: "Besançon", Postcode: "25000",
		Region: "Bourgogne-Franche-Comté", Sectors: []string{"medtech"},
		DescriptionFR:  "Stérilisation de dispositif médical à l'oxyde d'éthylène, validation des procédés.",
		Certifications: []directory.Certification{{Code: "ISO 13485", ValidUntil: valid}}})
	k.oldcert = mk(directory.Organisation{Name: "Ancienne Stérilisation", Kind: "sme", Membership: directory.Member, City: "Dole",
		Region: "Bourgogne-Franche-Comté", Sectors: []string{"medtech"}, DescriptionFR: "Stérilisation de dispositifs médicaux.",
		Certifications: []directory.Certification{{Code: "ISO 13485", ValidUntil: expired}}})
	k.outsider = mk(directory.Organisation{Name: "Stérinon", Kind: "sme", Membership: directory.NonMember, City: "Lyon",
		Region: "Auvergne-Rhône-Alpes", Sectors: []string{"medtech"}, DescriptionFR: "Stérilisation de dispositifs médicaux.",
		Certifications: []directory.Certification{{Code: "ISO 13485", ValidUntil: valid}}})
	k.moulage = mk(directory.Organisation{Name: "Moulages du Jura", Kind: "sme", Membership: directory.Member, City: "Oyonnax",
		Region: "Auvergne-Rhône-Alpes", Sectors: []string{"medtech"}, DescriptionFR: "Injection plastique de pièces médicales.",
		Certifications: []directory.Certification{{Code: "ISO 13485", ValidUntil: valid}}})
	user := func(email, name, lang string, role auth.Role, org int64) auth.User {
		t.Helper()
		u, err := k.users.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Lang: lang, Role: role, OrganisationID: org,
			Password: "correct horse battery staple"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	k.staff = user("camille@cluster.example", "Camille Martin", "fr", auth.RoleStaff, 0)
	k.provider = user("jane@sterilix.example", "Jane Doe", "en", auth.RoleMember, k.sterilix.ID)
	k.buyerUser = user("achats@orthoplus.example", "Paul Achat", "fr", auth.RoleBuyer, 0)
	k.smtp = mailtest.Start(t)
	var err error
	if k.sender, err = mail.NewSender(d, k.smtp.URL(), "Pôle <no-reply@cluster.example>", slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	return k
}

// mails delivers the outbox to the SMTP server and returns what arrived
// since the last call.
func (k *desk) mails() []mailtest.Received {
	k.t.Helper()
	if _, _, err := k.sender.DeliverPending(context.Background()); err != nil {
		k.t.Fatal(err)
	}
	all := k.smtp.Messages()
	got := all[k.seen:]
	k.seen = len(all)
	return got
}

// only returns the one mail sent to addr among ms.
func only(t *testing.T, ms []mailtest.Received, addr string) mailtest.Received {
	t.Helper()
	var found []mailtest.Received
	for _, m := range ms {
		if slices.Contains(m.To, addr) {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		var to []string
		for _, m := range ms {
			to = append(to, strings.Join(m.To, ",")+": "+m.Subject)
		}
		t.Fatalf("%d mails to %s; sent: %q", len(found), addr, to)
	}
	return found[0]
}

var linkRE = regexp.MustCompile(`https://filiere\.example/needs/(verify|track|respond)/([0-9]+-[A-Za-z0-9_-]+)`)

func link(t *testing.T, m mailtest.Received, kind string) string {
	t.Helper()
	for _, sub := range linkRE.FindAllStringSubmatch(m.Text, -1) {
		if sub[1] == kind {
			return sub[2]
		}
	}
	t.Fatalf("no %s link in %q", kind, m.Text)
	return ""
}

func need() matchmaking.Input {
	return matchmaking.Input{Title: "Stérilisation de dispositifs médicaux", Description: "Nous cherchons un sous-traitant pour stériliser 5 000 implants par an (oxyde d'éthylène).",
		Sector: "medtech", Certifications: []string{"ISO 13485"}, Quantities: "5 000 par an", Anonymous: true,
		BuyerName: "Alice Buyer", BuyerEmail: "alice@medbuy.example", BuyerPhone: "+33 6 12 34 56 78", BuyerCompany: "MedBuy", BuyerLang: "en"}
}

func TestAPublicNeedGoesFromTheFormToAnIntroductionAndItsOutcome(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		n, err := k.mm.Submit(ctx, nil, need(), false)
		if err != nil {
			t.Fatal(err)
		}
		if n.Status != matchmaking.StatusUnverified || !strings.HasPrefix(n.Reference, "B-2026-") {
			t.Fatalf("submitted: %s %s", n.Status, n.Reference)
		}
		// 1. The buyer confirms their address, in their language.
		m := only(t, k.mails(), "alice@medbuy.example")
		if !strings.Contains(m.Subject, "Confirm your need") {
			t.Errorf("verification subject %q", m.Subject)
		}
		if q, _, _ := k.mm.Queue(ctx, matchmaking.QueueFilter{}); len(q) != 0 {
			t.Errorf("an unverified need is in the queue")
		}
		if n, err = k.mm.Verify(ctx, link(t, m, "verify")); err != nil || n.Status != matchmaking.StatusNew {
			t.Fatalf("verify: %s %v", n.Status, err)
		}
		if _, err := k.mm.Verify(ctx, link(t, m, "verify")+"x"); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("a forged link verified: %v", err)
		}
		received := only(t, k.mails(), "alice@medbuy.example")
		if !strings.Contains(received.Subject, "received") {
			t.Errorf("received subject %q", received.Subject)
		}
		if notes, unread, _ := notify.List(ctx, d, k.staff.ID, 10); unread != 1 || !strings.Contains(notes[0].Text("fr"), n.Reference) {
			t.Errorf("staff notifications: %+v (%d unread)", notes, unread)
		}

		// 2. The ranking proposes; nothing is sent before staff validate.
		cands, err := k.mm.Propose(ctx, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range cands {
			names = append(names, c.Organisation)
		}
		if len(names) == 0 || names[0] != "Stérilix" || slices.Contains(names, "Ancienne Stérilisation") || slices.Contains(names, "Stérinon") {
			t.Fatalf("proposed %q: want Stérilix first, never the expired certificate nor the non-member", names)
		}
		if !slices.Contains(cands[0].Explanation.Terms, "Stérilisation") || len(cands[0].Explanation.Certifications) != 1 {
			t.Errorf("explanation %+v", cands[0].Explanation)
		}
		if ms := k.mails(); len(ms) != 0 {
			t.Fatalf("mails before the shortlist: %d", len(ms))
		}
		// Staff keep Stérilix only.
		for _, c := range cands[1:] {
			if err := k.mm.RemoveCandidate(ctx, n.ID, c.OrganisationID); err != nil {
				t.Fatal(err)
			}
		}
		if err := k.mm.Annotate(ctx, n.ID, k.sterilix.ID, "Connu pour sa réactivité"); err != nil {
			t.Fatal(err)
		}
		if sent, err := k.mm.ValidateShortlist(ctx, n.ID); err != nil || sent != 1 {
			t.Fatalf("shortlist: %d %v", sent, err)
		}
		invite := only(t, k.mails(), "jane@sterilix.example")
		if !strings.Contains(invite.Subject, "A buyer is looking") || !strings.Contains(invite.Text, "anonymous") ||
			strings.Contains(invite.Text, "MedBuy") || strings.Contains(invite.Text, "alice@") {
			t.Errorf("invitation (English, anonymous): %q\n%s", invite.Subject, invite.Text)
		}

		// 3. The provider sees the need, not the buyer.
		c, err := k.mm.InvitationFor(ctx, &k.provider, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		pv, err := k.mm.ProviderView(ctx, c)
		if err != nil || pv.Need.BuyerEmail != "" || pv.Need.BuyerCompany != "" || pv.Need.BuyerName != "" || pv.Candidate.Note != "" {
			t.Fatalf("provider view before the introduction: %+v %v", pv, err)
		}
		byLink, err := k.mm.CandidateByToken(ctx, link(t, invite, "respond"))
		if err != nil || byLink.ID != c.ID {
			t.Fatalf("answer link: %v", err)
		}
		if _, err := k.mm.Respond(ctx, c.ID, true, "Disponible dès avril.", matchmaking.Responder{Name: "Jane Doe", Email: "jane@sterilix.example", Phone: "03 81 00 00 00"}); err != nil {
			t.Fatal(err)
		}
		if _, err := k.mm.Respond(ctx, c.ID, false, "", matchmaking.Responder{}); !errors.Is(err, matchmaking.ErrState) {
			t.Errorf("answering twice: %v", err)
		}
		accepted := only(t, k.mails(), "alice@medbuy.example")
		if !strings.Contains(accepted.Text, "Stérilix is interested") || strings.Contains(accepted.Text, "jane@") {
			t.Errorf("acceptance mail to the buyer: %s", accepted.Text)
		}

		// 4. The buyer sees who accepted, not their contact, until consenting.
		track, err := k.mm.NeedByBuyerToken(ctx, link(t, accepted, "track"))
		if err != nil || track.ID != n.ID {
			t.Fatalf("tracking link: %v", err)
		}
		bv, err := k.mm.BuyerView(ctx, track)
		if err != nil || len(bv.Providers) != 1 || bv.Providers[0].ContactEmail != "" || bv.Providers[0].Organisation != "Stérilix" {
			t.Fatalf("buyer view before consent: %+v %v", bv, err)
		}
		k.now = k.now.Add(2 * time.Hour)
		if _, err := k.mm.Decide(ctx, n.ID, bv.Providers[0].CandidateID, true); err != nil {
			t.Fatal(err)
		}
		ms := k.mails()
		toProvider, toBuyer := only(t, ms, "jane@sterilix.example"), only(t, ms, "alice@medbuy.example")
		if !strings.Contains(toProvider.Text, "alice@medbuy.example") || !strings.Contains(toProvider.Text, "MedBuy") || !strings.Contains(toProvider.Subject, "introduction") {
			t.Errorf("introduction to the provider: %q\n%s", toProvider.Subject, toProvider.Text)
		}
		if !strings.Contains(toBuyer.Text, "jane@sterilix.example") || !strings.Contains(toBuyer.Text, "Disponible dès avril.") {
			t.Errorf("introduction to the buyer: %s", toBuyer.Text)
		}
		if bv, _ = k.mm.BuyerView(ctx, track); bv.Providers[0].ContactEmail != "jane@sterilix.example" {
			t.Errorf("buyer view after the introduction: %+v", bv.Providers[0])
		}
		c, _ = k.mm.InvitationFor(ctx, &k.provider, n.ID)
		if pv, _ = k.mm.ProviderView(ctx, c); pv.Need.BuyerEmail != "alice@medbuy.example" || pv.Need.BuyerCompany != "MedBuy" {
			t.Errorf("provider view after the introduction: %+v", pv.Need)
		}

		// 5. After the follow-up days both sides are asked the outcome, once.
		k.now = k.now.AddDate(0, 0, matchmaking.DefaultSettings.FollowupDays)
		if r, err := k.mm.Sweep(ctx); err != nil || r.FollowedUp != 1 {
			t.Fatalf("sweep: %+v %v", r, err)
		}
		ms = k.mails()
		if len(ms) != 2 || !strings.Contains(only(t, ms, "jane@sterilix.example").Subject, "how did the introduction go") {
			t.Errorf("follow-up mails: %d", len(ms))
		}
		if r, _ := k.mm.Sweep(ctx); r.FollowedUp != 0 {
			t.Errorf("follow-up sent twice")
		}
		if err := k.mm.ReportOutcome(ctx, matchmaking.Outcome{NeedID: n.ID, CandidateID: c.ID, Side: matchmaking.SideBuyer, Outcome: matchmaking.OutcomeOrderWon, Amount: 1_250_000}); err != nil {
			t.Fatal(err)
		}
		if err := k.mm.ReportOutcome(ctx, matchmaking.Outcome{NeedID: n.ID, CandidateID: c.ID, Side: matchmaking.SideProvider, Outcome: matchmaking.OutcomeQuoteSent, Amount: 10}); err == nil {
			t.Errorf("an amount with a quote was accepted")
		}
		st, err := k.mm.Stats(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if tot := st.Total; tot.Needs != 1 || tot.Notified != 1 || tot.Accepted != 1 || tot.Introductions != 1 || tot.OrdersWon != 1 ||
			tot.OrderValue != 1_250_000 || tot.AcceptanceRate() != 1 || len(st.ByMonth) != 1 || st.ByMonth[0].Month != "2026-03" {
			t.Errorf("stats: %+v by month %+v", tot, st.ByMonth)
		}
		intros, err := k.mm.Introductions(ctx, matchmaking.IntroductionFilter{ProviderOrgID: k.sterilix.ID})
		if err != nil || len(intros) != 1 || intros[0].BuyerEmail != "alice@medbuy.example" || intros[0].ProviderEmail != "jane@sterilix.example" ||
			intros[0].BuyerOutcome != matchmaking.OutcomeOrderWon || intros[0].ProviderOutcome != "" {
			t.Errorf("introductions of the provider: %+v %v", intros, err)
		}
		if none, _ := k.mm.Introductions(ctx, matchmaking.IntroductionFilter{ProviderOrgID: k.moulage.ID}); len(none) != 0 {
			t.Errorf("another provider's introductions: %+v", none)
		}
		if none, _ := k.mm.Introductions(ctx, matchmaking.IntroductionFilter{}); len(none) != 0 {
			t.Errorf("an empty filter lists %d", len(none))
		}
		tl, err := k.mm.Timeline(ctx, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range tl {
			kinds = append(kinds, e.Kind)
		}
		for _, want := range []string{"submitted", "verified", "ranked", "removed", "notified", "shortlisted", "accepted", "introduced", "followup", "outcome_buyer"} {
			if !slices.Contains(kinds, want) {
				t.Errorf("timeline %q lacks %q", kinds, want)
			}
		}
	})
}

func TestProvidersAndBuyersSeeOnlyWhatTheirConsentsAllow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		in := need()
		in.Anonymous = false
		n, err := k.mm.Submit(ctx, &k.buyerUser, in, false)
		if err != nil || n.Status != matchmaking.StatusNew || n.BuyerEmail != "achats@orthoplus.example" {
			t.Fatalf("signed-in buyer: %+v %v", n, err)
		}
		if err := k.mm.AddCandidate(ctx, n.ID, k.outsider.ID, ""); err == nil {
			t.Error("a non-member was added while the settings allow members only")
		}
		for _, o := range []directory.Organisation{k.sterilix, k.moulage} {
			if err := k.mm.AddCandidate(ctx, n.ID, o.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		// Before validation nobody is asked: the provider sees nothing.
		if _, err := k.mm.InvitationFor(ctx, &k.provider, n.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("a proposed provider sees the need: %v", err)
		}
		if _, err := k.mm.ValidateShortlist(ctx, n.ID); err != nil {
			t.Fatal(err)
		}
		c, err := k.mm.InvitationFor(ctx, &k.provider, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		pv, _ := k.mm.ProviderView(ctx, c)
		if pv.Need.BuyerCompany != "MedBuy" { // not anonymous: the company shows, not the person
			t.Errorf("company %q", pv.Need.BuyerCompany)
		}
		if pv.Need.BuyerEmail != "" || pv.Need.BuyerName != "" || pv.Need.BuyerPhone != "" {
			t.Errorf("a provider sees the buyer's contact before the introduction: %+v", pv.Need)
		}
		// Another buyer cannot read the need; a provider's invitation list
		// never names the other providers.
		other, err := k.users.CreateUser(ctx, auth.NewUser{Email: "autre@buyer.example", Name: "Autre", Role: auth.RoleBuyer, Password: "correct horse battery staple"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.mm.NeedForBuyer(ctx, &other, n.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("another buyer reads the need: %v", err)
		}
		inv, err := k.mm.Invitations(ctx, k.sterilix.ID)
		if err != nil || len(inv) != 1 || inv[0].Candidate.OrganisationID != k.sterilix.ID {
			t.Errorf("invitations: %+v %v", inv, err)
		}
		// Moulages du Jura declines, Stérilix accepts: the buyer sees one
		// name, counts for the rest, and no contact yet.
		all, err := k.mm.Candidates(ctx, n.ID)
		if err != nil || len(all) != 2 {
			t.Fatalf("candidates %+v %v", all, err)
		}
		mc := all[0].ID
		if all[0].OrganisationID != k.moulage.ID {
			mc = all[1].ID
		}
		if _, err := k.mm.Respond(ctx, mc, false, "", matchmaking.Responder{}); err != nil {
			t.Fatal(err)
		}
		if _, err := k.mm.Respond(ctx, c.ID, true, "", matchmaking.Responder{Name: "Jane Doe", Email: "jane@sterilix.example"}); err != nil {
			t.Fatal(err)
		}
		bv, err := k.mm.BuyerView(ctx, n)
		if err != nil || len(bv.Providers) != 1 || bv.Declined != 1 || bv.Asked != 2 || bv.Providers[0].ContactEmail != "" {
			t.Errorf("buyer view: %+v %v", bv, err)
		}
		// Deciding on another need's candidate, or twice, is refused.
		if _, err := k.mm.Decide(ctx, n.ID+1, c.ID, true); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("deciding through another need: %v", err)
		}
		if _, err := k.mm.Decide(ctx, n.ID, c.ID, false); err != nil {
			t.Fatal(err)
		}
		if bv, _ = k.mm.BuyerView(ctx, n); bv.Providers[0].ContactEmail != "" {
			t.Errorf("declined yet the contact shows")
		}
		c, _ = k.mm.InvitationFor(ctx, &k.provider, n.ID)
		if pv, _ = k.mm.ProviderView(ctx, c); pv.Need.BuyerEmail != "" {
			t.Errorf("the buyer declined, yet the provider sees their e-mail")
		}
	})
}

func TestUnansweredProvidersAreRemindedThenExpire(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		n, err := k.mm.Submit(ctx, &k.buyerUser, need(), false)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.mm.AddCandidate(ctx, n.ID, k.sterilix.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := k.mm.ValidateShortlist(ctx, n.ID); err != nil {
			t.Fatal(err)
		}
		k.mails()
		set := matchmaking.DefaultSettings
		k.now = k.now.AddDate(0, 0, set.ResponseDays-set.ReminderDays)
		if r, err := k.mm.Sweep(ctx); err != nil || r.Reminded != 1 || r.Expired != 0 {
			t.Fatalf("sweep before the deadline: %+v %v", r, err)
		}
		if m := only(t, k.mails(), "jane@sterilix.example"); !strings.Contains(m.Subject, "Reminder") {
			t.Errorf("reminder subject %q", m.Subject)
		}
		if r, _ := k.mm.Sweep(ctx); r.Reminded != 0 {
			t.Errorf("reminded twice")
		}
		k.now = k.now.AddDate(0, 0, set.ReminderDays).Add(time.Minute)
		if r, err := k.mm.Sweep(ctx); err != nil || r.Expired != 1 {
			t.Fatalf("sweep after the deadline: %+v %v", r, err)
		}
		c, _ := k.mm.InvitationFor(ctx, &k.provider, n.ID)
		if c.State != matchmaking.StateExpired {
			t.Errorf("state %s", c.State)
		}
		if _, err := k.mm.Respond(ctx, c.ID, true, "", matchmaking.Responder{Name: "Jane", Email: "jane@sterilix.example"}); !errors.Is(err, matchmaking.ErrState) {
			t.Errorf("answer after expiry: %v", err)
		}
		// Accepting without a contact is refused: the buyer would have nobody to call.
		if _, err := k.mm.Respond(ctx, c.ID, true, "", matchmaking.Responder{Name: "Jane", Email: "pas une adresse"}); err == nil {
			t.Error("accepted with an invalid e-mail")
		}
		// Closing and reopening.
		if err := k.mm.Close(ctx, n.ID, ""); err == nil {
			t.Error("closed without a reason")
		}
		if err := k.mm.Close(ctx, n.ID, "Besoin pourvu"); err != nil {
			t.Fatal(err)
		}
		if err := k.mm.Reopen(ctx, n.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := k.mm.Need(ctx, n.ID); got.Status != matchmaking.StatusShortlisted {
			t.Errorf("reopened as %s", got.Status)
		}
	})
}

func TestThePublicFormTakesFiveNeedsAnHourFromOneAddress(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		from := audit.WithActor(context.Background(), audit.Actor{Label: "public", IP: "203.0.113.9"})
		for i := range matchmaking.PublicPerHour {
			if _, err := k.mm.Submit(from, nil, need(), false); err != nil {
				t.Fatalf("need %d: %v", i+1, err)
			}
		}
		if _, err := k.mm.Submit(from, nil, need(), false); !errors.Is(err, matchmaking.ErrRateLimited) {
			t.Errorf("sixth need in the hour: %v", err)
		}
		other := audit.WithActor(context.Background(), audit.Actor{Label: "public", IP: "203.0.113.10"})
		if _, err := k.mm.Submit(other, nil, need(), false); err != nil {
			t.Errorf("another address: %v", err)
		}
	})
}

func TestPastSuccessfulIntroductionsLiftAProviderAndTheOrderIsStable(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		// Two providers with the same profile: without history, name order.
		twin := func(name string) directory.Organisation {
			o, err := k.dir.CreateOrganisation(ctx, directory.Organisation{Name: name, Kind: "sme", Membership: directory.Member,
				City: "Lyon", Sectors: []string{"pharma"}, DescriptionFR: "Conditionnement pharmaceutique en blisters et sérialisation."})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		a, b := twin("Blister Alpha"), twin("Blister Beta")
		in := matchmaking.Input{Title: "Conditionnement en blisters", Description: "Conditionnement pharmaceutique en blisters.", Sector: "pharma",
			BuyerName: "Alice", BuyerEmail: "alice@medbuy.example"}
		n, err := k.mm.Submit(ctx, &k.staff, in, false)
		if err != nil {
			t.Fatal(err)
		}
		order := func() []string {
			t.Helper()
			got, err := k.mm.Rank(ctx, n, 10)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range got {
				names = append(names, c.Name)
			}
			return names
		}
		if got := order(); len(got) < 2 || got[0] != "Blister Alpha" || got[1] != "Blister Beta" {
			t.Fatalf("without history: %q", got)
		}
		// Beta won an order through an earlier introduction.
		old, err := k.mm.Submit(ctx, &k.staff, in, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.mm.AddCandidate(ctx, old.ID, b.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := k.mm.ValidateShortlist(ctx, old.ID); err != nil {
			t.Fatal(err)
		}
		cands, _ := k.mm.Candidates(ctx, old.ID)
		if _, err := k.mm.Respond(ctx, cands[0].ID, true, "", matchmaking.Responder{Name: "B", Email: "b@blister.example"}); err != nil {
			t.Fatal(err)
		}
		if _, err := k.mm.Decide(ctx, old.ID, cands[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if err := k.mm.ReportOutcome(ctx, matchmaking.Outcome{NeedID: old.ID, CandidateID: cands[0].ID, Side: matchmaking.SideProvider, Outcome: matchmaking.OutcomeOrderWon}); err != nil {
			t.Fatal(err)
		}
		first := order()
		if first[0] != "Blister Beta" || first[1] != "Blister Alpha" {
			t.Errorf("with Beta's past order: %q", first)
		}
		for range 5 {
			if again := order(); !slices.Equal(again, first) {
				t.Fatalf("the order changed: %q then %q", first, again)
			}
		}
		// The buyer's own organisation is never proposed.
		n.BuyerOrgID = a.ID
		if got := order(); slices.Contains(got, "Blister Alpha") {
			t.Errorf("the buyer's own organisation is proposed: %q", got)
		}
	})
}

func TestWithdrawalsAndRefusalsAreMailedToTheProviderInItsLanguage(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		first, err := k.mm.Submit(ctx, &k.buyerUser, need(), false)
		if err != nil {
			t.Fatal(err)
		}
		second, err := k.mm.Submit(ctx, &k.buyerUser, need(), false)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []matchmaking.Need{first, second} {
			if err := k.mm.AddCandidate(ctx, n.ID, k.sterilix.ID, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := k.mm.ValidateShortlist(ctx, n.ID); err != nil {
				t.Fatal(err)
			}
		}
		k.mails()
		// Staff withdraw Stérilix from the first need: told, in English.
		if err := k.mm.RemoveCandidate(ctx, first.ID, k.sterilix.ID); err != nil {
			t.Fatal(err)
		}
		if m := only(t, k.mails(), "jane@sterilix.example"); !strings.Contains(m.Subject, "no longer open") || !strings.Contains(m.Text, "no need to answer") {
			t.Errorf("withdrawal: %q\n%s", m.Subject, m.Text)
		}
		// On the second, Stérilix accepts and the buyer declines: told too;
		// the buyer (French) was told of the acceptance.
		c, err := k.mm.InvitationFor(ctx, &k.provider, second.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.mm.Respond(ctx, c.ID, true, "", matchmaking.Responder{Name: "Jane Doe", Email: "jane@sterilix.example"}); err != nil {
			t.Fatal(err)
		}
		if m := only(t, k.mails(), "achats@orthoplus.example"); !strings.Contains(m.Subject, "un prestataire est intéressé") {
			t.Errorf("acceptance to the buyer, in French: %q", m.Subject)
		}
		if _, err := k.mm.Decide(ctx, second.ID, c.ID, false); err != nil {
			t.Fatal(err)
		}
		if m := only(t, k.mails(), "jane@sterilix.example"); !strings.Contains(m.Subject, "no introduction") || strings.Contains(m.Text, "achats@orthoplus.example") {
			t.Errorf("refusal: %q\n%s", m.Subject, m.Text)
		}
		// The provider's in-app notifications follow each step.
		notes, unread, err := notify.List(ctx, d, k.provider.ID, 10)
		if err != nil || unread != 3 || !strings.Contains(notes[0].Text("en"), "the buyer chose other providers") {
			t.Errorf("provider's notifications: %d unread, %v %v", unread, notes, err)
		}
	})
}
