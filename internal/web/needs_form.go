package web

import (
	"cmp"
	"errors"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"filiere/internal/auth"
	"filiere/internal/directory"
	"filiere/internal/matchmaking"
	"filiere/internal/tabular"
	"filiere/internal/validate"
)

// Who fills the need form in.
const (
	needFormPublic  = "public"  // anyone, identity typed in, e-mail checked
	needFormAccount = "account" // a signed-in buyer or member: the account is the buyer
	needFormStaff   = "staff"   // staff for a buyer (phone, trade fair)
)

// needFormData is what the need form shows besides the typed values.
type needFormData struct {
	Mode    string
	Action  string
	Tax     *directory.Taxonomy
	Regions []string
	MaxMB   int
}

// honeypot is the field hidden from people: a robot filling every field
// fills it too.
const honeypot = "website"

// needRegions are the regions of the embedded list of cities, for the
// location choice.
var needRegions = sync.OnceValue(func() []string {
	var out []string
	for _, c := range directory.Cities() {
		if c.Region != "" && !slices.Contains(out, c.Region) {
			out = append(out, c.Region)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(directory.Fold(a), directory.Fold(b)) })
	return out
})

func (s *Server) needForm(w http.ResponseWriter, r *http.Request, status int, p *Page, mode string) {
	action := map[string]string{needFormPublic: "/needs/post", needFormAccount: "/needs/new", needFormStaff: "/admin/needs/new"}[mode]
	p.Data = needFormData{Mode: mode, Action: action, Tax: directory.LoadTaxonomy(), Regions: needRegions(),
		MaxMB: matchmaking.MaxAttachmentBytes >> 20}
	s.render(w, r, status, "need_form", p)
}

func (s *Server) publicNeedForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "needs.post.title", nil)
	p.Form = url.Values{"need_lang": {p.Lang}}
	s.needForm(w, r, http.StatusOK, p, needFormPublic)
}

func (s *Server) newNeedForm(w http.ResponseWriter, r *http.Request) {
	if reqOf(r).user.Role.IsStaff() {
		http.Redirect(w, r, "/admin/needs/new", http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "needs.new.title", nil)
	p.Form = url.Values{"need_lang": {p.Lang}}
	s.needForm(w, r, http.StatusOK, p, needFormAccount)
}

func (s *Server) staffNeedForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "needs.staff_new.title", nil)
	p.Form = url.Values{"need_lang": {"fr"}, "buyer_lang": {"fr"}}
	s.needForm(w, r, http.StatusOK, p, needFormStaff)
}

func (s *Server) postPublicNeed(w http.ResponseWriter, r *http.Request) {
	s.submitNeed(w, r, needFormPublic)
}

func (s *Server) postNeed(w http.ResponseWriter, r *http.Request) {
	if reqOf(r).user.Role.IsStaff() {
		http.Redirect(w, r, "/admin/needs/new", http.StatusSeeOther)
		return
	}
	s.submitNeed(w, r, needFormAccount)
}

func (s *Server) postStaffNeed(w http.ResponseWriter, r *http.Request) {
	s.submitNeed(w, r, needFormStaff)
}

func (s *Server) needPosted(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "need_posted", s.page(w, r, "needs.posted.title", nil))
}

// upload is a file posted with a form.
type upload struct {
	name string
	data []byte
}

// parseUploadForm reads a form that may carry a file (multipart) or not.
// It answers the request itself (413, 400) when it returns false.
func (s *Server) parseUploadForm(w http.ResponseWriter, r *http.Request, field string, limit int64) (*upload, validate.Errors, bool) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, nil, s.parseForm(w, r)
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderError(w, r, http.StatusRequestEntityTooLarge)
		} else {
			s.renderError(w, r, http.StatusBadRequest)
		}
		return nil, nil, false
	}
	fh := r.MultipartForm.File[field]
	if len(fh) == 0 || fh[0].Filename == "" || fh[0].Size == 0 {
		return nil, nil, true
	}
	tooLarge := validate.Errors{{Field: field, Key: "matchmaking.attachment_size", Args: []any{int(limit >> 20)}}}
	if fh[0].Size > limit {
		return nil, tooLarge, true
	}
	f, err := fh[0].Open()
	if err != nil {
		s.fail(w, r, "upload", err)
		return nil, nil, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		s.fail(w, r, "upload", err)
		return nil, nil, false
	}
	if int64(len(data)) > limit {
		return nil, tooLarge, true
	}
	// Checked before the need is submitted, so that a refused file leaves
	// no need behind without it.
	if _, err := matchmaking.CheckAttachment(data); err != nil {
		fe, _ := validate.As(err)
		for i := range fe {
			fe[i].Field = field
		}
		return nil, fe, true
	}
	return &upload{name: fh[0].Filename, data: data}, nil, true
}

