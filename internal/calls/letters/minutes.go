package letters

import (
	"io"
	"strconv"
	"strings"
	"time"

	"filiere/internal/pdffont"
)

// Minutes are the record of one committee session.
type Minutes struct {
	Lang      string
	Title     string // e.g. "Comité d'évaluation des projets — séance 4"
	Date      time.Time
	Place     string
	Present   []string
	Absent    []string
	Quorum    int // members required; 0 prints no quorum line
	QuorumMet bool
	Items     []MinutesItem
	Ranking   *Ranking // voucher competitions only
	Notes     string   // paragraphs separated by blank lines
}

// MinutesItem is one application the committee reviewed.
type MinutesItem struct {
	Reference, Title, Lead string
	Score                  string   // formatted, "" if none
	Recused                []string // experts who left the room for this item
	Decision               string   // already translated label
	Comment                string
}

// Ranking is the order of a voucher competition: the applications above
// the cut-off line, drawn after Available rows, can be funded.
type Ranking struct {
	Available int    // vouchers (or places) to award
	TieRule   string // how equal scores were separated, as staff wrote it
	Rows      []RankRow
}

// RankRow is one ranked application.
type RankRow struct {
	Rank                          int
	Reference, Title, Lead, Score string
	Selected                      bool
}

// WriteMinutes renders m as an A4 PDF on the cluster's letterhead: the
// session, attendance and quorum, the applications reviewed with their
// recusals and decisions, the ranking with its cut-off line, the notes
// and the signatory.
func WriteMinutes(w io.Writer, lh Letterhead, m Minutes) error {
	d, err := newDoc(m.Lang, lh, "P", m.Title, m.Date)
	if err != nil {
		return err
	}
	title := pdffont.Clean(m.Title)
	d.running = strings.Join(nonEmpty(d.lh.Name, title), " — ")
	d.letterhead()

	d.face("B", 15, black)
	d.text(marginX, d.textW(), title, "L")
	d.pdf.SetY(d.pdf.GetY() + 2)
	d.face("", 10, black)
	if !m.Date.IsZero() {
		d.text(marginX, d.textW(), d.t("letters.minutes.date", Date(d.lang, m.Date)), "L")
	}
	if place := pdffont.Clean(m.Place); place != "" {
		d.text(marginX, d.textW(), d.t("letters.minutes.place", place), "L")
	}
	d.pdf.SetY(d.pdf.GetY() + 3)
	d.text(marginX, d.textW(), d.t("letters.minutes.present", d.names(m.Present)), "L")
	if absent := cleanList(m.Absent); len(absent) > 0 {
		d.text(marginX, d.textW(), d.t("letters.minutes.absent", strings.Join(absent, ", ")), "L")
	}
	if m.Quorum > 0 {
		key := "letters.minutes.quorum_not_met"
		if m.QuorumMet {
			key = "letters.minutes.quorum_met"
		}
		d.face("B", 10, black)
		d.text(marginX, d.textW(), d.t(key, m.Quorum, len(cleanList(m.Present))), "L")
	}

	d.heading(d.t("letters.minutes.items"))
	if len(m.Items) == 0 {
		d.face("I", 10, grey)
		d.text(marginX, d.textW(), d.t("letters.minutes.no_items"), "L")
	} else {
		d.items(m.Items)
	}
	if m.Ranking != nil {
		d.ranking(*m.Ranking)
	}
	if strings.TrimSpace(m.Notes) != "" {
		d.heading(d.t("letters.minutes.notes"))
		d.face("", 10, black)
		d.paragraphs(m.Notes, 2.5)
	}
	d.signature(d.w/2 + 5)
	return d.write(w, "minutes")
}

// heading starts a section, never alone at the foot of a page.
func (d *doc) heading(s string) {
	d.pdf.SetY(d.pdf.GetY() + 6)
	d.need(7 + 20)
	d.face("B", 12, accent)
	d.text(marginX, d.textW(), pdffont.Clean(s), "L")
	d.pdf.SetY(d.pdf.GetY() + 1.5)
}

// names joins cleaned names, or says there were none.
func (d *doc) names(list []string) string {
	if l := cleanList(list); len(l) > 0 {
		return strings.Join(l, ", ")
	}
	return d.t("letters.minutes.nobody")
}

