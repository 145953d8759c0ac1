package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"filiere/internal/i18n"
	"filiere/internal/surveys"
	"filiere/internal/validate"
)

// What the invitee's link shows.
const (
	respondForm    = "form"    // the questions
	respondThanks  = "thanks"  // after answering
	respondClosed  = "closed"  // the survey takes no answers
	respondAlready = "already" // an anonymous survey answered before
)

// surveyRespondData is the questionnaire an invitee's link opens.
type surveyRespondData struct {
	Survey    surveys.Survey
	Responded bool // the invitee answered before
	Editable  bool // they may answer (again) now
	State     string
	Base      string // the link's path, where the form posts
	Title     string
	Intro     string
	// TitleLang and IntroLang are "fr" when an English page falls back
	// on the French text, so that it is read out as French.
	TitleLang, IntroLang string
	Deadline             string // the closing date in words, or ""
	Questions            []surveyAsk
}

// surveyAsk is one question as the form asks it, in the page's language.
type surveyAsk struct {
	ID        int64
	Field     string
	Kind      string
	Label     string
	LabelLang string // "fr" when an English page shows the French label
	Required  bool
	Session   string
	Points    []surveyPoint // a scale's values, lowest first
	Low, High string        // what the ends of a 1-10 or 0-10 scale mean
	Choices   []surveyPoint
}

// surveyPoint is one value or choice a question offers.
type surveyPoint struct {
	Value, Label string
	Lang         string // as surveyAsk.LabelLang
}

// fallbackLang is "fr" when an English page shows a French text for want
// of its English version en, else "".
func fallbackLang(lang, en string) string {
	if lang == "en" && en == "" {
		return "fr"
	}
	return ""
}

// surveyAsks prepares the questions for the form.
func surveyAsks(qs []surveys.Question, lang string) []surveyAsk {
	out := make([]surveyAsk, len(qs))
	for i, q := range qs {
		a := surveyAsk{ID: q.ID, Field: surveys.Field(q.ID), Kind: q.Kind, Label: q.Label(lang), LabelLang: fallbackLang(lang, q.LabelEN),
			Required: q.Required, Session: q.SessionLabel}
		if lo, hi, ok := surveys.Range(q.Kind); ok {
			for v := lo; v <= hi; v++ {
				p := surveyPoint{Value: strconv.Itoa(v)}
				if q.Kind == surveys.KindScale5 {
					p.Label = i18n.T(lang, "surveysweb.scale5."+p.Value)
				}
				a.Points = append(a.Points, p)
			}
			if q.Kind != surveys.KindScale5 {
				a.Low, a.High = i18n.T(lang, "surveysweb."+q.Kind+".low"), i18n.T(lang, "surveysweb."+q.Kind+".high")
			}
		}
		for _, c := range q.Choices {
			a.Choices = append(a.Choices, surveyPoint{Value: c.Code, Label: c.Label(lang), Lang: fallbackLang(lang, c.LabelEN)})
		}
		out[i] = a
	}
	return out
}

// respondLang is the questionnaire's language: the one the visitor chose
// (signed in, or with the switch), else the invitation's.
func respondLang(r *http.Request, inv surveys.Invitation) string {
	if reqOf(r).user != nil {
		return reqOf(r).lang
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "fr" || c.Value == "en") {
		return c.Value
	}
	return i18n.Lang(inv.Lang)
}

func respondBase(r *http.Request) string { return "/surveys/respond/" + r.PathValue("token") }

// surveyQuestionnaire shows the invitee's questionnaire, with their
// previous answers to a named survey, or why they cannot answer.
func (s *Server) surveyQuestionnaire(w http.ResponseWriter, r *http.Request) {
	qn, err := s.Surveys.Questionnaire(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, "questionnaire", err)
		return
	}
	state, status := respondForm, http.StatusOK
	switch {
	case r.URL.Query().Get("done") != "" && qn.Invitation.Responded():
		state = respondThanks
	case !qn.Survey.AcceptsAnswers(s.Surveys.Now()):
		state, status = respondClosed, http.StatusGone
	case qn.Survey.Anonymous && qn.Invitation.Responded():
		state = respondAlready
	}
	form := url.Values{}
	for id, vals := range qn.Previous {
		form[surveys.Field(id)] = vals
	}
	s.renderQuestionnaire(w, r, status, qn, state, form, nil)
}

// answerSurvey records the invitee's answers.
func (s *Server) answerSurvey(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.PathValue("token")
	qn, err := s.Surveys.Questionnaire(ctx, token)
	if err != nil {
		s.fail(w, r, "answer survey", err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	// Every q<id> posted goes to the domain, so that answers to questions
	// changed since the page was shown are reported, not dropped.
	given := surveys.Answers{}
	for k, vals := range r.PostForm {
		if id, err := strconv.ParseInt(strings.TrimPrefix(k, "q"), 10, 64); err == nil && strings.HasPrefix(k, "q") && id > 0 {
			given[id] = vals
		}
	}
	err = s.Surveys.Answer(ctx, token, given)
	if fe, ok := validate.As(err); ok {
		s.renderQuestionnaire(w, r, http.StatusUnprocessableEntity, qn, respondForm, r.PostForm, fe)
		return
	}
	switch {
	case err == nil:
		s.redirect(w, r, respondBase(r)+"?done=1", "")
	case errors.Is(err, surveys.ErrClosed):
		s.renderQuestionnaire(w, r, http.StatusGone, qn, respondClosed, r.PostForm, nil)
	case errors.Is(err, surveys.ErrAlreadyAnswered):
		s.renderQuestionnaire(w, r, http.StatusConflict, qn, respondAlready, nil, nil)
	default:
		s.fail(w, r, "answer survey", err)
	}
}

// renderQuestionnaire shows the questionnaire in state, with the values
// of form and the errors.
func (s *Server) renderQuestionnaire(w http.ResponseWriter, r *http.Request, status int, qn surveys.Questionnaire, state string, form url.Values, errs validate.Errors) {
	lang := respondLang(r, qn.Invitation)
	sv := qn.Survey
	d := surveyRespondData{Survey: sv, Responded: qn.Invitation.Responded(), Editable: qn.Editable, State: state, Base: respondBase(r),
		Title: sv.Title(lang), Intro: sv.Intro(lang), TitleLang: fallbackLang(lang, sv.TitleEN), IntroLang: fallbackLang(lang, sv.IntroEN),
		Questions: surveyAsks(sv.Questions, lang)}
	if !sv.ClosesAt.IsZero() {
		d.Deadline = surveys.FormatTime(sv.ClosesAt, lang)
	}
	p := s.page(w, r, "surveysweb.respond.title", d)
	p.Lang, p.Form, p.Errors = lang, form, errs
	var msgs []string
	for _, e := range errs {
		if e.Field == "" {
			msgs = append(msgs, i18n.T(lang, e.Key, e.Args...))
		} else if len(msgs) == 0 || msgs[0] != i18n.T(lang, "surveysweb.respond.errors") {
			msgs = append([]string{i18n.T(lang, "surveysweb.respond.errors")}, msgs...)
		}
	}
	p.Message = strings.Join(msgs, " ")
	w.Header().Set("Content-Language", lang)
	s.render(w, r, status, "survey_respond", p)
}
