package calls_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"filiere/internal/audit"
	"filiere/internal/calls"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/validate"
)

// historyCtx is the context of the history tests: a named actor for the
// audit log.
var historyCtx = audit.WithActor(context.Background(), audit.Actor{Label: "history test"})

// historyService is the calls over a directory holding the organisations
// named, created (as members) before the import.
func historyService(t *testing.T, d *db.DB, existing ...string) (*calls.Service, *directory.Store) {
	t.Helper()
	dir := directory.NewStore(d)
	for _, name := range existing {
		if _, err := dir.CreateOrganisation(historyCtx, directory.Organisation{Name: name, Kind: "lab", Membership: directory.Member}); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	s := calls.New(d, dir, "https://filiere.example")
	s.Now = func() time.Time { return time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC) }
	return s, dir
}

// schemeSpec is what the fixture holds for one scheme of one year.
type schemeSpec struct {
	group, scheme string
	year          int
	// labelled applications by funding outcome ("pending" written, blank
	// left empty: both count as pending).
	funded, notFunded, pending, blank  int
	notLabelled, ineligible, withdrawn int
	individual                         int // the others are collaborative
	amount                             string
}

// The fixture, 2024 (counts worked out by hand):
//
//	group      scheme                          recv lab fund nf pend | notlab inel wdr | ind coll
//	ANR        ANR ASTRID                        10   8    5  2    1 |      1    0   1 |   3    7
//	ANR        ANR PRCE                          20  16   10  4    2 |      3    1   0 |   4   16
//	ANR        (group)                           30  24   15  6    3 |                 |   7   23
//	Bpifrance  Aide pour projet d'innovation      6   4    2  1    1 |      2    0   0 |   5    1
//	Bpifrance  i-Nov                             14  10    6  2    2 |      3    1   0 |  10    4
//	Bpifrance  (group)                           20  14    8  3    3 |                 |  15    5
//	Région     R&D Booster <pilote>              14  10    7  1    2 |      2    1   1 |   6    8
//	Région     (group)                           14  10    7  1    2 |                 |   6    8
//	total                                        64  48   30 10    8 |                 |  28   36
//
// labelling rate 48/64 = 0.75, funded rate 30/48 = 0.625. Funded
// amounts: ANR 150 000 €, Bpifrance 80 000,50 €, Région 25 000 € each:
// 15 × 150 000 + 8 × 80 000,50 + 7 × 25 000 = 2 250 000 + 640 004 +
// 175 000 = 3 065 004 €.
//
// Plus ANR PRCE 2023: 2 funded, 1 not labelled, all collaborative — its
// own call, left out of 2024's figures.
var historyFixture = []schemeSpec{
	{"ANR", "ANR PRCE", 2024, 10, 4, 1, 1, 3, 1, 0, 4, "150 000"},
	{"ANR", "ANR ASTRID", 2024, 5, 2, 1, 0, 1, 0, 1, 3, "150000"},
	{"Bpifrance", "i-Nov", 2024, 6, 2, 1, 1, 3, 1, 0, 10, "80 000,50"},
	{"Bpifrance", "Aide pour projet d'innovation", 2024, 2, 1, 0, 1, 2, 0, 0, 5, "80000.50 €"},
	{"Région", "R&D Booster <pilote>", 2024, 7, 1, 2, 0, 2, 1, 1, 6, "25 000"},
	{"ANR", "ANR PRCE", 2023, 2, 0, 0, 0, 1, 0, 0, 0, "100 000"},
}

// Leads and partners: three in the directory before the import (the file
// spells them in another case, without accents), five new.
var (
	directoryOrgs = []string{"Stérilix", "Lab Énergie Santé", "CHU de Besançon"}
	fileOrgs      = []string{"STERILIX", "lab energie sante", "Optimed", "Biotika", "CHU de Besancon", "Micro-Usinage Doubs",
		"Neurosens", "Cardiaq"}
)

