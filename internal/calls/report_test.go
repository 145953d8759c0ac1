package calls_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"filiere/internal/calls"
)

// reportStats are statistics with names a page must escape and a sheet
// must not take for a formula.
func reportStats() calls.Stats {
	line := func(group, scheme string, c calls.Counts) calls.SchemeLine {
		return calls.SchemeLine{SchemeGroup: group, Scheme: scheme, Counts: c}
	}
	anr1 := calls.Counts{Received: 10, Labelled: 8, Funded: 5, NotFunded: 2, Pending: 1, Individual: 3, Collaborative: 7, FundedCents: 75000000}
	anr2 := calls.Counts{Received: 20, Labelled: 16, Funded: 10, NotFunded: 4, Pending: 2, Individual: 4, Collaborative: 16, FundedCents: 150000000}
	reg := calls.Counts{Received: 14, Labelled: 0, Individual: 6, Collaborative: 8}
	anr := calls.Counts{Received: 30, Labelled: 24, Funded: 15, NotFunded: 6, Pending: 3, Individual: 7, Collaborative: 23, FundedCents: 225000000}
	total := calls.Counts{Received: 44, Labelled: 24, Funded: 15, NotFunded: 6, Pending: 3, Individual: 13, Collaborative: 31, FundedCents: 225000000}
	return calls.Stats{
		Year:    2024,
		Schemes: []calls.SchemeLine{line("ANR", "ANR ASTRID", anr1), line("ANR", "ANR PRCE", anr2), line("Région", "=R&D Booster <pilote>", reg)},
		Groups:  []calls.GroupLine{{SchemeGroup: "ANR", Counts: anr}, {SchemeGroup: "Région", Counts: reg}},
		Total:   total,
	}
}

func TestStatisticsWorkbookHoldsTheFiguresWithPercentages(t *testing.T) {
	var buf bytes.Buffer
	if err := calls.WriteStatsXLSX(&buf, reportStats(), "fr"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Appels 2024" {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows("Appels 2024", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Groupe de dispositifs", "Dispositif", "Reçues", "Labellisées", "Financées", "Non financées", "En attente",
			"Individuelles", "Collaboratives", "Taux de labellisation", "Taux de financement", "Montant financé (€)"},
		{"ANR", "ANR ASTRID", "10", "8", "5", "2", "1", "3", "7", "0.8", "0.625", "750000"},
		{"ANR", "ANR PRCE", "20", "16", "10", "4", "2", "4", "16", "0.8", "0.625", "1500000"},
		{"Sous-total ANR", "", "30", "24", "15", "6", "3", "7", "23", "0.8", "0.625", "2250000"},
		{"Région", "=R&D Booster <pilote>", "14", "0", "0", "0", "0", "6", "8", "0", "", "0"},
		{"Sous-total Région", "", "14", "0", "0", "0", "0", "6", "8", "0", "", "0"},
		{"Total", "", "44", "24", "15", "6", "3", "13", "31", "0.545", "0.625", "2250000"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		for len(rows[i]) < len(want[i]) {
			rows[i] = append(rows[i], "")
		}
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, rows[i], want[i])
		}
	}
	if formula, _ := f.GetCellFormula("Appels 2024", "B5"); formula != "" {
		t.Errorf("a scheme name became the formula %q", formula)
	}
	for _, cell := range []string{"J2", "K7"} {
		id, err := f.GetCellStyle("Appels 2024", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "0.0%" {
			t.Errorf("%s style %+v (%v), want a percent format", cell, st, err)
		}
	}
	if shown, _ := f.GetCellValue("Appels 2024", "J7"); shown != "54.5%" {
		t.Errorf("total labelling rate shows %q, want 54.5%%", shown)
	}
	id, _ := f.GetCellStyle("Appels 2024", "A7")
	if st, err := f.GetStyle(id); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("total row not bold: %+v (%v)", st, err)
	}
}

func TestStatisticsPageIsEscapedAndLocalised(t *testing.T) {
	var fr, en bytes.Buffer
	if err := calls.WriteStatsHTML(&fr, reportStats(), "fr"); err != nil {
		t.Fatal(err)
	}
	if err := calls.WriteStatsHTML(&en, reportStats(), "en"); err != nil {
		t.Fatal(err)
	}
	page := fr.String()
	for _, want := range []string{`<html lang="fr">`, "Candidatures aux appels à projets — 2024", "=R&amp;D Booster &lt;pilote&gt;",
		"Sous-total ANR", "<td class=\"n\">44</td>", "80,0\u00a0%", "54,5\u00a0%", "2\u202f250\u202f000\u00a0€", "Taux de financement"} {
		if !strings.Contains(page, want) {
			t.Errorf("French page lacks %q", want)
		}
	}
	for _, bad := range []string{"<pilote>", "<script", "src=", "href=", "calls.report."} {
		if strings.Contains(page, bad) {
			t.Errorf("French page holds %q", bad)
		}
	}
	for _, want := range []string{`<html lang="en">`, "Subtotal ANR", "54.5%", "€2,250,000", "Funding rate"} {
		if !strings.Contains(en.String(), want) {
			t.Errorf("English page lacks %q", want)
		}
	}
	var empty bytes.Buffer
	if err := calls.WriteStatsHTML(&empty, calls.Stats{Year: 2019}, "fr"); err != nil || !strings.Contains(empty.String(), "Aucune candidature reçue pour 2019.") {
		t.Errorf("empty page (%v):\n%s", err, empty.String())
	}
}

func TestStatisticsJSONOfAnEmptyYearHasEmptyLists(t *testing.T) {
	var buf bytes.Buffer
	if err := calls.WriteStatsJSON(&buf, calls.Stats{Year: 2019}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	rows, ok1 := got["rows"].([]any)
	groups, ok2 := got["groups"].([]any)
	total, ok3 := got["total"].(map[string]any)
	if !ok1 || !ok2 || !ok3 || len(rows) != 0 || len(groups) != 0 || total["labelling_rate"] != 0.0 || got["year"] != 2019.0 {
		t.Errorf("empty year JSON: %s", buf.String())
	}
}
