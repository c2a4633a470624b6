package types

import (
	"fmt"

	"github.com/landsea/corridor/x/base"
)

func validateEquipment(eqs []*Equipment) error {
	if err := countLimit("content.equipment", len(eqs), EquipmentMax); err != nil {
		return err
	}
	seen := make(map[string]bool, len(eqs))
	for i, e := range eqs {
		f := fmt.Sprintf("content.equipment[%d]", i)
		if e == nil {
			return base.ErrInvalidMsg.Wrapf("%s: missing", f)
		}
		if err := ValidateContainerNumber(f+".equipment_reference", e.EquipmentReference); err != nil {
			return err
		}
		if seen[e.EquipmentReference] {
			return base.ErrInvalidMsg.Wrapf("%s.equipment_reference: %s is listed twice", f, e.EquipmentReference)
		}
		seen[e.EquipmentReference] = true
		if e.IsoEquipmentCode != "" && !isoTypePattern.MatchString(e.IsoEquipmentCode) {
			return base.ErrInvalidMsg.Wrapf("%s.iso_equipment_code: %q is not an ISO 6346 size-type code (4 letters or digits)", f, e.IsoEquipmentCode)
		}
		if err := validateSeals(f, e.Seals); err != nil {
			return err
		}
		if r := e.ActiveReeferSettings; r != nil {
			if err := validateDecimal(f+".active_reefer_settings.temperature_setpoint", r.TemperatureSetpoint); err != nil {
				return err
			}
			if r.TemperatureUnit != "CEL" && r.TemperatureUnit != "FAH" {
				return base.ErrInvalidMsg.Wrapf("%s.active_reefer_settings.temperature_unit: %q must be CEL or FAH", f, r.TemperatureUnit)
			}
		}
	}
	return nil
}

func validateSeals(field string, seals []*Seal) error {
	if err := countLimit(field+".seals", len(seals), SealsPerEquipmentMax); err != nil {
		return err
	}
	for j, s := range seals {
		sf := fmt.Sprintf("%s.seals[%d]", field, j)
		if s == nil {
			return base.ErrInvalidMsg.Wrapf("%s: missing", sf)
		}
		if err := validateRequiredText(sf+".number", s.Number, ShortCodeBytesMax*2); err != nil {
			return err
		}
		if err := validateCode(sf+".source", s.Source); err != nil {
			return err
		}
	}
	return nil
}

func validateGoods(goods []*GoodsItem, eqs []*Equipment) error {
	if len(goods) == 0 {
		return base.ErrInvalidMsg.Wrapf("content.goods: at least one goods item is required")
	}
	if err := countLimit("content.goods", len(goods), GoodsItemsMax); err != nil {
		return err
	}
	for i, g := range goods {
		f := fmt.Sprintf("content.goods[%d]", i)
		if g == nil {
			return base.ErrInvalidMsg.Wrapf("%s: missing", f)
		}
		if err := validateText(f+".carrier_booking_reference", g.CarrierBookingReference, TextBytesMax, false); err != nil {
			return err
		}
		if len(g.Descriptions) == 0 {
			return base.ErrInvalidMsg.Wrapf("%s.descriptions: at least one line describing the goods is required", f)
		}
		if err := countLimit(f+".descriptions", len(g.Descriptions), DescriptionLinesMax); err != nil {
			return err
		}
		for j, d := range g.Descriptions {
			if err := validateRequiredText(fmt.Sprintf("%s.descriptions[%d]", f, j), d, TextBytesMax); err != nil {
				return err
			}
		}
		if err := validateHSCodes(f, g.HsCodes); err != nil {
			return err
		}
		if err := validateCargo(f, g.CargoItems, eqs); err != nil {
			return err
		}
	}
	return nil
}

func validateHSCodes(field string, codes []string) error {
	if err := countLimit(field+".hs_codes", len(codes), HSCodesPerGoodsMax); err != nil {
		return err
	}
	for j, h := range codes {
		if !hsPattern.MatchString(h) {
			return base.ErrInvalidMsg.Wrapf("%s.hs_codes[%d]: %q is not an HS code (6, 8 or 10 digits)", field, j, h)
		}
	}
	return nil
}

