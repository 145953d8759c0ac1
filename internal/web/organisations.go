package web

import (
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"filiere/internal/auth"
	"filiere/internal/directory"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

type organisationsData struct {
	Hits   []directory.Hit
	Pager  pager
	Tax    *directory.Taxonomy
	Filter directory.OrgFilter
	Sort   string
	Facets map[string]map[string]int // facet → value → count among the matches
	Query  textsearch.Query
}

// orgFilter reads the list filters from the query string.
func orgFilter(q url.Values, limit, offset int) directory.OrgFilter {
	return directory.OrgFilter{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Sector: q.Get("sector"),
		College: q.Get("college"), Membership: q.Get("membership"), Region: q.Get("region"), Limit: limit, Offset: offset}
}

// searchQuery is the directory search the URL asks for; the URL holds the
// whole query so that a search can be shared.
func searchQuery(q url.Values, limit, offset int) directory.SearchQuery {
	f := orgFilter(q, limit, offset)
	sort := q.Get("sort")
	if sort != directory.SortName && sort != directory.SortRelevance {
		sort = ""
	}
	return directory.SearchQuery{Text: f.Query, Sector: f.Sector, Kind: f.Kind, College: f.College, Membership: f.Membership,
		Region: f.Region, Sort: sort, Limit: limit, Offset: offset}
}

func (s *Server) organisations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sq := searchQuery(q, pageSize, offsetOf(r))
	res, err := s.Directory.Search(r.Context(), sq)
	if err != nil {
		s.fail(w, r, "organisations", err)
		return
	}
	facets := map[string]map[string]int{}
	for name, counts := range res.Facets {
		facets[name] = map[string]int{}
		for _, c := range counts {
			facets[name][c.Value] = c.Count
		}
	}
	q.Del("offset")
	d := organisationsData{Hits: res.Hits, Tax: directory.LoadTaxonomy(), Filter: orgFilter(q, pageSize, sq.Offset), Sort: sq.Sort,
		Facets: facets, Query: textsearch.ParseQuery(sq.Text),
		Pager: pager{Total: res.Total, Offset: sq.Offset, Limit: pageSize, Query: q}}
	s.render(w, r, http.StatusOK, "organisations", s.page(w, r, "organisations.title", d))
}

// Regions are the regions among the matches, for the filter menu.
func (d organisationsData) Regions() []string {
	var out []string
	for v := range d.Facets[directory.FacetRegion] {
		out = append(out, v)
	}
	slices.Sort(out)
	if d.Filter.Region != "" && !slices.Contains(out, d.Filter.Region) {
		out = append(out, d.Filter.Region)
	}
	return out
}

// Highlight marks the words of text that match the search box, escaping
// everything else.
func (d organisationsData) Highlight(text string) template.HTML {
	var b strings.Builder
	for _, seg := range d.Query.Highlight(text) {
		if seg.Match {
			b.WriteString("<mark>" + html.EscapeString(seg.Text) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(seg.Text))
		}
	}
	return template.HTML(b.String())
}

type organisationData struct {
	Org     directory.Organisation
	People  []directory.Person
	Tax     *directory.Taxonomy
	CanEdit bool
}

func (s *Server) orgByPath(w http.ResponseWriter, r *http.Request) (directory.Organisation, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r, strings.HasPrefix(r.URL.Path, "/api/"))
		return directory.Organisation{}, false
	}
	o, err := s.Directory.Organisation(r.Context(), id)
	if err != nil {
		s.fail(w, r, "organisation", err)
		return o, false
	}
	return o, true
}

func (s *Server) organisation(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orgByPath(w, r)
	if !ok {
		return
	}
	people, err := s.Directory.People(r.Context(), o.ID)
	if err != nil {
		s.fail(w, r, "organisation", err)
		return
	}
	d := organisationData{Org: o, People: people, Tax: directory.LoadTaxonomy(), CanEdit: auth.Can(reqOf(r).user, auth.ActOrgEdit, o.ID)}
	p := s.page(w, r, "organisations.title", d)
	s.render(w, r, http.StatusOK, "organisation", p)
}

