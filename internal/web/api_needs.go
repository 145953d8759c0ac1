package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/matchmaking"
	"filiere/internal/validate"
)

// needAPIRoutes registers the matchmaking desk's API: buyers create needs
// and follow them, providers and buyers list their introductions, with the
// same permissions as the pages.
func (s *Server) needAPIRoutes() {
	s.handleAPI("POST /api/v1/needs", auth.ActNeedPost, s.apiCreateNeed)
	s.handleAPI("GET /api/v1/needs", auth.ActSignedIn, s.apiNeeds)
	s.handleAPI("GET /api/v1/needs/{id}", auth.ActSignedIn, s.apiNeed)
	s.handleAPI("GET /api/v1/introductions", auth.ActSignedIn, s.apiIntroductions)
}

// apiNeedInput is the JSON body of POST /api/v1/needs. Amounts are in
// cents; the buyer fields are for staff entering a need for someone (a
// buyer's own come from their account).
type apiNeedInput struct {
	Title          string             `json:"title"`
	Description    string             `json:"description"`
	Lang           string             `json:"lang"`
	Sector         string             `json:"sector"`
	Bricks         []string           `json:"bricks"`
	Services       []string           `json:"services"`
	Certifications []string           `json:"certifications"`
	Capacities     map[string]float64 `json:"capacities"` // attribute → minimum
	Region         string             `json:"region"`
	Near           string             `json:"near"`
	Km             int                `json:"km"`
	Quantities     string             `json:"quantities"`
	Deadline       string             `json:"deadline"` // YYYY-MM-DD
	BudgetMin      int64              `json:"budget_min_cents"`
	BudgetMax      int64              `json:"budget_max_cents"`
	Anonymous      bool               `json:"anonymous"`
	BuyerName      string             `json:"buyer_name"`
	BuyerEmail     string             `json:"buyer_email"`
	BuyerPhone     string             `json:"buyer_phone"`
	BuyerCompany   string             `json:"buyer_company"`
	BuyerLang      string             `json:"buyer_lang"`
	BuyerOrgID     int64              `json:"buyer_organisation_id"`
}

// apiNeed is the JSON shape of a need, as the caller may see it.
type apiNeed struct {
	ID             int64              `json:"id"`
	Reference      string             `json:"reference"`
	Status         string             `json:"status"`
	Title          string             `json:"title"`
	Description    string             `json:"description"`
	Lang           string             `json:"lang"`
	Sector         string             `json:"sector,omitempty"`
	Bricks         []string           `json:"bricks,omitempty"`
	Services       []string           `json:"services,omitempty"`
	Certifications []string           `json:"certifications,omitempty"`
	Capacities     map[string]float64 `json:"capacities,omitempty"`
	Region         string             `json:"region,omitempty"`
	Near           string             `json:"near,omitempty"`
	Km             int                `json:"km,omitempty"`
	Quantities     string             `json:"quantities,omitempty"`
	Deadline       string             `json:"deadline,omitempty"`
	BudgetMin      int64              `json:"budget_min_cents,omitempty"`
	BudgetMax      int64              `json:"budget_max_cents,omitempty"`
	Anonymous      bool               `json:"anonymous"`
	Buyer          *apiContact        `json:"buyer,omitempty"` // absent for a provider before the introduction
	BuyerCompany   string             `json:"buyer_company,omitempty"`
	CreatedAt      time.Time          `json:"created_at"`
	ShortlistedAt  *time.Time         `json:"shortlisted_at,omitempty"`
	ClosedAt       *time.Time         `json:"closed_at,omitempty"`
	// For the buyer: providers asked, waiting, declined, and those who
	// accepted (their contact once introduced).
	Asked     *int          `json:"providers_asked,omitempty"`
	Waiting   *int          `json:"providers_waiting,omitempty"`
	Declined  *int          `json:"providers_declined,omitempty"`
	Providers []apiProvider `json:"providers,omitempty"`
	// For a provider: its own answer.
	Answer *apiAnswer `json:"answer,omitempty"`
	// For staff: every candidate.
	Candidates []apiCandidate `json:"candidates,omitempty"`
}

