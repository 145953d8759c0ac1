package tabular

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Errors returned by ReadXLSX and Read, besides those of ReadCSV.
var (
	// ErrNotXLSX: the file is not an Excel 2007+ workbook (an old .xls, a
	// password-protected workbook, another kind of file, a damaged one).
	ErrNotXLSX = errors.New("not an XLSX workbook")
	// ErrSheetNotFound: the workbook has no worksheet of the requested name.
	ErrSheetNotFound = errors.New("worksheet not found")
)

// Limits on what a workbook may unpack to. XLSX parts are XML compressed
// 5 to 15 times; anything far above that is a zip bomb, not a spreadsheet.
const (
	unzipRatio    = 25
	minUnzipLimit = 8 << 20
	maxUnzipLimit = 512 << 20
	// maxCells caps the cells (blank ones between filled ones included) a
	// sheet may hold, so that a small sheet of rows reaching column XFD
	// cannot cost minutes and gigabytes.
	maxCells = 4 << 20
)

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// ReadXLSX reads the first sheet of an Excel 2007+ workbook of at most
// maxBytes bytes (no limit when maxBytes <= 0) into the Table ReadCSV
// returns, with the same rules: the header is the first non-blank row, its
// cells trimmed; blank rows are skipped; rows are padded to the header's
// width; a row with surplus non-empty cells is reported as a RowError. Line
// is the row's number in the sheet.
//
// Cells come as the user sees them, without a spreadsheet's float noise:
// numbers plain with a '.' decimal mark and no thousands separator (the
// workbook's percent formats are kept: "12.50%"), dates as 2024-01-15
// (with " 14:30" when the format shows the time, times alone as 14:30),
// booleans as TRUE and FALSE, formulas as their last computed value.
func ReadXLSX(r io.Reader, maxBytes int64) (Table, []RowError, error) {
	return ReadXLSXSheet(r, "", maxBytes)
}

