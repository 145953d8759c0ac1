package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/surveys"
	"filiere/internal/validate"
)

// The editor works without JavaScript: it shows the questions as numbered
// blocks (questions.N.kind, questions.N.label_fr…) and a few empty ones;
// a button asks for more blocks and shows the form again as typed.
const (
	surveyExtraBlocks = 3
	surveyMaxBlocks   = 120 // above the domain's 100 questions, so that its limit speaks
	surveyDefaultTime = "23:59"
)

// surveyBlock is one question block of the editor.
type surveyBlock struct {
	Index            int
	Kind             string
	LabelFR, LabelEN string
	Required         bool
	Session          int64
	Choices          string // one choice a line
}

// empty says whether nothing was typed in the block: it is ignored.
func (b surveyBlock) empty() bool {
	return b.LabelFR == "" && b.LabelEN == "" && strings.TrimSpace(b.Choices) == ""
}

// surveyFormData is what the editor shows besides the typed values.
type surveyFormData struct {
	Action   string
	Survey   *surveys.Survey // the survey edited; nil for a new one
	Frozen   bool            // it has answers: its questions are shown, not edited
	Blocks   []surveyBlock
	Kinds    []string
	Subjects []string
	Events   []events.Event
	Sessions []events.Session // of the chosen event
}

// HasChoices says whether a kind of question lists choices.
func (surveyFormData) HasChoices(kind string) bool { return surveys.HasChoices(kind) }

// surveyValues are an existing survey's form values.
func surveyValues(sv surveys.Survey) url.Values {
	v := url.Values{"title_fr": {sv.TitleFR}, "title_en": {sv.TitleEN}, "intro_fr": {sv.IntroFR}, "intro_en": {sv.IntroEN},
		"subject_kind": {sv.SubjectKind}}
	switch sv.SubjectKind {
	case surveys.SubjectEvent:
		v.Set("event_id", strconv.FormatInt(sv.SubjectID, 10))
	case surveys.SubjectSupportAction:
		v.Set("action_id", strconv.FormatInt(sv.SubjectID, 10))
	}
	if sv.Anonymous {
		v.Set("anonymous", "1")
	}
	if !sv.ClosesAt.IsZero() {
		t := sv.ClosesAt.In(paris)
		v.Set("closes_date", t.Format(time.DateOnly))
		v.Set("closes_time", t.Format("15:04"))
	}
	return v
}

// surveyQuestionBlocks are the blocks of stored questions.
func surveyQuestionBlocks(qs []surveys.Question) []surveyBlock {
	out := make([]surveyBlock, len(qs))
	for i, q := range qs {
		var lines []string
		for _, c := range q.Choices {
			lines = append(lines, strings.TrimSpace(c.Code+" | "+c.LabelFR+" | "+c.LabelEN))
		}
		out[i] = surveyBlock{Index: i, Kind: q.Kind, LabelFR: q.LabelFR, LabelEN: q.LabelEN, Required: q.Required,
			Session: q.SessionID, Choices: strings.Join(lines, "\n")}
	}
	return out
}

// withEmptyBlocks adds n empty blocks.
func withEmptyBlocks(bs []surveyBlock, n int) []surveyBlock {
	for range n {
		if len(bs) >= surveyMaxBlocks {
			break
		}
		bs = append(bs, surveyBlock{Index: len(bs), Kind: surveys.KindScale5})
	}
	return bs
}

// surveyFormBlocks reads the posted blocks.
func surveyFormBlocks(f url.Values) []surveyBlock {
	n, _ := strconv.Atoi(f.Get("blocks"))
	n = min(max(n, 0), surveyMaxBlocks)
	out := make([]surveyBlock, n)
	for i := range n {
		p := "questions." + strconv.Itoa(i) + "."
		b := surveyBlock{Index: i, Kind: strings.TrimSpace(f.Get(p + "kind")), LabelFR: strings.TrimSpace(f.Get(p + "label_fr")),
			LabelEN: strings.TrimSpace(f.Get(p + "label_en")), Required: f.Get(p+"required") == "1", Choices: f.Get(p + "choices")}
		b.Session, _ = strconv.ParseInt(f.Get(p+"session"), 10, 64)
		out[i] = b
	}
	return out
}

