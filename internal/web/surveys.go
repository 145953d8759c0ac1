package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"filiere/internal/auth"
	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/surveys"
)

// surveyRoutes registers the pages of the surveys: the staff's editor,
// invitations and results, and the questionnaire the mailed link opens
// (public: the domain checks the link's signature, 404 otherwise).
func (s *Server) surveyRoutes() {
	s.handle("GET /surveys/respond/{token}", auth.ActPublic, s.surveyQuestionnaire)
	s.handle("POST /surveys/respond/{token}", auth.ActPublic, s.answerSurvey)

	s.handle("GET /admin/surveys", auth.ActSurveysManage, s.surveyList)
	s.handle("GET /admin/surveys/new", auth.ActSurveysManage, s.newSurveyForm)
	s.handle("POST /admin/surveys/new", auth.ActSurveysManage, s.createSurvey)
	s.handle("GET /admin/surveys/{id}", auth.ActSurveysManage, s.surveyOverview)
	s.handle("GET /admin/surveys/{id}/edit", auth.ActSurveysManage, s.editSurveyForm)
	s.handle("POST /admin/surveys/{id}/edit", auth.ActSurveysManage, s.updateSurvey)
	s.handle("POST /admin/surveys/{id}/open", auth.ActSurveysManage, s.openSurvey)
	s.handle("POST /admin/surveys/{id}/close", auth.ActSurveysManage, s.closeSurvey)
	s.handle("POST /admin/surveys/{id}/delete", auth.ActSurveysManage, s.deleteSurvey)
	s.handle("POST /admin/surveys/{id}/invitations", auth.ActSurveysManage, s.inviteToSurvey)
	s.handle("POST /admin/surveys/{id}/participants", auth.ActSurveysManage, s.inviteParticipants)
	s.handle("POST /admin/surveys/{id}/uninvite", auth.ActSurveysManage, s.uninviteFromSurvey)
	s.handle("POST /admin/surveys/{id}/remind", auth.ActSurveysManage, s.remindSurvey)
	s.handle("GET /admin/surveys/{id}/results", auth.ActSurveysManage, s.surveyResults)
	s.handle("GET /admin/surveys/{id}/results.xlsx", auth.ActSurveysManage, s.surveyResultsXLSX)
	s.handle("GET /admin/surveys/{id}/answers.xlsx", auth.ActSurveysManage, s.surveyAnswersXLSX)
}

func surveyPath(id int64) string { return "/admin/surveys/" + strconv.FormatInt(id, 10) }

// surveyFigure writes a mean or a score as the pages show figures: one
// decimal (surveys.Round1), the language's decimal mark.
func surveyFigure(x float64, lang string) string { return formatNumber(surveys.Round1(x), lang) }

// surveyPercent writes a share.
func surveyPercent(x float64, lang string) string { return surveyFigure(x, lang) + "\u00a0%" }

// surveyRate writes a survey's response rate, "—" while nobody is invited.
func surveyRate(sv surveys.Survey, lang string) string {
	if sv.Invited == 0 {
		return "—"
	}
	return surveyPercent(100*float64(sv.Responded)/float64(sv.Invited), lang)
}

// surveyEvents are the events a survey may be about, newest first, and
// their titles by id.
func (s *Server) surveyEvents(ctx context.Context, u *auth.User) ([]events.Event, map[int64]events.Event, error) {
	list, _, err := s.Events.List(ctx, u, events.Filter{Limit: 1000})
	if err != nil {
		return nil, nil, err
	}
	slices.Reverse(list)
	byID := make(map[int64]events.Event, len(list))
	for _, e := range list {
		byID[e.ID] = e
	}
	return list, byID, nil
}

// surveySubject names what a survey is about, in lang.
func surveySubject(sv surveys.Survey, evs map[int64]events.Event, lang string) string {
	switch sv.SubjectKind {
	case surveys.SubjectEvent:
		if e, ok := evs[sv.SubjectID]; ok {
			return i18n.T(lang, "surveysweb.subject_event", e.Title(lang))
		}
		return i18n.T(lang, "surveysweb.subject_event", "n° "+strconv.FormatInt(sv.SubjectID, 10))
	case surveys.SubjectSupportAction:
		return i18n.T(lang, "surveysweb.subject_action", sv.SubjectID)
	}
	return i18n.T(lang, "surveys.subject.flash")
}

// surveyListData is the staff's list of surveys.
type surveyListData struct {
	Rows     []surveyRow
	Status   string
	Subject  string
	Statuses []string
	Subjects []string
}

// surveyRow is one survey of the list.
type surveyRow struct {
	surveys.Survey
	About string // translated
	Rate  string
}

// surveyList lists the surveys, newest first, by status and subject.
func (s *Server) surveyList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := surveys.Filter{Status: q.Get("status"), SubjectKind: q.Get("subject")}
	if !slices.Contains(surveys.Statuses, f.Status) {
		f.Status = ""
	}
	if !slices.Contains(surveys.SubjectKinds, f.SubjectKind) {
		f.SubjectKind = ""
	}
	list, err := s.Surveys.List(ctx, f)
	if err != nil {
		s.fail(w, r, "surveys", err)
		return
	}
	_, evs, err := s.surveyEvents(ctx, reqOf(r).user)
	if err != nil {
		s.fail(w, r, "surveys", err)
		return
	}
	lang := reqOf(r).lang
	d := surveyListData{Status: f.Status, Subject: f.SubjectKind, Statuses: surveys.Statuses, Subjects: surveys.SubjectKinds}
	for _, sv := range list {
		d.Rows = append(d.Rows, surveyRow{Survey: sv, About: surveySubject(sv, evs, lang), Rate: surveyRate(sv, lang)})
	}
	s.render(w, r, http.StatusOK, "surveys", s.page(w, r, "surveysweb.list.title", d))
}

// staffSurvey reads the survey of the path's {id}; it answers the request
// itself (404, 500) when it returns false.
func (s *Server) staffSurvey(w http.ResponseWriter, r *http.Request) (surveys.Survey, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return surveys.Survey{}, false
	}
	sv, err := s.Surveys.Get(r.Context(), id)
	if err != nil {
		s.fail(w, r, "survey", err)
		return surveys.Survey{}, false
	}
	return sv, true
}
