package keeper

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cosmos/gogoproto/proto"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/membership/types"
)

// Governance: a province authority submits a proposal, the provinces vote,
// and the proposal is carried out in the block whose vote brings its
// approvals to two thirds of the provinces. A proposal changes CometBFT's
// validator set (the app turns the change of the recorded set into the
// block's validator updates), admits or removes a member, or replaces a
// member's keys.

func validateProposal(m *types.MsgSubmitProposal) error {
	if err := types.ValidateReason("submit_proposal.reason", m.Reason); err != nil {
		return err
	}
	switch a := m.GetAction().(type) {
	case *types.MsgSubmitProposal_ValidatorChange:
		return types.ValidateValidatorChange("submit_proposal.validator_change", a.ValidatorChange)
	case *types.MsgSubmitProposal_MemberRemoval:
		if a.MemberRemoval == nil {
			return base.ErrInvalidMsg.Wrapf("submit_proposal.member_removal: missing")
		}
		return types.ValidateID("submit_proposal.member_removal.member_id", a.MemberRemoval.MemberId)
	case *types.MsgSubmitProposal_MemberAdmission:
		if a.MemberAdmission == nil {
			return base.ErrInvalidMsg.Wrapf("submit_proposal.member_admission: missing")
		}
		return types.ValidateMember(a.MemberAdmission.Member)
	case *types.MsgSubmitProposal_KeyReplacement:
		if a.KeyReplacement == nil {
			return base.ErrInvalidMsg.Wrapf("submit_proposal.key_replacement: missing")
		}
		if err := types.ValidateID("submit_proposal.key_replacement.member_id", a.KeyReplacement.MemberId); err != nil {
			return err
		}
		return types.ValidateKey(a.KeyReplacement.Key)
	default:
		return base.ErrInvalidMsg.Wrapf("submit_proposal: no action set; a proposal names what it changes (validator_change, member_removal, member_admission or key_replacement)")
	}
}

// setAction records the submitted action in the proposal and returns the
// event attributes that describe it.
func setAction(p *types.Proposal, m *types.MsgSubmitProposal) []string {
	switch a := m.GetAction().(type) {
	case *types.MsgSubmitProposal_ValidatorChange:
		c := a.ValidatorChange
		p.Action = &types.Proposal_ValidatorChange{ValidatorChange: c}
		return []string{"action", "validator_change", "province", c.Province, "pub_key", hex.EncodeToString(c.PubKey), "power", strconv.FormatInt(c.Power, 10)}
	case *types.MsgSubmitProposal_MemberRemoval:
		p.Action = &types.Proposal_MemberRemoval{MemberRemoval: a.MemberRemoval}
		return []string{"action", "member_removal", "member", a.MemberRemoval.MemberId}
	case *types.MsgSubmitProposal_MemberAdmission:
		// The ledger sets a member's and its keys' status and heights;
		// the proposal records none that the submitter may have put.
		m := proto.Clone(a.MemberAdmission.Member).(*types.Member)
		m.Status, m.AdmittedHeight = types.MemberStatus_MEMBER_STATUS_UNSPECIFIED, 0
		for _, k := range m.Keys {
			clearKeyState(k)
		}
		p.Action = &types.Proposal_MemberAdmission{MemberAdmission: &types.MemberAdmission{Member: m}}
		return []string{"action", "member_admission", "member", m.Id, "province", m.Province}
	case *types.MsgSubmitProposal_KeyReplacement:
		c := &types.KeyReplacement{MemberId: a.KeyReplacement.MemberId, Key: proto.Clone(a.KeyReplacement.Key).(*types.Key)}
		clearKeyState(c.Key)
		p.Action = &types.Proposal_KeyReplacement{KeyReplacement: c}
		return []string{"action", "key_replacement", "member", c.MemberId, "key", c.Key.Id}
	}
	return nil
}

// clearKeyState clears what the ledger sets in a key it records.
func clearKeyState(k *types.Key) {
	k.Status, k.AddedHeight, k.NotAfterHeight = types.KeyStatus_KEY_STATUS_UNSPECIFIED, 0, 0
}

