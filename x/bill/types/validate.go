package types

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/landsea/corridor/x/base"
	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

var (
	numberPattern    = regexp.MustCompile(`^[A-Z0-9][A-Z0-9._/-]*$`)
	locodePattern    = regexp.MustCompile(`^[A-Z]{2}[A-Z0-9]{3}$`)
	hsPattern        = regexp.MustCompile(`^([0-9]{2}){3,5}$`)
	decimalPattern   = regexp.MustCompile(`^-?[0-9]{1,18}(\.[0-9]{1,6})?$`)
	containerPattern = regexp.MustCompile(`^[A-Z]{4}[0-9]{7}$`)
	isoTypePattern   = regexp.MustCompile(`^[0-9A-Z]{4}$`)
	currencyPattern  = regexp.MustCompile(`^[A-Z]{3}$`)
	countryPattern   = regexp.MustCompile(`^[A-Z]{2}$`)
	codePattern      = regexp.MustCompile(`^[A-Za-z0-9]{1,35}$`)
	declIDPattern    = regexp.MustCompile(`^[A-Za-z0-9._:/-]{1,64}$`)
)

// ValidateNumber checks a bill number: 1–40 characters of A–Z, 0–9, '.',
// '_', '/' or '-', starting with a letter or digit. Upper case only, so
// that two numbers never differ by case alone.
func ValidateNumber(field, n string) error {
	if len(n) == 0 || len(n) > NumberBytesMax || !numberPattern.MatchString(n) {
		return base.ErrInvalidMsg.Wrapf("%s: %q must be 1-%d characters of A-Z, 0-9, '.', '_', '/' or '-', starting with a letter or digit", field, n, NumberBytesMax)
	}
	return nil
}

// ValidateLocode checks a UN/LOCODE's form: two letters (the country) and
// three letters or digits (the place), e.g. CNCQI.
func ValidateLocode(field, s string) error {
	return base.Require(locodePattern.MatchString(s), field,
		"%q is not a UN/LOCODE (2 letters for the country and 3 letters or digits for the place, e.g. CNCQI)", s)
}

// ValidateMemberID checks a member id (the membership module's rule).
func ValidateMemberID(field, id string) error { return membershiptypes.ValidateID(field, id) }

// validateText checks free text: valid UTF-8, at most max bytes, no control
// characters unless multiline allows line breaks and tabs.
func validateText(field, s string, max int, multiline bool) error {
	if len(s) > max {
		return base.ErrInvalidMsg.Wrapf("%s: %d bytes, at most %d", field, len(s), max)
	}
	if !utf8.ValidString(s) {
		return base.ErrInvalidMsg.Wrapf("%s: not valid UTF-8", field)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return base.ErrInvalidMsg.Wrapf("%s: contains control character %U", field, r)
		}
	}
	return nil
}

// validateRequiredText is validateText for a field that must not be blank.
func validateRequiredText(field, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return base.ErrInvalidMsg.Wrapf("%s: required", field)
	}
	return validateText(field, s, max, false)
}

// validateDate checks an optional calendar date, YYYY-MM-DD.
func validateDate(field, s string) error {
	if s == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return base.ErrInvalidMsg.Wrapf("%s: %q is not a date YYYY-MM-DD", field, s)
	}
	return nil
}

// validateCode checks an optional short code (1–35 letters or digits).
func validateCode(field, s string) error {
	if s == "" {
		return nil
	}
	return base.Require(codePattern.MatchString(s), field, "%q must be 1-35 letters or digits", s)
}

// validateDecimal checks a decimal string: optional minus, 1–18 digits,
// optional fraction of 1–6 digits. Never a float.
func validateDecimal(field, s string) error {
	return base.Require(decimalPattern.MatchString(s), field,
		"%q is not a decimal number (digits, optionally '-' and up to 6 decimals)", s)
}

// ValidateContainerNumber checks an ISO 6346 container number, including
// its check digit.
func ValidateContainerNumber(field, s string) error {
	if !containerPattern.MatchString(s) {
		return base.ErrInvalidMsg.Wrapf("%s: %q is not an ISO 6346 container number (4 letters, 7 digits)", field, s)
	}
	if d := iso6346CheckDigit(s[:10]); d != int(s[10]-'0') {
		return base.ErrInvalidMsg.Wrapf("%s: %q has check digit %c, ISO 6346 gives %d", field, s, s[10], d)
	}
	return nil
}

// iso6346CheckDigit computes the check digit of owner code, category and
// serial number (10 characters): letters count 10–38 skipping multiples of
// 11, each position weighs 2^i, the sum mod 11 mod 10 is the digit.
func iso6346CheckDigit(s string) int {
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = 10 + int(c-'A')
			v += (v - 1) / 10 // skip 11, 22, 33
		}
		sum += v << i
	}
	return sum % 11 % 10
}

func countLimit(field string, n, max int) error {
	if n > max {
		return base.ErrLimitExceeded.Wrapf("%s: %d entries, at most %d", field, n, max)
	}
	return nil
}
