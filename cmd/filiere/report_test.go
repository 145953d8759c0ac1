package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// cliHistoryFile holds past applications of 2024: ANR (2 schemes) and
// Région, one row rejected (funding on a not-labelled project).
const cliHistoryFile = "scheme_group,scheme,year,title,lead,partners,kind,received_on,decision,funding,amount_eur\n" +
	"ANR,ANR PRCE,2024,Titan,Stérilix,Optimed|Biotika,,04/03/2024,labelled,funded,250 000\n" +
	"ANR,ANR PRCE,2024,Orion,Optimed,,individual,,labelled,not_funded,\n" +
	"ANR,ANR PRCE,2024,Vega,Biotika,,,,not_labelled,,\n" +
	"ANR,ANR ASTRID,2024,Lyra,Biotika,Optimed,collaborative,,labelled,,\n" +
	"Région,R&D Booster,2024,Atlas,Optimed,,,,ineligible,,\n" +
	"Région,R&D Booster,2024,Borée,Optimed,,,,not_labelled,funded,\n" +
	"ANR,ANR PRCE,2023,Ancien,Optimed,,,,labelled,funded,\n"

func TestImportApplicationsThenReportCalls(t *testing.T) {
	url := migratedDB(t)
	file := writeFile(t, "historique.csv", cliHistoryFile)

	dry := filiere(t, nil, "import", "applications", file, "--dry-run", "--db", url)
	if dry.code != exitFailure || !strings.Contains(dry.stdout, "line 2: create “Titan” (Stérilix)\n") ||
		!strings.Contains(dry.stdout, "line 7: rejected “Borée”: Funding: Only a labelled project has a funding outcome.") ||
		!strings.Contains(dry.stdout, "Applications created: 6, unchanged: 0, rejected: 1. Calls created: 4, organisations created: 3. Dry run: nothing was written.") ||
		!strings.Contains(dry.stderr, "1 row(s) rejected") {
		t.Errorf("dry run: exit %d\n%s\n%s", dry.code, dry.stdout, dry.stderr)
	}
	real := filiere(t, nil, "import", "applications", file, "--db", url, "--lang", "fr")
	if real.code != exitFailure || !strings.Contains(real.stdout, "Organisations ajoutées à l'annuaire : Stérilix, Optimed, Biotika") ||
		!strings.Contains(real.stdout, "Import terminé.") {
		t.Errorf("import: exit %d\n%s\n%s", real.code, real.stdout, real.stderr)
	}
	d, _ := openUsers(t, url)
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM applications WHERE imported = 1").Scan(&n); err != nil || n != 6 {
		t.Fatalf("%d applications imported (%v), want 6", n, err)
	}
	var actor string
	if err := d.QueryRow(context.Background(), "SELECT actor_label FROM audit_log WHERE entity = 'application' LIMIT 1").Scan(&actor); err != nil ||
		!strings.HasPrefix(actor, "cli import:") {
		t.Errorf("audit actor %q (%v)", actor, err)
	}
	again := filiere(t, nil, "import", "applications", file, "--db", url)
	if again.code != exitFailure || !strings.Contains(again.stdout, "line 2: unchanged “Titan” (Stérilix), imported before") ||
		!strings.Contains(again.stdout, "Applications created: 0, unchanged: 6, rejected: 1.") {
		t.Errorf("re-import: exit %d\n%s", again.code, again.stdout)
	}

	// JSON on standard output, the database from --db.
	out := mustRun(t, nil, "report", "calls", "--year", "2024", "--format", "json", "--db", url)
	var got any
	if err := json.Unmarshal([]byte(out.stdout), &got); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out.stdout)
	}
	var want any
	if err := json.Unmarshal([]byte(`{"year": 2024,
		"rows": [
			{"scheme_group": "ANR", "scheme": "ANR ASTRID", "received": 1, "labelled": 1, "funded": 0, "not_funded": 0, "pending": 1, "individual": 0, "collaborative": 1},
			{"scheme_group": "ANR", "scheme": "ANR PRCE", "received": 3, "labelled": 2, "funded": 1, "not_funded": 1, "pending": 0, "individual": 2, "collaborative": 1},
			{"scheme_group": "Région", "scheme": "R&D Booster", "received": 1, "labelled": 0, "funded": 0, "not_funded": 0, "pending": 0, "individual": 1, "collaborative": 0}],
		"groups": [
			{"scheme_group": "ANR", "received": 4, "labelled": 3, "funded": 1, "not_funded": 1, "pending": 1, "individual": 2, "collaborative": 2},
			{"scheme_group": "Région", "received": 1, "labelled": 0, "funded": 0, "not_funded": 0, "pending": 0, "individual": 1, "collaborative": 0}],
		"total": {"received": 5, "labelled": 3, "funded": 1, "not_funded": 1, "pending": 1, "labelling_rate": 0.6, "funded_rate": 0.333,
			"individual": 3, "collaborative": 2}}`), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("report JSON:\n%s", out.stdout)
	}

	// XLSX and HTML into files, the database from FILIERE_DATABASE_URL.
	t.Setenv("FILIERE_DATABASE_URL", url)
	dir := t.TempDir()
	xlsx, page := filepath.Join(dir, "appels.xlsx"), filepath.Join(dir, "appels.html")
	mustRun(t, nil, "report", "calls", "--year", "2024", "--format", "xlsx", "--out", xlsx)
	raw, err := os.ReadFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Appels 2024", "A7"); v != "Total" {
		t.Errorf("A7 = %q, want Total", v)
	}
	if v, _ := f.GetCellValue("Appels 2024", "C7"); v != "5" {
		t.Errorf("total received %q, want 5", v)
	}
	if v, _ := f.GetCellValue("Appels 2024", "J7"); v != "60.0%" {
		t.Errorf("total labelling rate %q, want 60.0%%", v)
	}
	mustRun(t, nil, "report", "calls", "--year", "2024", "--format", "html", "--out", page, "--lang", "en")
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "R&amp;D Booster") || !strings.Contains(string(html), "Subtotal ANR") ||
		!strings.Contains(string(html), "60.0%") {
		t.Errorf("HTML report:\n%s", html)
	}
}

func TestReportCommandLineMistakesAreUsageErrors(t *testing.T) {
	url := migratedDB(t)
	for _, args := range [][]string{
		{"report"},
		{"report", "needs", "--year", "2024"},
		{"report", "calls"},
		{"report", "calls", "--year", "1800"},
		{"report", "calls", "--year", "2024", "--format", "pdf"},
		{"report", "calls", "--year", "2024", "--lang", "de"},
		{"report", "calls", "--year", "2024", "extra"},
		{"import", "applications"},
		{"import", "applications", "--lang", "de", "a.csv"},
	} {
		if r := filiere(t, nil, append(args, "--db", url)...); r.code != exitUsage {
			t.Errorf("filiere %q: exit %d, want %d (%s)", args, r.code, exitUsage, r.stderr)
		}
	}
	missing := writeFile(t, "h.csv", "scheme,year,title\nANR PRCE,2024,A\n")
	if r := filiere(t, nil, "import", "applications", missing, "--db", url); r.code != exitFailure ||
		!strings.Contains(r.stderr, "Required columns missing from the header: scheme_group, lead, decision.") {
		t.Errorf("missing columns: exit %d, %q", r.code, r.stderr)
	}
}