// submitNeed records a need from the form filled in by mode's person.
func (s *Server) submitNeed(w http.ResponseWriter, r *http.Request, mode string) {
	file, fileErrs, ok := s.parseUploadForm(w, r, "attachment", matchmaking.MaxAttachmentBytes)
	if !ok {
		return
	}
	ctx := r.Context()
	rq := reqOf(r)
	f := r.PostForm
	title := map[string]string{needFormPublic: "needs.post.title", needFormAccount: "needs.new.title", needFormStaff: "needs.staff_new.title"}[mode]
	if mode == needFormPublic && strings.TrimSpace(f.Get(honeypot)) != "" {
		s.Logger.Info("need form honeypot filled", "ip", rq.ip)
		http.Redirect(w, r, "/needs/posted", http.StatusSeeOther)
		return
	}
	in, errs := needInput(f, rq.lang)
	if mode == needFormStaff {
		in.BuyerLang = f.Get("buyer_lang")
		if id := strings.TrimSpace(f.Get("buyer_org_id")); id != "" {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil || n <= 0 {
				errs.Add("buyer_org_id", "directory.organisation_unknown")
			} else if _, err := s.Directory.Organisation(ctx, n); isNotFound(err) {
				errs.Add("buyer_org_id", "directory.organisation_unknown")
			} else if err != nil {
				s.fail(w, r, "need form", err)
				return
			}
			in.BuyerOrgID = n
		}
	}
	errs = append(errs, fileErrs...)
	fail := func(status int, errs validate.Errors, message string) {
		p := s.page(w, r, title, nil)
		p.Form, p.Errors = f, errs
		if message != "" {
			p.Message = p.T(message)
		}
		s.needForm(w, r, status, p, mode)
	}
	if errs != nil {
		fail(http.StatusUnprocessableEntity, errs, "needs.form_errors")
		return
	}
	var who *auth.User
	if mode != needFormPublic {
		who = rq.user
	}
	n, err := s.Matchmaking.Submit(ctx, who, in, false)
	if fe, ok := validate.As(err); ok {
		fail(http.StatusUnprocessableEntity, fe, "needs.form_errors")
		return
	}
	switch {
	case errors.Is(err, matchmaking.ErrRateLimited):
		fail(http.StatusTooManyRequests, nil, "needs.rate_limited")
		return
	case errors.Is(err, matchmaking.ErrNotAllowed):
		s.renderError(w, r, http.StatusForbidden)
		return
	case err != nil:
		s.fail(w, r, "submit need", err)
		return
	}
	flash := ""
	if file != nil {
		if _, err := s.Matchmaking.AddAttachment(ctx, n.ID, file.name, file.data); err != nil {
			// The need is recorded: say the file was not kept rather than lose the need.
			s.Logger.Warn("need attachment refused", "need", n.ID, "err", err)
			flash = "needs.flash.attachment_refused"
		}
	}
	switch mode {
	case needFormPublic:
		s.redirect(w, r, "/needs/posted", flash)
	case needFormAccount:
		s.redirect(w, r, needPath(n.ID), cmp.Or(flash, "needs.flash.posted"))
	default:
		s.redirect(w, r, "/admin/needs/"+strconv.FormatInt(n.ID, 10), cmp.Or(flash, "needs.flash.posted_staff"))
	}
}

