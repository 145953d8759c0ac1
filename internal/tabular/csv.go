// Package tabular reads spreadsheets as French users produce them for
// imports: CSV files from Excel in Windows-1252 or UTF-8 with a BOM,
// semicolon separators, decimal commas, day-first dates.
package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Errors returned by ReadCSV, for the importer to turn into messages.
var (
	// ErrTooLarge: the file is over the size limit.
	ErrTooLarge = errors.New("file too large")
	// ErrNoHeader: the file holds no header row.
	ErrNoHeader = errors.New("no header row")
	// ErrTooManyCells: a row has more non-empty cells than the header.
	ErrTooManyCells = errors.New("more cells than header columns")
	// ErrUnterminatedQuote: a quoted field runs to the end of the file.
	ErrUnterminatedQuote = errors.New("quoted field not closed")
)

// Table is a header row plus data rows.
type Table struct {
	Header []string
	Rows   []Row
}

// Row is one data row. Line is the 1-based line number in the file where the
// row starts (for "line 12: invalid SIRET" reports); Cells has exactly as many
// cells as the header.
type Row struct {
	Line  int
	Cells []string
}

// RowError is a problem with one row; the other rows are still read.
type RowError struct {
	Line int
	Err  error
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the underlying error, for errors.Is.
func (e RowError) Unwrap() error { return e.Err }

// ReadCSV reads a CSV file of at most maxBytes bytes (no limit when maxBytes
// <= 0). It decodes UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's
// "Unicode text") and otherwise Windows-1252; sniffs the separator among ';',
// ',' and tab from the header line, unless the first line is Excel's "sep=;"
// hint; and accepts quoted fields with separators, newlines and doubled
// quotes, CRLF or LF line ends. Blank rows (every cell empty) are skipped.
// Rows shorter than the header are padded with ""; surplus empty cells (the
// trailing ";;" Excel leaves) are dropped; a row with surplus non-empty cells
// is left out and reported as a RowError. Header cells are trimmed.
func ReadCSV(r io.Reader, maxBytes int64) (Table, []RowError, error) {
	if maxBytes > 0 {
		r = io.LimitReader(r, maxBytes+1)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return Table{}, nil, fmt.Errorf("tabular: read csv: %w", err)
	}
	if maxBytes > 0 && int64(len(raw)) > maxBytes {
		return Table{}, nil, fmt.Errorf("tabular: read csv: over %d bytes: %w", maxBytes, ErrTooLarge)
	}
	text := decode(raw)

	line := 1
	sep, hasHint := sepHint(text)
	if hasHint {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			text = ""
		} else {
			text = text[i+1:]
		}
		line = 2
	} else {
		sep = sniff(text)
	}

	p := parser{text: text, sep: sep, line: line}
	var t Table
	var rowErrs []RowError
	for {
		start, cells, err := p.next()
		if err != nil {
			if t.Header == nil {
				return Table{}, nil, fmt.Errorf("tabular: read csv: line %d: %w", start, err)
			}
			rowErrs = append(rowErrs, RowError{Line: start, Err: err})
			break
		}
		if cells == nil {
			break
		}
		if blank(cells) {
			continue
		}
		if t.Header == nil {
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			t.Header = cells
			continue
		}
		n := len(t.Header)
		if len(cells) > n {
			if !blank(cells[n:]) {
				rowErrs = append(rowErrs, RowError{Line: start,
					Err: fmt.Errorf("%d cells for %d columns: %w", len(cells), n, ErrTooManyCells)})
				continue
			}
			cells = cells[:n]
		}
		for len(cells) < n {
			cells = append(cells, "")
		}
		t.Rows = append(t.Rows, Row{Line: start, Cells: cells})
	}
	if t.Header == nil {
		return Table{}, nil, fmt.Errorf("tabular: read csv: %w", ErrNoHeader)
	}
	return t, rowErrs, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// decode turns the file's bytes into UTF-8 text.
func decode(raw []byte) string {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		raw = raw[3:]
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		return decodeUTF16(raw[2:], false)
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		return decodeUTF16(raw[2:], true)
	}
	if utf8.Valid(raw) {
		return string(raw)
	}
	return decodeWindows1252(raw)
}

