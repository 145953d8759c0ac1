package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestWriteCSVWritesWhatFrenchExcelOpens(t *testing.T) {
	var buf bytes.Buffer
	err := WriteCSV(&buf, []string{"Nom", "Ville"}, [][]string{
		{"Zoé & Cie", "Lyon; Rhône"},
		{`Dit "le grand"`, "ligne 1\nligne 2"},
		{" espace", ""},
		{"=HYPERLINK(\"x\")", "-3,5"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFNom;Ville\r\n" +
		"Zoé & Cie;\"Lyon; Rhône\"\r\n" +
		"\"Dit \"\"le grand\"\"\";\"ligne 1\nligne 2\"\r\n" +
		"\" espace\";\r\n" +
		"\"'=HYPERLINK(\"\"x\"\")\";-3,5\r\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestWriteCSVThenReadCSVGivesTheCellsBack(t *testing.T) {
	header := []string{"Raison sociale", "Adresse", "Montant", "Date"}
	rows := [][]string{
		{"Société Générale d'Études", "12, rue de l'Église\n69001 Lyon", "1 234,50 €", "15/01/2024"},
		{`Le "Bon" Coin; SARL`, "Œuvre à Noël", "-3,5", "2024-02-29"},
		{"x", "", "0", ""},
		{"ends with space ", "\ttab first", "42", "1er janvier"},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, header, rows); err != nil {
		t.Fatal(err)
	}
	tab, rowErrs, err := ReadCSV(&buf, 0)
	if err != nil || len(rowErrs) != 0 {
		t.Fatalf("ReadCSV: %v %v", err, rowErrs)
	}
	if !slices.Equal(tab.Header, header) {
		t.Errorf("header %q", tab.Header)
	}
	if len(tab.Rows) != len(rows) {
		t.Fatalf("%d rows, want %d", len(tab.Rows), len(rows))
	}
	wantLines := []int{2, 4, 5, 6} // the address's line break takes a line
	for i, row := range tab.Rows {
		want := slices.Clone(rows[i])
		want[1] = defuse(want[1]) // "\ttab first" is defused
		if !slices.Equal(row.Cells, want) {
			t.Errorf("row %d: %q, want %q", i, row.Cells, want)
		}
		if row.Line != wantLines[i] {
			t.Errorf("row %d: line %d, want %d", i, row.Line, wantLines[i])
		}
	}
}

func TestDefuseNeutralisesFormulasOnly(t *testing.T) {
	cases := map[string]string{
		"=SUM(A1:A9)":        "'=SUM(A1:A9)",
		"+33 6 12 34 56 78":  "'+33 6 12 34 56 78",
		"-1+2":               "'-1+2",
		"@SUM(A1)":           "'@SUM(A1)",
		"\tcmd":              "'\tcmd",
		"\rcmd":              "'\rcmd",
		"-":                  "'-",
		"-3.":                "'-3.",
		"-3":                 "-3",
		"+4,5":               "+4,5",
		"-1234.56":           "-1234.56",
		"":                   "",
		"a=b":                "a=b",
		"Zoé":                "Zoé",
		" =SUM(A1)":          " =SUM(A1)",
		"'=already":          "'=already",
		"=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
	}
	for in, want := range cases {
		if got := defuse(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteXLSXThenReadXLSXGivesTheCellsBack(t *testing.T) {
	header := []string{"Raison sociale", "Effectif", "Chiffre d'affaires", "Création", "Mise à jour", "Adhérent", "Note"}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	rows := [][]any{
		{"Société Générale d'Études; « ACME »", 12, 1234567.25, time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC),
			time.Date(2024, 3, 1, 9, 5, 0, 0, paris), true, `Dit "le grand"` + "\nsur deux lignes"},
		{"€uro & <Cie>", int64(-3), 0.1 + 0.2, time.Date(1999, 12, 31, 0, 0, 0, 0, paris), nil, false, "=1+1"},
		{"", 0, math.NaN(), nil, nil, nil, "@import"},
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "Adhérents", header, rows); err != nil {
		t.Fatal(err)
	}
	tab, rowErrs, err := ReadXLSXSheet(bytes.NewReader(buf.Bytes()), "Adhérents", 0)
	if err != nil || len(rowErrs) != 0 {
		t.Fatalf("ReadXLSX: %v %v", err, rowErrs)
	}
	if !slices.Equal(tab.Header, header) {
		t.Errorf("header %q", tab.Header)
	}
	want := [][]string{
		{"Société Générale d'Études; « ACME »", "12", "1234567.25", "2024-01-15", "2024-03-01 09:05", "TRUE", "Dit \"le grand\"\nsur deux lignes"},
		{"€uro & <Cie>", "-3", "0.3", "1999-12-31", "", "FALSE", "'=1+1"},
		{"", "0", "", "", "", "", "'@import"},
	}
	if len(tab.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(tab.Rows), len(want))
	}
	for i, row := range tab.Rows {
		if !slices.Equal(row.Cells, want[i]) {
			t.Errorf("row %d:\n got %q\nwant %q", i, row.Cells, want[i])
		}
		if row.Line != i+2 {
			t.Errorf("row %d: line %d", i, row.Line)
		}
	}
}

func TestWriteXLSXLaysOutTheSheetForReading(t *testing.T) {
	longText := strings.Repeat("x", 200)
	var buf bytes.Buffer
	err := WriteXLSX(&buf, "Export: 2024/01", []string{"Nom", "Description", "N"}, [][]any{
		{"Alpha", longText, 1.5},
		{"Beta", "court\nmais sur deux lignes", 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := "Export  2024 01"
	if got := f.GetSheetList(); !slices.Equal(got, []string{sheet}) {
		t.Fatalf("sheets %q, want %q", got, sheet)
	}

	style, err := f.GetCellStyle(sheet, "B1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(style)
	if err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header cell not bold: %+v %v", st, err)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 {
		t.Errorf("panes %+v %v, want the first row frozen", panes, err)
	}
	filters := f.GetDefinedName()
	found := false
	for _, dn := range filters {
		if dn.Name == "_xlnm._FilterDatabase" && strings.HasSuffix(dn.RefersTo, "$A$1:$C$3") {
			found = true
		}
	}
	if !found {
		t.Errorf("no auto filter on A1:C3 in %+v", filters)
	}
	// The sheet itself carries the filter buttons, after its rows.
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var sheetXML []byte
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			sheetXML, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	if i, j := bytes.Index(sheetXML, []byte(`<autoFilter ref="$A$1:$C$3"`)), bytes.Index(sheetXML, []byte(`</sheetData>`)); i < 0 || j < 0 || i < j {
		t.Errorf("sheet XML has no autoFilter after its data: %.400s…", sheetXML)
	}

	widths := map[string]float64{}
	for _, col := range []string{"A", "B", "C"} {
		if widths[col], err = f.GetColWidth(sheet, col); err != nil {
			t.Fatal(err)
		}
	}
	if widths["A"] != minColWidth || widths["B"] != maxColWidth || widths["C"] != minColWidth {
		t.Errorf("widths %v, want A and C %d, B capped at %d", widths, minColWidth, maxColWidth)
	}

	for cell, want := range map[string]excelize.CellType{"C2": excelize.CellTypeNumber, "C3": excelize.CellTypeNumber, "A2": excelize.CellTypeInlineString} {
		got, err := f.GetCellType(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		// excelize reports numbers without a t attribute as unset.
		if got == excelize.CellTypeUnset {
			got = excelize.CellTypeNumber
		}
		if got != want {
			t.Errorf("%s: type %v, want %v", cell, got, want)
		}
	}
}

func TestWriteXLSXRefusesMoreColumnsThanExcelHas(t *testing.T) {
	err := WriteXLSX(&bytes.Buffer{}, "x", make([]string, excelize.MaxColumns+1), nil)
	if err == nil {
		t.Error("no error for 16,385 columns")
	}
}

func TestSheetNameIsMadeValidForExcel(t *testing.T) {
	cases := map[string]string{
		"":                      "Sheet1",
		"Adhérents":             "Adhérents",
		"a/b\\c?d*e[f]g:h":      "a b c d e f g h",
		"'quoted'":              "quoted",
		"   ":                   "Sheet1",
		strings.Repeat("é", 40): strings.Repeat("é", 31),
	}
	for in, want := range cases {
		if got := sheetName(in); got != want {
			t.Errorf("sheetName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteErrorsAreReported(t *testing.T) {
	if err := WriteCSV(failingWriter{}, []string{"a"}, nil); err == nil {
		t.Error("WriteCSV: no error from a failing writer")
	}
	if err := WriteXLSX(failingWriter{}, "s", []string{"a"}, nil); err == nil {
		t.Error("WriteXLSX: no error from a failing writer")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