// fixtureCSV writes the fixture as a comma-separated file with the
// English header, varying how each row says what it is.
func fixtureCSV(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	write := func(cells ...string) {
		if err := w.Write(cells); err != nil {
			t.Fatal(err)
		}
	}
	write("scheme_group", "scheme", "year", "title", "lead", "partners", "kind", "received_on", "decision", "funding", "amount_eur")
	k := 0
	for _, s := range historyFixture {
		var outcomes [][2]string // decision, funding
		for _, n := range []struct {
			count             int
			decision, funding string
		}{{s.funded, "labelled", "funded"}, {s.notFunded, "labelled", "not_funded"}, {s.pending, "labelled", "pending"},
			{s.blank, "labelled", ""}, {s.notLabelled, "not_labelled", ""}, {s.ineligible, "ineligible", ""},
			{s.withdrawn, "withdrawn", ""}} {
			for range n.count {
				outcomes = append(outcomes, [2]string{n.decision, n.funding})
			}
		}
		n := len(outcomes)
		for i, o := range outcomes {
			k++
			lead := fileOrgs[k%len(fileOrgs)]
			title := fmt.Sprintf("%s projet %02d", s.scheme, i+1)
			if i == 0 {
				title += ", phase 1" // a comma: the cell is quoted
			}
			var partners, kind string
			if (i+3)%n < s.individual {
				if i%2 == 0 {
					kind = "individual"
				}
			} else {
				partners = fileOrgs[(k+1)%len(fileOrgs)] + " | " + fileOrgs[(k+3)%len(fileOrgs)]
				if i%3 == 0 {
					kind = "collaborative"
				}
			}
			received := []string{fmt.Sprintf("%d-03-04", s.year), fmt.Sprintf("04/03/%d", s.year), ""}[i%3]
			amount := ""
			if o[1] == "funded" {
				amount = s.amount
			}
			write(s.group, s.scheme, fmt.Sprint(s.year), title, lead, partners, kind, received, o[0], o[1], amount)
		}
	}
	w.Flush()
	return b.String()
}

// importFile reads content as a file named name and imports it.
func importFile(t *testing.T, s *calls.Service, name, content string, opts calls.HistoryOptions) (calls.HistoryFile, calls.HistoryReport) {
	t.Helper()
	in, err := calls.ReadHistory(name, strings.NewReader(content), 1<<20)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	rep, err := s.ImportHistory(historyCtx, in.Rows, opts)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return in, rep
}

