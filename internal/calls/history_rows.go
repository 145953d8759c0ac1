package calls

import (
	"strconv"
	"strings"
	"time"

	"filiere/internal/tabular"
	"filiere/internal/textsearch"
	"filiere/internal/validate"
)

// historyEntry is a valid row, parsed.
type historyEntry struct {
	group, scheme string
	year          int
	title, lead   string
	partners      []string
	collaborative bool
	submitted     time.Time
	status        string
	eligibility   string
	reason        string
	decision      string
	funding       string
	cents         int64
}

// historyValues are the accepted spellings, folded, of the coded cells.
var (
	historyKinds = map[string]bool{ // collaborative?
		"individual": false, "individuel": false, "individuelle": false,
		"collaborative": true, "collaboratif": true, "collaborative project": true, "projet collaboratif": true,
	}
	historyDecisions = map[string]string{
		"labelled": DecisionLabelled, "labeled": DecisionLabelled, "labellise": DecisionLabelled, "labellisee": DecisionLabelled,
		"not labelled": DecisionNotLabelled, "not labeled": DecisionNotLabelled, "non labellise": DecisionNotLabelled,
		"non labellisee": DecisionNotLabelled,
		"ineligible":     Ineligible, "non eligible": Ineligible,
		"withdrawn": StatusWithdrawn, "retire": StatusWithdrawn, "retiree": StatusWithdrawn,
	}
	historyFundings = map[string]string{
		"funded": FundingFunded, "finance": FundingFunded, "financee": FundingFunded,
		"not funded": FundingNotFunded, "non finance": FundingNotFunded, "non financee": FundingNotFunded,
		"pending": FundingPending, "en attente": FundingPending, "en cours": FundingPending,
	}
)

// maxOrganisationName is the directory's limit on a name.
const maxOrganisationName = 200

// parseHistoryRow checks a row and parses it, or says what is wrong,
// one reason per column.
func parseHistoryRow(r HistoryRow) (historyEntry, validate.Errors) {
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var errs validate.Errors
	e := historyEntry{group: clean(r.SchemeGroup), scheme: clean(r.Scheme), title: clean(r.Title), lead: clean(r.Lead)}
	for _, f := range []struct {
		column, value string
		max           int
	}{{"scheme_group", e.group, 80}, {"scheme", e.scheme, 120}, {"title", e.title, maxTitle}, {"lead", e.lead, maxOrganisationName}} {
		switch {
		case f.value == "":
			errs.Add(f.column, "validate.required")
		case len([]rune(f.value)) > f.max:
			errs.Add(f.column, "validate.too_long", f.max)
		}
	}
	year, err := strconv.Atoi(strings.TrimSpace(r.Year))
	if err != nil || year < 1990 || year > 2100 {
		errs.Add("year", "calls.import.year_invalid", strings.TrimSpace(r.Year))
		year = 0
	}
	e.year = year

	seen := map[string]bool{textsearch.Fold(e.lead): true}
	for _, p := range tabular.SplitList(r.Partners) {
		p = clean(p)
		key := textsearch.Fold(p)
		switch {
		case key == textsearch.Fold(e.lead):
			errs.Add("partners", "calls.import.partner_is_lead", p)
		case len([]rune(p)) > maxOrganisationName:
			errs.Add("partners", "validate.too_long", maxOrganisationName)
		case !seen[key]:
			e.partners = append(e.partners, p)
		}
		seen[key] = true
	}
	switch kind := textsearch.Fold(r.Kind); {
	case kind == "":
		e.collaborative = len(e.partners) > 0
	default:
		collaborative, ok := historyKinds[kind]
		switch {
		case !ok:
			errs.Add("kind", "calls.import.kind_invalid", strings.TrimSpace(r.Kind))
		case !collaborative && len(e.partners) > 0:
			errs.Add("kind", "calls.import.individual_with_partners")
		}
		e.collaborative = collaborative
	}

	decision, ok := historyDecisions[textsearch.Fold(r.Decision)]
	switch {
	case strings.TrimSpace(r.Decision) == "":
		errs.Add("decision", "validate.required")
	case !ok:
		errs.Add("decision", "calls.import.decision_invalid", strings.TrimSpace(r.Decision))
	}
	e.status, e.eligibility = StatusSubmitted, Eligible
	switch decision {
	case DecisionLabelled, DecisionNotLabelled:
		e.decision = decision
	case Ineligible:
		e.eligibility, e.reason = Ineligible, "import"
	case StatusWithdrawn:
		e.status = StatusWithdrawn
	}

	if f := strings.TrimSpace(r.Funding); f != "" {
		funding, ok := historyFundings[textsearch.Fold(f)]
		switch {
		case !ok:
			errs.Add("funding", "calls.import.funding_invalid", f)
		case decision != "" && decision != DecisionLabelled:
			errs.Add("funding", "calls.import.funding_not_labelled")
		}
		e.funding = funding
	}
	if a := strings.TrimSpace(r.Amount); a != "" {
		cents, ok := ParseEuros(a)
		switch {
		case !ok:
			errs.Add("amount_eur", "calls.import.amount_invalid", a)
		case e.funding != FundingFunded:
			errs.Add("amount_eur", "calls.import.amount_not_funded")
		}
		e.cents = cents
	}

	if d := strings.TrimSpace(r.ReceivedOn); d != "" {
		day, err := tabular.ParseDate(d)
		if err != nil || day.Year() < 1990 || day.Year() > 2100 {
			errs.Add("received_on", "calls.import.date_invalid", d)
		} else {
			e.submitted = time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, Paris).UTC()
		}
	} else if year != 0 {
		e.submitted = time.Date(year, time.January, 1, 12, 0, 0, 0, Paris).UTC()
	}
	return e, errs
}
