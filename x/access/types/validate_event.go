package types

import (
	"crypto/sha256"

	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// ValidateEvent checks an access event as a node submits it: every field
// the node fills is well formed, and the fields the ledger sets are empty.
func ValidateEvent(e *AccessEvent) error {
	if e == nil {
		return base.ErrInvalidMsg.Wrapf("event: missing")
	}
	if len(e.Id) != EventIDBytes {
		return base.ErrInvalidMsg.Wrapf("id: must be %d bytes, got %d", EventIDBytes, len(e.Id))
	}
	if err := validateEventParties(e); err != nil {
		return err
	}
	if err := ValidateRecordType("record_type", e.RecordType); err != nil {
		return err
	}
	if err := ValidateRecordID("record_id", e.RecordId); err != nil {
		return err
	}
	if err := ValidatePurpose("purpose", e.Purpose); err != nil {
		return err
	}
	if err := textField("purpose_text", e.PurposeText, 0, PurposeTextBytesMax); err != nil {
		return err
	}
	if err := validateOutcome(e); err != nil {
		return err
	}
	if e.RequestTimeUnixNano <= 0 {
		return base.ErrInvalidMsg.Wrapf("request_time_unix_nano: must be a positive unix time in nanoseconds")
	}
	if e.Height != 0 || e.BlockTimeUnixNano != 0 || len(e.TxHash) != 0 {
		return base.ErrInvalidMsg.Wrapf("height, block_time_unix_nano and tx_hash are set by the ledger; leave them empty")
	}
	return nil
}

func validateEventParties(e *AccessEvent) error {
	if err := mt.ValidateID("reader", e.Reader); err != nil {
		return err
	}
	if err := mt.ValidateID("owner", e.Owner); err != nil {
		return err
	}
	if e.Reader == e.Owner {
		return base.ErrInvalidMsg.Wrapf("reader: %q owns the record; an owner's own reads are not access events", e.Reader)
	}
	if !mt.IsProvince(e.ReaderProvince) {
		return base.ErrInvalidMsg.Wrapf("reader_province: %q is not one of the 15 corridor provinces", e.ReaderProvince)
	}
	if !mt.IsProvince(e.Province) {
		return base.ErrInvalidMsg.Wrapf("province: %q is not one of the 15 corridor provinces", e.Province)
	}
	return textField("node_id", e.NodeId, 1, NodeIDBytesMax)
}

func validateOutcome(e *AccessEvent) error {
	switch e.Result {
	case AccessResult_ACCESS_RESULT_SERVED:
		if len(e.ContentHash) != sha256.Size {
			return base.ErrInvalidMsg.Wrapf("content_hash: a served read carries the SHA-256 of what was sent (%d bytes), got %d", sha256.Size, len(e.ContentHash))
		}
		if e.Basis != AccessBasis_ACCESS_BASIS_PARTY && e.Basis != AccessBasis_ACCESS_BASIS_GRANT {
			return base.ErrInvalidMsg.Wrapf("basis: a served read is on basis PARTY or GRANT, got %s", e.Basis)
		}
		if e.DenialReason != "" {
			return base.ErrInvalidMsg.Wrapf("denial_reason: must be empty for a served read")
		}
	case AccessResult_ACCESS_RESULT_DENIED:
		if len(e.ContentHash) != 0 {
			return base.ErrInvalidMsg.Wrapf("content_hash: a denied read sent nothing; leave it empty")
		}
		if e.Basis != AccessBasis_ACCESS_BASIS_NONE {
			return base.ErrInvalidMsg.Wrapf("basis: a denied read has basis NONE, got %s", e.Basis)
		}
		if err := textField("denial_reason", e.DenialReason, 1, DenialReasonBytesMax); err != nil {
			return err
		}
	default:
		return base.ErrInvalidMsg.Wrapf("result: must be ACCESS_RESULT_SERVED or ACCESS_RESULT_DENIED")
	}
	if (e.Basis == AccessBasis_ACCESS_BASIS_GRANT) != (e.GrantId != 0) {
		return base.ErrInvalidMsg.Wrapf("grant_id: set exactly when basis is GRANT (basis %s, grant_id %d)", e.Basis, e.GrantId)
	}
	return nil
}
