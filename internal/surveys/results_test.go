package surveys_test

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/surveys"
)

// congress is a named event survey with six responses out of eight
// invitations, whose figures are worked out by hand in the test.
func congress(e *env) surveys.Survey {
	e.t.Helper()
	sv := e.create(surveys.Input{TitleFR: "Congrès 2026", SubjectKind: surveys.SubjectEvent, SubjectID: 1, Questions: []surveys.Question{
		{Kind: surveys.KindScale5, LabelFR: "Satisfaction globale", SessionID: 11, SessionLabel: "Keynote"},
		{Kind: surveys.KindScale10, LabelFR: "Note de la table ronde", SessionID: 12, SessionLabel: "Table ronde"},
		{Kind: surveys.KindNPS, LabelFR: "Recommandation"},
		choices(surveys.KindSingle, "Format", "x", "y"),
		choices(surveys.KindMultiple, "Thèmes", "a", "b", "c"),
		{Kind: surveys.KindText, LabelFR: "Commentaires", SessionID: 11},
		{Kind: surveys.KindScale5, LabelFR: "Accueil", SessionID: 11},
	}})
	e.open(sv.ID)
	q := ids(sv)
	type r struct {
		s5, s10, nps, single string
		multi                []string
		text                 string
	}
	for i, a := range []r{
		{"5", "8", "10", "x", []string{"a", "b"}, "Parfait"},
		{"5", "7", "9", "y", []string{"a"}, ""},
		{"4", "6", "9", "x", []string{"b", "c"}, "Trop long"},
		{"3", "10", "7", "x", []string{"c", "a", "b"}, ""},
		{"1", "9", "3", "y", nil, ""},
		{"", "2", "0", "x", []string{"a"}, ""},
	} {
		org := []int64{e.sterilix.ID, e.bionova.ID, e.pharmaduo.ID, 0, 0, 0}[i]
		tok := e.invite(sv.ID, surveys.Invitee{Email: fmt.Sprintf("r%d@example.org", i+1), Name: fmt.Sprintf("Répondant %d", i+1), OrganisationID: org})
		e.answer(tok, surveys.Answers{q[0]: {a.s5}, q[1]: {a.s10}, q[2]: {a.nps}, q[3]: {a.single}, q[4]: a.multi, q[5]: {a.text}})
	}
	e.invite(sv.ID, surveys.Invitee{Email: "silent1@example.org"})
	e.invite(sv.ID, surveys.Invitee{Email: "silent2@example.org"})
	return sv
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// dist is a distribution as "code:count" items.
func dist(st surveys.Stats) []string {
	var out []string
	for _, c := range st.Distribution {
		out = append(out, fmt.Sprintf("%s:%d", c.Code, c.Count))
	}
	return out
}

func TestResultsArithmeticOnAKnownFixture(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sv := congress(e)
		res, err := e.s.Results(ctx, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Invited != 8 || res.Responded != 6 || res.Responses != 6 || !near(res.ResponseRate, 75) {
			t.Errorf("rate: %d/%d (%d stored) = %v", res.Responded, res.Invited, res.Responses, res.ResponseRate)
		}
		qs := res.Questions
		// Scale 1-5: 5, 5, 4, 3, 1 (one blank).
		s5 := qs[0]
		if s5.Answers != 5 || !slices.Equal(dist(s5.Stats), []string{"1:1", "2:0", "3:1", "4:1", "5:2"}) ||
			!near(s5.Mean, 3.6) || !near(s5.Satisfied, 60) || !near(s5.Distribution[4].Share, 40) {
			t.Errorf("scale5 %+v", s5.Stats)
		}
		// Scale 1-10: 8, 7, 6, 10, 9, 2: mean 42/6, 7 and above satisfied.
		s10 := qs[1]
		if s10.Answers != 6 || !near(s10.Mean, 7) || !near(s10.Satisfied, 400.0/6) || surveys.Round1(s10.Satisfied) != 66.7 || len(s10.Distribution) != 10 {
			t.Errorf("scale10 %+v", s10.Stats)
		}
		// NPS: 10, 9, 9 promoters, 7 passive, 3 and 0 detractors.
		nps := qs[2]
		if nps.Promoters != 3 || nps.Passives != 1 || nps.Detractors != 2 || !near(nps.NPS, 50-200.0/6) ||
			surveys.Round1(nps.NPS) != 16.7 || surveys.Round1(nps.Mean) != 6.3 || nps.Distribution[0].Code != "0" || len(nps.Distribution) != 11 {
			t.Errorf("nps %+v", nps.Stats)
		}
		if single := qs[3]; !slices.Equal(dist(single.Stats), []string{"x:4", "y:2"}) || surveys.Round1(single.Distribution[0].Share) != 66.7 {
			t.Errorf("single %+v", single.Stats)
		}
		// Multiple: shares over the five who chose something.
		multi := qs[4]
		if multi.Answers != 5 || !slices.Equal(dist(multi.Stats), []string{"a:4", "b:3", "c:2"}) ||
			!near(multi.Distribution[0].Share, 80) || !near(multi.Distribution[1].Share, 60) || !near(multi.Distribution[2].Share, 40) {
			t.Errorf("multiple %+v", multi.Stats)
		}
		text := qs[5]
		if text.Answers != 2 || len(text.Comments) != 2 || text.Distribution != nil {
			t.Fatalf("text %+v", text)
		}
		for _, c := range text.Comments {
			if c.Text == "Parfait" && (c.Name != "Répondant 1" || c.Organisation != "Stérilix") ||
				c.Text == "Trop long" && (c.Name != "Répondant 3" || c.Organisation != "PharmaDuo") {
				t.Errorf("named comment %+v", c)
			}
		}
		if empty := qs[6]; empty.Answers != 0 || empty.Mean != 0 || empty.Satisfied != 0 {
			t.Errorf("unanswered %+v", empty.Stats)
		}
		if qs[0].BySector != nil || qs[3].ByKind != nil {
			t.Error("an event survey has no sector breakdown")
		}
		if surveys.Round1(2.25) != 2.3 || surveys.Round1(-12.25) != -12.3 || surveys.Round1(0.04) != 0 {
			t.Error("Round1 rounds halves away from zero")
		}
	})
}

