package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"filiere/internal/events"
	"filiere/internal/i18n"
	"filiere/internal/surveys"
	"filiere/internal/validate"
)

// surveyAdminData is the staff's page of a survey.
type surveyAdminData struct {
	Survey      surveys.Survey
	About       string // what it is about, translated
	EventID     int64  // its event, when it is about one
	Rate        string
	Invitations []surveys.Invitation
	Pending     int // invitees who have not answered
	Unmailed    int // invitations waiting for the survey to open
	Due         int // pending invitees a reminder would reach now
	GapDays     int
	Remindable  bool // reminders may go now: the survey takes answers and someone is due
	Confirmed   int  // the event's confirmed participants
	// What the last action did, from its redirect.
	Added, Existing, Reminded string
}

// Editable, Openable… say which buttons the page offers.
func (d surveyAdminData) Editable() bool  { return d.Survey.Status != surveys.StatusClosed }
func (d surveyAdminData) Openable() bool  { return d.Survey.Status != surveys.StatusOpen }
func (d surveyAdminData) Closable() bool  { return d.Survey.Status == surveys.StatusOpen }
func (d surveyAdminData) Deletable() bool { return d.Survey.Responded == 0 }

func (s *Server) surveyOverview(w http.ResponseWriter, r *http.Request) {
	s.renderSurveyAdmin(w, r, http.StatusOK, nil, "")
}

// renderSurveyAdmin shows the staff's page of a survey, with the errors or
// the message of a form posted from it.
func (s *Server) renderSurveyAdmin(w http.ResponseWriter, r *http.Request, status int, errs validate.Errors, message string) {
	sv, ok := s.staffSurvey(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	lang := reqOf(r).lang
	_, evs, err := s.surveyEvents(ctx, reqOf(r).user)
	if err != nil {
		s.fail(w, r, "survey", err)
		return
	}
	q := r.URL.Query()
	d := surveyAdminData{Survey: sv, About: surveySubject(sv, evs, lang), Rate: surveyRate(sv, lang),
		Added: q.Get("added"), Existing: q.Get("existing"), Reminded: q.Get("reminded")}
	if d.Invitations, err = s.Surveys.Invitations(ctx, sv.ID); err != nil {
		s.fail(w, r, "survey", err)
		return
	}
	d.GapDays = s.Surveys.ReminderDays
	if d.GapDays <= 0 {
		d.GapDays = surveys.DefaultReminderDays
	}
	cutoff := s.Surveys.Now().AddDate(0, 0, -d.GapDays)
	for _, inv := range d.Invitations {
		switch {
		case inv.Responded():
		case inv.MailedAt.IsZero():
			d.Pending++
			d.Unmailed++
		default:
			d.Pending++
			last := inv.MailedAt
			if !inv.RemindedAt.IsZero() {
				last = inv.RemindedAt
			}
			if !last.After(cutoff) {
				d.Due++
			}
		}
	}
	d.Remindable = sv.AcceptsAnswers(s.Surveys.Now()) && d.Due > 0
	if _, ok := evs[sv.SubjectID]; ok && sv.SubjectKind == surveys.SubjectEvent {
		d.EventID = sv.SubjectID
		regs, err := s.Events.Registrations(ctx, sv.SubjectID, events.RegistrationFilter{Status: events.RegConfirmed})
		if err != nil {
			s.fail(w, r, "survey", err)
			return
		}
		d.Confirmed = len(regs)
	}
	p := s.page(w, r, "surveysweb.admin.title", d)
	p.Errors = errs
	if errs != nil || message != "" {
		p.Form = r.PostForm
	}
	if message != "" {
		p.Message = message
	}
	s.render(w, r, status, "survey_admin", p)
}

// afterSurveyAction answers a form posted from the survey's page: back to
// it with flash on success, the page again with the errors otherwise.
func (s *Server) afterSurveyAction(w http.ResponseWriter, r *http.Request, err error, to, flash string) {
	switch {
	case err == nil:
		s.redirect(w, r, to, flash)
	case isNotFound(err):
		s.notFound(w, r, false)
	case surveys.ErrorKey(err) != "":
		s.redirect(w, r, "/admin/surveys/"+r.PathValue("id"), surveys.ErrorKey(err))
	default:
		if fe, ok := validate.As(err); ok {
			lang := reqOf(r).lang
			msgs := make([]string, len(fe))
			for i, e := range fe {
				msgs[i] = i18n.T(lang, e.Key, e.Args...)
			}
			s.renderSurveyAdmin(w, r, http.StatusUnprocessableEntity, fe, strings.Join(msgs, " "))
			return
		}
		s.fail(w, r, "survey", err)
	}
}

// surveyActionForm parses a form posted to the survey's page and returns its id.
func (s *Server) surveyActionForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return 0, false
	}
	return id, s.parseForm(w, r)
}

