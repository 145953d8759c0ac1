package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/directory"
	"filiere/internal/events"
	"filiere/internal/surveys"
	"filiere/internal/tabular"
)

// surveyCtx is the context the tests call the domains with.
var surveyCtx = audit.WithActor(context.Background(), audit.Actor{Label: "test"})

var surveyLink = regexp.MustCompile(`/surveys/respond/([0-9]+-[A-Za-z0-9_-]+)`)

// surveyLinkIn returns the questionnaire's path in a mail.
func surveyLinkIn(t *testing.T, m sentMail) string {
	t.Helper()
	sub := surveyLink.FindStringSubmatch(m.Body)
	if sub == nil {
		t.Fatalf("no questionnaire link in %q", m.Body)
	}
	return sub[0]
}

// openSurvey creates a survey, invites people and opens it.
func (f *fixture) openSurvey(in surveys.Input, people ...surveys.Invitee) surveys.Survey {
	f.t.Helper()
	sv, err := f.srv.Surveys.Create(surveyCtx, in)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.srv.Surveys.Invite(surveyCtx, sv.ID, people); err != nil {
		f.t.Fatal(err)
	}
	if sv, err = f.srv.Surveys.Open(surveyCtx, sv.ID); err != nil {
		f.t.Fatal(err)
	}
	return sv
}

// respondPath is the questionnaire's path of the invitee with email.
func (f *fixture) respondPath(surveyID int64, email string) string {
	f.t.Helper()
	invs, err := f.srv.Surveys.Invitations(surveyCtx, surveyID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, inv := range invs {
		if inv.Email == email {
			return "/surveys/respond/" + f.srv.Surveys.Token(inv)
		}
	}
	f.t.Fatalf("%s is not invited to survey %d", email, surveyID)
	return ""
}

// answer answers a questionnaire through the domain.
func (f *fixture) answer(surveyID int64, email string, given surveys.Answers) {
	f.t.Helper()
	token := strings.TrimPrefix(f.respondPath(surveyID, email), "/surveys/respond/")
	if err := f.srv.Surveys.Answer(surveyCtx, token, given); err != nil {
		f.t.Fatalf("answer of %s: %v", email, err)
	}
}

// doChecked serves a request like do, and fails the test when an HTML
// answer shows a raw message key.
func (f *fixture) doChecked(method, path, session string, form url.Values, header map[string]string) *httptest.ResponseRecorder {
	f.t.Helper()
	w := f.do(method, path, session, form, header)
	if m := untranslated.FindString(w.Body.String()); m != "" && strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		f.t.Errorf("%s %s: untranslated message key %q in the page", method, path, m)
	}
	return w
}

// redirectedTo checks a 303 and returns its location.
func redirectedTo(t *testing.T, what string, w *httptest.ResponseRecorder) string {
	t.Helper()
	if w.Code != http.StatusSeeOther {
		t.Fatalf("%s: status %d, want 303\n%s", what, w.Code, w.Body.String())
	}
	return w.Header().Get("Location")
}

// nbsp writes the no-break spaces the pages put before "%" into
// expected fragments written as raw strings.
func nbsp(fragments ...string) []string {
	out := make([]string, len(fragments))
	for i, s := range fragments {
		out[i] = strings.ReplaceAll(s, `\u00a0`, "\u00a0")
	}
	return out
}

// editorForm is the editor filled in with one question of each kind,
// block 1 left empty.
func editorForm() url.Values {
	v := url.Values{"title_fr": {"Satisfaction du comité"}, "title_en": {"Committee satisfaction"}, "intro_fr": {"Merci de votre venue."},
		"subject_kind": {"flash"}, "closes_date": {time.Now().AddDate(0, 1, 0).In(paris).Format(time.DateOnly)}, "closes_time": {"18:00"},
		"blocks": {"7"}}
	q := func(i int, kind, fr, en, choices string, required bool) {
		p := "questions." + strconv.Itoa(i) + "."
		v.Set(p+"kind", kind)
		v.Set(p+"label_fr", fr)
		v.Set(p+"label_en", en)
		v.Set(p+"choices", choices)
		if required {
			v.Set(p+"required", "1")
		}
	}
	q(0, "scale5", "Êtes-vous satisfait de l'accueil ?", "Were you satisfied with the welcome?", "", true)
	q(1, "scale5", "", "", "", false)
	q(2, "scale10", "Quelle note donnez-vous au programme ?", "How do you rate the programme?", "", false)
	q(3, "nps", "Recommanderiez-vous le comité ?", "Would you recommend the committee?", "", false)
	q(4, "single", "Votre trésorerie couvre", "Your cash runway", "lt3 | Moins de 3 mois | Under 3 months\n3-6 mois\n\n6-12 mois | 6-12 months", false)
	q(5, "multiple", "Quels sujets ?", "Which topics?", "Réglementation | Regulation\nFinancement | Funding", false)
	q(6, "text", "Un commentaire ?", "Any comment?", "", false)
	return v
}

