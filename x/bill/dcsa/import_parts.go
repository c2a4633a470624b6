package dcsa

import (
	"fmt"

	"github.com/landsea/corridor/x/bill/types"
)

func readParties(root *obj, c *types.BillContent, o Options) error {
	dp, err := root.object("documentParties")
	if err != nil {
		return err
	}
	if dp == nil {
		return fmt.Errorf("$.documentParties: required (the shipper at least)")
	}
	if c.Shipper, err = readParty(dp, "shipper", o.Shipper); err != nil {
		return err
	}
	if c.Shipper == nil {
		return fmt.Errorf("$.documentParties.shipper: required")
	}
	if c.Consignee, err = readParty(dp, "consignee", o.Consignee); err != nil {
		return err
	}
	if c.Consignee == nil && o.Consignee != "" {
		c.Consignee = &types.Party{MemberId: o.Consignee}
	}
	if c.IssuingParty, err = readParty(dp, "issuingParty", o.Issuer); err != nil {
		return err
	}
	notify, err := dp.objects("notifyParties")
	if err != nil {
		return err
	}
	for _, n := range notify {
		p, err := partyFrom(n, "")
		if err != nil {
			return err
		}
		c.NotifyParties = append(c.NotifyParties, p)
	}
	dp.done()
	return nil
}

func readParty(dp *obj, key, member string) (*types.Party, error) {
	po, err := dp.object(key)
	if err != nil || po == nil {
		return nil, err
	}
	return partyFrom(po, member)
}

// partyFrom reads partyName, displayedAddress, address and identifyingCodes.
func partyFrom(po *obj, member string) (*types.Party, error) {
	p := &types.Party{MemberId: member}
	var err error
	if p.Name, err = po.str("partyName"); err != nil {
		return nil, err
	}
	if p.DisplayedAddress, err = po.strings("displayedAddress"); err != nil {
		return nil, err
	}
	if a, err := po.object("address"); err != nil {
		return nil, err
	} else if a != nil {
		p.Address = &types.Address{}
		if err := firstErr(readStr(a, "street", &p.Address.Street), readStr(a, "streetNumber", &p.Address.StreetNumber),
			readStr(a, "floor", &p.Address.Floor), readStr(a, "postCode", &p.Address.PostCode), readStr(a, "city", &p.Address.City),
			readStr(a, "stateRegion", &p.Address.StateRegion), readStr(a, "countryCode", &p.Address.CountryCode)); err != nil {
			return nil, err
		}
		a.done()
	}
	codes, err := po.objects("identifyingCodes")
	if err != nil {
		return nil, err
	}
	for _, co := range codes {
		ic := &types.IdentifyingCode{}
		if err := firstErr(readStr(co, "codeListProvider", &ic.CodeListProvider), readStr(co, "codeListName", &ic.CodeListName),
			readStr(co, "partyCode", &ic.PartyCode)); err != nil {
			return nil, err
		}
		co.done()
		p.IdentifyingCodes = append(p.IdentifyingCodes, ic)
	}
	po.done()
	return p, nil
}

// DCSA modes of pre- and on-carriage and the ledger's.
var modes = map[string]types.TransportMode{
	"VESSEL": types.TransportMode_TRANSPORT_MODE_SEA,
	"RAIL":   types.TransportMode_TRANSPORT_MODE_RAIL,
	"TRUCK":  types.TransportMode_TRANSPORT_MODE_ROAD,
	"BARGE":  types.TransportMode_TRANSPORT_MODE_INLAND_WATER,
}

// readTransports turns transports into legs: pre-carriage from the place of
// receipt to the port of loading, the sea leg to the port of discharge, and
// on-carriage to the place of delivery.
func readTransports(root *obj, c *types.BillContent, o Options) error {
	t, err := root.object("transports")
	if err != nil {
		return err
	}
	if t == nil {
		return fmt.Errorf("$.transports: required")
	}
	pol, pod := locode(t, "portOfLoading"), locode(t, "portOfDischarge")
	if pol.err != nil || pod.err != nil {
		return firstErr(pol.err, pod.err)
	}
	main := &types.Leg{Mode: types.TransportMode_TRANSPORT_MODE_SEA, From: pol.code, To: pod.code}
	if err := firstErr(readStr(t, "plannedDepartureDate", &main.PlannedDeparture), readStr(t, "plannedArrivalDate", &main.PlannedArrival)); err != nil {
		return err
	}
	if err := readVoyage(t, main); err != nil {
		return err
	}
	pre, err := extraLeg(t, "placeOfReceipt", "preCarriageBy", pol.code, true)
	if err != nil {
		return err
	}
	on, err := extraLeg(t, "placeOfDelivery", "onCarriageBy", pod.code, false)
	if err != nil {
		return err
	}
	for _, l := range []*types.Leg{pre, main, on} {
		if l != nil {
			c.Legs = append(c.Legs, l)
		}
	}
	for i, l := range c.Legs {
		l.Carrier = legCarrier(o, i)
	}
	t.done()
	return nil
}

func legCarrier(o Options, i int) string {
	if i < len(o.LegCarriers) && o.LegCarriers[i] != "" {
		return o.LegCarriers[i]
	}
	if o.Carrier != "" {
		return o.Carrier
	}
	return o.Issuer
}

func readVoyage(t *obj, main *types.Leg) error {
	voyages, err := t.objects("vesselVoyages")
	if err != nil {
		return err
	}
	for i, v := range voyages {
		if i > 0 {
			*v.warn = append(*v.warn, Warning{Path: v.path, Reason: "the bill's sea leg holds one vessel voyage; later ones are not imported"})
			continue
		}
		if err := firstErr(readStr(v, "vesselName", &main.VesselName), readStr(v, "carrierExportVoyageNumber", &main.VoyageNumber)); err != nil {
			return err
		}
		v.done()
	}
	return nil
}

type loc struct {
	code string
	err  error
}

// locode reads {"UNLocationCode": …}; other ways of naming a place are warned.
func locode(t *obj, key string) loc {
	lo, err := t.object(key)
	if err != nil || lo == nil {
		return loc{err: err}
	}
	s, err := lo.str("UNLocationCode")
	if err == nil && s == "" {
		err = fmt.Errorf("%s.UNLocationCode: required (the ledger names places by UN/LOCODE)", lo.path)
	}
	lo.done()
	return loc{code: s, err: err}
}

// extraLeg reads a place of receipt or delivery and its mode into a leg
// joining the sea leg; none when the place is the port itself or absent.
func extraLeg(t *obj, placeKey, modeKey, port string, before bool) (*types.Leg, error) {
	place := locode(t, placeKey)
	mode, err := t.str(modeKey)
	if place.err != nil || err != nil {
		return nil, firstErr(place.err, err)
	}
	if place.code == "" || place.code == port {
		if mode != "" {
			return nil, fmt.Errorf("%s.%s: %s given without a %s other than the port", t.path, modeKey, mode, placeKey)
		}
		return nil, nil
	}
	m, ok := modes[mode]
	if !ok {
		return nil, fmt.Errorf("%s.%s: %q must be VESSEL, RAIL, TRUCK or BARGE when %s differs from the port", t.path, modeKey, mode, placeKey)
	}
	if before {
		return &types.Leg{Mode: m, From: place.code, To: port}, nil
	}
	return &types.Leg{Mode: m, From: port, To: place.code}, nil
}
