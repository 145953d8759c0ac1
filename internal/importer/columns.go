package importer

import (
	"strings"
	"sync"

	"filiere/internal/directory"
	"filiere/internal/i18n"
)

// column is one column an organisations file may hold: its canonical name
// (the English template's header), the French template's header, and the
// other spellings accepted (case, accents, spaces and punctuation are
// ignored when headers are compared).
type column struct {
	name    string
	fr      string
	aliases []string
}

// columns lists the columns in template order; the capacity attributes
// follow (capacityColumns).
var columns = []column{
	{"name", "Nom", []string{"raison sociale", "dénomination", "nom de l'organisation", "organisation", "organization",
		"company", "company name", "organisation name"}},
	{"short_name", "Sigle", []string{"nom court", "acronyme", "acronym", "short name"}},
	{"group", "Groupe", []string{"groupe d'appartenance", "group name", "corporate group", "groupe industriel",
		"société mère", "maison mère", "parent company"}},
	{"siret", "SIRET", []string{"siren", "n° siret", "numéro siret", "siret number", "siren siret"}},
	{"kind", "Type", []string{"type d'organisation", "type de structure", "catégorie", "organisation kind", "organization type", "type of organisation"}},
	{"college", "Collège", nil},
	{"membership", "Adhésion", []string{"statut d'adhésion", "membership status"}},
	{"member_since", "Adhérent depuis", []string{"année d'adhésion", "member since"}},
	{"sectors", "Filières", []string{"filière", "secteurs", "secteur", "sector"}},
	{"steps", "Étapes", []string{"étape", "étapes de la chaîne de valeur", "value chain steps", "value-chain steps", "step"}},
	{"bricks", "Briques", []string{"brique", "briques technologiques", "technology bricks", "brick"}},
	{"services", "Services", []string{"prestations", "offre de services", "service"}},
	{"certifications", "Certifications", []string{"certification", "accréditations", "certifications et accréditations"}},
	{"address", "Adresse", []string{"rue", "street address"}},
	{"postcode", "Code postal", []string{"cp", "postal code", "zip", "zip code", "post code"}},
	{"city", "Ville", []string{"commune", "town"}},
	{"departement", "Département", []string{"department", "dept", "dpt"}},
	{"region", "Région", nil},
	{"country", "Pays", nil},
	{"latitude", "Latitude", []string{"lat"}},
	{"longitude", "Longitude", []string{"lon", "lng", "long"}},
	{"website", "Site web", []string{"site internet", "site", "url", "web site", "web"}},
	{"headcount", "Effectif", []string{"effectifs", "salariés", "nombre de salariés", "employees", "staff"}},
	{"revenue", "Chiffre d'affaires", []string{"ca", "turnover"}},
	{"founded", "Année de création", []string{"création", "date de création", "year founded", "founding year"}},
	{"keywords", "Mots-clés", []string{"mot-clé", "tags"}},
	{"description_fr", "Description FR", []string{"description", "description en français", "présentation"}},
	{"description_en", "Description EN", []string{"description en anglais", "description in english", "english description"}},
	{"equipment", "Équipements", []string{"équipement", "équipements notables", "notable equipment"}},
	{"capacity_notes", "Autres capacités", []string{"notes de capacité", "other capacities", "capacity notes"}},
}

// capacityColumns are the columns of the taxonomy's capacity attributes:
// named by their code, with their French and English labels, alone or
// followed by the unit in brackets, as other spellings.
func capacityColumns() []column {
	var out []column
	for _, c := range directory.LoadTaxonomy().Capacities {
		col := column{name: c.Code, fr: c.FR, aliases: []string{c.EN}}
		switch c.Unit {
		case "", "count", "units", "people", "ISO class": // said by the label or obvious
		default:
			col.fr = c.FR + " (" + c.Unit + ")"
			col.aliases = append(col.aliases, c.FR, c.EN+" ("+c.Unit+")")
		}
		out = append(out, col)
	}
	return out
}

// allColumns are columns then capacityColumns, built once.
var allColumns = sync.OnceValue(func() []column { return append(append([]column(nil), columns...), capacityColumns()...) })

// headerAliases is the alias table tabular.MapHeader takes.
var headerAliases = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for _, c := range allColumns() {
		m[c.name] = append([]string{c.fr}, c.aliases...)
	}
	return m
})

// Header returns the template's header row in lang ("fr" or "en"): the
// French headers, or the canonical column names.
func Header(lang string) []string {
	var out []string
	for _, c := range allColumns() {
		if i18n.Lang(lang) == "en" {
			out = append(out, c.name)
		} else {
			out = append(out, c.fr)
		}
	}
	return out
}