func decodeUTF16(raw []byte, bigEndian bool) string {
	u := make([]uint16, 0, len(raw)/2)
	for i := 0; i+1 < len(raw); i += 2 {
		if bigEndian {
			u = append(u, uint16(raw[i])<<8|uint16(raw[i+1]))
		} else {
			u = append(u, uint16(raw[i+1])<<8|uint16(raw[i]))
		}
	}
	return string(utf16.Decode(u))
}

// cp1252 maps bytes 0x80–0x9F of Windows-1252; the five unassigned bytes keep
// their C1 code points. The other bytes are the same as Latin-1.
var cp1252 = [32]rune{
	'\u20ac', '\u0081', '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021',
	'\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008d', '\u017d', '\u008f',
	'\u0090', '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014',
	'\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', '\u009d', '\u017e', '\u0178',
}

func decodeWindows1252(raw []byte) string {
	var b strings.Builder
	b.Grow(len(raw) + len(raw)/8)
	for _, c := range raw {
		switch {
		case c < 0x80:
			b.WriteByte(c)
		case c < 0xA0:
			b.WriteRune(cp1252[c-0x80])
		default:
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

// sepHint reads Excel's "sep=X" first line.
func sepHint(text string) (byte, bool) {
	first, _, _ := strings.Cut(text, "\n")
	first = strings.TrimRight(first, "\r")
	if len(first) == 5 && strings.EqualFold(first[:4], "sep=") {
		return first[4], first[4] != '"' && first[4] != '\r'
	}
	return 0, false
}

// sniff picks the separator most frequent outside quotes on the first
// non-blank line; ties and lines without any go to ';', Excel's French choice.
func sniff(text string) byte {
	counts := map[byte]int{}
	inQuotes, seen := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '"':
			inQuotes = !inQuotes
		case inQuotes:
		case c == '\n' || c == '\r':
			if seen {
				return mostFrequent(counts)
			}
		case c == ';' || c == ',' || c == '\t':
			counts[c]++
			seen = true
		case c != ' ':
			seen = true
		}
	}
	return mostFrequent(counts)
}

func mostFrequent(counts map[byte]int) byte {
	best := byte(';')
	for _, c := range []byte{'\t', ','} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// parser splits decoded text into records, counting physical lines.
type parser struct {
	text string
	pos  int
	sep  byte
	line int
}

// next returns the next record and the line it starts on; nil cells at the
// end of the text. Empty lines come back as one empty cell.
func (p *parser) next() (int, []string, error) {
	if p.pos >= len(p.text) {
		return p.line, nil, nil
	}
	start := p.line
	var cells []string
	var b strings.Builder
	for {
		b.Reset()
		if p.pos < len(p.text) && p.text[p.pos] == '"' {
			p.pos++
			closed := false
			for p.pos < len(p.text) {
				c := p.text[p.pos]
				p.pos++
				if c == '"' {
					if p.pos < len(p.text) && p.text[p.pos] == '"' {
						b.WriteByte('"')
						p.pos++
						continue
					}
					closed = true
					break
				}
				if c == '\r' && p.pos < len(p.text) && p.text[p.pos] == '\n' {
					continue // keep embedded line ends as LF
				}
				if c == '\n' || c == '\r' {
					p.line++
					c = '\n'
				}
				b.WriteByte(c)
			}
			if !closed {
				return start, nil, ErrUnterminatedQuote
			}
		}
		// Unquoted text, or stray text after a closing quote, runs to the
		// next separator or line end.
		for p.pos < len(p.text) {
			c := p.text[p.pos]
			if c == p.sep || c == '\n' || c == '\r' {
				break
			}
			b.WriteByte(c)
			p.pos++
		}
		cells = append(cells, b.String())
		if p.pos >= len(p.text) {
			return start, cells, nil
		}
		c := p.text[p.pos]
		p.pos++
		if c == p.sep {
			continue
		}
		if c == '\r' && p.pos < len(p.text) && p.text[p.pos] == '\n' {
			p.pos++
		}
		p.line++
		return start, cells, nil
	}
}
