package types

import "github.com/landsea/corridor/x/base"

// Codespace of the access module's own ABCI codes. Bad input uses the
// shared codes (invalid message 12, not found 13, unauthorized 11, invalid
// transition 17, limit exceeded 18); docs/abci-codes.md lists them all with
// what a submitter should do.
const Codespace = "access"

// Codes of the access module.
var (
	// ErrGrantNotActive: the grant was already revoked or has expired.
	ErrGrantNotActive = &base.Code{Codespace: Codespace, Code: 2, Name: "grant not active"}
	// ErrNotGrantOwner: only the member that gave a grant may revoke it.
	ErrNotGrantOwner = &base.Code{Codespace: Codespace, Code: 3, Name: "not the grant's owner"}
	// ErrExpiryNotAhead: the expiry is not after the current block time, or too far ahead.
	ErrExpiryNotAhead = &base.Code{Codespace: Codespace, Code: 4, Name: "expiry out of range"}
	// ErrWrongProvince: an event batch names a serving province other than its signer.
	ErrWrongProvince = &base.Code{Codespace: Codespace, Code: 5, Name: "wrong serving province"}
)