// check says why the proposal's action cannot be carried out now, or
// returns what carries it out.
func (k Keeper) check(r base.Reader, p *types.Proposal) (carryOut func(base.Context) error, err error) {
	switch a := p.GetAction().(type) {
	case *types.Proposal_ValidatorChange:
		if err := k.checkValidatorChange(r, a.ValidatorChange); err != nil {
			return nil, err
		}
		return func(ctx base.Context) error { return k.applyValidatorChange(ctx, a.ValidatorChange) }, nil
	case *types.Proposal_MemberRemoval:
		m, err := k.removable(r, a.MemberRemoval.MemberId)
		if err != nil {
			return nil, err
		}
		return func(ctx base.Context) error {
			m.Status = types.MemberStatus_MEMBER_STATUS_REMOVED
			ctx.Emit("membership.member_removed", "member", m.Id, "province", m.Province, "proposal", strconv.FormatUint(p.Id, 10))
			return k.save(ctx, m, false)
		}, nil
	case *types.Proposal_MemberAdmission:
		// The proposal keeps the member as submitted; the ledger's copy
		// gets the status and heights.
		m := a.MemberAdmission.Member
		if err := k.admissible(r, m); err != nil {
			return nil, err
		}
		return func(ctx base.Context) error {
			return k.admit(ctx, proto.Clone(m).(*types.Member), "proposal", strconv.FormatUint(p.Id, 10))
		}, nil
	case *types.Proposal_KeyReplacement:
		c := a.KeyReplacement
		m, err := k.registered(r, c.MemberId)
		if err != nil {
			return nil, err
		}
		if m.Status == types.MemberStatus_MEMBER_STATUS_REMOVED {
			return nil, base.ErrInvalidTransition.Wrapf("member %q was removed from the network; its keys sign nothing and are not replaced", c.MemberId)
		}
		if err := k.newKeyID(r, m, c.Key.Id); err != nil {
			return nil, err
		}
		return func(ctx base.Context) error { return k.replaceKeys(ctx, m, proto.Clone(c.Key).(*types.Key), p.Id) }, nil
	}
	return nil, fmt.Errorf("membership: proposal %d has no action", p.Id)
}

// replaceKeys revokes every key of m that can still sign, or would from a
// later height, and adds key.
func (k Keeper) replaceKeys(ctx base.Context, m *types.Member, key *types.Key, proposal uint64) error {
	var revoked []string
	for _, old := range m.Keys {
		if canSign(old, ctx.Height) { // a key revoked from a later height signs until then
			old.Status = types.KeyStatus_KEY_STATUS_REVOKED
			old.NotAfterHeight = ctx.Height
			revoked = append(revoked, old.Id)
		}
	}
	attrs, err := appendKey(ctx, m, key)
	if err != nil {
		return err
	}
	ctx.Emit("membership.keys_replaced", append(attrs, "revoked", strings.Join(revoked, ","), "proposal", strconv.FormatUint(proposal, 10))...)
	return k.save(ctx, m, false)
}

// removable returns the member if a proposal may remove it.
func (k Keeper) removable(r base.Reader, id string) (*types.Member, error) {
	m, err := k.registered(r, id)
	switch {
	case err != nil:
		return nil, err
	case types.HasRole(m, types.Role_ROLE_PROVINCE_AUTHORITY):
		return nil, base.ErrUnauthorized.Wrapf("%q is a province authority; the 15 provinces are named in genesis and are not removed", id)
	case m.Status == types.MemberStatus_MEMBER_STATUS_REMOVED:
		return nil, base.ErrInvalidTransition.Wrapf("member %q is already removed", id)
	}
	return m, nil
}

func (k Keeper) submitProposal(ctx base.Context, msg *types.MsgSubmitProposal) error {
	signer, err := k.MustHaveRole(ctx.State, ctx.Signer, types.Role_ROLE_PROVINCE_AUTHORITY)
	if err != nil {
		return err
	}
	open := 0
	if err := base.IteratePrefix(ctx.Index, types.OpenProposalPrefix(), func(_, _ []byte) bool {
		open++
		return true
	}); err != nil {
		return err
	}
	if open >= types.OpenProposalsMax {
		return base.ErrLimitExceeded.Wrapf("%d proposals are open, the most allowed; vote on them or wait until they close", open)
	}
	id, err := k.nextProposalID(ctx.State)
	if err != nil {
		return err
	}
	p := &types.Proposal{
		Id:              id,
		Proposer:        signer.Id,
		Reason:          msg.Reason,
		SubmittedHeight: ctx.Height,
		VotingEndHeight: ctx.Height + types.ProposalVotingBlocks,
		Approvals:       []string{signer.Id},
		Status:          types.ProposalStatus_PROPOSAL_STATUS_OPEN,
	}
	attrs := setAction(p, msg)
	// An action that could not be carried out now is refused at once
	// rather than put to a vote; it is checked again when it passes.
	if _, err := k.check(ctx.State, p); err != nil {
		return err
	}
	ctx.State.Set(types.NextProposalKey(), binary.BigEndian.AppendUint64(nil, id+1))
	ctx.Index.Set(types.OpenProposalKey(id), []byte{})
	ctx.Emit("membership.proposal_submitted", append(append([]string{"proposal", strconv.FormatUint(id, 10), "by", signer.Id}, attrs...),
		"voting_end_height", strconv.FormatInt(p.VotingEndHeight, 10))...)
	return k.tally(ctx, p)
}

