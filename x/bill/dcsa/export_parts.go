package dcsa

import (
	"encoding/json"
	"fmt"

	"github.com/landsea/corridor/x/bill/types"
)

var dcsaModes = map[types.TransportMode]string{
	types.TransportMode_TRANSPORT_MODE_SEA:          "VESSEL",
	types.TransportMode_TRANSPORT_MODE_RAIL:         "RAIL",
	types.TransportMode_TRANSPORT_MODE_ROAD:         "TRUCK",
	types.TransportMode_TRANSPORT_MODE_INLAND_WATER: "BARGE",
}

// exportLegs writes the legs as DCSA transports: the first sea (or, without
// one, inland-water) leg is the main carriage between the ports; one leg
// before it is pre-carriage from the place of receipt, one after it
// on-carriage to the place of delivery. DCSA has no room for more legs or
// for the other legs' dates and carriers; those are warned.
func exportLegs(legs []*types.Leg, warn *[]Warning) (*transports, error) {
	main := mainLeg(legs)
	if main < 0 {
		return nil, fmt.Errorf("dcsa: the bill has no sea or inland-water leg; a DCSA eBL needs a port of loading and discharge")
	}
	m := legs[main]
	t := &transports{PlannedDepartureDate: m.PlannedDeparture, PlannedArrivalDate: m.PlannedArrival,
		PortOfLoading: &location{m.From}, PortOfDischarge: &location{m.To}}
	if m.VesselName != "" || m.VoyageNumber != "" {
		t.VesselVoyages = []vesselVoyage{{VesselName: m.VesselName, CarrierExportVoyageNumber: m.VoyageNumber}}
	}
	for i, l := range legs {
		path := fmt.Sprintf("bill.content.legs[%d]", i)
		switch {
		case i == main-1:
			t.PlaceOfReceipt, t.PreCarriageBy = &location{l.From}, dcsaModes[l.Mode]
		case i == main+1:
			t.PlaceOfDelivery, t.OnCarriageBy = &location{l.To}, dcsaModes[l.Mode]
		case i != main:
			*warn = append(*warn, Warning{Path: path, Reason: "DCSA transports hold one pre-carriage and one on-carriage leg; this leg is not exported"})
			continue
		}
		if i != main && (l.PlannedDeparture != "" || l.PlannedArrival != "" || l.VesselName != "" || l.VoyageNumber != "") {
			*warn = append(*warn, Warning{Path: path, Reason: "planned dates and voyage of pre- and on-carriage have no DCSA field"})
		}
	}
	return t, nil
}

func mainLeg(legs []*types.Leg) int {
	for _, mode := range []types.TransportMode{types.TransportMode_TRANSPORT_MODE_SEA, types.TransportMode_TRANSPORT_MODE_INLAND_WATER} {
		for i, l := range legs {
			if l.Mode == mode {
				return i
			}
		}
	}
	return -1
}

func exportGoods(goods []*types.GoodsItem) []consignmentItem {
	var out []consignmentItem
	for _, g := range goods {
		ci := consignmentItem{CarrierBookingReference: g.CarrierBookingReference, DescriptionOfGoods: g.Descriptions, HSCodes: g.HsCodes}
		for _, c := range g.CargoItems {
			item := cargoItem{EquipmentReference: c.EquipmentReference, CargoGrossWeight: exportQuantity(c.GrossWeight),
				CargoNetWeight: exportQuantity(c.NetWeight)}
			if p := c.OuterPackaging; p != nil {
				item.OuterPackaging = &outerPackaging{NumberOfPackages: p.NumberOfPackages, PackageCode: p.PackageCode, Description: p.Description}
			}
			ci.CargoItems = append(ci.CargoItems, item)
		}
		out = append(out, ci)
	}
	return out
}

func exportQuantity(q *types.Quantity) *quantity {
	if q == nil {
		return nil
	}
	return &quantity{Value: json.Number(q.Value), Unit: q.Unit}
}

func exportEquipment(eqs []*types.Equipment) []utilizedEquipment {
	var out []utilizedEquipment
	for _, e := range eqs {
		u := utilizedEquipment{IsShipperOwned: e.ShipperOwned,
			Equipment: equipment{ISOEquipmentCode: e.IsoEquipmentCode, EquipmentReference: e.EquipmentReference}}
		for _, s := range e.Seals {
			u.Seals = append(u.Seals, seal{Number: s.Number, Source: s.Source})
		}
		// DCSA asks a reefer (ISO 6346 type group R) to say whether it runs.
		if len(e.IsoEquipmentCode) == 4 && e.IsoEquipmentCode[2] == 'R' {
			nor := e.NonOperatingReefer
			u.IsNonOperatingReefer = &nor
		}
		if r := e.ActiveReeferSettings; r != nil {
			u.ActiveReeferSettings = &reeferSettings{TemperatureSetpoint: json.Number(r.TemperatureSetpoint), TemperatureUnit: r.TemperatureUnit}
		}
		out = append(out, u)
	}
	return out
}
