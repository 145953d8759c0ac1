package web

import (
	"cmp"
	"net/http"
	"strconv"
	"time"

	"filiere/internal/auth"
	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/validate"
)

// apiUser is the JSON shape of the caller's account.
type apiUser struct {
	ID             int64     `json:"id"`
	Email          string    `json:"email"`
	Name           string    `json:"name"`
	Lang           string    `json:"lang"`
	Role           auth.Role `json:"role"`
	OrganisationID int64     `json:"organisation_id,omitempty"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	u := reqOf(r).user
	writeJSON(w, http.StatusOK, apiUser{ID: u.ID, Email: u.Email, Name: u.Name, Lang: u.Lang, Role: u.Role, OrganisationID: u.OrganisationID})
}

// apiOrganisation is the JSON shape of an organisation, holding only what
// the caller may see (directory.Organisation.For): hidden fields are absent
// and listed in "hidden".
type apiOrganisation struct {
	ID             int64              `json:"id"`
	Name           string             `json:"name"`
	ShortName      string             `json:"short_name,omitempty"`
	Group          string             `json:"group,omitempty"`
	Kind           string             `json:"kind"`
	College        string             `json:"college,omitempty"`
	Membership     string             `json:"membership"`
	Sectors        []string           `json:"sectors"`
	SIRET          string             `json:"siret,omitempty"`
	Website        string             `json:"website,omitempty"`
	Address        string             `json:"address,omitempty"`
	Postcode       string             `json:"postcode,omitempty"`
	City           string             `json:"city,omitempty"`
	Departement    string             `json:"departement,omitempty"`
	Region         string             `json:"region,omitempty"`
	Country        string             `json:"country,omitempty"`
	Latitude       *float64           `json:"latitude,omitempty"`
	Longitude      *float64           `json:"longitude,omitempty"`
	Distance       *float64           `json:"distance_km,omitempty"`
	Headcount      string             `json:"headcount,omitempty"`
	Revenue        string             `json:"revenue,omitempty"`
	Founded        int                `json:"founded,omitempty"`
	DescriptionFR  string             `json:"description_fr,omitempty"`
	DescriptionEN  string             `json:"description_en,omitempty"`
	Steps          []string           `json:"steps,omitempty"`
	Bricks         []string           `json:"bricks,omitempty"`
	Services       []apiService       `json:"services,omitempty"`
	Certifications []apiCertification `json:"certifications,omitempty"`
	Capacities     map[string]float64 `json:"capacities,omitempty"`
	CapacityNotes  string             `json:"capacity_notes,omitempty"`
	Equipment      string             `json:"equipment,omitempty"`
	Keywords       []string           `json:"keywords,omitempty"`
	Logo           string             `json:"logo,omitempty"`
	Hidden         []string           `json:"hidden,omitempty"`
	Visibility     map[string]string  `json:"visibility,omitempty"`
	UpdatedAt      time.Time          `json:"updated_at"`
}

type apiService struct {
	TitleFR       string `json:"title_fr,omitempty"`
	TitleEN       string `json:"title_en,omitempty"`
	DescriptionFR string `json:"description_fr,omitempty"`
	DescriptionEN string `json:"description_en,omitempty"`
	Sector        string `json:"sector,omitempty"`
	Step          string `json:"step,omitempty"`
}

type apiCertification struct {
	Code       string `json:"code"`
	Scope      string `json:"scope,omitempty"`
	Issuer     string `json:"issuer,omitempty"`
	ValidUntil string `json:"valid_until,omitempty"` // YYYY-MM-DD
	Valid      bool   `json:"valid"`
}

// toAPIOrganisation shapes o, already reduced to what the caller may see.
func toAPIOrganisation(o directory.Organisation, now time.Time) apiOrganisation {
	a := apiOrganisation{ID: o.ID, Name: o.Name, ShortName: o.ShortName, Group: o.Group, Kind: o.Kind, College: o.College,
		Membership: o.Membership, Sectors: o.Sectors, SIRET: o.SIRET, Website: o.Website, Address: o.Address, Postcode: o.Postcode, City: o.City,
		Departement: o.Departement, Region: o.Region, Country: o.Country, Headcount: o.Headcount, Revenue: o.Revenue,
		Founded: o.Founded, DescriptionFR: o.DescriptionFR, DescriptionEN: o.DescriptionEN, Steps: o.Steps, Bricks: o.Bricks,
		CapacityNotes: o.CapacityNotes, Equipment: o.Equipment, Keywords: o.Keywords, Hidden: o.Hidden, UpdatedAt: o.UpdatedAt}
	if a.Sectors == nil {
		a.Sectors = []string{}
	}
	if o.HasCoords {
		lat, lon := o.Latitude, o.Longitude
		a.Latitude, a.Longitude = &lat, &lon
	}
	for _, sv := range o.Services {
		a.Services = append(a.Services, apiService(sv))
	}
	for _, c := range o.Certifications {
		ac := apiCertification{Code: c.Code, Scope: c.Scope, Issuer: c.Issuer, Valid: c.Valid(now)}
		if !c.ValidUntil.IsZero() {
			ac.ValidUntil = c.ValidUntil.Format(time.DateOnly)
		}
		a.Certifications = append(a.Certifications, ac)
	}
	if len(o.Capacities) > 0 {
		a.Capacities = map[string]float64{}
		for _, c := range o.Capacities {
			a.Capacities[c.Attribute] = c.Value
		}
	}
	if o.HasLogo {
		a.Logo = "/organisations/" + strconv.FormatInt(o.ID, 10) + "/logo"
	}
	if len(o.Visibility) > 0 {
		a.Visibility = map[string]string{}
		for f, v := range o.Visibility {
			a.Visibility[f] = string(v)
		}
	}
	return a
}

// apiFacet is one value of a facet and how many matches have it.
type apiFacet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// apiOrganisations searches the directory with the same semantics as the
// organisations page: text, filters, distance, sort, facet counts, and the
// caller's visibility level.
func (s *Server) apiOrganisations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	sq, err := searchQuery(q, limit, offsetOf(r), reqOf(r).user)
	var res directory.SearchResult
	if err == nil {
		res, err = s.Directory.Search(r.Context(), sq)
	}
	if fe, ok := validate.As(err); ok {
		s.apiValidation(w, r, fe)
		return
	}
	if err != nil {
		s.fail(w, r, "api organisations", err)
		return
	}
	now := time.Now()
	out := make([]apiOrganisation, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = toAPIOrganisation(h.Organisation, now)
		if sq.Near != "" {
			d := h.Distance
			out[i].Distance = &d
		}
	}
	facets := map[string][]apiFacet{}
	for name, counts := range res.Facets {
		facets[name] = make([]apiFacet, len(counts))
		for i, c := range counts {
			facets[name][i] = apiFacet{Value: c.Value, Count: c.Count}
		}
	}
	body := map[string]any{"total": res.Total, "offset": sq.Offset, "limit": limit, "results": out, "facets": facets}
	if sq.Near != "" {
		body["near"] = map[string]any{"label": res.Near.Label, "latitude": res.Near.Lat, "longitude": res.Near.Lon, "km": cmp.Or(sq.Km, directory.DefaultKm)}
	}
	writeJSON(w, http.StatusOK, body)
}

// apiValidation answers 422 with each field's message in the caller's
// language.
func (s *Server) apiValidation(w http.ResponseWriter, r *http.Request, fe validate.Errors) {
	lang := reqOf(r).lang
	fields := map[string]string{}
	for _, e := range fe {
		fields[e.Field] = i18n.T(lang, e.Key, e.Args...)
	}
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]any{
		"code": "api.invalid", "message": i18n.T(lang, "api.invalid"), "fields": fields}})
}

func (s *Server) apiOrganisation(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orgByPath(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, toAPIOrganisation(o.For(viewer(reqOf(r).user, o.ID)), time.Now()))
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.apiError(w, r, http.StatusNotFound, "api.not_found")
}
