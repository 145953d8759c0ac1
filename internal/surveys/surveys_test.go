package surveys_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/surveys"
)

func TestSurveyInputIsValidatedFieldByField(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		bad := surveys.Input{TitleFR: "", SubjectKind: surveys.SubjectEvent, ClosesAt: e.now.Add(-time.Hour),
			Questions: []surveys.Question{
				{Kind: "stars", LabelFR: "Note"},
				{Kind: surveys.KindSingle, LabelFR: "Un seul choix", Choices: []surveys.Choice{{Code: "a", LabelFR: "A"}}},
				{Kind: surveys.KindMultiple, LabelFR: "Codes", Choices: []surveys.Choice{{Code: "x", LabelFR: "X"}, {Code: "x", LabelFR: "X bis"},
					{Code: "Pas Valide", LabelFR: "Y"}}},
				{Kind: surveys.KindText, LabelFR: ""},
			}}
		_, err := e.s.Create(ctx, bad)
		for field, key := range map[string]string{
			"title_fr": "validate.required", "subject_id": "validate.required", "closes_at": "surveys.closes_past",
			"questions.0.kind": "validate.choice", "questions.1.choices": "surveys.choices_min",
			"questions.2.choices.1.code": "surveys.choice_code_twice", "questions.2.choices.2.code": "surveys.choice_code",
			"questions.3.label_fr": "validate.required",
		} {
			fieldErr(t, err, field, key)
		}
		_, err = e.s.Create(ctx, surveys.Input{TitleFR: "x", SubjectKind: "webinar"})
		fieldErr(t, err, "subject_kind", "validate.choice")
		if n := e.count("SELECT COUNT(*) FROM surveys"); n != 0 {
			t.Fatalf("%d surveys stored from invalid input", n)
		}

		// A valid survey: codes made from labels when not given, the
		// questions in order with their session, a flash survey without
		// subject id.
		sv := e.create(surveys.Input{TitleFR: "Trésorerie\ndes entreprises", TitleEN: "Companies' cash", SubjectKind: surveys.SubjectFlash, SubjectID: 99,
			Anonymous: true, ClosesAt: e.now.AddDate(0, 0, 14), Questions: []surveys.Question{
				{Kind: surveys.KindSingle, LabelFR: "Votre trésorerie couvre", Required: true, Choices: []surveys.Choice{
					{LabelFR: "Moins de 3 mois"}, {LabelFR: "3 à 6 mois"}, {LabelFR: "Moins de 3 mois !"}, {Code: "plus-12", LabelFR: "Plus de 12 mois"}, {}}},
				{Kind: surveys.KindScale5, LabelFR: "Satisfaction", SessionID: 7, SessionLabel: "Atelier"},
				{Kind: surveys.KindText, LabelFR: "Commentaires", Choices: []surveys.Choice{{Code: "ignored", LabelFR: "?"}}},
			}})
		got, err := e.s.Get(ctx, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.TitleFR != "Trésorerie des entreprises" || got.SubjectID != 0 || !got.Anonymous || got.Status != surveys.StatusDraft ||
			!got.ClosesAt.Equal(e.now.AddDate(0, 0, 14)) || len(got.Questions) != 3 {
			t.Fatalf("stored %+v", got)
		}
		var codes []string
		for _, c := range got.Questions[0].Choices {
			codes = append(codes, c.Code)
		}
		if !slices.Equal(codes, []string{"moins-de-3-mois", "3-a-6-mois", "moins-de-3-mois-2", "plus-12"}) {
			t.Errorf("codes %q", codes)
		}
		if q := got.Questions[1]; q.SessionID != 7 || q.SessionLabel != "Atelier" || q.Required || q.Kind != surveys.KindScale5 {
			t.Errorf("question 2 %+v", q)
		}
		if got.Questions[2].Choices != nil || !got.Questions[0].Required {
			t.Errorf("questions %+v", got.Questions)
		}
		if got.Title("en") != "Companies' cash" || got.Questions[1].Label("en") != "Satisfaction" {
			t.Errorf("English falls back to French: %q %q", got.Title("en"), got.Questions[1].Label("en"))
		}
	})
}