type orgFormData struct {
	Org     *directory.Organisation // nil when creating
	Tax     *directory.Taxonomy
	Sectors []string
}

func (s *Server) orgForm(w http.ResponseWriter, r *http.Request, status int, p *Page, o *directory.Organisation, sectors []string) {
	p.Data = orgFormData{Org: o, Tax: directory.LoadTaxonomy(), Sectors: sectors}
	s.render(w, r, status, "organisation_form", p)
}

func orgValues(o directory.Organisation) url.Values {
	return url.Values{
		"name": {o.Name}, "short_name": {o.ShortName}, "kind": {o.Kind}, "college": {o.College}, "membership": {o.Membership},
		"website": {o.Website}, "address": {o.Address}, "postcode": {o.Postcode}, "city": {o.City},
		"departement": {o.Departement}, "region": {o.Region}, "country": {o.Country},
		"description_fr": {o.DescriptionFR}, "description_en": {o.DescriptionEN},
	}
}

// applyOrgForm copies the submitted fields onto o.
func applyOrgForm(o *directory.Organisation, f url.Values) {
	o.Name = strings.TrimSpace(f.Get("name"))
	o.ShortName = strings.TrimSpace(f.Get("short_name"))
	o.Website = strings.TrimSpace(f.Get("website"))
	o.Address = strings.TrimSpace(f.Get("address"))
	o.Postcode = strings.TrimSpace(f.Get("postcode"))
	o.City = strings.TrimSpace(f.Get("city"))
	o.Departement = strings.TrimSpace(f.Get("departement"))
	o.Region = strings.TrimSpace(f.Get("region"))
	o.Country = strings.TrimSpace(f.Get("country"))
	o.DescriptionFR = strings.TrimSpace(f.Get("description_fr"))
	o.DescriptionEN = strings.TrimSpace(f.Get("description_en"))
	o.Sectors = f["sectors"]
	o.Kind, o.College, o.Membership = f.Get("kind"), f.Get("college"), f.Get("membership")
}

func (s *Server) newOrganisationForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "organisations.new", nil)
	p.Form = url.Values{"country": {"FR"}, "membership": {"member"}}
	s.orgForm(w, r, http.StatusOK, p, nil, nil)
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	var o directory.Organisation
	applyOrgForm(&o, r.PostForm)
	created, err := s.Directory.CreateOrganisation(r.Context(), o)
	if err != nil {
		p := s.page(w, r, "organisations.new", nil)
		p.Form = r.PostForm
		s.orgFormError(w, r, p, nil, o.Sectors, err)
		return
	}
	s.redirect(w, r, "/organisations/"+strconv.FormatInt(created.ID, 10), "flash.saved")
}

func (s *Server) orgFormError(w http.ResponseWriter, r *http.Request, p *Page, o *directory.Organisation, sectors []string, err error) {
	if fe, ok := validate.As(err); ok {
		p.Errors = fe
		s.orgForm(w, r, http.StatusUnprocessableEntity, p, o, sectors)
		return
	}
	s.fail(w, r, "organisation form", err)
}

func (s *Server) editOrganisationForm(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orgByPath(w, r)
	if !ok {
		return
	}
	p := s.page(w, r, "organisations.edit", nil)
	p.Form = orgValues(o)
	s.orgForm(w, r, http.StatusOK, p, &o, o.Sectors)
}

func (s *Server) editOrganisation(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orgByPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	orig := o
	applyOrgForm(&o, r.PostForm)
	update := s.Directory.UpdateOrganisation
	if !reqOf(r).user.Role.IsStaff() {
		update = s.Directory.UpdateOwnProfile // kind, college and membership stay the team's
	}
	if _, err := update(r.Context(), o); err != nil {
		p := s.page(w, r, "organisations.edit", nil)
		p.Form = r.PostForm
		s.orgFormError(w, r, p, &orig, o.Sectors, err)
		return
	}
	s.redirect(w, r, "/organisations/"+strconv.FormatInt(o.ID, 10), "flash.saved")
}