// surveyChoices reads a choices box: a choice a line, written
// "code | libellé FR | English label", "libellé FR | English label" or
// just a label (the domain then makes the code). lines[i] is the line of
// choice i, for the errors.
func surveyChoices(text string) (cs []surveys.Choice, lines []int) {
	n := 0
	for line := range strings.Lines(text) {
		n++
		parts := strings.Split(line, "|")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		var c surveys.Choice
		switch len(parts) {
		case 1:
			c.LabelFR = parts[0]
		case 2:
			c.LabelFR, c.LabelEN = parts[0], parts[1]
		default:
			c.Code, c.LabelFR, c.LabelEN = parts[0], parts[1], strings.Join(parts[2:], " | ")
		}
		if c.Code == "" && c.LabelFR == "" && c.LabelEN == "" {
			continue
		}
		cs, lines = append(cs, c), append(lines, n)
	}
	return cs, lines
}

// surveyClosing reads the closing date and time, typed in Paris time; an
// empty date is no closing date.
func surveyClosing(f url.Values) (time.Time, bool) {
	d := strings.TrimSpace(f.Get("closes_date"))
	if d == "" {
		return time.Time{}, true
	}
	day, err := parseFormDate(d)
	if err != nil {
		return time.Time{}, false
	}
	clock := strings.TrimSpace(f.Get("closes_time"))
	if clock == "" {
		clock = surveyDefaultTime
	}
	hm, err := time.Parse("15:04", clock)
	if err != nil {
		return time.Time{}, false
	}
	return time.Date(day.Year(), day.Month(), day.Day(), hm.Hour(), hm.Minute(), 0, 0, paris), true
}

// surveyEditor is what the editor needs to know of the chosen subject.
type surveyEditor struct {
	events   []events.Event
	sessions []events.Session
	eventOK  bool // the chosen event exists
}

// surveyEditorContext loads the events to choose from and, when the form
// names one, its sessions.
func (s *Server) surveyEditorContext(ctx context.Context, r *http.Request, f url.Values) (surveyEditor, error) {
	var ed surveyEditor
	list, byID, err := s.surveyEvents(ctx, reqOf(r).user)
	if err != nil {
		return ed, err
	}
	ed.events = list
	if f.Get("subject_kind") != surveys.SubjectEvent {
		return ed, nil
	}
	id, err := strconv.ParseInt(f.Get("event_id"), 10, 64)
	if _, ok := byID[id]; err != nil || !ok {
		return ed, nil
	}
	ed.eventOK = true
	ed.sessions, err = s.Events.Sessions(ctx, id)
	return ed, err
}

