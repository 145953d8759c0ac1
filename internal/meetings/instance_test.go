package meetings

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"filiere/internal/i18n"
	"filiere/internal/validate"
)

// validProblem is a small problem that breaks no rule.
func validProblem() Problem {
	return Problem{Slots: 3, Tables: 2,
		Participants: []Participant{
			{ID: "ana", Available: []int{0, 1, 2}},
			{ID: "ben", Available: []int{0, 1}},
			{ID: "cid", Available: []int{1, 2}, MaxMeetings: 2},
			{ID: "stand", Available: []int{0, 1, 2}, Stand: true},
		},
		Requests: []Request{
			{A: "ana", B: "ben", Weight: 1},
			{A: "ana", B: "cid", Weight: 2},
			{A: "stand", B: "ben", Weight: 1},
		},
		Fixed: []Meeting{{A: "ben", B: "ana", Slot: 0, Table: 2}},
	}
}

func TestValidProblemPasses(t *testing.T) {
	if err := Validate(validProblem()); err != nil {
		t.Fatal(err)
	}
}

func TestInvalidProblemsAreRejectedWithAClearError(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(p *Problem)
		field  string
		key    string
		args   []any
	}{
		"no slot":         {func(p *Problem) { p.Slots = 0 }, "slots", "meetings.slots_range", []any{MaxSlots, 0}},
		"negative tables": {func(p *Problem) { p.Tables = -1 }, "tables", "meetings.tables_range", []any{MaxTables, -1}},
		"empty id":        {func(p *Problem) { p.Participants[1].ID = "" }, "participants[1]", "meetings.id_required", nil},
		"id twice":        {func(p *Problem) { p.Participants[1].ID = "ana" }, "participants[1]", "meetings.id_duplicate", []any{"ana"}},
		"slot out of range": {func(p *Problem) { p.Participants[2].Available = []int{1, 3} }, "participants[2]",
			"meetings.slot_range", []any{3, 2}},
		"negative slot":    {func(p *Problem) { p.Participants[2].Available = []int{-1} }, "participants[2]", "meetings.slot_range", []any{-1, 2}},
		"slot twice":       {func(p *Problem) { p.Participants[0].Available = []int{1, 1} }, "participants[0]", "meetings.slot_twice", []any{1}},
		"negative maximum": {func(p *Problem) { p.Participants[2].MaxMeetings = -2 }, "participants[2]", "meetings.max_negative", []any{-2}},
		"unknown a": {func(p *Problem) { p.Requests[1].A = "zoé" }, "requests[1]", "meetings.unknown_participant",
			[]any{"zoé"}},
		"unknown b": {func(p *Problem) { p.Requests[1].B = "zoé" }, "requests[1]", "meetings.unknown_participant",
			[]any{"zoé"}},
		"self request": {func(p *Problem) { p.Requests[1].B = "ana" }, "requests[1]", "meetings.self_request", []any{"ana"}},
		"same pair": {func(p *Problem) { p.Requests = append(p.Requests, Request{A: "ana", B: "cid", Weight: 1}) },
			"requests[3]", "meetings.duplicate_request", []any{"ana", "cid", 1}},
		"same pair reversed": {func(p *Problem) { p.Requests = append(p.Requests, Request{A: "cid", B: "ana", Weight: 1}) },
			"requests[3]", "meetings.duplicate_request", []any{"cid", "ana", 1}},
		"negative weight": {func(p *Problem) { p.Requests[0].Weight = -1 }, "requests[0]", "meetings.weight_range", []any{MaxWeight, -1}},
		"zero weight":     {func(p *Problem) { p.Requests[0].Weight = 0 }, "requests[0]", "meetings.weight_range", []any{MaxWeight, 0}},
		"weight too high": {func(p *Problem) { p.Requests[0].Weight = MaxWeight + 1 }, "requests[0]", "meetings.weight_range",
			[]any{MaxWeight, MaxWeight + 1}},
		"fixed unknown person": {func(p *Problem) { p.Fixed[0].A = "zoé" }, "fixed[0]", "meetings.unknown_participant", []any{"zoé"}},
		"fixed pair not requested": {func(p *Problem) { p.Fixed[0] = Meeting{A: "ben", B: "cid", Slot: 1, Table: 1} },
			"fixed[0]", "meetings.fixed_not_requested", []any{"ben", "cid"}},
		"fixed twice": {func(p *Problem) { p.Fixed = append(p.Fixed, Meeting{A: "ana", B: "ben", Slot: 1, Table: 1}) },
			"fixed[1]", "meetings.fixed_twice", []any{"ana", "ben", 0}},
		"fixed slot out of range": {func(p *Problem) { p.Fixed[0].Slot = 3 }, "fixed[0]", "meetings.slot_range", []any{3, 2}},
		"fixed when unavailable": {func(p *Problem) { p.Fixed[0].Slot = 2 }, "fixed[0]", "meetings.fixed_unavailable",
			[]any{"ben", 2}},
		"fixed person busy": {func(p *Problem) { p.Fixed = append(p.Fixed, Meeting{A: "stand", B: "ben", Slot: 0}) },
			"fixed[1]", "meetings.fixed_busy", []any{"ben", 0, 0}},
		"fixed table at a stand": {func(p *Problem) { p.Fixed = append(p.Fixed, Meeting{A: "stand", B: "ben", Slot: 1, Table: 1}) },
			"fixed[1]", "meetings.fixed_table_stand", []any{1}},
		"fixed without a table": {func(p *Problem) { p.Fixed[0].Table = 0 }, "fixed[0]", "meetings.fixed_table_range", []any{0, 2}},
		"fixed table out of range": {func(p *Problem) { p.Fixed[0].Table = 3 }, "fixed[0]", "meetings.fixed_table_range",
			[]any{3, 2}},
		"fixed over maximum": {func(p *Problem) {
			p.Participants[2].MaxMeetings = 1
			p.Requests = append(p.Requests, Request{A: "stand", B: "cid", Weight: 1})
			p.Fixed = append(p.Fixed, Meeting{A: "ana", B: "cid", Slot: 1, Table: 1}, Meeting{A: "stand", B: "cid", Slot: 2})
		}, "fixed[2]", "meetings.fixed_over_max", []any{"cid", 1}},
	} {
		p := validProblem()
		tc.change(&p)
		err := Validate(p)
		errs, ok := validate.As(err)
		if !ok {
			t.Errorf("%s: error %v, want validate.Errors", name, err)
			continue
		}
		fe, found := errs.For(tc.field)
		if !found || fe.Key != tc.key || !reflect.DeepEqual(fe.Args, tc.args) {
			t.Errorf("%s: got %v, want %s: %s %v", name, errs, tc.field, tc.key, tc.args)
		}
		if msg := i18n.T("en", fe.Key, fe.Args...); strings.HasPrefix(msg, "meetings.") || strings.Contains(msg, "%!") {
			t.Errorf("%s: message %q", name, msg)
		}
		if _, err := Solve(p, Options{}); !errors.As(err, new(validate.Errors)) {
			t.Errorf("%s: Solve returned %v", name, err)
		}
	}
}

