package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/matchmaking"
	"filiere/internal/validate"
)

// needProviderData is a shortlisted provider's page of a need.
type needProviderData struct {
	needHelpers
	View        matchmaking.ProviderView
	Facts       []needFact
	Base        string
	Answer      string // where the answer form posts
	Attachments []matchmaking.Attachment
	Signed      bool // a signed-in member: the responder is the account
	Open        bool // the provider may still answer
	Closed      string
	Outcomes    []string
}

// answerState says why a provider can no longer answer, as a message key
// ("" while they can).
func answerState(c matchmaking.Candidate, n matchmaking.Need, now time.Time) string {
	switch {
	case c.State == matchmaking.StateAccepted || c.State == matchmaking.StateDeclined:
		return "needs.answer.already"
	case c.State == matchmaking.StateExpired:
		return "needs.answer.deadline"
	case c.State == matchmaking.StateWithdrawn || n.Status == matchmaking.StatusClosed:
		return "needs.answer.closed"
	case c.State != matchmaking.StateNotified || n.Status != matchmaking.StatusShortlisted:
		return "needs.answer.closed"
	case now.After(c.RespondBy):
		return "needs.answer.deadline"
	}
	return ""
}

// providerPage shows a need to a shortlisted provider: the need, never
// the other providers, the buyer's contact only after the introduction.
// status 409 shows why the answer was refused.
func (s *Server) providerPage(w http.ResponseWriter, r *http.Request, status int, ps providerSide, errs validate.Errors) {
	ctx := r.Context()
	c, err := ps.load(ctx)
	if err != nil {
		s.fail(w, r, "need", err)
		return
	}
	v, err := s.Matchmaking.ProviderView(ctx, c)
	if err != nil {
		s.fail(w, r, "need", err)
		return
	}
	files, err := s.Matchmaking.Attachments(ctx, c.NeedID)
	if err != nil {
		s.fail(w, r, "need", err)
		return
	}
	lang := reqOf(r).lang
	closed := answerState(c, v.Need, time.Now())
	answer := ps.base
	if ps.user != nil {
		answer += "/respond"
	}
	d := needProviderData{View: v, Facts: needFacts(v.Need, lang, v.BuyerShown), Base: ps.base, Answer: answer, Attachments: files,
		Signed: ps.user != nil, Open: closed == "", Closed: closed, Outcomes: matchmaking.Outcomes}
	p := s.page(w, r, "needs.provider.title", d)
	p.Errors = errs
	if errs != nil {
		p.Form = r.PostForm
	}
	if status == http.StatusConflict && closed != "" {
		p.Message = p.T(closed)
	}
	if p.Form == nil && ps.user != nil {
		p.Form = map[string][]string{"responder_name": {ps.user.Name}, "responder_email": {ps.user.Email}}
	}
	s.render(w, r, status, "need_provider", p)
}