func TestStaffWriteASurveyWithEveryKindOfQuestionOpenItAndInviteInEachLanguage(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		staff := f.session("staff")
		if w := f.doChecked("GET", "/admin/surveys/new", staff, nil, nil); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `name="blocks" value="3"`) {
			t.Fatalf("the new survey's editor: %d\n%s", w.Code, w.Body.String())
		}

		// More blocks, without saving, keeping what is typed.
		more := editorForm()
		more.Set("more", "1")
		w := f.doChecked("POST", "/admin/surveys/new", staff, more, nil)
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(body, `name="blocks" value="10"`) || !strings.Contains(body, `id="q-9"`) {
			t.Fatalf("more questions: %d\n%s", w.Code, body)
		}
		mustContain(t, "the editor with more blocks", body, `value="How do you rate the programme?"`, "Réglementation | Regulation\nFinancement | Funding")
		if list, _ := f.srv.Surveys.List(surveyCtx, surveys.Filter{}); len(list) != 0 {
			t.Fatalf("asking for more blocks saved a survey: %+v", list)
		}

		// Errors land beside their block's fields, in French, the values kept;
		// the empty block 1 shifts the domain's numbering, not the page's.
		bad := editorForm()
		bad.Set("questions.0.label_fr", "")
		bad.Set("questions.4.choices", "Oui")
		bad.Set("questions.5.choices", "Bad Code! | Réglementation | Regulation\nFinancement")
		w = f.doChecked("POST", "/admin/surveys/new", staff, bad, nil)
		body = w.Body.String()
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("an invalid survey: %d\n%s", w.Code, body)
		}
		mustContain(t, "the refused editor", body,
			`<p class="field-error" id="e-questions.0.label_fr">Ce champ est obligatoire.</p>`,
			`<p class="field-error" id="e-questions.4.choices">Proposez au moins deux choix.</p>`,
			`<p class="field-error" id="e-questions.5.choices">Ligne 1 : Le code d&#39;un choix`,
			`value="Satisfaction du comité"`, `value="Were you satisfied with the welcome?"`, ">Oui</textarea>",
			"Certains champs sont à corriger")
		mustNotContain(t, "the refused editor", body, `id="e-questions.3.choices"`)

		w = f.doChecked("POST", "/admin/surveys/new", staff, editorForm(), nil)
		loc := redirectedTo(t, "a valid survey", w)
		id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/admin/surveys/"), 10, 64)
		if err != nil {
			t.Fatalf("created survey's location %q", loc)
		}
		sv, err := f.srv.Surveys.Get(surveyCtx, id)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, q := range sv.Questions {
			kinds = append(kinds, q.Kind)
		}
		if !slices.Equal(kinds, []string{"scale5", "scale10", "nps", "single", "multiple", "text"}) || !sv.Questions[0].Required || sv.Questions[1].Required {
			t.Errorf("questions stored: %+v", sv.Questions)
		}
		want := []surveys.Choice{{Code: "lt3", LabelFR: "Moins de 3 mois", LabelEN: "Under 3 months"}, {Code: "3-6-mois", LabelFR: "3-6 mois"},
			{Code: "6-12-mois", LabelFR: "6-12 mois", LabelEN: "6-12 months"}}
		if !slices.Equal(sv.Questions[3].Choices, want) {
			t.Errorf("the choices: %+v", sv.Questions[3].Choices)
		}
		if got := sv.ClosesAt.In(paris).Format("15:04"); got != "18:00" || sv.Status != surveys.StatusDraft {
			t.Errorf("closes at %s (Paris), status %s", got, sv.Status)
		}
		// The editor shows the stored choices as typed.
		mustContain(t, "the edit page", f.doChecked("GET", loc+"/edit", staff, nil, nil).Body.String(), "lt3 | Moins de 3 mois | Under 3 months\n3-6-mois | 3-6 mois")

		// Invitations: a line that is no address is refused with its number.
		w = f.doChecked("POST", loc+"/invitations", staff, url.Values{"invitees": {"elodie@example.fr\nnot-an-address"}, "lang": {"fr"}}, nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Ligne 2 : Saisissez une adresse e-mail valide") {
			t.Fatalf("a bad invitee: %d\n%s", w.Code, w.Body.String())
		}
		loc2 := redirectedTo(t, "inviting in French", f.doChecked("POST", loc+"/invitations", staff,
			url.Values{"invitees": {"Élodie Martin <elodie@example.fr>\n\nmember@test.example"}, "lang": {"fr"}}, nil))
		if !strings.Contains(loc2, "added=2") {
			t.Errorf("after inviting: %q", loc2)
		}
		redirectedTo(t, "inviting in English", f.doChecked("POST", loc+"/invitations", staff, url.Values{"invitees": {"John Smith <john@example.com>"}, "lang": {"en"}}, nil))
		invs, err := f.srv.Surveys.Invitations(surveyCtx, id)
		if err != nil || len(invs) != 3 {
			t.Fatalf("invitations: %+v %v", invs, err)
		}
		for _, inv := range invs {
			switch inv.Email {
			case "member@test.example":
				if inv.UserID != f.users["member"].ID || inv.OrganisationID != f.orgA.ID || inv.Name != "Member Test" {
					t.Errorf("an account's invitation: %+v", inv)
				}
			case "john@example.com":
				if inv.Lang != "en" || inv.Name != "John Smith" {
					t.Errorf("John's invitation: %+v", inv)
				}
			}
		}
		if n := len(f.mailsTo("elodie@example.fr")); n != 0 {
			t.Errorf("a draft's invitations were mailed: %d", n)
		}
		page := f.doChecked("GET", loc, staff, nil, nil).Body.String()
		mustContain(t, "the draft's page", page, "Élodie Martin", "john@example.com", "Anglais", "les 3 invitations en attente partent par e-mail")

		redirectedTo(t, "opening", f.doChecked("POST", loc+"/open", staff, url.Values{}, nil))
		fr := f.lastMailTo("elodie@example.fr", "Votre avis : « Satisfaction du comité »")
		en := f.lastMailTo("john@example.com", "Your opinion: “Committee satisfaction”")
		w = f.doChecked("GET", surveyLinkIn(t, fr), "", nil, nil)
		mustContain(t, "the French questionnaire", w.Body.String(), `<html lang="fr">`, "Êtes-vous satisfait de l&#39;accueil ?", "Très satisfait", "Envoyer mes réponses")
		w = f.doChecked("GET", surveyLinkIn(t, en), "", nil, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("the English link: %d", w.Code)
		}
		mustContain(t, "the English questionnaire", w.Body.String(), `<html lang="en">`, "Were you satisfied with the welcome?", "Very satisfied",
			"Under 3 months", "0: not at all likely", "Send my answers")

		// A week later, the three are reminded, each in their language.
		f.srv.Surveys.Now = func() time.Time { return time.Now().AddDate(0, 0, 8) }
		defer func() { f.srv.Surveys.Now = time.Now }()
		mustContain(t, "the open survey's page", f.doChecked("GET", loc, staff, nil, nil).Body.String(), "Relancer les 3 personnes sans réponse")
		if loc := redirectedTo(t, "reminding", f.doChecked("POST", loc+"/remind", staff, url.Values{}, nil)); !strings.Contains(loc, "reminded=3") {
			t.Errorf("after reminding: %q", loc)
		}
		f.lastMailTo("elodie@example.fr", "Rappel")
		f.lastMailTo("john@example.com", "Reminder")
	})
}