// ReadXLSXSheet is ReadXLSX for the sheet named sheet, or the first sheet
// when sheet is empty.
func ReadXLSXSheet(r io.Reader, sheet string, maxBytes int64) (t Table, rowErrs []RowError, err error) {
	raw, err := readAllLimited(r, maxBytes)
	if err != nil {
		return Table{}, nil, fmt.Errorf("tabular: read xlsx: %w", err)
	}
	limit, err := checkZip(raw, maxBytes)
	if err != nil {
		return Table{}, nil, fmt.Errorf("tabular: read xlsx: %w", err)
	}
	// The file comes from a user: a panic in the parser on a crafted
	// workbook must become an error, not take the server down.
	defer func() {
		if p := recover(); p != nil {
			t, rowErrs = Table{}, nil
			err = fmt.Errorf("tabular: read xlsx: damaged workbook (%v): %w", p, ErrNotXLSX)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(raw), excelize.Options{
		UnzipSizeLimit:    limit,
		UnzipXMLSizeLimit: limit, // keep every part in memory: no temporary files
	})
	if err != nil {
		return Table{}, nil, fmt.Errorf("tabular: read xlsx: %v: %w", err, ErrNotXLSX)
	}
	defer f.Close()

	sheets := f.GetSheetList()
	switch {
	case len(sheets) == 0:
		return Table{}, nil, fmt.Errorf("tabular: read xlsx: no sheet: %w", ErrNotXLSX)
	case sheet == "":
		sheet = sheets[0]
	default:
		found := false
		for _, s := range sheets {
			if strings.EqualFold(s, sheet) {
				sheet, found = s, true
				break
			}
		}
		if !found {
			return Table{}, nil, fmt.Errorf("tabular: read xlsx: sheet %q: %w", sheet, ErrSheetNotFound)
		}
	}
	if err := displayPlainly(f); err != nil {
		return Table{}, nil, fmt.Errorf("tabular: read xlsx: styles: %v: %w", err, ErrNotXLSX)
	}
	t, rowErrs, err = readSheet(f, sheet)
	if err != nil {
		return Table{}, nil, fmt.Errorf("tabular: read xlsx: sheet %q: %w", sheet, err)
	}
	return t, rowErrs, nil
}

// readAllLimited reads r whole, failing with ErrTooLarge past maxBytes.
func readAllLimited(r io.Reader, maxBytes int64) ([]byte, error) {
	if maxBytes > 0 {
		r = io.LimitReader(r, maxBytes+1)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if maxBytes > 0 && int64(len(raw)) > maxBytes {
		return nil, fmt.Errorf("over %d bytes: %w", maxBytes, ErrTooLarge)
	}
	return raw, nil
}

// checkZip tells an XLSX from other files before excelize sees it, and
// returns how many bytes its parts may unpack to. archive/zip fails a part
// that unpacks to more than its declared size, so the declared sizes are a
// sound bound.
func checkZip(raw []byte, maxBytes int64) (int64, error) {
	if bytes.HasPrefix(raw, oleMagic) {
		return 0, fmt.Errorf("an old .xls or a password-protected workbook: %w", ErrNotXLSX)
	}
	if !bytes.HasPrefix(raw, zipMagic) {
		return 0, ErrNotXLSX
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return 0, fmt.Errorf("damaged zip (%v): %w", err, ErrNotXLSX)
	}
	limit := int64(maxUnzipLimit)
	if maxBytes > 0 {
		limit = min(max(maxBytes*unzipRatio, minUnzipLimit), maxUnzipLimit)
	}
	var total uint64
	workbook := false
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(limit) {
			return 0, fmt.Errorf("unpacks to over %d bytes: %w", limit, ErrTooLarge)
		}
		if strings.EqualFold(path.Ext(zf.Name), ".xml") && strings.HasPrefix(strings.ToLower(zf.Name), "xl/workbook") {
			workbook = true
		}
	}
	if !workbook {
		return 0, fmt.Errorf("a zip file without a workbook: %w", ErrNotXLSX)
	}
	return limit, nil
}

// readSheet streams the sheet's rows into a Table.
func readSheet(f *excelize.File, sheet string) (Table, []RowError, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return Table{}, nil, err
	}
	defer rows.Close()

	var t Table
	var rowErrs []RowError
	cellCount := 0
	// The iterator yields every row number in turn, gaps included, so
	// counting calls to Next gives the sheet's row number.
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns()
		if err != nil {
			if t.Header == nil {
				return Table{}, nil, fmt.Errorf("line %d: %v: %w", line, err, ErrNotXLSX)
			}
			rowErrs = append(rowErrs, RowError{Line: line, Err: err})
			continue
		}
		cellCount += len(cells)
		if cellCount > maxCells {
			return Table{}, nil, fmt.Errorf("over %d cells: %w", maxCells, ErrTooLarge)
		}
		if blank(cells) {
			continue
		}
		if t.Header == nil {
			header := make([]string, len(cells))
			for i, c := range cells {
				header[i] = strings.TrimSpace(c)
			}
			t.Header = header
			continue
		}
		n := len(t.Header)
		if len(cells) > n {
			if !blank(cells[n:]) {
				rowErrs = append(rowErrs, RowError{Line: line,
					Err: fmt.Errorf("%d cells for %d columns: %w", len(cells), n, ErrTooManyCells)})
				continue
			}
			cells = cells[:n]
		}
		row := make([]string, n)
		copy(row, cells)
		t.Rows = append(t.Rows, Row{Line: line, Cells: row})
	}
	if err := rows.Error(); err != nil {
		return Table{}, nil, fmt.Errorf("%v: %w", err, ErrNotXLSX)
	}
	if t.Header == nil {
		return Table{}, nil, ErrNoHeader
	}
	return t, rowErrs, nil
}

// Read reads a spreadsheet upload, XLSX or CSV. The content decides when it
// can: a zip archive goes to ReadXLSX. Otherwise a name ending in .xlsx,
// .xlsm or .xls gets ReadXLSX's ErrNotXLSX, and anything else is read as CSV.
func Read(name string, r io.Reader, maxBytes int64) (Table, []RowError, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(len(oleMagic))
	if err != nil && !errors.Is(err, io.EOF) {
		return Table{}, nil, fmt.Errorf("tabular: read %q: %w", name, err)
	}
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/")))
	if bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, oleMagic) {
		return ReadXLSX(br, maxBytes)
	}
	switch ext {
	case ".xlsx", ".xlsm", ".xls", ".xltx":
		return ReadXLSX(br, maxBytes)
	}
	return ReadCSV(br, maxBytes)
}

// How a number format shows a cell, for displayPlainly.
type numFmtKind int

const (
	fmtGeneral     numFmtKind = iota // any number format: shown plainly
	fmtKeep                          // text, percent, elapsed time: shown as the workbook says
	fmtDate                          // 2024-01-15
	fmtDateTime                      // 2024-01-15 14:30
	fmtDateTimeSec                   // 2024-01-15 14:30:05
	fmtTime                          // 14:30
	fmtTimeSec                       // 14:30:05
)

