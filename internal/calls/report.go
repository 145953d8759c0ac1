package calls

// Renderers of the statistics: JSON for the API and scripts, XLSX and a
// printable HTML page for the annual report. The web pages and the
// command line use the same ones.

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"filiere/internal/i18n"
)

// statsCountsJSON are the counts of a row or group of the JSON.
type statsCountsJSON struct {
	Received      int `json:"received"`
	Labelled      int `json:"labelled"`
	Funded        int `json:"funded"`
	NotFunded     int `json:"not_funded"`
	Pending       int `json:"pending"`
	Individual    int `json:"individual"`
	Collaborative int `json:"collaborative"`
}

type statsRowJSON struct {
	SchemeGroup string `json:"scheme_group"`
	Scheme      string `json:"scheme"`
	statsCountsJSON
}

type statsGroupJSON struct {
	SchemeGroup string `json:"scheme_group"`
	statsCountsJSON
}

type statsTotalJSON struct {
	Received      int     `json:"received"`
	Labelled      int     `json:"labelled"`
	Funded        int     `json:"funded"`
	NotFunded     int     `json:"not_funded"`
	Pending       int     `json:"pending"`
	LabellingRate float64 `json:"labelling_rate"`
	FundedRate    float64 `json:"funded_rate"`
	Individual    int     `json:"individual"`
	Collaborative int     `json:"collaborative"`
}

type statsJSON struct {
	Year   int              `json:"year"`
	Rows   []statsRowJSON   `json:"rows"`
	Groups []statsGroupJSON `json:"groups"`
	Total  statsTotalJSON   `json:"total"`
}

func countsJSON(c Counts) statsCountsJSON {
	return statsCountsJSON{Received: c.Received, Labelled: c.Labelled, Funded: c.Funded, NotFunded: c.NotFunded,
		Pending: c.Pending, Individual: c.Individual, Collaborative: c.Collaborative}
}

// WriteStatsJSON writes st as {"year", "rows": [{"scheme_group",
// "scheme", counts}], "groups": [{"scheme_group", counts}], "total":
// {counts, "labelling_rate", "funded_rate"}}: counts are received,
// labelled, funded, not_funded, pending, individual and collaborative;
// rates are fractions rounded to 3 decimals (0.805); rows are ordered by
// scheme group, then scheme.
func WriteStatsJSON(w io.Writer, st Stats) error {
	out := statsJSON{Year: st.Year, Rows: []statsRowJSON{}, Groups: []statsGroupJSON{}}
	for _, l := range st.Schemes {
		out.Rows = append(out.Rows, statsRowJSON{SchemeGroup: l.SchemeGroup, Scheme: l.Scheme, statsCountsJSON: countsJSON(l.Counts)})
	}
	for _, g := range st.Groups {
		out.Groups = append(out.Groups, statsGroupJSON{SchemeGroup: g.SchemeGroup, statsCountsJSON: countsJSON(g.Counts)})
	}
	t := st.Total
	t.rates()
	out.Total = statsTotalJSON{Received: t.Received, Labelled: t.Labelled, Funded: t.Funded, NotFunded: t.NotFunded,
		Pending: t.Pending, LabellingRate: t.LabellingRate, FundedRate: t.FundedRate, Individual: t.Individual,
		Collaborative: t.Collaborative}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("calls: write statistics json: %w", err)
	}
	return nil
}

// statsLine is one line of the table the XLSX and HTML renderers print:
// a scheme, a group's subtotal or the total.
type statsLine struct {
	Kind   string // "scheme", "group" or "total"
	Group  string // the scheme group ("" on the total)
	Label  string // the scheme, "Subtotal ANR" or "Total"
	Counts Counts
}

// statsLines lays st out: each group's schemes followed by the group's
// subtotal, then the total.
func statsLines(st Stats, lang string) []statsLine {
	var out []statsLine
	for _, g := range st.Groups {
		for _, l := range st.Schemes {
			if l.SchemeGroup == g.SchemeGroup {
				c := l.Counts
				c.rates()
				out = append(out, statsLine{Kind: "scheme", Group: l.SchemeGroup, Label: l.Scheme, Counts: c})
			}
		}
		c := g.Counts
		c.rates()
		out = append(out, statsLine{Kind: "group", Group: g.SchemeGroup,
			Label: i18n.T(lang, "calls.report.subtotal", g.SchemeGroup), Counts: c})
	}
	t := st.Total
	t.rates()
	return append(out, statsLine{Kind: "total", Label: i18n.T(lang, "calls.report.total"), Counts: t})
}