// items draws the reviewed applications: reference, project (title,
// lead, recusals, comment), score and decision.
func (d *doc) items(items []MinutesItem) {
	cols := []column{
		{d.t("letters.col.reference"), 24, "L"},
		{d.t("letters.col.project"), d.textW() - 24 - 18 - 34, "L"},
		{d.t("letters.col.score"), 18, "C"},
		{d.t("letters.col.decision"), 34, "L"},
	}
	rows := make([]row, len(items))
	for i, it := range items {
		project := cell{{text: pdffont.Clean(it.Title), style: "B", size: tableFont, color: black}}
		if lead := pdffont.Clean(it.Lead); lead != "" {
			project = append(project, piece{text: d.t("letters.minutes.lead", lead), size: tableFont, color: black})
		}
		if rec := cleanList(it.Recused); len(rec) > 0 {
			project = append(project, piece{text: d.t("letters.minutes.recused", strings.Join(rec, ", ")), style: "I", size: tableFont - 0.5, color: grey})
		}
		if c := pdffont.CleanText(it.Comment); c != "" {
			project = append(project, piece{text: c, size: tableFont - 0.5, color: black})
		}
		rows[i] = row{
			{{text: pdffont.Clean(it.Reference), size: tableFont, color: black}},
			project,
			{{text: pdffont.Clean(it.Score), style: "B", size: tableFont, color: black}},
			{{text: pdffont.Clean(it.Decision), style: "B", size: tableFont, color: accent}},
		}
	}
	d.table(cols, rows, nil)
}

// cutRed marks the cut-off line.
var cutRed = rgb{0xb0, 0x3a, 0x2e}

// ranking draws a voucher competition's order with a cut-off line after
// the Available first rows.
func (d *doc) ranking(r Ranking) {
	d.heading(d.t("letters.minutes.ranking"))
	d.face("", 10, black)
	d.text(marginX, d.textW(), d.t("letters.minutes.available", r.Available), "L")
	if tie := pdffont.Clean(r.TieRule); tie != "" {
		d.text(marginX, d.textW(), d.t("letters.minutes.tie_rule", tie), "L")
	}
	d.pdf.SetY(d.pdf.GetY() + 2)
	if len(r.Rows) == 0 {
		d.face("I", 10, grey)
		d.text(marginX, d.textW(), d.t("letters.minutes.no_items"), "L")
		return
	}
	cols := []column{
		{d.t("letters.col.rank"), 14, "C"},
		{d.t("letters.col.reference"), 24, "L"},
		{d.t("letters.col.project"), d.textW() - 14 - 24 - 18 - 20, "L"},
		{d.t("letters.col.score"), 18, "C"},
		{d.t("letters.col.selected"), 20, "C"},
	}
	rows := make([]row, len(r.Rows))
	for i, rr := range r.Rows {
		project := cell{{text: pdffont.Clean(rr.Title), style: "B", size: tableFont, color: black}}
		if lead := pdffont.Clean(rr.Lead); lead != "" {
			project = append(project, piece{text: lead, size: tableFont, color: black})
		}
		selected := piece{text: "—", size: tableFont, color: grey}
		if rr.Selected {
			selected = piece{text: d.t("letters.yes"), style: "B", size: tableFont, color: accent}
		}
		rank := ""
		if rr.Rank > 0 {
			rank = strconv.Itoa(rr.Rank)
		}
		rows[i] = row{
			{{text: rank, style: "B", size: tableFont, color: black}},
			{{text: pdffont.Clean(rr.Reference), size: tableFont, color: black}},
			project,
			{{text: pdffont.Clean(rr.Score), size: tableFont, color: black}},
			{selected},
		}
	}
	cut := func() {
		d.need(7)
		y := d.pdf.GetY() + 1
		d.pdf.SetDashPattern([]float64{2, 1}, 0)
		d.line(marginX, y, d.w-marginX, cutRed, 0.6)
		d.pdf.SetDashPattern(nil, 0)
		d.face("B", 8.5, cutRed)
		d.pdf.SetXY(marginX, y+0.8)
		d.pdf.CellFormat(d.textW(), 4.5, d.t("letters.minutes.cutoff", r.Available), "", 0, "C", false, 0, "")
		d.pdf.SetY(y + 6)
	}
	if r.Available <= 0 {
		cut()
	}
	d.table(cols, rows, func(i int) {
		if i+1 == r.Available && i+1 < len(r.Rows) {
			cut()
		}
	})
}

// nonEmpty drops the empty strings.
func nonEmpty(s ...string) []string {
	out := s[:0]
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
