package surveys

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/directory"
)

// Results are a survey's figures.
//
// Arithmetic: every figure is computed in float64 from the counts and
// kept unrounded; pages and exports show them with Round1 (one decimal,
// halves away from zero). Shares are percentages (0-100) of the
// question's answers, i.e. of the respondents who answered that question
// (blank answers to an optional question are left out). Mean is the sum
// of the values over the answers. Satisfied is the share of 4 and 5 on a
// 1-5 scale, of 7 to 10 on a 1-10 scale. NPS is the share of promoters
// (9-10) minus the share of detractors (0-6), in points from -100 to 100.
// ResponseRate is Responded over Invited, as a percentage.
type Results struct {
	Survey       Survey
	Invited      int     // invitations
	Responded    int     // invitations answered
	ResponseRate float64 // percent; 0 when nobody is invited
	Responses    int     // responses stored
	Questions    []QuestionResult
	// Sessions groups the questions about an event session, in the order
	// they first come.
	Sessions []SessionResult
}

// Stats are the figures of one question over a set of responses.
type Stats struct {
	Answers int // responses that answered the question
	// Distribution counts each value (scales, from the lowest) or choice
	// (in the question's order); empty for text questions.
	Distribution []Count
	Mean         float64 // scales and NPS
	Satisfied    float64 // scale5 and scale10: percent satisfied
	// NPS questions: the counts of promoters (9-10), passives (7-8) and
	// detractors (0-6), and the score.
	Promoters, Passives, Detractors int
	NPS                             float64
}

// Count is how often one value or choice was given.
type Count struct {
	Code  string  // the choice's code, or the scale value as text
	Value int     // the scale value
	Count int     // answers giving it
	Share float64 // percent of the answers (for multiple choice the shares add up to more than 100)
}

// QuestionResult is a question's figures.
type QuestionResult struct {
	Question Question
	Stats
	// Comments are a text question's answers. Name and Organisation are
	// the respondent's, for a named survey only: the service returns
	// them, the page decides who sees them.
	Comments []Comment
	// BySector and ByKind break a flash survey's non-text question down
	// by the respondent's organisation's sector and kind at answer time
	// (taxonomy order; Code "" gathers the respondents without an
	// organisation, or without a sector). An organisation of several
	// sectors counts in each, so sector groups may add up to more than
	// the answers.
	BySector, ByKind []Group
}

// Group is a question's figures over the respondents of one sector or
// kind.
type Group struct {
	Code string
	Stats
}

// Comment is one answer to a text question.
type Comment struct {
	Text               string
	Name, Organisation string // named surveys only
}

// SessionResult gathers the questions about one event session.
type SessionResult struct {
	SessionID int64
	Label     string
	Questions []QuestionResult
}

// Round1 rounds to one decimal, halves away from zero: how figures are
// shown.
func Round1(x float64) float64 { return math.Round(x*10) / 10 }

// response is a stored response as the results read it.
type response struct {
	id                 int64
	sectors            []string
	kind               string
	name, organisation string
	submitted          time.Time
	answers            map[int64][]answer // by question
}

// Results computes a survey's figures.
func (s *Service) Results(ctx context.Context, surveyID int64) (Results, error) {
	sv, err := s.Get(ctx, surveyID)
	if err != nil {
		return Results{}, err
	}
	rs, err := s.responses(ctx, sv)
	if err != nil {
		return Results{}, fmt.Errorf("surveys: results: %w", err)
	}
	res := Results{Survey: sv, Invited: sv.Invited, Responded: sv.Responded, Responses: len(rs)}
	if sv.Invited > 0 {
		res.ResponseRate = 100 * float64(sv.Responded) / float64(sv.Invited)
	}
	tax := directory.LoadTaxonomy()
	for _, q := range sv.Questions {
		qr := QuestionResult{Question: q, Stats: stats(q, rs)}
		if q.Kind == KindText {
			for _, r := range rs {
				for _, a := range r.answers[q.ID] {
					qr.Comments = append(qr.Comments, Comment{Text: a.text, Name: r.name, Organisation: r.organisation})
				}
			}
		} else if sv.SubjectKind == SubjectFlash {
			qr.BySector = breakdown(q, rs, termCodes(tax.Sectors), func(r response) []string { return r.sectors })
			qr.ByKind = breakdown(q, rs, termCodes(tax.Kinds), func(r response) []string {
				if r.kind == "" {
					return nil
				}
				return []string{r.kind}
			})
		}
		res.Questions = append(res.Questions, qr)
		if q.SessionID == 0 {
			continue
		}
		i := slices.IndexFunc(res.Sessions, func(g SessionResult) bool { return g.SessionID == q.SessionID })
		if i < 0 {
			res.Sessions = append(res.Sessions, SessionResult{SessionID: q.SessionID})
			i = len(res.Sessions) - 1
		}
		if res.Sessions[i].Label == "" {
			res.Sessions[i].Label = q.SessionLabel
		}
		res.Sessions[i].Questions = append(res.Sessions[i].Questions, qr)
	}
	return res, nil
}

func termCodes(ts []directory.Term) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Code
	}
	return out
}