// statsColumns are the figures' columns after the group and scheme, by
// message key.
var statsColumns = []string{"received", "labelled", "funded", "not_funded", "pending", "individual", "collaborative",
	"labelling_rate", "funded_rate", "funded_amount"}

// WriteStatsXLSX writes st as a workbook of one sheet in lang: a header
// row, a row per scheme, each group's subtotal and the total in bold,
// rates as percentages (stored as fractions with a % format), amounts
// funded in euros. A rate with nothing to divide by is left empty.
func WriteStatsXLSX(w io.Writer, st Stats, lang string) error {
	lang = i18n.Lang(lang)
	fail := func(err error) error { return fmt.Errorf("calls: write statistics xlsx: %w", err) }
	f := excelize.NewFile()
	defer f.Close()
	sheet := i18n.T(lang, "calls.report.sheet", st.Year)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fail(err)
	}
	percentFmt, euroFmt := "0.0%", "#,##0.00"
	styles := map[string]int{}
	for _, s := range []struct {
		name string
		bold bool
		num  *string
	}{{"text", false, nil}, {"percent", false, &percentFmt}, {"euro", false, &euroFmt},
		{"bold", true, nil}, {"bold_percent", true, &percentFmt}, {"bold_euro", true, &euroFmt}} {
		id, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: s.bold}, CustomNumFmt: s.num})
		if err != nil {
			return fail(err)
		}
		styles[s.name] = id
	}
	header := []any{i18n.T(lang, "calls.report.scheme_group"), i18n.T(lang, "calls.report.scheme")}
	for _, c := range statsColumns {
		header = append(header, i18n.T(lang, "calls.report."+c))
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return fail(err)
	}
	last, _ := excelize.CoordinatesToCellName(len(header), 1)
	if err := f.SetCellStyle(sheet, "A1", last, styles["bold"]); err != nil {
		return fail(err)
	}
	for i, l := range statsLines(st, lang) {
		row := i + 2
		c := l.Counts
		group, label := l.Group, l.Label
		if l.Kind != "scheme" {
			group, label = label, ""
		}
		cells := []any{group, label, c.Received, c.Labelled, c.Funded, c.NotFunded, c.Pending, c.Individual,
			c.Collaborative, rateCell(c.LabellingRate, c.Received), rateCell(c.FundedRate, c.Labelled),
			float64(c.FundedCents) / 100}
		start, _ := excelize.CoordinatesToCellName(1, row)
		// Strings go in as text cells: a scheme named "=…" is never a formula.
		if err := f.SetSheetRow(sheet, start, &cells); err != nil {
			return fail(err)
		}
		plain, pct, eur := styles["text"], styles["percent"], styles["euro"]
		if l.Kind != "scheme" {
			plain, pct, eur = styles["bold"], styles["bold_percent"], styles["bold_euro"]
		}
		for _, span := range []struct{ from, to, style int }{{1, 9, plain}, {10, 11, pct}, {12, 12, eur}} {
			from, _ := excelize.CoordinatesToCellName(span.from, row)
			to, _ := excelize.CoordinatesToCellName(span.to, row)
			if err := f.SetCellStyle(sheet, from, to, span.style); err != nil {
				return fail(err)
			}
		}
	}
	widths := []float64{24, 36, 10, 12, 10, 13, 11, 13, 14, 20, 20, 20}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, wd); err != nil {
			return fail(err)
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	if err := f.Write(w); err != nil {
		return fail(err)
	}
	return nil
}

// rateCell is a rate for a sheet: empty when its denominator is 0.
func rateCell(rate float64, denominator int) any {
	if denominator == 0 {
		return nil
	}
	return rate
}

// statsPage is what the HTML template reads.
type statsPage struct {
	Lang    string
	Year    int
	Labels  map[string]string
	Columns []string
	Lines   []statsLine
	Empty   bool
}

