package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"filiere/internal/directory"
	"filiere/internal/events"
)

// eventPlan is an event of the demo's agenda before it exists: what staff
// enter, what happens to it, and how many people it draws.
type eventPlan struct {
	in        events.Input
	status    string // what it ends as: published, draft or cancelled
	reason    string // why it was cancelled
	sessions  []sessionPlan
	stands    int     // exhibitors (the congress)
	sponsors  bool    // sponsors (the congress)
	target    int     // registrations had the window been open until the start
	presence  float64 // share of the confirmed who come
	recording bool    // a replay is put online afterwards
	survey    bool    // a satisfaction survey follows
}

// sessionPlan is a slot of an event's agenda; the speakers are drawn from
// the directory when the event is entered.
type sessionPlan struct {
	title    string
	from, to time.Duration // from the event's start
	room     string
	speakers int   // people of the directory
	team     bool  // a member of the cluster's team speaks
	pitch    int64 // a network pitch: the organisation that pitches
}

// paris is where the cluster's events take place.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// venue is a place of the home region.
type venue struct{ name, address, city string }

var venues = []venue{
	{"Maison de l'innovation santé", "12 avenue des Montboucons", "Besançon"},
	{"Palais des congrès", "3 boulevard de Champagne", "Dijon"},
	{"Campus santé, amphithéâtre Pasteur", "7 boulevard Jeanne d'Arc", "Dijon"},
	{"Pôle technologique, salle Lumière", "1 rue de la Découverte", "Montbéliard"},
	{"Centre d'affaires de la CCI", "2 rue du Château", "Belfort"},
	{"Espace entreprises", "10 rue de la Sous-Préfecture", "Dole"},
	{"Hôtel d'entreprises Saône Santé", "25 rue de la Citadelle", "Chalon-sur-Saône"},
}

// sectorNames are the sectors as the event titles call them.
var sectorNames = map[string][2]string{
	"medtech": {"Medtech", "Medtech"}, "biotech": {"Biotech", "Biotech"}, "pharma": {"Pharma", "Pharma"},
	"cosmetics": {"Cosmétique", "Cosmetics"}, "nutrition": {"Nutrition-santé", "Health nutrition"},
	"diagnostics": {"Diagnostic", "Diagnostics"}, "digital": {"Santé numérique", "Digital health"},
}

// committeeTopics are the testimonies of the sector committees.
var committeeTopics = map[string]string{
	"medtech": "passer de la classe I à la classe IIa sous le MDR", "biotech": "sécuriser sa bioproduction clinique",
	"pharma": "relocaliser la production d'un principe actif", "cosmetics": "formuler sans microplastiques",
	"nutrition": "prouver une allégation santé", "diagnostics": "valider un test selon l'IVDR",
	"digital": "obtenir la prise en charge d'une application de télésuivi",
}

// themed is a title in both languages with the sectors it concerns (none:
// every sector).
type themed struct {
	fr, en  string
	sectors []string
}

var workingGroups = []themed{
	{"Groupe de travail Réglementation MDR et IVDR", "MDR and IVDR working group", []string{"medtech", "diagnostics"}},
	{"Groupe de travail Achats hospitaliers", "Hospital procurement working group", []string{"medtech", "digital"}},
	{"Groupe de travail Cybersécurité des dispositifs connectés", "Connected devices cybersecurity working group", []string{"medtech", "digital"}},
	{"Groupe de travail Bioproduction", "Bioproduction working group", []string{"biotech", "pharma"}},
	{"Groupe de travail Recrutement et compétences", "Hiring and skills working group", nil},
	{"Groupe de travail Écoconception et RSE", "Ecodesign and CSR working group", []string{"medtech", "cosmetics"}},
	{"Groupe de travail Accès au marché et remboursement", "Market access and reimbursement working group", []string{"medtech", "diagnostics", "digital"}},
	{"Groupe de travail Données de santé", "Health data working group", []string{"digital"}},
}

