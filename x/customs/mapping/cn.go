package mapping

import (
	"github.com/landsea/corridor/x/customs/types"
)

// China's export declaration (中华人民共和国海关出口货物报关单).

// cnDistrictCodes are the 4-digit customs district codes (关区代码) of the
// customs district each corridor province declares at.
var cnDistrictCodes = map[string]string{
	"chongqing": "8000", // 重庆海关
	"guangxi":   "7200", // 南宁海关
	"guizhou":   "8300", // 贵阳海关
	"gansu":     "9500", // 兰州海关
	"qinghai":   "9700", // 西宁海关
	"xinjiang":  "9400", // 乌鲁木齐海关
	"yunnan":    "8600", // 昆明海关
	"ningxia":   "9600", // 银川海关
	"shaanxi":   "9000", // 西安海关
	"sichuan":   "7900", // 成都海关
	// Inner Mongolia has two districts (Hohhot 0700, Manzhouli 0600);
	// declarations made at the province's node go to Hohhot.
	"innermongolia": "0700", // 呼和浩特海关
	"tibet":         "8800", // 拉萨海关
	"hainan":        "6400", // 海口海关
	"zhanjiang":     "6700", // 湛江海关
	"huaihua":       "4900", // 长沙海关
}

// cnTransportModes are China's transport mode codes (运输方式代码).
var cnTransportModes = map[types.TransportMode]string{
	types.TransportMode_TRANSPORT_MODE_SEA:                "2", // 水路运输
	types.TransportMode_TRANSPORT_MODE_INLAND_WATERWAY:    "2", // 水路运输
	types.TransportMode_TRANSPORT_MODE_RAIL:               "3", // 铁路运输
	types.TransportMode_TRANSPORT_MODE_ROAD:               "4", // 公路运输
	types.TransportMode_TRANSPORT_MODE_AIR:                "5", // 航空运输
	types.TransportMode_TRANSPORT_MODE_POSTAL:             "6", // 邮件运输
	types.TransportMode_TRANSPORT_MODE_FIXED_INSTALLATION: "G", // 固定设施运输
}

// cnTransactionMethods map Incoterms 2020 onto China's transaction methods
// (成交方式): 1 CIF, 2 C&F, 3 FOB, 7 EXW, as China Customs directs for the
// rules its table does not name.
var cnTransactionMethods = map[string]string{
	"EXW": "7",
	"FOB": "3", "FCA": "3", "FAS": "3",
	"CFR": "2", "CPT": "2",
	"CIF": "1", "CIP": "1", "DAP": "1", "DPU": "1", "DDP": "1",
}

// cnUnitCodes map UN/ECE Recommendation 20 units onto China's unit codes
// (计量单位代码) where the two name the same unit.
var cnUnitCodes = map[string]string{
	"C62": "007", // 个
	"H87": "011", // 件
	"SET": "006", // 套
	"KGM": "035", // 千克
	"GRM": "036", // 克
	"TNE": "070", // 吨
	"MTR": "030", // 米
	"MTK": "032", // 平方米
	"LTR": "095", // 升
}

// CNExport generates China's export declaration.
func CNExport(in Input) *types.CnExportDeclaration {
	d := in.Decl
	method := cnTransactionMethods[d.Incoterm]
	cn := &types.CnExportDeclaration{
		PreEntryReference:   in.Reference(),
		DeclarationCustoms:  cnDistrictCodes[d.CustomsProvince],
		DeclarationDate:     localDate(in.Time, chinaStandardTime),
		ExitPort:            d.PlaceOfLoading,
		DomesticConsignor:   cnParty(d.Exporter),
		OverseasConsignee:   formParty(d.Consignee, types.CountryAlpha3, "", false),
		ProductionSalesUnit: cnParty(d.Exporter),
		DeclaringUnit:       cnParty(d.Declarant),
		TransportMode:       cnTransportModes[d.BorderTransportMode],
		TransportMeans:      meansAndVoyage(d),
		BillOfLading:        d.TransportDocumentNumber,
		SupervisionMode:     "0110",
		LevyNature:          "101",
		ContractNumber:      d.ContractNumber,
		TradingCountry:      types.CountryAlpha3(d.TradingCountry),
		DestinationCountry:  types.CountryAlpha3(d.DestinationCountry),
		DestinationPort:     d.PlaceOfDischarge,
		PackageType:         d.Packages.TypeCode,
		PackageCount:        d.Packages.Count,
		GrossWeightKg:       d.GrossWeightKg,
		NetWeightKg:         d.NetWeightKg,
		TransactionMethod:   method,
		OtherCharges:        charge(d.OtherCharges, "3"),
		MarksAndRemarks:     d.Packages.Marks,
		Containers:          formContainers(d.Containers),
		Items:               cnItems(d),
	}
	if cn.ContractNumber == "" {
		cn.ContractNumber = d.InvoiceNumber
	}
	// Freight is declared for C&F and CIF, insurance for CIF only: under
	// FOB or EXW the buyer pays both and China does not ask for them.
	if method == "1" || method == "2" {
		cn.Freight = charge(d.Freight, "3")
	}
	if method == "1" {
		cn.Insurance = charge(d.Insurance, "3")
	}
	return cn
}

func cnParty(p *types.Party) *types.FormParty {
	return formParty(p, types.CountryAlpha3, p.CreditCode, true)
}

func cnItems(d *types.Declaration) []*types.CnGoodsItem {
	out := make([]*types.CnGoodsItem, 0, len(d.Items))
	for i, it := range d.Items {
		out = append(out, &types.CnGoodsItem{
			ItemNumber:              uint32(i + 1),
			CommodityCode:           it.HsCode + nationalDigits(it, "CN"),
			NameAndSpec:             it.Description,
			Quantity:                it.Quantity,
			Unit:                    it.Unit,
			CnUnitCode:              cnUnitCodes[it.Unit],
			UnitPrice:               unitPrice(it.Value, it.Quantity),
			TotalPrice:              it.Value,
			Currency:                d.InvoiceAmount.Currency,
			OriginCountry:           types.CountryAlpha3(it.OriginCountry),
			FinalDestinationCountry: types.CountryAlpha3(d.DestinationCountry),
			Exemption:               "1",
			NetWeightKg:             it.NetWeightKg,
		})
	}
	return out
}
