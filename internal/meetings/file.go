package meetings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"filiere/internal/validate"
)

// fileRequest is a request as written in a file: the weight may be omitted.
type fileRequest struct {
	A      string `json:"a"`
	B      string `json:"b"`
	Weight *int   `json:"weight"`
}

// fileMeeting is a fixed meeting as written in a file.
type fileMeeting struct {
	A     string `json:"a"`
	B     string `json:"b"`
	Slot  int    `json:"slot"`
	Table int    `json:"table"`
}

type fileProblem struct {
	Slots        int           `json:"slots"`
	Tables       int           `json:"tables"`
	Participants []Participant `json:"participants"`
	Requests     []fileRequest `json:"requests"`
	Fixed        []fileMeeting `json:"fixed"`
}

// Decode reads a problem in its JSON file form. An unknown field is an error
// (a typo such as "max_meeting" would otherwise be ignored without a word)
// and an omitted request weight is 1. Malformed JSON gives a
// *validate.Message; Decode does not check the rules, Solve does.
func Decode(r io.Reader) (Problem, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Problem{}, fmt.Errorf("meetings: read: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f fileProblem
	if err := dec.Decode(&f); err != nil {
		return Problem{}, validate.NewMessage("meetings.file_invalid", err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Problem{}, validate.NewMessage("meetings.file_invalid", "unexpected data after the top-level object")
	}
	p := Problem{Slots: f.Slots, Tables: f.Tables, Participants: f.Participants}
	p.Requests = make([]Request, len(f.Requests))
	for i, r := range f.Requests {
		p.Requests[i] = Request{A: r.A, B: r.B, Weight: 1}
		if r.Weight != nil {
			p.Requests[i].Weight = *r.Weight
		}
	}
	for _, m := range f.Fixed {
		p.Fixed = append(p.Fixed, Meeting{A: m.A, B: m.B, Slot: m.Slot, Table: m.Table})
	}
	return p, nil
}

// Encode writes a schedule as indented JSON.
func Encode(w io.Writer, s Schedule) error {
	if s.Meetings == nil {
		s.Meetings = []Meeting{}
	}
	if s.Unscheduled == nil {
		s.Unscheduled = []Unscheduled{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("meetings: write: %w", err)
	}
	return nil
}
