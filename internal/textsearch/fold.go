// Package textsearch normalises French and English text for the directory
// search. The same functions build the indexed document and parse the search
// box, so SQLite FTS5 and PostgreSQL tsvector see exactly the same tokens.
package textsearch

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldTable maps lower-case runes that carry accents, ligatures or special
// forms to their plain ASCII spelling. A space value turns the rune into a
// word separator. Kept as an explicit table so go.mod needs no new direct
// dependency on golang.org/x/text.
var foldTable = buildFoldTable()

func buildFoldTable() map[rune]string {
	groups := []struct{ from, to string }{
		{"àáâãäåāăąǎ", "a"},
		{"æ", "ae"},
		{"çćĉċč", "c"},
		{"ďđð", "d"},
		{"èéêëēĕėęě", "e"},
		{"ĝğġģ", "g"},
		{"ĥħ", "h"},
		{"ìíîïĩīĭįıǐ", "i"},
		{"ĳ", "ij"},
		{"ĵ", "j"},
		{"ķĸ", "k"},
		{"ĺļľŀł", "l"},
		{"ñńņňŉŋ", "n"},
		{"òóôõöøōŏőǒơ", "o"},
		{"œ", "oe"},
		{"ŕŗř", "r"},
		{"śŝşšșſ", "s"},
		{"ß", "ss"},
		{"ţťŧț", "t"},
		{"þ", "th"},
		{"ùúûüũūŭůűųǔư", "u"},
		{"ŵ", "w"},
		{"ýÿŷ", "y"},
		{"źżž", "z"},
		{"ª", "a"},
		{"º", "o"},
		{"¹", "1"},
		{"²", "2"},
		{"³", "3"},
		{"ﬀ", "ff"},
		{"ﬁ", "fi"},
		{"ﬂ", "fl"},
		{"ﬃ", "ffi"},
		{"ﬄ", "ffl"},
		{"ﬅﬆ", "st"},
		// Modifier letters used as apostrophes are letters for unicode.IsLetter.
		{"ʼʻʹʾʿˈ", " "},
	}
	t := make(map[rune]string, 256)
	for _, g := range groups {
		for _, r := range g.from {
			t[r] = g.to
		}
	}
	return t
}

// Fold lower-cases s, strips accents and diacritics (é→e, œ→oe, æ→ae, ß→ss),
// and turns apostrophes, hyphens and punctuation into single spaces. Letters
// of other scripts are kept, lower-cased; digits are kept. The result has no
// leading, trailing or repeated spaces, and Fold(Fold(s)) == Fold(s).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false // a separator is pending
	emit := func(str string) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(str)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				if space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				space = false
				b.WriteByte(c)
			case 'A' <= c && c <= 'Z':
				if space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				space = false
				b.WriteByte(c + 'a' - 'A')
			default:
				space = true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		class, out := foldRune(r)
		switch class {
		case runeKeep:
			emit(out)
		case runeSpace:
			space = true
		}
	}
	return b.String()
}

type runeClass int

const (
	runeSpace runeClass = iota // a word separator
	runeDrop                   // a combining accent: removed, word continues
	runeKeep                   // part of a word, written as the returned text
)

// foldRune classifies one rune and gives its folded spelling.
func foldRune(r rune) (runeClass, string) {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return runeKeep, string(r)
		case 'A' <= r && r <= 'Z':
			return runeKeep, string(r + 'a' - 'A')
		}
		return runeSpace, ""
	}
	r = unicode.ToLower(r)
	if out, ok := foldTable[r]; ok {
		if out == " " {
			return runeSpace, ""
		}
		return runeKeep, out
	}
	switch {
	case r == utf8.RuneError:
		return runeSpace, ""
	case unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.Mc, r):
		return runeKeep, string(r)
	case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r):
		return runeDrop, ""
	}
	return runeSpace, ""
}

// isWordRune reports whether r belongs to a word of the original text (used
// by Highlight to find word boundaries the way Fold does).
func isWordRune(r rune) bool {
	class, _ := foldRune(r)
	return class != runeSpace
}

// stopWords are dropped from documents and queries: French and English
// articles, prepositions and conjunctions that carry no meaning in a search.
var stopWords = map[string]bool{
	// French
	"le": true, "la": true, "les": true, "un": true, "une": true, "des": true,
	"du": true, "de": true, "et": true, "ou": true, "en": true, "au": true,
	"aux": true, "pour": true, "par": true, "avec": true, "sur": true,
	"sous": true, "dans": true, "chez": true, "ce": true, "ces": true,
	"cet": true, "cette": true, "qui": true, "que": true, "qu": true,
	"dont": true, "son": true, "sa": true, "ses": true, "leur": true,
	"leurs": true, "nous": true, "vous": true, "nos": true, "notre": true, "vos": true, "votre": true,
	// English
	"the": true, "and": true, "or": true, "of": true, "for": true,
	"with": true, "in": true, "on": true, "to": true, "an": true, "at": true,
	"by": true, "from": true, "is": true, "are": true, "be": true,
	"this": true, "that": true, "its": true, "not": true, "we": true, "our": true,
}

// IsStopWord reports whether the folded token is dropped from searches.
func IsStopWord(token string) bool { return stopWords[token] }

// Tokens folds s, splits it into words and drops stop words and one-letter
// words (one-digit words are kept: "ISO 7").
func Tokens(s string) []string {
	f := Fold(s)
	if f == "" {
		return nil
	}
	words := strings.Split(f, " ")
	out := words[:0]
	for _, w := range words {
		if keepToken(w) {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func keepToken(w string) bool {
	if w == "" || stopWords[w] {
		return false
	}
	r, size := utf8.DecodeRuneInString(w)
	if size == len(w) {
		return unicode.IsDigit(r)
	}
	return true
}

// Document turns fields into the text to index: the stems of all their
// tokens, space-separated, each stem once, in order of first appearance.
func Document(fields ...string) string {
	seen := make(map[string]bool)
	var b strings.Builder
	for _, field := range fields {
		for _, tok := range Tokens(field) {
			st := Stem(tok)
			if seen[st] {
				continue
			}
			seen[st] = true
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(st)
		}
	}
	return b.String()
}
