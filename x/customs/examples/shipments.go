package examples

import "github.com/landsea/corridor/x/customs/types"

// ElectronicsToThailand is cq-electronics' shipment of notebooks,
// smartphones and monitors by the rail–sea route: rail from Chongqing to
// Qinzhou port, then by sea to Laem Chabang, for Bangkok. China declares
// the export at Chongqing; Thailand the import.
func ElectronicsToThailand() *types.Declaration {
	return &types.Declaration{
		TraderReference: "CQE-2026-0001",
		Exporter:        CQElectronics, Consignee: SiamElectronics, Declarant: CQBroker, Importer: SiamElectronics,
		CustomsProvince:     "chongqing",
		BorderTransportMode: types.TransportMode_TRANSPORT_MODE_SEA,
		TransportMeans:      "BEIBU GULF PIONEER", VoyageNumber: "2611S",
		TransportDocumentNumber: "LSCQ2611000123",
		PlaceOfLoading:          "CNQZH", PlaceOfDischarge: "THLCH", PlaceOfDestination: "THBKK",
		ExportCountry: "CN", DestinationCountry: "TH", TradingCountry: "TH",
		Containers: []*types.Container{
			{Number: Container("CSNU612345"), SizeType: "45G1", Seals: []string{"CQ2611001"}},
			{Number: Container("CSNU612346"), SizeType: "45G1", Seals: []string{"CQ2611002"}},
		},
		Packages:      &types.Packages{Count: 420, TypeCode: "CT", Marks: "SIAM ELEC / BANGKOK / C/NO. 1-420"},
		GrossWeightKg: "8150.5", NetWeightKg: "7280",
		Incoterm: "CIF", IncotermPlace: "Laem Chabang",
		InvoiceNumber: "CQE-INV-2611-001", InvoiceDate: "2026-11-20", InvoiceAmount: usd("1026000.00"),
		Freight: usd("3200.00"), Insurance: usd("1540.00"),
		ContractNumber: "CQE-SC-2026-088",
		Items: []*types.GoodsItem{
			{HsCode: "847130", NationalCodes: nat("CN", "0000", "AHTN", "20"),
				Description: "Notebook computers, 14-inch, Intel Core i5, 16 GB RAM, 512 GB SSD",
				Quantity:    "1200", Unit: "C62", NetWeightKg: "2160", Value: "480000.00", OriginCountry: "CN"},
			{HsCode: "851713", NationalCodes: nat("CN", "0000", "AHTN", "00"),
				Description: "Smartphones, 5G, 6.5-inch display, 128 GB",
				Quantity:    "3000", Unit: "C62", NetWeightKg: "720", Value: "450000.00", OriginCountry: "CN"},
			{HsCode: "852852", Description: "LCD monitors, 27-inch, for automatic data processing machines",
				Quantity: "800", Unit: "C62", NetWeightKg: "4400", Value: "96000.00", OriginCountry: "CN"},
		},
		ImportJurisdictions: []string{"TH"},
	}
}

// AppliancesToLaos is cq-electronics' rail shipment of televisions and
// washing machines on the China–Laos Railway: loaded at Chongqing, across
// the border at Boten, for Vientiane.
func AppliancesToLaos() *types.Declaration {
	return &types.Declaration{
		TraderReference: "CQE-2026-0002",
		Exporter:        CQElectronics, Consignee: LaoHome, Declarant: CQElectronics, Importer: LaoHome,
		CustomsProvince:     "chongqing",
		BorderTransportMode: types.TransportMode_TRANSPORT_MODE_RAIL,
		TransportMeans:      "China-Laos Railway freight train", VoyageNumber: "X8083",
		TransportDocumentNumber: "CLR-CQ-2611-0456",
		PlaceOfLoading:          "CNCQI", PlaceOfDischarge: "LABTN", PlaceOfDestination: "LAVTE",
		ExportCountry: "CN", DestinationCountry: "LA", TradingCountry: "LA",
		Containers: []*types.Container{
			{Number: Container("TBJU810023"), SizeType: "45G1", Seals: []string{"CR611045", "LA000917"}},
		},
		Packages:      &types.Packages{Count: 260, TypeCode: "CT", Marks: "LAO HOME / VIENTIANE / 1-260"},
		GrossWeightKg: "9870", NetWeightKg: "8845",
		Incoterm: "DAP", IncotermPlace: "Vientiane South Station",
		InvoiceNumber: "CQE-INV-2611-002", InvoiceDate: "2026-11-21", InvoiceAmount: usd("87500.00"),
		Items: []*types.GoodsItem{
			{HsCode: "852872", NationalCodes: nat("LA", "90"),
				Description: "LED colour televisions, 55-inch, with tuner",
				Quantity:    "180", Unit: "C62", NetWeightKg: "2745", Value: "41400.00", OriginCountry: "CN"},
			{HsCode: "845011", Description: "Fully automatic washing machines, 8 kg dry linen capacity",
				Quantity: "80", Unit: "C62", NetWeightKg: "6100", Value: "46100.00", OriginCountry: "CN"},
		},
		ImportJurisdictions: []string{"LA"},
	}
}