// answer records a provider's answer: interested (accept=1, with a message
// for the buyer and who to contact) or not.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, ps providerSide) {
	ctx := r.Context()
	c, err := ps.load(ctx)
	if err != nil {
		s.fail(w, r, "answer", err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	accept := f.Get("accept") == "1"
	who := matchmaking.Responder{Name: strings.TrimSpace(f.Get("responder_name")), Email: strings.TrimSpace(f.Get("responder_email")),
		Phone: strings.TrimSpace(f.Get("responder_phone"))}
	var errs validate.Errors
	if ps.user != nil {
		who.Name, who.Email = ps.user.Name, ps.user.Email
	}
	_, err = s.Matchmaking.Respond(ctx, c.ID, accept, f.Get("message"), who)
	if fe, ok := validate.As(err); ok {
		errs, err = fe, nil
	}
	switch {
	case errs != nil:
		s.providerPage(w, r, http.StatusUnprocessableEntity, ps, errs)
	case errors.Is(err, matchmaking.ErrState):
		s.providerPage(w, r, http.StatusConflict, ps, nil)
	case err != nil:
		s.fail(w, r, "answer", err)
	case accept:
		s.redirect(w, r, ps.base, "needs.flash.accepted")
	default:
		s.redirect(w, r, ps.base, "needs.flash.declined")
	}
}

// providerOutcome records what came of an introduction, the provider's side.
func (s *Server) providerOutcome(w http.ResponseWriter, r *http.Request, ps providerSide) {
	ctx := r.Context()
	c, err := ps.load(ctx)
	if err != nil {
		s.fail(w, r, "outcome", err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	outcome, amount, errs := outcomeForm(r, "")
	if errs == nil {
		err = s.Matchmaking.ReportOutcome(ctx, matchmaking.Outcome{NeedID: c.NeedID, CandidateID: c.ID, Side: matchmaking.SideProvider, Outcome: outcome, Amount: amount})
		if fe, ok := validate.As(err); ok {
			errs, err = fe, nil
		}
	}
	switch {
	case errs != nil:
		s.providerPage(w, r, http.StatusUnprocessableEntity, ps, errs)
	case errors.Is(err, matchmaking.ErrState):
		s.providerPage(w, r, http.StatusConflict, ps, nil)
	case err != nil:
		s.fail(w, r, "outcome", err)
	default:
		s.redirect(w, r, ps.base, "needs.flash.outcome")
	}
}

// needFact is one line of a need's description list.
type needFact struct {
	Label string   // translated
	Value string   // or…
	Lines []string // …a list
}

// needFacts describes a need in lang; buyer says whether the buyer's
// identity is shown (what the caller's view left of it).
func needFacts(n matchmaking.Need, lang string, buyer bool) []needFact {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	var out []needFact
	add := func(key, value string) {
		if value != "" {
			out = append(out, needFact{Label: t(key), Value: value})
		}
	}
	list := func(key string, lines []string) {
		if len(lines) > 0 {
			out = append(out, needFact{Label: t(key), Lines: lines})
		}
	}
	add("needs.field.reference", n.Reference)
	if n.Sector != "" {
		add("needs.field.sector", taxonomyLabel("sector", n.Sector, lang))
	}
	var bricks, certs, caps []string
	for _, b := range n.Bricks {
		bricks = append(bricks, taxonomyLabel("brick", b, lang))
	}
	list("needs.field.bricks", bricks)
	list("needs.field.services", n.Services)
	for _, c := range n.Certifications {
		certs = append(certs, c+" — "+taxonomyLabel("certification", c, lang))
	}
	list("needs.field.certifications", certs)
	for _, c := range n.Capacities {
		var bounds []string
		if c.Min > 0 || c.Max == 0 {
			bounds = append(bounds, "≥ "+formatNumber(c.Min, lang))
		}
		if c.Max > 0 {
			bounds = append(bounds, "≤ "+formatNumber(c.Max, lang))
		}
		v := strings.Join(bounds, " ; ")
		if u := capacityUnit(c.Attribute); u != "" {
			v += " " + u
		}
		caps = append(caps, taxonomyLabel("capacity", c.Attribute, lang)+" "+v)
	}
	list("needs.field.capacities", caps)
	switch {
	case n.Region != "":
		add("needs.field.location", n.Region)
	case n.Near != "":
		km := n.Km
		if km == 0 {
			km = int(directory.DefaultKm)
		}
		add("needs.field.location", t("needs.location.near", km, n.Near))
	}
	add("needs.field.quantities", n.Quantities)
	if !n.Deadline.IsZero() {
		add("needs.field.deadline", n.Deadline.Format("02/01/2006"))
	}
	if n.HasBudget() {
		add("needs.field.budget", budgetRange(n.BudgetMin, n.BudgetMax, lang))
	}
	add("needs.field.lang", t("needs.lang."+n.Lang))
	if buyer {
		if n.Anonymous {
			add("needs.field.anonymous", t("needs.anonymous.yes"))
		}
		add("needs.field.buyer_name", n.BuyerName)
		add("needs.field.buyer_company", n.BuyerCompany)
		add("needs.field.buyer_email", n.BuyerEmail)
		add("needs.field.buyer_phone", n.BuyerPhone)
	} else {
		company := n.BuyerCompany
		if company == "" {
			company = t("needs.buyer_hidden")
		}
		add("needs.field.buyer_company", company)
	}
	return out
}

// capacityUnit is the unit shown after a capacity value.
func capacityUnit(attribute string) string {
	if c, ok := directory.LoadTaxonomy().CapacityAttribute(attribute); ok && c.Unit != "count" && c.Unit != "ISO class" {
		return c.Unit
	}
	return ""
}
