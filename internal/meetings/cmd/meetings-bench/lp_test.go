package main

import (
	"strings"
	"testing"

	"filiere/internal/meetings"
)

func TestTheModelStatesEveryRule(t *testing.T) {
	p := meetings.Problem{Slots: 2, Tables: 1,
		Participants: []meetings.Participant{
			{ID: "a", Available: []int{0, 1}, MaxMeetings: 1},
			{ID: "b", Available: []int{0, 1}},
			{ID: "c", Available: []int{1}},
			{ID: "s", Available: []int{0, 1}, Stand: true},
		},
		Requests: []meetings.Request{{A: "a", B: "b", Weight: 2}, {A: "b", B: "c", Weight: 1}, {A: "a", B: "s", Weight: 1}},
		Fixed:    []meetings.Meeting{{A: "c", B: "b", Slot: 1, Table: 1}},
	}
	var b strings.Builder
	if err := writeLP(&b, p); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Maximize\n obj: 2 x_0_0 + 2 x_0_1 + 1 x_1_1 + 1 x_2_0 + 1 x_2_1\n",
		" pair_0: x_0_0 + x_0_1 <= 1\n",              // a–b at most once
		" once_1_1: x_0_1 + x_1_1 <= 1\n",            // b once in slot 1
		" max_0: x_0_0 + x_0_1 + x_2_0 + x_2_1 <= 1", // a's maximum
		" tables_1: x_0_1 + x_1_1 <= 1\n",            // one table in slot 1; a–s takes none
		" fixed_0: x_1_1 = 1\n",
		"Binary\n x_0_0\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("model lacks %q:\n%s", want, b.String())
		}
	}
}