func TestTwoFixedMeetingsCannotShareATable(t *testing.T) {
	p := validProblem()
	p.Participants = append(p.Participants, Participant{ID: "dan", Available: []int{0}}, Participant{ID: "eve", Available: []int{0}})
	p.Requests = append(p.Requests, Request{A: "dan", B: "eve", Weight: 1})
	p.Fixed = append(p.Fixed, Meeting{A: "dan", B: "eve", Slot: 0, Table: 2})
	errs, _ := validate.As(Validate(p))
	if fe, ok := errs.For("fixed[1]"); !ok || fe.Key != "meetings.fixed_table_taken" || !reflect.DeepEqual(fe.Args, []any{2, 0, 0}) {
		t.Errorf("errors = %v", errs)
	}
}

func TestDecodeReadsTheFileFormat(t *testing.T) {
	p, err := Decode(strings.NewReader(`{"slots": 2, "tables": 1,
		"participants": [{"id": "a", "available": [0, 1]}, {"id": "b", "available": [1], "stand": true, "max_meetings": 3}],
		"requests": [{"a": "a", "b": "b"}, {"a": "b", "b": "a", "weight": 0}],
		"fixed": [{"a": "a", "b": "b", "slot": 1, "table": 0}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Problem{Slots: 2, Tables: 1,
		Participants: []Participant{{ID: "a", Available: []int{0, 1}}, {ID: "b", Available: []int{1}, Stand: true, MaxMeetings: 3}},
		Requests:     []Request{{A: "a", B: "b", Weight: 1}, {A: "b", B: "a", Weight: 0}},
		Fixed:        []Meeting{{A: "a", B: "b", Slot: 1}},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Decode = %+v\nwant %+v", p, want)
	}
	for _, bad := range []string{
		`{"slots": 2`,
		`{"slots": 2, "tabels": 1}`,
		`{"slots": 2, "requests": [{"a": "x", "b": "y", "priority": 2}]}`,
		`{"slots": 2} {"slots": 3}`,
		`{"slots": "two"}`,
	} {
		_, err := Decode(strings.NewReader(bad))
		if m, ok := validate.AsMessage(err); !ok || m.Key != "meetings.file_invalid" {
			t.Errorf("Decode(%s) = %v, want meetings.file_invalid", bad, err)
		}
	}
}

func FuzzDecodeAndSolve(f *testing.F) {
	f.Add(`{"slots": 2, "tables": 1, "participants": [{"id": "a", "available": [0, 1]}, {"id": "b", "available": [1]}],
		"requests": [{"a": "a", "b": "b"}], "fixed": [{"a": "a", "b": "b", "slot": 1, "table": 1}]}`)
	f.Add(`{"slots": 1, "tables": 0, "participants": [{"id": "a", "available": [0], "stand": true}, {"id": "b", "available": [0]}],
		"requests": [{"a": "b", "b": "a", "weight": 2}]}`)
	f.Fuzz(func(t *testing.T, file string) {
		p, err := Decode(strings.NewReader(file))
		if err != nil || len(p.Participants) > 50 || len(p.Requests) > 200 || p.Slots > 20 {
			return
		}
		s, err := Solve(p, Options{Effort: 0.05})
		if err != nil {
			if _, ok := validate.As(err); !ok {
				t.Fatalf("Solve: %v is not a validation error", err)
			}
			return
		}
		if bad := violations(p, s); len(bad) > 0 {
			t.Fatalf("%s", strings.Join(bad, "; "))
		}
	})
}
