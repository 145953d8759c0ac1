package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"

	"filiere/internal/chart"
	"filiere/internal/i18n"
	"filiere/internal/surveys"
)

// surveyResultsData is a survey's results page.
type surveyResultsData struct {
	Results  surveys.Results
	About    string
	Rate     string
	General  []surveyResultBlock // the questions about the whole subject
	Sessions []surveySessionBlock
	Flash    bool // a flash survey: the breakdowns by sector and kind are shown
}

// surveySessionBlock gathers the questions about one event session.
type surveySessionBlock struct {
	Label     string
	Questions []surveyResultBlock
}

// surveyResultBlock is one question's results, formatted.
type surveyResultBlock struct {
	Number   int
	Question surveys.Question
	Label    string
	Answers  int
	Scale    bool
	Text     bool
	Rows     []surveyCountRow // the distribution
	Chart    template.HTML
	Mean     string // scales; "" when it does not apply
	// Satisfied is the share of 4-5 (1-5 scale) or 7-10 (1-10 scale).
	Satisfied                       string
	NPS                             string
	Promoters, Passives, Detractors int
	Comments                        []surveys.Comment
	// The breakdowns of a flash survey; Heads name their columns.
	Heads            []string
	BySector, ByKind []surveyGroupRow
}

// surveyCountRow is one value or choice of a distribution.
type surveyCountRow struct {
	Label string
	Count int
	Share string
}

// surveyGroupRow is a question's figures over one sector or kind.
type surveyGroupRow struct {
	Label   string
	Answers int
	Cells   []string // as Heads says
}

// surveyValueLabel names a scale value: the 1-5 scale's words, else the
// number.
func surveyValueLabel(kind, code, lang string) string {
	if kind == surveys.KindScale5 {
		return code + " – " + i18n.T(lang, "surveysweb.scale5."+code)
	}
	return code
}

// surveyResultBlockOf formats one question's results in lang.
func surveyResultBlockOf(n int, qr surveys.QuestionResult, anonymous bool, lang string) surveyResultBlock {
	q := qr.Question
	_, _, scale := surveys.Range(q.Kind)
	b := surveyResultBlock{Number: n, Question: q, Label: q.Label(lang), Answers: qr.Answers, Scale: scale, Text: q.Kind == surveys.KindText,
		Comments: qr.Comments, Promoters: qr.Promoters, Passives: qr.Passives, Detractors: qr.Detractors}
	if anonymous {
		for i := range b.Comments {
			b.Comments[i].Name, b.Comments[i].Organisation = "", ""
		}
	}
	var bars []chart.Bar
	for _, c := range qr.Distribution {
		label := surveyValueLabel(q.Kind, c.Code, lang)
		if ch, ok := q.Choice(c.Code); ok {
			label = ch.Label(lang)
		}
		share := "—"
		if qr.Answers > 0 {
			share = surveyPercent(c.Share, lang)
		}
		b.Rows = append(b.Rows, surveyCountRow{Label: label, Count: c.Count, Share: share})
		bars = append(bars, chart.Bar{Label: label, Value: float64(c.Count), Note: share})
	}
	if len(bars) > 0 && qr.Answers > 0 {
		b.Chart = chart.HBar(bars, chart.BarOptions{Title: b.Label, Desc: i18n.T(lang, "surveysweb.results.chart_desc", qr.Answers),
			BarHeight: 16, MaxLabelChars: 32})
	}
	if qr.Answers > 0 {
		mean, satisfied, nps := surveyFigures(q.Kind, qr.Stats, lang)
		b.Mean, b.Satisfied, b.NPS = mean, satisfied, nps
	}
	// The breakdowns: the figures of the kind, or each choice's share.
	if len(qr.BySector) > 0 || len(qr.ByKind) > 0 {
		switch {
		case scale:
			b.Heads = append(b.Heads, i18n.T(lang, "surveysweb.results.mean"))
			if q.Kind == surveys.KindNPS {
				b.Heads = append(b.Heads, i18n.T(lang, "surveysweb.results.nps"))
			} else {
				b.Heads = append(b.Heads, i18n.T(lang, "surveysweb.results.satisfied"))
			}
		default:
			for _, c := range q.Choices {
				b.Heads = append(b.Heads, c.Label(lang))
			}
		}
		group := func(g surveys.Group, vocabulary string) surveyGroupRow {
			row := surveyGroupRow{Label: i18n.T(lang, "surveysweb.results.unknown"), Answers: g.Answers}
			if g.Code != "" {
				row.Label = taxonomyLabel(vocabulary, g.Code, lang)
			}
			if scale {
				mean, satisfied, nps := surveyFigures(q.Kind, g.Stats, lang)
				row.Cells = []string{mean, satisfied}
				if q.Kind == surveys.KindNPS {
					row.Cells[1] = nps
				}
				return row
			}
			for _, c := range g.Distribution {
				row.Cells = append(row.Cells, surveyPercent(c.Share, lang))
			}
			return row
		}
		for _, g := range qr.BySector {
			b.BySector = append(b.BySector, group(g, "sector"))
		}
		for _, g := range qr.ByKind {
			b.ByKind = append(b.ByKind, group(g, "kind"))
		}
	}
	return b
}

