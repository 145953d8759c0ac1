package calls_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"filiere/internal/calls"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/pdffont/pdftest"
)

func TestExpertsSeeOtherReviewsOnlyAfterSubmittingTheirOwn(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.projectCall(nil)
		lead := e.org("Cardiolab", "", "medtech")
		a := e.submitted(e.applicant("p@cardiolab.example", lead.ID), c, "Capteur")
		x1, v1 := e.expert("Anne Un", 0, calls.ExpertInput{})
		x2, v2 := e.expert("Bruno Deux", 0, calls.ExpertInput{})
		for _, x := range []calls.Expert{x1, x2} {
			if err := e.s.Assign(ctx, staff, a.ID, x.ID); err != nil {
				t.Fatal(err)
			}
		}
		// Anne submits 5/5 and 5/5: 100. Bruno saves a draft first.
		if _, err := e.s.SaveReview(ctx, v1, a.ID, calls.ReviewInput{Scores: map[string]int{"innovation": 5}, Submit: true}); err == nil {
			t.Fatal("a review missing a criterion was submitted")
		} else {
			fieldErr(t, err, "scores.market", "calls.score_required")
		}
		_, err := e.s.SaveReview(ctx, v1, a.ID, calls.ReviewInput{Scores: map[string]int{"innovation": 6, "market": 5}})
		fieldErr(t, err, "scores.innovation", "calls.range")
		if _, err := e.s.SaveReview(ctx, v1, a.ID, calls.ReviewInput{Scores: map[string]int{"innovation": 5, "market": 5},
			Comments: map[string]string{"innovation": "Rupture réelle"}, Submit: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SaveReview(ctx, v2, a.ID, calls.ReviewInput{Scores: map[string]int{"innovation": 1}}); err != nil {
			t.Fatal(err)
		}
		// Bruno has not submitted: he sees only his own draft.
		rs, err := e.s.Reviews(ctx, v2, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].ExpertID != x2.ID {
			t.Fatalf("before submitting, Bruno sees %+v", rs)
		}
		// Anne submitted: she sees her own, not Bruno's draft.
		if rs, _ := e.s.Reviews(ctx, v1, a.ID); len(rs) != 1 || rs[0].ExpertID != x1.ID {
			t.Fatalf("Anne sees %+v", rs)
		}
		// Bruno submits 1/5 and 2/5: (2×0.2 + 0.4)/3 = 26.7. Now he sees both.
		if _, err := e.s.SaveReview(ctx, v2, a.ID, calls.ReviewInput{Scores: map[string]int{"innovation": 1, "market": 2}, Submit: true}); err != nil {
			t.Fatal(err)
		}
		if rs, _ := e.s.Reviews(ctx, v2, a.ID); len(rs) != 2 {
			t.Fatalf("after submitting, Bruno sees %d reviews", len(rs))
		}
		// A submitted review is final.
		if _, err := e.s.SaveReview(ctx, v2, a.ID, calls.ReviewInput{Scores: map[string]int{"innovation": 5, "market": 5}}); !errors.Is(err, calls.ErrState) {
			t.Fatalf("edit after submitting: %v", err)
		}
		// Staff see the weighted mean, the spread and the disagreement.
		evs, err := e.s.Evaluations(ctx, staff, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 {
			t.Fatalf("evaluations: %+v", evs)
		}
		ev := evs[0]
		if ev.Submitted != 2 || ev.Missing != 0 || ev.Score != 63.3 || ev.Spread != 73.3 || !ev.Disagree {
			t.Fatalf("evaluation: %+v", ev)
		}
		if ev.PerCriterion["innovation"] != 3 || ev.PerCriterion["market"] != 3.5 {
			t.Fatalf("per criterion: %v", ev.PerCriterion)
		}
		// An applicant reads no score.
		if _, err := e.s.Reviews(ctx, e.applicant("q@cardiolab.example", lead.ID), a.ID); !errors.Is(err, calls.ErrForbidden) {
			t.Fatalf("applicant reads reviews: %v", err)
		}
	})
}

func TestVoucherRankingCutsAtTheVouchersAvailableWithItsTieRule(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.projectCall(func(c *calls.Call) {
			c.Type, c.Vouchers, c.Evaluators, c.Preselection = calls.TypeVoucher, 2, 1, false
			c.Criteria = []calls.Criterion{{Code: "impact", LabelFR: "Impact", Weight: 1, Scale: 10}}
		})
		x, vx := e.expert("Jury Un", 0, calls.ExpertInput{})
		scores := []int{6, 9, 6, 3} // the first and third tie at 60
		var apps []calls.Application
		for i, sc := range scores {
			o := e.org("Start "+string(rune('A'+i)), "")
			e.now = e.now.Add(time.Hour) // submitted one hour apart
			a := e.submitted(e.applicant("s"+string(rune('a'+i))+"@x.example", o.ID), c, "Projet "+string(rune('A'+i)))
			if err := e.s.Assign(ctx, staff, a.ID, x.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.s.SaveReview(ctx, vx, a.ID, calls.ReviewInput{Scores: map[string]int{"impact": sc}, Submit: true}); err != nil {
				t.Fatal(err)
			}
			apps = append(apps, a)
		}
		ss, err := e.s.SaveSession(ctx, staff, 0, calls.SessionInput{Title: "Jury chèques", HeldAt: e.now, Quorum: 1, MemberIDs: []int64{x.ID}})
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{apps[0].ID, apps[1].ID, apps[2].ID, apps[3].ID}
		if err := e.s.AddItems(ctx, staff, ss.ID, ids); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetPresent(ctx, staff, ss.ID, x.ID, true); err != nil {
			t.Fatal(err)
		}
		rs, err := e.s.Rankings(ctx, staff, ss.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Available != 2 || rs[0].TieRule != calls.TieRule {
			t.Fatalf("rankings: %+v", rs)
		}
		var order []string
		for _, row := range rs[0].Rows {
			order = append(order, row.Evaluation.Application.Title)
		}
		// B (90), then A before C at 60 (A came first), D last; the cut
		// after the second.
		if strings.Join(order, ",") != "Projet B,Projet A,Projet C,Projet D" || !rs[0].Rows[1].Selected || rs[0].Rows[2].Selected {
			t.Fatalf("order %v, rows %+v", order, rs[0].Rows)
		}
		if err := e.s.ApplyRanking(ctx, staff, ss.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, id := range ids {
			a, err := e.s.Application(ctx, staff, id)
			if err != nil {
				t.Fatal(err)
			}
			got[a.Title] = a.Decision
		}
		want := map[string]string{"Projet A": calls.DecisionLabelled, "Projet B": calls.DecisionLabelled,
			"Projet C": calls.DecisionNotLabelled, "Projet D": calls.DecisionNotLabelled}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("decisions %v, want %v", got, want)
			}
		}
		var minutes bytes.Buffer
		if err := e.s.Minutes(ctx, staff, &minutes, ss.ID, "fr"); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(minutes.Bytes(), []byte("%PDF-")) {
			t.Fatal("minutes are not a PDF")
		}
	})
}

