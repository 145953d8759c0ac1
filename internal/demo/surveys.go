package demo

import (
	"math"
	"slices"
	"strconv"
	"time"

	"filiere/internal/events"
	"filiere/internal/surveys"
)

// Comments participants leave, by how satisfied they were.
var (
	praise = []string{
		"Très bonne organisation, merci à l'équipe.",
		"Interventions concrètes et directement utiles pour nos projets.",
		"Les échanges en fin de séance étaient précieux.",
		"Format efficace, j'ai rencontré deux partenaires potentiels.",
		"Merci pour la qualité des intervenants.",
		"Très bon niveau, à renouveler l'an prochain.",
	}
	suggestions = []string{
		"Prévoir plus de temps pour les questions.",
		"Envoyer les supports avant la séance.",
		"Un peu dense : une pause de plus serait bienvenue.",
		"Il faudrait davantage de retours d'expérience d'entreprises.",
		"Proposer un créneau en fin de journée pour ceux qui ne peuvent pas se libérer le matin.",
		"Partager la liste des participants pour faciliter les contacts.",
	}
	complaints = []string{
		"Contenu trop général pour mon activité.",
		"Le son était de mauvaise qualité par moments.",
		"Trop de présentations commerciales.",
		"La salle était trop petite pour le nombre de participants.",
		"Le programme annoncé n'a pas été tenu, plusieurs interventions ont été écourtées.",
	}
)

// satisfactionQuestions are the questions after an event: overall, would
// recommend, one per main session (those with speakers, up to three), and
// what to improve.
func satisfactionQuestions(e events.Event, sessions []events.Session) []surveys.Question {
	qs := []surveys.Question{
		{Kind: surveys.KindScale5, LabelFR: "Globalement, êtes-vous satisfait de l'événement ?",
			LabelEN: "Overall, how satisfied are you with the event?", Required: true},
		{Kind: surveys.KindNPS, LabelFR: "Recommanderiez-vous cet événement à un collègue ?",
			LabelEN: "How likely are you to recommend this event to a colleague?"},
	}
	if len(sessions) > 1 {
		n := 0
		for _, s := range sessions {
			if len(s.Speakers) == 0 || n == 3 {
				continue
			}
			n++
			qs = append(qs, surveys.Question{Kind: surveys.KindScale5, LabelFR: "Intérêt de la session « " + s.Title + " »",
				LabelEN: "Interest of the session “" + s.Title + "”", SessionID: s.ID, SessionLabel: s.Title})
		}
	}
	return append(qs, surveys.Question{Kind: surveys.KindText, LabelFR: "Que pourrions-nous améliorer ?", LabelEN: "What could we improve?"})
}

// scale5 draws a 1-5 answer around mean (before rounding and capping).
func (h *hand) scale5(mean float64) int {
	return int(max(1, min(5, math.Round(mean+0.75*h.r.NormFloat64()))))
}

// answers draws a participant's answers to a satisfaction survey of an
// event whose quality (the mean before capping) is quality.
func (h *hand) answers(qs []surveys.Question, quality float64) surveys.Answers {
	out := surveys.Answers{}
	overall := h.scale5(quality)
	for _, q := range qs {
		var v string
		switch {
		case q.Kind == surveys.KindScale5 && q.SessionID == 0:
			v = strconv.Itoa(overall)
		case q.Kind == surveys.KindNPS:
			if h.r.IntN(10) == 0 {
				continue
			}
			v = strconv.Itoa(max(0, min(10, 2*overall+h.r.IntN(3)-1)))
		case q.Kind == surveys.KindScale5:
			if h.r.IntN(6) == 0 {
				continue // did not attend that session
			}
			v = strconv.Itoa(h.scale5((quality + float64(overall)) / 2))
		case q.Kind == surveys.KindText:
			switch p := h.r.Float64(); {
			case overall <= 3 && p < 0.7:
				v = pick(h.r, complaints)
			case overall == 5 && p < 0.3:
				v = pick(h.r, praise)
			case p < 0.3:
				v = pick(h.r, suggestions)
			}
		}
		if v != "" {
			out[q.ID] = []string{v}
		}
	}
	return out
}

// openSurvey has staff write the satisfaction survey of a past event the
// evening after it, closing two weeks later, and open it.
func (h *hand) openSurvey(j *eventJob) error {
	p := j.p
	sessions, err := h.ev.Sessions(h.ctx, j.e.ID)
	if err != nil {
		return err
	}
	closes := h.plan.today.AddDate(0, 0, dayOffset(h.plan.today, p.in.End)+14)
	if closes.Equal(h.plan.today) {
		closes = closes.AddDate(0, 0, 1)
	}
	closes = time.Date(closes.Year(), closes.Month(), closes.Day(), 18, 0, 0, 0, paris).UTC()
	h.clock = earliest(p.in.End.Add(2*time.Hour), h.limit)
	sv, err := h.sv.Create(h.staffCtx, surveys.Input{
		TitleFR: "Votre avis sur « " + p.in.TitleFR + " »", TitleEN: "Your feedback on “" + j.e.Title("en") + "”",
		IntroFR:     "Merci d'avoir participé ! Deux minutes pour nous aider à améliorer nos prochains événements.",
		IntroEN:     "Thank you for coming! Two minutes to help us improve our next events.",
		SubjectKind: surveys.SubjectEvent, SubjectID: j.e.ID, ClosesAt: closes, Questions: satisfactionQuestions(j.e, sessions)})
	if err != nil {
		return err
	}
	if j.survey, err = h.sv.Open(h.staffCtx, sv.ID); err != nil {
		return err
	}
	j.quality = 3.9 + 0.7*h.r.Float64()
	h.counts.surveys++
	return nil
}

