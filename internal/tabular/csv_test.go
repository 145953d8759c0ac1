package tabular

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func read(t *testing.T, data []byte) (Table, []RowError) {
	t.Helper()
	tab, rowErrs, err := ReadCSV(bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatalf("ReadCSV: %v", err)
	}
	return tab, rowErrs
}

func TestReadsSemicolonWindows1252File(t *testing.T) {
	// "Société Générale de Stérilisation;Île-de-France;12,5 €" in Windows-1252:
	// é = 0xE9, Î = 0xCE, € = 0x80, œ = 0x9C.
	data := []byte("Raison sociale;R\xe9gion;Montant\r\n" +
		"Soci\xe9t\xe9 G\xe9n\xe9rale de St\xe9rilisation;\xcele-de-France;12,5 \x80\r\n" +
		"C\x9cur de m\xe9tier;Bretagne;3\r\n")
	tab, rowErrs := read(t, data)
	if len(rowErrs) != 0 {
		t.Fatalf("row errors: %v", rowErrs)
	}
	if want := []string{"Raison sociale", "Région", "Montant"}; !reflect.DeepEqual(tab.Header, want) {
		t.Errorf("header = %q, want %q", tab.Header, want)
	}
	want := []Row{
		{Line: 2, Cells: []string{"Société Générale de Stérilisation", "Île-de-France", "12,5 €"}},
		{Line: 3, Cells: []string{"Cœur de métier", "Bretagne", "3"}},
	}
	if !reflect.DeepEqual(tab.Rows, want) {
		t.Errorf("rows = %+v, want %+v", tab.Rows, want)
	}
}

func TestReadsUTF8WithBOMCommaFile(t *testing.T) {
	data := append([]byte{0xEF, 0xBB, 0xBF}, "name,city\nStérilis,Lyon\nAcmé,\"Saint-Étienne, Loire\"\n"...)
	tab, _ := read(t, data)
	if tab.Header[0] != "name" {
		t.Errorf("first header = %q, want the BOM stripped", tab.Header[0])
	}
	if got := tab.Rows[1].Cells; !reflect.DeepEqual(got, []string{"Acmé", "Saint-Étienne, Loire"}) {
		t.Errorf("row = %q", got)
	}
}

func TestReadsTabSeparatedFile(t *testing.T) {
	tab, _ := read(t, []byte("a\tb\tc\n1\t2,5\t3;4\n"))
	if want := []string{"1", "2,5", "3;4"}; !reflect.DeepEqual(tab.Rows[0].Cells, want) {
		t.Errorf("cells = %q, want %q", tab.Rows[0].Cells, want)
	}
}

func TestReadsUTF16WithBOM(t *testing.T) {
	// Excel's "Unicode text": UTF-16LE, tab-separated.
	s := "nom\tville\r\nÉcole\tCaen\r\n"
	data := []byte{0xFF, 0xFE}
	for _, r := range s {
		data = append(data, byte(r), byte(r>>8))
	}
	tab, _ := read(t, data)
	if want := []string{"École", "Caen"}; len(tab.Rows) != 1 || !reflect.DeepEqual(tab.Rows[0].Cells, want) {
		t.Errorf("rows = %+v, want one row %q", tab.Rows, want)
	}
}

func TestQuotedFieldsKeepSeparatorsNewlinesAndQuotes(t *testing.T) {
	data := "nom;description;ville\r\n" +
		"\"Alpha; Beta\";\"Ligne 1\r\nLigne 2\nLigne 3\";Paris\r\n" +
		"\"Le \"\"Labo\"\"\";simple;Nice\r\n"
	tab, rowErrs := read(t, []byte(data))
	if len(rowErrs) != 0 {
		t.Fatalf("row errors: %v", rowErrs)
	}
	want := []Row{
		{Line: 2, Cells: []string{"Alpha; Beta", "Ligne 1\nLigne 2\nLigne 3", "Paris"}},
		{Line: 5, Cells: []string{"Le \"Labo\"", "simple", "Nice"}},
	}
	if !reflect.DeepEqual(tab.Rows, want) {
		t.Errorf("rows = %+v, want %+v", tab.Rows, want)
	}
}

func TestSeparatorIsSniffedOutsideQuotes(t *testing.T) {
	// The header has more commas inside quotes than semicolons outside.
	tab, _ := read(t, []byte("\"a,b,c,d\";e\n1;2\n"))
	if want := []string{"a,b,c,d", "e"}; !reflect.DeepEqual(tab.Header, want) {
		t.Errorf("header = %q, want %q", tab.Header, want)
	}
}