func TestQuestionsFreezeOnceAnAnswerExists(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		in := surveys.Input{TitleFR: "Comité medtech", SubjectKind: surveys.SubjectEvent, SubjectID: 3}
		sv := e.create(in)
		_, err := e.s.Open(ctx, sv.ID)
		fieldErr(t, err, "questions", "surveys.no_questions")

		in.Questions = []surveys.Question{scale(surveys.KindScale5, "Satisfaction")}
		sv, err = e.s.Update(ctx, sv.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		e.open(sv.ID)
		// Without answers, an open survey's questions still change.
		in.Questions = append(in.Questions, scale(surveys.KindNPS, "Recommandation"))
		if sv, err = e.s.Update(ctx, sv.ID, in); err != nil || len(sv.Questions) != 2 {
			t.Fatalf("update open survey: %+v, %v", sv, err)
		}
		tok := e.invite(sv.ID, surveys.Invitee{Email: "a@sterilix.example"})
		e.answer(tok, surveys.Answers{sv.Questions[0].ID: {"4"}})

		changed := in
		changed.Questions = []surveys.Question{scale(surveys.KindScale10, "Satisfaction")}
		_, err = e.s.Update(ctx, sv.ID, changed)
		fieldErr(t, err, "questions", "surveys.questions_frozen")
		anon := in
		anon.Anonymous = true
		_, err = e.s.Update(ctx, sv.ID, anon)
		fieldErr(t, err, "questions", "surveys.questions_frozen")
		retitled := in
		retitled.TitleFR = "Comité medtech de mars"
		after, err := e.s.Update(ctx, sv.ID, retitled)
		if err != nil || after.TitleFR != "Comité medtech de mars" || !slices.Equal(ids(after), ids(sv)) {
			t.Fatalf("retitle: %+v, %v", after, err)
		}
		is(t, e.s.Delete(ctx, sv.ID), surveys.ErrState)
		if _, err := e.s.Close(ctx, sv.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Update(ctx, sv.ID, retitled)
		is(t, err, surveys.ErrState)
		_, err = e.s.Close(ctx, sv.ID)
		is(t, err, surveys.ErrState)

		// A draft without answers goes.
		draft := e.create(surveys.Input{TitleFR: "Brouillon", SubjectKind: surveys.SubjectFlash})
		if err := e.s.Delete(ctx, draft.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Get(ctx, draft.ID)
		is(t, err, db.ErrNotFound)
		list, err := e.s.List(ctx, surveys.Filter{SubjectKind: surveys.SubjectEvent, SubjectID: 3})
		if err != nil || len(list) != 1 || list[0].Invited != 1 || list[0].Responded != 1 || list[0].Status != surveys.StatusClosed {
			t.Fatalf("list: %+v, %v", list, err)
		}
	})
}

func TestAnswersAreCheckedAgainstTheirQuestionType(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		req := func(q surveys.Question) surveys.Question { q.Required = true; return q }
		sv := e.create(surveys.Input{TitleFR: "Types", SubjectKind: surveys.SubjectFlash, Questions: []surveys.Question{
			req(scale(surveys.KindScale5, "Sur 5")), scale(surveys.KindScale10, "Sur 10"), scale(surveys.KindNPS, "Recommandation"),
			choices(surveys.KindSingle, "Un", "a", "b"), choices(surveys.KindMultiple, "Plusieurs", "a", "b", "c"),
			{Kind: surveys.KindText, LabelFR: "Texte"},
		}})
		e.open(sv.ID)
		tok := e.invite(sv.ID, surveys.Invitee{Email: "a@sterilix.example", OrganisationID: e.sterilix.ID})
		q := ids(sv)
		ok := surveys.Answers{q[0]: {"5"}}
		with := func(id int64, v ...string) surveys.Answers {
			a := surveys.Answers{q[0]: {"5"}}
			a[id] = v
			return a
		}
		for _, c := range []struct {
			name    string
			answers surveys.Answers
			field   string
			key     string
		}{
			{"scale5 above 5", surveys.Answers{q[0]: {"6"}}, surveys.Field(q[0]), "surveys.answer.range"},
			{"scale5 below 1", surveys.Answers{q[0]: {"0"}}, surveys.Field(q[0]), "surveys.answer.range"},
			{"required missing", surveys.Answers{q[1]: {"7"}}, surveys.Field(q[0]), "validate.required"},
			{"required blank", surveys.Answers{q[0]: {"  "}}, surveys.Field(q[0]), "validate.required"},
			{"scale10 zero", with(q[1], "0"), surveys.Field(q[1]), "surveys.answer.range"},
			{"nps eleven", with(q[2], "11"), surveys.Field(q[2]), "surveys.answer.range"},
			{"not a number", with(q[2], "dix"), surveys.Field(q[2]), "validate.number"},
			{"two values on a scale", with(q[1], "3", "4"), surveys.Field(q[1]), "surveys.answer.one_value"},
			{"unknown choice", with(q[3], "z"), surveys.Field(q[3]), "validate.choice"},
			{"two single choices", with(q[3], "a", "b"), surveys.Field(q[3]), "surveys.answer.one_choice"},
			{"unknown among multiple", with(q[4], "a", "z"), surveys.Field(q[4]), "validate.choice"},
			{"text too long", with(q[5], strings.Repeat("é", 5001)), surveys.Field(q[5]), "validate.too_long"},
			{"question of another survey", with(q[5]+1000, "x"), "", "surveys.answer.stale"},
		} {
			fieldErr(t, e.s.Answer(ctx, tok, c.answers), c.field, c.key)
		}
		if n := e.count("SELECT COUNT(*) FROM survey_responses"); n != 0 {
			t.Fatalf("%d responses stored from invalid answers", n)
		}
		// The edges of each range, repeated choices once.
		ok[q[1]], ok[q[2]], ok[q[3]], ok[q[4]], ok[q[5]] = []string{"10"}, []string{"0"}, []string{"b"}, []string{"c", "a", "c"}, []string{" Très bien "}
		e.answer(tok, ok)
		qn, err := e.s.Questionnaire(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		want := surveys.Answers{q[0]: {"5"}, q[1]: {"10"}, q[2]: {"0"}, q[3]: {"b"}, q[4]: {"c", "a"}, q[5]: {"Très bien"}}
		for id, v := range want {
			got := slices.Clone(qn.Previous[id])
			slices.Sort(got)
			w := slices.Clone(v)
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("stored %s = %q, want %q", surveys.Field(id), qn.Previous[id], v)
			}
		}
		// All optional and nothing given.
		opt := e.create(surveys.Input{TitleFR: "Facultatif", SubjectKind: surveys.SubjectFlash, Questions: []surveys.Question{{Kind: surveys.KindText, LabelFR: "Texte"}}})
		e.open(opt.ID)
		fieldErr(t, e.s.Answer(ctx, e.invite(opt.ID, surveys.Invitee{Email: "b@sterilix.example"}), surveys.Answers{}), "", "surveys.answer.empty")
	})
}