// vocabulary maps what people write in a cell to a taxonomy code: the code
// itself, its French and English labels, and the parts of a label around
// " / " and inside brackets ("PME", "TPE", "CHU", "Medtech") when no other
// term claims them. Cells are compared folded, without spaces; exact
// spellings are looked up first, as most cells hold one.
type vocabulary struct {
	exact  map[string]string
	folded map[string]string
}

// compact is the key a vocabulary compares: "Start-up", "start up" and
// "STARTUP" are alike, and so are "ISO 13485" and "iso13485".
func compact(s string) string { return strings.ReplaceAll(directory.Fold(s), " ", "") }

func newVocabulary(terms []directory.Term) vocabulary {
	v := vocabulary{exact: map[string]string{}, folded: map[string]string{}}
	for _, t := range terms {
		for _, s := range []string{t.Code, t.FR, t.EN} {
			v.exact[s] = t.Code
			v.folded[compact(s)] = t.Code
		}
	}
	parts := map[string]string{} // part → code, "" when two terms share it
	spelled := map[string]string{}
	for _, t := range terms {
		for _, label := range []string{t.FR, t.EN} {
			for _, p := range labelParts(label) {
				k := compact(p)
				if k == "" {
					continue
				}
				if prev, seen := parts[k]; seen && prev != t.Code {
					parts[k] = ""
				} else {
					parts[k] = t.Code
				}
				spelled[p] = k
			}
		}
	}
	for k, code := range parts {
		if _, taken := v.folded[k]; !taken && code != "" {
			v.folded[k] = code
		}
	}
	for p, k := range spelled {
		if _, taken := v.exact[p]; !taken && parts[k] != "" {
			v.exact[p] = v.folded[k]
		}
	}
	return v
}

// add makes s name code.
func (v vocabulary) add(s, code string) {
	v.exact[s] = code
	v.folded[compact(s)] = code
}

// labelParts splits "Établissement de santé (CHU)" into "Établissement de
// santé" and "CHU", and "PME / TPE" into "PME" and "TPE".
func labelParts(label string) []string {
	var out []string
	outer, inner, _ := strings.Cut(label, "(")
	inner = strings.TrimSuffix(strings.TrimSpace(inner), ")")
	for _, s := range []string{outer, inner} {
		for p := range strings.SplitSeq(s, "/") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// lookup returns the code s names, if any.
func (v vocabulary) lookup(s string) (string, bool) {
	if code, ok := v.exact[s]; ok {
		return code, true
	}
	code, ok := v.folded[compact(s)]
	return code, ok
}

// vocabularies are the taxonomy's lists as vocabularies, built once.
type vocabularies struct {
	kinds, colleges, sectors, steps, bricks, certifications, memberships, headcounts, revenues vocabulary
}

var vocab = sync.OnceValue(func() *vocabularies {
	t := directory.LoadTaxonomy()
	var bricks []directory.Term
	for _, f := range t.Bricks {
		bricks = append(bricks, f.Term)
		bricks = append(bricks, f.Bricks...)
	}
	labelled := func(codes []string, key func(string) string) []directory.Term {
		var out []directory.Term
		for _, c := range codes {
			out = append(out, directory.Term{Code: c, FR: i18n.T("fr", key(c)), EN: i18n.T("en", key(c))})
		}
		return out
	}
	v := &vocabularies{
		kinds: newVocabulary(t.Kinds), colleges: newVocabulary(t.Colleges), sectors: newVocabulary(t.Sectors),
		steps: newVocabulary(t.Steps), bricks: newVocabulary(bricks), certifications: newVocabulary(t.Certifications),
		memberships: newVocabulary(labelled(directory.Memberships, directory.MembershipKey)),
		headcounts:  newVocabulary(labelled(directory.HeadcountBands, func(c string) string { return "directory.headcount." + c })),
		revenues:    newVocabulary(labelled(directory.RevenueBands, func(c string) string { return "directory.revenue." + c })),
	}
	for k, code := range map[string]string{
		"oui": directory.Member, "yes": directory.Member, "adherent": directory.Member,
		"non": directory.NonMember, "no": directory.NonMember, "nonmember": directory.NonMember,
		"ancien": directory.Former, "exadherent": directory.Former,
	} {
		v.memberships.add(k, code)
	}
	return v
})

// countries maps the country names people write to ISO codes; two-letter
// codes are taken as they are.
var countries = map[string]string{
	"france": "FR", "belgique": "BE", "belgium": "BE", "suisse": "CH", "switzerland": "CH",
	"allemagne": "DE", "germany": "DE", "italie": "IT", "italy": "IT", "espagne": "ES", "spain": "ES",
	"luxembourg": "LU", "paysbas": "NL", "netherlands": "NL", "royaumeuni": "GB", "unitedkingdom": "GB",
	"uk": "GB", "etatsunis": "US", "unitedstates": "US", "usa": "US", "canada": "CA",
}