// surveyInput turns the editor's form into the domain's input, with the
// errors of what does not parse (named after the editor's fields). It
// returns, for each question given, the block it came from and the lines
// of its choices, so that the domain's errors land beside their fields
// (surveyEditorErrors). Frozen, the stored questions are kept whatever
// was posted.
func surveyInput(f url.Values, ed surveyEditor, frozen *surveys.Survey) (in surveys.Input, blocks []int, lines [][]int, errs validate.Errors) {
	in = surveys.Input{TitleFR: f.Get("title_fr"), TitleEN: f.Get("title_en"), IntroFR: f.Get("intro_fr"), IntroEN: f.Get("intro_en"),
		SubjectKind: f.Get("subject_kind"), Anonymous: f.Get("anonymous") == "1"}
	switch in.SubjectKind {
	case surveys.SubjectEvent:
		if f.Get("event_id") != "" && !ed.eventOK {
			errs.Add("event_id", "validate.choice")
		}
		in.SubjectID, _ = strconv.ParseInt(f.Get("event_id"), 10, 64)
	case surveys.SubjectSupportAction:
		if v := strings.TrimSpace(f.Get("action_id")); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				errs.Add("action_id", "validate.number")
			}
			in.SubjectID = n
		}
	}
	closes, ok := surveyClosing(f)
	if !ok {
		errs.Add("closes_at", "surveysweb.form.closes_invalid")
	}
	in.ClosesAt = closes
	if frozen != nil {
		in.Questions, in.Anonymous = frozen.Questions, frozen.Anonymous
		return in, nil, nil, errs
	}
	// A question about a session is labelled with its title, for the
	// results; the session must be one of the chosen event's.
	labels := map[int64]string{}
	for _, ss := range ed.sessions {
		labels[ss.ID] = ss.Title
	}
	for _, b := range surveyFormBlocks(f) {
		if b.empty() {
			continue
		}
		q := surveys.Question{Kind: b.Kind, LabelFR: b.LabelFR, LabelEN: b.LabelEN, Required: b.Required}
		if b.Session != 0 {
			label, ok := labels[b.Session]
			if !ok {
				errs.Add("questions."+strconv.Itoa(b.Index)+".session", "validate.choice")
			}
			q.SessionID, q.SessionLabel = b.Session, label
		}
		var ls []int
		q.Choices, ls = surveyChoices(b.Choices)
		in.Questions = append(in.Questions, q)
		blocks, lines = append(blocks, b.Index), append(lines, ls)
	}
	return in, blocks, lines, errs
}

// surveyEditorErrors moves the domain's errors onto the editor's fields:
// questions.N.… (N counting the questions given) onto their block, a
// choice's onto its block's choices with the line, subject_id onto the
// event or the support action.
func surveyEditorErrors(errs validate.Errors, blocks []int, lines [][]int, kind, lang string) validate.Errors {
	out := make(validate.Errors, 0, len(errs))
	for _, e := range errs {
		switch {
		case e.Field == "subject_id" && kind == surveys.SubjectEvent:
			e.Field = "event_id"
		case e.Field == "subject_id":
			e.Field = "action_id"
		case strings.HasPrefix(e.Field, "questions."):
			parts := strings.Split(e.Field, ".")
			n, err := strconv.Atoi(parts[1])
			if err != nil || len(parts) < 3 || n < 0 || n >= len(blocks) {
				break
			}
			name := parts[2]
			if name == "session_label" {
				name = "session"
			}
			if name == "choices" && len(parts) >= 5 {
				if m, err := strconv.Atoi(parts[3]); err == nil && m >= 0 && m < len(lines[n]) {
					e = validate.FieldError{Key: "surveysweb.form.choice_line", Args: []any{lines[n][m], i18n.T(lang, e.Key, e.Args...)}}
				}
			}
			e.Field = "questions." + strconv.Itoa(blocks[n]) + "." + name
		}
		out = append(out, e)
	}
	return out
}

func (s *Server) newSurveyForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "surveysweb.form.new_title", nil)
	p.Form = url.Values{"subject_kind": {surveys.SubjectEvent}, "closes_time": {surveyDefaultTime}}
	if id := r.URL.Query().Get("event"); id != "" {
		p.Form.Set("event_id", id)
	}
	s.surveyForm(w, r, http.StatusOK, p, nil, withEmptyBlocks(nil, surveyExtraBlocks))
}

func (s *Server) editSurveyForm(w http.ResponseWriter, r *http.Request) {
	sv, ok := s.staffSurvey(w, r)
	if !ok {
		return
	}
	if sv.Status == surveys.StatusClosed {
		s.redirect(w, r, surveyPath(sv.ID), "surveysweb.flash.closed_no_edit")
		return
	}
	p := s.page(w, r, "surveysweb.form.edit_title", nil)
	p.Form = surveyValues(sv)
	s.surveyForm(w, r, http.StatusOK, p, &sv, withEmptyBlocks(surveyQuestionBlocks(sv.Questions), surveyExtraBlocks))
}

