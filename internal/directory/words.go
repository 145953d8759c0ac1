package directory

import (
	"strings"

	"filiere/internal/facets"
	"filiere/internal/textsearch"
)

// searchWords is the search text of o as the facet index holds it: every
// stem once, at the lowest visibility level that sees it, the name's stems
// marked (they rank higher). Stems outside a-z and 0-9 (other scripts) are
// left out: the query side keeps only those characters, on both engines.
func searchWords(o Organisation) []facets.Word {
	name := map[string]bool{}
	for _, tok := range textsearch.Tokens(o.Name + " " + o.ShortName) {
		name[textsearch.Stem(tok)] = true
	}
	seen := map[string]bool{}
	var out []facets.Word
	for lvl, texts := range levelTexts(o) {
		for _, text := range texts {
			for _, tok := range textsearch.Tokens(text) {
				st := textsearch.Stem(tok)
				if seen[st] || !plainStem(st) {
					continue
				}
				seen[st] = true
				out = append(out, facets.Word{Stem: st, Level: facets.Level(lvl), Name: name[st]})
			}
		}
	}
	return out
}

// plainStem reports whether s holds only a-z and 0-9.
func plainStem(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789") == ""
}

// textTerms turns the parsed search box into the facet index's terms.
func textTerms(q textsearch.Query) []facets.TextTerm {
	out := make([]facets.TextTerm, len(q.Terms))
	for i, t := range q.Terms {
		out[i] = facets.TextTerm{Stem: t.Stem, Prefix: t.Prefix}
	}
	return out
}
