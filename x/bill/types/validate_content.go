package types

import (
	"fmt"

	"github.com/landsea/corridor/x/base"
)

// ValidateContent checks a bill's content without state: every field's
// form, the limits, and the rules that hold within one document (a straight
// bill names its consignee member, legs join end to end, cargo sits in
// listed containers).
func ValidateContent(c *BillContent) error {
	if c == nil {
		return base.ErrInvalidMsg.Wrapf("content: missing")
	}
	if c.Size() > ContentBytesMax {
		return base.ErrLimitExceeded.Wrapf("content: %d bytes encoded, at most %d", c.Size(), ContentBytesMax)
	}
	if err := ValidateNumber("content.number", c.Number); err != nil {
		return err
	}
	if err := validateParties(c); err != nil {
		return err
	}
	if err := validateEquipment(c.Equipment); err != nil {
		return err
	}
	if err := validateGoods(c.Goods, c.Equipment); err != nil {
		return err
	}
	if err := validateLegs(c.Legs); err != nil {
		return err
	}
	return validateDocumentFields(c)
}

func validateParties(c *BillContent) error {
	if c.Shipper == nil || c.Shipper.MemberId == "" {
		return base.ErrInvalidMsg.Wrapf("content.shipper.member_id: required: the shipper's member becomes the bill's first holder")
	}
	if err := ValidateParty("content.shipper", c.Shipper); err != nil {
		return err
	}
	if !c.ToOrder && (c.Consignee == nil || c.Consignee.MemberId == "") {
		return base.ErrInvalidMsg.Wrapf("content.consignee.member_id: required for a straight bill (to_order false), which only goes to its consignee")
	}
	if c.Consignee != nil {
		if err := ValidateParty("content.consignee", c.Consignee); err != nil {
			return err
		}
	}
	if c.IssuingParty != nil {
		if err := ValidateParty("content.issuing_party", c.IssuingParty); err != nil {
			return err
		}
	}
	if err := countLimit("content.notify_parties", len(c.NotifyParties), NotifyPartiesMax); err != nil {
		return err
	}
	for i, p := range c.NotifyParties {
		if err := ValidateParty(fmt.Sprintf("content.notify_parties[%d]", i), p); err != nil {
			return err
		}
	}
	return nil
}

// ValidateParty checks one party: a name or a member, and the form of the
// rest.
func ValidateParty(field string, p *Party) error {
	if p == nil {
		return base.ErrInvalidMsg.Wrapf("%s: missing", field)
	}
	if p.MemberId != "" {
		if err := ValidateMemberID(field+".member_id", p.MemberId); err != nil {
			return err
		}
	} else if p.Name == "" {
		return base.ErrInvalidMsg.Wrapf("%s: needs a name or a member_id", field)
	}
	if err := validateText(field+".name", p.Name, TextBytesMax, false); err != nil {
		return err
	}
	if err := countLimit(field+".displayed_address", len(p.DisplayedAddress), AddressLinesMax); err != nil {
		return err
	}
	for i, l := range p.DisplayedAddress {
		if err := validateText(fmt.Sprintf("%s.displayed_address[%d]", field, i), l, TextBytesMax, false); err != nil {
			return err
		}
	}
	if err := validateAddress(field+".address", p.Address); err != nil {
		return err
	}
	if err := countLimit(field+".identifying_codes", len(p.IdentifyingCodes), IdentifyingCodesMax); err != nil {
		return err
	}
	for i, ic := range p.IdentifyingCodes {
		f := fmt.Sprintf("%s.identifying_codes[%d]", field, i)
		if ic == nil || ic.PartyCode == "" || ic.CodeListProvider == "" {
			return base.ErrInvalidMsg.Wrapf("%s: needs code_list_provider and party_code", f)
		}
		for _, s := range []string{ic.CodeListProvider, ic.CodeListName, ic.PartyCode} {
			if err := validateText(f, s, ShortCodeBytesMax*3, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func validateAddress(field string, a *Address) error {
	if a == nil {
		return nil
	}
	for _, s := range []string{a.Street, a.StreetNumber, a.Floor, a.PostCode, a.City, a.StateRegion} {
		if err := validateText(field, s, TextBytesMax, false); err != nil {
			return err
		}
	}
	if a.CountryCode != "" && !countryPattern.MatchString(a.CountryCode) {
		return base.ErrInvalidMsg.Wrapf("%s.country_code: %q is not ISO 3166-1 alpha-2", field, a.CountryCode)
	}
	return nil
}

func validateDocumentFields(c *BillContent) error {
	if err := countLimit("content.customs_declaration_ids", len(c.CustomsDeclarationIds), CustomsDeclarationsMax); err != nil {
		return err
	}
	for i, id := range c.CustomsDeclarationIds {
		if !declIDPattern.MatchString(id) {
			return base.ErrInvalidMsg.Wrapf("content.customs_declaration_ids[%d]: %q must be 1-64 characters of letters, digits, '.', '_', ':', '/' or '-'", i, id)
		}
	}
	if t := c.Terms; t != nil {
		for _, s := range []string{t.ReceiptTypeAtOrigin, t.DeliveryTypeAtDestination, t.CargoMovementTypeAtOrigin, t.CargoMovementTypeAtDestination, t.FreightPaymentTerm} {
			if err := validateCode("content.terms", s); err != nil {
				return err
			}
		}
		if err := validateText("content.terms.service_contract_reference", t.ServiceContractReference, TextBytesMax, false); err != nil {
			return err
		}
	}
	if err := validateText("content.shipping_instructions_reference", c.ShippingInstructionsReference, TextBytesMax, false); err != nil {
		return err
	}
	if err := validateDate("content.shipped_on_board_date", c.ShippedOnBoardDate); err != nil {
		return err
	}
	if err := validateText("content.terms_and_conditions", c.TermsAndConditions, TermsBytesMax, true); err != nil {
		return err
	}
	if err := validateCode("content.carrier_code", c.CarrierCode); err != nil {
		return err
	}
	return validateCode("content.carrier_code_list_provider", c.CarrierCodeListProvider)
}