var statsTemplate = template.Must(template.New("stats").Funcs(template.FuncMap{
	"figure": func(lang, column string, c Counts) string { return statsFigure(lang, column, c) },
}).Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>{{index .Labels "title"}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
h1 { font-size: 1.4rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border: 1px solid #999; padding: .3rem .5rem; }
th { background: #eee; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.group td, tr.total td { font-weight: bold; background: #f5f5f5; }
tr.total td { border-top: 2px solid #111; }
p.notes { font-size: .8rem; color: #444; }
@media print { body { margin: 0; } th { background: none; } tr.group td, tr.total td { background: none; } }
</style>
</head>
<body>
<h1>{{index .Labels "title"}}</h1>
{{if .Empty}}<p>{{index .Labels "empty"}}</p>{{else}}
<table>
<thead><tr><th scope="col">{{index .Labels "scheme_group"}}</th><th scope="col">{{index .Labels "scheme"}}</th>
{{- range .Columns}}<th scope="col">{{index $.Labels .}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Lines}}
<tr class="{{.Kind}}">{{if eq .Kind "scheme"}}<td>{{.Group}}</td><td>{{.Label}}</td>{{else}}<td colspan="2">{{.Label}}</td>{{end}}
{{- $c := .Counts}}{{range $.Columns}}<td class="n">{{figure $.Lang . $c}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
<p class="notes">{{index .Labels "notes"}}</p>
{{end}}
</body>
</html>
`))

// WriteStatsHTML writes st as a standalone printable HTML page in lang
// (no script, no external asset; the style is in the page): the same
// table as the workbook, with the definitions of the figures under it.
func WriteStatsHTML(w io.Writer, st Stats, lang string) error {
	lang = i18n.Lang(lang)
	labels := map[string]string{
		"title":        i18n.T(lang, "calls.report.title", st.Year),
		"empty":        i18n.T(lang, "calls.report.empty", st.Year),
		"notes":        i18n.T(lang, "calls.report.notes"),
		"scheme_group": i18n.T(lang, "calls.report.scheme_group"),
		"scheme":       i18n.T(lang, "calls.report.scheme"),
	}
	for _, c := range statsColumns {
		labels[c] = i18n.T(lang, "calls.report."+c)
	}
	page := statsPage{Lang: lang, Year: st.Year, Labels: labels, Columns: statsColumns, Lines: statsLines(st, lang),
		Empty: st.Total.Received == 0}
	if err := statsTemplate.Execute(w, page); err != nil {
		return fmt.Errorf("calls: write statistics html: %w", err)
	}
	return nil
}

// statsFigure is one figure of the HTML table, written for lang: counts
// plainly, rates as "80,5 %" / "80.5%", amounts as "1 250 000 €" /
// "€1,250,000"; a rate with nothing to divide by is a dash.
func statsFigure(lang, column string, c Counts) string {
	switch column {
	case "received":
		return strconv.Itoa(c.Received)
	case "labelled":
		return strconv.Itoa(c.Labelled)
	case "funded":
		return strconv.Itoa(c.Funded)
	case "not_funded":
		return strconv.Itoa(c.NotFunded)
	case "pending":
		return strconv.Itoa(c.Pending)
	case "individual":
		return strconv.Itoa(c.Individual)
	case "collaborative":
		return strconv.Itoa(c.Collaborative)
	case "labelling_rate":
		return percent(lang, c.LabellingRate, c.Received)
	case "funded_rate":
		return percent(lang, c.FundedRate, c.Labelled)
	case "funded_amount":
		return euros(lang, c.FundedCents)
	}
	return ""
}

func percent(lang string, rate float64, denominator int) string {
	if denominator == 0 {
		return "–"
	}
	s := strconv.FormatFloat(rate*100, 'f', 1, 64)
	if lang == "en" {
		return s + "%"
	}
	return strings.Replace(s, ".", ",", 1) + "\u00a0%"
}

// euros writes whole euros with thousands grouped (cents are dropped:
// the report is in euros).
func euros(lang string, cents int64) string {
	digits := strconv.FormatInt((cents+50)/100, 10)
	sep := "\u202f"
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	if lang == "en" {
		return "€" + b.String()
	}
	return b.String() + "\u00a0€"
}
