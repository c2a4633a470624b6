package types

import (
	"github.com/landsea/corridor/x/base"
)

// Limits and rules of governance.
const (
	// ProposalVotingBlocks is how many blocks after its submission a
	// proposal takes votes: about a week at one block every six seconds.
	ProposalVotingBlocks = 100_000
	// OpenProposalsMax bounds the proposals open at once (the end of
	// every block looks at each of them).
	OpenProposalsMax = 32
	// ReasonBytesMax bounds the reason a proposal, a suspension or a
	// reinstatement records.
	ReasonBytesMax = 256
	// ValidatorPowerMax bounds one validator's voting power.
	ValidatorPowerMax = 10_000
	// ValidatorsMax bounds the validator set.
	ValidatorsMax = 100
	// Ed25519PubKeyType is CometBFT's name for the validators' key type.
	Ed25519PubKeyType = "ed25519"
)

// ApprovalsToPass is how many provinces must approve a proposal: two
// thirds of them, rounded up (10 of 15).
func ApprovalsToPass() int { return (2*len(Provinces) + 2) / 3 }

// RejectionsToReject is how many rejections leave a proposal unable to
// pass (6 of 15).
func RejectionsToReject() int { return len(Provinces) - ApprovalsToPass() + 1 }

// ValidateReason checks the reason a message records.
func ValidateReason(field, reason string) error {
	return base.Require(reason != "" && len(reason) <= ReasonBytesMax, field,
		"say why in 1 to %d bytes, got %d", ReasonBytesMax, len(reason))
}

// ValidateValidatorChange checks a validator change without state.
func ValidateValidatorChange(field string, c *ValidatorChange) error {
	if c == nil {
		return base.ErrInvalidMsg.Wrapf("%s: missing", field)
	}
	if !IsProvince(c.Province) {
		return base.ErrInvalidMsg.Wrapf("%s.province: %q is not one of the 15 provinces; a validator is run by a province", field, c.Province)
	}
	if len(c.PubKey) != 32 {
		return base.ErrInvalidMsg.Wrapf("%s.pub_key: an Ed25519 public key is 32 bytes, got %d (the \"pub_key\" value of the node's priv_validator_key.json)", field, len(c.PubKey))
	}
	if c.Power < 0 || c.Power > ValidatorPowerMax {
		return base.ErrInvalidMsg.Wrapf("%s.power: must be 0 (remove the validator) to %d, got %d", field, ValidatorPowerMax, c.Power)
	}
	return nil
}