// namedSurvey is a named flash survey with a question of each kind but
// the 1-10 scale.
func namedSurvey(anonymous bool) surveys.Input {
	return surveys.Input{TitleFR: "Enquête trésorerie", TitleEN: "Cash survey", SubjectKind: surveys.SubjectFlash, Anonymous: anonymous,
		Questions: []surveys.Question{
			{Kind: surveys.KindScale5, LabelFR: "Satisfaction", Required: true},
			{Kind: surveys.KindNPS, LabelFR: "Recommandation"},
			{Kind: surveys.KindSingle, LabelFR: "Trésorerie", Choices: []surveys.Choice{{Code: "lt3", LabelFR: "Moins de 3 mois"}, {Code: "gt3", LabelFR: "Plus de 3 mois"}}},
			{Kind: surveys.KindMultiple, LabelFR: "Sujets", Choices: []surveys.Choice{{Code: "a", LabelFR: "Réglementation"}, {Code: "b", LabelFR: "Export"}, {Code: "c", LabelFR: "Financement"}}},
			{Kind: surveys.KindText, LabelFR: "Commentaire"},
		}}
}

func TestTheQuestionnaireKeepsAnswersOnErrorsThanksAndLetsNamedRespondentsChangeThem(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		sv := f.openSurvey(namedSurvey(false), surveys.Invitee{Email: "ana@example.fr", Name: "Ana", Lang: "fr"})
		qs := sv.Questions
		field := func(i int) string { return surveys.Field(qs[i].ID) }
		link := f.respondPath(sv.ID, "ana@example.fr")

		w := f.doChecked("GET", link, "", nil, nil)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("the questionnaire: %d", w.Code)
		}
		mustContain(t, "the questionnaire", body, `name="`+field(0)+`" value="5"`, "Très satisfait", `name="`+field(1)+`" value="0"`,
			`name="`+field(1)+`" value="10"`, "0 : pas du tout probable", `type="checkbox" name="`+field(3)+`" value="c"`, `<textarea id="f-`+field(4)+`"`)

		// A value off the scale: 422, the message under the question, the answers kept.
		w = f.doChecked("POST", link, "", url.Values{field(0): {"7"}, field(3): {"a", "c"}, field(4): {"Super accueil"}}, nil)
		body = w.Body.String()
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("a wrong value: %d\n%s", w.Code, body)
		}
		mustContain(t, "the refused answers", body, `<p class="field-error" id="e-`+field(0)+`">Choisissez une note de 1 à 5.</p>`,
			`value="a" checked`, `value="c" checked`, ">Super accueil</textarea>", "Certaines réponses sont à corriger")
		mustNotContain(t, "the refused answers", body, `value="b" checked`)

		loc := redirectedTo(t, "valid answers", f.doChecked("POST", link, "", url.Values{field(0): {"4"}, field(1): {"9"}, field(2): {"lt3"},
			field(3): {"a", "c"}, field(4): {"Super accueil"}}, nil))
		if loc != link+"?done=1" {
			t.Errorf("after answering: %q", loc)
		}
		mustContain(t, "the thanks", f.doChecked("GET", loc, "", nil, nil).Body.String(), "Merci !", "Vos réponses sont enregistrées.", "Revoir ou modifier mes réponses")

		// Back with the same link: the answers, ready to change.
		body = f.doChecked("GET", link, "", nil, nil).Body.String()
		mustContain(t, "the answered questionnaire", body, "Vous avez déjà répondu", `name="`+field(0)+`" value="4" checked`,
			`name="`+field(2)+`" value="lt3" checked`, ">Super accueil</textarea>", "Modifier mes réponses")
		redirectedTo(t, "changed answers", f.doChecked("POST", link, "", url.Values{field(0): {"2"}, field(4): {"Finalement moyen"}}, nil))
		res, err := f.srv.Surveys.Results(surveyCtx, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := res.Questions[0].Distribution; res.Responses != 1 || d[1].Count != 1 || d[3].Count != 0 || res.Questions[2].Answers != 0 ||
			res.Questions[4].Comments[0].Text != "Finalement moyen" {
			t.Errorf("after the change: %d responses, %+v", res.Responses, res.Questions)
		}

		// Answers came: the editor keeps the questions and says why.
		staff := f.session("staff")
		edit := surveyPath(sv.ID) + "/edit"
		mustContain(t, "the frozen editor", f.doChecked("GET", edit, staff, nil, nil).Body.String(), "a déjà reçu des réponses : ses questions")
		redirectedTo(t, "editing a frozen survey", f.doChecked("POST", edit, staff, url.Values{"title_fr": {"Enquête trésorerie 2026"}, "subject_kind": {"flash"},
			"blocks": {"1"}, "questions.0.kind": {"text"}, "questions.0.label_fr": {"Autre chose"}}, nil))
		if got, _ := f.srv.Surveys.Get(surveyCtx, sv.ID); got.TitleFR != "Enquête trésorerie 2026" || len(got.Questions) != 5 || got.Questions[0].ID != qs[0].ID {
			t.Errorf("after editing a frozen survey: %q, %+v", got.TitleFR, got.Questions)
		}
		redirectedTo(t, "deleting an answered survey", f.doChecked("POST", surveyPath(sv.ID)+"/delete", staff, url.Values{}, nil))
		if _, err := f.srv.Surveys.Get(surveyCtx, sv.ID); err != nil {
			t.Errorf("an answered survey was deleted: %v", err)
		}

		// A forged link is nobody's.
		forged := "/surveys/respond/" + strings.Split(strings.TrimPrefix(link, "/surveys/respond/"), "-")[0] + "-forgedforgedforgedforged"
		if w := f.doChecked("GET", forged, "", nil, nil); w.Code != http.StatusNotFound {
			t.Errorf("GET a forged link: %d", w.Code)
		}
		if w := f.doChecked("POST", forged, "", url.Values{field(0): {"5"}}, nil); w.Code != http.StatusNotFound {
			t.Errorf("POST a forged link: %d", w.Code)
		}

		// Closed: the page says so, answers are refused.
		redirectedTo(t, "closing", f.doChecked("POST", surveyPath(sv.ID)+"/close", staff, url.Values{}, nil))
		w = f.doChecked("GET", link, "", nil, nil)
		if w.Code != http.StatusGone || !strings.Contains(w.Body.String(), "Ce questionnaire ne reçoit plus de réponses.") {
			t.Errorf("a closed survey's page: %d\n%s", w.Code, w.Body.String())
		}
		if w := f.doChecked("POST", link, "", url.Values{field(0): {"5"}}, nil); w.Code != http.StatusGone {
			t.Errorf("answering a closed survey: %d", w.Code)
		}

		// An anonymous survey is answered once.
		anon := f.openSurvey(namedSurvey(true), surveys.Invitee{Email: "ana@example.fr", Lang: "fr"})
		alink := f.respondPath(anon.ID, "ana@example.fr")
		a0 := surveys.Field(anon.Questions[0].ID)
		redirectedTo(t, "an anonymous answer", f.doChecked("POST", alink, "", url.Values{a0: {"5"}}, nil))
		w = f.doChecked("POST", alink, "", url.Values{a0: {"1"}}, nil)
		if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "Vous avez déjà répondu à ce questionnaire anonyme") {
			t.Errorf("a second anonymous answer: %d\n%s", w.Code, w.Body.String())
		}
		if w := f.doChecked("GET", alink, "", nil, nil); !strings.Contains(w.Body.String(), "Vous avez déjà répondu à ce questionnaire anonyme") || strings.Contains(w.Body.String(), `name="`+a0+`"`) {
			t.Errorf("an answered anonymous questionnaire offers the form again: %d", w.Code)
		}
		if res, _ := f.srv.Surveys.Results(surveyCtx, anon.ID); res.Responses != 1 || res.Questions[0].Mean != 5 {
			t.Errorf("anonymous results: %+v", res)
		}

		// A survey without questions does not open; without answers it may go.
		empty, err := f.srv.Surveys.Create(surveyCtx, surveys.Input{TitleFR: "Vide", SubjectKind: surveys.SubjectFlash})
		if err != nil {
			t.Fatal(err)
		}
		w = f.doChecked("POST", surveyPath(empty.ID)+"/open", staff, url.Values{}, nil)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Ajoutez au moins une question avant d&#39;ouvrir le questionnaire.") {
			t.Errorf("opening an empty survey: %d\n%s", w.Code, w.Body.String())
		}
		if to := redirectedTo(t, "deleting", f.doChecked("POST", surveyPath(empty.ID)+"/delete", staff, url.Values{}, nil)); to != "/admin/surveys" {
			t.Errorf("after deleting: %q", to)
		}
		if _, err := f.srv.Surveys.Get(surveyCtx, empty.ID); !isNotFound(err) {
			t.Errorf("the deleted survey: %v", err)
		}
	})
}

