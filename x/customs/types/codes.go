package types

import "slices"

// IsCountry reports whether code is an ISO 3166-1 alpha-2 country code.
func IsCountry(code string) bool { _, ok := countryAlpha3[code]; return ok }

// CountryAlpha3 returns the ISO 3166-1 alpha-3 code of an alpha-2 code, or
// "" when there is none.
func CountryAlpha3(alpha2 string) string { return countryAlpha3[alpha2] }

// CurrencyMinorUnits returns the number of decimals of an ISO 4217
// currency, and false when code is not a currency used in trade.
func CurrencyMinorUnits(code string) (int, bool) {
	n, ok := currencyMinorUnits[code]
	return n, ok
}

// Incoterms are the eleven rules of Incoterms 2020.
var Incoterms = []string{"EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"}

// IsIncoterm reports whether code is an Incoterms 2020 rule.
func IsIncoterm(code string) bool { return slices.Contains(Incoterms, code) }

// ASEANMembers are the ten member states of ASEAN.
var ASEANMembers = []string{"BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN"}

// IsASEAN reports whether country is an ASEAN member.
func IsASEAN(country string) bool { return slices.Contains(ASEANMembers, country) }

// Document codes and jurisdictions.
const (
	// DocCNExport is the code of China's export declaration.
	DocCNExport = "CN-EXPORT"
	// ImportDocSuffix ends the code of an import declaration: "TH-IMPORT".
	ImportDocSuffix = "-IMPORT"
)

// ImportDocCode is the code of the import declaration of country.
func ImportDocCode(country string) string { return country + ImportDocSuffix }

// CNJurisdiction is the jurisdiction of the customs office of a corridor
// province, e.g. "CN-chongqing": the one that decides the CN export
// declaration of a declaration whose customs_province it is.
func CNJurisdiction(province string) string { return "CN-" + province }

// iso6346Values are the letter values of ISO 6346 (multiples of 11 skipped).
var iso6346Values = map[byte]int{
	'A': 10, 'B': 12, 'C': 13, 'D': 14, 'E': 15, 'F': 16, 'G': 17, 'H': 18, 'I': 19,
	'J': 20, 'K': 21, 'L': 23, 'M': 24, 'N': 25, 'O': 26, 'P': 27, 'Q': 28, 'R': 29,
	'S': 30, 'T': 31, 'U': 32, 'V': 34, 'W': 35, 'X': 36, 'Y': 37, 'Z': 38,
}

// ISO6346CheckDigit returns the check digit of the first 10 characters of a
// container number (owner code, category U/J/Z, 6-digit serial), or -1 when
// they are malformed.
func ISO6346CheckDigit(first10 string) int {
	if len(first10) != 10 {
		return -1
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := first10[i]
		var v int
		switch {
		case i < 4 && c >= 'A' && c <= 'Z':
			v = iso6346Values[c]
		case i >= 4 && c >= '0' && c <= '9':
			v = int(c - '0')
		default:
			return -1
		}
		if i == 3 && c != 'U' && c != 'J' && c != 'Z' {
			return -1
		}
		sum += v << i
	}
	return sum % 11 % 10
}

// ThaiTaxIDValid checks a 13-digit Thai tax identification number and its
// check digit (weights 13 down to 2, modulus 11).
func ThaiTaxIDValid(id string) bool {
	if !isDigits(id, 13) {
		return false
	}
	sum := 0
	for i := 0; i < 12; i++ {
		sum += int(id[i]-'0') * (13 - i)
	}
	return int(id[12]-'0') == (11-sum%11)%10
}
