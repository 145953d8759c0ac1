package calls_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"filiere/internal/calls"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
)

// conflictWorld is one collaborative application and six experts: four
// in conflict with it, one reason each, and two free.
type conflictWorld struct {
	*env
	call                                  calls.Call
	app                                   calls.Application
	lead                                  calls.Viewer
	affiliated, sameGroup, interested     calls.Expert
	recorded, free1, free2                calls.Expert
	vAffiliated, vSameGroup, vInterested  calls.Viewer
	vRecorded, vFree1, vFree2             calls.Viewer
	conflicted                            []calls.Expert
	conflictedViewers                     []calls.Viewer
	leadOrg, partnerOrg, sisterOrg, other int64
}

func newConflictWorld(t *testing.T, d *db.DB) *conflictWorld {
	e := newEnv(t, d)
	w := &conflictWorld{env: e}
	lead := e.org("Cardiolab", "Groupe Alpha Santé", "medtech")
	partner := e.org("BioNova", "", "biotech")
	sister := e.org("Alpha Diagnostics", "groupe alpha  santé", "diagnostics")
	hospital := e.org("CHU Nord", "", "medtech")
	neutral := e.org("Institut Tiers", "", "medtech")
	w.leadOrg, w.partnerOrg, w.sisterOrg, w.other = lead.ID, partner.ID, sister.ID, neutral.ID
	w.call = e.projectCall(nil)
	w.lead = e.applicant("porteur@cardiolab.example", lead.ID)
	w.app = e.submitted(w.lead, w.call, "Capteur cardiaque implantable", partner.ID)

	w.affiliated, w.vAffiliated = e.expert("Aline Affiliee", partner.ID, calls.ExpertInput{Sectors: []string{"biotech"}})
	w.sameGroup, w.vSameGroup = e.expert("Gaston Groupe", sister.ID, calls.ExpertInput{Sectors: []string{"medtech"}})
	w.interested, w.vInterested = e.expert("Ines Interet", neutral.ID, calls.ExpertInput{Sectors: []string{"medtech"},
		Interests: []calls.Interest{{OrganisationID: lead.ID, Note: "actionnaire"}}})
	w.recorded, w.vRecorded = e.expert("Remi Recuse", hospital.ID, calls.ExpertInput{Sectors: []string{"medtech"}})
	w.free1, w.vFree1 = e.expert("Flore Libre", hospital.ID, calls.ExpertInput{Sectors: []string{"medtech"}})
	w.free2, w.vFree2 = e.expert("Fabien Libre", 0, calls.ExpertInput{Keywords: []string{"capteur"}})
	if err := e.s.RecordConflict(ctx, staff, w.app.ID, w.recorded.ID, "a co-écrit le projet"); err != nil {
		t.Fatal(err)
	}
	w.conflicted = []calls.Expert{w.affiliated, w.sameGroup, w.interested, w.recorded}
	w.conflictedViewers = []calls.Viewer{w.vAffiliated, w.vSameGroup, w.vInterested, w.vRecorded}
	return w
}

