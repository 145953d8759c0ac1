package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/calls"
	"filiere/internal/db"
	"filiere/internal/directory"
)

// callsResult is what generateCalls made.
type callsResult struct {
	calls, applications, experts, sessions, labelled int
	users                                            int // expert accounts created
}

// schemeRun is one external scheme the cluster labelled projects for last
// year: how many applications came, and the funding a project gets.
type schemeRun struct {
	group, scheme  string
	applications   int
	closes         time.Month // the wave's close
	minEUR, maxEUR int64
}

// lastYear follows the real 2023 figures: 77 received, about 81 %
// labelled, a third of the labelled funded, a few still pending.
var lastYear = []schemeRun{
	{"ANR", "ANR PRCE", 12, time.March, 250_000, 700_000},
	{"ANR", "ANR RHU", 4, time.May, 1_500_000, 6_000_000},
	{"Bpifrance", "i-Nov", 16, time.April, 400_000, 1_500_000},
	{"Bpifrance", "i-Lab", 11, time.February, 200_000, 600_000},
	{"Région", "Innov'Up", 18, time.June, 30_000, 200_000},
	{"Europe", "EIC Accelerator", 9, time.September, 1_000_000, 2_500_000},
	{"Europe", "Horizon Europe", 7, time.October, 500_000, 3_000_000},
}

// projectTitles are the demo's projects, "%s" taking a sector's word.
var projectTitles = []string{
	"Capteur implantable de suivi %s", "Plateforme d'IA pour le diagnostic %s", "Bioproduction continue en %s",
	"Jumeau numérique du parcours patient en %s", "Biomarqueurs précoces en %s", "Dispositif connecté de rééducation en %s",
	"Nouvelle voie d'administration en %s", "Microfluidique pour le dépistage en %s", "Thérapie cellulaire allogénique en %s",
	"Emballage éco-conçu de produits de %s", "Test rapide au lit du patient en %s", "Robotique chirurgicale miniaturisée en %s",
}

var sectorWords = map[string]string{"medtech": "cardiologie", "biotech": "oncologie", "pharma": "pédiatrie",
	"cosmetics": "dermatologie", "nutrition": "nutrition clinique", "diagnostics": "infectiologie", "digital": "santé mentale"}

// expertNames are the pool besides the expert login.
var expertNames = []string{
	"Hélène Marchand", "Olivier Perrin", "Sophie Lemaire", "Marc Duval", "Isabelle Roux", "Thierry Faure",
	"Nathalie Girard", "Pascal Renaud", "Catherine Morel", "Jean-Luc Bertin", "Valérie Chevalier", "Didier Masson",
	"Anne-Sophie Blanc", "François Guérin", "Martine Colin", "Laurent Aubert", "Élise Fournier", "Bernard Lacroix",
	"Claire Vidal", "Patrick Noël", "Agnès Carpentier", "Yves Lambert", "Sylvie Dumas",
}

var expertKeywords = []string{"capteur", "microfluidique", "biomarqueurs", "ia", "bioproduction", "robotique", "thérapie",
	"dépistage", "rééducation", "imagerie", "emballage", "jumeau"}

// projectGrid is the committee's grid for project labelling.
var projectGrid = []calls.Criterion{
	{Code: "innovation", LabelFR: "Caractère innovant", LabelEN: "Innovation", Weight: 3, Scale: 5},
	{Code: "impact", LabelFR: "Impact économique pour le territoire", LabelEN: "Economic impact for the region", Weight: 2, Scale: 5},
	{Code: "team", LabelFR: "Équipe et consortium", LabelEN: "Team and consortium", Weight: 2, Scale: 5},
	{Code: "feasibility", LabelFR: "Faisabilité et budget", LabelEN: "Feasibility and budget", Weight: 1, Scale: 5},
}

// projectForm is the application form of project labelling.
var projectForm = []calls.Field{
	{Code: "budget", Kind: calls.FieldMoney, LabelFR: "Budget total du projet", LabelEN: "Total project budget", Required: true},
	{Code: "aid", Kind: calls.FieldMoney, LabelFR: "Aide demandée", LabelEN: "Funding requested"},
	{Code: "duration", Kind: calls.FieldNumber, LabelFR: "Durée (mois)", LabelEN: "Duration (months)", Required: true},
	{Code: "trl", Kind: calls.FieldChoice, LabelFR: "Maturité technologique", LabelEN: "Technology readiness", Required: true,
		Choices: []calls.Choice{{Code: "trl3", FR: "TRL 3"}, {Code: "trl4", FR: "TRL 4"}, {Code: "trl5", FR: "TRL 5"}, {Code: "trl6", FR: "TRL 6"}, {Code: "trl7", FR: "TRL 7"}}},
	{Code: "summary", Kind: calls.FieldLongText, LabelFR: "Résumé non confidentiel", LabelEN: "Non-confidential summary", Required: true},
	{Code: "annex", Kind: calls.FieldFile, LabelFR: "Annexe technique et financière", LabelEN: "Technical and financial annex"},
}

