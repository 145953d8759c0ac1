package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"filiere/internal/auth"
	"filiere/internal/db"
	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/notify"
	"filiere/internal/validate"
)

var errNotFound = db.ErrNotFound

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under content-hashed URLs, so
// that they can be cached forever and still change with each release.
type assets struct {
	hash  map[string]string // file name → short content hash
	files fs.FS
}

func loadAssets() (*assets, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	a := &assets{hash: map[string]string{}, files: sub}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hash[p] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	return a, err
}

// URL is the cache-busted address of a static file.
func (a *assets) URL(name string) string {
	h, ok := a.hash[name]
	if !ok {
		panic("web: unknown static asset " + name) // caught at template parse time by the tests
	}
	return "/static/" + h + "/" + name
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	h, ok := s.assets.hash[name]
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if r.PathValue("hash") != h {
		// An old hash after a release: send the current file, uncached.
		w.Header().Set("Cache-Control", "no-cache")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	http.ServeFileFS(w, r, s.assets.files, name)
}

// views holds one parsed template set per page.
type views struct {
	pages map[string]*template.Template
}

func loadViews(a *assets) (*views, error) {
	funcs := template.FuncMap{
		"asset": a.URL,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(paris).Format("02/01/2006")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(paris).Format("02/01/2006 15:04")
		},
		"add": func(a, b int) int { return a + b },
		"num": func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
		"unit": func(attribute string) string {
			if c, ok := directory.LoadTaxonomy().CapacityAttribute(attribute); ok && c.Unit != "count" && c.Unit != "ISO class" {
				return c.Unit
			}
			return ""
		},
		"label":      taxonomyLabel,
		"savedQuery": SavedQuery,
		"list":       func(v ...string) []string { return v },
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"contains": func(list []string, v string) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, n := range names {
		name := path.Base(n)
		if name == "layout.html" || name == "partials.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		v.pages[strings.TrimSuffix(name, ".html")] = t
	}
	return v, nil
}

// taxonomyLabel names a taxonomy code in lang: label "sector" "medtech" "fr".
// An unknown code shows as itself.
func taxonomyLabel(vocabulary, code, lang string) string {
	t := directory.LoadTaxonomy()
	var term directory.Term
	var ok bool
	switch vocabulary {
	case "sector":
		term, ok = t.Sector(code)
	case "kind":
		term, ok = t.Kind(code)
	case "college":
		term, ok = t.College(code)
	case "step":
		term, ok = t.Step(code)
	case "certification":
		term, ok = t.Certification(code)
	case "brick":
		term, ok = t.Brick(code)
	case "capacity":
		var c directory.Capacity
		c, ok = t.CapacityAttribute(code)
		term = c.Term
	default:
		panic("web: unknown vocabulary " + vocabulary)
	}
	if !ok {
		return code
	}
	return term.Label(lang)
}

var paris = mustLoadParis()

func mustLoadParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}

// Page is what every template receives.
type Page struct {
	Lang    string
	User    *auth.User
	Title   string // message key
	Cluster string
	Path    string
	Flash   string // translated
	Errors  validate.Errors
	Message string // a translated form-level error
	Form    url.Values
	Data    any
	Nav     []NavItem
	Unread  int // the signed-in user's unread notifications
}

// NavItem is one entry of the role's navigation.
type NavItem struct {
	Href, Key string
	Current   bool
}

