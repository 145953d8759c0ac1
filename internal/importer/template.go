package importer

import (
	"fmt"
	"io"
	"strings"

	"filiere/internal/directory"
	"filiere/internal/i18n"
	"filiere/internal/tabular"
)

// The template formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// TemplateName is the file name a template downloads as.
func TemplateName(lang, format string) string {
	if i18n.Lang(lang) == "en" {
		return "organisations-import-template." + format
	}
	return "modele-import-organisations." + format
}

// Template writes the import template in lang ("fr" or "en") and format
// (FormatCSV or FormatXLSX): the header row, then two example rows that
// import as they are. The CSV is what French Excel opens with a double
// click (UTF-8 with a BOM, semicolons).
func Template(w io.Writer, lang, format string) error {
	lang = i18n.Lang(lang)
	header := Header(lang)
	examples := templateExamples(lang)
	switch format {
	case FormatCSV:
		rows := make([][]string, len(examples))
		for i, ex := range examples {
			for _, c := range allColumns() {
				cell := ex[c.name]
				if f, ok := cell.(float64); ok {
					cell = decimal(f, lang)
				}
				rows[i] = append(rows[i], fmt.Sprint(orEmpty(cell)))
			}
		}
		if err := tabular.WriteCSV(w, header, rows); err != nil {
			return fmt.Errorf("importer: template: %w", err)
		}
	case FormatXLSX:
		rows := make([][]any, len(examples))
		for i, ex := range examples {
			for _, c := range allColumns() {
				rows[i] = append(rows[i], ex[c.name])
			}
		}
		if err := tabular.WriteXLSX(w, i18n.T(lang, "import.title"), header, rows); err != nil {
			return fmt.Errorf("importer: template: %w", err)
		}
	default:
		return fmt.Errorf("importer: template: unknown format %q", format)
	}
	return nil
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// decimal writes f with the decimal mark of lang.
func decimal(f float64, lang string) string {
	s := fmt.Sprint(f)
	if lang == "fr" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// templateExamples are two organisations as a user would fill them in, by
// column name, taxonomy values as labels in lang.
func templateExamples(lang string) []map[string]any {
	t := directory.LoadTaxonomy()
	label := func(get func(string) (directory.Term, bool), codes ...string) string {
		var out []string
		for _, c := range codes {
			term, _ := get(c)
			out = append(out, term.Label(lang))
		}
		return strings.Join(out, " | ")
	}
	pick := func(fr, en string) string {
		if lang == "en" {
			return en
		}
		return fr
	}
	return []map[string]any{
		{
			"name": "Stérilix", "group": "Groupe Santélys", "siret": "81234567600017", "kind": label(t.Kind, "sme"),
			"membership": i18n.T(lang, directory.MembershipKey(directory.Member)), "member_since": 2019,
			"sectors": label(t.Sector, "medtech"), "steps": label(t.Step, "design", "regulatory"),
			"bricks":         label(t.Brick, "mt.sterilisation", "mt.moulding"),
			"services":       "Stérilisation à l'oxyde d'éthylène / Ethylene oxide sterilisation | Conditionnement stérile / Sterile packaging",
			"certifications": "ISO 13485:2027-06-30 | ISO 9001",
			"address":        "4 rue de l'Industrie", "postcode": "25000", "city": "Besançon", "departement": "25",
			"region": "Bourgogne-Franche-Comté", "country": "FR", "latitude": 47.2378, "longitude": 6.0241,
			"website": "https://www.sterilix.example", "headcount": "10-49", "revenue": i18n.T(lang, "directory.revenue.2m_10m"),
			"founded": 2009, "keywords": pick("stérilisation | salle propre", "sterilisation | cleanroom"),
			"description_fr":  "Sous-traitant en stérilisation et conditionnement de dispositifs médicaux.",
			"description_en":  "Subcontractor for the sterilisation and packaging of medical devices.",
			"equipment":       pick("Deux autoclaves, une chambre d'oxyde d'éthylène", "Two autoclaves, an ethylene oxide chamber"),
			"cleanroom_class": 7, "cleanroom_area": 450.0,
		},
		{
			"name": "Laboratoire de Biomécanique de Dijon", "short_name": "LBD", "siret": "19211234000026",
			"kind": label(t.Kind, "lab"), "membership": i18n.T(lang, directory.MembershipKey(directory.Prospect)),
			"sectors": label(t.Sector, "medtech", "diagnostics"), "steps": label(t.Step, "preclinical"),
			"bricks":         label(t.Brick, "mt.implants"),
			"services":       "Essais mécaniques sur implants / Mechanical testing of implants",
			"certifications": "COFRAC ISO 17025:2026-12-31",
			"postcode":       "21000", "city": "Dijon", "departement": "21", "region": "Bourgogne-Franche-Comté", "country": "FR",
			"website": "https://lbd.example", "headcount": "10-49", "founded": 1998,
			"description_fr": "Laboratoire de recherche en biomécanique ostéo-articulaire.",
			"description_en": "Research lab in bone and joint biomechanics.",
		},
	}
}
