package dcsa

import (
	"encoding/json"
	"fmt"

	"github.com/landsea/corridor/x/bill/types"
)

// dcsaStatus is the DCSA transportDocumentStatus of a bill.
func dcsaStatus(b *types.Bill) string {
	switch b.Status {
	case types.BillStatus_BILL_STATUS_DRAFT:
		if b.Content.ShipperApproved {
			return "APPROVED"
		}
		return "DRAFT"
	case types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY:
		return "PENDING_SURRENDER_FOR_DELIVERY"
	case types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT:
		return "PENDING_SURRENDER_FOR_AMENDMENT"
	case types.BillStatus_BILL_STATUS_SURRENDERED_FOR_DELIVERY:
		return "SURRENDERED_FOR_DELIVERY"
	case types.BillStatus_BILL_STATUS_VOID:
		return "VOIDED"
	default: // ISSUED, PLEDGED, SWITCHED_TO_PAPER
		return "ISSUED"
	}
}

// Export writes a bill as a DCSA eBL 3.0 transport document (indented
// JSON) and lists the ledger facts the document has no field for.
func Export(b *types.Bill) ([]byte, []Warning, error) {
	if b == nil || b.Content == nil {
		return nil, nil, fmt.Errorf("dcsa: no bill to export")
	}
	c := b.Content
	var warn []Warning
	d := &document{
		TransportDocumentReference:    c.Number,
		ShippingInstructionsReference: c.ShippingInstructionsReference,
		TransportDocumentStatus:       dcsaStatus(b),
		TransportDocumentTypeCode:     "BOL",
		IsShippedOnBoardType:          c.ShippedOnBoard,
		IsElectronic:                  b.Status != types.BillStatus_BILL_STATUS_SWITCHED_TO_PAPER,
		IsToOrder:                     c.ToOrder,
		ShippedOnBoardDate:            c.ShippedOnBoardDate,
		TermsAndConditions:            c.TermsAndConditions,
		CarrierCode:                   c.CarrierCode,
		CarrierCodeListProvider:       c.CarrierCodeListProvider,
		DocumentParties:               exportParties(c),
		ConsignmentItems:              exportGoods(c.Goods),
		UtilizedTransportEquipments:   exportEquipment(c.Equipment),
	}
	if t := c.Terms; t != nil {
		d.ReceiptTypeAtOrigin, d.DeliveryTypeAtDestination = t.ReceiptTypeAtOrigin, t.DeliveryTypeAtDestination
		d.CargoMovementTypeAtOrigin, d.CargoMovementTypeAtDestination = t.CargoMovementTypeAtOrigin, t.CargoMovementTypeAtDestination
		d.FreightPaymentTermCode, d.ServiceContractReference = t.FreightPaymentTerm, t.ServiceContractReference
	}
	var err error
	if d.Transports, err = exportLegs(c.Legs, &warn); err != nil {
		return nil, nil, err
	}
	warn = append(warn, ledgerOnly(b)...)
	bz, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, nil, fmt.Errorf("dcsa: encode bill %s: %w", c.Number, err)
	}
	return append(bz, '\n'), warn, nil
}

// ledgerOnly lists the bill's ledger facts that DCSA cannot carry.
func ledgerOnly(b *types.Bill) []Warning {
	var w []Warning
	add := func(path, reason string) { w = append(w, Warning{Path: path, Reason: reason}) }
	add("bill.issuer, title_holder, possessor, parties' member_id", "ledger members are not DCSA fields; the export names parties only")
	if b.Pledge != nil {
		add("bill.pledge", fmt.Sprintf("pledged to %s; DCSA has no pledge, the document shows ISSUED", b.Pledge.Bank))
	}
	if b.Status == types.BillStatus_BILL_STATUS_SWITCHED_TO_PAPER {
		add("bill.status", "switched to paper: exported as isElectronic false")
	}
	if len(b.Content.CustomsDeclarationIds) > 0 {
		add("bill.content.customs_declaration_ids", "customs declaration links are not DCSA fields")
	}
	if b.LastEvent != nil {
		add("bill.last_event", "leg events are tracking data, not part of the transport document")
	}
	return w
}

func exportParties(c *types.BillContent) *documentParties {
	dp := &documentParties{Shipper: exportParty(c.Shipper), Consignee: exportParty(c.Consignee), IssuingParty: exportParty(c.IssuingParty)}
	for _, p := range c.NotifyParties {
		if ep := exportParty(p); ep != nil {
			dp.NotifyParties = append(dp.NotifyParties, *ep)
		}
	}
	return dp
}

// exportParty writes a party's document fields; a party known only as a
// ledger member (no name) has nothing DCSA can show.
func exportParty(p *types.Party) *party {
	if p == nil || (p.Name == "" && len(p.DisplayedAddress) == 0 && p.Address == nil && len(p.IdentifyingCodes) == 0) {
		return nil
	}
	out := &party{PartyName: p.Name, DisplayedAddress: p.DisplayedAddress}
	if a := p.Address; a != nil {
		out.Address = &address{Street: a.Street, StreetNumber: a.StreetNumber, Floor: a.Floor, PostCode: a.PostCode,
			City: a.City, StateRegion: a.StateRegion, CountryCode: a.CountryCode}
	}
	for _, ic := range p.IdentifyingCodes {
		out.IdentifyingCodes = append(out.IdentifyingCodes, identifyingCode{CodeListProvider: ic.CodeListProvider,
			CodeListName: ic.CodeListName, PartyCode: ic.PartyCode})
	}
	return out
}