func TestALabelledTrainingGetsItsLetterCertificateCatalogueEntryAndRenewal(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		label := func(c *calls.Call) {
			c.Type, c.TitleFR, c.LabelName, c.LabelMonths, c.Renewal = calls.TypeTrainingLabel, "Label formation 2026", "Formation labellisée Pôle", 24, calls.RenewalWritten
			c.Fields, c.Written, c.Evaluators = nil, false, 0
			c.Criteria = nil
		}
		c := e.projectCall(label)
		school := e.org("École de bioproduction", "", "biotech")
		v := e.applicant("dir@ecole.example", school.ID)
		a, err := e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: "Master Bioproduction", Summary: "Deux ans en alternance"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Submit(ctx, v, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Preselect(ctx, staff, a.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		j, vj := e.expert("Jury Formation", 0, calls.ExpertInput{})
		held := time.Date(2026, 6, 15, 14, 0, 0, 0, calls.Paris)
		ss, err := e.s.SaveSession(ctx, staff, 0, calls.SessionInput{Title: "Jury juin", HeldAt: held, Quorum: 1, MemberIDs: []int64{j.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.AddItems(ctx, staff, ss.ID, []int64{a.ID}); err != nil {
			t.Fatal(err)
		}
		// Nobody present: no decision.
		if err := e.s.Decide(ctx, staff, ss.ID, a.ID, calls.DecisionLabelled, ""); !errors.Is(err, calls.ErrQuorum) {
			t.Fatalf("decide with nobody present: %v", err)
		}
		if err := e.s.SetPresent(ctx, staff, ss.ID, j.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Decide(ctx, staff, ss.ID, a.ID, calls.DecisionLabelled, "Excellent suivi des diplômés"); err != nil {
			t.Fatal(err)
		}
		a, err = e.s.Application(ctx, v, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.LabelNumber != "L-2026-0001" || calls.FormatDate(a.LabelUntil) != "15/06/2028" {
			t.Fatalf("label %q until %s", a.LabelNumber, calls.FormatDate(a.LabelUntil))
		}
		mails := e.outbox()
		last := mails[len(mails)-1]
		if last.To != "dir@ecole.example" || !strings.Contains(last.Subject, "labellisée") || !strings.Contains(last.Body, "15/06/2028") {
			t.Fatalf("decision mail: %+v", last)
		}

		// The support letter and the certificate, for the applicant.
		if err := e.s.SaveSettings(ctx, staff, calls.Settings{ClusterName: "Pôle Santé Avenir", SignatoryName: "Claire Directrice",
			SignatoryTitle: "Directrice", City: "Lyon", LetterFR: "Nous soutenons {{project}} porté par {{lead}} ({{call}}).",
			LetterEN: "We support {{project}} led by {{lead}}.", ReminderDays: 90}); err != nil {
			t.Fatal(err)
		}
		err = e.s.SaveSettings(ctx, staff, calls.Settings{ClusterName: "X", LetterFR: "{{projet}}", LetterEN: "ok", ReminderDays: 90})
		fieldErr(t, err, "letter_fr", "letters.fill.unknown")
		var letter, cert bytes.Buffer
		if err := e.s.SupportLetter(ctx, v, &letter, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Certificate(ctx, v, &cert, a.ID, "en"); err != nil {
			t.Fatal(err)
		}
		letterPDF, certPDF := bytes.Clone(letter.Bytes()), bytes.Clone(cert.Bytes())
		other := e.applicant("x@autre.example", e.org("Autre", "").ID)
		isNotFound(t, "another member's letter", e.s.SupportLetter(ctx, other, &letter, a.ID, ""))
		// The jury member read the file, but the letter and the certificate
		// are the holder's.
		if _, err := e.s.Application(ctx, vj, a.ID); err != nil {
			t.Fatalf("the jury member reads the application: %v", err)
		}
		isNotFound(t, "the jury member's letter", e.s.SupportLetter(ctx, vj, &letter, a.ID, ""))
		isNotFound(t, "the jury member's certificate", e.s.Certificate(ctx, vj, &cert, a.ID, ""))

		// The public catalogue lists it while valid.
		labels, err := e.s.Catalogue(ctx, calls.TypeTrainingLabel)
		if err != nil || len(labels) != 1 || labels[0].Holder != "École de bioproduction" {
			t.Fatalf("catalogue: %+v, %v", labels, err)
		}
		var cat bytes.Buffer
		if err := e.s.CataloguePDF(ctx, &cat, calls.TypeTrainingLabel, "fr"); err != nil {
			t.Fatal(err)
		}

		// 90 days before the end, the holder is reminded, once.
		e.now = a.LabelUntil.AddDate(0, 0, -100)
		if n, err := e.s.RemindExpiringLabels(ctx); err != nil || n != 0 {
			t.Fatalf("reminders 100 days before: %d, %v", n, err)
		}
		e.now = a.LabelUntil.AddDate(0, 0, -80)
		if n, err := e.s.RemindExpiringLabels(ctx); err != nil || n != 1 {
			t.Fatalf("reminders 80 days before: %d, %v", n, err)
		}
		if n, _ := e.s.RemindExpiringLabels(ctx); n != 0 {
			t.Fatal("reminded twice")
		}
		// The renewal: next edition's call, same label, written file only.
		next := e.projectCall(func(c *calls.Call) {
			label(c)
			c.Year, c.TitleFR = 2028, "Label formation 2028"
			c.OpensAt, c.ClosesAt = e.now.Add(-time.Hour), e.now.Add(30*24*time.Hour)
		})
		renewals, err := e.s.RenewalCalls(ctx, v, a.ID)
		if err != nil || len(renewals) != 1 || renewals[0].ID != next.ID {
			t.Fatalf("renewal calls: %+v, %v", renewals, err)
		}
		if others, _ := e.s.RenewalCalls(ctx, other, a.ID); len(others) != 0 {
			t.Fatalf("another member is offered a renewal: %+v", others)
		}
		r, err := e.s.Renew(ctx, v, a.ID, next.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.RenewalOf != a.ID || r.Title != "Master Bioproduction" || r.Status != calls.StatusDraft {
			t.Fatalf("renewal draft: %+v", r)
		}
		// After the end, it leaves the catalogue.
		e.now = a.LabelUntil.Add(time.Hour)
		if labels, _ := e.s.Catalogue(ctx, ""); len(labels) != 0 {
			t.Fatalf("expired label still listed: %+v", labels)
		}

		// Last (pdftotext may be missing outside CI, which skips the rest):
		// the letter names the project and the signatory, the certificate
		// carries the label's number.
		if text := pdfText(t, letterPDF); !strings.Contains(text, "Master Bioproduction") || !strings.Contains(text, "Claire Directrice") {
			t.Fatalf("letter text: %s", text)
		}
		if text := pdfText(t, certPDF); !strings.Contains(text, "L-2026-0001") {
			t.Fatalf("certificate text: %s", text)
		}
	})
}

func TestFundingOutcomesFeedTheStatistics(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.projectCall(func(c *calls.Call) { c.Written, c.Evaluators, c.Criteria = false, 0, nil })
		j, _ := e.expert("Membre CEP", 0, calls.ExpertInput{})
		ss, err := e.s.SaveSession(ctx, staff, 0, calls.SessionInput{Title: "CEP", HeldAt: e.now, Quorum: 1, MemberIDs: []int64{j.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetPresent(ctx, staff, ss.ID, j.ID, true); err != nil {
			t.Fatal(err)
		}
		partner := e.org("Partenaire", "")
		var apps []calls.Application
		for i := range 4 {
			o := e.org("Porteur "+string(rune('A'+i)), "")
			var ps []int64
			if i == 0 {
				ps = []int64{partner.ID}
			}
			apps = append(apps, e.submitted(e.applicant("l"+string(rune('a'+i))+"@x.example", o.ID), c, "P"+string(rune('A'+i)), ps...))
		}
		var ids []int64
		for _, a := range apps {
			ids = append(ids, a.ID)
		}
		if err := e.s.AddItems(ctx, staff, ss.ID, ids); err != nil {
			t.Fatal(err)
		}
		for i, dec := range []string{calls.DecisionLabelled, calls.DecisionLabelled, calls.DecisionLabelled, calls.DecisionNotLabelled} {
			if err := e.s.Decide(ctx, staff, ss.ID, ids[i], dec, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.s.RecordFunding(ctx, staff, ids[0], calls.FundingInput{Outcome: calls.FundingFunded, Amount: "450 000"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.RecordFunding(ctx, staff, ids[1], calls.FundingInput{Outcome: calls.FundingNotFunded}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.RecordFunding(ctx, staff, ids[3], calls.FundingInput{Outcome: calls.FundingFunded}); !errors.Is(err, calls.ErrState) {
			t.Fatalf("funding of a project not labelled: %v", err)
		}
		_, err = e.s.RecordFunding(ctx, staff, ids[2], calls.FundingInput{Outcome: calls.FundingFunded, Amount: "beaucoup"})
		fieldErr(t, err, "amount", "calls.money_invalid")
		st, err := e.s.Statistics(ctx, calls.Viewer{Role: "funder"}, 2026)
		if err != nil {
			t.Fatal(err)
		}
		want := calls.Counts{Received: 4, Labelled: 3, Funded: 1, NotFunded: 1, Pending: 1, Individual: 3, Collaborative: 1,
			FundedCents: 45000000, LabellingRate: 0.75, FundedRate: 0.333}
		if len(st.Schemes) != 1 || st.Schemes[0].Counts != want || st.Total != want {
			t.Fatalf("statistics: %+v", st)
		}
		if _, err := e.s.Statistics(ctx, calls.Viewer{Role: "member", OrganisationID: 1}, 2026); !errors.Is(err, calls.ErrForbidden) {
			t.Fatalf("a member reads the statistics: %v", err)
		}
	})
}

// pdfText is the text of a PDF.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return pdftest.Text(t, pdf, "-layout")
}

func TestExpertsAreRemindedOnceOfTheReviewsTheyStillOwe(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.projectCall(func(c *calls.Call) { c.ReviewsDue = c.ClosesAt.Add(10 * 24 * time.Hour) })
		if got, err := e.s.Call(ctx, staff, c.ID); err != nil || !got.ReviewsDue.Equal(c.ReviewsDue) {
			t.Fatalf("reviews due stored as %v, %v", got.ReviewsDue, err)
		}
		a1 := e.submitted(e.applicant("a@un.example", e.org("Un", "").ID), c, "Projet un")
		a2 := e.submitted(e.applicant("b@deux.example", e.org("Deux", "").ID), c, "Projet deux")
		x1, _ := e.expert("Anne Un", 0, calls.ExpertInput{})
		x2, v2 := e.expert("Bruno Deux", 0, calls.ExpertInput{})
		for _, p := range [][2]int64{{a1.ID, x1.ID}, {a2.ID, x1.ID}, {a1.ID, x2.ID}, {a2.ID, x2.ID}} {
			if err := e.s.Assign(ctx, staff, p[0], p[1]); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.s.SaveReview(ctx, v2, a1.ID, calls.ReviewInput{Scores: map[string]int{"innovation": 3, "market": 3}, Submit: true}); err != nil {
			t.Fatal(err)
		}
		before := len(e.outbox())
		e.now = c.ReviewsDue.Add(-4 * 24 * time.Hour)
		if n, err := e.s.RemindReviewers(ctx); err != nil || n != 0 {
			t.Fatalf("four days before: %d, %v", n, err)
		}
		e.now = c.ReviewsDue.Add(-2 * 24 * time.Hour)
		if n, err := e.s.RemindReviewers(ctx); err != nil || n != 2 {
			t.Fatalf("two days before: %d, %v", n, err)
		}
		mails := e.outbox()[before:]
		byTo := map[string]string{}
		for _, m := range mails {
			byTo[m.To] = m.Body
		}
		anne, bruno := byTo["anne.un@experts.example"], byTo["bruno.deux@experts.example"]
		if !strings.Contains(anne, a1.Reference) || !strings.Contains(anne, a2.Reference) ||
			!strings.Contains(anne, calls.FormatTime(c.ReviewsDue, "fr")) {
			t.Fatalf("Anne's reminder: %q", anne)
		}
		if strings.Contains(bruno, a1.Reference) || !strings.Contains(bruno, a2.Reference) {
			t.Fatalf("Bruno's reminder lists what he submitted, or not what he owes: %q", bruno)
		}
		if n, _ := e.s.RemindReviewers(ctx); n != 0 {
			t.Fatal("reminded twice")
		}
		// The date comes after the close.
		bad := c
		bad.ReviewsDue = c.ClosesAt.Add(-time.Hour)
		_, err := e.s.UpdateCall(ctx, c.ID, bad)
		fieldErr(t, err, "reviews_due", "calls.reviews_due_before_close")
	})
}
