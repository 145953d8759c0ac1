package tabular

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Errors returned by ParseDecimal and ParseDate.
var (
	// ErrDecimal: the cell is not a number.
	ErrDecimal = errors.New("not a number")
	// ErrDate: the cell is not a date.
	ErrDate = errors.New("not a date")
)

// ParseDecimal reads a number as French Excel writes it, or as English
// software does: "1 234,5", "1234.5", "1.234,50", "1,234.50", "1 234,50 €",
// "12,5 %" (gives 12.5: the percent sign is dropped, not applied), "-3",
// "1,5E+10", with spaces, non-breaking spaces and narrow no-break spaces as
// thousands separators. With one kind of mark, a single one is the decimal
// mark and repeated ones are thousands separators; with both, the last is the
// decimal mark. Empty input is an error.
func ParseDecimal(s string) (float64, error) {
	fail := func() (float64, error) {
		return 0, fmt.Errorf("tabular: parse decimal %q: %w", s, ErrDecimal)
	}
	t := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\u00a0', '\u202f', '\u2009', '\'', '\u2019':
			return -1
		case '\u2212':
			return '-'
		}
		return r
	}, s)
	t = strings.TrimPrefix(strings.TrimSuffix(t, "€"), "€")
	t = strings.TrimSuffix(t, "%")
	t = strings.TrimSuffix(strings.TrimSuffix(t, "EUR"), "eur")

	mant, exp := t, ""
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		mant, exp = t[:i], t[i+1:]
		if !validExponent(exp) {
			return fail()
		}
	}
	sign := ""
	if strings.HasPrefix(mant, "-") || strings.HasPrefix(mant, "+") {
		sign, mant = mant[:1], mant[1:]
	}
	commas, dots := strings.Count(mant, ","), strings.Count(mant, ".")
	var decimal byte
	switch {
	case commas > 0 && dots > 0:
		decimal = mant[strings.LastIndexAny(mant, ",.")]
	case commas == 1:
		decimal = ','
	case dots == 1:
		decimal = '.'
	}
	if !thousandsGrouped(mant, decimal) {
		return fail()
	}
	var b strings.Builder
	b.WriteString(sign)
	digits, decimals := 0, 0
	for i := 0; i < len(mant); i++ {
		c := mant[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
			digits++
		case c == decimal:
			if decimals++; decimals > 1 {
				return fail()
			}
			b.WriteByte('.')
		case c == ',' || c == '.':
			// thousands separator
		default:
			return fail()
		}
	}
	if digits == 0 {
		return fail()
	}
	if exp != "" {
		b.WriteString("e" + exp)
	}
	f, err := strconv.ParseFloat(b.String(), 64)
	if err != nil || math.IsInf(f, 0) {
		return fail()
	}
	return f, nil
}

// thousandsGrouped reports whether the integer part of mant, when it holds
// thousands marks, has groups of three digits after the first ("1.234.567"
// yes, "1.5.6" no).
func thousandsGrouped(mant string, decimal byte) bool {
	intPart := mant
	if decimal != 0 {
		intPart = mant[:strings.IndexByte(mant, decimal)]
	}
	groups := strings.FieldsFunc(intPart, func(r rune) bool { return r == ',' || r == '.' })
	if len(groups) <= 1 {
		return strings.Count(intPart, ",")+strings.Count(intPart, ".") == 0
	}
	if strings.Count(intPart, ",")+strings.Count(intPart, ".") != len(groups)-1 {
		return false
	}
	for i, g := range groups {
		if len(g) > 3 || (i > 0 && len(g) != 3) {
			return false
		}
	}
	return true
}

func validExponent(e string) bool {
	e = strings.TrimLeft(e, "+-")
	if e == "" || len(e) > 3 {
		return false
	}
	for i := 0; i < len(e); i++ {
		if e[i] < '0' || e[i] > '9' {
			return false
		}
	}
	return true
}

// excelEpoch is day 0 of Excel's 1900 date system, shifted by its fictitious
// 29 February 1900 so that serials from 61 on (1 March 1900) come out right.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// ParseDate reads a date as it appears in French spreadsheets, at midnight
// UTC: "30/06/2027" (also with '-' or '.'), "30/06/27" (two-digit years 00–69
// are 20xx, 70–99 are 19xx), "2027-06-30", "20270630", and Excel serial
// numbers ("46568", possibly with a fraction) counted from 1899-12-30. A time
// of day after a space or 'T' ("30/06/2027 14:00") is ignored.
func ParseDate(s string) (time.Time, error) {
	fail := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("tabular: parse date %q: %w", s, ErrDate)
	}
	t := strings.TrimSpace(s)
	if i := strings.IndexAny(t, " T"); i > 0 {
		if !isTimeOfDay(strings.TrimSpace(t[i+1:])) {
			return fail()
		}
		t = t[:i]
	}
	if t == "" {
		return fail()
	}
	if isDigits(t) || serialWithFraction(t) {
		whole, _, _ := strings.Cut(strings.ReplaceAll(t, ",", "."), ".")
		if len(whole) == 8 {
			y, _ := strconv.Atoi(whole[:4])
			m, _ := strconv.Atoi(whole[4:6])
			d, _ := strconv.Atoi(whole[6:])
			if tm, ok := makeDate(y, m, d); ok {
				return tm, nil
			}
			return fail()
		}
		n, err := strconv.Atoi(whole)
		if err != nil || n < 1 || n > 2958465 || len(whole) > 7 { // 9999-12-31
			return fail()
		}
		return excelEpoch.AddDate(0, 0, n), nil
	}
	var sep string
	for _, c := range []string{"/", "-", "."} {
		if strings.Count(t, c) == 2 {
			sep = c
			break
		}
	}
	if sep == "" {
		return fail()
	}
	parts := strings.Split(t, sep)
	for _, p := range parts {
		if !isDigits(p) || len(p) > 4 {
			return fail()
		}
	}
	var y, m, d int
	if len(parts[0]) == 4 { // ISO order
		if len(parts[2]) > 2 {
			return fail()
		}
		y, _ = strconv.Atoi(parts[0])
		m, _ = strconv.Atoi(parts[1])
		d, _ = strconv.Atoi(parts[2])
	} else {
		if len(parts[0]) > 2 || len(parts[1]) > 2 || (len(parts[2]) != 2 && len(parts[2]) != 4) {
			return fail()
		}
		d, _ = strconv.Atoi(parts[0])
		m, _ = strconv.Atoi(parts[1])
		y, _ = strconv.Atoi(parts[2])
		if len(parts[2]) == 2 {
			if y < 70 {
				y += 2000
			} else {
				y += 1900
			}
		}
	}
	if tm, ok := makeDate(y, m, d); ok {
		return tm, nil
	}
	return fail()
}

// makeDate builds a date, refusing ones time.Date would normalise (31/02).
func makeDate(y, m, d int) (time.Time, bool) {
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	tm := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return tm, tm.Day() == d
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func serialWithFraction(s string) bool {
	whole, frac, ok := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	return ok && isDigits(whole) && isDigits(frac)
}

func isTimeOfDay(s string) bool {
	for _, layout := range []string{"15:04", "15:04:05", "15:04:05Z07:00", "15:04:05.999999999Z07:00", "15:04:05.999999999"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