// surveyFigures are the mean, satisfied share and NPS a kind of question
// has ("" for those it has not).
func surveyFigures(kind string, st surveys.Stats, lang string) (mean, satisfied, nps string) {
	if _, _, ok := surveys.Range(kind); !ok || st.Answers == 0 {
		return "", "", ""
	}
	mean = surveyFigure(st.Mean, lang)
	switch kind {
	case surveys.KindScale5, surveys.KindScale10:
		satisfied = surveyPercent(st.Satisfied, lang)
	case surveys.KindNPS:
		nps = surveyFigure(st.NPS, lang)
	}
	return mean, satisfied, nps
}

func (s *Server) surveyResults(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	ctx := r.Context()
	res, err := s.Surveys.Results(ctx, id)
	if err != nil {
		s.fail(w, r, "survey results", err)
		return
	}
	_, evs, err := s.surveyEvents(ctx, reqOf(r).user)
	if err != nil {
		s.fail(w, r, "survey results", err)
		return
	}
	lang := reqOf(r).lang
	sv := res.Survey
	d := surveyResultsData{Results: res, About: surveySubject(sv, evs, lang), Rate: "—", Flash: sv.SubjectKind == surveys.SubjectFlash}
	if res.Invited > 0 {
		d.Rate = surveyPercent(res.ResponseRate, lang)
	}
	sessions := map[int64]int{}
	for i, qr := range res.Questions {
		b := surveyResultBlockOf(i+1, qr, sv.Anonymous, lang)
		if qr.Question.SessionID == 0 {
			d.General = append(d.General, b)
			continue
		}
		j, ok := sessions[qr.Question.SessionID]
		if !ok {
			j = len(d.Sessions)
			sessions[qr.Question.SessionID] = j
			d.Sessions = append(d.Sessions, surveySessionBlock{Label: qr.Question.SessionLabel})
		}
		d.Sessions[j].Questions = append(d.Sessions[j].Questions, b)
	}
	s.render(w, r, http.StatusOK, "survey_results", s.page(w, r, "surveysweb.results.title", d))
}

// sendSurveyXLSX sends a workbook as a download.
func sendSurveyXLSX(w http.ResponseWriter, filename string, buf *bytes.Buffer) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}

func (s *Server) surveyResultsXLSX(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	res, err := s.Surveys.Results(r.Context(), id)
	if err != nil {
		s.fail(w, r, "survey results", err)
		return
	}
	var buf bytes.Buffer
	if err := surveys.WriteResultsXLSX(&buf, res, reqOf(r).lang); err != nil {
		s.fail(w, r, "survey results", err)
		return
	}
	sendSurveyXLSX(w, "survey-"+strconv.FormatInt(id, 10)+"-results.xlsx", &buf)
}

func (s *Server) surveyAnswersXLSX(w http.ResponseWriter, r *http.Request) {
	sv, ok := s.staffSurvey(w, r)
	if !ok {
		return
	}
	rs, err := s.Surveys.Responses(r.Context(), sv.ID)
	if err != nil {
		s.fail(w, r, "survey answers", err)
		return
	}
	var buf bytes.Buffer
	if err := surveys.WriteAnswersXLSX(&buf, sv, rs, reqOf(r).lang); err != nil {
		s.fail(w, r, "survey answers", err)
		return
	}
	sendSurveyXLSX(w, "survey-"+strconv.FormatInt(sv.ID, 10)+"-answers.xlsx", &buf)
}