type apiContact struct {
	Name    string `json:"name,omitempty"`
	Company string `json:"company,omitempty"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
}

type apiProvider struct {
	CandidateID    int64       `json:"candidate_id"`
	OrganisationID int64       `json:"organisation_id"`
	Organisation   string      `json:"organisation"`
	Message        string      `json:"message,omitempty"`
	AcceptedAt     time.Time   `json:"accepted_at"`
	Decision       string      `json:"decision,omitempty"`
	IntroducedAt   *time.Time  `json:"introduced_at,omitempty"`
	Contact        *apiContact `json:"contact,omitempty"`
}

type apiAnswer struct {
	State        string     `json:"state"`
	RespondBy    time.Time  `json:"respond_by"`
	IntroducedAt *time.Time `json:"introduced_at,omitempty"`
}

type apiCandidate struct {
	CandidateID    int64                   `json:"candidate_id"`
	OrganisationID int64                   `json:"organisation_id"`
	Organisation   string                  `json:"organisation"`
	Source         string                  `json:"source"`
	Score          float64                 `json:"score"`
	State          string                  `json:"state"`
	Explanation    matchmaking.Explanation `json:"explanation"`
	Note           string                  `json:"note,omitempty"`
	IntroducedAt   *time.Time              `json:"introduced_at,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toAPINeed(n matchmaking.Need, withBuyer bool) apiNeed {
	a := apiNeed{ID: n.ID, Reference: n.Reference, Status: n.Status, Title: n.Title, Description: n.Description, Lang: n.Lang,
		Sector: n.Sector, Bricks: n.Bricks, Services: n.Services, Certifications: n.Certifications, Region: n.Region,
		Near: n.Near, Km: n.Km, Quantities: n.Quantities, BudgetMin: n.BudgetMin, BudgetMax: n.BudgetMax,
		Anonymous: n.Anonymous, BuyerCompany: n.BuyerCompany, CreatedAt: n.CreatedAt,
		ShortlistedAt: timePtr(n.ShortlistedAt), ClosedAt: timePtr(n.ClosedAt)}
	if !n.Deadline.IsZero() {
		a.Deadline = n.Deadline.Format(time.DateOnly)
	}
	if len(n.Capacities) > 0 {
		a.Capacities = map[string]float64{}
		for _, c := range n.Capacities {
			a.Capacities[c.Attribute] = c.Min
		}
	}
	if withBuyer {
		a.Buyer = &apiContact{Name: n.BuyerName, Company: n.BuyerCompany, Email: n.BuyerEmail, Phone: n.BuyerPhone}
	}
	return a
}

func (s *Server) apiCreateNeed(w http.ResponseWriter, r *http.Request) {
	var in apiNeedInput
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var fe validate.Errors
		fe.Add("body", "api.bad_json")
		s.apiValidation(w, r, fe)
		return
	}
	u := reqOf(r).user
	input := matchmaking.Input{Title: in.Title, Description: in.Description, Lang: in.Lang, Sector: in.Sector,
		Bricks: in.Bricks, Services: in.Services, Certifications: in.Certifications, Region: in.Region, Near: in.Near,
		Km: in.Km, Quantities: in.Quantities, BudgetMin: in.BudgetMin, BudgetMax: in.BudgetMax, Anonymous: in.Anonymous,
		BuyerName: in.BuyerName, BuyerEmail: in.BuyerEmail, BuyerPhone: in.BuyerPhone, BuyerCompany: in.BuyerCompany,
		BuyerLang: in.BuyerLang}
	if u.Role.IsStaff() {
		input.BuyerOrgID = in.BuyerOrgID
	}
	for attr, lo := range in.Capacities {
		input.Capacities = append(input.Capacities, directory.CapacityRange{Attribute: attr, Min: lo})
	}
	if in.Deadline != "" {
		d, err := time.Parse(time.DateOnly, in.Deadline)
		if err != nil {
			var fe validate.Errors
			fe.Add("deadline", "validate.date")
			s.apiValidation(w, r, fe)
			return
		}
		input.Deadline = d
	}
	n, err := s.Matchmaking.Submit(r.Context(), u, input, true)
	if fe, ok := validate.As(err); ok {
		s.apiValidation(w, r, fe)
		return
	}
	if errors.Is(err, matchmaking.ErrNotAllowed) {
		s.apiError(w, r, http.StatusForbidden, "api.forbidden")
		return
	}
	if err != nil {
		s.fail(w, r, "api create need", err)
		return
	}
	w.Header().Set("Location", "/api/v1/needs/"+strconv.FormatInt(n.ID, 10))
	writeJSON(w, http.StatusCreated, toAPINeed(n, true))
}

// apiNeeds lists the caller's needs (staff: the desk's queue, filtered by
// status and q, paged).
func (s *Server) apiNeeds(w http.ResponseWriter, r *http.Request) {
	u := reqOf(r).user
	var needs []matchmaking.Need
	total := 0
	var err error
	if u.Role.IsStaff() {
		q := r.URL.Query()
		status := q.Get("status")
		if status != "" && !slices.Contains(matchmaking.Statuses, status) {
			var fe validate.Errors
			fe.Add("status", "validate.choice")
			s.apiValidation(w, r, fe)
			return
		}
		limit, _ := strconv.Atoi(q.Get("limit"))
		offset, _ := strconv.Atoi(q.Get("offset"))
		needs, total, err = s.Matchmaking.Queue(r.Context(), matchmaking.QueueFilter{Status: status, Query: q.Get("q"), Limit: limit, Offset: offset})
	} else {
		needs, err = s.Matchmaking.BuyerNeeds(r.Context(), u.ID)
		total = len(needs)
	}
	if err != nil {
		s.fail(w, r, "api needs", err)
		return
	}
	out := make([]apiNeed, 0, len(needs))
	for _, n := range needs {
		out = append(out, toAPINeed(n, true))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "results": out})
}

