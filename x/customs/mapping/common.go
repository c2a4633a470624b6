package mapping

import (
	"strings"
	"time"

	"github.com/landsea/corridor/x/customs/types"
)

// Standard time offsets of the jurisdictions, for the declaration date a
// form shows. None of them observes daylight saving time, so a fixed offset
// is exact and needs no time-zone database.
var (
	chinaStandardTime = time.FixedZone("CST", 8*3600)
	indochinaTime     = time.FixedZone("ICT", 7*3600)
)

// localDate is the block date in zone, YYYY-MM-DD.
func localDate(t time.Time, zone *time.Location) string {
	return t.In(zone).Format(time.DateOnly)
}

// alpha2 keeps a country code as ISO 3166-1 alpha-2.
func alpha2(c string) string { return c }

// formParty turns a party into a form's party; country maps the country
// code into the form's code list and id picks the identifier the
// jurisdiction uses.
func formParty(p *types.Party, country func(string) string, id string, withCustomsCode bool) *types.FormParty {
	if p == nil {
		return nil
	}
	fp := &types.FormParty{Name: p.Name, Address: p.Address, Country: country(p.Country), Id: id}
	if withCustomsCode {
		fp.CustomsCode = p.CustomsCode
	}
	return fp
}

// charge turns an amount into a form charge with mark, or nil.
func charge(a *types.Amount, mark string) *types.FormCharge {
	if a == nil {
		return nil
	}
	return &types.FormCharge{Currency: a.Currency, Amount: a.Value, Mark: mark}
}

func formContainers(cs []*types.Container) []*types.FormContainer {
	out := make([]*types.FormContainer, 0, len(cs))
	for _, c := range cs {
		out = append(out, &types.FormContainer{Number: c.Number, SizeType: c.SizeType, Seals: strings.Join(c.Seals, "/")})
	}
	return out
}

func containerNumbers(cs []*types.Container) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Number)
	}
	return out
}

// meansAndVoyage is "means/voyage", or the means alone without a voyage.
func meansAndVoyage(d *types.Declaration) string {
	if d.VoyageNumber == "" {
		return d.TransportMeans
	}
	return d.TransportMeans + "/" + d.VoyageNumber
}

// nationalDigits returns the item's extension digits for jurisdiction, "" if none.
func nationalDigits(it *types.GoodsItem, jurisdiction string) string {
	for _, c := range it.NationalCodes {
		if c.Jurisdiction == jurisdiction {
			return c.Digits
		}
	}
	return ""
}

// aseanTariffCode is an item's code in an ASEAN member's 8-digit tariff:
// the member's own extension, else the common AHTN one, else the HS code.
func aseanTariffCode(it *types.GoodsItem, member string) string {
	if d := nationalDigits(it, member); d != "" {
		return it.HsCode + d
	}
	return it.HsCode + nationalDigits(it, "AHTN")
}

// rec19 is the UN/ECE Recommendation 19 code of a transport mode; the enum
// numbers are those codes.
func rec19(m types.TransportMode) string { return string(rune('0' + int(m))) }

// unitPrice is value / quantity with 4 decimals, rounded half up.
func unitPrice(value, quantity string) string {
	v, _ := types.ParseDecimal(value, types.MoneyScale, types.MoneyScale)
	q, _ := types.ParseDecimal(quantity, types.QuantityScale, types.QuantityScale)
	p := types.DivRoundHalfUp(v, types.MoneyScale, q, types.QuantityScale, 4)
	return types.FormatDecimal(p, 4, 4)
}