// calendar runs the demo's calls on a clock it moves forward.
type calendar struct {
	ctx     context.Context
	d       *db.DB
	s       *calls.Service
	clock   time.Time
	r       *rand.Rand
	staff   calls.Viewer
	experts []calls.Expert
	views   map[int64]calls.Viewer // expert id → viewer
	orgs    []demoOrg
	now     time.Time // the demo's present; the clock runs up to it
	res     callsResult
	quality map[int64]float64 // application → how good it is (0–1)
	labels  map[int64]bool    // applications the demo's sessions labelled
}

type demoOrg struct {
	id         int64
	name, kind string
	sector     string
	member     bool
	loginOrg   bool // the member login's organisation
	group      string
}

func (c *calendar) at(t time.Time) { c.clock = t.UTC() }

// generateCalls runs a year of the cluster's project evaluation committee
// through the calls' own workflow, then this year's calls in every state:
// last year's project labelling across seven schemes (77 applications,
// automatic assignment, reviews, 14 sessions, decisions, funding
// outcomes), this year's training label (decided, with its catalogue),
// a voucher competition (ranked), a wave under evaluation whose
// reviews the expert login has to finish, a call open with the member
// login's draft, and a call for expressions of interest. Its mails are
// dropped.
func generateCalls(ctx context.Context, d *db.DB, users *auth.Service, seed uint64, now time.Time) (callsResult, error) {
	var lastMail int64
	if err := d.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM outbox").Scan(&lastMail); err != nil {
		return callsResult{}, err
	}
	staffUser, err := users.UserByEmail(ctx, "staff@"+loginDomain)
	if err != nil {
		return callsResult{}, err
	}
	ctx = audit.WithActor(ctx, audit.Actor{UserID: staffUser.ID, Label: staffUser.Email})
	c := &calendar{ctx: ctx, d: d, r: rand.New(rand.NewPCG(seed, seed^0x63616c6c73)), views: map[int64]calls.Viewer{},
		quality: map[int64]float64{}, labels: map[int64]bool{}, now: now}
	c.s = calls.New(d, directory.NewStore(d), "http://localhost:8080")
	c.s.Now = func() time.Time { return c.clock }
	c.staff = calls.Viewer{UserID: staffUser.ID, Role: auth.RoleStaff}
	c.at(now.AddDate(-1, 0, 0))
	if err := c.loadOrgs(); err != nil {
		return callsResult{}, err
	}
	if err := c.s.SaveSettings(ctx, c.staff, calls.Settings{ClusterName: "Pôle Santé Rhône-Alpes (démo)",
		Address: "60 avenue Rockefeller\n69008 Lyon", SignatoryName: staffUser.Name, SignatoryTitle: "Directrice de l'innovation",
		City: "Lyon", Recipient: "À l'attention du comité de sélection", ReminderDays: calls.DefaultReminderDays}); err != nil {
		return callsResult{}, err
	}
	if err := c.pool(users); err != nil {
		return callsResult{}, fmt.Errorf("demo: experts: %w", err)
	}
	steps := []func(time.Time) error{c.lastYear, c.trainingLabel, c.vouchers, c.waveUnderReview, c.openCalls}
	for _, step := range steps {
		if err := step(now); err != nil {
			return callsResult{}, fmt.Errorf("demo: calls: %w", err)
		}
	}
	if _, err := d.Exec(ctx, "DELETE FROM outbox WHERE id > ?", lastMail); err != nil {
		return callsResult{}, err
	}
	return c.res, nil
}

