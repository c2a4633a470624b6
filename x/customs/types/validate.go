package types

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/landsea/corridor/x/base"
	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

// Limits on a declaration. ItemsPerDeclarationMax is China's: an export
// declaration (报关单) carries at most 50 goods items, as does Viet Nam's IDA.
const (
	ItemsPerDeclarationMax  = 50
	ContainersMax           = 100
	SealsPerContainerMax    = 8
	ImportJurisdictionsMax  = 10
	NameBytesMax            = 256
	AddressBytesMax         = 512
	DescriptionBytesMax     = 512
	MarksBytesMax           = 1024
	ShortTextBytesMax       = 64
	IncotermPlaceBytesMax   = 128
	NationalCodesPerItemMax = 12
)

var (
	traderRefPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	transportDocPatten = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$`)
	customsCodePattern = regexp.MustCompile(`^[0-9A-Z]{10}$`)
	sizeTypePattern    = regexp.MustCompile(`^[0-9A-Z]{2}[A-Z][0-9A-Z]$`)
	sealPattern        = regexp.MustCompile(`^[A-Za-z0-9-]{1,32}$`)
	packageTypePattern = regexp.MustCompile(`^[0-9A-Z]{2}$`)
	unitPattern        = regexp.MustCompile(`^[0-9A-Z]{2,3}$`)
	taxIDPattern       = regexp.MustCompile(`^[0-9A-Za-z-]{1,20}$`)
	vnTaxIDPattern     = regexp.MustCompile(`^[0-9]{10}(-[0-9]{3})?$`)
)

// bad returns an invalid-message error naming field.
func bad(field, format string, args ...any) error {
	return base.ErrInvalidMsg.Wrapf("%s: %s", field, fmt.Sprintf(format, args...))
}

// checkText checks a free-text field: valid UTF-8, no control characters,
// at most max bytes, and not blank when required.
func checkText(field, s string, required bool, max int) error {
	return checkTextLines(field, s, required, max, false)
}

// checkTextLines is checkText that may allow line breaks ("\n"), as
// shipping marks printed on several lines need.
func checkTextLines(field, s string, required bool, max int, lines bool) error {
	control := func(r rune) bool { return unicode.IsControl(r) && !(lines && r == '\n') }
	switch {
	case required && strings.TrimSpace(s) == "":
		return bad(field, "is required")
	case len(s) > max:
		return bad(field, "is %d bytes; at most %d are allowed", len(s), max)
	case !utf8.ValidString(s):
		return bad(field, "is not valid UTF-8")
	case strings.IndexFunc(s, control) >= 0:
		return bad(field, "contains a control character (tab, carriage return, ...)")
	}
	return nil
}

// ValidateTraderReference checks a trader reference.
func ValidateTraderReference(field, ref string) error {
	if !traderRefPattern.MatchString(ref) {
		return bad(field, "%q must be 1-%d characters of A-Z, a-z, 0-9, '.', '_' or '-', starting with a letter or digit", ref, traderReferenceBytes)
	}
	return nil
}

// ValidateDeclarationID checks an id of the form "<member>/<trader reference>".
func ValidateDeclarationID(field, id string) error {
	member, ref, ok := SplitDeclarationID(id)
	if !ok {
		return bad(field, "%q is not a declaration id (<declarant member>/<trader reference>)", id)
	}
	if err := membershiptypes.ValidateID(field+" (declarant part)", member); err != nil {
		return err
	}
	return ValidateTraderReference(field+" (trader reference part)", ref)
}

// ValidateDeclaration checks every field of a declaration. The error names
// the first bad field (e.g. "items[2].hs_code") and what is wrong with it.
func ValidateDeclaration(d *Declaration) error {
	if d == nil {
		return bad("declaration", "is missing")
	}
	for _, check := range []func(*Declaration) error{
		validateHeader, validateParties, validateTransport, validateContainers,
		validatePackagesAndWeights, validateMoney, validateItems, validateTotals,
	} {
		if err := check(d); err != nil {
			return err
		}
	}
	return nil
}

func validateHeader(d *Declaration) error {
	if err := ValidateTraderReference("trader_reference", d.TraderReference); err != nil {
		return err
	}
	if !membershiptypes.IsProvince(d.CustomsProvince) {
		return bad("customs_province", "%q is not one of the 15 corridor provinces (e.g. chongqing, guangxi)", d.CustomsProvince)
	}
	if d.ExportCountry != "CN" {
		return bad("export_country", "is %q; the corridor declares exports from China, so it must be CN", d.ExportCountry)
	}
	for _, c := range []struct{ field, code string }{
		{"destination_country", d.DestinationCountry}, {"trading_country", d.TradingCountry},
	} {
		if !IsCountry(c.code) {
			return bad(c.field, "%q is not an ISO 3166-1 alpha-2 country code", c.code)
		}
	}
	if err := checkText("contract_number", d.ContractNumber, false, ShortTextBytesMax); err != nil {
		return err
	}
	return validateImportJurisdictions(d.ImportJurisdictions)
}

func validateImportJurisdictions(js []string) error {
	if len(js) > ImportJurisdictionsMax {
		return bad("import_jurisdictions", "has %d entries; at most %d are allowed", len(js), ImportJurisdictionsMax)
	}
	for i, j := range js {
		field := fmt.Sprintf("import_jurisdictions[%d]", i)
		if !IsASEAN(j) {
			return bad(field, "%q has no import declaration mapping; supported are the ASEAN members %v", j, ASEANMembers)
		}
		if slices.Contains(js[:i], j) {
			return bad(field, "%q is requested twice", j)
		}
	}
	return nil
}

func validateParties(d *Declaration) error {
	if err := validateChineseParty("exporter", d.Exporter); err != nil {
		return err
	}
	if err := validateChineseParty("declarant", d.Declarant); err != nil {
		return err
	}
	if err := validateParty("consignee", d.Consignee); err != nil {
		return err
	}
	if d.Importer == nil && len(d.ImportJurisdictions) == 0 {
		return nil
	}
	if err := validateParty("importer", d.Importer); err != nil {
		return err
	}
	return validateTaxID("importer.tax_id", d.Importer.Country, d.Importer.TaxId)
}

// validateChineseParty checks a party that must be a Chinese legal person
// registered with customs: 18-character credit code and customs code.
func validateChineseParty(field string, p *Party) error {
	if err := validateParty(field, p); err != nil {
		return err
	}
	if p.Country != "CN" {
		return bad(field+".country", "is %q; the %s of a Chinese export must be in CN", p.Country, field)
	}
	if p.CreditCode == "" {
		return bad(field+".credit_code", "is required (18-character unified social credit code)")
	}
	if p.CustomsCode == "" {
		return bad(field+".customs_code", "is required (10-character customs registration code)")
	}
	return nil
}

func validateParty(field string, p *Party) error {
	if p == nil {
		return bad(field, "is missing")
	}
	if err := checkText(field+".name", p.Name, true, NameBytesMax); err != nil {
		return err
	}
	if err := checkText(field+".address", p.Address, true, AddressBytesMax); err != nil {
		return err
	}
	if !IsCountry(p.Country) {
		return bad(field+".country", "%q is not an ISO 3166-1 alpha-2 country code", p.Country)
	}
	if p.CreditCode != "" {
		if err := membershiptypes.ValidateCreditCode(p.CreditCode); err != nil {
			return bad(field+".credit_code", "%v", err)
		}
	}
	if p.CustomsCode != "" && !customsCodePattern.MatchString(p.CustomsCode) {
		return bad(field+".customs_code", "%q must be 10 characters of 0-9 and A-Z", p.CustomsCode)
	}
	if p.TaxId != "" && !taxIDPattern.MatchString(p.TaxId) {
		return bad(field+".tax_id", "%q must be 1-20 characters of letters, digits and '-'", p.TaxId)
	}
	return nil
}

// validateTaxID checks an importer's tax id by the rules of its country.
func validateTaxID(field, country, id string) error {
	switch {
	case id == "":
		return bad(field, "is required when an import declaration is requested")
	case country == "TH" && !ThaiTaxIDValid(id):
		return bad(field, "%q is not a 13-digit Thai tax identification number with a valid check digit", id)
	case country == "VN" && !vnTaxIDPattern.MatchString(id):
		return bad(field, "%q is not a Vietnamese tax code (10 digits, or 10 digits '-' 3 digits for a branch)", id)
	}
	return nil
}

func validateTransport(d *Declaration) error {
	switch d.BorderTransportMode {
	case TransportMode_TRANSPORT_MODE_UNSPECIFIED:
		return bad("border_transport_mode", "is required")
	default:
		if _, ok := TransportMode_name[int32(d.BorderTransportMode)]; !ok {
			return bad("border_transport_mode", "%d is not a transport mode", d.BorderTransportMode)
		}
	}
	if err := checkText("transport_means", d.TransportMeans, true, ShortTextBytesMax); err != nil {
		return err
	}
	if err := checkText("voyage_number", d.VoyageNumber, false, ShortTextBytesMax/2); err != nil {
		return err
	}
	if !transportDocPatten.MatchString(d.TransportDocumentNumber) {
		return bad("transport_document_number", "%q must be 1-64 characters of letters, digits, '.', '_', '/' or '-'", d.TransportDocumentNumber)
	}
	return validatePlaces(d)
}

func validatePlaces(d *Declaration) error {
	for _, p := range []struct{ field, code, country string }{
		{"place_of_loading", d.PlaceOfLoading, d.ExportCountry},
		{"place_of_discharge", d.PlaceOfDischarge, ""},
		{"place_of_destination", d.PlaceOfDestination, d.DestinationCountry},
	} {
		if !IsLocode(p.code) {
			return bad(p.field, "%q is not a known UN/LOCODE (country + 3-character location, e.g. CNCQI, THLCH)", p.code)
		}
		if p.country != "" && p.code[:2] != p.country {
			return bad(p.field, "%q is in %s, but it must be in %s", p.code, p.code[:2], p.country)
		}
	}
	return nil
}

func validateContainers(d *Declaration) error {
	if len(d.Containers) > ContainersMax {
		return bad("containers", "has %d containers; at most %d are allowed", len(d.Containers), ContainersMax)
	}
	for i, c := range d.Containers {
		field := fmt.Sprintf("containers[%d]", i)
		if c == nil {
			return bad(field, "is missing")
		}
		if err := ValidateContainerNumber(c.Number); err != nil {
			return bad(field+".number", "%v", err)
		}
		for _, prev := range d.Containers[:i] {
			if prev.Number == c.Number {
				return bad(field+".number", "%s appears twice", c.Number)
			}
		}
		if !sizeTypePattern.MatchString(c.SizeType) {
			return bad(field+".size_type", "%q is not an ISO 6346 size and type code like 22G1 or 45G1", c.SizeType)
		}
		if err := validateSeals(field+".seals", c.Seals); err != nil {
			return err
		}
	}
	return nil
}

func validateSeals(field string, seals []string) error {
	if len(seals) > SealsPerContainerMax {
		return bad(field, "has %d seals; at most %d are allowed", len(seals), SealsPerContainerMax)
	}
	for i, s := range seals {
		if !sealPattern.MatchString(s) {
			return bad(fmt.Sprintf("%s[%d]", field, i), "%q must be 1-32 characters of letters, digits or '-'", s)
		}
		if slices.Contains(seals[:i], s) {
			return bad(fmt.Sprintf("%s[%d]", field, i), "%q appears twice", s)
		}
	}
	return nil
}

// ValidateContainerNumber checks an ISO 6346 container number, check digit
// included.
func ValidateContainerNumber(n string) error {
	if len(n) != 11 {
		return fmt.Errorf("%q must be 11 characters: owner code, category U/J/Z, 6 digits, check digit", n)
	}
	want := ISO6346CheckDigit(n[:10])
	if want < 0 {
		return fmt.Errorf("%q must be 3 owner letters, U, J or Z, 6 digits and a check digit", n)
	}
	if int(n[10]-'0') != want || n[10] < '0' || n[10] > '9' {
		return fmt.Errorf("%q: check digit is %c, ISO 6346 gives %d", n, n[10], want)
	}
	return nil
}

func validatePackagesAndWeights(d *Declaration) error {
	p := d.Packages
	switch {
	case p == nil:
		return bad("packages", "is missing")
	case p.Count == 0:
		return bad("packages.count", "must be at least 1")
	case !packageTypePattern.MatchString(p.TypeCode):
		return bad("packages.type_code", "%q is not a UN/ECE Recommendation 21 package code like CT or PX", p.TypeCode)
	}
	if err := checkTextLines("packages.marks", p.Marks, true, MarksBytesMax, true); err != nil {
		return err
	}
	gross, err := positive("gross_weight_kg", d.GrossWeightKg, WeightScale, WeightScale)
	if err != nil {
		return err
	}
	net, err := positive("net_weight_kg", d.NetWeightKg, WeightScale, WeightScale)
	if err != nil {
		return err
	}
	if net.Cmp(gross) > 0 {
		return bad("net_weight_kg", "%s kg is more than the gross weight %s kg", d.NetWeightKg, d.GrossWeightKg)
	}
	return nil
}

// positive parses a decimal that must be greater than zero.
func positive(field, s string, maxDecimals, scale int) (*big.Int, error) {
	v, err := ParseDecimal(s, maxDecimals, scale)
	if err != nil {
		return nil, bad(field, "%v", err)
	}
	if v.Sign() <= 0 {
		return nil, bad(field, "must be greater than zero")
	}
	return v, nil
}

func validateMoney(d *Declaration) error {
	if !IsIncoterm(d.Incoterm) {
		return bad("incoterm", "%q is not an Incoterms 2020 rule (one of %v)", d.Incoterm, Incoterms)
	}
	if err := checkText("incoterm_place", d.IncotermPlace, false, IncotermPlaceBytesMax); err != nil {
		return err
	}
	if err := checkText("invoice_number", d.InvoiceNumber, true, ShortTextBytesMax); err != nil {
		return err
	}
	if _, err := time.Parse(time.DateOnly, d.InvoiceDate); err != nil {
		return bad("invoice_date", "%q is not a date YYYY-MM-DD", d.InvoiceDate)
	}
	if d.InvoiceAmount == nil {
		return bad("invoice_amount", "is missing")
	}
	if _, err := ParseAmount("invoice_amount", d.InvoiceAmount, true); err != nil {
		return err
	}
	for _, c := range []struct {
		field  string
		amount *Amount
	}{{"freight", d.Freight}, {"insurance", d.Insurance}, {"other_charges", d.OtherCharges}} {
		if c.amount == nil {
			continue
		}
		if _, err := ParseAmount(c.field, c.amount, false); err != nil {
			return err
		}
	}
	return nil
}

// ParseAmount checks an amount's currency and value and returns the value
// at MoneyScale. With positive, zero is refused.
func ParseAmount(field string, a *Amount, positive bool) (*big.Int, error) {
	minor, ok := CurrencyMinorUnits(a.Currency)
	if !ok {
		return nil, bad(field+".currency", "%q is not an ISO 4217 currency code", a.Currency)
	}
	v, err := ParseDecimal(a.Value, minor, MoneyScale)
	if err != nil {
		return nil, bad(field+".value", "%v (%s has %d decimals)", err, a.Currency, minor)
	}
	if positive && v.Sign() == 0 {
		return nil, bad(field+".value", "must be greater than zero")
	}
	return v, nil
}
