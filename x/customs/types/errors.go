package types

import "github.com/landsea/corridor/x/base"

// Codespace of the customs module's own ABCI codes. Bad input uses the
// shared codes (invalid message 12, not found 13, already exists 14,
// unauthorized 11, invalid transition 17, limit exceeded 18);
// docs/abci-codes.md lists them all with what a submitter should do.
const Codespace = "customs"

// Codes of the customs module.
var (
	// ErrDocumentClosed: the document is released or rejected; no decision can follow.
	ErrDocumentClosed = &base.Code{Codespace: Codespace, Code: 2, Name: "document closed"}
	// ErrAmendmentClosed: a document of the current version was accepted, so the declaration can no longer be amended.
	ErrAmendmentClosed = &base.Code{Codespace: Codespace, Code: 3, Name: "amendment closed"}
	// ErrStaleVersion: the message names a version that is not the current one.
	ErrStaleVersion = &base.Code{Codespace: Codespace, Code: 4, Name: "stale version"}
	// ErrWrongJurisdiction: the customs office does not decide for the document's jurisdiction.
	ErrWrongJurisdiction = &base.Code{Codespace: Codespace, Code: 5, Name: "wrong jurisdiction"}
	// ErrFormLimit: a jurisdiction's form cannot carry the declaration (e.g. too many containers).
	ErrFormLimit = &base.Code{Codespace: Codespace, Code: 6, Name: "form limit"}
)
