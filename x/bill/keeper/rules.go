package keeper

import (
	"strings"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/types"
)

// Op is one step of the state machine on an existing bill. Issuing a new
// bill is not an Op: it has no bill to check against.
type Op int

// The steps, in the order of the table in x/bill/README.md.
const (
	OpIssueDraft Op = iota
	OpTransfer
	OpEndorse
	OpPledge
	OpRelease
	OpEnforce
	OpLegEvent
	OpSurrenderForDelivery
	OpSurrenderForAmendment
	OpAcceptSurrender
	OpRejectSurrender
	OpSwitchToPaper
	opCount
)

// actor says whose signature a step needs.
type actor int

const (
	actorIssuer     actor = iota // the bill's issuer
	actorPossessor               // the possessor (MLETR holder)
	actorHolder                  // the possessor who is also the title holder
	actorPledgee                 // the bank the bill is pledged to
	actorLegCarrier              // the carrier of the leg the event is for
)

type rule struct {
	name     string
	statuses []types.BillStatus
	actor    actor
	// moves marks steps that move the bill; on a pledged bill they are
	// refused with ErrPledged.
	moves bool
}

var (
	sIssued  = []types.BillStatus{types.BillStatus_BILL_STATUS_ISSUED}
	sPledged = []types.BillStatus{types.BillStatus_BILL_STATUS_PLEDGED}
	sPending = []types.BillStatus{types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY,
		types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT}
	sCarried = []types.BillStatus{types.BillStatus_BILL_STATUS_ISSUED, types.BillStatus_BILL_STATUS_PLEDGED,
		types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY, types.BillStatus_BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT,
		types.BillStatus_BILL_STATUS_SURRENDERED_FOR_DELIVERY}
)

// rules is the state machine: in which statuses a step is allowed, and who
// may take it.
var rules = [opCount]rule{
	OpIssueDraft:            {"ISSUE_DRAFT", []types.BillStatus{types.BillStatus_BILL_STATUS_DRAFT}, actorIssuer, false},
	OpTransfer:              {"TRANSFER", sIssued, actorPossessor, true},
	OpEndorse:               {"ENDORSE", sIssued, actorHolder, true},
	OpPledge:                {"PLEDGE", sIssued, actorHolder, true},
	OpRelease:               {"RELEASE", sPledged, actorPledgee, false},
	OpEnforce:               {"ENFORCE", sPledged, actorPledgee, false},
	OpLegEvent:              {"LEG_EVENT", sCarried, actorLegCarrier, false},
	OpSurrenderForDelivery:  {"SURRENDER_FOR_DELIVERY", sIssued, actorHolder, true},
	OpSurrenderForAmendment: {"SURRENDER_FOR_AMENDMENT", sIssued, actorHolder, true},
	OpAcceptSurrender:       {"ACCEPT_SURRENDER", sPending, actorIssuer, false},
	OpRejectSurrender:       {"REJECT_SURRENDER", sPending, actorIssuer, false},
	OpSwitchToPaper:         {"SWITCH_TO_PAPER", sIssued, actorHolder, true},
}

// OpName is the step's name in the README's table.
func OpName(op Op) string { return rules[op].name }

// Ops lists every step.
func Ops() []Op {
	out := make([]Op, opCount)
	for i := range out {
		out[i] = Op(i)
	}
	return out
}

// Check decides whether signer may take step op on b, in this order: an
// inoperative bill refuses everything (ErrInoperative); a step not allowed
// in the bill's status is refused with ErrPledged when the bill is pledged
// and the step would move it, else with ErrInvalidTransition; then the
// signer must be the party the step needs (ErrUnauthorized). legIndex is
// used by leg events only.
func Check(b *types.Bill, op Op, signer string, legIndex uint32) error {
	r := rules[op]
	n := b.Content.Number
	switch b.Status {
	case types.BillStatus_BILL_STATUS_VOID:
		return types.ErrInoperative.Wrapf("bill %s was voided and replaced by bill %s", n, b.ReplacedBy)
	case types.BillStatus_BILL_STATUS_SWITCHED_TO_PAPER:
		return types.ErrInoperative.Wrapf("bill %s was switched to paper; the electronic record no longer has effect", n)
	}
	if !statusIn(b.Status, r.statuses) {
		if b.Status == types.BillStatus_BILL_STATUS_PLEDGED && r.moves {
			return types.ErrPledged.Wrapf("bill %s is pledged to %s; %s is refused until the bank releases or enforces the pledge", n, b.Pledge.GetBank(), r.name)
		}
		return base.ErrInvalidTransition.Wrapf("%s is not allowed on bill %s in status %s (allowed in %s)", r.name, n, statusName(b.Status), statusNames(r.statuses))
	}
	return checkActor(b, r, signer, legIndex)
}

func checkActor(b *types.Bill, r rule, signer string, legIndex uint32) error {
	n := b.Content.Number
	switch r.actor {
	case actorIssuer:
		if signer != b.Issuer {
			return base.ErrUnauthorized.Wrapf("%s on bill %s is for its issuer %s, not %s", r.name, n, b.Issuer, signer)
		}
	case actorPossessor:
		if signer != b.Possessor {
			return base.ErrUnauthorized.Wrapf("%s on bill %s is for its holder %s, not %s", r.name, n, b.Possessor, signer)
		}
	case actorHolder:
		if signer != b.Possessor || signer != b.TitleHolder {
			return base.ErrUnauthorized.Wrapf("%s on bill %s needs a holder with title: possessor is %s, title holder is %s, signer is %s",
				r.name, n, b.Possessor, b.TitleHolder, signer)
		}
	case actorPledgee:
		if signer != b.Pledge.GetBank() {
			return base.ErrUnauthorized.Wrapf("%s on bill %s is for the pledgee bank %s, not %s", r.name, n, b.Pledge.GetBank(), signer)
		}
	case actorLegCarrier:
		if int(legIndex) >= len(b.Content.Legs) {
			return base.ErrInvalidMsg.Wrapf("leg_index: bill %s has %d legs, there is no leg %d", n, len(b.Content.Legs), legIndex)
		}
		if c := b.Content.Legs[legIndex].Carrier; signer != c {
			return base.ErrUnauthorized.Wrapf("events of leg %d of bill %s are recorded by its carrier %s, not %s", legIndex, n, c, signer)
		}
	}
	return nil
}

func statusIn(s types.BillStatus, list []types.BillStatus) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// StatusName is a status without its enum prefix, e.g. "ISSUED".
func StatusName(s types.BillStatus) string { return statusName(s) }

func statusName(s types.BillStatus) string {
	return strings.TrimPrefix(s.String(), "BILL_STATUS_")
}

func statusNames(list []types.BillStatus) string {
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = statusName(s)
	}
	return strings.Join(names, ", ")
}

func actionName(a types.Action) string {
	return strings.ToLower(strings.TrimPrefix(a.String(), "ACTION_"))
}