func (k Keeper) vote(ctx base.Context, msg *types.MsgVote) error {
	signer, err := k.MustHaveRole(ctx.State, ctx.Signer, types.Role_ROLE_PROVINCE_AUTHORITY)
	if err != nil {
		return err
	}
	p, err := k.Proposal(ctx.State, msg.ProposalId)
	if err != nil {
		return err
	}
	if p == nil {
		return base.ErrNotFound.Wrapf("there is no proposal %d", msg.ProposalId)
	}
	if p.Status != types.ProposalStatus_PROPOSAL_STATUS_OPEN {
		return base.ErrInvalidTransition.Wrapf("proposal %d is %s since height %d and takes no more votes", p.Id, p.Status, p.ClosedHeight)
	}
	if slices.Contains(p.Approvals, signer.Id) || slices.Contains(p.Rejections, signer.Id) {
		return base.ErrAlreadyExists.Wrapf("province %q has already voted on proposal %d; each province votes once", signer.Id, p.Id)
	}
	vote := "reject"
	if msg.Approve {
		vote = "approve"
		p.Approvals = append(p.Approvals, signer.Id)
	} else {
		p.Rejections = append(p.Rejections, signer.Id)
	}
	ctx.Emit("membership.proposal_vote", "proposal", strconv.FormatUint(p.Id, 10), "by", signer.Id, "vote", vote,
		"approvals", strconv.Itoa(len(p.Approvals)), "rejections", strconv.Itoa(len(p.Rejections)))
	return k.tally(ctx, p)
}

// tally closes the proposal if its votes decide it, carries it out if it
// passed, and saves it.
func (k Keeper) tally(ctx base.Context, p *types.Proposal) error {
	switch {
	case len(p.Approvals) >= types.ApprovalsToPass():
		carryOut, err := k.check(ctx.State, p)
		if err != nil {
			// The ledger changed since the proposal was submitted: it
			// passed, but cannot be carried out. The vote still stands.
			p.Outcome = err.Error()
			k.close(ctx, p, types.ProposalStatus_PROPOSAL_STATUS_FAILED)
			ctx.Emit("membership.proposal_failed", "proposal", strconv.FormatUint(p.Id, 10), "outcome", p.Outcome)
			break
		}
		if err := carryOut(ctx); err != nil {
			return err
		}
		k.close(ctx, p, types.ProposalStatus_PROPOSAL_STATUS_PASSED)
		ctx.Emit("membership.proposal_passed", "proposal", strconv.FormatUint(p.Id, 10), "approvals", strconv.Itoa(len(p.Approvals)))
	case len(p.Rejections) >= types.RejectionsToReject():
		k.close(ctx, p, types.ProposalStatus_PROPOSAL_STATUS_REJECTED)
		ctx.Emit("membership.proposal_rejected", "proposal", strconv.FormatUint(p.Id, 10), "rejections", strconv.Itoa(len(p.Rejections)))
	}
	return k.saveProposal(ctx.State, p)
}

func (Keeper) close(ctx base.Context, p *types.Proposal, status types.ProposalStatus) {
	p.Status, p.ClosedHeight = status, ctx.Height
	ctx.Index.Delete(types.OpenProposalKey(p.Id))
}

// EndBlock expires the open proposals whose last voting height is this
// block's.
func (k Keeper) EndBlock(ctx base.Context) error {
	var due []uint64
	err := base.IteratePrefix(ctx.Index, types.OpenProposalPrefix(), func(key, _ []byte) bool {
		if len(key) == 9 {
			due = append(due, binary.BigEndian.Uint64(key[1:]))
		}
		return true
	})
	if err != nil {
		return err
	}
	for _, id := range due {
		p, err := k.Proposal(ctx.State, id)
		if err != nil {
			return err
		}
		if p == nil {
			return fmt.Errorf("membership: open proposal %d has no record", id)
		}
		if ctx.Height < p.VotingEndHeight {
			continue
		}
		k.close(ctx, p, types.ProposalStatus_PROPOSAL_STATUS_EXPIRED)
		ctx.Emit("membership.proposal_expired", "proposal", strconv.FormatUint(id, 10),
			"approvals", strconv.Itoa(len(p.Approvals)), "rejections", strconv.Itoa(len(p.Rejections)))
		if err := k.saveProposal(ctx.State, p); err != nil {
			return err
		}
	}
	return nil
}