func count(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// wantCounts is one expected line of the statistics.
type wantCounts struct {
	received, labelled, funded, notFunded, pending, individual, collaborative int
}

func countsOf(c calls.Counts) wantCounts {
	return wantCounts{c.Received, c.Labelled, c.Funded, c.NotFunded, c.Pending, c.Individual, c.Collaborative}
}

func TestImportedHistoryGivesTheYearsStatistics(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := historyService(t, d, directoryOrgs...)
		_, rep := importFile(t, s, "historique.csv", fixtureCSV(t), calls.HistoryOptions{})
		if rep.Created != 67 || rep.Unchanged != 0 || rep.Rejected != 0 || !rep.Written {
			for _, l := range rep.Lines {
				if l.Action == calls.HistoryReject {
					t.Log(l.Text("en"))
				}
			}
			t.Fatalf("created %d, unchanged %d, rejected %d, written %v", rep.Created, rep.Unchanged, rep.Rejected, rep.Written)
		}
		if len(rep.NewCalls) != 6 {
			t.Errorf("new calls %+v, want 6", rep.NewCalls)
		}
		wantNew := []string{"Optimed", "Biotika", "Micro-Usinage Doubs", "Neurosens", "Cardiaq"}
		if got := slices.Sorted(slices.Values(rep.NewOrganisations)); !slices.Equal(got, slices.Sorted(slices.Values(wantNew))) {
			t.Errorf("new organisations %q, want %q", rep.NewOrganisations, wantNew)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM organisations"); n != 8 {
			t.Errorf("%d organisations, want 3 matched + 5 created", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'application' AND action = 'import'"); n != 67 {
			t.Errorf("%d application audit records, want 67", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'call' AND action = 'import'"); n != 6 {
			t.Errorf("%d call audit records, want 6", n)
		}

		st, err := s.Statistics(historyCtx, calls.System, 2024)
		if err != nil {
			t.Fatal(err)
		}
		wantRows := []struct {
			group, scheme string
			c             wantCounts
		}{
			{"ANR", "ANR ASTRID", wantCounts{10, 8, 5, 2, 1, 3, 7}},
			{"ANR", "ANR PRCE", wantCounts{20, 16, 10, 4, 2, 4, 16}},
			{"Bpifrance", "Aide pour projet d'innovation", wantCounts{6, 4, 2, 1, 1, 5, 1}},
			{"Bpifrance", "i-Nov", wantCounts{14, 10, 6, 2, 2, 10, 4}},
			{"Région", "R&D Booster <pilote>", wantCounts{14, 10, 7, 1, 2, 6, 8}},
		}
		if len(st.Schemes) != len(wantRows) {
			t.Fatalf("%d scheme lines, want %d: %+v", len(st.Schemes), len(wantRows), st.Schemes)
		}
		for i, w := range wantRows {
			l := st.Schemes[i]
			if l.SchemeGroup != w.group || l.Scheme != w.scheme || countsOf(l.Counts) != w.c {
				t.Errorf("line %d: %s / %s %+v, want %s / %s %+v", i, l.SchemeGroup, l.Scheme, countsOf(l.Counts), w.group, w.scheme, w.c)
			}
		}
		wantGroups := []struct {
			group string
			c     wantCounts
		}{
			{"ANR", wantCounts{30, 24, 15, 6, 3, 7, 23}},
			{"Bpifrance", wantCounts{20, 14, 8, 3, 3, 15, 5}},
			{"Région", wantCounts{14, 10, 7, 1, 2, 6, 8}},
		}
		if len(st.Groups) != len(wantGroups) {
			t.Fatalf("%d groups, want %d", len(st.Groups), len(wantGroups))
		}
		for i, w := range wantGroups {
			if g := st.Groups[i]; g.SchemeGroup != w.group || countsOf(g.Counts) != w.c {
				t.Errorf("group %d: %s %+v, want %s %+v", i, g.SchemeGroup, countsOf(g.Counts), w.group, w.c)
			}
		}
		if got := countsOf(st.Total); got != (wantCounts{64, 48, 30, 10, 8, 28, 36}) {
			t.Errorf("total %+v", got)
		}
		if st.Total.LabellingRate != 0.75 || st.Total.FundedRate != 0.625 {
			t.Errorf("rates %v, %v, want 48/64 = 0.75 and 30/48 = 0.625", st.Total.LabellingRate, st.Total.FundedRate)
		}
		if st.Total.FundedCents != 306500400 {
			t.Errorf("funded %d cents, want 3 065 004 €", st.Total.FundedCents)
		}

		var buf bytes.Buffer
		if err := calls.WriteStatsJSON(&buf, st); err != nil {
			t.Fatal(err)
		}
		checkStatsJSON(t, buf.Bytes())

		old, err := s.Statistics(historyCtx, calls.System, 2023)
		if err != nil {
			t.Fatal(err)
		}
		if len(old.Schemes) != 1 || countsOf(old.Total) != (wantCounts{3, 2, 2, 0, 0, 0, 3}) {
			t.Errorf("2023: %+v", old)
		}
		years, err := s.Years(historyCtx)
		if err != nil || !slices.Equal(years, []int{2024, 2023}) {
			t.Errorf("years %v (%v)", years, err)
		}
	})
}

// statsJSONWant is the JSON of the fixture's 2024 statistics.
const statsJSONWant = `{
  "year": 2024,
  "rows": [
    {"scheme_group": "ANR", "scheme": "ANR ASTRID", "received": 10, "labelled": 8, "funded": 5, "not_funded": 2, "pending": 1, "individual": 3, "collaborative": 7},
    {"scheme_group": "ANR", "scheme": "ANR PRCE", "received": 20, "labelled": 16, "funded": 10, "not_funded": 4, "pending": 2, "individual": 4, "collaborative": 16},
    {"scheme_group": "Bpifrance", "scheme": "Aide pour projet d'innovation", "received": 6, "labelled": 4, "funded": 2, "not_funded": 1, "pending": 1, "individual": 5, "collaborative": 1},
    {"scheme_group": "Bpifrance", "scheme": "i-Nov", "received": 14, "labelled": 10, "funded": 6, "not_funded": 2, "pending": 2, "individual": 10, "collaborative": 4},
    {"scheme_group": "Région", "scheme": "R&D Booster <pilote>", "received": 14, "labelled": 10, "funded": 7, "not_funded": 1, "pending": 2, "individual": 6, "collaborative": 8}
  ],
  "groups": [
    {"scheme_group": "ANR", "received": 30, "labelled": 24, "funded": 15, "not_funded": 6, "pending": 3, "individual": 7, "collaborative": 23},
    {"scheme_group": "Bpifrance", "received": 20, "labelled": 14, "funded": 8, "not_funded": 3, "pending": 3, "individual": 15, "collaborative": 5},
    {"scheme_group": "Région", "received": 14, "labelled": 10, "funded": 7, "not_funded": 1, "pending": 2, "individual": 6, "collaborative": 8}
  ],
  "total": {"received": 64, "labelled": 48, "funded": 30, "not_funded": 10, "pending": 8, "labelling_rate": 0.75, "funded_rate": 0.625, "individual": 28, "collaborative": 36}
}`

// checkStatsJSON compares the statistics' JSON with statsJSONWant, as
// decoded values (key order and spacing aside; array order counts).
func checkStatsJSON(t *testing.T, got []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("statistics JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(statsJSONWant), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("statistics JSON:\n%s\nwant:\n%s", got, statsJSONWant)
	}
}

func TestImportedCallsAndApplicationsCarryTheRowsFacts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := historyService(t, d, "Stérilix")
		file := "scheme_group,scheme,year,title,lead,partners,kind,received_on,decision,funding,amount_eur\n" +
			"ANR,ANR PRCE,2024,Titan,Stérilix,Optimed|Biotika,,04/03/2024,labelled,funded,250 000\n" +
			"ANR,ANR PRCE,2024,Orion,Optimed,,,,ineligible,,\n" +
			"ANR,ANR PRCE,2024,Vega,Biotika,,individual,2024-06-30,withdrawn,,\n" +
			"ANR,ANR PRCE,2024,Lyra,Biotika,,collaborative,,not_labelled,,\n"
		_, rep := importFile(t, s, "h.csv", file, calls.HistoryOptions{})
		if rep.Created != 4 || len(rep.NewCalls) != 1 {
			t.Fatalf("report %+v", rep)
		}
		c, err := s.Call(historyCtx, calls.System, rep.NewCalls[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Type != calls.TypeProjectLabel || !c.Imported || !c.Published || !c.Committee || c.Written || c.Preselection ||
			c.Hearing || len(c.Criteria) != 0 || c.Audience != calls.AudienceAll || c.Consortium != calls.ConsortiumOptional ||
			c.SchemeGroup != "ANR" || c.Scheme != "ANR PRCE" || c.Year != 2024 {
			t.Errorf("call %+v", c)
		}
		if o, cl := c.OpensAt.In(calls.Paris), c.ClosesAt.In(calls.Paris); o != time.Date(2024, 1, 1, 0, 0, 0, 0, calls.Paris) ||
			cl.Year() != 2024 || cl.Month() != 12 || cl.Day() != 31 {
			t.Errorf("call spans %v – %v", o, cl)
		}
		app := func(i int) calls.Application {
			t.Helper()
			a, err := s.Application(historyCtx, calls.System, rep.Lines[i].ApplicationID)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		titan := app(0)
		if !titan.Imported || titan.Status != calls.StatusSubmitted || titan.Eligibility != calls.Eligible ||
			titan.Decision != calls.DecisionLabelled || titan.Funding != calls.FundingFunded || titan.FundingCents != 25000000 ||
			!titan.Collaborative || len(titan.Partners) != 2 || titan.Partners[0].Name != "Optimed" || titan.Lead.Name != "Stérilix" {
			t.Errorf("Titan %+v", titan)
		}
		if want := time.Date(2024, 3, 4, 12, 0, 0, 0, calls.Paris); !titan.SubmittedAt.Equal(want) {
			t.Errorf("Titan submitted at %v, want noon in Paris %v", titan.SubmittedAt, want)
		}
		if !strings.HasPrefix(titan.Reference, "A-2024-") || titan.Reference == app(1).Reference {
			t.Errorf("references %s, %s", titan.Reference, app(1).Reference)
		}
		if o := app(1); o.Eligibility != calls.Ineligible || o.IneligibleReason != "import" || o.Decision != "" || o.Collaborative ||
			!o.SubmittedAt.Equal(time.Date(2024, 1, 1, 12, 0, 0, 0, calls.Paris)) {
			t.Errorf("Orion %+v", o)
		}
		if v := app(2); v.Status != calls.StatusWithdrawn || v.Decision != "" || v.WithdrawnAt.IsZero() {
			t.Errorf("Vega %+v", v)
		}
		if l := app(3); l.Decision != calls.DecisionNotLabelled || !l.Collaborative || len(l.Partners) != 0 {
			t.Errorf("Lyra %+v", l)
		}
	})
}

// reasons is a line's reasons as "field:key".
func reasons(l calls.HistoryLine) []string {
	var out []string
	for _, e := range l.Reasons {
		out = append(out, e.Field+":"+e.Key)
	}
	return out
}

func TestBadRowsAreReportedWithTheirReasonsWhileGoodRowsGoIn(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := historyService(t, d)
		// French headers, ';' as Excel writes them, a BOM.
		file := "\ufeffGroupe de dispositifs;Dispositif;Année;Titre;Porteur;Partenaires;Type;Reçu le;Décision;Financement;Montant (€)\r\n" +
			"ANR;ANR PRCE;2023;Bon projet;Optimed;Biotika;collaboratif;04/03/2023;labellisé;financé;120 000\r\n" +
			"ANR;ANR PRCE;2023;Type inconnu;Optimed;;consortium;;labellisé;;\r\n" +
			"ANR;ANR PRCE;2023;Financé sans label;Optimed;;;;non labellisé;financé;\r\n" +
			"ANR;ANR PRCE;1989;Trop vieux;Optimed;;;;labellisé;;\r\n" +
			"ANR;ANR PRCE;2023;Montant faux;Optimed;;;;labellisé;financé;12 000 francs\r\n" +
			"ANR;ANR PRCE;2023;Seul mais pas seul;Optimed;Biotika;individuel;;labellisé;;\r\n" +
			"ANR;ANR PRCE;2023;;Optimed;;;;labellisé;;\r\n" +
			"ANR;ANR PRCE;2023;Sans porteur;;;;;labellisé;;\r\n" +
			"ANR;ANR PRCE;2023;Montant sans financement;Optimed;;;;labellisé;en attente;5 000\r\n" +
			"ANR;ANR PRCE;2023;Décision inconnue;Optimed;;;;ajourné;;\r\n" +
			"ANR;ANR PRCE;2023;Date fausse;Optimed;;;31/02/2023;retiré;;\r\n" +
			"ANR;ANR PRCE;2023;Bon projet;OPTIMED;;;;labellisé;;\r\n" +
			"ANR;ANR PRCE;2023;Second bon projet;Biotika;;individuel;2023-05-06;inéligible;;\r\n"
		in, rep := importFile(t, s, "historique.csv", file, calls.HistoryOptions{})
		want := map[int][]string{
			3:  {"kind:calls.import.kind_invalid"},
			4:  {"funding:calls.import.funding_not_labelled"},
			5:  {"year:calls.import.year_invalid"},
			6:  {"amount_eur:calls.import.amount_invalid"},
			7:  {"kind:calls.import.individual_with_partners"},
			8:  {"title:validate.required"},
			9:  {"lead:validate.required"},
			10: {"amount_eur:calls.import.amount_not_funded"},
			11: {"decision:calls.import.decision_invalid"},
			12: {"received_on:calls.import.date_invalid"},
			13: {":calls.import.duplicate"},
		}
		if len(in.Ignored) != 0 {
			t.Errorf("ignored columns %q", in.Ignored)
		}
		if rep.Created != 2 || rep.Rejected != len(want) || !rep.Written {
			t.Errorf("created %d, rejected %d, written %v", rep.Created, rep.Rejected, rep.Written)
		}
		for _, l := range rep.Lines {
			if w, bad := want[l.Line]; bad {
				if l.Action != calls.HistoryReject || !slices.Equal(reasons(l), w) {
					t.Errorf("line %d: %s %v, want rejected %v", l.Line, l.Action, reasons(l), w)
				}
				continue
			}
			if l.Action != calls.HistoryCreate {
				t.Errorf("line %d: %s %v, want created", l.Line, l.Action, reasons(l))
			}
		}
		if rep.Lines[11].Reasons[0].Args[0] != 2 {
			t.Errorf("duplicate of line %v, want 2", rep.Lines[11].Reasons[0].Args)
		}
		if got := rep.Lines[1].Text("fr"); got != "ligne 3 : « Type inconnu » rejetée : Type : « consortium » n'est pas un type connu : individuel ou collaboratif." {
			t.Errorf("French line: %q", got)
		}
		if got := rep.Lines[0].Text("en"); got != "line 2: create “Bon projet” (Optimed)" {
			t.Errorf("English line: %q", got)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM applications WHERE imported = 1"); n != 2 {
			t.Errorf("%d applications written, want the 2 good rows", n)
		}
		st, err := s.Statistics(historyCtx, calls.System, 2023)
		if err != nil {
			t.Fatal(err)
		}
		if countsOf(st.Total) != (wantCounts{2, 1, 1, 0, 0, 1, 1}) || st.Total.FundedCents != 12000000 {
			t.Errorf("2023 %+v", st.Total)
		}
	})
}

func TestAllOrNothingAndDryRunWriteNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := historyService(t, d)
		file := "scheme_group,scheme,year,title,lead,decision\nANR,ANR PRCE,2024,A,Optimed,labelled\nANR,ANR PRCE,20x4,B,Optimed,labelled\n"
		_, rep := importFile(t, s, "h.csv", file, calls.HistoryOptions{AllOrNothing: true})
		if !rep.Blocked() || rep.Written || rep.Created != 1 || rep.Rejected != 1 {
			t.Errorf("all or nothing: %+v", rep)
		}
		_, rep = importFile(t, s, "h.csv", file, calls.HistoryOptions{DryRun: true})
		if rep.Written || !rep.DryRun || rep.Created != 1 || len(rep.NewCalls) != 1 || !slices.Equal(rep.NewOrganisations, []string{"Optimed"}) {
			t.Errorf("dry run: %+v", rep)
		}
		if rep.Summary("en") != "Applications created: 1, unchanged: 0, rejected: 1. Calls created: 1, organisations created: 1. Dry run: nothing was written." {
			t.Errorf("summary %q", rep.Summary("en"))
		}
		for _, table := range []string{"applications", "calls", "organisations"} {
			if n := count(t, d, "SELECT COUNT(*) FROM "+table); n != 0 {
				t.Errorf("%d %s written", n, table)
			}
		}
	})
}

func TestReimportingAFileAddsNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := historyService(t, d, directoryOrgs...)
		file := fixtureCSV(t)
		_, first := importFile(t, s, "h.csv", file, calls.HistoryOptions{})
		_, again := importFile(t, s, "h.csv", file, calls.HistoryOptions{})
		if again.Created != 0 || again.Unchanged != first.Created || again.Written || len(again.NewCalls) != 0 ||
			len(again.NewOrganisations) != 0 {
			t.Errorf("re-import: created %d, unchanged %d (first %d), new calls %d, new organisations %d", again.Created,
				again.Unchanged, first.Created, len(again.NewCalls), len(again.NewOrganisations))
		}
		// Titles and schemes in another case, in another file.
		shouted := "scheme_group,scheme,year,title,lead,decision\nanr,ANR prce,2024,ANR PRCE PROJET 02,Optimed,labelled\n" +
			"ANR,ANR PRCE,2024,Nouveau,Optimed,labelled\n"
		_, more := importFile(t, s, "h2.csv", shouted, calls.HistoryOptions{})
		if more.Unchanged != 1 || more.Created != 1 || len(more.NewCalls) != 0 {
			t.Errorf("case-insensitive match: %+v", more)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM applications"); n != 68 {
			t.Errorf("%d applications, want 67 + 1", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM calls"); n != 6 {
			t.Errorf("%d calls, want 6", n)
		}
	})
}

