package surveys

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/tabular"
)

// Response is one stored response, as the raw export lists it.
type Response struct {
	// Submitted is when it came (the first time, for a named response
	// edited later); for an anonymous survey, the day only (midnight UTC).
	Submitted time.Time
	// Name, Email and Organisation are the respondent's, for a named
	// survey only.
	Name, Email, Organisation string
	Sectors                   []string // the organisation's, at answer time
	Kind                      string
	Answers                   Answers
}

// Responses lists a survey's responses: named ones oldest first with the
// respondent, anonymous ones in no meaningful order and without identity.
func (s *Service) Responses(ctx context.Context, surveyID int64) ([]Response, error) {
	sv, err := s.Get(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	rs, err := s.responses(ctx, sv)
	if err != nil {
		return nil, fmt.Errorf("surveys: responses: %w", err)
	}
	emails := map[int64]string{}
	if !sv.Anonymous {
		rows, err := s.db.Query(ctx, `SELECT r.id, i.email FROM survey_responses r JOIN survey_invitations i ON i.id = r.invitation_id
			WHERE r.survey_id = ?`, sv.ID)
		if err != nil {
			return nil, fmt.Errorf("surveys: responses: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var email string
			if err := rows.Scan(&id, &email); err != nil {
				return nil, fmt.Errorf("surveys: responses: %w", err)
			}
			emails[id] = email
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("surveys: responses: %w", err)
		}
	}
	out := make([]Response, len(rs))
	for i, r := range rs {
		resp := Response{Submitted: r.submitted, Sectors: r.sectors, Kind: r.kind, Answers: Answers{}}
		if !sv.Anonymous {
			resp.Name, resp.Email, resp.Organisation = r.name, emails[r.id], r.organisation
			if resp.Name == resp.Email {
				resp.Name = ""
			}
		}
		for _, q := range sv.Questions {
			for _, a := range r.answers[q.ID] {
				resp.Answers[q.ID] = append(resp.Answers[q.ID], a.display())
			}
		}
		out[i] = resp
	}
	return out, nil
}

// WriteResultsXLSX writes the results as one sheet in lang, a row per
// figure so that the sheet's filters pick a question, a group or a
// session: for each question a total row (answers, mean, satisfied, NPS),
// a row per value or choice (count, share), a row per comment, and for a
// flash survey the same per sector and per kind. Figures are rounded to
// one decimal. The response rate comes first.
func WriteResultsXLSX(w io.Writer, r Results, lang string) error {
	lang = i18n.Lang(lang)
	t := func(key string, args ...any) string { return i18n.T(lang, "surveys.xlsx."+key, args...) }
	header := []string{t("number"), t("question"), t("session"), t("group"), t("answer"), t("count"), t("share"),
		t("mean"), t("satisfied"), t("nps"), t("respondent")}
	rate := any(nil)
	if r.Invited > 0 {
		rate = Round1(r.ResponseRate)
	}
	rows := [][]any{
		{nil, t("invited"), nil, nil, nil, r.Invited},
		{nil, t("responded"), nil, nil, nil, r.Responded, rate},
	}
	tax := directory.LoadTaxonomy()
	all := t("all")
	sessions := map[int64]string{}
	for _, g := range r.Sessions {
		sessions[g.SessionID] = g.Label
		if g.Label == "" {
			sessions[g.SessionID] = strconv.FormatInt(g.SessionID, 10)
		}
	}
	for i, qr := range r.Questions {
		q := qr.Question
		head := []any{i + 1, q.Label(lang), sessions[q.SessionID]}
		block := func(group string, st Stats) {
			mean, satisfied, nps := figures(q, st)
			rows = append(rows, append(append([]any{}, head...), group, t("total"), st.Answers, nil, mean, satisfied, nps))
			for _, c := range st.Distribution {
				var share any
				if st.Answers > 0 {
					share = Round1(c.Share)
				}
				rows = append(rows, append(append([]any{}, head...), group, countLabel(q, c, lang), c.Count, share))
			}
		}
		block(all, qr.Stats)
		for _, c := range qr.Comments {
			who := c.Name
			if c.Organisation != "" {
				who = strings.TrimSpace(who + " (" + c.Organisation + ")")
			}
			rows = append(rows, append(append([]any{}, head...), all, c.Text, nil, nil, nil, nil, nil, who))
		}
		for _, g := range qr.BySector {
			label := t("unknown")
			if term, ok := tax.Sector(g.Code); ok {
				label = term.Label(lang)
			} else if g.Code != "" {
				label = g.Code
			}
			block(t("sector", label), g.Stats)
		}
		for _, g := range qr.ByKind {
			label := t("unknown")
			if term, ok := tax.Kind(g.Code); ok {
				label = term.Label(lang)
			} else if g.Code != "" {
				label = g.Code
			}
			block(t("kind", label), g.Stats)
		}
	}
	return tabular.WriteXLSX(w, t("sheet"), header, rows)
}

// figures are the rounded mean, satisfied share and NPS the question's
// kind has, or empty cells (also when nobody answered).
func figures(q Question, st Stats) (mean, satisfied, nps any) {
	if st.Answers == 0 {
		return nil, nil, nil
	}
	if _, _, ok := Range(q.Kind); ok {
		mean = Round1(st.Mean)
	}
	if q.Kind == KindScale5 || q.Kind == KindScale10 {
		satisfied = Round1(st.Satisfied)
	}
	if q.Kind == KindNPS {
		nps = Round1(st.NPS)
	}
	return mean, satisfied, nps
}

// WriteAnswersXLSX writes the raw answers as one sheet in lang: a row per
// response (date, respondent for a named survey, organisation's sectors
// and kind), a column per question (the value of a scale, the labels of
// the choices, the text).
func WriteAnswersXLSX(w io.Writer, sv Survey, rs []Response, lang string) error {
	lang = i18n.Lang(lang)
	t := func(key string, args ...any) string { return i18n.T(lang, "surveys.xlsx."+key, args...) }
	header := []string{t("submitted")}
	if !sv.Anonymous {
		header = append(header, t("name"), t("email"), t("organisation"))
	}
	header = append(header, t("sectors"), t("org_kind"))
	for i, q := range sv.Questions {
		header = append(header, fmt.Sprintf("%d. %s", i+1, q.Label(lang)))
	}
	tax := directory.LoadTaxonomy()
	rows := make([][]any, 0, len(rs))
	for _, r := range rs {
		var when any = r.Submitted.UTC()
		if !sv.Anonymous {
			when = r.Submitted.In(paris)
		}
		row := []any{when}
		if !sv.Anonymous {
			row = append(row, r.Name, r.Email, r.Organisation)
		}
		var sectors []string
		for _, c := range r.Sectors {
			if term, ok := tax.Sector(c); ok {
				sectors = append(sectors, term.Label(lang))
			} else {
				sectors = append(sectors, c)
			}
		}
		kind := r.Kind
		if term, ok := tax.Kind(r.Kind); ok {
			kind = term.Label(lang)
		}
		row = append(row, strings.Join(sectors, ", "), kind)
		for _, q := range sv.Questions {
			vals := r.Answers[q.ID]
			switch {
			case len(vals) == 0:
				row = append(row, nil)
			case HasChoices(q.Kind):
				labels := make([]string, len(vals))
				for j, v := range vals {
					labels[j] = v
					if c, ok := q.Choice(v); ok {
						labels[j] = c.Label(lang)
					}
				}
				row = append(row, strings.Join(labels, "; "))
			case q.Kind == KindText:
				row = append(row, vals[0])
			default:
				n, _ := strconv.Atoi(vals[0])
				row = append(row, n)
			}
		}
		rows = append(rows, row)
	}
	return tabular.WriteXLSX(w, t("answers_sheet"), header, rows)
}

// countLabel names a distribution entry: the scale value, or the choice.
func countLabel(q Question, c Count, lang string) string {
	if ch, ok := q.Choice(c.Code); ok {
		return ch.Label(lang)
	}
	return c.Code
}
