package types

import (
	"errors"
	"testing"

	"github.com/landsea/corridor/x/base"
)

// TestContainerCheckDigit: ISO 6346's textbook example and the DCSA
// fixtures' containers pass; a wrong check digit or form is refused.
func TestContainerCheckDigit(t *testing.T) {
	for _, ok := range []string{"CSQU3054383", "NARU3472484", "KKFU6671914", "BGLU2026110"} {
		if err := ValidateContainerNumber("c", ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"CSQU3054384", "CSQU305438", "csqu3054383", "CSQ13054383"} {
		if err := ValidateContainerNumber("c", bad); !errors.Is(err, base.ErrInvalidMsg) {
			t.Errorf("%s accepted (%v)", bad, err)
		}
	}
}

// TestFormats: UN/LOCODE form, decimals without exponents, HS code lengths.
func TestFormats(t *testing.T) {
	for s, want := range map[string]bool{"CNCQI": true, "THLCH": true, "LABTN": true, "CN1Q2": true, "CNCQ": false, "cncqi": false, "CN-CQI": false} {
		if got := ValidateLocode("f", s) == nil; got != want {
			t.Errorf("locode %q: %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"12000": true, "-18": true, "8875.5": true, "0.000001": true, "1e3": false, "1.": false, ".5": false, "": false, "1.0000001": false} {
		if got := validateDecimal("f", s) == nil; got != want {
			t.Errorf("decimal %q: %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"847130": true, "04052090": true, "8471300000": true, "8471": false, "8471301": false, "84713a": false} {
		if got := hsPattern.MatchString(s); got != want {
			t.Errorf("hs %q: %v, want %v", s, got, want)
		}
	}
}

// TestRec24Codes: every leg event type has a code, and the codes differ.
func TestRec24Codes(t *testing.T) {
	seen := map[string]LegEventType{}
	for v := range LegEventType_name {
		typ := LegEventType(v)
		code := Rec24Code(typ)
		if typ == LegEventType_LEG_EVENT_TYPE_UNSPECIFIED {
			if code != "" {
				t.Errorf("unspecified has code %q", code)
			}
			continue
		}
		if code == "" {
			t.Errorf("%v has no Rec 24 code", typ)
		}
		if other, dup := seen[code]; dup {
			t.Errorf("%v and %v share code %s", typ, other, code)
		}
		seen[code] = typ
	}
}