func TestExcelSepHintLineChoosesTheSeparator(t *testing.T) {
	tab, _ := read(t, []byte("sep=,\r\na;b,c\r\n1;2,3\r\n"))
	if want := []string{"a;b", "c"}; !reflect.DeepEqual(tab.Header, want) {
		t.Errorf("header = %q, want %q", tab.Header, want)
	}
	if tab.Rows[0].Line != 3 {
		t.Errorf("line = %d, want 3 (the hint line counts)", tab.Rows[0].Line)
	}
}

func TestShortRowsArePaddedAndBlankLinesSkipped(t *testing.T) {
	tab, _ := read(t, []byte("a;b;c\n1\n\n;;\n4;5;6\n\n\n"))
	want := []Row{
		{Line: 2, Cells: []string{"1", "", ""}},
		{Line: 5, Cells: []string{"4", "5", "6"}},
	}
	if !reflect.DeepEqual(tab.Rows, want) {
		t.Errorf("rows = %+v, want %+v", tab.Rows, want)
	}
}

func TestLongRowIsReportedWithItsLineAndOthersKept(t *testing.T) {
	tab, rowErrs := read(t, []byte("a;b\n1;2\n3;4;5\n6;7;;\n"))
	if len(rowErrs) != 1 || rowErrs[0].Line != 3 || !errors.Is(rowErrs[0].Err, ErrTooManyCells) {
		t.Fatalf("row errors = %v, want one ErrTooManyCells on line 3", rowErrs)
	}
	if !errors.Is(rowErrs[0], ErrTooManyCells) || !strings.HasPrefix(rowErrs[0].Error(), "line 3: ") {
		t.Errorf("RowError = %q", rowErrs[0].Error())
	}
	want := []Row{{Line: 2, Cells: []string{"1", "2"}}, {Line: 4, Cells: []string{"6", "7"}}}
	if !reflect.DeepEqual(tab.Rows, want) {
		t.Errorf("rows = %+v, want %+v (trailing empty cells dropped)", tab.Rows, want)
	}
}

func TestUnterminatedQuoteIsReportedOnItsRow(t *testing.T) {
	tab, rowErrs, err := ReadCSV(strings.NewReader("a;b\n1;2\n\"3;4\n5;6\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 1 || len(rowErrs) != 1 || rowErrs[0].Line != 3 || !errors.Is(rowErrs[0].Err, ErrUnterminatedQuote) {
		t.Errorf("rows = %+v, errors = %v", tab.Rows, rowErrs)
	}
}

func TestFileOverTheSizeLimitIsRefused(t *testing.T) {
	data := "a;b\n" + strings.Repeat("1;2\n", 100)
	if _, _, err := ReadCSV(strings.NewReader(data), int64(len(data))-1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
	if _, _, err := ReadCSV(strings.NewReader(data), int64(len(data))); err != nil {
		t.Errorf("file exactly at the limit: %v", err)
	}
}

func TestEmptyFileHasNoHeader(t *testing.T) {
	for _, data := range []string{"", "\r\n\r\n", ";;\n"} {
		if _, _, err := ReadCSV(strings.NewReader(data), 0); !errors.Is(err, ErrNoHeader) {
			t.Errorf("ReadCSV(%q) err = %v, want ErrNoHeader", data, err)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"a;b\n1;2\n",
		"a,b\r\n\"x\ny\",2\r\n",
		"sep=;\na;b\n1;2;3\n",
		"\xef\xbb\xbfa\tb\n1\n",
		"Soci\xe9t\xe9;\xcele\n\"\"\"\";\n",
		"\"a\nb\"\n\"",
		"\xff\xfea\x00;\x00b\x00\n\x001\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, rowErrs, err := ReadCSV(bytes.NewReader(data), 1<<16)
		if err != nil {
			return
		}
		last := 0
		for _, row := range tab.Rows {
			if len(row.Cells) != len(tab.Header) {
				t.Fatalf("line %d: %d cells, header has %d", row.Line, len(row.Cells), len(tab.Header))
			}
			if row.Line <= last {
				t.Fatalf("line %d after line %d", row.Line, last)
			}
			last = row.Line
		}
		for _, e := range rowErrs {
			if e.Line < 1 {
				t.Fatalf("row error on line %d", e.Line)
			}
		}
	})
}