func TestInvitingTheSameAddressTwiceInvitesOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sv := e.create(surveys.Input{TitleFR: "Satisfaction du congrès", TitleEN: "Congress satisfaction", SubjectKind: surveys.SubjectEvent, SubjectID: 1,
			Questions: []surveys.Question{scale(surveys.KindScale5, "Satisfaction")}})
		u := e.user("jane@bionova.example", "Jane Doe", "en", e.bionova.ID)
		got, err := e.s.Invite(ctx, sv.ID, []surveys.Invitee{
			{Email: " Paul@Sterilix.example ", Name: "Paul Martin", OrganisationID: e.sterilix.ID},
			{Email: "paul@sterilix.example", Name: "Paul again"},
			{Email: "jane@bionova.example", Name: "Jane Doe", Lang: "en", UserID: u.ID},
		})
		if err != nil || len(got.Added) != 2 || len(got.Existing) != 1 || got.Existing[0].Name != "Paul Martin" {
			t.Fatalf("invite: %+v, %v", got, err)
		}
		if jane := got.Added[1]; jane.OrganisationID != e.bionova.ID || jane.Lang != "en" {
			t.Errorf("the account's organisation: %+v", jane)
		}
		// A draft mails nobody yet.
		if n := len(e.outbox()); n != 0 {
			t.Fatalf("%d mails for a draft", n)
		}
		e.open(sv.ID)
		if _, err := e.s.Invite(ctx, sv.ID, []surveys.Invitee{{Email: "PAUL@sterilix.example"}, {Email: "eve@pharmaduo.example"}}); err != nil {
			t.Fatal(err)
		}
		mails := e.outbox()
		var to []string
		for _, m := range mails {
			to = append(to, m.To+" "+m.Subject)
		}
		want := []string{"paul@sterilix.example Votre avis : « Satisfaction du congrès »", "jane@bionova.example Your opinion: “Congress satisfaction”",
			"eve@pharmaduo.example Votre avis : « Satisfaction du congrès »"}
		if !slices.Equal(to, want) {
			t.Fatalf("mails\n%q\nwant\n%q", to, want)
		}
		if !strings.HasPrefix(mails[0].Body, "Bonjour Paul Martin,") || !strings.HasPrefix(mails[2].Body, "Bonjour,") {
			t.Errorf("greetings: %q / %q", mails[0].Body, mails[2].Body)
		}
		invs, err := e.s.Invitations(ctx, sv.ID)
		if err != nil || len(invs) != 3 {
			t.Fatalf("invitations: %+v, %v", invs, err)
		}
		for _, inv := range invs {
			if inv.MailedAt.IsZero() {
				t.Errorf("%s not marked mailed", inv.Email)
			}
			if inv.Email == "paul@sterilix.example" && inv.Organisation != "Stérilix" {
				t.Errorf("organisation name %q", inv.Organisation)
			}
		}
		// The member with an account is told in the app too, with the link.
		var link string
		if err := d.QueryRow(ctx, "SELECT link FROM notifications WHERE user_id = ?", u.ID).Scan(&link); err != nil ||
			!strings.HasPrefix(link, "/surveys/respond/") {
			t.Errorf("notification link %q, %v", link, err)
		}
		_, err = e.s.Invite(ctx, sv.ID, []surveys.Invitee{{Email: "not-an-address"}, {Email: "x@y.example", OrganisationID: 424242}})
		fieldErr(t, err, "invitees.0.email", "validate.email")
		fieldErr(t, err, "invitees.1.organisation_id", "validate.choice")

		// Withdrawn before answering, then nobody can be invited once closed.
		if err := e.s.Uninvite(ctx, sv.ID, invs[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Close(ctx, sv.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Invite(ctx, sv.ID, []surveys.Invitee{{Email: "late@example.org"}})
		is(t, err, surveys.ErrState)
	})
}

func TestAForgedTokenFindsNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sv := e.create(surveys.Input{TitleFR: "Webinaire", SubjectKind: surveys.SubjectEvent, SubjectID: 2,
			Questions: []surveys.Question{scale(surveys.KindScale5, "Satisfaction")}})
		e.open(sv.ID)
		tok := e.invite(sv.ID, surveys.Invitee{Email: "a@sterilix.example"})
		other := e.invite(sv.ID, surveys.Invitee{Email: "b@sterilix.example"})
		id, sig, _ := strings.Cut(tok, "-")
		otherID, _, _ := strings.Cut(other, "-")
		for _, forged := range []string{"", "garbage", id, id + "-", id + "-" + strings.ToUpper(sig), otherID + "-" + sig, "0-" + sig, "-1-" + sig} {
			_, err := e.s.Questionnaire(ctx, forged)
			is(t, err, db.ErrNotFound)
			is(t, e.s.Answer(ctx, forged, surveys.Answers{sv.Questions[0].ID: {"5"}}), db.ErrNotFound)
		}
		// Another database signs with another key.
		e2 := newEnv(t, dbtest.SQLite(t))
		sv2 := e2.create(surveys.Input{TitleFR: "Autre", SubjectKind: surveys.SubjectFlash, Questions: []surveys.Question{scale(surveys.KindScale5, "x")}})
		e2.open(sv2.ID)
		if t2 := e2.invite(sv2.ID, surveys.Invitee{Email: "a@sterilix.example"}); t2 == tok {
			t.Fatal("two databases sign alike")
		}
		qn, err := e.s.Questionnaire(ctx, tok)
		if err != nil || qn.Invitation.Email != "a@sterilix.example" || !qn.Editable || qn.Survey.ID != sv.ID {
			t.Fatalf("genuine token: %+v, %v", qn, err)
		}
		if n := e.count("SELECT COUNT(*) FROM survey_responses"); n != 0 {
			t.Fatalf("%d responses from forged tokens", n)
		}
	})
}