func TestTheResultsPageShowsFiguresCommentsAndAFlashSurveysBreakdownBySector(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		bio, err := f.srv.Directory.CreateOrganisation(surveyCtx, directory.Organisation{Name: "BioNova", Kind: "startup", Membership: directory.Member,
			City: "Dijon", Sectors: []string{"biotech"}})
		if err != nil {
			t.Fatal(err)
		}
		in := surveys.Input{TitleFR: "Trésorerie des adhérents", SubjectKind: surveys.SubjectFlash, Questions: []surveys.Question{
			{Kind: surveys.KindScale5, LabelFR: "Satisfaction"},
			{Kind: surveys.KindNPS, LabelFR: "Recommandation"},
			{Kind: surveys.KindSingle, LabelFR: "Trésorerie", Choices: []surveys.Choice{{Code: "lt3", LabelFR: "Moins de 3 mois"},
				{Code: "3-6", LabelFR: "3 à 6 mois"}, {Code: "6-12", LabelFR: "6 à 12 mois"}}},
			{Kind: surveys.KindText, LabelFR: "Commentaire"},
		}}
		sv := f.openSurvey(in,
			surveys.Invitee{Email: "alice@cardiolys.example", Name: "Alice Martin", OrganisationID: f.orgA.ID},
			surveys.Invitee{Email: "bob@cardiolys.example", Name: "Bob", OrganisationID: f.orgA.ID},
			surveys.Invitee{Email: "chloe@bionova.example", Name: "Chloé", OrganisationID: bio.ID},
			surveys.Invitee{Email: "dan@example.fr", Name: "Dan"},
			surveys.Invitee{Email: "eve@example.fr", Name: "Eve"})
		q := func(i int, v ...string) (int64, []string) { return sv.Questions[i].ID, v }
		ans := func(s5, nps, single, text string) surveys.Answers {
			a := surveys.Answers{}
			for _, x := range []struct {
				i int
				v string
			}{{0, s5}, {1, nps}, {2, single}, {3, text}} {
				if x.v != "" {
					id, v := q(x.i, x.v)
					a[id] = v
				}
			}
			return a
		}
		// Satisfaction 5 4 2 4: mean 3.75, 75 % satisfied. Recommendation
		// 10 9 7 3: two promoters, a passive, a detractor, NPS 25, mean 7.25.
		f.answer(sv.ID, "alice@cardiolys.example", ans("5", "10", "lt3", "Très bon accueil"))
		f.answer(sv.ID, "bob@cardiolys.example", ans("4", "9", "3-6", ""))
		f.answer(sv.ID, "chloe@bionova.example", ans("2", "7", "lt3", "Trop long"))
		f.answer(sv.ID, "dan@example.fr", ans("4", "3", "6-12", ""))

		staff := f.session("staff")
		path := surveyPath(sv.ID) + "/results"
		w := f.doChecked("GET", path, staff, nil, nil)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("results: %d\n%s", w.Code, body)
		}
		mustContain(t, "the results", body, nbsp(
			"<strong>80\u00a0%</strong> Taux de réponse",
			"<strong>3,8</strong> Moyenne", "<strong>75\u00a0%</strong> Satisfaits et très satisfaits",
			"<strong>7,3</strong> Moyenne", "<strong>25</strong> NPS (points)", "Promoteurs : 2 ; passifs : 1 ; détracteurs : 1.",
			`<th scope="row">5 – Très satisfait</th><td class="num">1</td><td class="num">25\u00a0%</td>`,
			`<th scope="row">Moins de 3 mois</th><td class="num">2</td><td class="num">50\u00a0%</td>`,
			"Très bon accueil", "— Alice Martin (Cardiolys)", "Trop long", "<svg",
			"Par filière", "Par type de structure",
			// Satisfaction by sector: Medtech 5 and 4, Biotech 2, Dan's unknown.
			`<th scope="row">Dispositifs médicaux (Medtech)</th><td class="num">2</td><td class="num">4,5</td><td class="num">100\u00a0%</td>`,
			`<th scope="row">Biotechnologies</th><td class="num">1</td><td class="num">2</td><td class="num">0\u00a0%</td>`,
			`<th scope="row">Non renseigné</th><td class="num">1</td><td class="num">4</td><td class="num">100\u00a0%</td>`,
			`<th scope="row">PME / TPE</th>`, `<th scope="row">Start-up</th>`,
			// The runway by sector: each choice's share.
			`<th scope="row">Dispositifs médicaux (Medtech)</th><td class="num">2</td><td class="num">50\u00a0%</td><td class="num">50\u00a0%</td><td class="num">0\u00a0%</td>`)...)

		w = f.doChecked("GET", path+".xlsx", staff, nil, nil)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("results.xlsx: %d %q", w.Code, w.Header().Get("Content-Type"))
		}
		table, _, err := tabular.ReadXLSX(bytes.NewReader(w.Body.Bytes()), 1<<22)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range table.Rows {
			found = found || slices.Contains(r.Cells, "Très bon accueil")
		}
		if !found {
			t.Errorf("the results workbook lacks the comment: %+v", table.Rows)
		}
		w = f.doChecked("GET", surveyPath(sv.ID)+"/answers.xlsx", staff, nil, nil)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("answers.xlsx: %d %q", w.Code, w.Header().Get("Content-Type"))
		}
		if table, _, err := tabular.ReadXLSX(bytes.NewReader(w.Body.Bytes()), 1<<22); err != nil || len(table.Rows) != 4 || !slices.Contains(table.Header, "3. Trésorerie") {
			t.Errorf("the answers workbook: %v %q, %d rows", err, table.Header, len(table.Rows))
		}

		// The list shows the survey with its rate.
		mustContain(t, "the list", f.doChecked("GET", "/admin/surveys?status=open&subject=flash", staff, nil, nil).Body.String(),
			"Trésorerie des adhérents", `<td class="num">80`+"\u00a0"+`%</td>`)
		mustNotContain(t, "the list of closed ones", f.doChecked("GET", "/admin/surveys?status=closed", staff, nil, nil).Body.String(), "Trésorerie des adhérents")
	})
}