var scientificMeetings = []themed{
	{"Rencontre scientifique : organoïdes et médecine régénérative", "Scientific meeting: organoids and regenerative medicine", []string{"biotech"}},
	{"Journée scientifique : IA et imagerie médicale", "Scientific day: AI and medical imaging", []string{"diagnostics", "digital"}},
	{"Rencontre scientifique : microbiote et nutrition", "Scientific meeting: microbiome and nutrition", []string{"nutrition", "biotech"}},
	{"Rencontre scientifique : biomatériaux et implants", "Scientific meeting: biomaterials and implants", []string{"medtech"}},
	{"Rencontre scientifique : médecine de précision et biomarqueurs", "Scientific meeting: precision medicine and biomarkers", []string{"diagnostics", "pharma"}},
	{"Rencontre scientifique : peau sensible et actifs cosmétiques", "Scientific meeting: sensitive skin and cosmetic actives", []string{"cosmetics"}},
}

var webinars = []themed{
	{"Webinaire : le règlement MDR en pratique", "Webinar: the MDR in practice", []string{"medtech"}},
	{"Webinaire : financer son innovation avec l'EIC Accelerator", "Webinar: funding innovation with the EIC Accelerator", nil},
	{"Webinaire : hébergement de données de santé (HDS), ce qui change", "Webinar: health data hosting (HDS), what changes", []string{"digital"}},
	{"Webinaire : le règlement IVDR pour les fabricants de diagnostic", "Webinar: the IVDR for diagnostics manufacturers", []string{"diagnostics"}},
	{"Webinaire : prise en charge anticipée des dispositifs numériques (PECAN)", "Webinar: early coverage of digital medical devices (PECAN)", []string{"digital", "medtech"}},
	{"Webinaire : réussir son dossier de crédit d'impôt recherche", "Webinar: a successful research tax credit claim", nil},
	{"Webinaire : cybersécurité des dispositifs médicaux", "Webinar: cybersecurity of medical devices", []string{"medtech", "digital"}},
	{"Webinaire : allégations santé, le cadre européen", "Webinar: health claims, the European framework", []string{"nutrition"}},
	{"Webinaire : le règlement cosmétique et l'évaluation de la sécurité", "Webinar: the cosmetics regulation and safety assessment", []string{"cosmetics"}},
	{"Webinaire : les BPF pour les jeunes biotech", "Webinar: GMP for young biotechs", []string{"biotech", "pharma"}},
	{"Webinaire : préparer une levée de fonds en amorçage", "Webinar: preparing a seed round", nil},
	{"Webinaire : marquage CE des logiciels dispositifs médicaux", "Webinar: CE marking of medical device software", []string{"digital", "medtech"}},
	{"Webinaire : répondre aux appels d'offres hospitaliers", "Webinar: answering hospital tenders", []string{"medtech"}},
	{"Webinaire : protéger ses innovations par la propriété industrielle", "Webinar: protecting innovations with IP", nil},
	{"Webinaire : investigation clinique, de la conception au recrutement", "Webinar: clinical investigations, from design to recruitment", []string{"medtech", "pharma"}},
	{"Webinaire : l'entrepôt de données de santé, mode d'emploi", "Webinar: the health data warehouse, a user's guide", []string{"digital"}},
	{"Webinaire : exporter aux États-Unis, la voie 510(k)", "Webinar: exporting to the US, the 510(k) route", []string{"medtech", "diagnostics"}},
	{"Webinaire : écoconception des emballages cosmétiques", "Webinar: ecodesign of cosmetics packaging", []string{"cosmetics"}},
	{"Webinaire : bioproduction, les appels à projets France 2030", "Webinar: bioproduction, the France 2030 calls", []string{"biotech"}},
	{"Webinaire : nutrition clinique et dénutrition, les besoins des hôpitaux", "Webinar: clinical nutrition, what hospitals need", []string{"nutrition"}},
	{"Webinaire : recruter ses premiers patients en étude clinique", "Webinar: recruiting the first patients of a clinical study", []string{"pharma", "biotech"}},
	{"Webinaire : l'AI Act et les dispositifs médicaux", "Webinar: the AI Act and medical devices", []string{"digital", "medtech"}},
}