// collect invites the event's confirmed participants to its survey, as
// the survey page does, reminds them after a week, and records the
// answers of 30-60 % of those who came. The member login leaves the open
// ones unanswered, so that its dashboard has one to fill.
func (h *hand) collect(j *eventJob) error {
	sv := j.survey
	h.clock = sv.OpenedAt.Add(time.Duration(5+h.r.IntN(20)) * time.Minute)
	regs, err := h.ev.Registrations(h.ctx, j.e.ID, events.RegistrationFilter{Status: events.RegConfirmed})
	if err != nil {
		return err
	}
	people := make([]surveys.Invitee, len(regs))
	for i, reg := range regs {
		people[i] = surveys.Invitee{Email: reg.Email, Name: reg.Name, Lang: reg.Lang, OrganisationID: reg.OrganisationID, UserID: reg.UserID}
	}
	invited, err := h.sv.Invite(h.staffCtx, sv.ID, people)
	if err != nil {
		return err
	}
	rate := 0.3 + 0.3*h.r.Float64()
	remind := h.clock.AddDate(0, 0, 7)
	type reply struct {
		token string
		at    time.Time
	}
	var replies []reply
	for _, inv := range invited.Added {
		if !j.present[inv.Email] || h.r.Float64() >= rate || (inv.UserID == h.member.userID && sv.ClosesAt.After(h.limit)) {
			continue
		}
		at := h.clock.Add(time.Duration(30+h.r.IntN(60*24*4)) * time.Minute)
		if h.r.IntN(3) == 0 {
			at = remind.Add(time.Duration(30+h.r.IntN(60*24*4)) * time.Minute) // after the reminder
		}
		if at.Before(sv.ClosesAt) && !at.After(h.limit) {
			replies = append(replies, reply{h.sv.Token(inv), at})
		}
	}
	slices.SortStableFunc(replies, func(a, b reply) int { return a.at.Compare(b.at) })
	reminded := !remind.Before(sv.ClosesAt) || remind.After(h.limit)
	for _, rp := range replies {
		if !reminded && rp.at.After(remind) {
			h.clock, reminded = remind, true
			if _, err := h.sv.RemindPending(h.staffCtx, sv.ID); err != nil {
				return err
			}
		}
		h.clock = rp.at
		if err := h.sv.Answer(h.ctx, rp.token, h.answers(sv.Questions, j.quality)); err != nil {
			return err
		}
		h.counts.responses++
	}
	if !reminded {
		h.clock = remind
		_, err = h.sv.RemindPending(h.staffCtx, sv.ID)
	}
	return err
}

// dayOffset is how many days t is after today (both in Paris).
func dayOffset(today, t time.Time) int {
	l := t.In(paris)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, paris)
	return int(math.Round(day.Sub(today).Hours() / 24))
}

// runway is the flash survey's question on cash, by answer code.
var runway = []surveys.Choice{
	{Code: "moins-3", LabelFR: "Moins de 3 mois", LabelEN: "Under 3 months"},
	{Code: "3-6", LabelFR: "De 3 à 6 mois", LabelEN: "3 to 6 months"},
	{Code: "6-12", LabelFR: "De 6 à 12 mois", LabelEN: "6 to 12 months"},
	{Code: "plus-12", LabelFR: "Plus de 12 mois", LabelEN: "Over 12 months"},
}

// runwayWeights is how the runway spreads by kind of organisation:
// start-ups burn their funds, large groups do not worry.
var runwayWeights = map[string][]int{
	"startup": {24, 36, 26, 14}, "sme": {10, 24, 36, 30}, "midcap": {3, 9, 33, 55}, "large": {1, 4, 20, 75},
}

var remedies = []surveys.Choice{
	{Code: "levee", LabelFR: "Levée de fonds", LabelEN: "Equity round"},
	{Code: "pret", LabelFR: "Prêt bancaire ou Bpifrance", LabelEN: "Bank or Bpifrance loan"},
	{Code: "subvention", LabelFR: "Subventions et avances remboursables", LabelEN: "Grants and repayable advances"},
	{Code: "couts", LabelFR: "Réduction des coûts", LabelEN: "Cost cutting"},
	{Code: "aucune", LabelFR: "Aucune action nécessaire", LabelEN: "No action needed"},
}

var worries = []string{
	"Les délais de paiement des hôpitaux pèsent lourdement sur notre trésorerie.",
	"Notre levée de fonds a pris six mois de retard.",
	"Le marquage CE retarde nos premières ventes.",
	"Situation saine, mais les coûts de l'énergie augmentent.",
	"Nous attendons le versement d'une subvention régionale.",
}

