package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"filiere/internal/validate"
)

type loginData struct{ Next string }

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if reqOf(r).user != nil {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", s.page(w, r, "login.title", loginData{Next: localPath(r.URL.Query().Get("next"))}))
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	rq := reqOf(r)
	next := localPath(r.PostForm.Get("next"))
	p := s.page(w, r, "login.title", loginData{Next: next})
	email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
	p.Form = url.Values{"email": {email}}
	var errs validate.Errors
	if email == "" {
		errs.Add("email", "validate.required")
	}
	if password == "" {
		errs.Add("password", "validate.required")
	}
	if err := errs.Err(); err != nil {
		s.formError(w, r, "login", p, err)
		return
	}
	u, token, err := s.Auth.Login(r.Context(), email, password, rq.ip, r.UserAgent())
	if err != nil {
		if _, ok := validate.AsMessage(err); !ok {
			s.Logger.Error("login", "err", err)
		}
		s.formError(w, r, "login", p, err)
		return
	}
	http.SetCookie(w, s.cookie(sessionCookie, token, int(s.Config.SessionMax.Seconds())))
	http.SetCookie(w, s.cookie(langCookie, u.Lang, 365*24*3600))
	if next == "" {
		next = "/dashboard"
	}
	s.redirect(w, r, next, "")
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if tok := reqOf(r).token; tok != "" {
		if err := s.Auth.Logout(r.Context(), tok); err != nil {
			s.Logger.Error("logout", "err", err)
		}
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	s.redirect(w, r, "/login", "flash.signed_out")
}

// switchLang stores the chosen language: on the account when signed in, in
// a cookie always.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := r.PostForm.Get("lang")
	if lang != "fr" && lang != "en" {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	if u := reqOf(r).user; u != nil {
		if err := s.Auth.SetLang(r.Context(), u.ID, lang); err != nil {
			s.Logger.Error("set lang", "err", err)
		}
	}
	http.SetCookie(w, s.cookie(langCookie, lang, 365*24*3600))
	next := localPath(r.PostForm.Get("next"))
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "forgot", s.page(w, r, "forgot.title", nil))
}

func (s *Server) forgot(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := s.page(w, r, "forgot.title", nil)
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if !validate.Email(strings.ToLower(email)) {
		var errs validate.Errors
		errs.Add("email", "validate.email")
		s.formError(w, r, "forgot", p, errs)
		return
	}
	if err := s.Auth.RequestPasswordReset(r.Context(), email, reqOf(r).ip); err != nil {
		if _, ok := validate.AsMessage(err); ok {
			s.formError(w, r, "forgot", p, err)
			return
		}
		s.Logger.Error("password reset request", "err", err)
		s.renderError(w, r, http.StatusInternalServerError)
		return
	}
	// The same answer whether or not the address has an account.
	s.redirect(w, r, "/login", "flash.reset_sent")
}

type resetData struct{ Token string }

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "reset", s.page(w, r, "reset.title", resetData{Token: r.PathValue("token")}))
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	token := r.PathValue("token")
	p := s.page(w, r, "reset.title", resetData{Token: token})
	p.Form = nil
	password := r.PostForm.Get("password")
	if password != r.PostForm.Get("confirm") {
		var errs validate.Errors
		errs.Add("confirm", "account.password_mismatch")
		s.formError(w, r, "reset", p, errs)
		return
	}
	if _, err := s.Auth.ResetPassword(r.Context(), token, password); err != nil {
		s.formError(w, r, "reset", p, err)
		return
	}
	s.redirect(w, r, "/login", "flash.password_reset")
}

// parseForm parses a posted form, answering 413 or 400 itself on failure.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderError(w, r, http.StatusRequestEntityTooLarge)
		} else {
			s.renderError(w, r, http.StatusBadRequest)
		}
		return false
	}
	return true
}
