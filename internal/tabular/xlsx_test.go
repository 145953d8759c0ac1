package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// sheetCell is one cell of a workbook built by makeWorkbook.
type sheetCell struct {
	ref    string
	value  any
	format string // a custom number format code, or "" for none
	fmtID  int    // a built-in number format, when format is ""
}

// makeWorkbook builds an XLSX with excelize's ordinary (non-stream) API, as
// another program would, to test the reader apart from WriteXLSX.
func makeWorkbook(t testing.TB, sheet string, cells []sheetCell) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cells {
		if err := f.SetCellValue(sheet, c.ref, c.value); err != nil {
			t.Fatal(err)
		}
		if c.format == "" && c.fmtID == 0 {
			continue
		}
		st := &excelize.Style{NumFmt: c.fmtID}
		if c.format != "" {
			code := c.format
			st.CustomNumFmt = &code
		}
		id, err := f.NewStyle(st)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle(sheet, c.ref, c.ref, id); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readXLSXBytes(t *testing.T, raw []byte) (Table, []RowError) {
	t.Helper()
	tab, rowErrs, err := ReadXLSX(bytes.NewReader(raw), 0)
	if err != nil {
		t.Fatalf("ReadXLSX: %v", err)
	}
	return tab, rowErrs
}

func TestReadXLSXShowsCellsAsDisplayedWithoutNoise(t *testing.T) {
	when := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	afternoon := time.Date(2024, 1, 15, 14, 30, 0, 0, time.UTC)
	raw := makeWorkbook(t, "Sheet1", []sheetCell{
		{ref: "A1", value: "case"}, {ref: "B1", value: "value"},
		{ref: "A2", value: "general float"}, {ref: "B2", value: 0.1 + 0.2},
		{ref: "A3", value: "integer"}, {ref: "B3", value: 42},
		{ref: "A4", value: "thousands and decimals"}, {ref: "B4", value: 1234567.5, fmtID: 4},
		{ref: "A5", value: "currency"}, {ref: "B5", value: 1234.5, format: `#,##0.00\ "€"`},
		{ref: "A6", value: "percent"}, {ref: "B6", value: 0.125, fmtID: 10},
		{ref: "A7", value: "built-in date"}, {ref: "B7", value: when, fmtID: 14},
		{ref: "A8", value: "French date"}, {ref: "B8", value: when, format: "dd/mm/yyyy"},
		{ref: "A9", value: "date and time"}, {ref: "B9", value: afternoon, format: "[$-40C]dd/mm/yyyy hh:mm"},
		{ref: "A10", value: "time"}, {ref: "B10", value: 0.6041666666666666, format: "hh:mm"},
		{ref: "A11", value: "text in a date cell"}, {ref: "B11", value: "à définir", format: "dd/mm/yyyy"},
		{ref: "A12", value: "true"}, {ref: "B12", value: true},
		{ref: "A13", value: "false"}, {ref: "B13", value: false},
		{ref: "A14", value: "leading zeros as text"}, {ref: "B14", value: "00123", fmtID: 49},
		{ref: "A15", value: "scientific"}, {ref: "B15", value: 150000.0, fmtID: 11},
		{ref: "A16", value: "negative"}, {ref: "B16", value: -2.5, fmtID: 2},
		{ref: "A17", value: "month and year"}, {ref: "B17", value: when, format: "mmmm yyyy"},
		{ref: "A18", value: "elapsed"}, {ref: "B18", value: 1.5, format: "[h]:mm"},
	})
	tab, rowErrs := readXLSXBytes(t, raw)
	if len(rowErrs) != 0 {
		t.Fatalf("row errors: %v", rowErrs)
	}
	want := map[string]string{
		"general float":          "0.3",
		"integer":                "42",
		"thousands and decimals": "1234567.5",
		"currency":               "1234.5",
		"percent":                "12.50%",
		"built-in date":          "2024-01-15",
		"French date":            "2024-01-15",
		"date and time":          "2024-01-15 14:30",
		"time":                   "14:30",
		"text in a date cell":    "à définir",
		"true":                   "TRUE",
		"false":                  "FALSE",
		"leading zeros as text":  "00123",
		"scientific":             "150000",
		"negative":               "-2.5",
		"month and year":         "2024-01-15",
		"elapsed":                "36:00",
	}
	if len(tab.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(tab.Rows), len(want))
	}
	for _, row := range tab.Rows {
		if got, w := row.Cells[1], want[row.Cells[0]]; got != w {
			t.Errorf("%s: got %q, want %q", row.Cells[0], got, w)
		}
	}
}

