package types

import (
	"fmt"
	"math/big"
	"regexp"
)

var nationalDigits = map[int]*regexp.Regexp{
	2: regexp.MustCompile(`^[0-9]{2}$`),
	4: regexp.MustCompile(`^[0-9]{4}$`),
}

// NationalCodeDigits returns how many digits a national extension of
// jurisdiction adds to the 6-digit HS code: 4 for China's 10-digit code,
// 2 for ASEAN's 8-digit AHTN and each member's own 8-digit tariff; 0 when
// the jurisdiction has no extension here.
func NationalCodeDigits(jurisdiction string) int {
	switch {
	case jurisdiction == "CN":
		return 4
	case jurisdiction == "AHTN" || IsASEAN(jurisdiction):
		return 2
	}
	return 0
}

func validateItems(d *Declaration) error {
	n := len(d.Items)
	if n == 0 {
		return bad("items", "at least one goods item is required")
	}
	if n > ItemsPerDeclarationMax {
		return bad("items", "has %d items; a declaration carries at most %d (China's and Viet Nam's limit); split the shipment", n, ItemsPerDeclarationMax)
	}
	currency := d.InvoiceAmount.Currency
	for i, it := range d.Items {
		if err := validateItem(fmt.Sprintf("items[%d]", i), it, currency); err != nil {
			return err
		}
	}
	return nil
}

func validateItem(field string, it *GoodsItem, currency string) error {
	if it == nil {
		return bad(field, "is missing")
	}
	if !IsHSSubheading(it.HsCode) {
		return bad(field+".hs_code", "%q is not a 6-digit HS 2022 subheading", it.HsCode)
	}
	if err := validateNationalCodes(field+".national_codes", it.NationalCodes); err != nil {
		return err
	}
	if err := checkText(field+".description", it.Description, true, DescriptionBytesMax); err != nil {
		return err
	}
	if _, err := positive(field+".quantity", it.Quantity, QuantityScale, QuantityScale); err != nil {
		return err
	}
	if !unitPattern.MatchString(it.Unit) {
		return bad(field+".unit", "%q is not a UN/ECE Recommendation 20 unit code like C62, KGM or SET", it.Unit)
	}
	if _, err := positive(field+".net_weight_kg", it.NetWeightKg, WeightScale, WeightScale); err != nil {
		return err
	}
	if _, err := ParseAmount(field, &Amount{Currency: currency, Value: it.Value}, true); err != nil {
		return err
	}
	if !IsCountry(it.OriginCountry) {
		return bad(field+".origin_country", "%q is not an ISO 3166-1 alpha-2 country code", it.OriginCountry)
	}
	return nil
}

func validateNationalCodes(field string, codes []*NationalCode) error {
	if len(codes) > NationalCodesPerItemMax {
		return bad(field, "has %d codes; at most %d are allowed", len(codes), NationalCodesPerItemMax)
	}
	for i, c := range codes {
		f := fmt.Sprintf("%s[%d]", field, i)
		if c == nil {
			return bad(f, "is missing")
		}
		digits := NationalCodeDigits(c.Jurisdiction)
		if digits == 0 {
			return bad(f+".jurisdiction", "%q has no national extension; use CN, AHTN or an ASEAN member", c.Jurisdiction)
		}
		if !nationalDigits[digits].MatchString(c.Digits) {
			return bad(f+".digits", "%q must be %d digits for %s", c.Digits, digits, c.Jurisdiction)
		}
		for _, prev := range codes[:i] {
			if prev.Jurisdiction == c.Jurisdiction {
				return bad(f+".jurisdiction", "%s appears twice", c.Jurisdiction)
			}
		}
	}
	return nil
}

// validateTotals checks that the header totals agree with the items, as
// both China's and Thailand's declarations require: the net weight is the
// sum of the items' net weights and the invoice amount the sum of their values.
func validateTotals(d *Declaration) error {
	net, value := new(big.Int), new(big.Int)
	for _, it := range d.Items {
		w, _ := ParseDecimal(it.NetWeightKg, WeightScale, WeightScale)
		v, _ := ParseDecimal(it.Value, MoneyScale, MoneyScale)
		net.Add(net, w)
		value.Add(value, v)
	}
	declaredNet, _ := ParseDecimal(d.NetWeightKg, WeightScale, WeightScale)
	if net.Cmp(declaredNet) != 0 {
		return bad("net_weight_kg", "is %s kg but the items' net weights add up to %s kg", d.NetWeightKg, FormatDecimal(net, WeightScale, WeightScale))
	}
	declaredValue, _ := ParseDecimal(d.InvoiceAmount.Value, MoneyScale, MoneyScale)
	if value.Cmp(declaredValue) != 0 {
		minor, _ := CurrencyMinorUnits(d.InvoiceAmount.Currency)
		return bad("invoice_amount.value", "is %s %s but the items' values add up to %s", d.InvoiceAmount.Value, d.InvoiceAmount.Currency, FormatDecimal(value, MoneyScale, minor))
	}
	return nil
}
