package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/booklet"
	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/tabular"
	"filiere/internal/validate"
)

// maxSelection is the most organisations an export holds; maxBooklet the
// most a booklet holds (two per page: a 100-page brochure), which also
// bounds the memory a booklet takes to render.
const (
	maxSelection = directory.MaxPageSize
	maxBooklet   = 200
)

// selection runs the search the URL describes (the same parameters as the
// organisations page) for a booklet or an export, up to maxSelection
// organisations, as the caller may see them.
func (s *Server) selection(w http.ResponseWriter, r *http.Request, limit int) (directory.SearchQuery, directory.SearchResult, bool) {
	sq, err := searchQuery(r.URL.Query(), limit, 0, reqOf(r).user)
	var res directory.SearchResult
	if err == nil {
		res, err = s.Directory.Search(r.Context(), sq)
	}
	if _, ok := validate.As(err); ok {
		s.redirect(w, r, "/organisations?"+r.URL.RawQuery, "organisations.bad_selection")
		return sq, res, false
	}
	if err != nil {
		s.fail(w, r, "selection", err)
		return sq, res, false
	}
	return sq, res, true
}

// describeSelection says in words what a search selected, for the
// booklet's cover.
func describeSelection(sq directory.SearchQuery, res directory.SearchResult, lang string) string {
	var parts []string
	if t := strings.TrimSpace(sq.Text); t != "" {
		parts = append(parts, "« "+t+" »")
	}
	for _, f := range []struct{ vocabulary, code string }{
		{"sector", sq.Sector}, {"kind", sq.Kind}, {"step", sq.Step}, {"brick", sq.Brick}, {"certification", sq.Certification},
	} {
		if f.code != "" {
			parts = append(parts, taxonomyLabel(f.vocabulary, f.code, lang))
		}
	}
	for _, v := range []string{sq.Region, sq.Departement} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	if sq.Membership != "" {
		parts = append(parts, i18n.T(lang, directory.MembershipKey(sq.Membership)))
	}
	if res.Near.Label != "" {
		km := sq.Km
		if km == 0 {
			km = directory.DefaultKm
		}
		parts = append(parts, i18n.T(lang, "organisations.within", strconv.FormatFloat(km, 'f', -1, 64), res.Near.Label))
	}
	if len(parts) == 0 {
		return i18n.T(lang, "booklet.whole_directory")
	}
	return strings.Join(parts, " · ")
}

// organisationsBooklet renders the selection as the competencies booklet,
// a PDF in the language asked for (lang=fr|en, else the page's).
func (s *Server) organisationsBooklet(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("lang")
	if lang != "fr" && lang != "en" {
		lang = reqOf(r).lang
	}
	sq, res, ok := s.selection(w, r, maxBooklet)
	if !ok {
		return
	}
	now := time.Now()
	b := booklet.Booklet{Lang: lang, ClusterName: s.Config.ClusterName, Title: r.URL.Query().Get("title"),
		Selection: describeSelection(sq, res, lang), Generated: now}
	if res.Total > len(res.Hits) {
		b.Selection += " · " + i18n.T(lang, "booklet.first_of", len(res.Hits), res.Total)
	}
	for _, h := range res.Hits {
		o := h.Organisation
		p := booklet.Profile{Name: o.DisplayName(), Kind: taxonomyLabel("kind", o.Kind, lang), City: o.City, Region: o.Region,
			Website: o.Website, Description: o.Description(lang)}
		for _, c := range o.Sectors {
			p.Sectors = append(p.Sectors, taxonomyLabel("sector", c, lang))
		}
		for _, c := range o.Steps {
			p.Steps = append(p.Steps, taxonomyLabel("step", c, lang))
		}
		for _, c := range o.Bricks {
			p.Bricks = append(p.Bricks, taxonomyLabel("brick", c, lang))
		}
		for _, sv := range o.Services {
			p.Services = append(p.Services, booklet.Service{Title: sv.Title(lang), Description: sv.Description(lang)})
		}
		for _, c := range o.Certifications {
			p.Certifications = append(p.Certifications, booklet.Certification{Name: c.Code, Scope: c.Scope, Issuer: c.Issuer,
				ValidUntil: c.ValidUntil, Expired: !c.Valid(now)})
		}
		// The hit is already reduced to what the caller may see: hidden
		// contacts are listed in Hidden, a hidden logo has HasLogo false.
		if !slices.Contains(o.Hidden, directory.FieldContacts) {
			people, err := s.Directory.People(r.Context(), o.ID)
			if err != nil {
				s.fail(w, r, "booklet", err)
				return
			}
			for _, pe := range people {
				p.Contacts = append(p.Contacts, booklet.Contact{Name: pe.Name(), Role: pe.JobTitle, Email: pe.Email, Phone: pe.Phone})
			}
		}
		if o.HasLogo {
			if l, err := s.Directory.Logo(r.Context(), o.ID); err == nil {
				p.Logo = l.Data
			}
		}
		b.Profiles = append(b.Profiles, p)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, i18n.T(lang, "booklet.filename")+".pdf"))
	w.Header().Set("Cache-Control", "no-store")
	if err := booklet.Write(w, b); err != nil {
		s.Logger.Error("booklet", "err", err)
	}
}

