package demo

import (
	"fmt"
	"slices"
	"time"

	"filiere/internal/calls"
)

func parisDay(y int, m time.Month, d, hour int) time.Time {
	return time.Date(y, m, d, hour, 0, 0, 0, calls.Paris).UTC()
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// lastYear runs last calendar year's project labelling, scheme by
// scheme: applications, pre-selection, automatic assignment, reviews, two
// committee sessions per scheme and, months later, the funding results.
func (c *calendar) lastYear(now time.Time) error {
	year := now.In(calls.Paris).Year() - 1
	applicants := c.applicants()
	used := map[string]bool{}
	loginDone := false
	for _, run := range lastYear {
		closes := parisDay(year, run.closes, 15, 12)
		k, err := c.newCall(calls.Call{Type: calls.TypeProjectLabel,
			TitleFR: "Labellisation " + run.scheme + " " + fmt.Sprint(year), TitleEN: run.scheme + " " + fmt.Sprint(year) + " labelling",
			DescriptionFR: "Le comité d'évaluation des projets du pôle audite les projets qui visent l'appel " + run.scheme +
				" et délivre une lettre de soutien aux projets labellisés.",
			DescriptionEN: "The cluster's project evaluation committee audits projects aiming at the " + run.scheme +
				" call and writes a letter of support for those it labels.",
			SchemeGroup: run.group, Scheme: run.scheme, Wave: "1", Year: year,
			OpensAt: parisDay(year, time.January, 5, 9), ClosesAt: closes, ReviewsDue: closes.Add(days(20)), Audience: calls.AudienceMembers,
			Consortium: calls.ConsortiumOptional, MaxPartners: 4, Preselection: true, Written: true, Committee: true,
			Evaluators: 2, Fields: projectForm, Criteria: projectGrid})
		if err != nil {
			return err
		}
		c.at(closes.Add(-days(6)))
		var apps []calls.Application
		for i := range run.applications {
			lead := pick(c.r, applicants)
			q := 0.3 + 0.65*c.r.Float64()
			if !loginDone && run.scheme == "i-Nov" {
				lead, q, loginDone = c.loginOrg(applicants), 0.9, true
			}
			var partners []int64
			if c.r.IntN(100) < 32 {
				for _, p := range sample(c.r, applicants, 1+c.r.IntN(3)) {
					if p.id != lead.id && !slices.Contains(partners, p.id) {
						partners = append(partners, p.id)
					}
				}
			}
			c.at(closes.Add(-days(run.applications - i)))
			a, err := c.apply(k, lead, partners, c.projectTitle(lead, used), q, false)
			if err != nil {
				return err
			}
			apps = append(apps, a)
		}
		// Pre-selection: one in twenty is out of scope.
		c.at(closes.Add(days(3)))
		var running []calls.Application
		for _, a := range apps {
			eligible := c.r.IntN(20) != 0 || c.quality[a.ID] > 0.8
			reason := ""
			if !eligible {
				reason = "Projet hors du périmètre santé du pôle."
			}
			if err := c.s.Preselect(c.ctx, c.staff, a.ID, eligible, reason); err != nil {
				return err
			}
			if eligible {
				running = append(running, a)
			}
		}
		c.at(closes.Add(days(4)))
		if _, err := c.s.AutoAssign(c.ctx, c.staff, k.ID); err != nil {
			return err
		}
		c.at(closes.Add(days(18)))
		if err := c.review(k, running, 1); err != nil {
			return err
		}
		half := (len(running) + 1) / 2
		for i, part := range [][]calls.Application{running[:half], running[half:]} {
			if len(part) == 0 {
				continue
			}
			t := closes.Add(days(28 + 21*i)).Truncate(time.Hour)
			if err := c.session(fmt.Sprintf("Comité d'évaluation des projets — %s, séance %d", run.scheme, i+1), t, part, 48); err != nil {
				return err
			}
		}
		// The funding results come back months later.
		c.at(closes.Add(days(160)))
		if c.clock.After(now) {
			c.at(now.Add(-time.Hour))
		}
		for _, a := range running {
			if !c.labels[a.ID] {
				continue
			}
			in := calls.FundingInput{On: c.clock}
			switch r := c.r.IntN(100); {
			case r < 33 || a.Lead.ID == c.loginOrg(applicants).id:
				in.Outcome = calls.FundingFunded
				amount := run.minEUR + c.r.Int64N(run.maxEUR-run.minEUR)
				in.Amount = fmt.Sprint(amount / 1000 * 1000)
			case r < 40:
				continue // nothing heard yet: pending
			default:
				in.Outcome = calls.FundingNotFunded
			}
			if _, err := c.s.RecordFunding(c.ctx, c.staff, a.ID, in); err != nil {
				return err
			}
		}
	}
	return nil
}

// loginOrg is the member login's organisation among the applicants, or
// the first applicant.
func (c *calendar) loginOrg(applicants []demoOrg) demoOrg {
	for _, o := range c.orgs {
		if o.loginOrg {
			return o
		}
	}
	return applicants[0]
}

// trainingLabel runs this year's training label: applications from
// schools and labs, a jury on three criteria, oral hearings, 60 % labelled
// for two years (renewal on a written file), the catalogue.
func (c *calendar) trainingLabel(now time.Time) error {
	opens, closes := now.Add(-days(300)), now.Add(-days(200))
	k, err := c.newCall(calls.Call{Type: calls.TypeTrainingLabel, TitleFR: "Label Formations Santé",
		TitleEN: "Health Training Label", DescriptionFR: "Le pôle labellise les formations initiales qui préparent aux métiers des industries de santé.",
		DescriptionEN: "The cluster labels the initial training courses that prepare for jobs in the health industries.",
		Year:          opens.In(calls.Paris).Year(), OpensAt: opens, ClosesAt: closes, Audience: calls.AudienceAll,
		Consortium: calls.ConsortiumSingle, Preselection: true, Written: true, Hearing: true, Committee: true, Evaluators: 2,
		LabelName: "Formation labellisée Pôle Santé", LabelMonths: 24, Renewal: calls.RenewalWritten,
		Criteria: []calls.Criterion{
			{Code: "offer", LabelFR: "Offre pédagogique", LabelEN: "Teaching offer", Weight: 1, Scale: 5},
			{Code: "outcomes", LabelFR: "Devenir des diplômés", LabelEN: "Graduates' outcomes", Weight: 1, Scale: 5},
			{Code: "steering", LabelFR: "Pilotage stratégique", LabelEN: "Strategic steering", Weight: 1, Scale: 5},
		}})
	if err != nil {
		return err
	}
	var schools []demoOrg
	for _, o := range c.orgs {
		if o.kind == "training" || o.kind == "lab" {
			schools = append(schools, o)
		}
	}
	schools = sample(c.r, schools, min(30, len(schools)))
	c.at(closes.Add(-days(10)))
	var apps []calls.Application
	for i, o := range schools {
		title := fmt.Sprintf("%s — %s", pick(c.r, []string{"Master", "Licence professionnelle", "Diplôme d'ingénieur", "BUT", "Mastère spécialisé"}),
			trainingPrograms[i%len(trainingPrograms)][0])
		a, err := c.apply(k, o, nil, title, 0.35+0.6*c.r.Float64(), false)
		if err != nil {
			return err
		}
		if err := c.s.Preselect(c.ctx, c.staff, a.ID, true, ""); err != nil {
			return err
		}
		apps = append(apps, a)
	}
	if len(apps) == 0 {
		return nil
	}
	c.at(closes.Add(days(5)))
	if _, err := c.s.AutoAssign(c.ctx, c.staff, k.ID); err != nil {
		return err
	}
	c.at(closes.Add(days(30)))
	if err := c.review(k, apps, 1); err != nil {
		return err
	}
	// 60 % selected: the jury's bar is the score of the last one in.
	evs, err := c.s.Evaluations(c.ctx, c.staff, k.ID)
	if err != nil {
		return err
	}
	var scores []float64
	for _, e := range evs {
		scores = append(scores, e.Score)
	}
	slices.Sort(scores)
	slices.Reverse(scores)
	bar := scores[min(len(scores)-1, len(scores)*6/10-1)]
	return c.session("Jury du label formation", closes.Add(days(50)).Truncate(time.Hour), apps, bar)
}

// vouchers runs a competition of innovation vouchers: 40 applications
// for 10 vouchers, ranked by score.
func (c *calendar) vouchers(now time.Time) error {
	opens, closes := now.Add(-days(200)), now.Add(-days(120))
	k, err := c.newCall(calls.Call{Type: calls.TypeVoucher, TitleFR: "Chèques innovation européens (financement en cascade)",
		TitleEN: "European innovation vouchers (cascade funding)", SchemeGroup: "Europe", Scheme: "Chèques en cascade",
		Year: opens.In(calls.Paris).Year(), OpensAt: opens, ClosesAt: closes, Audience: calls.AudienceAll,
		Consortium: calls.ConsortiumSingle, Written: true, Committee: true, Evaluators: 2, Vouchers: 10,
		Criteria: []calls.Criterion{
			{Code: "impact", LabelFR: "Impact attendu", LabelEN: "Expected impact", Weight: 2, Scale: 10},
			{Code: "feasibility", LabelFR: "Faisabilité", LabelEN: "Feasibility", Weight: 1, Scale: 10},
		}})
	if err != nil {
		return err
	}
	var firms []demoOrg
	for _, o := range c.orgs {
		if (o.kind == "startup" || o.kind == "sme") && o.sector != "" {
			firms = append(firms, o)
		}
	}
	used := map[string]bool{}
	var apps []calls.Application
	for i, o := range sample(c.r, firms, min(40, len(firms))) {
		c.at(closes.Add(-days(40 - i)))
		a, err := c.apply(k, o, nil, c.projectTitle(o, used), 0.3+0.65*c.r.Float64(), false)
		if err != nil {
			return err
		}
		apps = append(apps, a)
	}
	c.at(closes.Add(days(3)))
	if _, err := c.s.AutoAssign(c.ctx, c.staff, k.ID); err != nil {
		return err
	}
	c.at(closes.Add(days(25)))
	if err := c.review(k, apps, 1); err != nil {
		return err
	}
	held := closes.Add(days(60)).Truncate(time.Hour)
	c.at(held.Add(-days(7)))
	members := []int64{c.experts[1].ID, c.experts[2].ID, c.experts[3].ID, c.experts[4].ID, c.experts[5].ID}
	ss, err := c.s.SaveSession(c.ctx, c.staff, 0, calls.SessionInput{Title: "Jury des chèques innovation", HeldAt: held,
		Place: "Visioconférence", Quorum: 3, MemberIDs: members})
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
	c.at(held)
	for _, m := range members {
		if err := c.s.SetPresent(c.ctx, c.staff, ss.ID, m, true); err != nil {
			return err
		}
	}
	if err := c.s.ApplyRanking(c.ctx, c.staff, ss.ID, k.ID); err != nil {
		return err
	}
	c.res.labelled += k.Vouchers
	return c.s.CloseSession(c.ctx, c.staff, ss.ID)
}

// waveUnderReview is this year's first i-Nov wave: closed twelve days
// ago, assigned to three experts each, reviews coming in (the expert
// login has some to do), the session in two weeks.
func (c *calendar) waveUnderReview(now time.Time) error {
	opens, closes := now.Add(-days(70)), now.Add(-days(12)).Truncate(time.Hour)
	k, err := c.newCall(calls.Call{Type: calls.TypeProjectLabel, TitleFR: "Labellisation i-Nov — vague 1",
		TitleEN: "i-Nov labelling — wave 1", SchemeGroup: "Bpifrance", Scheme: "i-Nov", Wave: "1", Year: opens.In(calls.Paris).Year(),
		OpensAt: opens, ClosesAt: closes, ReviewsDue: now.Add(days(10)).Truncate(time.Hour), Audience: calls.AudienceMembers,
		Consortium: calls.ConsortiumOptional, MaxPartners: 4, Preselection: true, Written: true, Committee: true, Evaluators: 3,
		Fields: projectForm, Criteria: projectGrid})
	if err != nil {
		return err
	}
	applicants := c.applicants()
	used := map[string]bool{}
	var apps []calls.Application
	for i := range 14 {
		lead := pick(c.r, applicants)
		if lead.loginOrg {
			continue
		}
		c.at(closes.Add(-days(14 - i)))
		a, err := c.apply(k, lead, nil, c.projectTitle(lead, used), 0.3+0.65*c.r.Float64(), false)
		if err != nil {
			return err
		}
		if err := c.s.Preselect(c.ctx, c.staff, a.ID, true, ""); err != nil {
			return err
		}
		apps = append(apps, a)
	}
	c.at(closes.Add(days(2)))
	if _, err := c.s.AutoAssign(c.ctx, c.staff, k.ID); err != nil {
		return err
	}
	c.at(now.Add(-days(1)))
	if err := c.review(k, apps, 0.6); err != nil {
		return err
	}
	return c.session("Comité d'évaluation des projets — i-Nov vague 1", now.Add(days(14)).Truncate(time.Hour), apps, 0)
}

// openCalls are the calls taking applications now: ANR PRCE (the member
// login has a draft) and a call for expressions of interest.
func (c *calendar) openCalls(now time.Time) error {
	year := now.In(calls.Paris).Year()
	k, err := c.newCall(calls.Call{Type: calls.TypeProjectLabel, TitleFR: fmt.Sprintf("Labellisation ANR PRCE %d", year),
		TitleEN: fmt.Sprintf("ANR PRCE %d labelling", year), SchemeGroup: "ANR", Scheme: "ANR PRCE", Wave: "1", Year: year,
		DescriptionFR: "Projets de recherche collaborative entreprise : le pôle labellise les projets de ses adhérents avant le dépôt à l'ANR.",
		DescriptionEN: "Collaborative research projects with companies: the cluster labels its members' projects before they go to the ANR.",
		OpensAt:       now.Add(-days(20)), ClosesAt: now.Add(days(25)).Truncate(time.Hour), Audience: calls.AudienceMembers,
		Consortium: calls.ConsortiumRequired, MinPartners: 1, MaxPartners: 5, Preselection: true, Written: true, Committee: true,
		Evaluators: 2, Fields: projectForm, Criteria: projectGrid})
	if err != nil {
		return err
	}
	applicants := c.applicants()
	used := map[string]bool{}
	c.at(now.Add(-days(3)))
	login := c.loginOrg(applicants)
	partner := applicants[len(applicants)/2]
	if partner.id == login.id {
		partner = applicants[0]
	}
	if _, err := c.apply(k, login, []int64{partner.id}, c.projectTitle(login, used), 0.8, true); err != nil {
		return err
	}
	for range 5 {
		lead := pick(c.r, applicants)
		p := pick(c.r, applicants)
		if p.id == lead.id || lead.loginOrg {
			continue
		}
		if _, err := c.apply(k, lead, []int64{p.id}, c.projectTitle(lead, used), 0.3+0.65*c.r.Float64(), false); err != nil {
			return err
		}
	}
	ami, err := c.newCall(calls.Call{Type: calls.TypeInterest, TitleFR: "AMI — Jumeaux numériques en santé",
		TitleEN: "Call for expressions of interest — Digital twins in health", Year: year,
		DescriptionFR: "Faites-vous connaître si vous développez ou voulez tester des jumeaux numériques : le pôle montera des consortiums.",
		DescriptionEN: "Tell us if you develop or want to test digital twins: the cluster will build consortia.",
		OpensAt:       now.Add(-days(10)), ClosesAt: now.Add(days(40)).Truncate(time.Hour), Audience: calls.AudienceAll,
		Consortium: calls.ConsortiumSingle, Preselection: true, Committee: true,
		Fields: []calls.Field{
			{Code: "role", Kind: calls.FieldChoice, LabelFR: "Votre rôle", LabelEN: "Your role", Required: true, Choices: []calls.Choice{
				{Code: "developer", FR: "Développeur de solution", EN: "Solution developer"},
				{Code: "user", FR: "Utilisateur (hôpital, industriel)", EN: "User (hospital, company)"},
				{Code: "research", FR: "Recherche", EN: "Research"}}},
			{Code: "summary", Kind: calls.FieldLongText, LabelFR: "Votre intérêt en quelques lignes", LabelEN: "Your interest in a few lines", Required: true},
		}})
	if err != nil {
		return err
	}
	c.at(now.Add(-days(2)))
	for _, o := range sample(c.r, applicants, 8) {
		a, err := c.s.CreateDraft(c.ctx, c.staff, ami.ID, calls.ApplicationInput{Title: "Jumeau numérique — " + o.name, LeadID: o.id,
			Answers: map[string]string{"role": pick(c.r, []string{"developer", "user", "research"}),
				"summary": "Nous souhaitons rejoindre un consortium sur les jumeaux numériques du patient."}})
		if err != nil {
			return err
		}
		if _, err := c.s.Submit(c.ctx, c.staff, a.ID); err != nil {
			return err
		}
		c.res.applications++
	}
	return nil
}
