package letters

import (
	"slices"
	"strings"

	"filiere/internal/i18n"
	"filiere/internal/validate"
)

// Placeholders are the names the calls domain provides to fill a support
// letter's template, written {{name}} in it.
var Placeholders = []string{"project", "acronym", "lead", "partners", "call", "scheme", "session_date", "date"}

// FillError says why a template cannot be filled: the placeholders with
// no value, and the "{{" left open (each with what follows it, to find it
// in the text). Each appears once, in the order of the text.
type FillError struct {
	Unknown  []string // names, without braces
	Unclosed []string // "{{projet": the "{{" and the words after it
}

func (e *FillError) Error() string {
	var parts []string
	if len(e.Unknown) > 0 {
		parts = append(parts, "unknown placeholders "+strings.Join(e.Unknown, ", "))
	}
	if len(e.Unclosed) > 0 {
		parts = append(parts, "unclosed placeholders "+strings.Join(e.Unclosed, ", "))
	}
	return "letters: fill template: " + strings.Join(parts, "; ")
}

// Errors gives e as field errors on the form field that holds the
// template, for the web layer to translate and show beside it.
func (e *FillError) Errors(field string) validate.Errors {
	var errs validate.Errors
	if len(e.Unknown) > 0 {
		errs.Add(field, "letters.fill.unknown", "{{"+strings.Join(e.Unknown, "}}, {{")+"}}")
	}
	if len(e.Unclosed) > 0 {
		errs.Add(field, "letters.fill.unclosed", strings.Join(e.Unclosed, ", "))
	}
	return errs
}

// Fill replaces each {{name}} of tmpl (spaces inside the braces allowed)
// with vars[name]. Values are inserted as they are, never filled in turn.
// A name missing from vars, or a "{{" never closed, makes a *FillError
// listing them all; a lone "}}" is plain text.
func Fill(tmpl string, vars map[string]string) (string, error) {
	var (
		b   strings.Builder
		bad FillError
	)
	b.Grow(len(tmpl))
	rest := tmpl
	for {
		open := strings.Index(rest, "{{")
		if open < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:open])
		after := rest[open+2:]
		end := strings.Index(after, "}}")
		// A "{{" that meets another "{{" or a line break before its "}}" is
		// the unclosed one, not the start of a name running over them.
		if end < 0 || strings.Contains(after[:end], "{{") || strings.ContainsAny(after[:end], "\r\n") {
			if snip := unclosed(rest[open:]); !slices.Contains(bad.Unclosed, snip) {
				bad.Unclosed = append(bad.Unclosed, snip)
			}
			b.WriteString("{{")
			rest = after
			continue
		}
		name := strings.TrimSpace(after[:end])
		if v, ok := vars[name]; ok {
			b.WriteString(v)
		} else if !slices.Contains(bad.Unknown, name) {
			bad.Unknown = append(bad.Unknown, name)
		}
		rest = after[end+2:]
	}
	if len(bad.Unknown) > 0 || len(bad.Unclosed) > 0 {
		return "", &bad
	}
	return b.String(), nil
}

// unclosed is what an unclosed "{{" looks like in the text: itself and
// what follows, up to the line's end, the next "{{" or about 20
// characters, cut between words.
func unclosed(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s[2:], "{{"); i >= 0 {
		s = s[:i+2]
	}
	if r := []rune(s); len(r) > 20 {
		s = string(r[:20])
		if i := strings.LastIndexByte(s, ' '); i > 2 {
			s = s[:i]
		}
	}
	return strings.TrimSpace(s)
}

// Check reports whether tmpl can be filled with the domain's Placeholders,
// as Fill would: staff's edits are checked when saved, not when a letter
// is due.
func Check(tmpl string) error {
	vars := make(map[string]string, len(Placeholders))
	for _, p := range Placeholders {
		vars[p] = ""
	}
	_, err := Fill(tmpl, vars)
	return err
}

// DefaultSupportLetter is the support letter's text before staff edit it,
// in French or English: paragraphs separated by blank lines, using only
// Placeholders. The letterhead, date, recipient, subject and signature are
// printed around it by WriteSupportLetter.
func DefaultSupportLetter(lang string) string {
	return i18n.T(i18n.Lang(lang), "letters.support.default")
}
