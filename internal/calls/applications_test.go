package calls_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"filiere/internal/calls"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/i18n"
)

func TestASubmissionOneSecondAfterTheCloseIsRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.projectCall(nil)
		lead := e.org("Cardiolab", "", "medtech")
		v := e.applicant("porteur@cardiolab.example", lead.ID)
		late, err := e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: "En retard", Answers: map[string]string{"budget": "1000"}})
		if err != nil {
			t.Fatal(err)
		}
		onTime, err := e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: "À l'heure", Answers: map[string]string{"budget": "1000"}})
		if err != nil {
			t.Fatal(err)
		}
		e.now = c.ClosesAt // the last instant: still open
		if !e.s.CanEdit(v, onTime, c) {
			t.Fatal("the lead may not edit at the close")
		}
		if _, err := e.s.Submit(ctx, v, onTime.ID); err != nil {
			t.Fatalf("submit at the close: %v", err)
		}
		e.now = c.ClosesAt.Add(time.Second)
		if e.s.CanEdit(v, late, c) || e.s.CanEdit(staff, late, c) {
			t.Fatal("an application is editable after the close")
		}
		_, err = e.s.Submit(ctx, v, late.ID)
		if !errors.Is(err, calls.ErrClosed) {
			t.Fatalf("submit one second late: %v, want ErrClosed", err)
		}
		// The message says so, with the close in Paris time.
		msg := i18n.T("fr", calls.ErrorKey(err), calls.FormatTime(c.ClosesAt, "fr"))
		if !strings.Contains(msg, "30/04/2026 à 12:00") {
			t.Fatalf("message %q does not give the close in Paris time", msg)
		}
		if got := calls.FormatTime(c.ClosesAt, "en"); got != "30/04/2026 at 12:00" {
			t.Fatalf("close in English: %q", got)
		}
		// After the close nothing changes: no edit, no withdrawal.
		if _, err := e.s.UpdateApplication(ctx, v, onTime.ID, calls.ApplicationInput{Title: "Changé"}); !errors.Is(err, calls.ErrClosed) {
			t.Fatalf("edit after the close: %v", err)
		}
		if err := e.s.Withdraw(ctx, v, onTime.ID); !errors.Is(err, calls.ErrClosed) {
			t.Fatalf("withdraw after the close: %v", err)
		}
		a, err := e.s.Application(ctx, v, late.ID)
		if err != nil || a.Status != calls.StatusDraft {
			t.Fatalf("the late draft: %+v, %v", a, err)
		}
		// The acknowledgement of the one on time went to its author.
		mails := e.outbox()
		if len(mails) != 1 || mails[0].To != "porteur@cardiolab.example" || !strings.Contains(mails[0].Body, "30/04/2026 à 12:00") {
			t.Fatalf("mails: %+v", mails)
		}
	})
}

func TestTheFormChecksAnswersConsortiumAndDocuments(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.projectCall(func(c *calls.Call) {
			c.Consortium, c.MinPartners, c.MaxPartners = calls.ConsortiumRequired, 1, 2
			c.Fields[2].Required = true
		})
		lead := e.org("Cardiolab", "", "medtech")
		p1, p2, p3 := e.org("P1", ""), e.org("P2", ""), e.org("P3", "")
		v := e.applicant("porteur@cardiolab.example", lead.ID)
		_, err := e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: "X", Answers: map[string]string{"budget": "douze"}})
		fieldErr(t, err, "answers.budget", "calls.money_invalid")
		_, err = e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: "X", Answers: map[string]string{"trl": "trl9"}})
		fieldErr(t, err, "answers.trl", "validate.choice")
		_, err = e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: "X", PartnerIDs: []int64{p1.ID, p2.ID, p3.ID}})
		fieldErr(t, err, "partners", "calls.too_many_partners")
		_, err = e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: "X", PartnerIDs: []int64{lead.ID}})
		fieldErr(t, err, "partners", "calls.partner_is_lead")
		_, err = e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: "X", Files: map[string]calls.Upload{"annex": {Filename: "a.exe", Data: []byte("MZ\x90\x00binary")}}})
		fieldErr(t, err, "answers.annex", "calls.file_type")

		a, err := e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: "Capteur", Answers: map[string]string{"budget": "12 500,50"}})
		if err != nil {
			t.Fatal(err)
		}
		if a.Answers["budget"] != "1250050" {
			t.Fatalf("budget stored as %q", a.Answers["budget"])
		}
		// Submitting needs a partner and the required document.
		_, err = e.s.Submit(ctx, v, a.ID)
		fieldErr(t, err, "partners", "calls.too_few_partners")
		if _, err = e.s.UpdateApplication(ctx, v, a.ID, calls.ApplicationInput{Title: "Capteur", PartnerIDs: []int64{p1.ID}}); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Submit(ctx, v, a.ID)
		fieldErr(t, err, "answers.annex", "calls.document_required")
		pdf := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		a, err = e.s.UpdateApplication(ctx, v, a.ID, calls.ApplicationInput{Title: "Capteur", PartnerIDs: []int64{p1.ID},
			Files: map[string]calls.Upload{"annex": {Filename: "../annexe technique.pdf", Data: pdf}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Files) != 1 || a.Files[0].Filename != "annexe technique.pdf" || a.Files[0].ContentType != "application/pdf" {
			t.Fatalf("files: %+v", a.Files)
		}
		if a, err = e.s.Submit(ctx, v, a.ID); err != nil {
			t.Fatal(err)
		}
		if !a.Collaborative || a.Status != calls.StatusSubmitted || a.Reference != "A-2026-0001" {
			t.Fatalf("submitted: %+v", a)
		}
		// The partner reads it; another member does not.
		vp := e.applicant("partner@p1.example", p1.ID)
		if _, err := e.s.Application(ctx, vp, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.UpdateApplication(ctx, vp, a.ID, calls.ApplicationInput{Title: "Pris"}); !errors.Is(err, calls.ErrForbidden) {
			t.Fatalf("a partner edits: %v", err)
		}
		vo := e.applicant("other@p2.example", p2.ID)
		_, err = e.s.Application(ctx, vo, a.ID)
		isNotFound(t, "another member", err)
		_, _, err = e.s.FileContent(ctx, vo, a.ID, a.Files[0].ID)
		isNotFound(t, "another member's download", err)
		f, data, err := e.s.FileContent(ctx, v, a.ID, a.Files[0].ID)
		if err != nil || string(data) != string(pdf) || f.Filename != "annexe technique.pdf" {
			t.Fatalf("download: %+v, %v", f, err)
		}
	})
}

