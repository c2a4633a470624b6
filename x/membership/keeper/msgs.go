package keeper

import (
	"fmt"
	"slices"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/membership/types"
)

// ValidateMsg checks a message without state.
func ValidateMsg(msg *types.Msg) error {
	switch m := msg.GetSum().(type) {
	case *types.Msg_RegisterMember:
		return types.ValidateMember(m.RegisterMember.GetMember())
	case *types.Msg_AddKey:
		return types.ValidateKey(m.AddKey.GetKey())
	case *types.Msg_RevokeKey:
		if m.RevokeKey.KeyId == "" {
			return base.ErrInvalidMsg.Wrapf("revoke_key.key_id: missing")
		}
		if m.RevokeKey.EffectiveHeight < 0 {
			return base.ErrInvalidMsg.Wrapf("revoke_key.effective_height: must not be negative")
		}
		return nil
	case *types.Msg_SuspendMember:
		return validateStatusChange("suspend_member", m.SuspendMember.MemberId, m.SuspendMember.Reason)
	case *types.Msg_ReinstateMember:
		return validateStatusChange("reinstate_member", m.ReinstateMember.MemberId, m.ReinstateMember.Reason)
	case *types.Msg_SubmitProposal:
		return validateProposal(m.SubmitProposal)
	case *types.Msg_Vote:
		return base.Require(m.Vote.ProposalId > 0, "vote.proposal_id", "missing; proposals are numbered from 1")
	default:
		return base.ErrInvalidMsg.Wrapf("membership message: no action set")
	}
}

// Handle applies one membership message signed by ctx.Signer.
func (k Keeper) Handle(ctx base.Context, msg *types.Msg) error {
	if err := ValidateMsg(msg); err != nil {
		return err
	}
	switch m := msg.GetSum().(type) {
	case *types.Msg_RegisterMember:
		return k.registerMember(ctx, m.RegisterMember.Member)
	case *types.Msg_AddKey:
		return k.addKey(ctx, m.AddKey.Key)
	case *types.Msg_RevokeKey:
		return k.revokeKey(ctx, m.RevokeKey)
	case *types.Msg_SuspendMember:
		return k.setStatus(ctx, m.SuspendMember.MemberId, m.SuspendMember.Reason, types.MemberStatus_MEMBER_STATUS_SUSPENDED)
	case *types.Msg_ReinstateMember:
		return k.setStatus(ctx, m.ReinstateMember.MemberId, m.ReinstateMember.Reason, types.MemberStatus_MEMBER_STATUS_ACTIVE)
	case *types.Msg_SubmitProposal:
		return k.submitProposal(ctx, m.SubmitProposal)
	case *types.Msg_Vote:
		return k.vote(ctx, m.Vote)
	}
	return nil
}

func validateStatusChange(field, memberID, reason string) error {
	if err := types.ValidateID(field+".member_id", memberID); err != nil {
		return err
	}
	return types.ValidateReason(field+".reason", reason)
}

// setStatus suspends or reinstates a member of the signer's province. A
// province authority is not suspended at all (nor itself): the 15
// provinces are named in genesis, and their keys change by rotation or by
// a key_replacement proposal.
func (k Keeper) setStatus(ctx base.Context, id, reason string, to types.MemberStatus) error {
	signer, err := k.MustHaveRole(ctx.State, ctx.Signer, types.Role_ROLE_PROVINCE_AUTHORITY)
	if err != nil {
		return err
	}
	m, err := k.registered(ctx.State, id)
	if err != nil {
		return err
	}
	if types.HasRole(m, types.Role_ROLE_PROVINCE_AUTHORITY) {
		return base.ErrUnauthorized.Wrapf("%q is a province authority; the 15 provinces are not suspended (a province's lost or stolen key is replaced by a key_replacement proposal)", id)
	}
	if m.Province != signer.Province {
		return base.ErrUnauthorized.Wrapf("%q was admitted by province %q; only that province may suspend or reinstate it, not %q", id, m.Province, signer.Province)
	}
	if m.Status == types.MemberStatus_MEMBER_STATUS_REMOVED {
		return base.ErrInvalidTransition.Wrapf("member %q was removed by a governance proposal; it is neither suspended nor reinstated", id)
	}
	if m.Status == to {
		return base.ErrInvalidTransition.Wrapf("member %q is already %s", id, to)
	}
	m.Status = to
	if err := k.save(ctx, m, false); err != nil {
		return err
	}
	event := "membership.member_reinstated"
	if to == types.MemberStatus_MEMBER_STATUS_SUSPENDED {
		event = "membership.member_suspended"
	}
	ctx.Emit(event, "member", id, "province", m.Province, "by", ctx.Signer, "reason", reason)
	return nil
}

