package examples

import (
	"fmt"

	"github.com/landsea/corridor/x/customs/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

// CreditCode completes a 17-character stem with its GB 32100 check
// character. It panics on a bad stem: the stems here are fixed.
func CreditCode(stem string) string {
	c, err := mt.CreditCodeCheck(stem)
	if err != nil || len(stem) != 17 {
		panic(fmt.Sprintf("examples: bad credit code stem %q", stem))
	}
	return stem + string(c)
}

// Container completes a 10-character container number with its ISO 6346
// check digit. It panics on a bad stem.
func Container(stem string) string {
	d := types.ISO6346CheckDigit(stem)
	if d < 0 {
		panic(fmt.Sprintf("examples: bad container stem %q", stem))
	}
	return fmt.Sprintf("%s%d", stem, d)
}

// ThaiTaxID completes 12 digits with the Thai check digit.
func ThaiTaxID(first12 string) string {
	for d := '0'; d <= '9'; d++ {
		if id := first12 + string(d); types.ThaiTaxIDValid(id) {
			return id
		}
	}
	panic(fmt.Sprintf("examples: bad Thai tax id stem %q", first12))
}

// The parties of the examples; the enterprises match the demo chain's
// genesis members cq-electronics and gx-agri.
var (
	CQElectronics = &types.Party{
		Name: "Chongqing Liangjiang Electronics Export Co., Ltd.", Address: "No. 18 Jinyu Avenue, Liangjiang New Area, Chongqing 401122",
		Country: "CN", CreditCode: CreditCode("91500000MA5U0XY31"), CustomsCode: "5001960001",
	}
	CQBroker = &types.Party{
		Name: "Chongqing Cuntan Customs Brokerage Co., Ltd.", Address: "No. 6 Cuntan Road, Jiangbei District, Chongqing 400025",
		Country: "CN", CreditCode: CreditCode("91500105MA60BK012"), CustomsCode: "5001980017",
	}
	GXAgri = &types.Party{
		Name: "Guangxi Beibu Gulf Agricultural Trading Co., Ltd.", Address: "No. 9 Qinzhou Port Avenue, Qinzhou, Guangxi 535008",
		Country: "CN", CreditCode: CreditCode("91450700MA5K0ABC2"), CustomsCode: "4507960001",
	}
	SiamElectronics = &types.Party{
		Name: "Siam Electronics Import Co., Ltd.", Address: "88 Rama IV Road, Khlong Toei, Bangkok 10110",
		Country: "TH", TaxId: ThaiTaxID("010555601234"),
	}
	LaoHome = &types.Party{
		Name: "Lao Home Appliances Trading Sole Co., Ltd.", Address: "Lanexang Avenue, Chanthabouly District, Vientiane Capital",
		Country: "LA", TaxId: "616007123000",
	}
	HanoiFruit = &types.Party{
		Name: "Hanoi Fresh Fruit Import Joint Stock Company", Address: "12 Long Bien Street, Long Bien District, Hanoi",
		Country: "VN", TaxId: "0101234567",
	}
	KlangTrading = &types.Party{
		Name: "Klang Valley Electronics Sdn. Bhd.", Address: "Lot 5, Jalan Kem, 42000 Port Klang, Selangor",
		Country: "MY", TaxId: "C2584563200",
	}
)

func nat(pairs ...string) []*types.NationalCode {
	var out []*types.NationalCode
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, &types.NationalCode{Jurisdiction: pairs[i], Digits: pairs[i+1]})
	}
	return out
}

func usd(v string) *types.Amount { return &types.Amount{Currency: "USD", Value: v} }
