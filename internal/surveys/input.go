package surveys

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/directory"
	"filiere/internal/validate"
)

// Limits.
const (
	maxTitle     = 200
	maxIntro     = 5000
	maxLabel     = 500
	maxQuestions = 100
	maxChoices   = 50
	maxCode      = 40
	maxText      = 5000
	maxName      = 200
)

// oneLine turns line breaks into spaces: titles go into mail subjects.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, s)), " ")
}

// normalise trims the input, gives choices without a code one made from
// their label, and drops choices from kinds that have none.
func normalise(in Input) Input {
	in.TitleFR, in.TitleEN = oneLine(in.TitleFR), oneLine(in.TitleEN)
	in.IntroFR, in.IntroEN = strings.TrimSpace(in.IntroFR), strings.TrimSpace(in.IntroEN)
	in.SubjectKind = strings.TrimSpace(in.SubjectKind)
	if in.SubjectKind == SubjectFlash {
		in.SubjectID = 0
	}
	if !in.ClosesAt.IsZero() {
		in.ClosesAt = in.ClosesAt.UTC().Truncate(time.Microsecond)
	}
	qs := make([]Question, len(in.Questions))
	for i, q := range in.Questions {
		q.ID = 0
		q.Kind = strings.TrimSpace(q.Kind)
		q.LabelFR, q.LabelEN, q.SessionLabel = oneLine(q.LabelFR), oneLine(q.LabelEN), oneLine(q.SessionLabel)
		if q.SessionID <= 0 {
			q.SessionID, q.SessionLabel = 0, ""
		}
		if !HasChoices(q.Kind) {
			q.Choices = nil
		}
		var cs []Choice
		for _, c := range q.Choices {
			c.Code = strings.TrimSpace(c.Code)
			c.LabelFR, c.LabelEN = oneLine(c.LabelFR), oneLine(c.LabelEN)
			if c.Code == "" && c.LabelFR == "" && c.LabelEN == "" {
				continue // an empty line of the form
			}
			cs = append(cs, c)
		}
		for j := range cs {
			if cs[j].Code == "" {
				cs[j].Code = uniqueCode(slug(cs[j].LabelFR, j), cs)
			}
		}
		q.Choices = cs
		qs[i] = q
	}
	in.Questions = qs
	return in
}

// slug makes a choice code from a label: "Moins de 3 mois" → "moins-de-3-mois".
func slug(label string, j int) string {
	var b strings.Builder
	for _, r := range directory.Fold(label) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	code := strings.Trim(b.String(), "-")
	if len(code) > maxCode-4 {
		code = strings.Trim(code[:maxCode-4], "-")
	}
	if code == "" {
		code = fmt.Sprintf("c%d", j+1)
	}
	return code
}

func uniqueCode(code string, cs []Choice) string {
	taken := func(c string) bool {
		return slices.ContainsFunc(cs, func(x Choice) bool { return x.Code == c })
	}
	if !taken(code) {
		return code
	}
	for n := 2; ; n++ {
		if c := fmt.Sprintf("%s-%d", code, n); !taken(c) {
			return c
		}
	}
}

// validCode: lower-case letters, digits, '-' and '_'.
func validCode(c string) bool {
	if c == "" || len(c) > maxCode {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// validateInput checks a normalised input. Errors name the fields title_fr,
// subject_kind, closes_at, questions, questions.N.label_fr,
// questions.N.choices, questions.N.choices.M.code… (N and M from 0).
func validateInput(in Input, now time.Time) error {
	var errs validate.Errors
	text := func(field, v string, required bool, limit int) {
		switch {
		case v == "" && required:
			errs.Add(field, "validate.required")
		case utf8.RuneCountInString(v) > limit:
			errs.Add(field, "validate.too_long", limit)
		}
	}
	text("title_fr", in.TitleFR, true, maxTitle)
	text("title_en", in.TitleEN, false, maxTitle)
	text("intro_fr", in.IntroFR, false, maxIntro)
	text("intro_en", in.IntroEN, false, maxIntro)
	switch {
	case !slices.Contains(SubjectKinds, in.SubjectKind):
		errs.Add("subject_kind", "validate.choice")
	case in.SubjectKind != SubjectFlash && in.SubjectID <= 0:
		errs.Add("subject_id", "validate.required")
	}
	if !in.ClosesAt.IsZero() && !in.ClosesAt.After(now) {
		errs.Add("closes_at", "surveys.closes_past")
	}
	if len(in.Questions) > maxQuestions {
		errs.Add("questions", "surveys.too_many_questions", maxQuestions)
	}
	for i, q := range in.Questions {
		f := fmt.Sprintf("questions.%d.", i)
		if !slices.Contains(Kinds, q.Kind) {
			errs.Add(f+"kind", "validate.choice")
		}
		text(f+"label_fr", q.LabelFR, true, maxLabel)
		text(f+"label_en", q.LabelEN, false, maxLabel)
		text(f+"session_label", q.SessionLabel, false, maxLabel)
		if !HasChoices(q.Kind) {
			continue
		}
		switch {
		case len(q.Choices) < 2:
			errs.Add(f+"choices", "surveys.choices_min")
		case len(q.Choices) > maxChoices:
			errs.Add(f+"choices", "surveys.choices_max", maxChoices)
		}
		seen := map[string]bool{}
		for j, c := range q.Choices {
			cf := fmt.Sprintf("%schoices.%d.", f, j)
			switch {
			case !validCode(c.Code):
				errs.Add(cf+"code", "surveys.choice_code", maxCode)
			case seen[c.Code]:
				errs.Add(cf+"code", "surveys.choice_code_twice")
			}
			seen[c.Code] = true
			text(cf+"label_fr", c.LabelFR, true, maxLabel)
			text(cf+"label_en", c.LabelEN, false, maxLabel)
		}
	}
	return errs.Err()
}
