package siren

import (
	"strconv"
	"testing"
)

// withCheckDigit appends the Luhn check digit to body, computed independently
// of the package's luhn function.
func withCheckDigit(body string) string {
	for d := 0; d <= 9; d++ {
		s := body + strconv.Itoa(d)
		sum := 0
		for i, pos := len(s)-1, 0; i >= 0; i, pos = i-1, pos+1 {
			v := int(s[i] - '0')
			if pos%2 == 1 {
				v = v * 2
				v = v/10 + v%10
			}
			sum += v
		}
		if sum%10 == 0 {
			return s
		}
	}
	panic("unreachable")
}

func TestValidSIRENAcceptsLuhnValidNumbers(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"732829320", true}, // well-known public test SIREN
		{"552100554", true}, // Renault SA (published)
		{"356000000", true}, // La Poste
		{withCheckDigit("12345678"), true},
		{withCheckDigit("90000001"), true},
		{"732829321", false}, // wrong check digit
		{"73282932", false},  // too short
		{"7328293200", false},
		{"732 829 320", false}, // not normalised
		{"73282932a", false},
		{"", false},
		{"７32829320", false}, // full-width digit
	}
	for _, c := range cases {
		if got := ValidSIREN(c.in); got != c.want {
			t.Errorf("ValidSIREN(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestValidSIRETAcceptsLuhnValidNumbersAndLaPoste(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"73282932000074", true}, // well-known public test SIRET
		{withCheckDigit("7328293200001"), true},
		{withCheckDigit("5521005540002"), true},
		{"35600000000048", true}, // La Poste head office, Luhn-valid
		{"35600000049837", true}, // La Poste establishment: digit sum 45, not Luhn
		{"35600000000010", true}, // La Poste establishment: digit sum 15, not Luhn
		{"35600000000011", false},
		{"35600000049838", false},
		{"73282932000075", false},
		{"7328293200007", false},
		{"732829320000740", false},
		{"7328293200007a", false},
		{"732 829 320 00074", false},
		{"", false},
	}
	for _, c := range cases {
		if got := ValidSIRET(c.in); got != c.want {
			t.Errorf("ValidSIRET(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func sumOf(s string) int {
	n := 0
	for _, r := range s {
		n += int(r - '0')
	}
	return n
}

func TestLaPosteRuleAppliesOnlyToLaPoste(t *testing.T) {
	// Same digit-sum trick on another SIREN must not pass unless Luhn holds.
	s := "73282932000004" // digit sum 40, not Luhn-valid
	if sumOf(s)%5 != 0 || withCheckDigit(s[:13]) == s {
		t.Fatalf("test data: digit sum of %s is %d", s, sumOf(s))
	}
	if ValidSIRET(s) {
		t.Errorf("ValidSIRET(%q) = true, want false: the digit-sum rule is La Poste's only", s)
	}
}

func TestNormalizeStripsSeparators(t *testing.T) {
	cases := map[string]string{
		"732 829 320":           "732829320",
		"732.829.320":           "732829320",
		"732-829-320":           "732829320",
		"732\u00a0829\u202f320": "732829320",
		"732 829 320 00074":     "73282932000074",
		" 732829320\t":          "732829320",
		"FR732829320":           "FR732829320",
	}
	for in, want := range cases {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSIRENOfTakesTheFirstNineDigits(t *testing.T) {
	cases := map[string]string{
		"73282932000074":    "732829320",
		"732 829 320 00074": "732829320",
		"732829320":         "",
		"abc":               "",
	}
	for in, want := range cases {
		if got := SIRENOf(in); got != want {
			t.Errorf("SIRENOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzValidSIRET(f *testing.F) {
	for _, s := range []string{"73282932000074", "35600000049837", "", "732 829 320", "\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if ValidSIRET(s) && (len(s) != 14 || !allDigits(s)) {
			t.Fatalf("ValidSIRET(%q) true but not 14 digits", s)
		}
		if ValidSIREN(s) && (len(s) != 9 || !allDigits(s)) {
			t.Fatalf("ValidSIREN(%q) true but not 9 digits", s)
		}
		// The SIRET check does not make the SIREN part Luhn-valid, so only
		// require that SIRENOf returns its first 9 digits.
		if ValidSIRET(n) && SIRENOf(s) != n[:9] {
			t.Fatalf("SIRENOf(%q) = %q, want %q", s, SIRENOf(s), n[:9])
		}
	})
}
