package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

const pageSize = 50

// pager is the state of a paginated list.
type pager struct {
	Total, Offset, Limit int
	Query                url.Values
}

func (p pager) HasPrev() bool { return p.Offset > 0 }
func (p pager) HasNext() bool { return p.Offset+p.Limit < p.Total }
func (p pager) From() int {
	if p.Total == 0 {
		return 0
	}
	return p.Offset + 1
}
func (p pager) To() int         { return min(p.Offset+p.Limit, p.Total) }
func (p pager) PrevURL() string { return p.url(max(p.Offset-p.Limit, 0)) }
func (p pager) NextURL() string { return p.url(p.Offset + p.Limit) }
func (p pager) url(offset int) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set("offset", strconv.Itoa(offset))
	return "?" + q.Encode()
}

func offsetOf(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("offset"))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

type usersData struct {
	Users  []auth.User
	Pager  pager
	Roles  []auth.Role
	Role   string
	Query  string
	OrgMap map[int64]string
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := auth.UserFilter{Role: auth.Role(q.Get("role")), Query: strings.TrimSpace(q.Get("q")), Limit: pageSize, Offset: offsetOf(r)}
	if f.Role != "" && !f.Role.Valid() {
		f.Role = ""
	}
	list, total, err := s.Auth.ListUsers(ctx, f)
	if err != nil {
		s.fail(w, r, "users", err)
		return
	}
	names, err := s.orgNames(r, list)
	if err != nil {
		s.fail(w, r, "users", err)
		return
	}
	q.Del("offset")
	d := usersData{Users: list, Roles: auth.Roles, Role: string(f.Role), Query: f.Query, OrgMap: names,
		Pager: pager{Total: total, Offset: f.Offset, Limit: pageSize, Query: q}}
	s.render(w, r, http.StatusOK, "users", s.page(w, r, "users.title", d))
}

// orgNames maps the users' organisation ids to names.
func (s *Server) orgNames(r *http.Request, users []auth.User) (map[int64]string, error) {
	names := map[int64]string{}
	for _, u := range users {
		if u.OrganisationID == 0 {
			continue
		}
		if _, ok := names[u.OrganisationID]; ok {
			continue
		}
		o, err := s.Directory.Organisation(r.Context(), u.OrganisationID)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		names[u.OrganisationID] = o.Name
	}
	return names, nil
}

type userFormData struct {
	Edit          *auth.User
	Roles         []auth.Role
	Organisations []directory.Organisation
	OrgName       string
}

func (s *Server) userForm(w http.ResponseWriter, r *http.Request, status int, p *Page, edit *auth.User) {
	orgs, _, err := s.Directory.ListOrganisations(r.Context(), directory.OrgFilter{Limit: 5000})
	if err != nil {
		s.fail(w, r, "user form", err)
		return
	}
	d := userFormData{Edit: edit, Roles: auth.Roles, Organisations: orgs}
	if edit != nil {
		for _, o := range orgs {
			if o.ID == edit.OrganisationID {
				d.OrgName = o.Name
			}
		}
		if p.Form == nil {
			p.Form = url.Values{"name": {edit.Name}, "email": {edit.Email}, "lang": {edit.Lang}, "role": {string(edit.Role)}, "organisation": {idString(edit.OrganisationID)}}
		}
	}
	p.Data = d
	s.render(w, r, status, "user_form", p)
}

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func (s *Server) newUserForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "users.new", nil)
	p.Form = url.Values{"lang": {reqOf(r).lang}, "role": {"member"}}
	s.userForm(w, r, http.StatusOK, p, nil)
}

func formID(v string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return id
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	nu := auth.NewUser{Email: f.Get("email"), Name: strings.TrimSpace(f.Get("name")), Lang: f.Get("lang"),
		Role: auth.Role(f.Get("role")), OrganisationID: formID(f.Get("organisation")), Password: f.Get("password")}
	u, err := s.Auth.CreateUser(r.Context(), nu)
	if err != nil {
		p := s.page(w, r, "users.new", nil)
		p.Form = url.Values{}
		for k, v := range f {
			if k != "password" {
				p.Form[k] = v
			}
		}
		s.userFormError(w, r, p, nil, err)
		return
	}
	s.redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), "flash.user_created")
}