func TestResultsGroupTheQuestionsOfEachSession(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		res, err := e.s.Results(ctx, congress(e).ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range res.Sessions {
			var labels []string
			for _, q := range s.Questions {
				labels = append(labels, q.Question.LabelFR)
			}
			got = append(got, fmt.Sprintf("%d %s: %s", s.SessionID, s.Label, strings.Join(labels, ", ")))
		}
		want := []string{"11 Keynote: Satisfaction globale, Commentaires, Accueil", "12 Table ronde: Note de la table ronde"}
		if !slices.Equal(got, want) {
			t.Fatalf("sessions %q, want %q", got, want)
		}
		if k := res.Sessions[0].Questions[0]; !near(k.Mean, 3.6) {
			t.Errorf("a session's question carries its figures: %+v", k.Stats)
		}
	})
}

func TestAFlashSurveyBreaksDownBySectorAndKindAtAnswerTime(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sv := e.create(surveys.Input{TitleFR: "Trésorerie", SubjectKind: surveys.SubjectFlash, Anonymous: true, Questions: []surveys.Question{
			{Kind: surveys.KindSingle, LabelFR: "Votre trésorerie couvre", Required: true, Choices: []surveys.Choice{
				{Code: "lt3", LabelFR: "Moins de 3 mois", LabelEN: "Under 3 months"}, {Code: "3-6", LabelFR: "3 à 6 mois"},
				{Code: "6-12", LabelFR: "6 à 12 mois"}, {Code: "gt12", LabelFR: "Plus de 12 mois"}}},
			{Kind: surveys.KindText, LabelFR: "Commentaire"},
		}})
		e.open(sv.ID)
		q := sv.Questions[0].ID
		for _, a := range []struct {
			email  string
			org    int64
			runway string
		}{
			{"a@sterilix.example", e.sterilix.ID, "lt3"},    // sme, medtech
			{"b@bionova.example", e.bionova.ID, "3-6"},      // startup, biotech
			{"c@pharmaduo.example", e.pharmaduo.ID, "gt12"}, // large, pharma + biotech
			{"d@medstart.example", e.medstart.ID, "lt3"},    // startup, medtech
			{"e@nowhere.example", 0, "6-12"},                // no organisation
		} {
			e.answer(e.invite(sv.ID, surveys.Invitee{Email: a.email, OrganisationID: a.org}), surveys.Answers{q: {a.runway}})
		}
		// MedStart grows up after answering: the results keep what it was.
		grown := e.medstart
		grown.Kind, grown.Sectors = "midcap", []string{"pharma"}
		if _, err := e.dir.UpdateOrganisation(ctx, grown); err != nil {
			t.Fatal(err)
		}
		res, err := e.s.Results(ctx, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		groups := func(gs []surveys.Group) []string {
			var out []string
			for _, g := range gs {
				out = append(out, fmt.Sprintf("%s(%d) %s", g.Code, g.Answers, strings.Join(dist(g.Stats), " ")))
			}
			return out
		}
		r := res.Questions[0]
		if !slices.Equal(dist(r.Stats), []string{"lt3:2", "3-6:1", "6-12:1", "gt12:1"}) {
			t.Errorf("overall %q", dist(r.Stats))
		}
		wantSectors := []string{
			"medtech(2) lt3:2 3-6:0 6-12:0 gt12:0",
			"biotech(2) lt3:0 3-6:1 6-12:0 gt12:1",
			"pharma(1) lt3:0 3-6:0 6-12:0 gt12:1",
			"(1) lt3:0 3-6:0 6-12:1 gt12:0",
		}
		if got := groups(r.BySector); !slices.Equal(got, wantSectors) {
			t.Errorf("by sector\n%q\nwant\n%q", got, wantSectors)
		}
		wantKinds := []string{
			"startup(2) lt3:1 3-6:1 6-12:0 gt12:0",
			"sme(1) lt3:1 3-6:0 6-12:0 gt12:0",
			"large(1) lt3:0 3-6:0 6-12:0 gt12:1",
			"(1) lt3:0 3-6:0 6-12:1 gt12:0",
		}
		if got := groups(r.ByKind); !slices.Equal(got, wantKinds) {
			t.Errorf("by kind\n%q\nwant\n%q", got, wantKinds)
		}
		if g := r.BySector[1]; !near(g.Distribution[1].Share, 50) {
			t.Errorf("a group's shares are over the group: %+v", g.Stats)
		}
		if res.Questions[1].BySector != nil {
			t.Error("a text question is not broken down")
		}
	})
}

