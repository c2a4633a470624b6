package types

import (
	"time"

	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// Record types the node's read service serves and grants may name.
const (
	// RecordTypeDeclaration is a customs declaration; its id is
	// "<declarant member>/<trader reference>".
	RecordTypeDeclaration = "customs.declaration"
	// RecordTypeBill is a multimodal single bill; its id is the bill number.
	RecordTypeBill = "bill"
)

// RecordTypes lists the record types, in a fixed order.
var RecordTypes = []string{RecordTypeDeclaration, RecordTypeBill}

// Limits of the access module.
const (
	PurposeTextBytesMax  = 512
	LegalBasisBytesMax   = 256
	RevokeReasonBytesMax = 512
	DenialReasonBytesMax = 512
	RecordIDBytesMax     = 200
	NodeIDBytesMax       = 64
	// GrantDurationMax is how far ahead of the block time a grant may expire.
	GrantDurationMax = 5 * 365 * 24 * time.Hour
	// EventsPerMsgMax is the most events one MsgRecordAccessEvents carries.
	EventsPerMsgMax = 1000
	// ExpiriesPerBlockMax is the most grants EndBlock expires in one block;
	// the rest expire in the next blocks.
	ExpiriesPerBlockMax = 10000
)

// ValidateRecordType checks that t is a record type the corridor serves.
func ValidateRecordType(field, t string) error {
	for _, known := range RecordTypes {
		if t == known {
			return nil
		}
	}
	return base.ErrInvalidMsg.Wrapf("%s: %q is not a record type; use one of %v", field, t, RecordTypes)
}

// ValidateRecordID checks a record id's shape.
func ValidateRecordID(field, id string) error {
	return base.Require(id != "" && len(id) <= RecordIDBytesMax, field, "must be 1-%d bytes, got %d", RecordIDBytesMax, len(id))
}

// ValidatePurpose checks a purpose code.
func ValidatePurpose(field string, p Purpose) error {
	_, ok := Purpose_name[int32(p)]
	return base.Require(ok && p != Purpose_PURPOSE_UNSPECIFIED, field, "%d is not a purpose; use e.g. PURPOSE_CUSTOMS_CONTROL", p)
}

func textField(field, s string, minBytes, maxBytes int) error {
	return base.Require(len(s) >= minBytes && len(s) <= maxBytes, field, "must be %d-%d bytes, got %d", minBytes, maxBytes, len(s))
}

// ValidateMsg checks a message without state.
func ValidateMsg(msg *Msg) error {
	switch m := msg.GetSum().(type) {
	case *Msg_Grant:
		return ValidateGrantMsg(m.Grant)
	case *Msg_Revoke:
		if m.Revoke.GrantId == 0 {
			return base.ErrInvalidMsg.Wrapf("revoke.grant_id: missing")
		}
		return textField("revoke.reason", m.Revoke.Reason, 0, RevokeReasonBytesMax)
	case *Msg_RecordEvents:
		return ValidateEventsMsg(m.RecordEvents)
	default:
		return base.ErrInvalidMsg.Wrapf("access message: no action set (grant, revoke or record_events)")
	}
}

// ValidateGrantMsg checks a grant's stateless fields.
func ValidateGrantMsg(m *MsgGrantAccess) error {
	if m == nil {
		return base.ErrInvalidMsg.Wrapf("grant: missing")
	}
	if err := mt.ValidateID("grant.grantee", m.Grantee); err != nil {
		return err
	}
	if err := ValidateRecordType("grant.record_type", m.RecordType); err != nil {
		return err
	}
	switch m.Scope {
	case GrantScope_GRANT_SCOPE_RECORD:
		if err := ValidateRecordID("grant.record_id", m.RecordId); err != nil {
			return err
		}
	case GrantScope_GRANT_SCOPE_CLASS:
		if m.RecordId != "" {
			return base.ErrInvalidMsg.Wrapf("grant.record_id: must be empty for a class grant (it covers every %s of the signer)", m.RecordType)
		}
	default:
		return base.ErrInvalidMsg.Wrapf("grant.scope: must be GRANT_SCOPE_RECORD or GRANT_SCOPE_CLASS")
	}
	if err := ValidatePurpose("grant.purpose", m.Purpose); err != nil {
		return err
	}
	if err := textField("grant.purpose_text", m.PurposeText, 1, PurposeTextBytesMax); err != nil {
		return err
	}
	if err := textField("grant.legal_basis", m.LegalBasis, 1, LegalBasisBytesMax); err != nil {
		return err
	}
	return base.Require(m.ExpiresUnixNano > 0, "grant.expires_unix_nano", "must be a positive unix time in nanoseconds")
}

// ValidateEventsMsg checks an event batch.
func ValidateEventsMsg(m *MsgRecordAccessEvents) error {
	if m == nil || len(m.Events) == 0 {
		return base.ErrInvalidMsg.Wrapf("record_events.events: at least one event is required")
	}
	if len(m.Events) > EventsPerMsgMax {
		return base.ErrLimitExceeded.Wrapf("record_events.events: %d events, at most %d per message", len(m.Events), EventsPerMsgMax)
	}
	for i, e := range m.Events {
		if err := ValidateEvent(e); err != nil {
			return base.Prefix(err, "record_events.events[%d]", i)
		}
	}
	return nil
}
