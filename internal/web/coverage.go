package web

import (
	"html/template"
	"net/http"
	"net/url"

	"filiere/internal/chart"
	"filiere/internal/directory"
	"filiere/internal/i18n"
)

type coverageData struct {
	C            directory.Coverage
	Heat         template.HTML
	Regions      template.HTML
	Departements template.HTML
}

// coverage shows the competency map: value-chain steps × sectors, regions
// and départements, and who masters each technology brick, as the viewer
// may see them.
func (s *Server) coverage(w http.ResponseWriter, r *http.Request) {
	u := reqOf(r).user
	lang := reqOf(r).lang
	c, err := s.Directory.Coverage(r.Context(), viewer(u, 0))
	if err != nil {
		s.fail(w, r, "coverage", err)
		return
	}
	rows := make([]string, len(c.Steps))
	for i, t := range c.Steps {
		rows[i] = t.Label(lang)
	}
	cols := make([]string, len(c.Sectors))
	for j, t := range c.Sectors {
		cols[j] = t.Label(lang)
	}
	cells := make([][]chart.Cell, len(c.Steps))
	for i, step := range c.Steps {
		cells[i] = make([]chart.Cell, len(c.Sectors))
		for j, sector := range c.Sectors {
			q := url.Values{"step": {step.Code}, "sector": {sector.Code}}
			cells[i][j] = chart.Cell{Value: c.Orgs[i][j], Href: "/organisations?" + q.Encode(),
				Label: i18n.T(lang, "coverage.cell", cols[j], rows[i], c.Orgs[i][j], c.Services[i][j])}
		}
	}
	d := coverageData{C: c}
	d.Heat = chart.Heat(rows, cols, cells, chart.HeatOptions{
		Title: i18n.T(lang, "coverage.matrix"), Desc: i18n.T(lang, "coverage.matrix_desc", c.Thin), Thin: c.Thin})
	bars := func(counts []directory.FacetCount, param string) []chart.Bar {
		out := make([]chart.Bar, len(counts))
		for i, fc := range counts {
			out[i] = chart.Bar{Label: fc.Value, Value: float64(fc.Count), Href: "/organisations?" + url.Values{param: {fc.Value}}.Encode()}
		}
		return out
	}
	d.Regions = chart.HBar(bars(c.ByRegion, "region"), chart.BarOptions{Title: i18n.T(lang, "coverage.by_region"), MaxLabelChars: 28})
	d.Departements = chart.HBar(bars(c.ByDepartement, "departement"), chart.BarOptions{Title: i18n.T(lang, "coverage.by_departement"), MaxLabelChars: 6, BarHeight: 14})
	s.render(w, r, http.StatusOK, "coverage", s.page(w, r, "coverage.title", d))
}