// T translates a message key into the page's language.
func (p *Page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// Label translates prefix+"."+code when the catalogs have it, else shows
// the code itself (audit actions and entities added by later domains).
func (p *Page) Label(prefix, code string) string {
	if k := prefix + "." + code; i18n.Has(k) {
		return i18n.T(p.Lang, k)
	}
	return code
}

// Other is the language the switch offers.
func (p *Page) Other() string {
	if p.Lang == "en" {
		return "fr"
	}
	return "en"
}

// FieldError is the translated error for field, or "".
func (p *Page) FieldError(field string) string {
	if fe, ok := p.Errors.For(field); ok {
		return i18n.T(p.Lang, fe.Key, fe.Args...)
	}
	return ""
}

// Value is the submitted value of a form field, for redisplay.
func (p *Page) Value(field string) string {
	if p.Form == nil {
		return ""
	}
	return p.Form.Get(field)
}

// Can tells whether the signed-in user may perform action (for menus).
func (p *Page) Can(action string) bool { return auth.Can(p.User, auth.Action(action), 0) }

// page prepares a Page for the request.
func (s *Server) page(w http.ResponseWriter, r *http.Request, title string, data any) *Page {
	rq := reqOf(r)
	p := &Page{Lang: rq.lang, User: rq.user, Title: title, Cluster: s.Config.ClusterName, Path: r.URL.Path, Data: data}
	if c, err := r.Cookie(flashCookie); err == nil && c.Value != "" {
		if key, err := url.QueryUnescape(c.Value); err == nil && i18n.Has(key) {
			p.Flash = i18n.T(rq.lang, key)
		}
		http.SetCookie(w, s.cookie(flashCookie, "", -1))
	}
	p.Nav = navFor(rq.user, r.URL.Path)
	if rq.user != nil {
		n, err := notify.Unread(r.Context(), s.DB, rq.user.ID)
		if err != nil {
			s.Logger.Warn("unread notifications", "err", err)
		}
		p.Unread = n
	}
	return p
}

// navFor is the navigation a role sees.
func navFor(u *auth.User, current string) []NavItem {
	var items []NavItem
	add := func(href, key string, action auth.Action) {
		if auth.Can(u, action, 0) {
			cur := current == href || (href != "/" && strings.HasPrefix(current, href+"/"))
			items = append(items, NavItem{Href: href, Key: key, Current: cur})
		}
	}
	if u == nil {
		add("/", "nav.home", auth.ActPublic)
		add("/organisations", "nav.organisations", auth.ActOrgView)
		add("/coverage", "nav.coverage", auth.ActOrgView)
		add("/needs/post", "nav.post_need", auth.ActPublic)
		add("/events", "nav.events", auth.ActPublic)
		add("/calls", "nav.calls", auth.ActPublic)
		return items
	}
	add("/dashboard", "nav.dashboard", auth.ActSignedIn)
	add("/organisations", "nav.organisations", auth.ActOrgView)
	add("/coverage", "nav.coverage", auth.ActOrgView)
	if !u.Role.IsStaff() {
		add("/needs", "nav.desk", auth.ActNeedPost)
	}
	add("/events", "nav.events", auth.ActPublic)
	if !u.Role.IsStaff() {
		add("/my/events", "nav.my_events", auth.ActSignedIn)
	}
	add("/calls", "nav.calls", auth.ActPublic)
	if !u.Role.IsStaff() {
		add("/expert", "nav.evaluation", auth.ActCallsEvaluate)
	}
	add("/admin/needs", "nav.needs", auth.ActNeedsManage)
	add("/admin/events", "nav.events_admin", auth.ActEventsManage)
	add("/admin/surveys", "nav.surveys", auth.ActSurveysManage)
	add("/admin/calls", "nav.calls_admin", auth.ActCallsManage)
	add("/admin/changes", "nav.changes", auth.ActOrgValidate)
	add("/admin/taxonomy", "nav.taxonomy", auth.ActTaxonomy)
	add("/admin/users", "nav.users", auth.ActUsersView)
	add("/admin/audit", "nav.audit", auth.ActAuditView)
	add("/admin/operations", "nav.operations", auth.ActMetrics)
	return items
}

// render writes a page with status code; template errors become a 500
// without the page half-written.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t, ok := s.views.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.Logger.Error("render", "template", name, "err", err)
		if name != "error" {
			s.renderError(w, r, http.StatusInternalServerError)
		} else {
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// errorPage is the data of the 403/404/500 pages.
type errorPage struct {
	Code int
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, code int) {
	p := s.page(w, r, fmt.Sprintf("error.%d.title", code), errorPage{Code: code})
	s.render(w, r, code, "error", p)
}

// flash leaves a message key for the next page the user sees.
func (s *Server) flash(w http.ResponseWriter, key string) {
	http.SetCookie(w, s.cookie(flashCookie, url.QueryEscape(key), 60))
}

// redirect answers a successful form post.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) {
	if flashKey != "" {
		s.flash(w, flashKey)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// formError shows a form again with its errors beside the fields (422).
func (s *Server) formError(w http.ResponseWriter, r *http.Request, name string, p *Page, err error) {
	if fe, ok := validate.As(err); ok {
		p.Errors = fe
	} else if m, ok := validate.AsMessage(err); ok {
		p.Message = i18n.T(p.Lang, m.Key, m.Args...)
	} else {
		s.Logger.Error("form", "page", name, "err", err)
		s.renderError(w, r, http.StatusInternalServerError)
		return
	}
	if p.Form == nil {
		p.Form = r.PostForm
	}
	s.render(w, r, http.StatusUnprocessableEntity, name, p)
}

// apiError writes a JSON error in the caller's language.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": key, "message": i18n.T(reqOf(r).lang, key, args...)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// localPath keeps a post-login or post-switch redirect on this site.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}
