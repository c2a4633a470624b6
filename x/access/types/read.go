package types

import (
	"time"

	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// Limits on signed read requests.
const (
	NonceBytesMin = 16
	NonceBytesMax = 64
	// ReadValidityMax is how far ahead of the node's clock a read request
	// may expire; it bounds how long a node must remember a nonce.
	ReadValidityMax = 10 * time.Minute
	// ReadBodyBytesMax bounds an encoded ReadBody.
	ReadBodyBytesMax = 4096
)

// ValidateReadBody checks a read request's fields against the node's wall
// clock now.
func ValidateReadBody(b *ReadBody, now time.Time) error {
	if err := mt.ValidateID("member_id", b.MemberId); err != nil {
		return err
	}
	if b.KeyId == "" {
		return base.ErrInvalidMsg.Wrapf("key_id: missing")
	}
	if err := ValidateRecordType("record_type", b.RecordType); err != nil {
		return err
	}
	if err := ValidateRecordID("record_id", b.RecordId); err != nil {
		return err
	}
	if err := ValidatePurpose("purpose", b.Purpose); err != nil {
		return err
	}
	if err := textField("purpose_text", b.PurposeText, 0, PurposeTextBytesMax); err != nil {
		return err
	}
	if len(b.Nonce) < NonceBytesMin || len(b.Nonce) > NonceBytesMax {
		return base.ErrInvalidMsg.Wrapf("nonce: must be %d-%d random bytes, got %d", NonceBytesMin, NonceBytesMax, len(b.Nonce))
	}
	exp := time.Unix(0, b.ExpiresUnixNano)
	if b.ExpiresUnixNano <= now.UnixNano() {
		return base.ErrInvalidMsg.Wrapf("expires_unix_nano: the request expired at %s (node time %s); sign a new one", exp.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if exp.Sub(now) > ReadValidityMax {
		return base.ErrInvalidMsg.Wrapf("expires_unix_nano: %s is more than %s after the node's time %s", exp.UTC().Format(time.RFC3339), ReadValidityMax, now.UTC().Format(time.RFC3339))
	}
	return nil
}
