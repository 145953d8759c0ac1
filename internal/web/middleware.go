package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/auth"
	"filiere/internal/i18n"
)

const (
	sessionCookie = "filiere_session"
	langCookie    = "filiere_lang"
	flashCookie   = "filiere_flash"
)

// request is what the middleware learns about a request.
type request struct {
	user   *auth.User
	token  string // session token, when signed in by cookie
	lang   string
	ip     string
	viaAPI bool // authenticated with a bearer token
}

type requestKey struct{}

func reqOf(r *http.Request) *request {
	if v, ok := r.Context().Value(requestKey{}).(*request); ok {
		return v
	}
	return &request{lang: "fr"}
}

func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Logger.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		s.renderError(w, r, http.StatusForbidden)
	}))
	h := s.identify(next)
	h = cop.Handler(h)
	return s.recoverPanics(s.secure(h))
}

// secure sets the security headers and the body size limit.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.Config.SecureCookies() {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.Config.MaxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic anywhere below into a 500 page without internals.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.renderError(w, r, http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// identify resolves the user (session cookie or bearer token) and language.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := &request{ip: s.clientIP(r)}
		ctx := r.Context()
		badToken := false
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			if u, err := s.Auth.TokenUser(ctx, strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))); err == nil {
				rq.user, rq.viaAPI = &u, true
			} else {
				badToken = true
			}
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			if u, err := s.Auth.SessionUser(ctx, c.Value); err == nil {
				rq.user, rq.token = &u, c.Value
			} else {
				http.SetCookie(w, s.cookie(sessionCookie, "", -1))
			}
		}
		rq.lang = negotiateLang(r, rq.user)
		ctx = context.WithValue(ctx, requestKey{}, rq)
		actor := audit.Actor{Label: "anonymous", IP: rq.ip}
		if rq.user != nil {
			actor = audit.Actor{UserID: rq.user.ID, Label: rq.user.Email, IP: rq.ip}
		}
		ctx = audit.WithActor(ctx, actor)
		w.Header().Set("Content-Language", rq.lang)
		if badToken && strings.HasPrefix(r.URL.Path, "/api/") {
			// A wrong token is refused even where anonymous callers are
			// welcome: the caller meant to authenticate and must know it failed.
			w.Header().Set("WWW-Authenticate", `Bearer realm="filiere", error="invalid_token"`)
			s.apiError(w, r.WithContext(ctx), http.StatusUnauthorized, "api.unauthorized")
			return
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// negotiateLang picks the user's saved language, else the language cookie,
// else the best of Accept-Language, else French.
func negotiateLang(r *http.Request, u *auth.User) string {
	if u != nil && (u.Lang == "fr" || u.Lang == "en") {
		return u.Lang
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "fr" || c.Value == "en") {
		return c.Value
	}
	return acceptLanguage(r.Header.Get("Accept-Language"))
}

// acceptLanguage returns "fr" or "en", whichever the header prefers.
func acceptLanguage(header string) string {
	best, bestQ := "fr", -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		for _, l := range i18n.Languages {
			if base == l && q > bestQ {
				best, bestQ = l, q
			}
		}
	}
	return best
}

// clientIP is the address login throttling and the audit log see: the
// peer, or, when the peer is a trusted reverse proxy, the nearest address in
// X-Forwarded-For that is not itself a trusted proxy.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(s.Config.TrustedProxies) == 0 || !s.trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(hop); err != nil {
			return host // a malformed header: keep the proxy's address
		}
		if !s.trusted(hop) {
			return hop
		}
	}
	return host
}

func (s *Server) trusted(ip string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range s.Config.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// statusWriter records the status code for metrics and logs.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// guard wraps a route's handler: metrics, panic recovery, then the policy.
func (s *Server) guard(rt Route, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic serving request", "route", rt.Pattern, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.renderError(sw, r, http.StatusInternalServerError)
				}
			}
			s.metrics.observe(rt.Pattern, sw.status, time.Since(start))
		}()
		rq := reqOf(r)
		var orgID int64
		if rt.OrgParam != "" {
			id, err := strconv.ParseInt(r.PathValue(rt.OrgParam), 10, 64)
			if err != nil || id <= 0 {
				s.notFound(sw, r, rt.API)
				return
			}
			orgID = id
		}
		if !auth.Can(rq.user, rt.Action, orgID) {
			s.deny(sw, r, rt.API)
			return
		}
		h(sw, r)
	})
}

// deny answers a request the policy refuses: sign-in first for anonymous
// page requests, 401 for anonymous API calls, 403 otherwise.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, api bool) {
	rq := reqOf(r)
	switch {
	case api && rq.user == nil:
		w.Header().Set("WWW-Authenticate", `Bearer realm="filiere"`)
		s.apiError(w, r, http.StatusUnauthorized, "api.unauthorized")
	case api:
		s.apiError(w, r, http.StatusForbidden, "api.forbidden")
	case rq.user == nil && r.Method == http.MethodGet:
		http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	default:
		s.renderError(w, r, http.StatusForbidden)
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, api bool) {
	if api {
		s.apiError(w, r, http.StatusNotFound, "api.not_found")
		return
	}
	s.renderError(w, r, http.StatusNotFound)
}

// cookie builds a cookie with the site's flags; maxAge < 0 deletes it.
func (s *Server) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.Config.SecureCookies(), SameSite: http.SameSiteLaxMode,
	}
}

// isNotFound tells whether a domain error means "no such record".
func isNotFound(err error) bool {
	return err != nil && errors.Is(err, errNotFound)
}
