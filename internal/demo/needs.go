package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/matchmaking"
)

// needTemplate is a buyer's need the demo posts, in French.
type needTemplate struct {
	title, description, sector string
	bricks, certifications     []string
	capacities                 []directory.CapacityRange
	quantities                 string
	budgetMax                  int64 // euros
}

var needTemplates = []needTemplate{
	{"Stérilisation à l'oxyde d'éthylène d'implants rachidiens", "Nous recherchons un sous-traitant pour la stérilisation à l'oxyde d'éthylène de 20 000 implants rachidiens par an, validation du procédé selon l'ISO 11135 comprise.",
		"medtech", []string{"mt.sterilisation"}, []string{"ISO 13485"}, nil, "20 000 unités par an", 80_000},
	{"Injection plastique de boîtiers pour un dispositif connecté", "Production de boîtiers en polycarbonate médical par injection, moules à réaliser, petites séries de 5 000 pièces puis montée en cadence.",
		"medtech", []string{"mt.moulding"}, []string{"ISO 13485"}, []directory.CapacityRange{{Attribute: "injection_presses", Min: 3}}, "5 000 pièces, puis 50 000 par an", 150_000},
	{"Usinage de précision d'instruments chirurgicaux en titane", "Usinage et micro-usinage de pièces en titane TA6V pour des instruments de chirurgie orthopédique, état de surface poli miroir.",
		"medtech", []string{"mt.machining", "mt.surface"}, []string{"ISO 13485"}, nil, "2 000 pièces par lot", 0},
	{"Essais de biocompatibilité ISO 10993", "Laboratoire accrédité pour des essais de cytotoxicité, sensibilisation et irritation sur un dispositif de classe IIa, rapport pour le dossier de marquage CE.",
		"medtech", []string{"sv.testing", "ph.toxicology"}, []string{"COFRAC ISO 17025"}, nil, "", 40_000},
	{"Production de lots cliniques d'un anticorps monoclonal", "Bioproduction en bioréacteur à usage unique de lots cliniques de phase I, développement du procédé et contrôle qualité en conditions BPF.",
		"biotech", []string{"bt.bioproduction", "bt.antibodies"}, []string{"BPF"}, []directory.CapacityRange{{Attribute: "bioreactor_volume", Min: 200}}, "3 lots de 200 L", 900_000},
	{"Analyses de bioanalyse pour une étude préclinique", "Dosage d'un biomarqueur et pharmacocinétique sur échantillons précliniques, méthode à valider selon les BPL.",
		"biotech", []string{"bt.analytics", "dx.biomarkers"}, []string{"BPL"}, nil, "1 200 échantillons", 60_000},
	{"Formulation d'un comprimé à libération prolongée", "Développement galénique d'un comprimé à libération prolongée et études de stabilité ICH sur 12 mois.",
		"pharma", []string{"ph.formulation", "ph.stability"}, []string{"BPF"}, nil, "lots pilotes", 120_000},
	{"Conditionnement pharmaceutique en blisters", "Conditionnement primaire et secondaire en blisters pour un médicament générique, sérialisation comprise.",
		"pharma", []string{"ph.packaging"}, []string{"BPF"}, nil, "2 millions de boîtes par an", 0},
	{"Fabrication d'une crème cosmétique en sous-traitance", "Fabrication à façon d'une crème de soin certifiée, remplissage en tubes de 50 mL, conformité ISO 22716.",
		"cosmetics", []string{"ph.formulation"}, []string{"ISO 22716"}, nil, "30 000 tubes", 70_000},
	{"Hébergement certifié HDS d'une plateforme de télésuivi", "Hébergement de données de santé pour une application de télésuivi de patients insuffisants cardiaques, haute disponibilité, interopérabilité FHIR.",
		"digital", []string{"dg.hosting", "dg.interop", "dg.telemedicine"}, []string{"HDS"}, nil, "5 000 patients", 50_000},
	{"Développement d'un logiciel dispositif médical d'aide au diagnostic", "Développement d'un algorithme d'intelligence artificielle de détection sur images de radiologie, marquage CE du logiciel selon l'IEC 62304.",
		"digital", []string{"dg.ai", "dg.samd", "dx.imaging"}, []string{"ISO 13485"}, nil, "", 250_000},
	{"Réactifs de diagnostic in vitro en marque blanche", "Production de réactifs de diagnostic in vitro (ELISA) en marque blanche pour un réseau de laboratoires hospitaliers.",
		"diagnostics", []string{"dx.ivd"}, []string{"ISO 13485"}, nil, "10 000 kits par an", 200_000},
	{"Étude clinique multicentrique d'un dispositif de cicatrisation", "CRO pour une investigation clinique de 120 patients dans 6 centres, monitoring et data management compris.",
		"medtech", []string{"sv.cro"}, []string{"ISO 13485"}, nil, "120 patients", 600_000},
	{"Salle propre pour l'assemblage de cathéters", "Assemblage et conditionnement de cathéters en salle propre ISO 7, contrôle final et libération des lots.",
		"medtech", []string{"mt.sterilisation"}, []string{"ISO 13485"}, []directory.CapacityRange{{Attribute: "cleanroom_area", Min: 100}}, "40 000 cathéters par an", 180_000},
	{"Complément alimentaire à base de probiotiques", "Formulation et fabrication d'un complément alimentaire à base de souches probiotiques, gélules gastro-résistantes.",
		"nutrition", []string{"bt.microbiome", "ph.formulation"}, nil, nil, "100 000 gélules", 45_000},
	{"Dossier de marquage CE selon le règlement MDR", "Accompagnement réglementaire pour le dossier technique d'un dispositif de classe IIb et la relation avec l'organisme notifié.",
		"medtech", []string{"sv.regulatory"}, nil, nil, "", 35_000},
}