var pitchThemes = []themed{
	{"Pitch réseau – nouveaux adhérents", "Network pitch – new members", nil},
	{"Pitch réseau – start-up medtech", "Network pitch – medtech start-ups", []string{"medtech"}},
	{"Pitch réseau – santé numérique", "Network pitch – digital health", []string{"digital"}},
	{"Pitch réseau – biotech et diagnostic", "Network pitch – biotech and diagnostics", []string{"biotech", "diagnostics"}},
	{"Pitch réseau – investisseurs et start-up", "Network pitch – investors and start-ups", nil},
	{"Pitch réseau – cosmétique et nutrition", "Network pitch – cosmetics and nutrition", []string{"cosmetics", "nutrition"}},
}

var bootcampModules = []themed{
	{"Bootcamp accélérateur – module Finance", "Accelerator bootcamp – Finance module", nil},
	{"Bootcamp accélérateur – module Projet", "Accelerator bootcamp – Project module", nil},
	{"Bootcamp accélérateur – module Développement", "Accelerator bootcamp – Develop module", nil},
}

// planner lays out the agenda from today (midnight in Paris).
type planner struct {
	r     *rand.Rand
	today time.Time
	pool  []contact
	n     int          // events planned so far, for their links
	busy  map[int]bool // days taken by the big events
}

// at is today plus n days in Paris, at h:m, in UTC.
func (p *planner) at(n, h, m int) time.Time {
	d := p.today.AddDate(0, 0, n)
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, paris).UTC()
}

// snap moves day n (never 0) to the nearest of the weekdays out of the
// summer and Christmas breaks, staying on its side of today.
func (p *planner) snap(n int, days ...time.Weekday) int { return p.snapTo(n, true, days) }

// snapTo is snap, out of the breaks or not.
func (p *planner) snapTo(n int, breaks bool, days []time.Weekday) int {
	ok := func(m int) bool {
		if m == 0 || (m < 0) != (n < 0) || p.busy[m] {
			return false
		}
		d := p.today.AddDate(0, 0, m)
		month, dom := d.Month(), d.Day()
		holiday := (month == time.August && dom <= 25) || (month == time.December && dom >= 20) || (month == time.January && dom <= 4)
		return !(breaks && holiday) && slices.Contains(days, d.Weekday())
	}
	for k := 0; ; k++ {
		switch {
		case ok(n + k):
			return n + k
		case ok(n - k):
			return n - k
		}
	}
}

// spread returns k days between from and to (from < to, same side of
// today), evenly apart with some jitter, on the weekdays given.
func (p *planner) spread(k, from, to int, days ...time.Weekday) []int {
	out := make([]int, k)
	width := float64(to-from) / float64(k)
	for i := range k {
		n := from + int(width*(float64(i)+0.25+0.5*p.r.Float64()))
		if (from < 0) != (n < 0) || n == 0 {
			n = from
		}
		out[i] = p.snap(n, days...)
	}
	return out
}

// base is an event's input: type, titles, sectors, times on day n.
func (p *planner) base(typ, audience string, t themed, n, h, m int, length time.Duration) events.Input {
	start := p.at(n, h, m)
	p.n++
	return events.Input{Type: typ, Audience: audience, TitleFR: t.fr, TitleEN: t.en, Sectors: t.sectors,
		Start: start, End: start.Add(length)}
}

// place puts the event at a venue of the region.
func (p *planner) place(in *events.Input, v venue) {
	in.Venue, in.Address, in.City = v.name, v.address, v.city
}