func validateCargo(field string, items []*CargoItem, eqs []*Equipment) error {
	if err := countLimit(field+".cargo_items", len(items), CargoItemsPerGoodsMax); err != nil {
		return err
	}
	for j, c := range items {
		f := fmt.Sprintf("%s.cargo_items[%d]", field, j)
		if c == nil {
			return base.ErrInvalidMsg.Wrapf("%s: missing", f)
		}
		if c.EquipmentReference != "" && !hasEquipment(eqs, c.EquipmentReference) {
			return base.ErrInvalidMsg.Wrapf("%s.equipment_reference: %s is not in content.equipment", f, c.EquipmentReference)
		}
		if c.GrossWeight == nil {
			return base.ErrInvalidMsg.Wrapf("%s.gross_weight: required", f)
		}
		if err := validateQuantity(f+".gross_weight", c.GrossWeight); err != nil {
			return err
		}
		if c.NetWeight != nil {
			if err := validateQuantity(f+".net_weight", c.NetWeight); err != nil {
				return err
			}
		}
		if p := c.OuterPackaging; p != nil {
			if err := validateCode(f+".outer_packaging.package_code", p.PackageCode); err != nil {
				return err
			}
			if err := validateText(f+".outer_packaging.description", p.Description, TextBytesMax, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func hasEquipment(eqs []*Equipment, ref string) bool {
	for _, e := range eqs {
		if e.EquipmentReference == ref {
			return true
		}
	}
	return false
}

func validateQuantity(field string, q *Quantity) error {
	if err := validateDecimal(field+".value", q.Value); err != nil {
		return err
	}
	if len(q.Value) > 0 && q.Value[0] == '-' {
		return base.ErrInvalidMsg.Wrapf("%s.value: %s is negative", field, q.Value)
	}
	return base.Require(codePattern.MatchString(q.Unit) && len(q.Unit) <= 3, field+".unit",
		"%q is not a UN/ECE Rec 20 unit code such as KGM", q.Unit)
}

func validateLegs(legs []*Leg) error {
	if len(legs) == 0 {
		return base.ErrInvalidMsg.Wrapf("content.legs: at least one leg is required")
	}
	if err := countLimit("content.legs", len(legs), LegsMax); err != nil {
		return err
	}
	for i, l := range legs {
		f := fmt.Sprintf("content.legs[%d]", i)
		if err := validateLeg(f, l); err != nil {
			return err
		}
		if i > 0 && legs[i-1].To != l.From {
			return base.ErrInvalidMsg.Wrapf("%s.from: %s does not continue the previous leg, which ends at %s", f, l.From, legs[i-1].To)
		}
	}
	return nil
}

func validateLeg(f string, l *Leg) error {
	if l == nil {
		return base.ErrInvalidMsg.Wrapf("%s: missing", f)
	}
	if _, ok := TransportMode_name[int32(l.Mode)]; !ok || l.Mode == TransportMode_TRANSPORT_MODE_UNSPECIFIED {
		return base.ErrInvalidMsg.Wrapf("%s.mode: must be RAIL, SEA, ROAD or INLAND_WATER", f)
	}
	if err := ValidateLocode(f+".from", l.From); err != nil {
		return err
	}
	if err := ValidateLocode(f+".to", l.To); err != nil {
		return err
	}
	if l.From == l.To {
		return base.ErrInvalidMsg.Wrapf("%s: from and to are both %s", f, l.From)
	}
	if err := ValidateMemberID(f+".carrier", l.Carrier); err != nil {
		return err
	}
	if err := validateDate(f+".planned_departure", l.PlannedDeparture); err != nil {
		return err
	}
	if err := validateDate(f+".planned_arrival", l.PlannedArrival); err != nil {
		return err
	}
	if l.PlannedDeparture != "" && l.PlannedArrival != "" && l.PlannedArrival < l.PlannedDeparture {
		return base.ErrInvalidMsg.Wrapf("%s: planned_arrival %s is before planned_departure %s", f, l.PlannedArrival, l.PlannedDeparture)
	}
	if err := validateText(f+".vessel_name", l.VesselName, TextBytesMax, false); err != nil {
		return err
	}
	return validateText(f+".voyage_number", l.VoyageNumber, ShortCodeBytesMax, false)
}