// isoCodes are the format codes displayPlainly puts in place of the
// workbook's date and time formats.
var isoCodes = map[numFmtKind]string{
	fmtDate:        "yyyy-mm-dd",
	fmtDateTime:    "yyyy-mm-dd hh:mm",
	fmtDateTimeSec: "yyyy-mm-dd hh:mm:ss",
	fmtTime:        "hh:mm",
	fmtTimeSec:     "hh:mm:ss",
}

// builtInKinds classes Excel's built-in formats (ECMA-376 §18.8.30, plus
// the East Asian date ids); the ids not listed are number formats.
var builtInKinds = map[int]numFmtKind{
	9: fmtKeep, 10: fmtKeep, 46: fmtKeep, 47: fmtKeep, 49: fmtKeep,
	14: fmtDate, 15: fmtDate, 16: fmtDate, 17: fmtDate, 27: fmtDate, 28: fmtDate,
	29: fmtDate, 30: fmtDate, 31: fmtDate, 36: fmtDate, 50: fmtDate, 51: fmtDate,
	52: fmtDate, 53: fmtDate, 54: fmtDate, 55: fmtDate, 56: fmtDate, 57: fmtDate, 58: fmtDate,
	22: fmtDateTime,
	18: fmtTime, 20: fmtTime, 32: fmtTime, 34: fmtTime,
	19: fmtTimeSec, 21: fmtTimeSec, 33: fmtTimeSec, 35: fmtTimeSec, 45: fmtTimeSec,
}

// displayPlainly rewrites the workbook's cell formats, in memory, so that
// excelize's formatted values are the text ReadXLSX promises: date formats
// become ISO ones, number formats become General (no thousands separator,
// no currency, full precision), percent and text formats stay. excelize
// streams rows without their styles, so the formats are the only handle.
func displayPlainly(f *excelize.File) error {
	ss := f.Styles
	if ss == nil || ss.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	if ss.NumFmts != nil {
		for _, nf := range ss.NumFmts.NumFmt {
			if nf == nil {
				continue
			}
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16
			}
			custom[nf.NumFmtID] = code
		}
	}
	n := len(ss.CellXfs.Xf)
	kinds := make([]numFmtKind, n)
	for i := range n {
		id := 0
		if p := ss.CellXfs.Xf[i].NumFmtID; p != nil {
			id = *p
		}
		if code, ok := custom[id]; ok {
			kinds[i] = codeKind(code)
		} else {
			kinds[i] = builtInKinds[id]
		}
	}
	// NewStyle registers each ISO code and tells its format id; the new
	// styles it appends are never used by any cell.
	isoIDs := map[numFmtKind]int{}
	general := 0
	for i, k := range kinds {
		switch k {
		case fmtKeep:
			continue
		case fmtGeneral:
			ss.CellXfs.Xf[i].NumFmtID = &general
			continue
		}
		id, ok := isoIDs[k]
		if !ok {
			code := isoCodes[k]
			style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
			if err != nil {
				return err
			}
			p := ss.CellXfs.Xf[style].NumFmtID
			if p == nil {
				return fmt.Errorf("format %q not registered", code)
			}
			id = *p
			isoIDs[k] = id
		}
		ss.CellXfs.Xf[i].NumFmtID = &id
	}
	return nil
}

// codeKind classes a custom format code by the tokens of its first section
// outside quoted text, escapes, fills and [brackets].
func codeKind(code string) numFmtKind {
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case c == '"':
			inQuote = true
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal, a space width or a fill
		case c == '[':
			end := strings.IndexByte(code[i:], ']')
			if end < 0 {
				return fmtKeep
			}
			switch strings.ToLower(code[i+1 : i+end]) {
			case "h", "hh", "m", "mm", "s", "ss":
				return fmtKeep // elapsed time, not a time of day
			}
			i += end
		case c == ';':
			i = len(code)
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	s := b.String()
	if strings.Contains(s, "general") {
		return fmtGeneral
	}
	if strings.Contains(s, "@") || strings.Contains(s, "%") {
		return fmtKeep
	}
	s = strings.NewReplacer("am/pm", "", "a/p", "").Replace(s)
	hasY, hasD := strings.Contains(s, "y"), strings.Contains(s, "d")
	hasH, hasS, hasM := strings.Contains(s, "h"), strings.Contains(s, "s"), strings.Contains(s, "m")
	isTime := hasH || hasS
	isDate := hasY || hasD || (hasM && !isTime)
	switch {
	case isDate && isTime && hasS:
		return fmtDateTimeSec
	case isDate && isTime:
		return fmtDateTime
	case isDate:
		return fmtDate
	case hasS:
		return fmtTimeSec
	case isTime:
		return fmtTime
	}
	return fmtGeneral
}
