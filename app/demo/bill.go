package demo

import (
	"github.com/landsea/corridor/app/types"
	billtypes "github.com/landsea/corridor/x/bill/types"
)

// DemoBillNumber is the number of the demo's through bill.
const DemoBillNumber = "LSM-CQ-2026-000001"

// pledgeExpiresUnix is 2030-12-31T00:00:00Z: a fixed date, so that the demo
// transactions are the same on every run.
const pledgeExpiresUnix = 1924905600

// RailSeaBill is the corridor's typical through bill: notebook computers
// from Chongqing (CNCQI) by China Railway to Qinzhou port (CNQZH), then by
// sea with Beibu Gulf Shipping to Laem Chabang (THLCH), issued to order by
// the multimodal operator landsea-mto for the shipper cq-electronics, the
// Thai buyer th-importer as consignee and notify party. The codes are from
// the UN/LOCODE lists in the fixtures (CNCKG is Chongqing's airport; the
// city, with its rail function, is CNCQI).
func RailSeaBill(number string) *billtypes.BillContent {
	siam := &billtypes.Party{MemberId: "th-importer", Name: "Siam Electronics Import Co., Ltd.",
		Address: &billtypes.Address{Street: "Sukhumvit Road", StreetNumber: "88", City: "Chonburi", CountryCode: "TH"}}
	return &billtypes.BillContent{
		Number:  number,
		ToOrder: true,
		Shipper: &billtypes.Party{MemberId: "cq-electronics", Name: "Chongqing Liangjiang Electronics Export Co., Ltd.",
			Address: &billtypes.Address{Street: "Jinyu Avenue", StreetNumber: "1", City: "Chongqing", CountryCode: "CN"}},
		Consignee:     siam,
		NotifyParties: []*billtypes.Party{siam},
		IssuingParty:  &billtypes.Party{MemberId: "landsea-mto", Name: "Land-Sea Corridor Multimodal Transport Co., Ltd."},
		Goods: []*billtypes.GoodsItem{{
			CarrierBookingReference: "LSM-BK-2026-0117",
			Descriptions:            []string{"Notebook computers, 14 inch", "Lithium-ion batteries contained in equipment (UN3481)"},
			HsCodes:                 []string{"847130"},
			CargoItems: []*billtypes.CargoItem{
				demoCargo("BGLU2026110", "9120", 640),
				demoCargo("BGLU2026126", "8875.5", 620),
			},
		}},
		Equipment: []*billtypes.Equipment{demoContainer("BGLU2026110", "CQ26-004417"), demoContainer("BGLU2026126", "CQ26-004418")},
		Legs: []*billtypes.Leg{
			{Mode: billtypes.TransportMode_TRANSPORT_MODE_RAIL, From: "CNCQI", To: "CNQZH", Carrier: "cr-rail",
				PlannedDeparture: "2026-12-01", PlannedArrival: "2026-12-03", VoyageNumber: "X9417"},
			{Mode: billtypes.TransportMode_TRANSPORT_MODE_SEA, From: "CNQZH", To: "THLCH", Carrier: "beibu-shipping",
				PlannedDeparture: "2026-12-04", PlannedArrival: "2026-12-09", VesselName: "Beibu Gulf Pioneer", VoyageNumber: "BGP2612S"},
		},
		Terms: &billtypes.TransportTerms{ReceiptTypeAtOrigin: "CY", DeliveryTypeAtDestination: "CY",
			CargoMovementTypeAtOrigin: "FCL", CargoMovementTypeAtDestination: "FCL", FreightPaymentTerm: "PRE"},
		ShippedOnBoard: false,
	}
}

func demoCargo(container, kg string, cartons uint32) *billtypes.CargoItem {
	return &billtypes.CargoItem{EquipmentReference: container,
		GrossWeight:    &billtypes.Quantity{Value: kg, Unit: "KGM"},
		OuterPackaging: &billtypes.Packaging{NumberOfPackages: cartons, PackageCode: "CT", Description: "Cartons"}}
}

func demoContainer(number, seal string) *billtypes.Equipment {
	return &billtypes.Equipment{EquipmentReference: number, IsoEquipmentCode: "45G1",
		Seals: []*billtypes.Seal{{Number: seal, Source: "CAR"}}}
}

// billSteps are the bill module's demo transactions: the rail–sea bill is
// issued, pledged to cq-bank for export financing, carried by rail to
// Qinzhou and handed over to the ship, cleared for export, released by the
// bank and carried to Laem Chabang. It stays in force with cq-electronics,
// ready to be endorsed to th-importer and surrendered for delivery.
func billSteps() []Step {
	n := DemoBillNumber
	leg := func(carrier string, i uint32, t billtypes.LegEventType, at, note string) Step {
		return billStep(carrier, note, &billtypes.Msg{Sum: &billtypes.Msg_LegEvent{LegEvent: &billtypes.MsgRecordLegEvent{
			Number: n, LegIndex: i, Type: t, Location: at}}})
	}
	return []Step{
		billStep("landsea-mto", "landsea-mto issues through bill "+n+" Chongqing → Qinzhou → Laem Chabang",
			&billtypes.Msg{Sum: &billtypes.Msg_IssueBill{IssueBill: &billtypes.MsgIssueBill{Content: RailSeaBill(n)}}}),
		billStep("cq-electronics", "cq-electronics pledges the bill to cq-bank for CNY 2,680,000.00",
			&billtypes.Msg{Sum: &billtypes.Msg_Pledge{Pledge: &billtypes.MsgPledge{Number: n, Bank: "cq-bank",
				AmountMinor: 268_000_000, Currency: "CNY", AgreementReference: "CQRCB-TF-2026-0117", ExpiresUnix: pledgeExpiresUnix}}}),
		leg("cr-rail", 0, billtypes.LegEventType_LEG_EVENT_TYPE_DEPARTED, "CNCQI", "cr-rail: train X9417 departs Chongqing"),
		leg("cr-rail", 0, billtypes.LegEventType_LEG_EVENT_TYPE_ARRIVED, "CNQZH", "cr-rail: arrives at Qinzhou port"),
		leg("cr-rail", 0, billtypes.LegEventType_LEG_EVENT_TYPE_HANDED_OVER, "CNQZH", "cr-rail hands the containers to beibu-shipping"),
		leg("beibu-shipping", 1, billtypes.LegEventType_LEG_EVENT_TYPE_CUSTOMS_CLEARED, "CNQZH", "beibu-shipping: export clearance at Qinzhou"),
		leg("beibu-shipping", 1, billtypes.LegEventType_LEG_EVENT_TYPE_DEPARTED, "CNQZH", "beibu-shipping: Beibu Gulf Pioneer sails"),
		billStep("cq-bank", "cq-bank releases the pledge: possession returns to cq-electronics",
			&billtypes.Msg{Sum: &billtypes.Msg_Release{Release: &billtypes.MsgRelease{Number: n, Remark: "export financing repaid"}}}),
		leg("beibu-shipping", 1, billtypes.LegEventType_LEG_EVENT_TYPE_ARRIVED, "THLCH", "beibu-shipping: arrives at Laem Chabang"),
	}
}

func billStep(signer, note string, m *billtypes.Msg) Step {
	return Step{Signer: signer, Note: note, Msgs: []*types.Message{{Sum: &types.Message_Bill{Bill: m}}}}
}

// BillSteps returns the bill module's part of the demo on its own, for
// tests that run it without the other modules' parts.
func BillSteps() []Step { return billSteps() }
