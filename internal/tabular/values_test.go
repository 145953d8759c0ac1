package tabular

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestParseDecimalReadsFrenchAndEnglishNumbers(t *testing.T) {
	cases := map[string]float64{
		"1234":            1234,
		"1234.5":          1234.5,
		"1234,5":          1234.5,
		"1 234,5":         1234.5,
		"1\u00a0234,50":   1234.5,
		"1\u202f234,50 €": 1234.5,
		"1 234,50 €":      1234.5,
		"€12":             12,
		"1 234 EUR":       1234,
		"12,5 %":          12.5,
		"1.234,56":        1234.56,
		"1,234.56":        1234.56,
		"1,234,567":       1234567,
		"1.234.567":       1234567,
		"-3,25":           -3.25,
		"\u22123,25":      -3.25,
		"+7":              7,
		",5":              0.5,
		"0":               0,
		"1,5E+10":         1.5e10,
		"  42  ":          42,
	}
	for in, want := range cases {
		got, err := ParseDecimal(in)
		if err != nil || got != want {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestParseDecimalRefusesWhatIsNotANumber(t *testing.T) {
	for _, in := range []string{"", " ", "abc", "12a", "1,2,3,4.5.6", "1.5.6", "1,,5", "1.234.", "-", "€", "%",
		"NaN", "Inf", "0x10", "1e", "1e99999", "1_000", "12 €€", "1,2.3,4"} {
		if got, err := ParseDecimal(in); !errors.Is(err, ErrDecimal) {
			t.Errorf("ParseDecimal(%q) = %v, %v; want ErrDecimal", in, got, err)
		}
	}
}

func TestParseDateReadsSpreadsheetDates(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	cases := map[string]time.Time{
		"30/06/2027":           day(2027, 6, 30),
		"1/6/2027":             day(2027, 6, 1),
		"30-06-2027":           day(2027, 6, 30),
		"30.06.2027":           day(2027, 6, 30),
		"30/06/27":             day(2027, 6, 30),
		"01/01/95":             day(1995, 1, 1),
		"2027-06-30":           day(2027, 6, 30),
		"2027-6-3":             day(2027, 6, 3),
		"20270630":             day(2027, 6, 30),
		"46568":                day(2027, 6, 30),
		"46568,75":             day(2027, 6, 30),
		"61":                   day(1900, 3, 1),
		"30/06/2027 14:30":     day(2027, 6, 30),
		"2027-06-30T08:00:00Z": day(2027, 6, 30),
		" 29/02/2028 ":         day(2028, 2, 29),
	}
	for in, want := range cases {
		got, err := ParseDate(in)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestParseDateRefusesImpossibleDates(t *testing.T) {
	for _, in := range []string{"", "demain", "31/02/2027", "29/02/2027", "00/01/2027", "30/13/2027", "2027-06",
		"30/06/027", "06/30/2027", "0", "-5", "99999999", "3000000", "30/06/2027 midi", "2027/06/30/1", "1e5"} {
		if got, err := ParseDate(in); !errors.Is(err, ErrDate) {
			t.Errorf("ParseDate(%q) = %v, %v; want ErrDate", in, got, err)
		}
	}
}

func TestSplitListTrimsAndDropsEmpties(t *testing.T) {
	cases := map[string][]string{
		"a | b | c":             {"a", "b", "c"},
		"ISO 13485:2027-06-30|": {"ISO 13485:2027-06-30"},
		" | ":                   nil,
		"":                      nil,
		"seul":                  {"seul"},
		"Stérilisation||Dépôt ": {"Stérilisation", "Dépôt"},
	}
	for in, want := range cases {
		if got := SplitList(in); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitList(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"1 234,50 €", "1,234.5", "12,5 %", "-1e5", ",", "1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseDecimal(s)
		_, _ = ParseDate(s)
	})
}