func (s *Server) userFormError(w http.ResponseWriter, r *http.Request, p *Page, edit *auth.User, err error) {
	if fe, ok := validate.As(err); ok {
		p.Errors = fe
		s.userForm(w, r, http.StatusUnprocessableEntity, p, edit)
		return
	}
	s.fail(w, r, "user form", err)
}

func (s *Server) userByPath(w http.ResponseWriter, r *http.Request) (*auth.User, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.renderError(w, r, http.StatusNotFound)
		return nil, false
	}
	u, err := s.Auth.UserByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, "user", err)
		return nil, false
	}
	return &u, true
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	u, ok := s.userByPath(w, r)
	if !ok {
		return
	}
	s.userForm(w, r, http.StatusOK, s.page(w, r, "users.edit", nil), u)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	u, ok := s.userByPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	if _, err := s.Auth.UpdateUser(r.Context(), u.ID, strings.TrimSpace(f.Get("name")), f.Get("lang"), auth.Role(f.Get("role")), formID(f.Get("organisation"))); err != nil {
		p := s.page(w, r, "users.edit", nil)
		p.Form = f
		s.userFormError(w, r, p, u, err)
		return
	}
	s.redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), "flash.saved")
}

func (s *Server) setUserDisabled(w http.ResponseWriter, r *http.Request, disabled bool, flash string) {
	u, ok := s.userByPath(w, r)
	if !ok {
		return
	}
	if disabled && u.ID == reqOf(r).user.ID {
		s.redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), "flash.cannot_disable_self")
		return
	}
	if err := s.Auth.SetDisabled(r.Context(), u.ID, disabled); err != nil {
		s.fail(w, r, "disable user", err)
		return
	}
	s.redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), flash)
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) {
	s.setUserDisabled(w, r, true, "flash.user_disabled")
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request) {
	s.setUserDisabled(w, r, false, "flash.user_enabled")
}

func (s *Server) sendReset(w http.ResponseWriter, r *http.Request) {
	u, ok := s.userByPath(w, r)
	if !ok {
		return
	}
	if err := s.Auth.RequestPasswordReset(r.Context(), u.Email, reqOf(r).ip); err != nil {
		s.fail(w, r, "send reset", err)
		return
	}
	s.redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), "flash.reset_link_sent")
}

func (s *Server) logoutUserEverywhere(w http.ResponseWriter, r *http.Request) {
	u, ok := s.userByPath(w, r)
	if !ok {
		return
	}
	if err := s.Auth.LogoutEverywhere(r.Context(), u.ID); err != nil {
		s.fail(w, r, "logout everywhere", err)
		return
	}
	s.redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), "flash.user_logged_out")
}

type auditData struct {
	Entries  []audit.Entry
	Pager    pager
	Entities []string
	Filter   url.Values
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := audit.Filter{Entity: q.Get("entity"), Action: strings.TrimSpace(q.Get("action")), Actor: strings.TrimSpace(q.Get("actor")),
		EntityID: strings.TrimSpace(q.Get("entity_id")), Limit: pageSize, Offset: offsetOf(r)}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("since"), paris); err == nil {
		f.Since = t
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("until"), paris); err == nil {
		f.Until = t.AddDate(0, 0, 1)
	}
	entries, total, err := audit.List(ctx, s.DB, f)
	if err != nil {
		s.fail(w, r, "audit", err)
		return
	}
	entities, err := audit.Entities(ctx, s.DB)
	if err != nil {
		s.fail(w, r, "audit", err)
		return
	}
	q.Del("offset")
	d := auditData{Entries: entries, Entities: entities, Filter: q, Pager: pager{Total: total, Offset: f.Offset, Limit: pageSize, Query: q}}
	s.render(w, r, http.StatusOK, "audit", s.page(w, r, "audit.title", d))
}