// sheet reads an XLSX's only sheet.
func sheet(t *testing.T, b []byte) (string, [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	name := f.GetSheetList()[0]
	rows, err := f.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	return name, rows
}

// find returns the first row starting (from column skip) with cells.
func find(rows [][]string, skip int, cells ...string) []string {
	for _, r := range rows {
		if len(r) >= skip+len(cells) && slices.Equal(r[skip:skip+len(cells)], cells) {
			return r
		}
	}
	return nil
}

func TestTheResultsWorkbookHasTheFigures(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sv := congress(e)
		res, err := e.s.Results(ctx, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := surveys.WriteResultsXLSX(&b, res, "fr"); err != nil {
			t.Fatal(err)
		}
		name, rows := sheet(t, b.Bytes())
		if name != "Résultats" || !slices.Equal(rows[0][:8], []string{"N°", "Question", "Session", "Groupe", "Réponse", "Nombre", "Part (%)", "Moyenne"}) {
			t.Fatalf("sheet %q header %q", name, rows[0])
		}
		for _, c := range []struct {
			cells []string
			want  []string
		}{
			{[]string{"Réponses (taux de réponse en %)"}, []string{"", "", "", "6", "75"}},
			{[]string{"Satisfaction globale", "Keynote", "Ensemble", "Total"}, []string{"5", "", "3.6", "60"}},
			{[]string{"Satisfaction globale", "Keynote", "Ensemble", "5"}, []string{"2", "40"}},
			{[]string{"Note de la table ronde", "Table ronde", "Ensemble", "Total"}, []string{"6", "", "7", "66.7"}},
			{[]string{"Recommandation", "", "Ensemble", "Total"}, []string{"6", "", "6.3", "", "16.7"}},
			{[]string{"Format", "", "Ensemble", "Choix x"}, []string{"4", "66.7"}},
			{[]string{"Thèmes", "", "Ensemble", "Choix a"}, []string{"4", "80"}},
			{[]string{"Commentaires", "Keynote", "Ensemble", "Parfait"}, []string{"", "", "", "", "", "Répondant 1 (Stérilix)"}},
		} {
			r := find(rows, 1, c.cells...)
			if r == nil {
				t.Errorf("no row %q in\n%q", c.cells, rows)
				continue
			}
			got := r[1+len(c.cells):]
			if len(got) < len(c.want) || !slices.Equal(got[:len(c.want)], c.want) {
				t.Errorf("row %q: %q, want %q", c.cells, got, c.want)
			}
		}

		// The raw answers: one row per response, the respondent named.
		rs, err := e.s.Responses(ctx, sv.ID)
		if err != nil || len(rs) != 6 {
			t.Fatalf("responses %d, %v", len(rs), err)
		}
		b.Reset()
		if err := surveys.WriteAnswersXLSX(&b, sv, rs, "en"); err != nil {
			t.Fatal(err)
		}
		name, rows = sheet(t, b.Bytes())
		if name != "Answers" || len(rows) != 7 || !slices.Equal(rows[0][1:6], []string{"Name", "E-mail", "Organisation", "Sectors", "Kind of organisation"}) {
			t.Fatalf("answers sheet %q: %q", name, rows)
		}
		if r := find(rows, 1, "Répondant 3", "r3@example.org", "PharmaDuo"); r == nil ||
			!slices.Equal(r[4:12], []string{"Biotechnology, Pharmaceuticals", "Large company", "4", "6", "9", "Choice x", "Choice b; Choice c", "Trop long"}) {
			t.Errorf("respondent 3's row %q in %q", r, rows)
		}
	})
}