// SampleNeeds returns the needs the demo posts (in French), for
// benchmarks that rank realistic needs.
func SampleNeeds() []matchmaking.Input {
	out := make([]matchmaking.Input, 0, len(needTemplates))
	for _, t := range needTemplates {
		out = append(out, matchmaking.Input{Title: t.title, Description: t.description, Lang: "fr", Sector: t.sector,
			Bricks: t.bricks, Certifications: t.certifications, Capacities: t.capacities, Quantities: t.quantities})
	}
	return out
}

// buyerCompanies are the buyers of the needs staff enter by phone or at
// trade fairs, and of the public ones.
var buyerCompanies = []struct{ company, name string }{
	{"Hospices Civils de Lyon", "Sophie Garnier"}, {"Orthomed Industries", "Julien Roux"}, {"BioAlp Therapeutics", "Claire Fontaine"},
	{"Laboratoires Vauban", "Marc Lefèvre"}, {"CHU de Dijon", "Nadia Benali"}, {"NovaCare Devices", "Thomas Girard"},
	{"Dermalia Cosmétiques", "Élodie Marchand"}, {"Cardiatek", "Hugo Perrin"},
}

// generateNeeds runs the matchmaking desk over the past year as its users
// would: needs posted by the buyer login, entered by staff or posted on the
// public form; staff propose and shortlist; providers answer (or let the
// deadline pass); buyers consent; both sides report outcomes. The desk's
// clock moves with each step, so that every need ends in its own state
// (new, waiting for answers, introduced, closed, and a few unconfirmed
// public ones) and the statistics have months to show. The mails the
// workflow queued are dropped: a demo writes to nobody.
func generateNeeds(ctx context.Context, d *db.DB, users *auth.Service, seed uint64, now time.Time) (int, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x6e656564))
	dir := directory.NewStore(d)
	clock := now
	desk := matchmaking.New(d, dir, users, "http://localhost:8080")
	desk.Now = func() time.Time { return clock }
	staff, err := users.UserByEmail(ctx, "staff@"+loginDomain)
	if err != nil {
		return 0, err
	}
	buyer, err := users.UserByEmail(ctx, "buyer@"+loginDomain)
	if err != nil {
		return 0, err
	}
	member, err := users.UserByEmail(ctx, "member@"+loginDomain)
	if err != nil {
		return 0, err
	}
	staffCtx := audit.WithActor(ctx, audit.Actor{UserID: staff.ID, Label: staff.Email})
	var lastMail int64
	if err := d.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM outbox").Scan(&lastMail); err != nil {
		return 0, err
	}
	const count = 36
	made := 0
	for i := range count {
		t := needTemplates[i%len(needTemplates)]
		// From about a year ago to three months ago, then the last eight
		// needs in the past eight days (answers still awaited, the queue).
		age := time.Duration(count-i) * 10 * 24 * time.Hour
		if i >= count-8 {
			age = time.Duration(count-i) * 24 * time.Hour
		}
		clock = now.Add(-age).Add(time.Duration(r.IntN(8*60)) * time.Minute)
		in := matchmaking.Input{Title: t.title, Description: t.description, Lang: "fr", Sector: t.sector, Bricks: t.bricks,
			Certifications: t.certifications, Capacities: t.capacities, Quantities: t.quantities, BudgetMax: t.budgetMax * 100,
			Anonymous: i%3 == 1}
		if i%4 == 2 {
			in.Region = "Bourgogne-Franche-Comté"
		}
		var n matchmaking.Need
		switch {
		case i%3 == 0: // the buyer login
			n, err = desk.Submit(audit.WithActor(ctx, audit.Actor{UserID: buyer.ID, Label: buyer.Email}), &buyer, in, false)
		case i%3 == 1: // the public form
			b := buyerCompanies[i%len(buyerCompanies)]
			in.BuyerName, in.BuyerCompany, in.BuyerLang = b.name, b.company, "fr"
			in.BuyerEmail = "achats." + strconv.Itoa(i) + "@buyer.example"
			n, err = desk.Submit(audit.WithActor(ctx, audit.Actor{Label: "public", IP: fmt.Sprintf("192.0.2.%d", i)}), nil, in, false)
			if err == nil && i < count-3 {
				clock = clock.Add(time.Duration(10+r.IntN(300)) * time.Minute)
				n, err = desk.Verify(ctx, desk.VerifyToken(n))
			}
		default: // staff, after a phone call or a trade fair
			b := buyerCompanies[i%len(buyerCompanies)]
			in.BuyerName, in.BuyerCompany, in.BuyerLang = b.name, b.company, "fr"
			in.BuyerEmail = "contact." + strconv.Itoa(i) + "@buyer.example"
			in.BuyerPhone = fmt.Sprintf("+33 3 80 %02d %02d %02d", r.IntN(100), r.IntN(100), r.IntN(100))
			n, err = desk.Submit(staffCtx, &staff, in, false)
		}
		if err != nil {
			return made, fmt.Errorf("demo: need %d: %w", i, err)
		}
		made++
		if n.Status != matchmaking.StatusNew || i >= count-5 {
			continue // unconfirmed, or still in the queue
		}
		// Staff review within a few days: the ranking's first candidates,
		// sometimes the member login's organisation by hand.
		clock = clock.Add(time.Duration(4+r.IntN(20)) * time.Hour)
		cands, err := desk.Propose(staffCtx, n.ID)
		if err != nil {
			return made, fmt.Errorf("demo: propose %d: %w", i, err)
		}
		if len(cands) == 0 {
			continue // nobody fits: the need waits for staff
		}
		keep := 3 + r.IntN(3)
		for j, c := range cands {
			if j >= keep {
				if err := desk.RemoveCandidate(staffCtx, n.ID, c.OrganisationID); err != nil {
					return made, err
				}
			}
		}
		if i%5 == 0 && member.OrganisationID != 0 {
			_ = desk.AddCandidate(staffCtx, n.ID, member.OrganisationID, "Adhérent à découvrir pour ce besoin")
		}
		if _, err := desk.ValidateShortlist(staffCtx, n.ID); err != nil {
			return made, fmt.Errorf("demo: shortlist %d: %w", i, err)
		}
		if i >= count-8 {
			continue // answers still awaited
		}
		// The providers answer over the following days; some never do.
		all, err := desk.Candidates(staffCtx, n.ID)
		if err != nil {
			return made, err
		}
		for _, c := range all {
			if c.State != matchmaking.StateNotified {
				continue
			}
			p := r.Float64()
			if p < 0.2 {
				continue // lets the deadline pass
			}
			clock = clock.Add(time.Duration(2+r.IntN(30)) * time.Hour)
			msg := ""
			if p < 0.7 {
				msg = "Nous avons déjà réalisé ce type de prestation et pouvons démarrer sous un mois."
			}
			if _, err := desk.Respond(ctx, c.ID, p < 0.7, msg, matchmaking.Responder{Name: "Contact commercial", Email: "commercial." + strconv.FormatInt(c.OrganisationID, 10) + "@provider.example"}); err != nil {
				return made, fmt.Errorf("demo: answer %d: %w", i, err)
			}
		}
		// The buyer consents to most of those interested.
		all, err = desk.Candidates(staffCtx, n.ID)
		if err != nil {
			return made, err
		}
		for _, c := range all {
			if c.State != matchmaking.StateAccepted {
				continue
			}
			clock = clock.Add(time.Duration(1+r.IntN(30)) * time.Hour)
			if _, err := desk.Decide(ctx, n.ID, c.ID, r.Float64() < 0.8); err != nil {
				return made, fmt.Errorf("demo: decide %d: %w", i, err)
			}
		}
		// Weeks later: reminders, expiries, follow-ups, outcomes.
		clock = clock.AddDate(0, 0, matchmaking.DefaultSettings.FollowupDays+1)
		if clock.After(now) {
			clock = now
		}
		if _, err := desk.Sweep(ctx); err != nil {
			return made, err
		}
		all, err = desk.Candidates(staffCtx, n.ID)
		if err != nil {
			return made, err
		}
		for _, c := range all {
			if !c.Introduced() || !c.FollowupAt.IsZero() {
				continue
			}
			o := matchmaking.Outcome{NeedID: n.ID, CandidateID: c.ID, Side: matchmaking.SideBuyer, Outcome: matchmaking.OutcomeNoContact}
			switch p := r.Float64(); {
			case p < 0.35:
				o.Outcome, o.Amount = matchmaking.OutcomeOrderWon, int64(5_000+r.IntN(95_000))*100
			case p < 0.8:
				o.Outcome = matchmaking.OutcomeQuoteSent
			}
			if err := desk.ReportOutcome(ctx, o); err != nil {
				return made, err
			}
			if r.Float64() < 0.5 {
				o.Side, o.Amount = matchmaking.SideProvider, 0
				if o.Outcome == matchmaking.OutcomeOrderWon {
					o.Amount = int64(5_000+r.IntN(95_000)) * 100
				}
				if err := desk.ReportOutcome(ctx, o); err != nil {
					return made, err
				}
			}
		}
		if i%4 == 3 {
			if err := desk.Close(staffCtx, n.ID, "Besoin pourvu"); err != nil {
				return made, err
			}
		}
	}
	clock = now
	if _, err := desk.Sweep(ctx); err != nil {
		return made, err
	}
	// The workflow queued its mails; nobody is to receive them.
	if _, err := d.Exec(ctx, "DELETE FROM outbox WHERE id > ?", lastMail); err != nil {
		return made, err
	}
	return made, nil
}