// registered returns the member id names, or NOT_FOUND if there is none.
func (k Keeper) registered(r base.Reader, id string) (*types.Member, error) {
	m, err := k.Get(r, id)
	if err == nil && m == nil {
		err = base.ErrNotFound.Wrapf("member %q is not registered", id)
	}
	return m, err
}

func (k Keeper) registerMember(ctx base.Context, m *types.Member) error {
	signer, err := k.MustHaveRole(ctx.State, ctx.Signer, types.Role_ROLE_PROVINCE_AUTHORITY)
	if err != nil {
		return err
	}
	if m.Province != signer.Province {
		return base.ErrUnauthorized.Wrapf("province %q can only admit members into its own province, not %q", signer.Province, m.Province)
	}
	for _, r := range []types.Role{types.Role_ROLE_CUSTOMS_OFFICE, types.Role_ROLE_AUDITOR} {
		if types.HasRole(m, r) {
			return base.ErrUnauthorized.Wrapf("a member with %s reaches records beyond its own, so the provinces admit it together: submit a proposal (member_admission; corridord tx membership propose-admission)", r)
		}
	}
	if err := k.admissible(ctx.State, m); err != nil {
		return err
	}
	return k.admit(ctx, m, "by", ctx.Signer)
}

// admissible says why m cannot be admitted, or nil if it can.
func (k Keeper) admissible(r base.Reader, m *types.Member) error {
	if types.HasRole(m, types.Role_ROLE_PROVINCE_AUTHORITY) {
		return base.ErrUnauthorized.Wrapf("the province-authority role belongs to the 15 provinces named in genesis and is granted to no other member")
	}
	if existing, err := k.Get(r, m.Id); err != nil {
		return err
	} else if existing != nil {
		return base.ErrAlreadyExists.Wrapf("member %q is already registered", m.Id)
	}
	return nil
}

// admit records m as an active member from this block, its keys active.
// attrs say who admitted it, for the event.
func (k Keeper) admit(ctx base.Context, m *types.Member, attrs ...string) error {
	m.Status = types.MemberStatus_MEMBER_STATUS_ACTIVE
	m.AdmittedHeight = ctx.Height
	for _, key := range m.Keys {
		activate(key, ctx.Height)
	}
	if err := k.save(ctx, m, true); err != nil {
		return err
	}
	ctx.Emit("membership.member_registered", append([]string{"member", m.Id, "province", m.Province}, attrs...)...)
	return nil
}

func (k Keeper) addKey(ctx base.Context, key *types.Key) error {
	m, err := k.MustHaveRole(ctx.State, ctx.Signer, allRoles()...)
	if err != nil {
		return err
	}
	if err := k.newKeyID(ctx.State, m, key.Id); err != nil {
		return err
	}
	live := 0
	for _, k := range m.Keys {
		if canSign(k, ctx.Height) {
			live++
		}
	}
	if live >= types.KeysPerMemberMax {
		return base.ErrLimitExceeded.Wrapf("member %q has %d keys that can sign, the most allowed; revoke one first", m.Id, live)
	}
	attrs, err := appendKey(ctx, m, key)
	if err != nil {
		return err
	}
	ctx.Emit("membership.key_added", attrs...)
	return k.save(ctx, m, false)
}

// newKeyID says why id cannot name a new key of m: m has, or had, a key of
// that id.
func (k Keeper) newKeyID(r base.Reader, m *types.Member, id string) error {
	if types.FindKey(m, id) != nil {
		return base.ErrAlreadyExists.Wrapf("member %q already has a key %q; choose another key id", m.Id, id)
	}
	if old, err := k.RetiredKey(r, m.Id, id); err != nil {
		return err
	} else if old != nil {
		return base.ErrAlreadyExists.Wrapf("member %q had a key %q (added at height %d, dropped from the record since); a key id is never used twice, choose another",
			m.Id, id, old.AddedHeight)
	}
	return nil
}