func (c *calendar) loadOrgs() error {
	var memberOrg int64
	if err := c.d.QueryRow(c.ctx, "SELECT organisation_id FROM users WHERE email = ?", "member@"+loginDomain).Scan(&memberOrg); err != nil {
		return err
	}
	rows, err := c.d.Query(c.ctx, `SELECT o.id, o.name, o.kind, o.membership, o.group_name,
		COALESCE((SELECT MIN(s.sector) FROM organisation_sectors s WHERE s.organisation_id = o.id), '')
		FROM organisations o ORDER BY o.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var o demoOrg
		var membership string
		if err := rows.Scan(&o.id, &o.name, &o.kind, &membership, &o.group, &o.sector); err != nil {
			return err
		}
		o.member, o.loginOrg = membership == directory.Member, o.id == memberOrg
		c.orgs = append(c.orgs, o)
	}
	return rows.Err()
}

// applicants are the organisations that apply for projects: member
// companies, labs and hospitals with a sector.
func (c *calendar) applicants() []demoOrg {
	var out []demoOrg
	for _, o := range c.orgs {
		if o.member && o.sector != "" && slices.Contains([]string{"startup", "sme", "midcap", "lab", "hospital", "platform"}, o.kind) {
			out = append(out, o)
		}
	}
	return out
}

// pool creates the expert login's record and 23 more experts, affiliated
// with large groups, hospitals and labs (a few retired), some declaring
// interests.
func (c *calendar) pool(users *auth.Service) error {
	var affiliations []demoOrg
	for _, o := range c.orgs {
		if slices.Contains([]string{"large", "hospital", "lab", "investor", "consultancy"}, o.kind) {
			affiliations = append(affiliations, o)
		}
	}
	login, err := users.UserByEmail(c.ctx, "expert@"+loginDomain)
	if err != nil {
		return err
	}
	accounts := []auth.User{login}
	for i, name := range expertNames {
		u, err := users.CreateUser(c.ctx, auth.NewUser{Email: fmt.Sprintf("expert%02d@%s", i+1, loginDomain), Name: name,
			Lang: "fr", Role: auth.RoleExpert, Password: password(auth.RoleExpert)})
		if err != nil {
			return err
		}
		accounts = append(accounts, u)
		c.res.users++
	}
	applicants := c.applicants()
	sectors := []string{"medtech", "biotech", "pharma", "diagnostics", "digital", "cosmetics", "nutrition"}
	for i, u := range accounts {
		in := calls.ExpertInput{UserID: u.ID, Active: true, MaxLoad: 12,
			Sectors:  []string{sectors[i%len(sectors)], sectors[(i+3)%len(sectors)]},
			Keywords: sample(c.r, expertKeywords, 2+c.r.IntN(3))}
		switch {
		case i == 0:
			in.AffiliationID = u.OrganisationID // the practitioner's hospital
		case i%7 == 6:
			// retired: no affiliation
		default:
			in.AffiliationID = pick(c.r, affiliations).id
		}
		if i%5 == 2 {
			in.Interests = []calls.Interest{{OrganisationID: pick(c.r, applicants).id, Note: "administrateur"}}
		}
		x, err := c.s.SaveExpert(c.ctx, c.staff, 0, in)
		if err != nil {
			return err
		}
		c.experts = append(c.experts, x)
		v, err := c.s.ViewerFor(c.ctx, &u)
		if err != nil {
			return err
		}
		c.views[x.ID] = v
	}
	c.res.experts = len(c.experts)
	return nil
}

// newCall creates and publishes a call.
func (c *calendar) newCall(in calls.Call) (calls.Call, error) {
	in.Fields = slices.Clone(in.Fields)
	in.Criteria = slices.Clone(in.Criteria)
	k, err := c.s.CreateCall(c.ctx, in)
	if err != nil {
		return calls.Call{}, fmt.Errorf("call %q: %w", in.TitleFR, err)
	}
	if err := c.s.Publish(c.ctx, k.ID, true); err != nil {
		return calls.Call{}, err
	}
	c.res.calls++
	return k, nil
}

// apply drafts and (unless draft) submits an application of lead with
// quality q, on the clock.
func (c *calendar) apply(k calls.Call, lead demoOrg, partners []int64, title string, q float64, draft bool) (calls.Application, error) {
	v := c.staff
	in := calls.ApplicationInput{Title: title, LeadID: lead.id, PartnerIDs: partners, Summary: title + ".",
		Acronym: acronym(strings.SplitN(title, " (", 2)[0])}
	if len(k.Fields) > 0 {
		budget := (2 + c.r.Int64N(30)) * 50_000
		in.Answers = map[string]string{"budget": fmt.Sprint(budget), "aid": fmt.Sprint(budget / 2),
			"duration": fmt.Sprint(12 + 6*c.r.IntN(5)), "trl": fmt.Sprintf("trl%d", 3+c.r.IntN(5)),
			"summary": "Projet " + title + " : " + pick(c.r, []string{"preuve de concept clinique", "industrialisation",
				"validation préclinique", "essai multicentrique", "passage à l'échelle"}) + " avec des partenaires du territoire."}
	}
	a, err := c.s.CreateDraft(c.ctx, v, k.ID, in)
	if err != nil {
		return calls.Application{}, fmt.Errorf("draft %q: %w", title, err)
	}
	c.quality[a.ID] = q
	if draft {
		return a, nil
	}
	if a, err = c.s.Submit(c.ctx, v, a.ID); err != nil {
		return calls.Application{}, fmt.Errorf("submit %q: %w", title, err)
	}
	c.res.applications++
	return a, nil
}

// projectTitle draws a title for an organisation's project.
func (c *calendar) projectTitle(o demoOrg, used map[string]bool) string {
	for {
		t := fmt.Sprintf(pick(c.r, projectTitles), sectorWords[o.sector])
		if !used[t] {
			used[t] = true
			return t
		}
		t = fmt.Sprintf("%s (%s)", t, o.name)
		if !used[t] {
			used[t] = true
			return t
		}
	}
}

// review has every assigned expert score the applications from their
// quality (each with a probability done, the rest left to do).
func (c *calendar) review(k calls.Call, apps []calls.Application, done float64) error {
	assigned := map[int64][]int64{}
	rows, err := c.d.Query(c.ctx, `SELECT x.application_id, x.expert_id FROM assignments x JOIN applications a ON a.id = x.application_id
		WHERE a.call_id = ? ORDER BY x.application_id, x.expert_id`, k.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var app, expert int64
		if err := rows.Scan(&app, &expert); err != nil {
			rows.Close()
			return err
		}
		assigned[app] = append(assigned[app], expert)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range apps {
		for _, expert := range assigned[a.ID] {
			if c.r.Float64() >= done || (done < 1 && expert == c.experts[0].ID) {
				continue // left to do (the expert login always has some)
			}
			in := calls.ReviewInput{Scores: map[string]int{}, Comments: map[string]string{}, Submit: true}
			for _, cr := range k.Criteria {
				s := math.Round(c.quality[a.ID]*float64(cr.Scale) + 0.7*c.r.NormFloat64())
				in.Scores[cr.Code] = int(max(0, min(float64(cr.Scale), s)))
			}
			in.Comment = pick(c.r, []string{"Projet solide, consortium complémentaire.", "Marché à mieux documenter.",
				"Verrou technologique réel, plan de financement fragile.", "Très bon alignement avec la feuille de route du pôle.",
				"Équipe expérimentée ; calendrier ambitieux."})
			if _, err := c.s.SaveReview(c.ctx, c.views[expert], a.ID, in); err != nil {
				return fmt.Errorf("review %s: %w", a.Reference, err)
			}
		}
	}
	return nil
}

// session holds a committee session at t on apps: the members are nine
// experts (the expert login always among them), seven present, and each
// application is decided from its reviews (labelled from threshold up).
// A session after the demo's present only gets its agenda.
func (c *calendar) session(title string, t time.Time, apps []calls.Application, threshold float64) error {
	members := []int64{c.experts[0].ID}
	for _, x := range sample(c.r, c.experts[1:], 8) {
		members = append(members, x.ID)
	}
	c.at(t.Add(-7 * 24 * time.Hour))
	ss, err := c.s.SaveSession(c.ctx, c.staff, 0, calls.SessionInput{Title: title, HeldAt: t, Place: "Lyon, siège du pôle",
		Quorum: 4, MemberIDs: members})
	if err != nil {
		return err
	}
	c.res.sessions++
	var ids []int64
	for _, a := range apps {
		ids = append(ids, a.ID)
	}
	if err := c.s.AddItems(c.ctx, c.staff, ss.ID, ids); err != nil {
		return err
	}
	if t.After(c.realNow()) {
		return nil // a session to come: agenda only
	}
	c.at(t)
	for i, m := range members {
		if i < 7 {
			if err := c.s.SetPresent(c.ctx, c.staff, ss.ID, m, true); err != nil {
				return err
			}
		}
	}
	evs := map[int64]calls.Evaluation{}
	for _, callID := range uniqueCalls(apps) {
		es, err := c.s.Evaluations(c.ctx, c.staff, callID)
		if err != nil {
			return err
		}
		for _, e := range es {
			evs[e.Application.ID] = e
		}
	}
	for _, a := range apps {
		decision, comment := calls.DecisionNotLabelled, "Projet à consolider avant un nouveau dépôt."
		if evs[a.ID].Score >= threshold {
			decision, comment = calls.DecisionLabelled, "Le comité soutient le projet."
		}
		if err := c.s.Decide(c.ctx, c.staff, ss.ID, a.ID, decision, comment); err != nil {
			return fmt.Errorf("decide %s: %w", a.Reference, err)
		}
		if decision == calls.DecisionLabelled {
			c.res.labelled++
			c.labels[a.ID] = true
		}
	}
	return c.s.CloseSession(c.ctx, c.staff, ss.ID)
}

// realNow is the demo's present (the clock runs behind it).
func (c *calendar) realNow() time.Time { return c.now }

func uniqueCalls(apps []calls.Application) []int64 {
	var out []int64
	for _, a := range apps {
		if !slices.Contains(out, a.CallID) {
			out = append(out, a.CallID)
		}
	}
	return out
}
