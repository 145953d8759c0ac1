package meetings

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// solve schedules p with the default options and fails the test on error.
func solve(t *testing.T, p Problem) Schedule {
	t.Helper()
	s, err := Solve(p, Options{})
	if err != nil {
		t.Fatalf("Solve: %v", err)
	}
	return s
}

// everyone returns participants available in every slot.
func everyone(slots int, ids ...string) []Participant {
	var out []Participant
	for _, id := range ids {
		out = append(out, Participant{ID: id, Available: span(0, slots)})
	}
	return out
}

func TestEveryRuleHoldsOnRandomProblems(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		p := tinyProblem(rng)
		if i%3 == 0 {
			// Larger: a small event with the generator's crowd.
			sc := Scenario{Participants: 20 + rng.IntN(40), Slots: 2 + rng.IntN(8), Tables: rng.IntN(8),
				Requests: 30 + rng.IntN(200), Fixed: rng.IntN(6), Stands: 0.15, Weighted: i%2 == 0}
			p = sc.Generate(uint64(i))
		}
		s := solve(t, p)
		if bad := violations(p, s); len(bad) > 0 {
			t.Fatalf("problem %d (%d people, %d slots, %d tables, %d requests): %s", i,
				len(p.Participants), p.Slots, p.Tables, len(p.Requests), strings.Join(bad, "; "))
		}
	}
}

func TestTheCheckerCatchesBrokenSchedules(t *testing.T) {
	p := Small.Generate(3)
	good := solve(t, p)
	if bad := violations(p, good); len(bad) > 0 {
		t.Fatalf("a valid schedule fails the checker: %v", bad)
	}
	clone := func() Schedule {
		s := good
		s.Meetings = slices.Clone(good.Meetings)
		s.Unscheduled = slices.Clone(good.Unscheduled)
		return s
	}
	var notFixed int
	for notFixed = range good.Meetings {
		if !good.Meetings[notFixed].Fixed && good.Meetings[notFixed].Table > 0 {
			break
		}
	}
	breakers := map[string]func(s *Schedule){
		"meeting twice":   func(s *Schedule) { s.Meetings = append(s.Meetings, s.Meetings[notFixed]) },
		"slot moved":      func(s *Schedule) { s.Meetings[notFixed].Slot = (s.Meetings[notFixed].Slot + 1) % p.Slots },
		"table too large": func(s *Schedule) { s.Meetings[notFixed].Table = p.Tables + 1 },
		"request lost":    func(s *Schedule) { s.Meetings = slices.Delete(s.Meetings, notFixed, notFixed+1) },
		"weight wrong":    func(s *Schedule) { s.Weight++ },
		"bound too low":   func(s *Schedule) { s.UpperBound = s.Weight - 1 },
		"fixed moved": func(s *Schedule) {
			for i, m := range s.Meetings {
				if m.Fixed {
					s.Meetings[i].Fixed = false
				}
			}
		},
		"reason wrong": func(s *Schedule) {
			for i, u := range s.Unscheduled {
				if u.Reason != NoCommonSlot {
					s.Unscheduled[i].Reason = NoCommonSlot
					return
				}
			}
		},
	}
	for name, breakIt := range breakers {
		s := clone()
		breakIt(&s)
		if len(violations(p, s)) == 0 {
			t.Errorf("%s: the checker found nothing wrong", name)
		}
	}
}

func TestBoundIsAtLeastTheOptimumAndTheSolverReachesItOnTinyProblems(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 400
	reached := 0
	for i := range n {
		p := tinyProblem(rng)
		s := solve(t, p)
		opt := optimum(p)
		if s.UpperBound < opt {
			t.Fatalf("problem %d: upper bound %d below the optimum %d\n%+v", i, s.UpperBound, opt, p)
		}
		if s.Weight > opt {
			t.Fatalf("problem %d: weight %d above the optimum %d: the checker or the search is wrong", i, s.Weight, opt)
		}
		if 100*s.Weight < 95*opt {
			t.Errorf("problem %d: weight %d, less than 95%% of the optimum %d\n%+v", i, s.Weight, opt, p)
		}
		if s.Weight == opt {
			reached++
		}
	}
	if reached < n*98/100 {
		t.Errorf("the optimum was reached on %d of %d problems, want at least 98%%", reached, n)
	}
}

func TestOddCyclesRoundTheBoundDown(t *testing.T) {
	// Three people who all want to meet each other, in one slot: one
	// meeting at most, while the relaxation can hold half of each (1.5).
	p := Problem{Slots: 1, Tables: 5, Participants: everyone(1, "a", "b", "c"),
		Requests: []Request{{A: "a", B: "b", Weight: 1}, {A: "b", B: "c", Weight: 1}, {A: "a", B: "c", Weight: 1}}}
	s := solve(t, p)
	if s.Scheduled != 1 || s.UpperBound != 1 {
		t.Errorf("scheduled %d, bound %d; want 1 and 1", s.Scheduled, s.UpperBound)
	}
}

func TestTheSameProblemAndSeedGiveTheSameSchedule(t *testing.T) {
	sc := Scenario{Participants: 300, Slots: 10, Tables: 20, Requests: 1500, Fixed: 10, Stands: 0.1, Weighted: true}
	p := sc.Generate(5)
	first := solve(t, p)
	for range 2 {
		if again := solve(t, p); !reflect.DeepEqual(first, again) {
			t.Fatal("two runs on the same problem differ")
		}
	}
	if !reflect.DeepEqual(sc.Generate(5), p) {
		t.Error("the generator is not deterministic")
	}
}

