package types

import (
	"math/big"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	for _, c := range []struct {
		in       string
		max      int
		want     string
		wantFail bool
	}{
		{"1250.5", 2, "125050", false},
		{"0", 2, "0", false},
		{"0.01", 2, "1", false},
		{"12", 0, "1200", false},
		{"1.234", 2, "", true},
		{"01", 2, "", true},
		{"-1", 2, "", true},
		{"1e3", 2, "", true},
		{"1.", 2, "", true},
		{".5", 2, "", true},
		{"", 2, "", true},
		{"1234567890123456", 2, "", true},
	} {
		got, err := ParseDecimal(c.in, c.max, 2)
		if c.wantFail {
			if err == nil {
				t.Errorf("ParseDecimal(%q) = %v, want an error", c.in, got)
			}
			continue
		}
		if err != nil || got.String() != c.want {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
}

func TestFormatAndDivide(t *testing.T) {
	if s := FormatDecimal(big.NewInt(5), 4, 4); s != "0.0005" {
		t.Errorf("FormatDecimal = %s", s)
	}
	if s := FormatDecimal(big.NewInt(123400), 4, 2); s != "12.34" {
		t.Errorf("FormatDecimal = %s", s)
	}
	if s := FormatDecimal(big.NewInt(7), 0, 0); s != "7" {
		t.Errorf("FormatDecimal = %s", s)
	}
	// 100.00 / 3 = 33.3333 (half up at 4 decimals); 2/3 = 0.6667.
	q := DivRoundHalfUp(big.NewInt(10000), 2, big.NewInt(3), 0, 4)
	if s := FormatDecimal(q, 4, 4); s != "33.3333" {
		t.Errorf("100/3 = %s", s)
	}
	q = DivRoundHalfUp(big.NewInt(2), 0, big.NewInt(3), 0, 4)
	if s := FormatDecimal(q, 4, 4); s != "0.6667" {
		t.Errorf("2/3 = %s", s)
	}
	if s := ShareRoundHalfUp(big.NewInt(1000), big.NewInt(1), big.NewInt(3)); s.String() != "333" {
		t.Errorf("share = %s", s)
	}
}