func TestOrganisationsAreMatchedByNameOrCreated(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, dir := historyService(t, d, "Stérilix", "Lab Énergie Santé")
		file := "scheme_group,scheme,year,title,lead,partners,decision\n" +
			"ANR,ANR PRCE,2024,A,STERILIX,lab energie  sante|Nouvelle Société|nouvelle societe,labelled\n" +
			"ANR,ANR PRCE,2024,B,Nouvelle Societe,,labelled\n"
		_, rep := importFile(t, s, "h.csv", file, calls.HistoryOptions{})
		if rep.Created != 2 || !slices.Equal(rep.NewOrganisations, []string{"Nouvelle Société"}) {
			t.Fatalf("report %+v", rep)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM organisations"); n != 3 {
			t.Errorf("%d organisations, want 2 + 1 created", n)
		}
		a, err := s.Application(historyCtx, calls.System, rep.Lines[0].ApplicationID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Lead.Name != "Stérilix" || len(a.Partners) != 2 || a.Partners[0].Name != "Lab Énergie Santé" ||
			a.Partners[1].Name != "Nouvelle Société" {
			t.Errorf("lead %q, partners %+v", a.Lead.Name, a.Partners)
		}
		b, err := s.Application(historyCtx, calls.System, rep.Lines[1].ApplicationID)
		if err != nil {
			t.Fatal(err)
		}
		if b.Lead.ID != a.Partners[1].ID {
			t.Errorf("B's lead %d, want the organisation A's row created (%d)", b.Lead.ID, a.Partners[1].ID)
		}
		created, err := dir.Organisation(historyCtx, b.Lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		if created.Kind != "sme" || created.Membership != directory.NonMember {
			t.Errorf("created organisation %+v", created)
		}
		res, err := dir.Search(historyCtx, directory.SearchQuery{Text: "nouvelle societe"})
		if err != nil || res.Total != 1 {
			t.Errorf("search finds %+v (%v), want the created organisation", res.Total, err)
		}

		// Two organisations of the same name: a row naming it is refused.
		if _, err := dir.CreateOrganisation(historyCtx, directory.Organisation{Name: "STÉRILIX", Kind: "sme"}); err != nil {
			t.Fatal(err)
		}
		_, rep = importFile(t, s, "h.csv", "scheme_group,scheme,year,title,lead,decision\nANR,ANR PRCE,2024,C,Sterilix,labelled\n",
			calls.HistoryOptions{})
		if rep.Rejected != 1 || !slices.Equal(reasons(rep.Lines[0]), []string{"lead:calls.import.ambiguous_organisation"}) {
			t.Errorf("ambiguous name: %+v", rep.Lines)
		}
	})
}

