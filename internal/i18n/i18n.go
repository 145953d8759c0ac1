// Package i18n holds the French and English message catalogs. Each domain
// owns one file in messages/ mapping keys to {"fr": …, "en": …}; a key
// appears in one file only.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Languages are the supported UI languages, the default first.
var Languages = []string{"fr", "en"}

//go:embed messages/*.json
var files embed.FS

var catalog = mustLoad()

type entry struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

func mustLoad() map[string]entry {
	c, err := load(files)
	if err != nil {
		panic(err) // the catalogs are embedded: a broken one is a build bug, caught by the tests
	}
	return c
}

func load(fsys fs.FS) (map[string]entry, error) {
	names, err := fs.Glob(fsys, "messages/*.json")
	if err != nil {
		return nil, err
	}
	out := map[string]entry{}
	owner := map[string]string{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var m map[string]entry
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		for k, v := range m {
			if prev, dup := owner[k]; dup {
				return nil, fmt.Errorf("i18n: key %q in both %s and %s", k, prev, name)
			}
			if strings.TrimSpace(v.FR) == "" || strings.TrimSpace(v.EN) == "" {
				return nil, fmt.Errorf("i18n: %s: key %q lacks a French or English text", name, k)
			}
			owner[k] = name
			out[k] = v
		}
	}
	return out, nil
}

// Lang returns lang when supported, else the default language.
func Lang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "fr"
}

// Has reports whether key is in the catalogs.
func Has(key string) bool { _, ok := catalog[key]; return ok }

// T translates key into lang, formatting args with fmt verbs. An unknown key
// is returned as is, so that a missing text shows, and tests catch it.
func T(lang, key string, args ...any) string {
	e, ok := catalog[key]
	if !ok {
		return key
	}
	s := e.FR
	if lang == "en" {
		s = e.EN
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Keys lists every key, sorted.
func Keys() []string {
	keys := make([]string, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