// openFlash has staff write the anonymous flash survey on the members'
// cash runway, three weeks ago, open for ten more days.
func (h *hand) openFlash() (surveys.Survey, error) {
	h.clock = h.plan.at(-24, 10, 0)
	sv, err := h.sv.Create(h.staffCtx, surveys.Input{
		TitleFR: "Trésorerie des adhérents", TitleEN: "Members' cash position",
		IntroFR:     "Enquête flash anonyme : vos réponses nous aident à défendre les besoins de la filière auprès des financeurs publics.",
		IntroEN:     "Anonymous flash survey: your answers help us argue the industry's needs with public funders.",
		SubjectKind: surveys.SubjectFlash, Anonymous: true, ClosesAt: h.plan.at(9, 18, 0),
		Questions: []surveys.Question{
			{Kind: surveys.KindSingle, LabelFR: "Combien de mois de fonctionnement votre trésorerie couvre-t-elle ?",
				LabelEN: "How many months of operations does your cash cover?", Required: true, Choices: runway},
			{Kind: surveys.KindMultiple, LabelFR: "Qu'envisagez-vous dans les six prochains mois ?",
				LabelEN: "What do you plan for the next six months?", Choices: remedies},
			{Kind: surveys.KindText, LabelFR: "Un commentaire sur votre situation ?", LabelEN: "Any comment on your situation?"},
		}})
	if err != nil {
		return surveys.Survey{}, err
	}
	if sv, err = h.sv.Open(h.staffCtx, sv.ID); err != nil {
		return surveys.Survey{}, err
	}
	h.counts.surveys++
	return sv, nil
}

// collectFlash sends the flash survey to a contact of about half the
// member companies (the member login's included); a little over half
// answer over three weeks, with a reminder, the runway depending on the
// kind and sectors of the company.
func (h *hand) collectFlash(sv surveys.Survey) error {
	h.clock = sv.OpenedAt.Add(10 * time.Minute)
	// One contact per member company, the member login's for its own.
	var people []surveys.Invitee
	kinds := map[string]string{}
	sectors := map[string][]string{}
	seen := map[int64]bool{}
	for i, c := range append([]contact{h.member}, h.pool...) {
		if c.member && runwayWeights[c.kind] != nil && !seen[c.orgID] && (i == 0 || h.r.IntN(4) == 0) {
			seen[c.orgID] = true
			people = append(people, surveys.Invitee{Email: c.email, Name: c.name(), OrganisationID: c.orgID, UserID: c.userID})
			kinds[c.email], sectors[c.email] = c.kind, c.sectors
		}
	}
	invited, err := h.sv.Invite(h.staffCtx, sv.ID, people)
	if err != nil {
		return err
	}
	type reply struct {
		inv surveys.Invitation
		at  time.Time
	}
	var replies []reply
	for _, inv := range invited.Added {
		if inv.UserID == h.member.userID || h.r.Float64() >= 0.5 {
			continue
		}
		replies = append(replies, reply{inv, h.clock.Add(time.Duration(60+h.r.IntN(60*24*22)) * time.Minute)})
	}
	slices.SortStableFunc(replies, func(a, b reply) int { return a.at.Compare(b.at) })
	remind := h.plan.at(-14, 9, 0)
	reminded := false
	for _, rp := range replies {
		if !reminded && rp.at.After(remind) {
			h.clock, reminded = remind, true
			if _, err := h.sv.RemindPending(h.staffCtx, sv.ID); err != nil {
				return err
			}
		}
		h.clock = earliest(rp.at, h.limit)
		weights := slices.Clone(runwayWeights[kinds[rp.inv.Email]])
		// Digital health and biotech burn more cash than cosmetics and
		// nutrition.
		for _, s := range sectors[rp.inv.Email] {
			switch s {
			case "digital", "biotech":
				weights[0] += 6
				weights[1] += 4
			case "cosmetics", "nutrition":
				weights[3] += 8
			}
		}
		band := weighted(h.r, weights)
		ans := surveys.Answers{sv.Questions[0].ID: {runway[band].Code}}
		var plans []string
		switch {
		case band == 3 && h.r.IntN(2) == 0:
			plans = []string{"aucune"}
		default:
			for _, c := range remedies[:4] {
				if h.r.IntN(3) == 0 || (band == 0 && c.Code == "levee") {
					plans = append(plans, c.Code)
				}
			}
		}
		if len(plans) > 0 {
			ans[sv.Questions[1].ID] = plans
		}
		if band <= 1 && h.r.IntN(4) == 0 {
			ans[sv.Questions[2].ID] = []string{pick(h.r, worries)}
		}
		if err := h.sv.Answer(h.ctx, h.sv.Token(rp.inv), ans); err != nil {
			return err
		}
		h.counts.responses++
	}
	if !reminded {
		h.clock = remind
		_, err = h.sv.RemindPending(h.staffCtx, sv.ID)
	}
	return err
}
