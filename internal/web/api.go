package web

import (
	"net/http"
	"strconv"
	"time"

	"filiere/internal/auth"
	"filiere/internal/directory"
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

// apiOrganisation is the JSON shape of an organisation.
type apiOrganisation struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	ShortName     string    `json:"short_name,omitempty"`
	Kind          string    `json:"kind"`
	College       string    `json:"college,omitempty"`
	Membership    string    `json:"membership"`
	Sectors       []string  `json:"sectors"`
	Website       string    `json:"website,omitempty"`
	Postcode      string    `json:"postcode,omitempty"`
	City          string    `json:"city,omitempty"`
	Departement   string    `json:"departement,omitempty"`
	Region        string    `json:"region,omitempty"`
	Country       string    `json:"country,omitempty"`
	Latitude      *float64  `json:"latitude,omitempty"`
	Longitude     *float64  `json:"longitude,omitempty"`
	DescriptionFR string    `json:"description_fr,omitempty"`
	DescriptionEN string    `json:"description_en,omitempty"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func toAPIOrganisation(o directory.Organisation) apiOrganisation {
	a := apiOrganisation{ID: o.ID, Name: o.Name, ShortName: o.ShortName, Kind: o.Kind, College: o.College, Membership: o.Membership,
		Sectors: o.Sectors, Website: o.Website, Postcode: o.Postcode, City: o.City, Departement: o.Departement, Region: o.Region,
		Country: o.Country, DescriptionFR: o.DescriptionFR, DescriptionEN: o.DescriptionEN, UpdatedAt: o.UpdatedAt}
	if a.Sectors == nil {
		a.Sectors = []string{}
	}
	if o.HasCoords {
		lat, lon := o.Latitude, o.Longitude
		a.Latitude, a.Longitude = &lat, &lon
	}
	return a
}

// apiFacet is one value of a facet and how many matches have it.
type apiFacet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// apiOrganisations searches the directory with the same semantics as the
// organisations page: text, filters, sort, facet counts.
func (s *Server) apiOrganisations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	sq := searchQuery(q, limit, offsetOf(r))
	res, err := s.Directory.Search(r.Context(), sq)
	if err != nil {
		s.fail(w, r, "api organisations", err)
		return
	}
	out := make([]apiOrganisation, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = toAPIOrganisation(h.Organisation)
	}
	facets := map[string][]apiFacet{}
	for name, counts := range res.Facets {
		facets[name] = make([]apiFacet, len(counts))
		for i, c := range counts {
			facets[name][i] = apiFacet{Value: c.Value, Count: c.Count}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": res.Total, "offset": sq.Offset, "limit": limit, "results": out, "facets": facets})
}

func (s *Server) apiOrganisation(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orgByPath(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, toAPIOrganisation(o))
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.apiError(w, r, http.StatusNotFound, "api.not_found")
}
