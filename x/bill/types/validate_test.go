package types

import (
	"errors"
	"strings"
	"testing"

	"github.com/landsea/corridor/internal/mdtable"

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

// TestRec24Codes: every leg event type has the UN/CEFACT Recommendation 24
// code the README documents, written out here rather than taken from the
// code under test, and the README's table says the same.
func TestRec24Codes(t *testing.T) {
	want := map[LegEventType]string{
		LegEventType_LEG_EVENT_TYPE_DEPARTED:        "24", // Departed
		LegEventType_LEG_EVENT_TYPE_ARRIVED:         "1",  // Arrived
		LegEventType_LEG_EVENT_TYPE_HANDED_OVER:     "13", // Collected
		LegEventType_LEG_EVENT_TYPE_BORDER_CROSSED:  "16", // Crossed border
		LegEventType_LEG_EVENT_TYPE_CUSTOMS_CLEARED: "12", // Cleared by customs
		LegEventType_LEG_EVENT_TYPE_DELIVERED:       "21", // Delivered
	}
	for v := range LegEventType_name {
		typ := LegEventType(v)
		code := Rec24Code(typ)
		if typ == LegEventType_LEG_EVENT_TYPE_UNSPECIFIED {
			if code != "" {
				t.Errorf("unspecified has code %q", code)
			}
			continue
		}
		w, ok := want[typ]
		if !ok {
			t.Errorf("%v has no documented Rec 24 code", typ)
		}
		if code != w {
			t.Errorf("%v has Rec 24 code %q, documented %q", typ, code, w)
		}
	}
	documented := readmeRec24(t)
	if len(documented) != len(want) {
		t.Errorf("README lists %d leg events, want %d: %v", len(documented), len(want), documented)
	}
	for typ, w := range want {
		name := strings.TrimPrefix(typ.String(), "LEG_EVENT_TYPE_")
		if documented[name] != w {
			t.Errorf("README gives %s code %q, want %q", name, documented[name], w)
		}
	}
}

// readmeRec24 reads the event -> code table of x/bill/README.md.
func readmeRec24(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range mdtable.Rows(t, "../README.md", "| event | UN/CEFACT Rec 24 code |", 3) {
		out[f[0]] = f[1]
	}
	return out
}