func TestReadXLSXFollowsReadCSVRowRules(t *testing.T) {
	raw := makeWorkbook(t, "Sheet1", []sheetCell{
		{ref: "B3", value: "  Nom "}, {ref: "C3", value: "Ville"},
		{ref: "B4", value: "Alpha"}, {ref: "C4", value: "Lyon"},
		{ref: "B6", value: "Beta"}, // short row, after a blank one
		{ref: "B7", value: "Gamma"}, {ref: "C7", value: "Nice"}, {ref: "E7", value: "surplus"},
		{ref: "B8", value: "  "}, // blank: spaces only
		{ref: "B9", value: "Delta"}, {ref: "C9", value: "Metz"},
	})
	tab, rowErrs := readXLSXBytes(t, raw)
	if want := []string{"", "Nom", "Ville"}; !slices.Equal(tab.Header, want) {
		t.Errorf("header %q, want %q", tab.Header, want)
	}
	want := []Row{
		{Line: 4, Cells: []string{"", "Alpha", "Lyon"}},
		{Line: 6, Cells: []string{"", "Beta", ""}},
		{Line: 9, Cells: []string{"", "Delta", "Metz"}},
	}
	if len(tab.Rows) != len(want) {
		t.Fatalf("rows %v, want %v", tab.Rows, want)
	}
	for i, w := range want {
		if tab.Rows[i].Line != w.Line || !slices.Equal(tab.Rows[i].Cells, w.Cells) {
			t.Errorf("row %d: %v, want %v", i, tab.Rows[i], w)
		}
	}
	if len(rowErrs) != 1 || rowErrs[0].Line != 7 || !errors.Is(rowErrs[0], ErrTooManyCells) {
		t.Errorf("row errors %v, want line 7 too many cells", rowErrs)
	}
}

func TestReadXLSXSheetPicksTheNamedSheet(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "first")
	if _, err := f.NewSheet("Adhérents"); err != nil {
		t.Fatal(err)
	}
	f.SetCellValue("Adhérents", "A1", "second")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()

	tab, _, err := ReadXLSX(bytes.NewReader(raw), 0)
	if err != nil || !slices.Equal(tab.Header, []string{"first"}) {
		t.Errorf("first sheet: %v %v", tab.Header, err)
	}
	tab, _, err = ReadXLSXSheet(bytes.NewReader(raw), "adhérents", 0)
	if err != nil || !slices.Equal(tab.Header, []string{"second"}) {
		t.Errorf("named sheet: %v %v", tab.Header, err)
	}
	if _, _, err := ReadXLSXSheet(bytes.NewReader(raw), "Missing", 0); !errors.Is(err, ErrSheetNotFound) {
		t.Errorf("missing sheet: %v, want ErrSheetNotFound", err)
	}
}

func zipOf(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(files[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSXRejectsWhatIsNotAWorkbook(t *testing.T) {
	valid := makeWorkbook(t, "Sheet1", []sheetCell{{ref: "A1", value: "Nom"}})
	cases := map[string][]byte{
		"csv text":     []byte("Nom;Ville\r\nAlpha;Lyon\r\n"),
		"empty":        nil,
		"old xls":      append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...),
		"a docx":       zipOf(t, map[string][]byte{"[Content_Types].xml": []byte("<Types/>"), "word/document.xml": []byte("<w/>")}),
		"truncated":    valid[:len(valid)/2],
		"zip magic":    []byte("PK\x03\x04 and nothing else"),
		"broken parts": zipOf(t, map[string][]byte{"[Content_Types].xml": []byte("<"), "xl/workbook.xml": []byte("<")}),
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := ReadXLSX(bytes.NewReader(raw), 0)
			if !errors.Is(err, ErrNotXLSX) {
				t.Errorf("err = %v, want ErrNotXLSX", err)
			}
		})
	}
}

