package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"filiere/internal/auth"
	"filiere/internal/validate"
)

type accountData struct {
	Tokens   []auth.APIToken
	Sessions []auth.Session
	NewToken string // shown once, right after creation
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, status int, p *Page, newToken string) {
	ctx := r.Context()
	u := reqOf(r).user
	d := accountData{NewToken: newToken}
	var err error
	if d.Tokens, err = s.Auth.APITokens(ctx, u.ID); err != nil {
		s.fail(w, r, "account", err)
		return
	}
	if d.Sessions, err = s.Auth.Sessions(ctx, u.ID); err != nil {
		s.fail(w, r, "account", err)
		return
	}
	if p == nil {
		p = s.page(w, r, "account.title", nil)
	}
	p.Data = d
	s.render(w, r, status, "account", p)
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	s.accountPage(w, r, http.StatusOK, nil, "")
}

// accountFormError redisplays the account page with a form's errors.
func (s *Server) accountFormError(w http.ResponseWriter, r *http.Request, err error) {
	p := s.page(w, r, "account.title", nil)
	p.Form = url.Values{}
	for k, v := range r.PostForm {
		if k != "current" && k != "password" && k != "confirm" {
			p.Form[k] = v
		}
	}
	if fe, ok := validate.As(err); ok {
		p.Errors = fe
	} else if m, ok := validate.AsMessage(err); ok {
		p.Message = p.T(m.Key, m.Args...)
	} else {
		s.fail(w, r, "account", err)
		return
	}
	s.accountPage(w, r, http.StatusUnprocessableEntity, p, "")
}

func (s *Server) updateAccount(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	u := reqOf(r).user
	_, err := s.Auth.UpdateUser(r.Context(), u.ID, strings.TrimSpace(r.PostForm.Get("name")), r.PostForm.Get("lang"), u.Role, u.OrganisationID)
	if err != nil {
		s.accountFormError(w, r, err)
		return
	}
	if l := r.PostForm.Get("lang"); l == "fr" || l == "en" {
		http.SetCookie(w, s.cookie(langCookie, l, 365*24*3600))
	}
	s.redirect(w, r, "/account", "flash.saved")
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	u := reqOf(r).user
	var errs validate.Errors
	if err := s.Auth.CheckPassword(ctx, u.ID, r.PostForm.Get("current"), reqOf(r).ip); err != nil {
		if m, ok := validate.AsMessage(err); ok && m.Key == "auth.throttled" {
			s.accountFormError(w, r, err)
			return
		}
		errs.Add("current", "account.current_wrong")
	}
	if r.PostForm.Get("password") != r.PostForm.Get("confirm") {
		errs.Add("confirm", "account.password_mismatch")
	}
	if err := errs.Err(); err != nil {
		s.accountFormError(w, r, err)
		return
	}
	if err := s.Auth.SetPassword(ctx, u.ID, r.PostForm.Get("password")); err != nil {
		s.accountFormError(w, r, err)
		return
	}
	// SetPassword ended every session: open a fresh one for this browser.
	if _, tok, err := s.Auth.Login(ctx, u.Email, r.PostForm.Get("password"), reqOf(r).ip, r.UserAgent()); err == nil {
		http.SetCookie(w, s.cookie(sessionCookie, tok, int(s.Config.SessionMax.Seconds())))
	}
	s.redirect(w, r, "/account", "flash.password_changed")
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	u := reqOf(r).user
	name := strings.TrimSpace(r.PostForm.Get("token_name"))
	var expires time.Time
	if days, err := strconv.Atoi(r.PostForm.Get("token_days")); err == nil && days > 0 {
		expires = time.Now().Add(time.Duration(days) * 24 * time.Hour)
	}
	plain, _, err := s.Auth.CreateAPIToken(r.Context(), u.ID, name, expires)
	if err != nil {
		s.accountFormError(w, r, err)
		return
	}
	p := s.page(w, r, "account.title", nil)
	p.Flash = p.T("flash.token_created")
	s.accountPage(w, r, http.StatusOK, p, plain)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if err := s.Auth.RevokeAPIToken(r.Context(), reqOf(r).user.ID, id); err != nil {
		s.fail(w, r, "revoke token", err)
		return
	}
	s.redirect(w, r, "/account", "flash.token_revoked")
}

func (s *Server) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	if err := s.Auth.LogoutEverywhere(r.Context(), reqOf(r).user.ID); err != nil {
		s.fail(w, r, "logout everywhere", err)
		return
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	s.redirect(w, r, "/login", "flash.signed_out_everywhere")
}
