package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"filiere/internal/auth"
	"filiere/internal/calls"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

// expertsData is the staff's list of the expert pool.
type expertsData struct {
	Experts []calls.Expert
}

// adminExperts lists the pool, inactive experts too.
func (s *Server) adminExperts(w http.ResponseWriter, r *http.Request) {
	v, ok := s.viewerOr(w, r, "experts")
	if !ok {
		return
	}
	list, err := s.Calls.Experts(r.Context(), v, true)
	if err != nil {
		s.callFail(w, r, "experts", err)
		return
	}
	s.render(w, r, http.StatusOK, "call_experts", s.page(w, r, "callsweb.experts.title", expertsData{Experts: list}))
}

// expertFormData is what the expert form shows besides the typed values.
type expertFormData struct {
	Action string
	Expert *calls.Expert
	Users  []auth.User // accounts with the expert role
	Tax    *directory.Taxonomy
	Orgs   []orgOption
}

// expertValues are an expert's form values.
func expertValues(e calls.Expert) url.Values {
	v := url.Values{"user": {strconv.FormatInt(e.UserID, 10)}, "sectors": e.Sectors, "bricks": e.Bricks,
		"keywords": {strings.Join(e.Keywords, ", ")}, "max_load": {strconv.Itoa(e.MaxLoad)}}
	if e.AffiliationID != 0 {
		v.Set("affiliation", orgValue(e.AffiliationID, e.Affiliation))
	}
	if e.Active {
		v.Set("active", "1")
	}
	var lines []string
	for _, it := range e.Interests {
		line := orgValue(it.OrganisationID, it.Organisation)
		if it.Note != "" {
			line += " | " + it.Note
		}
		lines = append(lines, line)
	}
	v.Set("interests", strings.Join(lines, "\n"))
	return v
}

// renderExpertForm shows the expert form.
func (s *Server) renderExpertForm(w http.ResponseWriter, r *http.Request, status int, d expertFormData, form url.Values, errs validate.Errors) {
	ctx := r.Context()
	var err error
	if d.Users, _, err = s.Auth.ListUsers(ctx, auth.UserFilter{Role: auth.RoleExpert, Limit: 500}); err != nil {
		s.fail(w, r, "expert form", err)
		return
	}
	if d.Orgs, err = s.orgOptions(ctx); err != nil {
		s.fail(w, r, "expert form", err)
		return
	}
	d.Tax = directory.LoadTaxonomy()
	title := "callsweb.experts.new_title"
	if d.Expert != nil {
		title = "callsweb.experts.edit_title"
	}
	p := s.page(w, r, title, d)
	withFormErrors(p, form, errs, "")
	s.render(w, r, status, "call_expert_form", p)
}

func (s *Server) newExpertForm(w http.ResponseWriter, r *http.Request) {
	s.renderExpertForm(w, r, http.StatusOK, expertFormData{Action: "/admin/experts/new"}, url.Values{"active": {"1"}, "max_load": {"0"}}, nil)
}

func (s *Server) editExpertForm(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	v, ok := s.viewerOr(w, r, "expert")
	if !ok {
		return
	}
	e, err := s.Calls.Expert(r.Context(), v, id)
	if err != nil {
		s.callFail(w, r, "expert", err)
		return
	}
	d := expertFormData{Action: "/admin/experts/" + strconv.FormatInt(id, 10) + "/edit", Expert: &e}
	s.renderExpertForm(w, r, http.StatusOK, d, expertValues(e), nil)
}

func (s *Server) createExpert(w http.ResponseWriter, r *http.Request) { s.saveExpert(w, r, 0) }

func (s *Server) updateExpert(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	s.saveExpert(w, r, id)
}

// expertInput reads the expert form; organisations the directory does not
// know are field errors.
func (s *Server) expertInput(ctx context.Context, f url.Values) (calls.ExpertInput, validate.Errors, error) {
	var errs validate.Errors
	in := calls.ExpertInput{Sectors: f["sectors"], Bricks: f["bricks"], Active: f.Get("active") == "1"}
	in.UserID, _ = strconv.ParseInt(f.Get("user"), 10, 64)
	if strings.TrimSpace(f.Get("max_load")) != "" {
		n, err := strconv.Atoi(strings.TrimSpace(f.Get("max_load")))
		if err != nil {
			errs.Add("max_load", "validate.number")
		}
		in.MaxLoad = n
	}
	for _, k := range strings.FieldsFunc(f.Get("keywords"), func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if k = strings.TrimSpace(k); k != "" {
			in.Keywords = append(in.Keywords, k)
		}
	}
	if typed := strings.TrimSpace(f.Get("affiliation")); typed != "" {
		id, key, err := s.resolveOrg(ctx, typed)
		if err != nil {
			return in, nil, err
		}
		if key != "" {
			errs.Add("affiliation", key, typed)
		}
		in.AffiliationID = id
	}
	for line := range strings.Lines(f.Get("interests")) {
		org, note, _ := strings.Cut(line, "|")
		if strings.TrimSpace(org) == "" {
			continue
		}
		id, key, err := s.resolveOrg(ctx, org)
		if err != nil {
			return in, nil, err
		}
		if key != "" {
			errs.Add("interests", key, strings.TrimSpace(org))
			continue
		}
		in.Interests = append(in.Interests, calls.Interest{OrganisationID: id, Note: strings.TrimSpace(note)})
	}
	return in, errs, nil
}

// saveExpert creates (id 0) or updates an expert of the pool.
func (s *Server) saveExpert(w http.ResponseWriter, r *http.Request, id int64) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	v, ok := s.viewerOr(w, r, "save expert")
	if !ok {
		return
	}
	d := expertFormData{Action: "/admin/experts/new"}
	if id != 0 {
		e, err := s.Calls.Expert(ctx, v, id)
		if err != nil {
			s.callFail(w, r, "save expert", err)
			return
		}
		d.Expert, d.Action = &e, "/admin/experts/"+strconv.FormatInt(id, 10)+"/edit"
	}
	in, errs, err := s.expertInput(ctx, r.PostForm)
	if err != nil {
		s.fail(w, r, "save expert", err)
		return
	}
	if errs == nil {
		_, err = s.Calls.SaveExpert(ctx, v, id, in)
		if fe, ok := validate.As(err); ok {
			errs = fe
		} else if err != nil {
			s.callFail(w, r, "save expert", err)
			return
		}
	}
	if errs != nil {
		s.renderExpertForm(w, r, http.StatusUnprocessableEntity, d, r.PostForm, errs)
		return
	}
	s.redirect(w, r, "/admin/experts", "callsweb.flash.expert_saved")
}
