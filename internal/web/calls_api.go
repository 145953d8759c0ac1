package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"filiere/internal/calls"
	"filiere/internal/validate"
)

// apiCall is the JSON shape of a call.
type apiCall struct {
	ID            int64          `json:"id"`
	Type          string         `json:"type"`
	TitleFR       string         `json:"title_fr"`
	TitleEN       string         `json:"title_en,omitempty"`
	DescriptionFR string         `json:"description_fr,omitempty"`
	DescriptionEN string         `json:"description_en,omitempty"`
	SchemeGroup   string         `json:"scheme_group,omitempty"`
	Scheme        string         `json:"scheme,omitempty"`
	Wave          string         `json:"wave,omitempty"`
	Year          int            `json:"year"`
	OpensAt       time.Time      `json:"opens_at"`
	ClosesAt      time.Time      `json:"closes_at"`
	Open          bool           `json:"open"`
	Audience      string         `json:"audience"`
	Consortium    string         `json:"consortium"`
	MinPartners   int            `json:"min_partners"`
	MaxPartners   int            `json:"max_partners"`
	Stages        []string       `json:"stages"`
	Evaluators    int            `json:"evaluators,omitempty"`
	Vouchers      int            `json:"vouchers,omitempty"`
	LabelName     string         `json:"label_name,omitempty"`
	LabelMonths   int            `json:"label_months,omitempty"`
	Renewal       string         `json:"renewal,omitempty"`
	Published     bool           `json:"published"`
	Fields        []apiField     `json:"fields"`
	Criteria      []apiCriterion `json:"criteria"`
	Applications  *apiCallCounts `json:"applications,omitempty"` // staff only
}

type apiField struct {
	Code     string         `json:"code"`
	Kind     string         `json:"kind"`
	LabelFR  string         `json:"label_fr"`
	LabelEN  string         `json:"label_en,omitempty"`
	HelpFR   string         `json:"help_fr,omitempty"`
	HelpEN   string         `json:"help_en,omitempty"`
	Required bool           `json:"required"`
	Choices  []calls.Choice `json:"choices,omitempty"`
}

type apiCriterion struct {
	Code    string `json:"code"`
	LabelFR string `json:"label_fr"`
	LabelEN string `json:"label_en,omitempty"`
	Weight  int    `json:"weight"`
	Scale   int    `json:"scale"`
}

type apiCallCounts struct {
	Drafts    int `json:"drafts"`
	Submitted int `json:"submitted"`
	Labelled  int `json:"labelled"`
}

func toAPICall(c calls.Call, now time.Time) apiCall {
	a := apiCall{ID: c.ID, Type: c.Type, TitleFR: c.TitleFR, TitleEN: c.TitleEN, DescriptionFR: c.DescriptionFR,
		DescriptionEN: c.DescriptionEN, SchemeGroup: c.SchemeGroup, Scheme: c.Scheme, Wave: c.Wave, Year: c.Year,
		OpensAt: c.OpensAt, ClosesAt: c.ClosesAt, Open: c.IsOpen(now), Audience: c.Audience, Consortium: c.Consortium,
		MinPartners: c.MinPartners, MaxPartners: c.MaxPartners, Stages: callStages(c), Evaluators: c.Evaluators,
		Vouchers: c.Vouchers, LabelName: c.LabelName, LabelMonths: c.LabelMonths, Renewal: c.Renewal, Published: c.Published,
		Fields: []apiField{}, Criteria: []apiCriterion{}}
	if a.Stages == nil {
		a.Stages = []string{}
	}
	for _, f := range c.Fields {
		a.Fields = append(a.Fields, apiField{Code: f.Code, Kind: f.Kind, LabelFR: f.LabelFR, LabelEN: f.LabelEN, HelpFR: f.HelpFR,
			HelpEN: f.HelpEN, Required: f.Required, Choices: f.Choices})
	}
	for _, cr := range c.Criteria {
		a.Criteria = append(a.Criteria, apiCriterion{Code: cr.Code, LabelFR: cr.LabelFR, LabelEN: cr.LabelEN, Weight: cr.Weight, Scale: cr.Scale})
	}
	return a
}

// apiCalls lists the calls the caller may see (the published ones; staff:
// all, with their counts), each with its form and grid, filtered by
// ?year=, ?type= and ?open=1 (taking submissions now).
func (s *Server) apiCalls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f calls.CallFilter
	var fe validate.Errors
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			fe.Add("year", "validate.number")
		}
		f.Year = n
	}
	if t := q.Get("type"); t != "" {
		if !slices.Contains(calls.Types, t) {
			fe.Add("type", "validate.choice")
		}
		f.Type = t
	}
	now := s.Calls.Now()
	if q.Get("open") == "1" {
		f.OpenAt = now
	}
	if fe != nil {
		s.apiValidation(w, r, fe)
		return
	}
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "api calls")
	if !ok {
		return
	}
	list, err := s.Calls.Calls(ctx, v, f)
	if err != nil {
		s.fail(w, r, "api calls", err)
		return
	}
	out := make([]apiCall, 0, len(list))
	for _, cs := range list {
		if !f.OpenAt.IsZero() && !cs.IsOpen(now) {
			continue
		}
		c, err := s.Calls.Call(ctx, v, cs.ID)
		if err != nil {
			s.callFail(w, r, "api calls", err)
			return
		}
		a := toAPICall(c, now)
		if v.Staff() {
			a.Applications = &apiCallCounts{Drafts: cs.Drafts, Submitted: cs.Submitted, Labelled: cs.Labelled}
		}
		out = append(out, a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(out), "results": out})
}

