package textsearch

import "strings"

// Stem reduces a folded token to a stem shared by its French and English
// inflections. It is deliberately light: plurals (s, x, -aux→-al), feminine
// and silent final e, English -ing and -ed, and a few suffixes both languages
// share (-ement/-ment, -ation, -ique/-ical→-ic, -euse→-eur, -y→-i). Words of
// three letters or fewer, words with digits and words outside a-z are
// returned unchanged, so "iso", "gmp" and "13485" stay as typed.
//
// Examples: dispositifs→dispositif, medicaux→medic, cliniques→clinic,
// certifiee→certifi, devices→devic, sterilisations→sterilisat.
func Stem(token string) string {
	if len(token) <= 3 || !isASCIIWord(token) {
		return token
	}
	w := token

	// Plurals.
	switch {
	case strings.HasSuffix(w, "eaux"):
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "aux") && len(w) >= 5:
		w = w[:len(w)-3] + "al"
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		w = w[:len(w)-1]
	}

	// English verb endings.
	switch {
	case strings.HasSuffix(w, "ing") && len(w)-3 >= 4:
		w = w[:len(w)-3]
	case strings.HasSuffix(w, "ed") && len(w)-2 >= 3:
		w = w[:len(w)-2]
	}

	// Feminine and silent e: certifiee, certifie, device, clinique.
	for strings.HasSuffix(w, "e") && len(w)-1 >= 3 {
		w = w[:len(w)-1]
	}

	// Suffixes shared by both languages.
	switch {
	case strings.HasSuffix(w, "ement") && len(w)-5 >= 4:
		w = w[:len(w)-5]
	case strings.HasSuffix(w, "ment") && len(w)-4 >= 5:
		w = w[:len(w)-4]
	case strings.HasSuffix(w, "ation") && len(w)-5 >= 3:
		w = w[:len(w)-3]
	case strings.HasSuffix(w, "iqu") && len(w)-3 >= 2:
		w = w[:len(w)-2] + "c"
	case strings.HasSuffix(w, "ical") && len(w)-4 >= 3:
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "eus") && len(w)-3 >= 3:
		w = w[:len(w)-1] + "r"
	case strings.HasSuffix(w, "y") && len(w) >= 4 && !isVowel(w[len(w)-2]):
		w = w[:len(w)-1] + "i"
	}
	return w
}

// prefixTails are the beginnings of suffixes that Stem rewrites or removes,
// with how many letters to cut. A type-ahead word ending in one of them
// ("medica", "cliniq", "equipeme") is cut back so its prefix still matches
// the stems of the complete words ("medic", "clinic", "equip").
var prefixTails = []struct {
	tail string
	cut  int
}{
	{"emen", 4}, {"eme", 3}, {"men", 3}, {"atio", 2}, {"ati", 1}, {"ica", 1}, {"iq", 1},
}

// prefixStem is the stem used for a prefix (type-ahead) term.
func prefixStem(raw string) string {
	if !isASCIIWord(raw) {
		return raw
	}
	for _, w := range []string{raw, Stem(raw)} {
		for _, t := range prefixTails {
			if strings.HasSuffix(w, t.tail) && len(w)-t.cut >= 3 {
				return w[:len(w)-t.cut]
			}
		}
	}
	return Stem(raw)
}

func isASCIIWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}