func TestStandMeetingsTakeNoTable(t *testing.T) {
	// No tables at all: only the meetings at a stand can take place.
	p := Problem{Slots: 2, Tables: 0, Participants: everyone(2, "visitor", "other")}
	p.Participants = append(p.Participants, Participant{ID: "exhibitor", Available: []int{0, 1}, Stand: true},
		Participant{ID: "exhibitor2", Available: []int{1}, Stand: true})
	p.Requests = []Request{{A: "visitor", B: "other", Weight: 1}, {A: "visitor", B: "exhibitor", Weight: 1},
		{A: "exhibitor", B: "exhibitor2", Weight: 1}}
	s := solve(t, p)
	if s.Scheduled != 2 || s.UpperBound != 2 {
		t.Fatalf("scheduled %d (bound %d): %+v", s.Scheduled, s.UpperBound, s.Meetings)
	}
	for _, m := range s.Meetings {
		if m.Table != 0 {
			t.Errorf("meeting %s–%s at table %d", m.A, m.B, m.Table)
		}
	}
	if u := s.Unscheduled[0]; u.A != "visitor" || u.B != "other" || u.Reason != TablesFull {
		t.Errorf("unscheduled = %+v", s.Unscheduled)
	}
	if bad := violations(p, s); len(bad) > 0 {
		t.Error(bad)
	}
}

func TestFixedMeetingsStayWhereTheyAreEvenWhenMovingThemWouldPlaceMore(t *testing.T) {
	// b is only free in slot 0, where a's fixed meeting with c sits: moving
	// it to slot 1 would place a–b too, but a fixed meeting never moves.
	p := Problem{Slots: 2, Tables: 3, Participants: everyone(2, "a", "c")}
	p.Participants = append(p.Participants, Participant{ID: "b", Available: []int{0}})
	p.Requests = []Request{{A: "a", B: "c", Weight: 1}, {A: "a", B: "b", Weight: 5}}
	p.Fixed = []Meeting{{A: "c", B: "a", Slot: 0, Table: 3}}
	s := solve(t, p)
	want := []Meeting{{A: "a", B: "c", Slot: 0, Table: 3, Fixed: true}}
	if !reflect.DeepEqual(s.Meetings, want) {
		t.Errorf("meetings = %+v, want %+v", s.Meetings, want)
	}
	if s.UpperBound != 1 || len(s.Unscheduled) != 1 || s.Unscheduled[0].Reason != NoFreeSlot {
		t.Errorf("bound %d, unscheduled %+v", s.UpperBound, s.Unscheduled)
	}
	// Without the fixed meeting both fit.
	p.Fixed = nil
	if s := solve(t, p); s.Weight != 6 || s.UpperBound != 6 {
		t.Errorf("without fixing: weight %d, bound %d", s.Weight, s.UpperBound)
	}
}

func TestEachUnscheduledRequestSaysWhy(t *testing.T) {
	// One table per slot and no stand: two meetings at most, busy–x (3)
	// in slot 1 and morning–z (2) in slot 0, the only slot of morning.
	p := Problem{Slots: 2, Tables: 1, Participants: []Participant{
		{ID: "morning", Available: []int{0}},
		{ID: "afternoon", Available: []int{1}},
		{ID: "busy", Available: []int{0, 1}, MaxMeetings: 1},
		{ID: "x", Available: []int{0, 1}},
		{ID: "y", Available: []int{0, 1}},
		{ID: "z", Available: []int{0, 1}},
	}, Requests: []Request{
		{A: "morning", B: "afternoon", Weight: 1}, // no common slot
		{A: "busy", B: "x", Weight: 3},
		{A: "busy", B: "y", Weight: 1}, // busy's maximum
		{A: "y", B: "z", Weight: 1},    // both free in slot 1, but its table is taken
		{A: "morning", B: "z", Weight: 2},
		{A: "x", B: "z", Weight: 1}, // z is busy in slot 0, x in slot 1
	}}
	s := solve(t, p)
	if bad := violations(p, s); len(bad) > 0 {
		t.Fatal(bad)
	}
	got := map[string]Reason{}
	for _, u := range s.Unscheduled {
		got[u.A+"-"+u.B] = u.Reason
	}
	want := map[string]Reason{"morning-afternoon": NoCommonSlot, "busy-y": MaxReached, "y-z": TablesFull, "x-z": NoFreeSlot}
	if s.Weight != 5 || s.UpperBound != 5 || len(s.Unscheduled) != len(want) {
		t.Errorf("weight %d, bound %d, %d unscheduled; want 5, 5, 4", s.Weight, s.UpperBound, len(s.Unscheduled))
	}
	for k, r := range want {
		if got[k] != r {
			t.Errorf("%s: reason %q, want %q (all: %+v)", k, got[k], r, s.Unscheduled)
		}
	}
	for _, u := range s.Unscheduled {
		if u.Reason == MaxReached && (u.Participant != "busy" || !strings.Contains(u.Message, "“busy” has reached their maximum number of meetings (1)")) {
			t.Errorf("max reached: %+v", u)
		}
		if fr := u.Text("fr"); fr == u.Message || strings.HasPrefix(fr, "meetings.") {
			t.Errorf("French text %q", fr)
		}
	}
}