// apiApplication is the JSON shape of an application.
type apiApplication struct {
	ID               int64             `json:"id"`
	CallID           int64             `json:"call_id"`
	Reference        string            `json:"reference"`
	Title            string            `json:"title"`
	Acronym          string            `json:"acronym,omitempty"`
	Summary          string            `json:"summary,omitempty"`
	Lead             apiOrgRef         `json:"lead"`
	Partners         []apiOrgRef       `json:"partners"`
	Collaborative    bool              `json:"collaborative"`
	Lang             string            `json:"lang"`
	Status           string            `json:"status"`
	Eligibility      string            `json:"eligibility,omitempty"`
	IneligibleReason string            `json:"ineligible_reason,omitempty"`
	Decision         string            `json:"decision,omitempty"`
	DecidedAt        *time.Time        `json:"decided_at,omitempty"`
	LabelNumber      string            `json:"label_number,omitempty"`
	LabelUntil       *time.Time        `json:"label_until,omitempty"`
	Funding          string            `json:"funding,omitempty"`
	FundingCents     int64             `json:"funding_cents,omitempty"`
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
	SubmittedAt      *time.Time        `json:"submitted_at,omitempty"`
	WithdrawnAt      *time.Time        `json:"withdrawn_at,omitempty"`
	Answers          map[string]string `json:"answers,omitempty"`
	Files            []apiFile         `json:"files,omitempty"`
}

type apiOrgRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiFile struct {
	ID          int64  `json:"id"`
	Field       string `json:"field"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// toAPIApplication shapes an application; full adds its answers and
// documents (the single-application call).
func toAPIApplication(a calls.Application, full bool) apiApplication {
	out := apiApplication{ID: a.ID, CallID: a.CallID, Reference: a.Reference, Title: a.Title, Acronym: a.Acronym,
		Summary: a.Summary, Lead: apiOrgRef{ID: a.Lead.ID, Name: a.Lead.Name}, Partners: []apiOrgRef{},
		Collaborative: len(a.Partners) > 0, Lang: a.Lang, Status: a.Status, Eligibility: a.Eligibility,
		IneligibleReason: a.IneligibleReason, Decision: a.Decision, DecidedAt: timePtr(a.DecidedAt), LabelNumber: a.LabelNumber,
		LabelUntil: timePtr(a.LabelUntil), Funding: a.Funding, FundingCents: a.FundingCents, CreatedAt: a.CreatedAt,
		UpdatedAt: a.UpdatedAt, SubmittedAt: timePtr(a.SubmittedAt), WithdrawnAt: timePtr(a.WithdrawnAt)}
	for _, p := range a.Partners {
		out.Partners = append(out.Partners, apiOrgRef{ID: p.ID, Name: p.Name})
	}
	if full {
		out.Answers = a.Answers
		for _, f := range a.Files {
			out.Files = append(out.Files, apiFile{ID: f.ID, Field: f.FieldCode, Filename: f.Filename, ContentType: f.ContentType,
				Size: f.Size, URL: applicationPath(a.ID) + "/files/" + strconv.FormatInt(f.ID, 10)})
		}
	}
	return out
}

// apiApplications lists the applications the caller may read (their
// organisation's; an expert's assigned ones, never one in conflict;
// staff: all but drafts), filtered by ?call=, ?year=, ?status=,
// ?decision= and ?q=.
func (s *Server) apiApplications(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := calls.ApplicationFilter{Status: q.Get("status"), Decision: q.Get("decision"), Query: q.Get("q")}
	var fe validate.Errors
	if c := q.Get("call"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			fe.Add("call", "validate.number")
		}
		f.CallID = n
	}
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			fe.Add("year", "validate.number")
		}
		f.Year = n
	}
	if f.Status != "" && !slices.Contains([]string{calls.StatusDraft, calls.StatusSubmitted, calls.StatusWithdrawn}, f.Status) {
		fe.Add("status", "validate.choice")
	}
	if f.Decision != "" && f.Decision != "none" && !slices.Contains(calls.Decisions, f.Decision) {
		fe.Add("decision", "validate.choice")
	}
	if fe != nil {
		s.apiValidation(w, r, fe)
		return
	}
	v, ok := s.viewerOr(w, r, "api applications")
	if !ok {
		return
	}
	apps, err := s.Calls.Applications(r.Context(), v, f)
	if err != nil {
		s.callFail(w, r, "api applications", err)
		return
	}
	out := make([]apiApplication, 0, len(apps))
	for _, a := range apps {
		out = append(out, toAPIApplication(a, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(out), "results": out})
}

// apiApplication is one application the caller may read, with its
// answers and documents; 404 otherwise (an expert in conflict too).
func (s *Server) apiApplication(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, true)
		return
	}
	v, ok := s.viewerOr(w, r, "api application")
	if !ok {
		return
	}
	a, err := s.Calls.Application(r.Context(), v, id)
	if err != nil {
		s.callFail(w, r, "api application", err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIApplication(a, true))
}
