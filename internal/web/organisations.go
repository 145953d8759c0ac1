package web

import (
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/auth"
	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/tabular"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

type organisationsData struct {
	Hits   []directory.Hit
	Pager  pager
	Tax    *directory.Taxonomy
	Filter directory.OrgFilter
	Search directory.SearchQuery
	Sort   string
	Facets map[string]map[string]int // facet → value → count among the matches
	Query  textsearch.Query
	Near   directory.Place
	Viewer directory.Visibility
	Now    time.Time
	Form   url.Values                        // the query string, to build facet links
	Counts map[string][]directory.FacetCount // facet counts, most frequent first
	Saved  []directory.SavedSearch           // the viewer's saved searches (and staff's shared ones)
	// SaveName is the name typed in the save-this-search form when it
	// was refused.
	SaveName string
}

// orgFilter reads the list filters from the query string.
func orgFilter(q url.Values, limit, offset int) directory.OrgFilter {
	return directory.OrgFilter{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Sector: q.Get("sector"),
		College: q.Get("college"), Membership: q.Get("membership"), Region: q.Get("region"), Limit: limit, Offset: offset}
}

// viewer is the visibility level at which u sees the directory: the team
// sees everything, members what is shared with members (and everything of
// their own organisation), anyone else the public fields.
func viewer(u *auth.User, orgID int64) directory.Visibility {
	switch {
	case u == nil:
		return directory.Public
	case u.Role.IsStaff():
		return directory.StaffOnly
	case orgID != 0 && u.OrganisationID == orgID:
		return directory.StaffOnly
	case u.Role == auth.RoleMember:
		return directory.MembersOnly
	}
	return directory.Public
}

// searchQuery is the directory search the URL asks for; the URL holds the
// whole query so that a search can be shared. Capacity ranges are
// min.<attribute> and max.<attribute>; a number that does not parse is a
// field error.
func searchQuery(q url.Values, limit, offset int, u *auth.User) (directory.SearchQuery, error) {
	f := orgFilter(q, limit, offset)
	sq := directory.SearchQuery{Text: f.Query, Sector: f.Sector, Kind: f.Kind, College: f.College, Membership: f.Membership,
		Region: f.Region, Departement: q.Get("departement"), Step: q.Get("step"), Brick: q.Get("brick"),
		Certification: q.Get("certification"), Near: q.Get("near"), Sort: q.Get("sort"), Limit: limit, Offset: offset,
		Viewer: viewer(u, 0)}
	if q.Get("members") == "1" {
		sq.Membership = directory.Member
	}
	var errs validate.Errors
	if km := strings.TrimSpace(q.Get("km")); km != "" {
		v, err := tabular.ParseDecimal(km)
		if err != nil {
			errs.Add("km", "directory.km")
		}
		sq.Km = v
	}
	for _, c := range directory.LoadTaxonomy().Capacities {
		lo, hi := strings.TrimSpace(q.Get("min."+c.Code)), strings.TrimSpace(q.Get("max."+c.Code))
		if lo == "" && hi == "" {
			continue
		}
		r := directory.CapacityRange{Attribute: c.Code}
		var err1, err2 error
		if lo != "" {
			r.Min, err1 = tabular.ParseDecimal(lo)
		}
		if hi != "" {
			r.Max, err2 = tabular.ParseDecimal(hi)
		}
		if err1 != nil || err2 != nil {
			errs.Add("capacity."+c.Code, "directory.capacity_range")
			continue
		}
		sq.Capacities = append(sq.Capacities, r)
	}
	return sq, errs.Err()
}

func (s *Server) organisations(w http.ResponseWriter, r *http.Request) {
	s.organisationsPage(w, r, r.URL.Query(), "", nil)
}

// organisationsPage renders the search page for the query q, with the
// name and errors of the save-this-search form posted from it, if any.
func (s *Server) organisationsPage(w http.ResponseWriter, r *http.Request, q url.Values, saveName string, posted validate.Errors) {
	offset := 0
	if o, err := strconv.Atoi(q.Get("offset")); err == nil && o > 0 {
		offset = o
	}
	sq, err := searchQuery(q, pageSize, offset, reqOf(r).user)
	var res directory.SearchResult
	if err == nil {
		res, err = s.Directory.Search(r.Context(), sq)
	}
	fe, invalid := validate.As(err)
	if err != nil && !invalid {
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
	var saved []directory.SavedSearch
	if u := reqOf(r).user; u != nil {
		if saved, err = s.Directory.SavedSearches(r.Context(), u.ID, u.Role.IsStaff()); err != nil {
			s.fail(w, r, "saved searches", err)
			return
		}
	}
	d := organisationsData{Saved: saved, SaveName: saveName, Hits: res.Hits, Tax: directory.LoadTaxonomy(), Filter: orgFilter(q, pageSize, sq.Offset), Search: sq,
		Sort: sq.Sort, Facets: facets, Query: textsearch.ParseQuery(sq.Text), Near: res.Near, Viewer: sq.Viewer,
		Form: q, Counts: res.Facets, Now: time.Now(),
		Pager: pager{Total: res.Total, Offset: sq.Offset, Limit: pageSize, Query: q}}
	p := s.page(w, r, "organisations.title", d)
	p.Form = q
	status := http.StatusOK
	if invalid || len(posted) > 0 {
		p.Errors = append(fe, posted...)
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "organisations", p)
}

// FacetLink is one value of a facet in the side menu: its label, count,
// and the URL of the search with that value chosen (or, when it is the
// chosen one, removed).
type FacetLink struct {
	Value, Label string
	Count        int
	Selected     bool
	URL          string
}

// facetParams maps facets to their URL parameter.
var facetParams = map[string]string{
	directory.FacetSector: "sector", directory.FacetKind: "kind", directory.FacetStep: "step", directory.FacetBrick: "brick",
	directory.FacetCertification: "certification", directory.FacetRegion: "region", directory.FacetDepartement: "departement",
	directory.FacetMembership: "membership", directory.FacetCollege: "college", directory.FacetCapacity: "capacity",
}

// Links returns the side-menu entries of a facet, most frequent first (at
// most limit, 0 for all; the chosen value is always kept).
func (d organisationsData) Links(facet, vocabulary, lang string, limit int) []FacetLink {
	param := facetParams[facet]
	chosen := d.Form.Get(param)
	var out []FacetLink
	for _, c := range d.Counts[facet] {
		if limit > 0 && len(out) >= limit && c.Value != chosen {
			continue
		}
		out = append(out, d.link(param, c.Value, vocabulary, lang, c.Count, chosen))
	}
	if chosen != "" && !slices.ContainsFunc(out, func(l FacetLink) bool { return l.Selected }) {
		out = append(out, d.link(param, chosen, vocabulary, lang, 0, chosen))
	}
	return out
}

func (d organisationsData) link(param, value, vocabulary, lang string, count int, chosen string) FacetLink {
	q := url.Values{}
	for k, v := range d.Form {
		q[k] = v
	}
	q.Del("offset")
	l := FacetLink{Value: value, Label: value, Count: count, Selected: value == chosen}
	if l.Selected {
		q.Del(param)
	} else {
		q.Set(param, value)
	}
	switch vocabulary {
	case "":
	case "membership":
		l.Label = i18n.T(lang, directory.MembershipKey(value))
	default:
		l.Label = taxonomyLabel(vocabulary, value, lang)
	}
	l.URL = "/organisations?" + q.Encode()
	return l
}

// QueryString is the search's query string without paging, for links
// to the booklet and the exports of the same selection.
func (d organisationsData) QueryString() template.URL {
	q := url.Values{}
	for k, v := range d.Form {
		if k != "offset" && k != "lang" {
			q[k] = v
		}
	}
	return template.URL(q.Encode())
}

// Selected reports whether the search filters facet by value.
func (d organisationsData) Selected(facet, value string) bool {
	switch facet {
	case directory.FacetStep:
		return d.Search.Step == value
	case directory.FacetBrick:
		return d.Search.Brick == value
	case directory.FacetCertification:
		return d.Search.Certification == value
	case directory.FacetDepartement:
		return d.Search.Departement == value
	}
	return false
}

// Departements are the départements among the matches, for the filter
// menu, in number order.
func (d organisationsData) Departements() []string {
	var out []string
	for v := range d.Facets[directory.FacetDepartement] {
		out = append(out, v)
	}
	if d.Search.Departement != "" && !slices.Contains(out, d.Search.Departement) {
		out = append(out, d.Search.Departement)
	}
	slices.Sort(out)
	return out
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

// Snippet is the beginning of a description, cut at a word boundary after
// about 220 characters, with the matching words marked.
func (d organisationsData) Snippet(text string) template.HTML {
	const max = 220
	if r := []rune(text); len(r) > max {
		cut := string(r[:max])
		if i := strings.LastIndexByte(cut, ' '); i > max/2 {
			cut = cut[:i]
		}
		text = cut + "…"
	}
	return d.Highlight(text)
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
	Org     directory.Organisation // as the viewer may see it
	People  []directory.Person     // the contacts, when the viewer may see them
	Tax     *directory.Taxonomy
	CanEdit bool
	Viewer  directory.Visibility
	Now     time.Time
	Pending []directory.Change // the edits waiting for the staff, shown to them and to the organisation's editors
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
	u := reqOf(r).user
	v := viewer(u, o.ID)
	var people []directory.Person
	if o.Shows(v, directory.FieldContacts) {
		var err error
		if people, err = s.Directory.People(r.Context(), o.ID); err != nil {
			s.fail(w, r, "organisation", err)
			return
		}
	}
	d := organisationData{Org: o.For(v), People: people, Tax: directory.LoadTaxonomy(), CanEdit: auth.Can(u, auth.ActOrgEdit, o.ID),
		Viewer: v, Now: time.Now()}
	if d.CanEdit {
		var err error
		if d.Pending, err = s.Directory.PendingChanges(r.Context(), o.ID); err != nil {
			s.fail(w, r, "organisation", err)
			return
		}
	}
	p := s.page(w, r, "organisations.title", d)
	s.render(w, r, http.StatusOK, "organisation", p)
}

type orgFormData struct {
	Org            *directory.Organisation // nil when creating
	Tax            *directory.Taxonomy
	Sectors        []string
	ServiceRows    []int // indexes of the service rows to show: the stored ones and blank ones
	CertRows       []int
	Fields         []string // the profile fields with a chosen visibility
	HeadcountBands []string
	RevenueBands   []string
	Groups         []string // the corporate groups already known, offered so that each is spelled one way
}

// blankRows is how many empty service and certification rows the form
// offers beyond the filled ones.
const blankRows = 2

func (s *Server) orgForm(w http.ResponseWriter, r *http.Request, status int, p *Page, o *directory.Organisation, sectors []string) {
	rows := func(prefix string) []int {
		n := 0
		for n < 100 && (p.Form.Has(prefix+strconv.Itoa(n)+".title_fr") || p.Form.Has(prefix+strconv.Itoa(n)+".code")) {
			n++
		}
		out := make([]int, n+blankRows)
		for i := range out {
			out[i] = i
		}
		return out
	}
	d := orgFormData{Org: o, Tax: directory.LoadTaxonomy(), Sectors: sectors, ServiceRows: rows("services."),
		CertRows: rows("certifications."), HeadcountBands: directory.HeadcountBands, RevenueBands: directory.RevenueBands}
	for _, f := range directory.ProfileFields {
		d.Fields = append(d.Fields, f.Field)
	}
	groups, err := s.Directory.Groups(r.Context())
	if err != nil {
		s.fail(w, r, "organisation form", err)
		return
	}
	d.Groups = groups
	p.Data = d
	s.render(w, r, status, "organisation_form", p)
}

// orgValues is the form showing o.
func orgValues(o directory.Organisation) url.Values {
	v := url.Values{
		"name": {o.Name}, "short_name": {o.ShortName}, "group": {o.Group}, "kind": {o.Kind}, "college": {o.College}, "membership": {o.Membership},
		"website": {o.Website}, "address": {o.Address}, "postcode": {o.Postcode}, "city": {o.City},
		"departement": {o.Departement}, "region": {o.Region}, "country": {o.Country},
		"description_fr": {o.DescriptionFR}, "description_en": {o.DescriptionEN},
		"siret": {o.SIRET}, "headcount": {o.Headcount}, "revenue": {o.Revenue}, "keywords": {strings.Join(o.Keywords, ", ")},
		"equipment": {o.Equipment}, "capacity_notes": {o.CapacityNotes}, "steps": o.Steps, "bricks": o.Bricks,
	}
	if o.Founded != 0 {
		v.Set("founded", strconv.Itoa(o.Founded))
	}
	if o.HasCoords {
		v.Set("latitude", strconv.FormatFloat(o.Latitude, 'f', -1, 64))
		v.Set("longitude", strconv.FormatFloat(o.Longitude, 'f', -1, 64))
	}
	for _, c := range o.Capacities {
		v.Set("cap."+c.Attribute, strconv.FormatFloat(c.Value, 'f', -1, 64))
	}
	for _, f := range directory.ProfileFields {
		v.Set("vis."+f.Field, string(o.VisibilityOf(f.Field)))
	}
	for i, sv := range o.Services {
		p := "services." + strconv.Itoa(i) + "."
		v.Set(p+"title_fr", sv.TitleFR)
		v.Set(p+"title_en", sv.TitleEN)
		v.Set(p+"description_fr", sv.DescriptionFR)
		v.Set(p+"description_en", sv.DescriptionEN)
		v.Set(p+"sector", sv.Sector)
		v.Set(p+"step", sv.Step)
	}
	for i, c := range o.Certifications {
		p := "certifications." + strconv.Itoa(i) + "."
		v.Set(p+"code", c.Code)
		v.Set(p+"scope", c.Scope)
		v.Set(p+"issuer", c.Issuer)
		if !c.ValidUntil.IsZero() {
			v.Set(p+"valid_until", c.ValidUntil.Format("02/01/2006"))
		}
	}
	return v
}

// applyOrgForm copies the submitted fields onto o. Numbers and dates that
// do not parse are returned as field errors.
func applyOrgForm(o *directory.Organisation, f url.Values) error {
	var errs validate.Errors
	get := func(name string) string { return strings.TrimSpace(f.Get(name)) }
	o.Name, o.ShortName, o.Website = get("name"), get("short_name"), get("website")
	if f.Has("group") { // a form without the field keeps the group
		o.Group = get("group")
	}
	o.Address, o.Postcode, o.City = get("address"), get("postcode"), get("city")
	o.Departement, o.Region, o.Country = get("departement"), get("region"), get("country")
	o.DescriptionFR, o.DescriptionEN = get("description_fr"), get("description_en")
	o.Sectors = f["sectors"]
	o.Kind, o.College, o.Membership = f.Get("kind"), f.Get("college"), f.Get("membership")
	if !f.Has("siret") { // an older form without the profile fields
		return nil
	}
	o.SIRET, o.Headcount, o.Revenue = get("siret"), get("headcount"), get("revenue")
	o.Equipment, o.CapacityNotes = get("equipment"), get("capacity_notes")
	o.Steps, o.Bricks = f["steps"], f["bricks"]
	o.Keywords = nil
	for k := range strings.FieldsFuncSeq(get("keywords"), func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
		o.Keywords = append(o.Keywords, k)
	}
	o.Founded = 0
	if y := get("founded"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			errs.Add("founded", "directory.year")
		}
		o.Founded = n
	}
	o.HasCoords = false
	if lat, lon := get("latitude"), get("longitude"); lat != "" || lon != "" {
		la, err1 := tabular.ParseDecimal(lat)
		lo, err2 := tabular.ParseDecimal(lon)
		if err1 != nil || err2 != nil {
			errs.Add("coordinates", "directory.coordinates")
		}
		o.Latitude, o.Longitude, o.HasCoords = la, lo, true
	}
	o.Capacities = nil
	for _, c := range directory.LoadTaxonomy().Capacities {
		if v := get("cap." + c.Code); v != "" {
			n, err := tabular.ParseDecimal(v)
			if err != nil {
				errs.Add("cap."+c.Code, "directory.capacity_value")
				continue
			}
			o.Capacities = append(o.Capacities, directory.CapacityValue{Attribute: c.Code, Value: n})
		}
	}
	o.Visibility = map[string]directory.Visibility{}
	for _, fd := range directory.ProfileFields {
		if v := get("vis." + fd.Field); v != "" {
			o.Visibility[fd.Field] = directory.Visibility(v)
		}
	}
	o.Services = nil
	for i := 0; i < 100; i++ {
		p := "services." + strconv.Itoa(i) + "."
		if !f.Has(p + "title_fr") {
			break
		}
		o.Services = append(o.Services, directory.Service{TitleFR: get(p + "title_fr"), TitleEN: get(p + "title_en"),
			DescriptionFR: get(p + "description_fr"), DescriptionEN: get(p + "description_en"),
			Sector: get(p + "sector"), Step: get(p + "step")})
	}
	o.Certifications = nil
	for i := 0; i < 100; i++ {
		p := "certifications." + strconv.Itoa(i) + "."
		if !f.Has(p + "code") {
			break
		}
		c := directory.Certification{Code: get(p + "code"), Scope: get(p + "scope"), Issuer: get(p + "issuer")}
		if d := get(p + "valid_until"); d != "" {
			t, err := tabular.ParseDate(d)
			if err != nil {
				errs.Add("certifications."+strconv.Itoa(i), "validate.date")
			}
			c.ValidUntil = t
		}
		if c.Code == "" && c.Scope == "" && c.Issuer == "" && c.ValidUntil.IsZero() {
			continue // a blank row
		}
		o.Certifications = append(o.Certifications, c)
	}
	return errs.Err()
}

func (s *Server) newOrganisationForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "organisations.new", nil)
	p.Form = url.Values{"country": {"FR"}, "membership": {"member"}, "siret": {""}}
	s.orgForm(w, r, http.StatusOK, p, nil, nil)
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	var o directory.Organisation
	err := applyOrgForm(&o, r.PostForm)
	var created directory.Organisation
	if err == nil {
		created, err = s.Directory.CreateOrganisation(r.Context(), o)
	}
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
	err := applyOrgForm(&o, r.PostForm)
	held := false
	if err == nil {
		if reqOf(r).user.Role.IsStaff() {
			_, err = s.Directory.UpdateOrganisation(r.Context(), o)
		} else {
			// Kind, college and membership stay the team's; public parts wait for the staff.
			_, held, err = s.Directory.UpdateOwnProfile(r.Context(), o)
		}
	}
	if err != nil {
		p := s.page(w, r, "organisations.edit", nil)
		p.Form = r.PostForm
		s.orgFormError(w, r, p, &orig, o.Sectors, err)
		return
	}
	if held {
		s.redirect(w, r, "/organisations/"+strconv.FormatInt(o.ID, 10), "flash.change_pending")
		return
	}
	s.redirect(w, r, "/organisations/"+strconv.FormatInt(o.ID, 10), "flash.saved")
}
