// Package validate carries user-facing errors out of the domain as message
// keys with arguments, never as sentences: the web layer translates them into
// the user's language and shows each beside its field.
package validate

import (
	"errors"
	"net/mail"
	"strings"
)

// FieldError is one problem with one input field. Field is "" for a problem
// with the form as a whole.
type FieldError struct {
	Field string
	Key   string // message key in the i18n catalogs, e.g. "validate.required"
	Args  []any
}

// Errors is a list of field errors; a non-empty Errors is an error.
type Errors []FieldError

func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Field + ": " + f.Key
	}
	return "invalid input: " + strings.Join(parts, ", ")
}

// Add records a problem.
func (e *Errors) Add(field, key string, args ...any) { *e = append(*e, FieldError{field, key, args}) }

// For returns the first error for field, if any.
func (e Errors) For(field string) (FieldError, bool) {
	for _, f := range e {
		if f.Field == field {
			return f, true
		}
	}
	return FieldError{}, false
}

// Err returns e as an error, or nil when it holds nothing.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// As extracts Errors from err.
func As(err error) (Errors, bool) {
	var e Errors
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Message is a user-facing error that concerns no single field (a refused
// login, a throttle), carried as a message key.
type Message struct {
	Key  string
	Args []any
}

func (m *Message) Error() string { return m.Key }

// NewMessage returns a *Message error.
func NewMessage(key string, args ...any) *Message { return &Message{Key: key, Args: args} }

// AsMessage extracts a *Message from err.
func AsMessage(err error) (*Message, bool) {
	var m *Message
	if errors.As(err, &m) {
		return m, true
	}
	return nil, false
}

// Email reports whether s is a plain e-mail address (no display name).
func Email(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s, ".")
}