func TestANamedResponseIsOnePerInvitationAndEditableUntilTheSurveyCloses(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sv := e.create(surveys.Input{TitleFR: "Scan 360", SubjectKind: surveys.SubjectSupportAction, SubjectID: 5, ClosesAt: e.now.AddDate(0, 0, 10),
			Questions: []surveys.Question{scale(surveys.KindScale5, "Satisfaction"), {Kind: surveys.KindText, LabelFR: "Commentaire"}}})
		e.open(sv.ID)
		q := ids(sv)
		tok := e.invite(sv.ID, surveys.Invitee{Email: "a@sterilix.example", Name: "Alice", OrganisationID: e.sterilix.ID})
		e.answer(tok, surveys.Answers{q[0]: {"3"}, q[1]: {"Bien"}})
		e.now = e.now.Add(time.Hour)
		e.answer(tok, surveys.Answers{q[0]: {"5"}})
		if n := e.count("SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?", sv.ID); n != 1 {
			t.Fatalf("%d responses for one invitation", n)
		}
		if n := e.count("SELECT COUNT(*) FROM survey_responses r JOIN survey_invitations i ON i.id = r.invitation_id WHERE i.email = 'a@sterilix.example'"); n != 1 {
			t.Fatal("a named response keeps its invitation")
		}
		qn, err := e.s.Questionnaire(ctx, tok)
		if err != nil || !qn.Editable || !slices.Equal(qn.Previous[q[0]], []string{"5"}) || qn.Previous[q[1]] != nil {
			t.Fatalf("after editing: %+v, %v", qn, err)
		}
		res, err := e.s.Results(ctx, sv.ID)
		if err != nil || res.Questions[0].Answers != 1 || res.Questions[0].Mean != 5 || len(res.Questions[1].Comments) != 0 {
			t.Fatalf("results count the edited response once: %+v, %v", res.Questions, err)
		}
		// The closing date stops answers even before anyone closes it.
		e.now = e.now.AddDate(0, 0, 10)
		is(t, e.s.Answer(ctx, tok, surveys.Answers{q[0]: {"1"}}), surveys.ErrClosed)
		if qn, _ := e.s.Questionnaire(ctx, tok); qn.Editable {
			t.Error("editable after the closing date")
		}
		if n, err := e.s.CloseDue(ctx); err != nil || n != 1 {
			t.Fatalf("close due: %d, %v", n, err)
		}
		if got, _ := e.s.Get(ctx, sv.ID); got.Status != surveys.StatusClosed || got.ClosedAt.IsZero() {
			t.Fatalf("after CloseDue: %+v", got)
		}
		if key := surveys.ErrorKey(surveys.ErrClosed); key != "surveys.error.closed" {
			t.Errorf("error key %q", key)
		}
	})
}