// surveyForm renders the editor.
func (s *Server) surveyForm(w http.ResponseWriter, r *http.Request, status int, p *Page, sv *surveys.Survey, blocks []surveyBlock) {
	ed, err := s.surveyEditorContext(r.Context(), r, p.Form)
	if err != nil {
		s.fail(w, r, "survey form", err)
		return
	}
	d := surveyFormData{Action: "/admin/surveys/new", Survey: sv, Blocks: blocks, Kinds: surveys.Kinds, Subjects: surveys.SubjectKinds,
		Events: ed.events, Sessions: ed.sessions}
	if sv != nil {
		d.Action = surveyPath(sv.ID) + "/edit"
		d.Frozen = sv.Responded > 0
	}
	p.Data = d
	s.render(w, r, status, "survey_form", p)
}

func (s *Server) createSurvey(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	s.saveSurvey(w, r, nil)
}

func (s *Server) updateSurvey(w http.ResponseWriter, r *http.Request) {
	sv, ok := s.staffSurvey(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if sv.Status == surveys.StatusClosed {
		s.redirect(w, r, surveyPath(sv.ID), "surveysweb.flash.closed_no_edit")
		return
	}
	s.saveSurvey(w, r, &sv)
}

// saveSurvey creates (sv nil) or updates a survey from the editor, or
// shows the editor again: with more blocks, or with the errors.
func (s *Server) saveSurvey(w http.ResponseWriter, r *http.Request, sv *surveys.Survey) {
	ctx := r.Context()
	f := r.PostForm
	title := "surveysweb.form.new_title"
	if sv != nil {
		title = "surveysweb.form.edit_title"
	}
	var frozen *surveys.Survey
	if sv != nil && sv.Responded > 0 {
		frozen = sv
	}
	again := func(status int, errs validate.Errors, blocks []surveyBlock) {
		p := s.page(w, r, title, nil)
		p.Form, p.Errors = f, errs
		if errs != nil {
			p.Message = p.T("surveysweb.form.errors")
		}
		s.surveyForm(w, r, status, p, sv, blocks)
	}
	blocks := surveyFormBlocks(f)
	if len(blocks) == 0 {
		blocks = withEmptyBlocks(nil, surveyExtraBlocks)
	}
	if f.Get("more") != "" {
		again(http.StatusOK, nil, withEmptyBlocks(blocks, surveyExtraBlocks))
		return
	}
	ed, err := s.surveyEditorContext(ctx, r, f)
	if err != nil {
		s.fail(w, r, "survey form", err)
		return
	}
	in, qBlocks, lines, errs := surveyInput(f, ed, frozen)
	lang := reqOf(r).lang
	if errs != nil {
		again(http.StatusUnprocessableEntity, errs, blocks)
		return
	}
	var saved surveys.Survey
	if sv == nil {
		saved, err = s.Surveys.Create(ctx, in)
	} else {
		saved, err = s.Surveys.Update(ctx, sv.ID, in)
	}
	if fe, ok := validate.As(err); ok {
		if sv != nil && slices.ContainsFunc(fe, func(e validate.FieldError) bool { return e.Key == "surveys.questions_frozen" }) {
			// Answers came while the editor was open: show the stored questions.
			if cur, err := s.Surveys.Get(ctx, sv.ID); err == nil {
				sv = &cur
			}
		}
		again(http.StatusUnprocessableEntity, surveyEditorErrors(fe, qBlocks, lines, in.SubjectKind, lang), blocks)
		return
	}
	switch {
	case sv != nil && surveys.ErrorKey(err) != "":
		s.redirect(w, r, surveyPath(sv.ID), surveys.ErrorKey(err))
	case err != nil:
		s.fail(w, r, "save survey", err)
	case sv == nil:
		s.redirect(w, r, surveyPath(saved.ID), "surveysweb.flash.created")
	default:
		s.redirect(w, r, surveyPath(saved.ID), "flash.saved")
	}
}
