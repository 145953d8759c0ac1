package textsearch

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Input limits of ParseQuery: longer input is cut, extra terms are ignored.
const (
	MaxQueryRunes = 200
	MaxQueryTerms = 12
)

// Query is a parsed search box input.
type Query struct {
	Terms []Term
}

// Term is one word of a query.
type Term struct {
	Raw    string // folded token as typed
	Stem   string // what is matched against the indexed document
	Prefix bool   // type-ahead: last word without a trailing space, or ending with '*'
	Phrase bool   // the word was inside "quoted text"
}

// operators are boolean operators people type out of habit. They are not
// supported (every term is required) and are ignored rather than searched.
var operators = map[string]bool{"AND": true, "OR": true, "NOT": true, "NEAR": true}

// ParseQuery parses the search box: words, "quoted phrases" (their terms have
// Phrase set), and type-ahead prefixes (a word ending with '*', or the last
// word when the input does not end with a space). Input is cut at
// MaxQueryRunes runes and MaxQueryTerms terms; unknown syntax is treated as
// punctuation. Empty or stop-word-only input gives a Query with no terms.
// Phrases are matched as all their words, in any order: the indexed document
// keeps each stem once, so word positions are not available.
func ParseQuery(s string) Query {
	s = truncateRunes(s, MaxQueryRunes)
	endsInWord := false
	if r, _ := utf8.DecodeLastRuneInString(s); s != "" && isWordRune(r) {
		endsInWord = true
	}

	var q Query
	seen := make(map[Term]bool)
	add := func(word string, phrase, last bool) {
		if !phrase && operators[strings.TrimFunc(word, func(r rune) bool { return !isWordRune(r) })] {
			return
		}
		star := strings.HasSuffix(word, "*")
		folded := Fold(word)
		if folded == "" {
			return
		}
		words := strings.Split(folded, " ")
		for i, w := range words {
			if !keepToken(w) || len(q.Terms) >= MaxQueryTerms {
				continue
			}
			t := Term{Raw: w, Phrase: phrase}
			if i == len(words)-1 && (star || last) {
				t.Prefix = true
				t.Stem = prefixStem(w)
			} else {
				t.Stem = Stem(w)
			}
			key := Term{Stem: t.Stem, Prefix: t.Prefix}
			if seen[key] {
				continue
			}
			seen[key] = true
			q.Terms = append(q.Terms, t)
		}
	}

	inPhrase := false
	start := -1 // byte offset of the current word, -1 when between words
	for i, r := range s {
		switch {
		case r == '"':
			if start >= 0 {
				add(s[start:i], inPhrase, false)
				start = -1
			}
			inPhrase = !inPhrase
		case unicode.IsSpace(r) || unicode.IsControl(r):
			if start >= 0 {
				add(s[start:i], inPhrase, false)
				start = -1
			}
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if start >= 0 {
		add(s[start:], inPhrase, endsInWord)
	}
	return q
}

func truncateRunes(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
}

// FTS5 returns an SQLite FTS5 MATCH expression over the indexed stem
// document: every term double-quoted (so input can never inject FTS5
// syntax), prefix terms followed by *, all terms joined by AND. It returns ""
// when the query has no terms.
func (q Query) FTS5() string {
	var b strings.Builder
	for _, t := range q.Terms {
		if b.Len() > 0 {
			b.WriteString(" AND ")
		}
		b.WriteByte('"')
		// Stems come from Fold and never contain '"'; doubling keeps that true
		// even for a Term built by hand.
		b.WriteString(strings.ReplaceAll(t.Stem, `"`, `""`))
		b.WriteByte('"')
		if t.Prefix {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// TSQuery returns a PostgreSQL to_tsquery('simple', …) expression with the
// same semantics as FTS5: stems joined by &, prefix terms as stem:*. Only
// a-z and 0-9 survive, so the result is safe inside a bound parameter or a
// quoted literal; a term with nothing left (another script) is left out.
func (q Query) TSQuery() string {
	var b strings.Builder
	for _, t := range q.Terms {
		stem := strings.Map(func(r rune) rune {
			if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
				return r
			}
			return -1
		}, t.Stem)
		if stem == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" & ")
		}
		b.WriteString(stem)
		if t.Prefix {
			b.WriteString(":*")
		}
	}
	return b.String()
}

// Segment is a piece of text returned by Highlight. Concatenating the Text of
// all segments gives the original text back.
type Segment struct {
	Text  string
	Match bool
}

// Highlight splits the original text (accents kept) into segments, marking
// each word whose stem equals a term's stem, or, for a prefix term, whose
// folded form starts with the term's Raw. The caller HTML-escapes each
// segment and wraps the matching ones (for example in <mark>).
func (q Query) Highlight(text string) []Segment {
	if text == "" {
		return nil
	}
	if len(q.Terms) == 0 {
		return []Segment{{Text: text}}
	}
	var segs []Segment
	push := func(piece string, match bool) {
		if piece == "" {
			return
		}
		if n := len(segs); n > 0 && segs[n-1].Match == match {
			segs[n-1].Text += piece
			return
		}
		segs = append(segs, Segment{Text: piece, Match: match})
	}
	plain := 0 // start of text not yet pushed
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) || r == utf8.RuneError {
			i += size
			continue
		}
		j := i + size
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !isWordRune(r) || r == utf8.RuneError {
				break
			}
			j += size
		}
		if q.matchesWord(text[i:j]) {
			push(text[plain:i], false)
			push(text[i:j], true)
			plain = j
		}
		i = j
	}
	push(text[plain:], false)
	return segs
}

func (q Query) matchesWord(word string) bool {
	folded := Fold(word)
	if !keepToken(folded) || strings.Contains(folded, " ") {
		return false
	}
	stem := Stem(folded)
	for _, t := range q.Terms {
		if t.Stem == "" {
			continue
		}
		if stem == t.Stem {
			return true
		}
		if t.Prefix && (strings.HasPrefix(folded, t.Raw) || strings.HasPrefix(stem, t.Stem)) {
			return true
		}
	}
	return false
}