func TestAnAnonymousResponseCannotBeTiedToItsInvitee(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sv := e.create(surveys.Input{TitleFR: "Session nouveaux adhérents", SubjectKind: surveys.SubjectEvent, SubjectID: 8, Anonymous: true,
			Questions: []surveys.Question{scale(surveys.KindScale5, "Satisfaction"), {Kind: surveys.KindText, LabelFR: "Commentaire"}}})
		e.open(sv.ID)
		q := ids(sv)
		alice := e.invite(sv.ID, surveys.Invitee{Email: "alice@sterilix.example", Name: "Alice Martin", OrganisationID: e.sterilix.ID})
		bob := e.invite(sv.ID, surveys.Invitee{Email: "bob@pharmaduo.example", Name: "Bob Durand", OrganisationID: e.pharmaduo.ID})
		e.now = e.now.Add(3*time.Hour + 17*time.Minute)
		e.answer(alice, surveys.Answers{q[0]: {"4"}, q[1]: {"Un accueil chaleureux"}})
		e.answer(bob, surveys.Answers{q[0]: {"2"}})

		if n := e.count("SELECT COUNT(*) FROM survey_responses WHERE invitation_id IS NOT NULL"); n != 0 {
			t.Fatalf("%d anonymous responses keep their invitation", n)
		}
		if n := e.count("SELECT COUNT(*) FROM survey_invitations WHERE responded_at IS NOT NULL"); n != 2 {
			t.Fatalf("%d invitations marked answered", n)
		}
		// Only the day is kept, and the breakdown attributes.
		rows, err := d.Query(ctx, "SELECT submitted_at, updated_at, sectors, kind FROM survey_responses ORDER BY kind")
		if err != nil {
			t.Fatal(err)
		}
		var attrs []string
		for rows.Next() {
			var at, upd time.Time
			var sectors, kind string
			if err := rows.Scan(&at, &upd, &sectors, &kind); err != nil {
				t.Fatal(err)
			}
			if !at.UTC().Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) || !upd.Equal(at) {
				t.Errorf("an anonymous response keeps the time: %v %v", at, upd)
			}
			attrs = append(attrs, kind+":"+strings.ReplaceAll(sectors, "\n", ","))
		}
		rows.Close()
		if !slices.Equal(attrs, []string{"large:biotech,pharma", "sme:medtech"}) {
			t.Errorf("breakdown attributes %q", attrs)
		}
		// The audit log says who answered, never what.
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'survey_invitation' AND action = 'respond' AND after_json = ''"); n != 2 {
			t.Errorf("%d audit rows for the answers", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%chaleureux%' OR entity = 'survey_response'"); n != 0 {
			t.Errorf("the audit log holds the answers")
		}
		// Answered once: no second answer, nothing to show again.
		is(t, e.s.Answer(ctx, alice, surveys.Answers{q[0]: {"1"}}), surveys.ErrAlreadyAnswered)
		qn, err := e.s.Questionnaire(ctx, alice)
		if err != nil || qn.Editable || qn.Previous != nil || !qn.Invitation.Responded() {
			t.Fatalf("questionnaire after answering: %+v, %v", qn, err)
		}
		res, err := e.s.Results(ctx, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c := res.Questions[1].Comments; len(c) != 1 || c[0].Text != "Un accueil chaleureux" || c[0].Name != "" || c[0].Organisation != "" {
			t.Errorf("anonymous comments %+v", c)
		}
		rs, err := e.s.Responses(ctx, sv.ID)
		if err != nil || len(rs) != 2 {
			t.Fatalf("responses %+v, %v", rs, err)
		}
		for _, r := range rs {
			if r.Name != "" || r.Email != "" || r.Organisation != "" {
				t.Errorf("anonymous response with identity %+v", r)
			}
		}
	})
}