func TestEachKindOfConflictKeepsTheExpertAwayFromTheApplication(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newConflictWorld(t, d)
		s := w.s

		// The reasons, as staff see them.
		got, err := s.Conflicts(ctx, staff, w.app.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{w.affiliated.ID: calls.ConflictAffiliation, w.sameGroup.ID: calls.ConflictGroup,
			w.interested.ID: calls.ConflictInterest, w.recorded.ID: calls.ConflictRecorded}
		if len(got) != len(want) {
			t.Fatalf("conflicts = %v, want one per conflicted expert", got)
		}
		for id, reason := range want {
			if len(got[id]) == 0 || got[id][0].Reason != reason {
				t.Errorf("expert %d: conflicts %v, want %s", id, got[id], reason)
			}
		}

		// Never offered.
		cands, err := s.Candidates(ctx, staff, w.app.ID)
		if err != nil {
			t.Fatal(err)
		}
		var offered []int64
		for _, c := range cands {
			offered = append(offered, c.Expert.ID)
		}
		if !slices.Equal(sorted(offered), sorted([]int64{w.free1.ID, w.free2.ID})) {
			t.Fatalf("candidates = %v, want only the two free experts", offered)
		}

		// Never assignable by hand: the service refuses, and logs why.
		for _, x := range w.conflicted {
			if err := s.Assign(ctx, staff, w.app.ID, x.ID); !errors.Is(err, calls.ErrConflict) {
				t.Fatalf("assign %s: %v, want ErrConflict", x.Name, err)
			}
		}
		excl, err := s.Exclusions(ctx, staff, w.app.ID)
		if err != nil {
			t.Fatal(err)
		}
		reasons := map[int64]string{}
		for _, x := range excl {
			reasons[x.ExpertID] = x.Reason
		}
		for id, reason := range want {
			if reasons[id] != reason {
				t.Errorf("exclusion of %d logged as %q, want %q", id, reasons[id], reason)
			}
		}

		// Nor automatically: the two places go to the two free experts.
		rep, err := s.AutoAssign(ctx, staff, w.call.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Added) != 2 || rep.Excluded != 4 {
			t.Fatalf("auto assignment added %v, excluded %d", rep.Added, rep.Excluded)
		}
		for _, p := range rep.Added {
			if p.Expert != w.free1.ID && p.Expert != w.free2.ID {
				t.Fatalf("auto assignment gave the application to expert %d", p.Expert)
			}
		}

		// A conflicted expert never reads it, its documents or its scores,
		// and does not find it in a list.
		for _, v := range w.conflictedViewers {
			_, err := s.Application(ctx, v, w.app.ID)
			isNotFound(t, "application", err)
			_, err = s.Reviews(ctx, v, w.app.ID)
			isNotFound(t, "reviews", err)
			_, _, err = s.FileContent(ctx, v, w.app.ID, 1)
			isNotFound(t, "file", err)
			_, err = s.SaveReview(ctx, v, w.app.ID, calls.ReviewInput{Scores: map[string]int{"innovation": 5}})
			isNotFound(t, "review", err)
			list, err := s.Applications(ctx, v, calls.ApplicationFilter{})
			if err != nil || len(list) != 0 {
				t.Fatalf("list for a conflicted expert: %v, %v", list, err)
			}
		}
		// The free ones do.
		if _, err := s.Application(ctx, w.vFree1, w.app.ID); err != nil {
			t.Fatal(err)
		}

		// A committee session with all six: the four are recused and the
		// item is absent from their view of the session; decisions count
		// only the voters present and not recused.
		members := []int64{w.affiliated.ID, w.sameGroup.ID, w.interested.ID, w.recorded.ID, w.free1.ID, w.free2.ID}
		ss, err := s.SaveSession(ctx, staff, 0, calls.SessionInput{Title: "CEP séance 3", HeldAt: time.Date(2026, 5, 20, 14, 0, 0, 0, calls.Paris),
			Quorum: 2, MemberIDs: members})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddItems(ctx, staff, ss.ID, []int64{w.app.ID}); err != nil {
			t.Fatal(err)
		}
		ss, err = s.SessionFor(ctx, staff, ss.ID)
		if err != nil {
			t.Fatal(err)
		}
		recused := map[int64]string{}
		for _, r := range ss.Items[0].Recused {
			recused[r.ExpertID] = r.Reason
		}
		for id, reason := range want {
			if recused[id] != reason {
				t.Errorf("recusal of %d = %q, want %q", id, recused[id], reason)
			}
		}
		if len(recused) != 4 {
			t.Fatalf("recused = %v", recused)
		}
		for _, v := range w.conflictedViewers {
			mine, err := s.SessionFor(ctx, v, ss.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(mine.Items) != 0 {
				t.Fatalf("a recused member sees the item: %+v", mine.Items)
			}
		}
		for _, m := range members {
			if err := s.SetPresent(ctx, staff, ss.ID, m, true); err != nil {
				t.Fatal(err)
			}
		}
		// Six present, four recused: two voters meet a quorum of 2.
		if err := s.Decide(ctx, staff, ss.ID, w.app.ID, calls.DecisionLabelled, "Projet solide"); err != nil {
			t.Fatal(err)
		}
		ss, _ = s.SessionFor(ctx, staff, ss.ID)
		if ss.Items[0].Voters != 2 || ss.Items[0].Decision != calls.DecisionLabelled {
			t.Fatalf("item after decision: %+v", ss.Items[0])
		}
	})
}

func TestQuorumCountsOnlyMembersPresentAndNotRecused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newConflictWorld(t, d)
		s := w.s
		ss, err := s.SaveSession(ctx, staff, 0, calls.SessionInput{Title: "CEP", HeldAt: time.Date(2026, 5, 20, 14, 0, 0, 0, calls.Paris),
			Quorum: 3, MemberIDs: []int64{w.affiliated.ID, w.free1.ID, w.free2.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddItems(ctx, staff, ss.ID, []int64{w.app.ID}); err != nil {
			t.Fatal(err)
		}
		for _, m := range []int64{w.affiliated.ID, w.free1.ID, w.free2.ID} {
			if err := s.SetPresent(ctx, staff, ss.ID, m, true); err != nil {
				t.Fatal(err)
			}
		}
		// Three present but one recused: two voters, quorum three.
		if err := s.Decide(ctx, staff, ss.ID, w.app.ID, calls.DecisionLabelled, ""); !errors.Is(err, calls.ErrQuorum) {
			t.Fatalf("decide without quorum: %v", err)
		}
	})
}

func TestAConflictRecordedAfterAssignmentRemovesTheAssignmentAndItsScores(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newConflictWorld(t, d)
		s := w.s
		if err := s.Assign(ctx, staff, w.app.ID, w.free1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveReview(ctx, w.vFree1, w.app.ID, calls.ReviewInput{Scores: map[string]int{"innovation": 4}}); err != nil {
			t.Fatal(err)
		}
		// The expert declares a conflict themselves.
		if err := s.RecordConflict(ctx, w.vFree1, w.app.ID, w.free1.ID, "mon conjoint travaille chez Cardiolab"); err != nil {
			t.Fatal(err)
		}
		_, err := s.Application(ctx, w.vFree1, w.app.ID)
		isNotFound(t, "application after the declaration", err)
		as, err := s.Assignments(ctx, staff, w.app.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 0 {
			t.Fatalf("assignments left: %+v", as)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM review_scores WHERE expert_id = ?", w.free1.ID).Scan(&n); err != nil || n != 0 {
			t.Fatalf("scores left: %d, %v", n, err)
		}
		// A new affiliation does the same: the second free expert joins the
		// lead's group.
		if err := s.Assign(ctx, staff, w.app.ID, w.free2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveExpert(ctx, staff, w.free2.ID, calls.ExpertInput{UserID: w.free2.UserID, AffiliationID: w.sisterOrg, Active: true}); err != nil {
			t.Fatal(err)
		}
		if as, _ := s.Assignments(ctx, staff, w.app.ID); len(as) != 0 {
			t.Fatalf("assignment kept after the expert joined the group: %+v", as)
		}
	})
}

func sorted(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}
