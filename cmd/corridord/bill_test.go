package main

import (
	"strings"
	"testing"
)

// TestMinorUnits: a pledge's amount becomes integer minor units of its
// currency, with the currency's own number of decimals, and anything else is
// refused with a message that says what was wrong.
func TestMinorUnits(t *testing.T) {
	for _, tc := range []struct {
		amount, currency string
		want             int64
	}{
		{"2680000.00", "CNY", 268000000},
		{"2680000", "CNY", 268000000},
		{"2680000.5", "CNY", 268000050},
		{"0.01", "USD", 1},
		{"007.10", "THB", 710},
		{"1500000", "JPY", 1500000},
		{"12.345", "KWD", 12345},
		{"12.3", "BHD", 12300},
		{"92233720368547758.07", "CNY", 9223372036854775807},
	} {
		got, err := minorUnits(tc.amount, tc.currency)
		if err != nil || got != tc.want {
			t.Errorf("minorUnits(%q, %s) = %d, %v; want %d", tc.amount, tc.currency, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ amount, currency, says string }{
		{"", "CNY", "at most 2 decimals"},
		{".50", "CNY", "at most 2 decimals"},
		{"10.005", "CNY", "at most 2 decimals for CNY"},
		{"100.5", "JPY", "at most 0 decimals for JPY"},
		{"1.2345", "KWD", "at most 3 decimals for KWD"},
		{"-100", "CNY", "no sign"},
		{"+100", "CNY", "no sign"},
		{"1e6", "CNY", "digits"},
		{"1,000.00", "CNY", "separators"},
		{" 100", "CNY", "digits"},
		{"1.2.3", "CNY", "digits"},
		{"０.５", "CNY", "digits"}, // full-width digits
		{"92233720368547758.08", "CNY", "more than the ledger can hold"},
	} {
		got, err := minorUnits(tc.amount, tc.currency)
		if err == nil || !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), tc.amount) {
			t.Errorf("minorUnits(%q, %s) = %d, %v; want an error naming the amount and saying %q", tc.amount, tc.currency, got, err, tc.says)
		}
	}
}
