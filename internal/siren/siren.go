// Package siren checks French company identifiers: the SIREN (9 digits,
// one per legal entity) and the SIRET (14 digits, the SIREN followed by a
// 5-digit establishment number). Both carry a Luhn check digit.
package siren

import "strings"

// laPosteSIREN is La Poste's SIREN: its establishments were numbered before
// the Luhn rule applied to SIRETs, so INSEE validates them by digit sum.
const laPosteSIREN = "356000000"

// Normalize removes the spacing and punctuation people put inside numbers
// ("732 829 320", "732.829.320", "732-829-320", non-breaking spaces), so the
// result can be checked with ValidSIREN or ValidSIRET. Other characters are
// kept, so a letter still makes the number invalid.
func Normalize(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '.', '-', '\u00a0', '\u202f', '\u2009', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
			return -1
		}
		return r
	}, s)
}

// ValidSIREN reports whether s is exactly 9 ASCII digits with a valid Luhn
// check digit. It does not normalise: call Normalize first on user input.
func ValidSIREN(s string) bool {
	return len(s) == 9 && allDigits(s) && luhn(s)
}

// ValidSIRET reports whether s is exactly 14 ASCII digits with a valid Luhn
// check digit. La Poste's establishments (SIREN 356000000) are valid when
// their digit sum is a multiple of 5, or when they pass Luhn (the head office,
// 35600000000048). It does not normalise: call Normalize first on user input.
func ValidSIRET(s string) bool {
	if len(s) != 14 || !allDigits(s) {
		return false
	}
	if luhn(s) {
		return true
	}
	return s[:9] == laPosteSIREN && digitSum(s)%5 == 0
}

// SIRENOf returns the SIREN part (the first 9 digits) of a SIRET, after
// normalisation, or "" when the normalised input is not 14 digits.
func SIRENOf(siret string) string {
	s := Normalize(siret)
	if len(s) != 14 || !allDigits(s) {
		return ""
	}
	return s[:9]
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// luhn reports whether the digit string s passes the Luhn check: doubling
// every second digit from the right, the sum is a multiple of 10.
func luhn(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func digitSum(s string) int {
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += int(s[i] - '0')
	}
	return sum
}