// appendKey adds key to m's record, active from this block. A full record
// first drops the revoked key that stopped signing first, kept in state
// under its own key. It returns the key_added event's attributes.
func appendKey(ctx base.Context, m *types.Member, key *types.Key) ([]string, error) {
	attrs := []string{"member", m.Id, "key", key.Id}
	if len(m.Keys) >= types.KeysPerRecordMax {
		// Every key over the live limit is revoked, and so is the one
		// that stopped signing first.
		first := -1
		for i, k := range m.Keys {
			if !canSign(k, ctx.Height) && (first < 0 || k.NotAfterHeight < m.Keys[first].NotAfterHeight) {
				first = i
			}
		}
		if first < 0 { // callers keep fewer live keys than a record holds
			return nil, fmt.Errorf("membership: member %q has %d keys and none to drop", m.Id, len(m.Keys))
		}
		attrs = append(attrs, "dropped", m.Keys[first].Id)
		bz, err := m.Keys[first].Marshal()
		if err != nil {
			return nil, err
		}
		ctx.State.Set(types.RetiredKeyKey(m.Id, m.Keys[first].Id), bz)
		m.Keys = slices.Delete(m.Keys, first, first+1)
	}
	activate(key, ctx.Height)
	m.Keys = append(m.Keys, key)
	return attrs, nil
}

// activate makes a key the ledger records active from height.
func activate(k *types.Key, height int64) {
	k.Status, k.AddedHeight, k.NotAfterHeight = types.KeyStatus_KEY_STATUS_ACTIVE, height, 0
}

func (k Keeper) revokeKey(ctx base.Context, msg *types.MsgRevokeKey) error {
	m, err := k.MustHaveRole(ctx.State, ctx.Signer, allRoles()...)
	if err != nil {
		return err
	}
	key := types.FindKey(m, msg.KeyId)
	if key == nil {
		return base.ErrNotFound.Wrapf("member %q has no key %q", m.Id, msg.KeyId)
	}
	if key.Status == types.KeyStatus_KEY_STATUS_REVOKED {
		return base.ErrInvalidTransition.Wrapf("key %q is already revoked", msg.KeyId)
	}
	// A key past the height it was revoked from is revoked too; a new
	// effective height must not let it sign again.
	if key.NotAfterHeight != 0 && ctx.Height > key.NotAfterHeight {
		return base.ErrInvalidTransition.Wrapf("key %q is already revoked: it stopped signing after height %d", msg.KeyId, key.NotAfterHeight)
	}
	// A revocation may be brought forward, never put off: else a key could
	// undo the revocation that was to end it.
	if key.NotAfterHeight != 0 && msg.EffectiveHeight > key.NotAfterHeight {
		return base.ErrInvalidTransition.Wrapf("key %q is revoked from height %d; a revocation can be brought forward, not put off to %d", msg.KeyId, key.NotAfterHeight, msg.EffectiveHeight)
	}
	if !hasOtherLiveKey(m, key.Id, ctx.Height) {
		return base.ErrInvalidTransition.Wrapf("key %q is the last active key of %q; add a new key before revoking it", key.Id, m.Id)
	}
	if msg.EffectiveHeight > ctx.Height {
		key.NotAfterHeight = msg.EffectiveHeight
	} else {
		key.Status = types.KeyStatus_KEY_STATUS_REVOKED
		key.NotAfterHeight = ctx.Height
	}
	ctx.Emit("membership.key_revoked", "member", m.Id, "key", key.Id)
	return k.save(ctx, m, false)
}

func hasOtherLiveKey(m *types.Member, except string, height int64) bool {
	for _, k := range m.Keys {
		if k.Id != except && canSign(k, height) && (k.NotAfterHeight == 0 || k.NotAfterHeight > height) {
			return true
		}
	}
	return false
}

// canSign reports whether k may sign at height: active, and not revoked
// from a height already passed (Authenticate's rule).
func canSign(k *types.Key, height int64) bool {
	return k.Status == types.KeyStatus_KEY_STATUS_ACTIVE && (k.NotAfterHeight == 0 || height <= k.NotAfterHeight)
}

func allRoles() []types.Role {
	return []types.Role{
		types.Role_ROLE_PROVINCE_AUTHORITY, types.Role_ROLE_CUSTOMS_OFFICE, types.Role_ROLE_ENTERPRISE,
		types.Role_ROLE_CARRIER, types.Role_ROLE_BANK, types.Role_ROLE_AUDITOR,
	}
}

// ValidateMsg checks a message without state.
func (Keeper) ValidateMsg(msg *types.Msg) error { return ValidateMsg(msg) }
