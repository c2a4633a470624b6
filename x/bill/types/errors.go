package types

import "github.com/landsea/corridor/x/base"

// Codespace is the bill module's ABCI codespace. Refusals that every module
// shares (unauthorized, invalid message, not found, already exists, invalid
// state transition, limit exceeded) use the shared codes of codespace
// "corridor"; docs/abci-codes.md lists both.
const Codespace = "bill"

// Codes of the bill module.
var (
	// ErrPledged refuses any move of a pledged bill: transfer, endorsement,
	// surrender, a second pledge or a switch to paper. Only the bank's
	// release or enforcement ends a pledge.
	ErrPledged = &base.Code{Codespace: Codespace, Code: 2, Name: "pledged"}
	// ErrStraightBill refuses moving a straight (non-negotiable) bill to
	// anyone but its named consignee.
	ErrStraightBill = &base.Code{Codespace: Codespace, Code: 3, Name: "straight bill"}
	// ErrInoperative refuses any action on a bill that was voided by an
	// amendment or replaced by paper.
	ErrInoperative = &base.Code{Codespace: Codespace, Code: 4, Name: "bill inoperative"}
	// ErrHistoryBroken reports a history that does not hash to the bill's
	// recorded head: the record or its history was altered.
	ErrHistoryBroken = &base.Code{Codespace: Codespace, Code: 5, Name: "history chain broken"}
)
