// Package ics writes iCalendar files (RFC 5545): a calendar of events with
// the few properties filiere needs, escaped and folded as the RFC says, so
// that every calendar client reads them the same way.
package ics

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is one iCalendar object.
type Calendar struct {
	ProdID string // the product that made it, e.g. "-//filiere//events//FR"
	Name   string // X-WR-CALNAME, the name clients show for a subscribed feed; optional
	Events []Event
}

// Event is one VEVENT.
type Event struct {
	UID          string    // stable across exports, so that clients update rather than duplicate
	Stamp        time.Time // DTSTAMP: when this version of the event was made
	Start, End   time.Time // written in UTC
	Summary      string
	Description  string
	Location     string
	URL          string
	Status       string // StatusConfirmed, StatusTentative, StatusCancelled or ""
	Sequence     int    // revision number, raised when the event changes
	LastModified time.Time
}

// The statuses of an event.
const (
	StatusConfirmed = "CONFIRMED"
	StatusTentative = "TENTATIVE"
	StatusCancelled = "CANCELLED"
)

// ContentType is the media type of an iCalendar file.
const ContentType = "text/calendar; charset=utf-8"

// maxLine is the longest a content line may be, in octets, without its CRLF.
const maxLine = 75

// Marshal returns c as an iCalendar file.
func Marshal(c Calendar) []byte {
	var b bytes.Buffer
	line := func(name, value string) {
		b.WriteString(fold(name + ":" + value))
		b.WriteString("\r\n")
	}
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	prod := c.ProdID
	if prod == "" {
		prod = "-//filiere//events//FR"
	}
	line("PRODID", Text(prod))
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if c.Name != "" {
		line("X-WR-CALNAME", Text(c.Name))
	}
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", Text(e.UID))
		line("DTSTAMP", DateTime(e.Stamp))
		line("DTSTART", DateTime(e.Start))
		line("DTEND", DateTime(e.End))
		if e.Sequence > 0 {
			line("SEQUENCE", strconv.Itoa(e.Sequence))
		}
		if !e.LastModified.IsZero() {
			line("LAST-MODIFIED", DateTime(e.LastModified))
		}
		line("SUMMARY", Text(e.Summary))
		if e.Location != "" {
			line("LOCATION", Text(e.Location))
		}
		if e.URL != "" {
			line("URL", uri(e.URL))
		}
		if e.Description != "" {
			line("DESCRIPTION", Text(e.Description))
		}
		if e.Status != "" {
			line("STATUS", e.Status)
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return b.Bytes()
}

// Write writes c to w as an iCalendar file.
func Write(w io.Writer, c Calendar) error {
	if _, err := w.Write(Marshal(c)); err != nil {
		return fmt.Errorf("ics: write: %w", err)
	}
	return nil
}

// DateTime is t as a UTC DATE-TIME value: 20260317T130000Z.
func DateTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// Text escapes s as a TEXT value: backslash, semicolon and comma are
// escaped, line breaks become \n, other control characters go.
func Text(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == ';':
			b.WriteString(`\;`)
		case c == ',':
			b.WriteString(`\,`)
		case c == '\r':
			b.WriteString(`\n`)
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			// not allowed in a TEXT value
		default:
			b.WriteByte(c)
		}
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

// uri keeps a URI value on its line: a URI is not escaped, but control
// characters and spaces have no place in it.
func uri(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// fold splits a content line into lines of at most 75 octets, each
// continuation starting with a space, never inside a UTF-8 sequence.
func fold(line string) string {
	if len(line) <= maxLine {
		return line
	}
	var b strings.Builder
	b.Grow(len(line) + len(line)/maxLine*3)
	room := maxLine
	for len(line) > room {
		cut := room
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		room = maxLine - 1 // the leading space counts
	}
	b.WriteString(line)
	return b.String()
}
