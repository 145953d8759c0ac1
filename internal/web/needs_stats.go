package web

import (
	"bytes"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"filiere/internal/i18n"
	"filiere/internal/matchmaking"
	"filiere/internal/tabular"
	"filiere/internal/validate"
)

// needStatsData is the desk's statistics page.
type needStatsData struct {
	needHelpers
	From, To string // YYYY-MM, both included
	Stats    matchmaking.Stats
	Query    template.URL // from=…&to=…, for the export link
}

// statsPeriod reads ?from=YYYY-MM&to=YYYY-MM (both months included) and
// returns [from, end): by default the last twelve months, this one
// included.
func statsPeriod(q url.Values, now time.Time) (from, end time.Time, fromS, toS string, errs validate.Errors) {
	y, m, _ := now.In(paris).Date()
	to := time.Date(y, m, 1, 0, 0, 0, 0, paris)
	from = to.AddDate(0, -11, 0)
	month := func(field string, def time.Time) time.Time {
		v := q.Get(field)
		if v == "" {
			return def
		}
		t, err := time.ParseInLocation("2006-01", v, paris)
		if err != nil {
			errs.Add(field, "needs.stats.month")
			return def
		}
		return t
	}
	from, to = month("from", from), month("to", to)
	if to.Before(from) {
		errs.Add("to", "needs.stats.order")
		from, to = to, from
	}
	return from, to.AddDate(0, 1, 0), from.Format("2006-01"), to.Format("2006-01"), errs
}

func (s *Server) needStats(w http.ResponseWriter, r *http.Request) {
	from, end, fromS, toS, errs := statsPeriod(r.URL.Query(), time.Now())
	st, err := s.Matchmaking.Stats(r.Context(), from, end)
	if err != nil {
		s.fail(w, r, "need stats", err)
		return
	}
	d := needStatsData{From: fromS, To: toS, Stats: st, Query: template.URL(url.Values{"from": {fromS}, "to": {toS}}.Encode())}
	p := s.page(w, r, "needs.stats.title", d)
	p.Form = url.Values{"from": {fromS}, "to": {toS}}
	status := http.StatusOK
	if errs != nil {
		p.Errors, p.Form, status = errs, r.URL.Query(), http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "needs_stats", p)
}

// Rate writes a row's acceptance rate as a percentage.
func (needStatsData) Rate(row matchmaking.StatsRow, lang string) string {
	if row.Accepted+row.Declined+row.Expired == 0 {
		return "—"
	}
	return formatNumber(math.Round(row.AcceptanceRate()*1000)/10, lang) + "\u00a0%"
}

// Delay writes a median time to shortlist: hours under two days, days
// beyond.
func (needStatsData) Delay(hours float64, lang string) string {
	switch {
	case hours <= 0:
		return "—"
	case hours < 48:
		return i18n.T(lang, "needs.stats.hours", formatNumber(math.Round(hours*10)/10, lang))
	}
	return i18n.T(lang, "needs.stats.days", formatNumber(math.Round(hours/24*10)/10, lang))
}

// Month writes 2026-03 as 03/2026 (or March 2026 in English).
func (needStatsData) Month(m, lang string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	if lang == "en" {
		return t.Format("January 2006")
	}
	return t.Format("01/2006")
}

// needStatsXLSX sends the statistics of the period as a workbook: one
// row per month and sector, then the totals per month, per sector and of
// the period.
func (s *Server) needStatsXLSX(w http.ResponseWriter, r *http.Request) {
	from, end, fromS, toS, errs := statsPeriod(r.URL.Query(), time.Now())
	if errs != nil {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	st, err := s.Matchmaking.Stats(r.Context(), from, end)
	if err != nil {
		s.fail(w, r, "need stats", err)
		return
	}
	lang := reqOf(r).lang
	t := func(key string) string { return i18n.T(lang, key) }
	header := []string{t("needs.stats.month_col"), t("needs.field.sector"), t("needs.stats.needs"), t("needs.stats.shortlisted"),
		t("needs.stats.median_hours"), t("needs.stats.notified"), t("needs.stats.accepted"), t("needs.stats.declined"),
		t("needs.stats.expired"), t("needs.stats.rate"), t("needs.stats.introductions"), t("needs.stats.orders"), t("needs.stats.value")}
	all := t("needs.stats.all")
	row := func(month, sector string, x matchmaking.StatsRow) []any {
		if month == "" {
			month = fromS + " – " + toS
		}
		switch sector {
		case "":
			sector = all
		case "-":
			sector = t("needs.stats.no_sector")
		default:
			sector = taxonomyLabel("sector", sector, lang)
		}
		return []any{month, sector, x.Needs, x.Shortlisted, math.Round(x.MedianHoursToShortlist*10) / 10, x.Notified, x.Accepted,
			x.Declined, x.Expired, math.Round(x.AcceptanceRate()*1000) / 10, x.Introductions, x.OrdersWon, float64(x.OrderValue) / 100}
	}
	var rows [][]any
	for _, x := range st.Rows {
		rows = append(rows, row(x.Month, orNoSector(x.Sector), x))
	}
	for _, x := range st.ByMonth {
		rows = append(rows, row(x.Month, "", x))
	}
	for _, x := range st.BySector {
		rows = append(rows, row("", orNoSector(x.Sector), x))
	}
	rows = append(rows, row("", "", st.Total))
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, t("needs.stats.title"), header, rows); err != nil {
		s.fail(w, r, "need stats", err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="needs-`+fromS+`-`+toS+`.xlsx"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}

// orNoSector marks the needs without a sector, whose Sector is "" like
// the totals'.
func orNoSector(sector string) string {
	if sector == "" {
		return "-"
	}
	return sector
}