func TestRemindersGoToPendingInviteesInTheirLanguageOncePerGap(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sv := e.create(surveys.Input{TitleFR: "Hackathon", TitleEN: "Hackathon (EN)", SubjectKind: surveys.SubjectEvent, SubjectID: 4,
			ClosesAt: e.now.AddDate(0, 1, 0), Questions: []surveys.Question{scale(surveys.KindNPS, "Recommandation")}})
		answered := e.invite(sv.ID, surveys.Invitee{Email: "done@sterilix.example", Name: "Done"})
		e.invite(sv.ID, surveys.Invitee{Email: "jane@bionova.example", Name: "Jane", Lang: "en"})
		e.invite(sv.ID, surveys.Invitee{Email: "paul@medstart.example", Name: "Paul", Lang: "fr"})
		_, err := e.s.RemindPending(ctx, sv.ID)
		is(t, err, surveys.ErrState) // a draft has nobody to remind
		e.open(sv.ID)
		e.answer(answered, surveys.Answers{sv.Questions[0].ID: {"9"}})
		mailed := len(e.outbox())

		if n, err := e.s.RemindPending(ctx, sv.ID); err != nil || n != 0 {
			t.Fatalf("reminded %d the day of the invitation, %v", n, err)
		}
		e.now = e.now.AddDate(0, 0, 7)
		if n, err := e.s.RemindPending(ctx, sv.ID); err != nil || n != 2 {
			t.Fatalf("reminded %d after a week, %v", n, err)
		}
		reminders := e.outbox()[mailed:]
		var got []string
		for _, m := range reminders {
			got = append(got, m.To+" "+m.Subject)
		}
		slices.Sort(got)
		want := []string{"jane@bionova.example Reminder: your opinion on “Hackathon (EN)”", "paul@medstart.example Rappel : votre avis sur « Hackathon »"}
		if !slices.Equal(got, want) {
			t.Fatalf("reminders\n%q\nwant\n%q", got, want)
		}
		// The reminder's link answers.
		m := linkRE.FindStringSubmatch(reminders[0].Body)
		if m == nil {
			t.Fatalf("no link in %q", reminders[0].Body)
		}
		if qn, err := e.s.Questionnaire(ctx, m[1]); err != nil || qn.Invitation.Email != reminders[0].To {
			t.Fatalf("reminder link: %+v, %v", qn.Invitation, err)
		}
		e.now = e.now.AddDate(0, 0, 6)
		if n, err := e.s.RemindPending(ctx, sv.ID); err != nil || n != 0 {
			t.Fatalf("reminded %d again within the gap, %v", n, err)
		}
		e.now = e.now.AddDate(0, 0, 1)
		if n, err := e.s.RemindPending(ctx, sv.ID); err != nil || n != 2 {
			t.Fatalf("reminded %d a week after the reminder, %v", n, err)
		}
		invs, _ := e.s.Invitations(ctx, sv.ID)
		for _, inv := range invs {
			if want := map[bool]int{true: 0, false: 2}[inv.Responded()]; inv.Reminders != want {
				t.Errorf("%s reminded %d times", inv.Email, inv.Reminders)
			}
		}
		if _, err := e.s.Close(ctx, sv.ID); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.AddDate(0, 0, 7)
		_, err = e.s.RemindPending(ctx, sv.ID)
		is(t, err, surveys.ErrState)
	})
}

func TestConcurrentAnswersWithOneLinkLeaveOneResponse(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, anonymous := range []bool{true, false} {
			sv := e.create(surveys.Input{TitleFR: "Concurrence", SubjectKind: surveys.SubjectFlash, Anonymous: anonymous,
				Questions: []surveys.Question{scale(surveys.KindScale5, "Satisfaction")}})
			e.open(sv.ID)
			tok := e.invite(sv.ID, surveys.Invitee{Email: "twice@sterilix.example", OrganisationID: e.sterilix.ID})
			const n = 8
			errs := make(chan error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- e.s.Answer(ctx, tok, surveys.Answers{sv.Questions[0].ID: {fmt.Sprint(1 + i%5)}})
				}()
			}
			wg.Wait()
			close(errs)
			ok := 0
			for err := range errs {
				switch {
				case err == nil:
					ok++
				case anonymous && errors.Is(err, surveys.ErrAlreadyAnswered):
				default:
					t.Errorf("anonymous=%v: %v", anonymous, err)
				}
			}
			if anonymous && ok != 1 || !anonymous && ok != n {
				t.Errorf("anonymous=%v: %d answers accepted", anonymous, ok)
			}
			if c := e.count("SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?", sv.ID); c != 1 {
				t.Errorf("anonymous=%v: %d responses", anonymous, c)
			}
			if c := e.count("SELECT COUNT(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE r.survey_id = ?", sv.ID); c != 1 {
				t.Errorf("anonymous=%v: %d answers stored", anonymous, c)
			}
		}
	})
}