func TestHistoryFromAWorkbook(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := historyService(t, d)
		f := excelize.NewFile()
		defer f.Close()
		rows := [][]any{
			{"Groupe", "Dispositif", "Année", "Titre", "Porteur", "Partenaires", "Type", "Reçu le", "Décision", "Financement", "Montant", "Commentaire"},
			{"Région", "R&D Booster", 2025, "Atlas", "Optimed", "Biotika | Neurosens", "", time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC), "labellisé", "financé", 45000.5, "ok"},
			{"Région", "R&D Booster", 2025, "Borée", "Biotika", "", "individuel", "", "non labellisé", "", nil, ""},
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		dateFmt := "dd/mm/yyyy"
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", "H2", "H2", style); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		in, rep := importFile(t, s, "historique.xlsx", buf.String(), calls.HistoryOptions{})
		if !slices.Equal(in.Ignored, []string{"Commentaire"}) || rep.Created != 2 || rep.Rejected != 0 {
			t.Fatalf("ignored %q, report %+v", in.Ignored, rep)
		}
		a, err := s.Application(historyCtx, calls.System, rep.Lines[0].ApplicationID)
		if err != nil {
			t.Fatal(err)
		}
		if a.FundingCents != 4500050 || !a.SubmittedAt.Equal(time.Date(2025, 2, 3, 12, 0, 0, 0, calls.Paris)) || len(a.Partners) != 2 {
			t.Errorf("Atlas %+v", a)
		}
	})
}

func TestAHistoryFileWithoutTheRequiredColumnsIsRefused(t *testing.T) {
	_, err := calls.ReadHistory("h.csv", strings.NewReader("scheme,year,title\nANR PRCE,2024,A\n"), 1<<20)
	m, ok := validate.AsMessage(err)
	if !ok || m.Key != "calls.import.missing_columns" || m.Args[0] != "scheme_group, lead, decision" {
		t.Errorf("err %v", err)
	}
	if _, err := calls.ReadHistory("h.csv", strings.NewReader(""), 1<<20); err == nil {
		t.Error("empty file accepted")
	}
}
