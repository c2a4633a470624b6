package types

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// Amounts, weights and quantities are decimal strings everywhere they are
// stored or hashed, never floats. Arithmetic on them (totals, unit prices,
// shares) runs on integers at a fixed scale: a value v with scale s is the
// integer v × 10^s.

// Scales of the ledger's decimal quantities.
const (
	// WeightScale is grams: weights carry at most 3 decimals of a kilogram.
	WeightScale = 3
	// QuantityScale bounds the decimals of a goods quantity.
	QuantityScale = 4
	// MoneyScale is the scale money is computed at; an amount's own
	// decimals are bounded by its currency's minor units (at most 4).
	MoneyScale = 4
	// decimalDigitsMax bounds the integer part of any decimal.
	decimalDigitsMax = 15
)

var decimalPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]+)?$`)

// ParseDecimal reads s as a decimal with at most maxDecimals decimals and
// returns it as an integer at scale (scale >= maxDecimals). The syntax is
// digits with an optional fraction: no sign, no exponent, no leading zeros.
func ParseDecimal(s string, maxDecimals, scale int) (*big.Int, error) {
	if !decimalPattern.MatchString(s) {
		return nil, fmt.Errorf("%q is not a decimal number like 1250.5 (digits, optional '.' and decimals)", s)
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(whole) > decimalDigitsMax {
		return nil, fmt.Errorf("%q has more than %d integer digits", s, decimalDigitsMax)
	}
	if len(frac) > maxDecimals {
		return nil, fmt.Errorf("%q has %d decimals; at most %d are allowed", s, len(frac), maxDecimals)
	}
	v, _ := new(big.Int).SetString(whole+frac+strings.Repeat("0", scale-len(frac)), 10)
	return v, nil
}

// FormatDecimal writes v (at scale) with exactly decimals decimals;
// decimals must not exceed scale, and v must be a multiple of
// 10^(scale-decimals) (use RoundHalfUp first otherwise).
func FormatDecimal(v *big.Int, scale, decimals int) string {
	q := new(big.Int).Quo(v, pow10(scale-decimals))
	s := q.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if decimals > 0 {
		if len(s) <= decimals {
			s = strings.Repeat("0", decimals-len(s)+1) + s
		}
		s = s[:len(s)-decimals] + "." + s[len(s)-decimals:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// DivRoundHalfUp returns a/b at scale out, where a is at scale sa and b at
// scale sb, rounded half up. a and b must be positive.
func DivRoundHalfUp(a *big.Int, sa int, b *big.Int, sb, out int) *big.Int {
	// a/10^sa ÷ b/10^sb × 10^out = a × 10^(sb+out) / (b × 10^sa)
	num := new(big.Int).Mul(a, pow10(sb+out))
	den := new(big.Int).Mul(b, pow10(sa))
	return roundQuo(num, den)
}

// roundQuo is num/den rounded half up, for positive num and den.
func roundQuo(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(r, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// ShareRoundHalfUp returns total × part / whole, rounded half up, all at
// the same scale.
func ShareRoundHalfUp(total, part, whole *big.Int) *big.Int {
	return roundQuo(new(big.Int).Mul(total, part), whole)
}

func pow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}