// online gives the event its video link.
func (p *planner) online(in *events.Input) {
	in.OnlineURL = fmt.Sprintf("https://visio.filiere.example/salle/%s-%03d", in.Type, p.n)
}

// plan lays out about sixty events over the past twelve months and the
// next three, in start order.
func (p *planner) plan() []eventPlan {
	var out []eventPlan
	add := func(e eventPlan) { out = append(out, e) }
	tue, wed, thu, fri := time.Tuesday, time.Wednesday, time.Thursday, time.Friday

	// The yearly hackathon, over a Friday and a Saturday.
	n := p.snap(-225, fri)
	in := p.base(events.TypeHackathon, events.AudiencePublic, themed{"Hackathon santé numérique", "Digital health hackathon", []string{"digital", "medtech"}},
		n, 9, 0, 33*time.Hour)
	p.place(&in, venues[0])
	in.Capacity = 120
	in.DescriptionFR = "Deux jours pour prototyper des solutions aux défis proposés par les soignants du CHU et les industriels du réseau."
	in.DescriptionEN = "Two days to prototype answers to challenges set by the university hospital's carers and the network's companies."
	add(eventPlan{in: in, status: events.StatusPublished, target: 24, presence: 0.88, survey: true,
		sessions: []sessionPlan{{title: "Lancement et présentation des défis", to: time.Hour, speakers: 2, team: true},
			{title: "Coaching par les mentors", from: 5 * time.Hour, to: 9 * time.Hour, speakers: 3},
			{title: "Pitchs finaux et remise des prix", from: 29 * time.Hour, to: 33 * time.Hour, speakers: 2, team: true}}})

	// The two-day congress with exhibitors and sponsors, paid.
	n = p.snap(-180, tue)
	in = p.base(events.TypeCongress, events.AudiencePublic, themed{"Congrès annuel de la filière santé", "Annual congress of the health industry", nil},
		n, 9, 0, 31*time.Hour+30*time.Minute)
	p.place(&in, venues[1])
	in.Capacity = 400
	in.PriceMember, in.PriceNonMember = 9000, 18000
	in.RegistrationCloses = in.Start.Add(-48 * time.Hour)
	in.DescriptionFR = "Deux jours de conférences, de tables rondes et d'exposition : le rendez-vous annuel des acteurs de la santé de la région."
	in.DescriptionEN = "Two days of talks, round tables and exhibition: the yearly meeting of the region's health industry."
	add(eventPlan{in: in, status: events.StatusPublished, target: 60, presence: 0.86, survey: true, stands: 15 + p.r.IntN(11), sponsors: true,
		recording: true, sessions: []sessionPlan{
			{title: "Plénière d'ouverture", to: time.Hour, speakers: 2, team: true, room: "Grand auditorium"},
			{title: "Table ronde : financer l'innovation en santé", from: time.Hour + 15*time.Minute, to: 2*time.Hour + 30*time.Minute, speakers: 4, room: "Grand auditorium"},
			{title: "Atelier : accès au marché et remboursement", from: 4*time.Hour + 30*time.Minute, to: 6 * time.Hour, speakers: 2, room: "Salle Vauban"},
			{title: "Conférence : l'IA au service du diagnostic", from: 4*time.Hour + 30*time.Minute, to: 6 * time.Hour, speakers: 2, room: "Grand auditorium"},
			{title: "Trophées de l'innovation en santé", from: 7 * time.Hour, to: 8*time.Hour + 30*time.Minute, speakers: 1, team: true, room: "Grand auditorium"},
			{title: "Table ronde : produire en France les dispositifs de demain", from: 24 * time.Hour, to: 25*time.Hour + 30*time.Minute, speakers: 4, room: "Grand auditorium"},
			{title: "Atelier : recruter et former dans la filière", from: 26 * time.Hour, to: 27*time.Hour + 30*time.Minute, speakers: 2, room: "Salle Vauban"},
			{title: "Clôture et perspectives", from: 30 * time.Hour, to: 31*time.Hour + 30*time.Minute, speakers: 1, team: true, room: "Grand auditorium"}}})

	// The general assembly, at the end of June.
	n = -1
	for d := -1; d > -366; d-- {
		if day := p.today.AddDate(0, 0, d); day.Month() == time.June && day.Day() >= 15 && day.Day() <= 25 {
			n = d
			break
		}
	}
	in = p.base(events.TypeGeneralAssembly, events.AudienceMembers, themed{"Assemblée générale", "General assembly", nil}, p.snap(n, thu), 14, 0, 4*time.Hour)
	p.place(&in, venues[1])
	in.DescriptionFR = "Rapport d'activité, comptes de l'exercice, élection du conseil d'administration, puis conférence invitée et cocktail."
	in.DescriptionEN = "Activity report, accounts, election of the board, then a guest talk and drinks."
	add(eventPlan{in: in, status: events.StatusPublished, target: 12, presence: 0.85, survey: true,
		sessions: []sessionPlan{{title: "Rapport moral et rapport d'activité", to: time.Hour, team: true, room: "Grand auditorium"},
			{title: "Rapport financier et vote des résolutions", from: time.Hour, to: 2 * time.Hour, speakers: 1, room: "Grand auditorium"},
			{title: "Élection du conseil d'administration", from: 2 * time.Hour, to: 150 * time.Minute, room: "Grand auditorium"},
			{title: "Conférence invitée : la santé, une filière industrielle d'avenir", from: 150 * time.Minute, to: 4 * time.Hour, speakers: 1, room: "Grand auditorium"}}})

	// The days of the big events are kept clear of the others.
	for _, e := range out {
		n := dayOffset(p.today, e.in.Start)
		p.busy[n], p.busy[n+1] = true, true
	}

	// Sector committees: one per sector over the year, Medtech twice, and
	// two ahead (the second still a draft).
	committees := []string{"medtech", "biotech", "pharma", "cosmetics", "diagnostics", "digital", "medtech"}
	days := append(p.spread(len(committees)-1, -360, -30, tue, thu), p.snap(-9, tue, thu))
	for i, n := range days {
		add(p.committee(committees[i], n, false))
	}
	add(p.committee("nutrition", p.snap(24, tue, thu), false))
	add(p.committee("biotech", p.snap(68, tue, thu), true))

	// Working groups, for members only.
	for i, n := range append(p.spread(6, -350, -5, tue, wed, thu), p.snap(17, wed), p.snap(45, tue)) {
		wg := workingGroups[i%len(workingGroups)]
		in := p.base(events.TypeWorkingGroup, events.AudienceMembers, wg, n, 9, 30, 150*time.Minute)
		p.place(&in, venues[p.r.IntN(2)])
		in.Capacity = 20
		in.DescriptionFR = "Séance de travail réservée aux adhérents : avancement des travaux et atelier thématique."
		in.DescriptionEN = "Members-only working session: progress of the group's work and a themed workshop."
		if i%3 == 1 {
			p.online(&in) // hybrid
		}
		add(eventPlan{in: in, status: events.StatusPublished, target: 3 + p.r.IntN(3), presence: 0.85, survey: i%2 == 0,
			sessions: []sessionPlan{{title: "Point d'avancement des travaux", to: 45 * time.Minute, team: true},
				{title: "Atelier : retours d'expérience des adhérents", from: 45 * time.Minute, to: 150 * time.Minute, speakers: 2}}})
	}

	// Scientific meetings; the last one ahead is cancelled.
	for i, n := range append(p.spread(4, -340, -20, tue, thu), p.snap(38, thu), p.snap(58, tue)) {
		sm := scientificMeetings[i%len(scientificMeetings)]
		in := p.base(events.TypeScientific, events.AudiencePublic, sm, n, 9, 0, 8*time.Hour)
		p.place(&in, venues[1+p.r.IntN(2)])
		in.Capacity = 80
		in.DescriptionFR = "Chercheurs, cliniciens et industriels font le point sur les avancées du domaine et les collaborations possibles."
		in.DescriptionEN = "Researchers, clinicians and companies review the advances of the field and possible collaborations."
		e := eventPlan{in: in, status: events.StatusPublished, target: 10 + p.r.IntN(3), presence: 0.8, survey: true,
			sessions: []sessionPlan{{title: "Conférence introductive", to: time.Hour, speakers: 1, room: "Amphithéâtre"},
				{title: "Session 1 : état de l'art et verrous", from: time.Hour + 15*time.Minute, to: 3 * time.Hour, speakers: 2, room: "Amphithéâtre"},
				{title: "Session 2 : projets et plateformes de la région", from: 4*time.Hour + 30*time.Minute, to: 6 * time.Hour, speakers: 2, room: "Amphithéâtre"},
				{title: "Table ronde : de la recherche à l'industrie", from: 6*time.Hour + 15*time.Minute, to: 8 * time.Hour, speakers: 2, room: "Amphithéâtre"}}}
		if i == 5 {
			e.status = events.StatusCancelled
			e.reason = "L'intervenant principal est indisponible : la rencontre sera reprogrammée à l'automne."
		}
		add(e)
	}

	// Network pitches: three to five companies each, then drinks.
	for i, n := range append(p.spread(5, -330, -12, tue, thu), p.snap(31, thu)) {
		th := pitchThemes[i%len(pitchThemes)]
		in := p.base(events.TypeNetworkPitch, events.AudiencePublic, th, n, 17, 30, 2*time.Hour)
		p.place(&in, venues[p.r.IntN(len(venues))])
		in.Capacity = 50
		in.DescriptionFR = "Des entreprises du réseau présentent leur projet en cinq minutes, puis échangent avec les participants."
		in.DescriptionEN = "Companies of the network present their project in five minutes, then meet the audience."
		var ss []sessionPlan
		pitchers := p.pitchers(th.sectors, 3+p.r.IntN(3))
		for j, c := range pitchers {
			from := time.Duration(10+15*j) * time.Minute
			ss = append(ss, sessionPlan{title: "Pitch : " + c.org, from: from, to: from + 15*time.Minute, speakers: 1, pitch: c.orgID})
		}
		end := time.Duration(10+15*len(pitchers)) * time.Minute
		ss = append(ss, sessionPlan{title: "Cocktail de réseautage", from: end, to: 2 * time.Hour})
		add(eventPlan{in: in, status: events.StatusPublished, target: 6 + p.r.IntN(3), presence: 0.8, survey: i%2 == 1, sessions: ss})
	}

	// Webinars: the bulk of the agenda, most with a replay; the last one
	// ahead is still a draft.
	ahead := []int{p.snap(9, tue, thu), p.snap(44, tue, thu), p.snap(79, tue, thu)}
	// The last one a few days ago, even in the breaks: its survey is still
	// open.
	recent := []int{p.snapTo(-4, false, []time.Weekday{tue, thu})}
	for i, n := range append(append(p.spread(12, -362, -20, tue, thu), recent...), ahead...) {
		w := webinars[i%len(webinars)]
		in := p.base(events.TypeWebinar, events.AudiencePublic, w, n, 11, 0, time.Hour)
		p.online(&in)
		in.DescriptionFR = "Une heure pour faire le point avec un expert, questions-réponses comprises. Le replay est envoyé aux inscrits."
		in.DescriptionEN = "One hour with an expert, questions and answers included. The replay is sent to those registered."
		e := eventPlan{in: in, status: events.StatusPublished, target: 4 + p.r.IntN(4), presence: 0.75, recording: i%5 != 3,
			survey: i%3 != 2, sessions: []sessionPlan{{title: "Présentation et questions-réponses", to: time.Hour, speakers: 1 + p.r.IntN(2)}}}
		if i == 15 {
			e.status = events.StatusDraft
		}
		add(e)
	}

	// Site visits at members' sites: small, full, with a waiting list.
	for i, n := range append(p.spread(3, -300, -30, tue, thu), p.snap(27, tue)) {
		host := p.host(i)
		t := themed{"Visite de site : " + host.org, "Site visit: " + host.org, host.sectors[:min(1, len(host.sectors))]}
		in := p.base(events.TypeSiteVisit, events.AudiencePublic, t, n, 14, 0, 150*time.Minute)
		in.Venue, in.Address, in.City = host.org, host.address, host.city
		in.Capacity = 12
		in.DescriptionFR = "Visite des installations et échanges avec l'équipe dirigeante. Places limitées, chaussures fermées exigées."
		in.DescriptionEN = "A tour of the facilities and a talk with the management. Limited places, closed shoes required."
		add(eventPlan{in: in, status: events.StatusPublished, target: 16, presence: 0.9, survey: i != 1,
			sessions: []sessionPlan{{title: "Présentation de l'entreprise", to: 45 * time.Minute, speakers: 1, pitch: host.orgID},
				{title: "Visite des installations", from: 45 * time.Minute, to: 150 * time.Minute}}})
	}

	// The accelerator's bootcamps: paid, a dozen places.
	for i, n := range append(p.spread(2, -280, -40, thu), p.snap(35, thu)) {
		in := p.base(events.TypeBootcamp, events.AudiencePublic, bootcampModules[i], n, 9, 0, 8*time.Hour+30*time.Minute)
		p.place(&in, venues[0])
		in.Capacity = 10
		in.PriceMember, in.PriceNonMember = 15000, 30000
		in.DescriptionFR = "Une journée intensive avec des experts et des dirigeants passés par là, pour les start-up de l'accélérateur et au-delà."
		in.DescriptionEN = "An intensive day with experts and founders who have been there, for the accelerator's start-ups and beyond."
		add(eventPlan{in: in, status: events.StatusPublished, target: 15, presence: 0.9, survey: true,
			sessions: []sessionPlan{{title: "Diagnostic et objectifs", to: 90 * time.Minute, speakers: 1},
				{title: "Ateliers pratiques avec les experts", from: 2 * time.Hour, to: 6 * time.Hour, speakers: 2},
				{title: "Retours d'expérience de dirigeants", from: 6*time.Hour + 30*time.Minute, to: 8*time.Hour + 30*time.Minute, speakers: 2}}})
	}

	// New-members sessions, each quarter.
	for _, n := range append(p.spread(3, -330, -20, tue), p.snap(52, tue)) {
		in := p.base(events.TypeNewMembers, events.AudienceMembers, themed{"Matinale des nouveaux adhérents", "New members' breakfast", nil}, n, 8, 30, 2*time.Hour)
		p.place(&in, venues[0])
		in.Capacity = 25
		in.DescriptionFR = "Découvrir le réseau, ses services et ses commissions, présenter son entreprise et rencontrer l'équipe."
		in.DescriptionEN = "Discover the network, its services and committees, present your company and meet the team."
		add(eventPlan{in: in, status: events.StatusPublished, target: 3 + p.r.IntN(3), presence: 0.9, survey: true,
			sessions: []sessionPlan{{title: "Le réseau et ses services", to: 40 * time.Minute, team: true},
				{title: "Tour de table des nouveaux adhérents", from: 40 * time.Minute, to: 100 * time.Minute},
				{title: "Échanges avec l'équipe", from: 100 * time.Minute, to: 2 * time.Hour, team: true}}})
	}

	// The funders' committee: on invitation.
	in = p.base(events.TypeCommittee, events.AudienceInvitation, themed{"Comité des partenaires financeurs", "Funding partners' committee", nil},
		p.snap(-95, wed), 10, 0, 2*time.Hour)
	p.place(&in, venues[0])
	in.DescriptionFR = "Bilan du programme d'actions et des indicateurs, perspectives de l'année avec les partenaires publics."
	in.DescriptionEN = "Review of the action programme and its indicators, next year's outlook with the public partners."
	add(eventPlan{in: in, status: events.StatusPublished, target: 7, presence: 0.9,
		sessions: []sessionPlan{{title: "Bilan de l'année et indicateurs", to: time.Hour, team: true},
			{title: "Programme à venir et échanges", from: time.Hour, to: 2 * time.Hour, team: true}}})

	slices.SortStableFunc(out, func(a, b eventPlan) int { return a.in.Start.Compare(b.in.Start) })
	return out
}

