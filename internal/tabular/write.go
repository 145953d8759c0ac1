package tabular

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// WriteCSV writes header and rows as French Excel opens them with a double
// click: UTF-8 with a BOM, ';' between cells, CRLF after each row, a cell in
// double quotes when it holds a ';', a quote, a line break or edge spaces.
// Cells that a spreadsheet would take for a formula are defused (see
// defuse). Embedded line breaks are kept as they are.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\uFEFF")
	writeCSVRow(bw, header)
	for _, row := range rows {
		writeCSVRow(bw, row)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("tabular: write csv: %w", err)
	}
	return nil
}

func writeCSVRow(bw *bufio.Writer, cells []string) {
	for i, c := range cells {
		if i > 0 {
			bw.WriteByte(';')
		}
		c = defuse(c)
		if !needsQuotes(c) {
			bw.WriteString(c)
			continue
		}
		bw.WriteByte('"')
		bw.WriteString(strings.ReplaceAll(c, `"`, `""`))
		bw.WriteByte('"')
	}
	bw.WriteString("\r\n")
}

func needsQuotes(c string) bool {
	if c == "" {
		return false
	}
	if strings.ContainsAny(c, ";\"\r\n") {
		return true
	}
	first, last := c[0], c[len(c)-1]
	return first == ' ' || first == '\t' || last == ' ' || last == '\t'
}

// defuse prefixes with a single quote a cell that starts like a formula
// (=, +, -, @, tab, carriage return), so that a spreadsheet shows it as
// text instead of running it (CSV injection). Plain numbers such as "-3"
// or "+4,5" are left alone: they cannot run anything.
func defuse(c string) string {
	if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return c
	}
	if (c[0] == '-' || c[0] == '+') && plainNumber(c[1:]) {
		return c
	}
	return "'" + c
}

// plainNumber reports whether s is digits with at most one decimal mark
// between digits.
func plainNumber(s string) bool {
	digits, mark := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case (c == '.' || c == ',') && !mark && digits > 0 && i+1 < len(s):
			mark = true
		default:
			return false
		}
	}
	return digits > 0
}

// Column widths for WriteXLSX, in characters.
const (
	minColWidth = 8
	maxColWidth = 60
)

// WriteXLSX writes a workbook of one sheet named sheet (made valid for
// Excel: at most 31 characters, no []:*?/\): the header row in bold, frozen
// and with filter buttons, then rows. A float64, float32, int, int64 or
// int32 cell becomes a number (NaN and infinities an empty cell), a bool a
// boolean, a time.Time a date (2024-01-15, or 2024-01-15 14:30 when it has a
// time of day; its wall clock is written as is, so convert it to the zone
// readers expect first), nil an empty cell, and anything else text, defused
// like WriteCSV's cells. Column widths follow the longest content.
func WriteXLSX(w io.Writer, sheet string, header []string, rows [][]any) error {
	fail := func(err error) error { return fmt.Errorf("tabular: write xlsx: %w", err) }
	f := excelize.NewFile()
	defer f.Close()
	name := sheetName(sheet)
	if name != "Sheet1" {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return fail(err)
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fail(err)
	}
	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return fail(err)
	}
	dateTime, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateTimeFmt})
	if err != nil {
		return fail(err)
	}
	ncols := len(header)
	for _, row := range rows {
		ncols = max(ncols, len(row))
	}
	if ncols > excelize.MaxColumns {
		return fail(fmt.Errorf("%d columns, over %d", ncols, excelize.MaxColumns))
	}
	// The filter goes on the empty sheet, before the stream writer takes
	// it over. Set after Flush, it made excelize read the streamed rows
	// back and write them again (145 MB allocated for 1,000 rows × 40
	// columns, against 25 MB now), and the sheet lost its filter buttons
	// (only the defined name stayed).
	if len(header) > 0 && ncols > 0 {
		last, err := excelize.CoordinatesToCellName(ncols, len(rows)+1)
		if err != nil {
			return fail(err)
		}
		if err := f.AutoFilter(name, "A1:"+last, nil); err != nil {
			return fail(err)
		}
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fail(err)
	}
	widths := make([]int, ncols)
	measure := func(col int, text string) {
		for line := range strings.SplitSeq(text, "\n") {
			widths[col] = max(widths[col], utf8.RuneCountInString(line))
		}
	}
	headerCells := make([]any, len(header))
	for i := range headerCells {
		h := defuse(header[i])
		measure(i, h)
		headerCells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	body := make([][]any, len(rows))
	for r, row := range rows {
		cells := make([]any, len(row))
		for i := range cells {
			var text string
			cells[i], text = xlsxCell(row[i], date, dateTime)
			measure(i, text)
		}
		body[r] = cells
	}
	for i, wd := range widths {
		width := float64(min(max(wd+2, minColWidth), maxColWidth))
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return fail(err)
		}
	}
	if len(header) > 0 {
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return fail(err)
		}
	}
	if err := sw.SetRow("A1", headerCells); err != nil {
		return fail(err)
	}
	for r, cells := range body {
		if r+2 > excelize.TotalRows {
			return fail(fmt.Errorf("over %d rows", excelize.TotalRows-1))
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", r+2), cells); err != nil {
			return fail(err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Write(w); err != nil {
		return fail(err)
	}
	return nil
}

// xlsxCell turns a value into what the stream writer takes, and the text it
// shows, for the column width.
func xlsxCell(v any, date, dateTime int) (any, string) {
	switch v := v.(type) {
	case nil:
		return nil, ""
	case string:
		s := defuse(v)
		return s, s
	case float64:
		return number(v)
	case float32:
		return number(float64(v))
	case int:
		return v, fmt.Sprint(v)
	case int64:
		return v, fmt.Sprint(v)
	case int32:
		return v, fmt.Sprint(v)
	case bool:
		if v {
			return v, "TRUE"
		}
		return v, "FALSE"
	case time.Time:
		// excelize counts from the instant; the reader wants the wall clock.
		wall := time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), time.UTC)
		if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 && v.Nanosecond() == 0 {
			return excelize.Cell{StyleID: date, Value: wall}, "2006-01-02"
		}
		return excelize.Cell{StyleID: dateTime, Value: wall}, "2006-01-02 15:04"
	default:
		s := defuse(fmt.Sprint(v))
		return s, s
	}
}

func number(f float64) (any, string) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, ""
	}
	return f, fmt.Sprint(f)
}

// sheetName makes name acceptable to Excel.
func sheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < ' ' {
			return ' '
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 31 {
		name = string([]rune(name)[:31])
	}
	name = strings.Trim(name, "' ")
	if name == "" {
		return "Sheet1"
	}
	return name
}