// checkValidatorChange says why the change cannot be made to the recorded
// validator set, or nil if it can.
func (k Keeper) checkValidatorChange(r base.Reader, c *types.ValidatorChange) error {
	vals, err := k.Validators(r)
	if err != nil {
		return err
	}
	var cur *types.Validator
	for _, v := range vals {
		if bytes.Equal(v.PubKey, c.PubKey) {
			cur = v
		}
	}
	key := hex.EncodeToString(c.PubKey)
	switch {
	case cur == nil && c.Power == 0:
		return base.ErrNotFound.Wrapf("validator %s is not in the validator set; there is nothing to remove", key)
	case cur == nil && len(vals) >= types.ValidatorsMax:
		return base.ErrLimitExceeded.Wrapf("the validator set has %d validators, the most allowed", len(vals))
	case cur != nil && cur.Province != "" && cur.Province != c.Province:
		return base.ErrUnauthorized.Wrapf("validator %s is run by province %q, not %q", key, cur.Province, c.Province)
	case cur != nil && cur.Power == c.Power:
		return base.ErrInvalidTransition.Wrapf("validator %s already has power %d", key, c.Power)
	case cur != nil && c.Power == 0 && len(vals) == 1:
		return base.ErrInvalidTransition.Wrapf("validator %s is the last one; the network needs a validator", key)
	}
	return nil
}

func (k Keeper) applyValidatorChange(ctx base.Context, c *types.ValidatorChange) error {
	key := types.ValidatorKey(c.PubKey)
	if c.Power == 0 {
		ctx.State.Delete(key)
	} else {
		bz, err := (&types.Validator{PubKey: c.PubKey, Power: c.Power, Province: c.Province, SinceHeight: ctx.Height}).Marshal()
		if err != nil {
			return err
		}
		ctx.State.Set(key, bz)
	}
	ctx.Emit("membership.validator_changed", "province", c.Province, "pub_key", hex.EncodeToString(c.PubKey), "power", strconv.FormatInt(c.Power, 10))
	return nil
}

// InitValidators records the genesis validator set, which CometBFT hands
// to InitChain.
func (Keeper) InitValidators(ctx base.Context, vals []*types.Validator) error {
	for i, v := range vals {
		if len(v.PubKey) != 32 || v.Power <= 0 {
			return fmt.Errorf("membership genesis: validator %d: want a 32-byte Ed25519 key and a positive power, got %d bytes and power %d", i, len(v.PubKey), v.Power)
		}
		bz, err := v.Marshal()
		if err != nil {
			return err
		}
		ctx.State.Set(types.ValidatorKey(v.PubKey), bz)
	}
	return nil
}

// Validators returns the recorded validator set in public-key order.
func (Keeper) Validators(r base.Reader) ([]*types.Validator, error) {
	var out []*types.Validator
	var derr error
	err := base.IteratePrefix(r, types.ValidatorPrefix(), func(key, value []byte) bool {
		v := &types.Validator{}
		if derr = v.Unmarshal(value); derr != nil {
			derr = fmt.Errorf("membership: stored validator %x does not decode: %w", key[1:], derr)
			return false
		}
		out = append(out, v)
		return true
	})
	if err == nil {
		err = derr
	}
	return out, err
}

// Proposal returns the proposal with id, or (nil, nil) when there is none.
func (Keeper) Proposal(r base.Reader, id uint64) (*types.Proposal, error) {
	bz, err := r.Get(types.ProposalKey(id))
	if err != nil || bz == nil {
		return nil, err
	}
	return decodeProposal(bz, id)
}

func decodeProposal(bz []byte, id uint64) (*types.Proposal, error) {
	p := &types.Proposal{}
	if err := p.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("membership: stored proposal %d does not decode: %w", id, err)
	}
	return p, nil
}

func (Keeper) saveProposal(kv base.KV, p *types.Proposal) error {
	bz, err := p.Marshal()
	if err != nil {
		return err
	}
	kv.Set(types.ProposalKey(p.Id), bz)
	return nil
}

func (Keeper) nextProposalID(r base.Reader) (uint64, error) {
	bz, err := r.Get(types.NextProposalKey())
	switch {
	case err != nil:
		return 0, err
	case bz == nil:
		return 1, nil
	case len(bz) != 8:
		return 0, fmt.Errorf("membership: stored next proposal id has %d bytes", len(bz))
	}
	return binary.BigEndian.Uint64(bz), nil
}
