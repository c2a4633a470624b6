package types

import (
	"github.com/landsea/corridor/x/base"
)

// ValidateMsg checks a message without state.
func ValidateMsg(m *Msg) error {
	switch s := m.GetSum().(type) {
	case *Msg_IssueBill:
		if err := ValidateContent(s.IssueBill.GetContent()); err != nil {
			return err
		}
		return validateRemark(s.IssueBill.Remark)
	case *Msg_IssueDraft:
		return validateRef(s.IssueDraft.Number, s.IssueDraft.Remark)
	case *Msg_Transfer:
		return validateMove(s.Transfer.Number, s.Transfer.To, s.Transfer.Remark)
	case *Msg_Endorse:
		return validateMove(s.Endorse.Number, s.Endorse.To, s.Endorse.Remark)
	case *Msg_Pledge:
		return validatePledge(s.Pledge)
	case *Msg_Release:
		return validateRef(s.Release.Number, s.Release.Remark)
	case *Msg_Enforce:
		return validateRef(s.Enforce.Number, s.Enforce.Remark)
	case *Msg_LegEvent:
		return validateLegEvent(s.LegEvent)
	case *Msg_Surrender:
		if _, ok := SurrenderPurpose_name[int32(s.Surrender.Purpose)]; !ok || s.Surrender.Purpose == SurrenderPurpose_SURRENDER_PURPOSE_UNSPECIFIED {
			return base.ErrInvalidMsg.Wrapf("surrender.purpose: must be DELIVERY or AMENDMENT")
		}
		return validateRef(s.Surrender.Number, s.Surrender.Remark)
	case *Msg_AcceptSurrender:
		return validateAccept(s.AcceptSurrender)
	case *Msg_RejectSurrender:
		return validateRef(s.RejectSurrender.Number, s.RejectSurrender.Remark)
	case *Msg_SwitchToPaper:
		return validateRef(s.SwitchToPaper.Number, s.SwitchToPaper.Remark)
	default:
		return base.ErrInvalidMsg.Wrapf("bill: no action is set")
	}
}

func validateRemark(r string) error {
	return validateText("remark", r, RemarkBytesMax, false)
}

func validateRef(number, remark string) error {
	if err := ValidateNumber("number", number); err != nil {
		return err
	}
	return validateRemark(remark)
}

func validateMove(number, to, remark string) error {
	if err := ValidateMemberID("to", to); err != nil {
		return err
	}
	return validateRef(number, remark)
}

func validatePledge(p *MsgPledge) error {
	if err := ValidateMemberID("bank", p.Bank); err != nil {
		return err
	}
	if p.AmountMinor <= 0 {
		return base.ErrInvalidMsg.Wrapf("amount_minor: must be positive (minor units of the currency), got %d", p.AmountMinor)
	}
	if !currencyPattern.MatchString(p.Currency) {
		return base.ErrInvalidMsg.Wrapf("currency: %q is not an ISO 4217 code such as CNY", p.Currency)
	}
	if err := validateRequiredText("agreement_reference", p.AgreementReference, TextBytesMax); err != nil {
		return err
	}
	if p.ExpiresUnix <= 0 {
		return base.ErrInvalidMsg.Wrapf("expires_unix: required (Unix seconds)")
	}
	return validateRef(p.Number, p.Remark)
}

func validateLegEvent(e *MsgRecordLegEvent) error {
	if Rec24Code(e.Type) == "" {
		return base.ErrInvalidMsg.Wrapf("type: must be DEPARTED, ARRIVED, HANDED_OVER, BORDER_CROSSED, CUSTOMS_CLEARED or DELIVERED")
	}
	if int(e.LegIndex) >= LegsMax {
		return base.ErrInvalidMsg.Wrapf("leg_index: %d is beyond the %d legs a bill may have", e.LegIndex, LegsMax)
	}
	if err := ValidateLocode("location", e.Location); err != nil {
		return err
	}
	return validateRef(e.Number, e.Remark)
}

func validateAccept(a *MsgAcceptSurrender) error {
	if a.Amended != nil {
		if err := ValidateContent(a.Amended); err != nil {
			return base.Prefix(err, "amended")
		}
		if a.Amended.Number == a.Number {
			return base.ErrInvalidMsg.Wrapf("amended.number: an amended bill needs a new number, not %s again", a.Number)
		}
	}
	return validateRef(a.Number, a.Remark)
}
