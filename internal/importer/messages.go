package importer

import (
	"fmt"
	"strconv"
	"strings"

	"filiere/internal/directory"
	"filiere/internal/i18n"
)

// FieldLabel names a field of a report in lang: a column ("siret"), a
// capacity attribute ("cleanroom_area"), or an item of a list
// ("services.2", the third service). An unknown field shows as itself.
func FieldLabel(lang, field string) string {
	base, item, isItem := strings.Cut(field, ".")
	n, err := strconv.Atoi(item)
	if isItem && err == nil {
		return i18n.T(lang, "import.field.item", FieldLabel(lang, base), n+1)
	}
	if key := "import.field." + field; i18n.Has(key) {
		return i18n.T(lang, key)
	}
	if c, ok := directory.LoadTaxonomy().CapacityAttribute(field); ok {
		return c.Label(lang)
	}
	return field
}

// Messages are the row's reasons in lang, each "Field: message" (or the
// message alone when it concerns the whole row).
func (r Row) Messages(lang string) []string {
	out := make([]string, 0, len(r.Reasons))
	for _, e := range r.Reasons {
		msg := i18n.T(lang, e.Key, e.Args...)
		if e.Field != "" {
			msg = i18n.T(lang, "import.reason", FieldLabel(lang, e.Field), msg)
		}
		out = append(out, msg)
	}
	return out
}

// ChangedLabels are the names of the fields an update changes, in lang.
func (r Row) ChangedLabels(lang string) []string {
	out := make([]string, len(r.Changed))
	for i, f := range r.Changed {
		out[i] = FieldLabel(lang, f)
	}
	return out
}

// Text is the row as one line of a plain-text report, in lang:
// "line 3: create Stérilix".
func (r Row) Text(lang string) string {
	name := r.Name
	if name == "" {
		name = i18n.T(lang, "import.no_name")
	}
	switch r.Action {
	case Update:
		return i18n.T(lang, "import.line.update", r.Line, name, strings.Join(r.ChangedLabels(lang), ", "))
	case Reject:
		return i18n.T(lang, "import.line.reject", r.Line, name, strings.Join(r.Messages(lang), " ; "))
	}
	return i18n.T(lang, "import.line."+string(r.Action), r.Line, name)
}

// Summary is the report's outcome in one sentence, in lang.
func (r Report) Summary(lang string) string {
	counts := i18n.T(lang, "import.summary.counts", r.Created, r.Updated, r.Unchanged, r.Rejected)
	var outcome string
	switch {
	case r.DryRun:
		outcome = i18n.T(lang, "import.summary.dry_run")
	case r.Blocked():
		outcome = i18n.T(lang, "import.summary.blocked")
	case r.Written:
		outcome = i18n.T(lang, "import.summary.written")
	default:
		outcome = i18n.T(lang, "import.summary.nothing")
	}
	return fmt.Sprintf("%s %s", counts, outcome)
}