// needInput reads the need form. A number, an amount or a date that does
// not parse is a field error; the domain checks the rest.
func needInput(f url.Values, lang string) (matchmaking.Input, validate.Errors) {
	var errs validate.Errors
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	in := matchmaking.Input{Title: get("title"), Description: get("description"), Lang: get("need_lang"), Sector: get("sector"),
		Bricks: f["bricks"], Certifications: f["certifications"], Region: get("region"), Near: get("near"),
		Quantities: get("quantities"), Anonymous: f.Get("anonymous") == "1",
		BuyerName: get("buyer_name"), BuyerEmail: get("buyer_email"), BuyerPhone: get("buyer_phone"),
		BuyerCompany: get("buyer_company"), BuyerLang: lang}
	for line := range strings.Lines(f.Get("services")) {
		in.Services = append(in.Services, strings.TrimSpace(line))
	}
	if km := get("km"); km != "" {
		n, err := strconv.Atoi(km)
		if err != nil {
			errs.Add("km", "directory.km")
		}
		in.Km = n
	}
	for _, c := range directory.LoadTaxonomy().Capacities {
		// A cleanroom is better the lower its ISO class: the need sets the
		// highest class it accepts, every other capacity a minimum.
		upper := c.Unit == "ISO class"
		field := "min." + c.Code
		if upper {
			field = "max." + c.Code
		}
		v := get(field)
		if v == "" {
			continue
		}
		x, err := tabular.ParseDecimal(v)
		if err != nil {
			errs.Add("capacity."+c.Code, "directory.capacity_range")
			continue
		}
		r := directory.CapacityRange{Attribute: c.Code, Min: x}
		if upper {
			r = directory.CapacityRange{Attribute: c.Code, Max: x}
		}
		in.Capacities = append(in.Capacities, r)
	}
	if d := get("deadline"); d != "" {
		t, err := parseFormDate(d)
		if err != nil {
			errs.Add("deadline", "validate.date")
		}
		in.Deadline = t
	}
	var ok bool
	if in.BudgetMin, ok = parseEuros(get("budget_min")); !ok {
		errs.Add("budget_min", "needs.amount")
	}
	if in.BudgetMax, ok = parseEuros(get("budget_max")); !ok {
		errs.Add("budget_max", "needs.amount")
	}
	return in, errs
}

// parseFormDate reads a date input's value (2026-04-30), or a date typed
// by hand where the browser has no date picker (30/04/2026).
func parseFormDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return tabular.ParseDate(s)
}

// maxEuros bounds the amounts typed in, far above any real need.
const maxEuros = 1e12

// parseEuros reads an amount in euros as typed in France or elsewhere
// ("12 500", "12 500,50 €", "12,500.50") into cents; "" is 0.
func parseEuros(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	v, err := tabular.ParseDecimal(s)
	if err != nil || v < 0 || v > maxEuros || math.IsNaN(v) {
		return 0, false
	}
	return int64(math.Round(v * 100)), true
}

// formatEuros writes cents as French ("12 500,50 €", with narrow no-break
// spaces) or English ("€12,500.50") readers expect; whole amounts without
// cents.
func formatEuros(cents int64, lang string) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	sep, dec := "\u202f", ","
	if lang == "en" {
		sep, dec = ",", "."
	}
	s := groupThousands(strconv.FormatInt(cents/100, 10), sep)
	if c := cents % 100; c != 0 {
		s += dec + strconv.FormatInt(c/10, 10) + strconv.FormatInt(c%10, 10)
	}
	if lang == "en" {
		s = "€" + s
	} else {
		s += "\u00a0€"
	}
	if neg {
		s = "-" + s
	}
	return s
}

func groupThousands(digits, sep string) string {
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatNumber writes a quantity with the language's decimal mark.
func formatNumber(v float64, lang string) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// budgetRange writes a budget: both ends, or the one given.
func budgetRange(lo, hi int64, lang string) string {
	switch {
	case lo > 0 && hi > 0:
		return formatEuros(lo, lang) + " – " + formatEuros(hi, lang)
	case hi > 0:
		return "≤ " + formatEuros(hi, lang)
	default:
		return "≥ " + formatEuros(lo, lang)
	}
}

// euroInput writes cents back into an amount field.
func euroInput(cents int64) string {
	if cents == 0 {
		return ""
	}
	s := strconv.FormatInt(cents/100, 10)
	if c := cents % 100; c != 0 {
		s += "," + strconv.FormatInt(c/10, 10) + strconv.FormatInt(c%10, 10)
	}
	return s
}