// breakdown computes q's figures per group (order lists the known codes
// in the order to show; unknown ones follow, then "").
func breakdown(q Question, rs []response, order []string, groups func(response) []string) []Group {
	by := map[string][]response{}
	for _, r := range rs {
		if len(r.answers[q.ID]) == 0 {
			continue
		}
		gs := groups(r)
		if len(gs) == 0 {
			gs = []string{""}
		}
		for _, g := range gs {
			by[g] = append(by[g], r)
		}
	}
	var codes []string
	for _, c := range order {
		if _, ok := by[c]; ok {
			codes = append(codes, c)
		}
	}
	var rest []string
	for c := range by {
		if c != "" && !slices.Contains(order, c) {
			rest = append(rest, c)
		}
	}
	slices.Sort(rest)
	codes = append(codes, rest...)
	if _, ok := by[""]; ok {
		codes = append(codes, "")
	}
	out := make([]Group, len(codes))
	for i, c := range codes {
		out[i] = Group{Code: c, Stats: stats(q, by[c])}
	}
	return out
}

// stats computes q's figures over rs.
func stats(q Question, rs []response) Stats {
	var st Stats
	lo, hi, scale := Range(q.Kind)
	if scale {
		for v := lo; v <= hi; v++ {
			st.Distribution = append(st.Distribution, Count{Code: strconv.Itoa(v), Value: v})
		}
	} else {
		for _, c := range q.Choices {
			st.Distribution = append(st.Distribution, Count{Code: c.Code})
		}
	}
	sum, satisfied := 0, 0
	for _, r := range rs {
		as := r.answers[q.ID]
		if len(as) == 0 {
			continue
		}
		st.Answers++
		for _, a := range as {
			if scale {
				v := int(a.value.Int64)
				if v < lo || v > hi {
					continue
				}
				st.Distribution[v-lo].Count++
				sum += v
				switch {
				case q.Kind == KindScale5 && v >= 4, q.Kind == KindScale10 && v >= 7:
					satisfied++
				}
				if q.Kind == KindNPS {
					switch {
					case v >= 9:
						st.Promoters++
					case v >= 7:
						st.Passives++
					default:
						st.Detractors++
					}
				}
				continue
			}
			if i := slices.IndexFunc(st.Distribution, func(c Count) bool { return c.Code == a.choice }); i >= 0 {
				st.Distribution[i].Count++
			}
		}
	}
	if q.Kind == KindText {
		st.Distribution = nil
	}
	if st.Answers == 0 {
		return st
	}
	n := float64(st.Answers)
	for i := range st.Distribution {
		st.Distribution[i].Share = 100 * float64(st.Distribution[i].Count) / n
	}
	if scale {
		st.Mean = float64(sum) / n
	}
	if q.Kind == KindScale5 || q.Kind == KindScale10 {
		st.Satisfied = 100 * float64(satisfied) / n
	}
	if q.Kind == KindNPS {
		st.NPS = 100*float64(st.Promoters)/n - 100*float64(st.Detractors)/n
	}
	return st
}

// responses reads a survey's responses with their answers. Named
// surveys' come with the respondent's name and organisation, oldest
// first; anonymous ones in the order of their random ids.
func (s *Service) responses(ctx context.Context, sv Survey) ([]response, error) {
	rows, err := s.db.Query(ctx, `SELECT r.id, r.sectors, r.kind, r.submitted_at, COALESCE(i.name, ''), COALESCE(i.email, ''), COALESCE(o.name, '')
		FROM survey_responses r LEFT JOIN survey_invitations i ON i.id = r.invitation_id
		LEFT JOIN organisations o ON o.id = i.organisation_id
		WHERE r.survey_id = ? ORDER BY r.submitted_at, r.id`, sv.ID)
	if err != nil {
		return nil, err
	}
	var rs []response
	index := map[int64]int{}
	for rows.Next() {
		var r response
		var sectors, email string
		if err := rows.Scan(&r.id, &sectors, &r.kind, &r.submitted, &r.name, &email, &r.organisation); err != nil {
			rows.Close()
			return nil, err
		}
		if sectors != "" {
			r.sectors = strings.Split(sectors, "\n")
		}
		if r.name == "" {
			r.name = email
		}
		if sv.Anonymous { // there is nothing to find, but never show it
			r.name, r.organisation = "", ""
		}
		r.submitted, r.answers = r.submitted.UTC(), map[int64][]answer{}
		index[r.id] = len(rs)
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.Query(ctx, `SELECT a.response_id, a.question_id, a.choice, a.value, a.text FROM survey_answers a
		JOIN survey_responses r ON r.id = a.response_id WHERE r.survey_id = ?`, sv.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var respID int64
		var a answer
		var v sql.NullInt64
		if err := rows.Scan(&respID, &a.question, &a.choice, &v, &a.text); err != nil {
			return nil, err
		}
		a.value = v
		if i, ok := index[respID]; ok {
			rs[i].answers[a.question] = append(rs[i].answers[a.question], a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Multiple choices in the question's order, whatever the rows' order.
	pos := map[int64]map[string]int{}
	for _, q := range sv.Questions {
		pos[q.ID] = map[string]int{}
		for j, c := range q.Choices {
			pos[q.ID][c.Code] = j
		}
	}
	for _, r := range rs {
		for qid, as := range r.answers {
			slices.SortFunc(as, func(x, y answer) int { return pos[qid][x.choice] - pos[qid][y.choice] })
		}
	}
	return rs, nil
}