// FruitToVietnam is gx-agri's road shipment of apples and mandarins
// through the Youyiguan (Friendship Pass) border crossing to Hanoi,
// declared at Guangxi.
func FruitToVietnam() *types.Declaration {
	return &types.Declaration{
		TraderReference: "GXA-2026-0107",
		Exporter:        GXAgri, Consignee: HanoiFruit, Declarant: GXAgri, Importer: HanoiFruit,
		CustomsProvince:     "guangxi",
		BorderTransportMode: types.TransportMode_TRANSPORT_MODE_ROAD,
		TransportMeans:      "Reefer truck GXF-D1234", VoyageNumber: "",
		TransportDocumentNumber: "GXA-CMR-2611-077",
		PlaceOfLoading:          "CNYYG", PlaceOfDischarge: "VNLGS", PlaceOfDestination: "VNHAN",
		ExportCountry: "CN", DestinationCountry: "VN", TradingCountry: "VN",
		Packages:      &types.Packages{Count: 3500, TypeCode: "CT", Marks: "HN FRESH / LANG SON"},
		GrossWeightKg: "36800", NetWeightKg: "35000",
		Incoterm: "FCA", IncotermPlace: "Youyiguan",
		InvoiceNumber: "GXA-INV-2611-107", InvoiceDate: "2026-11-22",
		InvoiceAmount: &types.Amount{Currency: "CNY", Value: "265000.00"},
		Items: []*types.GoodsItem{
			{HsCode: "080810", NationalCodes: nat("CN", "0000", "VN", "00"), Description: "Fresh apples, Fuji, 10 kg cartons",
				Quantity: "20000", Unit: "KGM", NetWeightKg: "20000", Value: "160000.00", OriginCountry: "CN"},
			{HsCode: "080521", Description: "Fresh mandarins, 10 kg cartons",
				Quantity: "15000", Unit: "KGM", NetWeightKg: "15000", Value: "105000.00", OriginCountry: "CN"},
		},
		ImportJurisdictions: []string{"VN"},
	}
}

// PartsToMalaysia is a sea shipment from Qinzhou to Port Klang whose
// import declaration is the ASEAN Customs Declaration Document.
func PartsToMalaysia() *types.Declaration {
	return &types.Declaration{
		TraderReference: "CQE-2026-0003",
		Exporter:        CQElectronics, Consignee: KlangTrading, Declarant: CQBroker, Importer: KlangTrading,
		CustomsProvince:     "chongqing",
		BorderTransportMode: types.TransportMode_TRANSPORT_MODE_SEA,
		TransportMeans:      "COSCO SHIPPING QINZHOU", VoyageNumber: "047W",
		TransportDocumentNumber: "COSU6328817450",
		PlaceOfLoading:          "CNQZH", PlaceOfDischarge: "MYPKG", PlaceOfDestination: "MYPKG",
		ExportCountry: "CN", DestinationCountry: "MY", TradingCountry: "MY",
		Containers:    []*types.Container{{Number: Container("CSNU700042"), SizeType: "22G1", Seals: []string{"QZ0047311"}}},
		Packages:      &types.Packages{Count: 64, TypeCode: "PX", Marks: "KVE / PORT KLANG / P1-64"},
		GrossWeightKg: "11520.25", NetWeightKg: "10880.4",
		Incoterm: "FOB", IncotermPlace: "Qinzhou",
		InvoiceNumber: "CQE-INV-2611-003", InvoiceDate: "2026-11-23", InvoiceAmount: usd("212345.67"),
		Items: []*types.GoodsItem{
			{HsCode: "854231", NationalCodes: nat("AHTN", "00"), Description: "Processors and controllers, electronic integrated circuits",
				Quantity: "40000", Unit: "C62", NetWeightKg: "180.4", Value: "200000.00", OriginCountry: "CN"},
			{HsCode: "740311", Description: "Refined copper cathodes",
				Quantity: "10.7", Unit: "TNE", NetWeightKg: "10700", Value: "12345.67", OriginCountry: "CL"},
		},
		ImportJurisdictions: []string{"MY"},
	}
}