func TestTheAnonymousAnswersWorkbookNamesNobody(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sv := e.create(surveys.Input{TitleFR: "Anonyme", SubjectKind: surveys.SubjectFlash, Anonymous: true, Questions: []surveys.Question{
			scale(surveys.KindScale5, "Satisfaction"), {Kind: surveys.KindText, LabelFR: "Commentaire"}}})
		e.open(sv.ID)
		for i, org := range []int64{e.sterilix.ID, e.bionova.ID} {
			tok := e.invite(sv.ID, surveys.Invitee{Email: fmt.Sprintf("person%d@example.org", i), Name: fmt.Sprintf("Personne %d", i), OrganisationID: org})
			e.answer(tok, surveys.Answers{sv.Questions[0].ID: {fmt.Sprint(4 + i)}, sv.Questions[1].ID: {"RAS"}})
		}
		rs, err := e.s.Responses(ctx, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := surveys.WriteAnswersXLSX(&b, sv, rs, "fr"); err != nil {
			t.Fatal(err)
		}
		_, rows := sheet(t, b.Bytes())
		want := []string{"Date de réponse", "Filières", "Type de structure", "1. Satisfaction", "2. Commentaire"}
		if len(rows) != 3 || !slices.Equal(rows[0], want) {
			t.Fatalf("anonymous answers %q", rows)
		}
		for _, r := range rows[1:] {
			for _, c := range r {
				if strings.Contains(c, "@") || strings.Contains(c, "Personne") || strings.Contains(c, "Stérilix") {
					t.Errorf("identity in %q", r)
				}
			}
			if r[0] != "2026-03-02" {
				t.Errorf("the date of an anonymous answer is the day only: %q", r[0])
			}
		}
		var kinds []string
		for _, r := range rows[1:] {
			kinds = append(kinds, r[2])
		}
		slices.Sort(kinds)
		tax := directory.LoadTaxonomy()
		sme, _ := tax.Kind("sme")
		startup, _ := tax.Kind("startup")
		if !slices.Equal(kinds, []string{sme.FR, startup.FR}) {
			t.Errorf("kinds %q", kinds)
		}
	})
}
