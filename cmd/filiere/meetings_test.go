package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"filiere/internal/meetings"
)

// A stand-holder, three visitors, two slots and one table per slot. ana is
// only there in slot 0, where her fixed meeting with ben already is; the
// stand sees cid and ben, which takes no table; cid has room for one
// meeting only.
const meetingsFile = `{
  "slots": 2, "tables": 1,
  "participants": [
    {"id": "ana", "available": [0]},
    {"id": "ben", "available": [0, 1]},
    {"id": "cid", "available": [0, 1], "max_meetings": 1},
    {"id": "stand", "available": [0, 1], "stand": true}
  ],
  "requests": [
    {"a": "ana", "b": "ben"},
    {"a": "cid", "b": "stand", "weight": 3},
    {"a": "ben", "b": "stand"},
    {"a": "ana", "b": "cid"}
  ],
  "fixed": [{"a": "ben", "b": "ana", "slot": 0, "table": 1}]
}`

func TestMeetingsSchedulePrintsTheScheduleAsJSON(t *testing.T) {
	in := writeFile(t, "problem.json", meetingsFile)
	r := mustRun(t, nil, "meetings", "schedule", "--in", in)
	var s meetings.Schedule
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	want := []meetings.Meeting{
		{A: "cid", B: "stand", Slot: 0, Table: 0},
		{A: "ana", B: "ben", Slot: 0, Table: 1, Fixed: true},
		{A: "ben", B: "stand", Slot: 1, Table: 0},
	}
	if !reflect.DeepEqual(s.Meetings, want) {
		t.Errorf("meetings = %+v\nwant %+v", s.Meetings, want)
	}
	if s.Scheduled != 3 || s.Weight != 5 || s.UpperBound != 5 {
		t.Errorf("scheduled %d, weight %d, upper bound %d; want 3, 5, 5", s.Scheduled, s.Weight, s.UpperBound)
	}
	if len(s.Unscheduled) != 1 {
		t.Fatalf("unscheduled = %+v", s.Unscheduled)
	}
	want1 := meetings.Unscheduled{A: "ana", B: "cid", Weight: 1, Reason: meetings.MaxReached, Participant: "cid",
		Message: "“cid” has reached their maximum number of meetings (1)."}
	if u := s.Unscheduled[0]; u != want1 {
		t.Errorf("unscheduled = %+v\nwant %+v", u, want1)
	}
	for _, key := range []string{`"reason": "`, `"message": "`, `"upper_bound": 5`, `"table": 0`} {
		if !strings.Contains(r.stdout, key) {
			t.Errorf("output lacks %s:\n%s", key, r.stdout)
		}
	}

	again := mustRun(t, strings.NewReader(meetingsFile), "meetings", "schedule", "--in", "-")
	if again.stdout != r.stdout {
		t.Errorf("standard input gives another schedule:\n%s", again.stdout)
	}
}

func TestMeetingsScheduleWritesTheFileAndASummary(t *testing.T) {
	in := writeFile(t, "problem.json", meetingsFile)
	out := filepath.Join(t.TempDir(), "schedule.json")
	r := mustRun(t, nil, "meetings", "schedule", "--out", out, "--in", in)
	if want := "3 of 4 requests scheduled (weight 5 of 6); no schedule can weigh more than 5.\n"; r.stdout != want {
		t.Errorf("stdout = %q, want %q", r.stdout, want)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var s meetings.Schedule
	if err := json.Unmarshal(b, &s); err != nil || s.Scheduled != 3 {
		t.Errorf("file: %v, %+v", err, s)
	}
}

func TestMeetingsScheduleRejectsBadInputWithStatus2(t *testing.T) {
	for name, tc := range map[string]struct{ file, want string }{
		"unknown participant": {strings.Replace(meetingsFile, `"a": "ana", "b": "cid"`, `"a": "ana", "b": "zoé"`, 1),
			"requests[3]: Unknown participant “zoé”."},
		"duplicate request": {strings.Replace(meetingsFile, `"a": "ana", "b": "cid"`, `"a": "ben", "b": "ana"`, 1),
			"requests[3]: The pair “ben” – “ana” is already requested in requests[0]."},
		"slot out of range": {strings.Replace(meetingsFile, `"available": [0]`, `"available": [0, 2]`, 1),
			"participants[0]: Slot 2 does not exist (slots are numbered 0 to 1)."},
		"fixed breaks a rule": {strings.Replace(meetingsFile, `"slot": 0, "table": 1`, `"slot": 1, "table": 1`, 1),
			"fixed[0]: “ana” is not available in slot 1."},
		"negative weight": {strings.Replace(meetingsFile, `"weight": 3`, `"weight": -1`, 1),
			"requests[1]: The weight must be between 1 and 1000000 (got -1)."},
		"not JSON":      {`{"slots": 2,`, "The file is not valid scheduler JSON: unexpected EOF."},
		"unknown field": {strings.Replace(meetingsFile, `"max_meetings"`, `"max_meeting"`, 1), `unknown field "max_meeting"`},
	} {
		r := filiere(t, nil, "meetings", "schedule", "--in", writeFile(t, "bad.json", tc.file))
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("%s: exit %d, stderr %q, stdout %q; want exit 2 and %q", name, r.code, r.stderr, r.stdout, tc.want)
		}
	}
}

func TestMeetingsCommandLineMistakes(t *testing.T) {
	in := writeFile(t, "problem.json", meetingsFile)
	for _, args := range [][]string{
		{"meetings"},
		{"meetings", "plan", "--in", in},
		{"meetings", "schedule"},
		{"meetings", "schedule", "--in", in, "extra"},
		{"meetings", "schedule", "--in", in, "--no-such-flag"},
	} {
		if r := filiere(t, nil, args...); r.code != exitUsage {
			t.Errorf("filiere %q: exit %d, want %d (%s)", args, r.code, exitUsage, r.stderr)
		}
	}
	if r := filiere(t, nil, "meetings", "schedule", "--in", filepath.Join(t.TempDir(), "missing.json")); r.code != exitFailure {
		t.Errorf("missing file: exit %d, want %d", r.code, exitFailure)
	}
}
