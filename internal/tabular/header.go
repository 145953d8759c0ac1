package tabular

import (
	"slices"
	"strings"
	"unicode"
)

// Columns maps canonical column names to their index in the header.
type Columns map[string]int

// MapHeader finds each canonical column of aliases in header. A header cell
// matches a canonical name when, ignoring case, accents, spaces and
// punctuation, it equals the name itself or one of its accepted spellings
// ("Raison sociale", "raison_sociale" and "RAISON SOCIALE" are equal). When
// two cells match the same name the first wins and the second is unknown.
// It returns the mapping, the non-empty header cells that matched nothing
// (in header order), and the canonical names no cell matched (sorted), so the
// caller can decide which of those were required.
func MapHeader(header []string, aliases map[string][]string) (Columns, []string, []string) {
	byKey := map[string]string{}
	for name, spellings := range aliases {
		byKey[headerKey(name)] = name
		for _, s := range spellings {
			byKey[headerKey(s)] = name
		}
	}
	cols := Columns{}
	var unknown []string
	for i, h := range header {
		k := headerKey(h)
		if k == "" {
			continue
		}
		name, ok := byKey[k]
		if _, taken := cols[name]; !ok || taken {
			unknown = append(unknown, h)
			continue
		}
		cols[name] = i
	}
	var missing []string
	for name := range aliases {
		if _, ok := cols[name]; !ok {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	return cols, unknown, missing
}

// Get returns the trimmed cell of row in column name, or "" when the column
// is not in the file.
func (c Columns) Get(row Row, name string) string {
	i, ok := c[name]
	if !ok || i < 0 || i >= len(row.Cells) {
		return ""
	}
	return strings.TrimSpace(row.Cells[i])
}

// Has reports whether the file has column name.
func (c Columns) Has(name string) bool {
	_, ok := c[name]
	return ok
}

// headerKey folds a header for comparison: lower case, accents removed, only
// letters and digits kept.
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if f, ok := foldAccent[r]; ok {
			b.WriteString(f)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var foldAccent = map[rune]string{
	'à': "a", 'â': "a", 'ä': "a", 'á': "a", 'ã': "a", 'å': "a",
	'ç': "c",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e",
	'î': "i", 'ï': "i", 'í': "i", 'ì': "i",
	'ô': "o", 'ö': "o", 'ó': "o", 'ò': "o", 'õ': "o",
	'ù': "u", 'û': "u", 'ü': "u", 'ú': "u",
	'ÿ': "y", 'ý': "y", 'ñ': "n",
	'œ': "oe", 'æ': "ae", 'ß': "ss",
}

// SplitList splits a cell holding several values separated by '|'
// ("a | b | c"), trimming each and dropping empty ones.
func SplitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, "|") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