func TestMembersOnlyCallsRefuseOtherOrganisations(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.projectCall(nil)
		o, err := e.dir.CreateOrganisation(ctx, orgNonMember("Prospect SAS"))
		if err != nil {
			t.Fatal(err)
		}
		v := e.applicant("p@prospect.example", o.ID)
		_, err = e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: "X"})
		fieldErr(t, err, "lead", "calls.members_only")
		// An unpublished call is not there for applicants.
		hidden, err := e.s.CreateCall(ctx, calls.Call{Type: calls.TypeInterest, TitleFR: "AMI", Year: 2026, OpensAt: c.OpensAt,
			ClosesAt: c.ClosesAt, Audience: calls.AudienceAll, Consortium: calls.ConsortiumSingle, Committee: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Call(ctx, v, hidden.ID)
		isNotFound(t, "unpublished call", err)
		_, err = e.s.CreateDraft(ctx, v, hidden.ID, calls.ApplicationInput{Title: "X"})
		isNotFound(t, "draft to an unpublished call", err)
	})
}

func TestCallsValidateTheirFormAndGrid(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		base := calls.Call{Type: calls.TypeVoucher, TitleFR: "Chèques", Year: 2026, OpensAt: e.now, ClosesAt: e.now.Add(24 * time.Hour),
			Audience: calls.AudienceAll, Consortium: calls.ConsortiumSingle, Written: true, Evaluators: 2, Committee: true,
			Criteria: []calls.Criterion{{Code: "impact", LabelFR: "Impact", Weight: 1, Scale: 10}}}
		for _, tc := range []struct {
			name       string
			mod        func(*calls.Call)
			field, key string
		}{
			{"vouchers", func(c *calls.Call) {}, "vouchers", "calls.vouchers_required"},
			{"dates", func(c *calls.Call) { c.Vouchers, c.ClosesAt = 5, c.OpensAt }, "closes_at", "calls.closes_before_opens"},
			{"grid", func(c *calls.Call) { c.Vouchers, c.Criteria = 5, nil }, "criteria", "calls.criteria_required"},
			{"weight", func(c *calls.Call) { c.Vouchers, c.Criteria[0].Weight = 5, 0 }, "criteria.0.weight", "calls.range"},
			{"choices", func(c *calls.Call) {
				c.Vouchers, c.Fields = 5, []calls.Field{{Code: "x", Kind: calls.FieldChoice, LabelFR: "X"}}
			}, "fields.0.choices", "calls.choices_required"},
			{"duplicate", func(c *calls.Call) {
				c.Vouchers, c.Fields = 5, []calls.Field{{Code: "x", Kind: calls.FieldText, LabelFR: "X"}, {Code: "x", Kind: calls.FieldText, LabelFR: "Y"}}
			}, "fields.1.code", "calls.code_duplicate"},
		} {
			c := base
			c.Criteria = append([]calls.Criterion(nil), base.Criteria...)
			tc.mod(&c)
			_, err := e.s.CreateCall(ctx, c)
			fieldErr(t, err, tc.field, tc.key)
		}
	})
}

func TestDraftsStartedAtOnceGetDistinctReferences(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.projectCall(nil)
		const n = 12
		var viewers []calls.Viewer
		for i := range n {
			o := e.org(fmt.Sprintf("Société %02d", i), "")
			viewers = append(viewers, e.applicant(fmt.Sprintf("p%02d@x.example", i), o.ID))
		}
		refs := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, v := range viewers {
			wg.Go(func() {
				a, err := e.s.CreateDraft(ctx, v, c.ID, calls.ApplicationInput{Title: fmt.Sprintf("Projet %02d", i)})
				refs[i], errs[i] = a.Reference, err
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("draft %d: %v", i, errs[i])
			}
			if seen[refs[i]] {
				t.Fatalf("reference %s given twice: %v", refs[i], refs)
			}
			seen[refs[i]] = true
		}
	})
}