func TestASurveyAboutAnEventAsksAboutItsSessionsAndInvitesItsParticipants(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		start := time.Now().AddDate(0, 0, 7).Truncate(time.Hour)
		ev, err := f.srv.Events.Create(surveyCtx, events.Input{Type: events.TypeCongress, Audience: events.AudiencePublic, TitleFR: "Congrès Medtech",
			Sectors: []string{"medtech"}, Start: start, End: start.Add(8 * time.Hour), Venue: "Palais des congrès", City: "Dijon"})
		if err != nil {
			t.Fatal(err)
		}
		ss, err := f.srv.Events.AddSession(surveyCtx, ev.ID, events.SessionInput{Title: "Atelier MDR", Start: start.Add(time.Hour), End: start.Add(2 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []events.Registrant{{Name: "Jane Doe", Email: "jane@cardiolys.example", Lang: "en", OrganisationID: f.orgA.ID},
			{Name: "Paul Martin", Email: "paul@example.fr", Lang: "fr"}} {
			if _, err := f.srv.Events.AddRegistration(surveyCtx, ev.ID, events.StaffRegistration{Registrant: r}); err != nil {
				t.Fatal(err)
			}
		}
		staff := f.session("staff")
		eid := strconv.FormatInt(ev.ID, 10)
		mustContain(t, "the editor for an event", f.doChecked("GET", "/admin/surveys/new?event="+eid, staff, nil, nil).Body.String(),
			`<option value="`+eid+`" selected>Congrès Medtech`, `<option value="`+strconv.FormatInt(ss.ID, 10)+`">Atelier MDR`)
		form := url.Values{"title_fr": {"Votre avis sur le congrès"}, "subject_kind": {"event"}, "event_id": {eid}, "blocks": {"2"},
			"questions.0.kind": {"scale5"}, "questions.0.label_fr": {"Le congrès dans son ensemble"},
			"questions.1.kind": {"scale5"}, "questions.1.label_fr": {"L'atelier"}, "questions.1.session": {strconv.FormatInt(ss.ID, 10)}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("questions.1.session", "999999")
		if w := f.doChecked("POST", "/admin/surveys/new", staff, bad, nil); w.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(w.Body.String(), `id="e-questions.1.session">Choisissez une valeur dans la liste.`) {
			t.Errorf("another event's session: %d", w.Code)
		}
		loc := redirectedTo(t, "a survey about the event", f.doChecked("POST", "/admin/surveys/new", staff, form, nil))
		id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/admin/surveys/"), 10, 64)
		sv, err := f.srv.Surveys.Get(surveyCtx, id)
		if err != nil || sv.SubjectID != ev.ID || sv.Questions[1].SessionID != ss.ID || sv.Questions[1].SessionLabel != "Atelier MDR" || sv.Questions[0].SessionID != 0 {
			t.Fatalf("the event's survey: %+v %v", sv, err)
		}

		page := f.doChecked("GET", loc, staff, nil, nil).Body.String()
		mustContain(t, "the event's survey page", page, "Événement : Congrès Medtech", "Inviter les 2 participants confirmés")
		if to := redirectedTo(t, "inviting the participants", f.doChecked("POST", loc+"/participants", staff, url.Values{}, nil)); !strings.Contains(to, "added=2&existing=0") {
			t.Errorf("after inviting the participants: %q", to)
		}
		if to := redirectedTo(t, "inviting them again", f.doChecked("POST", loc+"/participants", staff, url.Values{}, nil)); !strings.Contains(to, "added=0&existing=2") {
			t.Errorf("after inviting the participants again: %q", to)
		}
		invs, _ := f.srv.Surveys.Invitations(surveyCtx, id)
		if len(invs) != 2 || invs[0].Email != "jane@cardiolys.example" || invs[0].Lang != "en" || invs[0].OrganisationID != f.orgA.ID {
			t.Errorf("the participants' invitations: %+v", invs)
		}
		// Uninvited before it opens, Paul gets nothing.
		var paul int64
		for _, inv := range invs {
			if inv.Email == "paul@example.fr" {
				paul = inv.ID
			}
		}
		redirectedTo(t, "uninviting", f.doChecked("POST", loc+"/uninvite", staff, url.Values{"invitation": {strconv.FormatInt(paul, 10)}}, nil))
		redirectedTo(t, "opening", f.doChecked("POST", loc+"/open", staff, url.Values{}, nil))
		for _, m := range f.mailsTo("paul@example.fr") {
			if strings.Contains(m.Subject, "Votre avis") {
				t.Errorf("an uninvited participant was mailed %q", m.Subject)
			}
		}
		f.answer(id, "jane@cardiolys.example", surveys.Answers{sv.Questions[0].ID: {"4"}, sv.Questions[1].ID: {"5"}})
		mustContain(t, "the event's results", f.doChecked("GET", loc+"/results", staff, nil, nil).Body.String(),
			"Questions générales", "Session : Atelier MDR", "<strong>5</strong> Moyenne", "<strong>4</strong> Moyenne")
	})
}

func TestOnlyTheTeamReachesTheSurveysBackOffice(t *testing.T) {
	run(t, func(t *testing.T, f *fixture) {
		if w := f.doChecked("GET", "/admin/surveys", f.session("member"), nil, nil); w.Code != http.StatusForbidden {
			t.Errorf("a member: %d", w.Code)
		}
		if w := f.doChecked("GET", "/admin/surveys", "", nil, nil); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
			t.Errorf("anonymous: %d %q", w.Code, w.Header().Get("Location"))
		}
		if w := f.doChecked("GET", "/admin/surveys", f.session("admin"), nil, nil); w.Code != http.StatusOK {
			t.Errorf("an admin: %d", w.Code)
		}
	})
}