// committee is the sector committee of sector s on day n.
func (p *planner) committee(s string, n int, draft bool) eventPlan {
	name := sectorNames[s]
	in := p.base(events.TypeCommittee, events.AudiencePublic,
		themed{"Comité filière " + name[0], name[1] + " sector committee", []string{s}}, n, 14, 0, 3*time.Hour)
	p.place(&in, venues[p.r.IntN(len(venues))])
	in.Capacity = 30
	in.DescriptionFR = "Actualités de la filière, retour d'expérience d'un adhérent (" + committeeTopics[s] + ") et projets collaboratifs."
	in.DescriptionEN = "News of the sector, a member's testimony and collaborative projects."
	e := eventPlan{in: in, status: events.StatusPublished, target: 6 + p.r.IntN(4), presence: 0.82, survey: true,
		sessions: []sessionPlan{{title: "Actualités de la filière et du cluster", to: 30 * time.Minute, team: true},
			{title: "Retour d'expérience : " + committeeTopics[s], from: 30 * time.Minute, to: 90 * time.Minute, speakers: 1},
			{title: "Tour de table et projets collaboratifs", from: 105 * time.Minute, to: 3 * time.Hour}}}
	if draft {
		e.status = events.StatusDraft
	}
	return e
}

// pitchers picks k member start-ups or SMEs of the sectors to pitch (a
// contact of each).
func (p *planner) pitchers(sectors []string, k int) []contact {
	var orgs []contact
	seen := map[int64]bool{}
	for _, c := range p.pool {
		if !seen[c.orgID] && c.member && (c.kind == "startup" || c.kind == "sme") && c.inSectors(sectors) {
			seen[c.orgID] = true
			orgs = append(orgs, c)
		}
	}
	return sample(p.r, orgs, k)
}

