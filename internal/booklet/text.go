package booklet

import (
	"strings"
	"sync"
	"time"
	"unicode"

	"filiere/internal/pdffont"
)

// ellipsis ends any text cut to fit its room.
const ellipsis = "…"

// clean makes s safe to print on one line: control and format characters
// go, runs of white space become one space, and runes the font cannot draw
// become "?" (combining marks it lacks are dropped). Unlike pdffont.Clean
// it also drops U+FFFD, the mark of text that was mis-decoded upstream.
func clean(s string) string {
	return sanitize(s, false)
}

// cleanText is clean for multi-line text: line breaks are kept as paragraph
// breaks, at most one blank line in a row.
func cleanText(s string) string {
	return sanitize(s, true)
}

func sanitize(s string, keepBreaks bool) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	space, breaks := false, 0
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			if keepBreaks {
				breaks++
			} else {
				space = true
			}
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar:
			continue
		}
		if !pdffont.Drawable(r) {
			if unicode.Is(unicode.Mn, r) {
				continue
			}
			r = '?'
		}
		if b.Len() > 0 {
			switch {
			case breaks > 1:
				b.WriteString("\n\n")
			case breaks == 1:
				b.WriteByte('\n')
			case space:
				b.WriteByte(' ')
			}
		}
		space, breaks = false, 0
		b.WriteRune(r)
	}
	return b.String()
}

// cleanList cleans each label and drops the empty ones.
func cleanList(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = clean(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// measure returns the width of s in millimetres in some font.
type measure func(s string) float64

// fitRunes returns the longest prefix of s no wider than room.
func fitRunes(s string, room float64, w measure) string {
	runes := []rune(s)
	lo, hi := 0, len(runes) // the answer is in [lo, hi]
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if w(string(runes[:mid])) <= room {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(runes[:lo])
}

// shorten returns s if it fits room, else its longest prefix that fits
// followed by an ellipsis, without dangling spaces or separators.
func shorten(s string, room float64, w measure) string {
	if w(s) <= room {
		return s
	}
	return withEllipsis(s, room, w)
}

// withEllipsis always ends s with an ellipsis, cutting s so that the whole
// fits room.
func withEllipsis(s string, room float64, w measure) string {
	head := fitRunes(s, room-w(ellipsis), w)
	// Cut between words when that keeps most of the line.
	if rest := s[len(head):]; rest != "" && !strings.HasPrefix(rest, " ") {
		if i := strings.LastIndexByte(head, ' '); i > len(head)*2/3 {
			head = head[:i]
		}
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(".,;:·—–-(/", r)
	})
	return head + ellipsis
}

var paris = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
})

// formatDate writes a date the way the booklet's language does:
// 30/06/2027 in French, 30 Jun 2027 in English, in Paris time.
func formatDate(lang string, t time.Time) string {
	t = t.In(paris())
	if lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}