// ExportColumns are the columns of the directory export, the import
// template's names (internal/importer reads them back).
var exportColumns = []string{"name", "short_name", "siret", "kind", "membership", "sectors", "steps", "bricks", "services",
	"certifications", "keywords", "website", "address", "postcode", "city", "departement", "region", "country",
	"latitude", "longitude", "headcount", "revenue", "founded", "description_fr", "description_en", "equipment", "capacity_notes"}

// organisationsExport writes the selection as CSV (French Excel flavour)
// or XLSX, with the fields the caller may see.
func (s *Server) organisationsExport(w http.ResponseWriter, r *http.Request) {
	format := "csv"
	if strings.HasSuffix(r.URL.Path, ".xlsx") {
		format = "xlsx"
	}
	_, res, ok := s.selection(w, r, maxSelection)
	if !ok {
		return
	}
	tax := directory.LoadTaxonomy()
	header := append([]string(nil), exportColumns...)
	for _, c := range tax.Capacities {
		header = append(header, c.Code)
	}
	rows := make([][]any, 0, len(res.Hits))
	for _, h := range res.Hits {
		o := h.Organisation
		var services, certs []string
		for _, sv := range o.Services {
			t := sv.TitleFR
			if sv.TitleEN != "" && sv.TitleEN != sv.TitleFR {
				t = strings.TrimPrefix(t+" / "+sv.TitleEN, " / ")
			}
			services = append(services, t)
		}
		for _, c := range o.Certifications {
			if c.ValidUntil.IsZero() {
				certs = append(certs, c.Code)
			} else {
				certs = append(certs, c.Code+":"+c.ValidUntil.Format(time.DateOnly))
			}
		}
		row := []any{o.Name, o.ShortName, o.SIRET, o.Kind, o.Membership, strings.Join(o.Sectors, "|"), strings.Join(o.Steps, "|"),
			strings.Join(o.Bricks, "|"), strings.Join(services, "|"), strings.Join(certs, "|"), strings.Join(o.Keywords, "|"),
			o.Website, o.Address, o.Postcode, o.City, o.Departement, o.Region, o.Country}
		if o.HasCoords {
			row = append(row, o.Latitude, o.Longitude)
		} else {
			row = append(row, "", "")
		}
		founded := any("")
		if o.Founded != 0 {
			founded = o.Founded
		}
		row = append(row, o.Headcount, o.Revenue, founded, o.DescriptionFR, o.DescriptionEN, o.Equipment, o.CapacityNotes)
		caps := map[string]float64{}
		for _, c := range o.Capacities {
			caps[c.Attribute] = c.Value
		}
		for _, c := range tax.Capacities {
			if v, ok := caps[c.Code]; ok {
				row = append(row, v)
			} else {
				row = append(row, "")
			}
		}
		rows = append(rows, row)
	}
	name := i18n.T(reqOf(r).lang, "booklet.filename")
	w.Header().Set("Cache-Control", "no-store")
	var err error
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		text := make([][]string, len(rows))
		for i, row := range rows {
			text[i] = make([]string, len(row))
			for j, v := range row {
				switch x := v.(type) {
				case float64:
					text[i][j] = strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
				default:
					text[i][j] = fmt.Sprint(x)
				}
			}
		}
		err = tabular.WriteCSV(w, header, text)
	} else {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		err = tabular.WriteXLSX(w, i18n.T(reqOf(r).lang, "organisations.title"), header, rows)
	}
	if err != nil {
		s.Logger.Error("export", "err", err)
	}
}