// host is the i-th site visit's host: a member company or platform with
// premises worth a visit.
func (p *planner) host(i int) contact {
	var hosts []contact
	seen := map[int64]bool{}
	for _, c := range p.pool {
		if !seen[c.orgID] && c.member && (c.kind == "midcap" || c.kind == "platform" || c.kind == "large") &&
			c.region == "Bourgogne-Franche-Comté" && c.address != "" {
			seen[c.orgID] = true
			hosts = append(hosts, c)
		}
	}
	if len(hosts) == 0 {
		return p.pool[i]
	}
	return hosts[(i*7+p.r.IntN(3))%len(hosts)]
}

// contact is a person of the directory the events draw from.
type contact struct {
	first, last, email string
	orgID              int64
	org, kind          string
	member             bool
	since              int // the year it joined, 0 when never
	sectors            []string
	region, city       string
	address            string
	userID             int64 // their account, if any
}

func (c contact) name() string { return c.first + " " + c.last }

// inSectors reports whether the contact's organisation works in one of
// sectors (any sector when there are none).
func (c contact) inSectors(sectors []string) bool {
	if len(sectors) == 0 {
		return true
	}
	for _, s := range c.sectors {
		if slices.Contains(sectors, s) {
			return true
		}
	}
	return false
}

// slugOf is a title as a URL path segment.
func slugOf(s string) string {
	var b strings.Builder
	for _, r := range directory.Fold(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// earliest is the earlier of a and b.
func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