// apiNeed is one need as the caller may see it: staff everything, the
// buyer who posted it their view, a shortlisted provider theirs; anyone
// else a 404.
func (s *Server) apiNeed(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r, true)
		return
	}
	ctx, u := r.Context(), reqOf(r).user
	if u.Role.IsStaff() {
		n, err := s.Matchmaking.Need(ctx, id)
		if err != nil {
			s.fail(w, r, "api need", err)
			return
		}
		cands, err := s.Matchmaking.Candidates(ctx, id)
		if err != nil {
			s.fail(w, r, "api need", err)
			return
		}
		a := toAPINeed(n, true)
		for _, c := range cands {
			a.Candidates = append(a.Candidates, apiCandidate{CandidateID: c.ID, OrganisationID: c.OrganisationID,
				Organisation: c.Organisation, Source: c.Source, Score: c.Score, State: c.State, Explanation: c.Explanation,
				Note: c.Note, IntroducedAt: timePtr(c.IntroducedAt)})
		}
		writeJSON(w, http.StatusOK, a)
		return
	}
	if n, err := s.Matchmaking.NeedForBuyer(ctx, u, id); err == nil {
		v, err := s.Matchmaking.BuyerView(ctx, n)
		if err != nil {
			s.fail(w, r, "api need", err)
			return
		}
		a := toAPINeed(v.Need, true)
		a.Asked, a.Waiting, a.Declined = &v.Asked, &v.Waiting, &v.Declined
		for _, p := range v.Providers {
			ap := apiProvider{CandidateID: p.CandidateID, OrganisationID: p.OrganisationID, Organisation: p.Organisation,
				Message: p.Message, AcceptedAt: p.RespondedAt, Decision: p.Decision, IntroducedAt: timePtr(p.IntroducedAt)}
			if !p.IntroducedAt.IsZero() {
				ap.Contact = &apiContact{Name: p.ContactName, Company: p.Organisation, Email: p.ContactEmail, Phone: p.ContactPhone}
			}
			a.Providers = append(a.Providers, ap)
		}
		writeJSON(w, http.StatusOK, a)
		return
	} else if !errors.Is(err, db.ErrNotFound) {
		s.fail(w, r, "api need", err)
		return
	}
	c, err := s.Matchmaking.InvitationFor(ctx, u, id)
	if err != nil {
		s.fail(w, r, "api need", err)
		return
	}
	v, err := s.Matchmaking.ProviderView(ctx, c)
	if err != nil {
		s.fail(w, r, "api need", err)
		return
	}
	a := toAPINeed(v.Need, v.BuyerShown)
	a.Answer = &apiAnswer{State: v.Candidate.State, RespondBy: v.Candidate.RespondBy, IntroducedAt: timePtr(v.Candidate.IntroducedAt)}
	writeJSON(w, http.StatusOK, a)
}

// apiIntroduction is an introduction as one of its sides sees it.
type apiIntroduction struct {
	NeedID          int64      `json:"need_id"`
	Reference       string     `json:"reference"`
	Title           string     `json:"title"`
	IntroducedAt    time.Time  `json:"introduced_at"`
	Role            string     `json:"role"` // the caller's side: buyer or provider (staff: both)
	Provider        apiContact `json:"provider"`
	Buyer           apiContact `json:"buyer"`
	BuyerOutcome    string     `json:"buyer_outcome,omitempty"`
	ProviderOutcome string     `json:"provider_outcome,omitempty"`
}

// apiIntroductions lists the caller's introductions: as the buyer of
// their needs and as a provider for their organisation (staff: all).
func (s *Server) apiIntroductions(w http.ResponseWriter, r *http.Request) {
	u := reqOf(r).user
	f := matchmaking.IntroductionFilter{BuyerUserID: u.ID, All: u.Role.IsStaff()}
	if u.Role == auth.RoleMember {
		f.ProviderOrgID = u.OrganisationID
	}
	list, err := s.Matchmaking.Introductions(r.Context(), f)
	if err != nil {
		s.fail(w, r, "api introductions", err)
		return
	}
	out := make([]apiIntroduction, 0, len(list))
	for _, in := range list {
		role := "buyer"
		switch {
		case u.Role.IsStaff():
			role = "staff"
		case u.Role == auth.RoleMember && in.OrganisationID == u.OrganisationID:
			role = "provider"
		}
		out = append(out, apiIntroduction{NeedID: in.NeedID, Reference: in.Reference, Title: in.Title, IntroducedAt: in.IntroducedAt,
			Role: role, Provider: apiContact{Name: in.ProviderName, Company: in.Provider, Email: in.ProviderEmail, Phone: in.ProviderPhone},
			Buyer:        apiContact{Name: in.BuyerName, Company: in.BuyerCompany, Email: in.BuyerEmail, Phone: in.BuyerPhone},
			BuyerOutcome: in.BuyerOutcome, ProviderOutcome: in.ProviderOutcome})
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(out), "results": out})
}