func TestReadXLSXEnforcesSizeLimits(t *testing.T) {
	valid := makeWorkbook(t, "Sheet1", []sheetCell{{ref: "A1", value: "Nom"}, {ref: "A2", value: "Alpha"}})

	t.Run("file over maxBytes", func(t *testing.T) {
		_, _, err := ReadXLSX(bytes.NewReader(valid), int64(len(valid)-1))
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
		if _, _, err := ReadXLSX(bytes.NewReader(valid), int64(len(valid))); err != nil {
			t.Errorf("at the limit: %v", err)
		}
	})

	t.Run("zip bomb", func(t *testing.T) {
		zr, err := zip.NewReader(bytes.NewReader(valid), int64(len(valid)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, zf := range zr.File {
			rc, _ := zf.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			rc.Close()
			files[zf.Name] = b.Bytes()
		}
		files["xl/media/padding.bin"] = make([]byte, minUnzipLimit+1) // deflates to a few kB
		bomb := zipOf(t, files)
		if len(bomb) > 100_000 {
			t.Fatalf("bomb is %d bytes, expected it small", len(bomb))
		}
		_, _, err = ReadXLSX(bytes.NewReader(bomb), 100_000)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
	})

	t.Run("rows reaching the last column", func(t *testing.T) {
		var sheet strings.Builder
		sheet.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r := 1; r <= maxCells/excelize.MaxColumns+2; r++ {
			fmt.Fprintf(&sheet, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
		}
		sheet.WriteString(`</sheetData></worksheet>`)
		files := workbookParts()
		files["xl/worksheets/sheet1.xml"] = []byte(sheet.String())
		_, _, err := ReadXLSX(bytes.NewReader(zipOf(t, files)), 1<<20)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
	})
}

// workbookParts are the parts of a minimal one-sheet workbook, without the
// sheet itself.
func workbookParts() map[string][]byte {
	return map[string][]byte{
		"[Content_Types].xml":        []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
		"_rels/.rels":                []byte(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		"xl/workbook.xml":            []byte(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
		"xl/_rels/workbook.xml.rels": []byte(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`),
	}
}

func TestReadXLSXReadsAHandWrittenMinimalWorkbook(t *testing.T) {
	files := workbookParts()
	files["xl/worksheets/sheet1.xml"] = []byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c><c r="B1" t="inlineStr"><is><t>Effectif</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Zoé &amp; Cie</t></is></c><c r="B2"><v>12</v></c></row>` +
		`</sheetData></worksheet>`)
	tab, _ := readXLSXBytes(t, zipOf(t, files))
	if !slices.Equal(tab.Header, []string{"Nom", "Effectif"}) || len(tab.Rows) != 1 ||
		!slices.Equal(tab.Rows[0].Cells, []string{"Zoé & Cie", "12"}) {
		t.Errorf("got %+v", tab)
	}
}

func TestReadChoosesTheReaderFromContentThenName(t *testing.T) {
	xlsx := makeWorkbook(t, "Sheet1", []sheetCell{{ref: "A1", value: "Nom"}, {ref: "A2", value: "Alpha"}})
	csv := []byte("Nom;Ville\r\nAlpha;Lyon\r\n")
	cases := []struct {
		name    string
		content []byte
		header  []string
		err     error
	}{
		{"adherents.xlsx", xlsx, []string{"Nom"}, nil},
		{"adherents.csv", xlsx, []string{"Nom"}, nil}, // the content wins
		{"", xlsx, []string{"Nom"}, nil},
		{"adherents.csv", csv, []string{"Nom", "Ville"}, nil},
		{"ADHERENTS.TXT", csv, []string{"Nom", "Ville"}, nil},
		{"", csv, []string{"Nom", "Ville"}, nil},
		{`C:\Users\x\adherents.XLSX`, csv, nil, ErrNotXLSX},
		{"adherents.xls", csv, nil, ErrNotXLSX},
		{"adherents.csv", nil, nil, ErrNoHeader},
	}
	for _, c := range cases {
		tab, _, err := Read(c.name, bytes.NewReader(c.content), 1<<20)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%q: err = %v, want %v", c.name, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(tab.Header, c.header) {
			t.Errorf("%q: header %q, err %v; want %q", c.name, tab.Header, err, c.header)
		}
	}
}

func TestCodeKindClassesCustomFormats(t *testing.T) {
	cases := []struct {
		code string
		want numFmtKind
	}{
		{"General", fmtGeneral},
		{"0.00", fmtGeneral},
		{`#,##0.00\ "€"`, fmtGeneral},
		{`#,##0 "jours"`, fmtGeneral},
		{"0.00E+00", fmtGeneral},
		{"[Red]-#,##0.00;[Blue]#,##0.00", fmtGeneral},
		{"0.0%", fmtKeep},
		{"@", fmtKeep},
		{"[h]:mm:ss", fmtKeep},
		{"dd/mm/yyyy", fmtDate},
		{"[$-40C]d mmmm yyyy", fmtDate},
		{"mmm-yy", fmtDate},
		{"dddd", fmtDate},
		{"dd/mm/yyyy hh:mm", fmtDateTime},
		{"yyyy-mm-dd h:mm:ss AM/PM", fmtDateTimeSec},
		{"hh:mm", fmtTime},
		{"h:mm AM/PM", fmtTime},
		{"mm:ss", fmtTimeSec},
		{`"Date: "0`, fmtGeneral},
		{"[unterminated", fmtKeep},
	}
	for _, c := range cases {
		if got := codeKind(c.code); got != c.want {
			t.Errorf("codeKind(%q) = %d, want %d", c.code, got, c.want)
		}
	}
}

func FuzzReadXLSX(f *testing.F) {
	f.Add(makeWorkbook(f, "Sheet1", []sheetCell{
		{ref: "A1", value: "Nom"}, {ref: "B1", value: "Date"},
		{ref: "A2", value: "Zoé"}, {ref: "B2", value: time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC), fmtID: 14},
	}))
	files := workbookParts()
	files["xl/worksheets/sheet1.xml"] = []byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c></row></sheetData></worksheet>`)
	f.Add(zipOf(f, files))
	f.Add([]byte("Nom;Ville\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		tab, _, err := ReadXLSX(bytes.NewReader(raw), 1<<20)
		if err != nil {
			return
		}
		line := 0
		for _, row := range tab.Rows {
			if len(row.Cells) != len(tab.Header) {
				t.Fatalf("row %d has %d cells for %d columns", row.Line, len(row.Cells), len(tab.Header))
			}
			if row.Line <= line {
				t.Fatalf("line %d after %d", row.Line, line)
			}
			line = row.Line
		}
	})
}