func (s *Server) openSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := s.surveyActionForm(w, r)
	if !ok {
		return
	}
	_, err := s.Surveys.Open(r.Context(), id)
	s.afterSurveyAction(w, r, err, surveyPath(id), "surveysweb.flash.opened")
}

func (s *Server) closeSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := s.surveyActionForm(w, r)
	if !ok {
		return
	}
	_, err := s.Surveys.Close(r.Context(), id)
	s.afterSurveyAction(w, r, err, surveyPath(id), "surveysweb.flash.closed")
}

func (s *Server) deleteSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := s.surveyActionForm(w, r)
	if !ok {
		return
	}
	err := s.Surveys.Delete(r.Context(), id)
	s.afterSurveyAction(w, r, err, "/admin/surveys", "surveysweb.flash.deleted")
}

func (s *Server) remindSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := s.surveyActionForm(w, r)
	if !ok {
		return
	}
	n, err := s.Surveys.RemindPending(r.Context(), id)
	s.afterSurveyAction(w, r, err, surveyPath(id)+"?reminded="+strconv.Itoa(n)+"#invitations", "")
}

func (s *Server) uninviteFromSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := s.surveyActionForm(w, r)
	if !ok {
		return
	}
	inv, err := strconv.ParseInt(r.PostForm.Get("invitation"), 10, 64)
	if err != nil {
		s.notFound(w, r, false)
		return
	}
	err = s.Surveys.Uninvite(r.Context(), id, inv)
	s.afterSurveyAction(w, r, err, surveyPath(id)+"#invitations", "surveysweb.flash.uninvited")
}

// surveyInvitees reads the invitees box: a person a line, written
// "Name <address>", "Name address" or the address alone. lines[i] is
// the line of invitee i, for the errors.
func surveyInvitees(text, lang string) (people []surveys.Invitee, lines []int) {
	n := 0
	for line := range strings.Lines(text) {
		n++
		line = strings.Trim(strings.TrimSpace(line), ",;")
		if line == "" {
			continue
		}
		var p surveys.Invitee
		if i := strings.LastIndexByte(line, '<'); i >= 0 && strings.HasSuffix(line, ">") {
			p.Name, p.Email = strings.Trim(strings.TrimSpace(line[:i]), `"`), line[i+1:len(line)-1]
		} else if fs := strings.Fields(line); len(fs) > 1 && strings.Contains(fs[len(fs)-1], "@") {
			p.Name, p.Email = strings.Join(fs[:len(fs)-1], " "), fs[len(fs)-1]
		} else {
			p.Email = line
		}
		p.Email, p.Lang = strings.TrimSpace(p.Email), lang
		people, lines = append(people, p), append(lines, n)
	}
	return people, lines
}

// inviteToSurvey invites the people typed in the invitees box. Those with
// an account are invited as such: the domain then knows their
// organisation, and they are notified in the app too.
func (s *Server) inviteToSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := s.surveyActionForm(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if _, err := s.Surveys.Get(ctx, id); err != nil {
		s.fail(w, r, "invite", err)
		return
	}
	lang := r.PostForm.Get("lang")
	if lang != "fr" && lang != "en" {
		s.renderSurveyAdmin(w, r, http.StatusUnprocessableEntity, validate.Errors{{Field: "lang", Key: "validate.choice"}}, "")
		return
	}
	people, lines := surveyInvitees(r.PostForm.Get("invitees"), lang)
	if len(people) == 0 {
		s.renderSurveyAdmin(w, r, http.StatusUnprocessableEntity, validate.Errors{{Field: "invitees", Key: "validate.required"}}, "")
		return
	}
	for i := range people {
		u, err := s.Auth.UserByEmail(ctx, people[i].Email)
		switch {
		case err == nil:
			people[i].UserID = u.ID
			if people[i].Name == "" {
				people[i].Name = u.Name
			}
		case !isNotFound(err):
			s.fail(w, r, "invite", err)
			return
		}
	}
	res, err := s.Surveys.Invite(ctx, id, people)
	if fe, ok := validate.As(err); ok {
		// invitees.N.field → the box, with the line.
		rq := reqOf(r)
		errs := validate.Errors{}
		for _, e := range fe {
			parts := strings.Split(e.Field, ".")
			if n, err := strconv.Atoi(parts[min(1, len(parts)-1)]); err == nil && n >= 0 && n < len(lines) {
				e = validate.FieldError{Field: "invitees", Key: "surveysweb.invite.line", Args: []any{lines[n], i18n.T(rq.lang, e.Key, e.Args...)}}
			}
			errs = append(errs, e)
		}
		s.renderSurveyAdmin(w, r, http.StatusUnprocessableEntity, errs, "")
		return
	}
	s.afterInvite(w, r, id, res, err)
}

// inviteParticipants invites an event's confirmed participants, in the
// language of their registration.
func (s *Server) inviteParticipants(w http.ResponseWriter, r *http.Request) {
	id, ok := s.surveyActionForm(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	sv, err := s.Surveys.Get(ctx, id)
	if err != nil {
		s.fail(w, r, "invite participants", err)
		return
	}
	if sv.SubjectKind != surveys.SubjectEvent {
		s.redirect(w, r, surveyPath(id), "surveysweb.flash.not_event")
		return
	}
	regs, err := s.Events.Registrations(ctx, sv.SubjectID, events.RegistrationFilter{Status: events.RegConfirmed})
	if err != nil {
		s.fail(w, r, "invite participants", err)
		return
	}
	if len(regs) == 0 {
		s.redirect(w, r, surveyPath(id), "surveysweb.flash.no_participants")
		return
	}
	people := make([]surveys.Invitee, len(regs))
	for i, reg := range regs {
		people[i] = surveys.Invitee{Email: reg.Email, Name: reg.Name, Lang: reg.Lang, OrganisationID: reg.OrganisationID, UserID: reg.UserID}
	}
	res, err := s.Surveys.Invite(ctx, id, people)
	if _, ok := validate.As(err); ok {
		// The registrations were checked when they were made; a refusal
		// now (an organisation deleted since) is the directory's to fix.
		s.Logger.Warn("survey: participants refused", "survey", id, "err", err)
		s.redirect(w, r, surveyPath(id), "surveysweb.flash.participants_refused")
		return
	}
	s.afterInvite(w, r, id, res, err)
}

// afterInvite goes back to the survey's page, saying how many were added
// and how many were already invited.
func (s *Server) afterInvite(w http.ResponseWriter, r *http.Request, id int64, res surveys.Invited, err error) {
	if err != nil {
		s.afterSurveyAction(w, r, err, "", "")
		return
	}
	q := url.Values{"added": {strconv.Itoa(len(res.Added))}, "existing": {strconv.Itoa(len(res.Existing))}}
	s.redirect(w, r, surveyPath(id)+"?"+q.Encode()+"#invitations", "")
}
