package keeper

import (
	"encoding/binary"
	"fmt"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/membership/types"
)

// Keeper reads and writes member records. It holds no state of its own.
type Keeper struct{}

// Get returns the member with id, or (nil, nil) when there is none.
func (Keeper) Get(r base.Reader, id string) (*types.Member, error) {
	if types.ValidateID("member id", id) != nil {
		return nil, nil
	}
	bz, err := r.Get(types.MemberKey(id))
	if err != nil || bz == nil {
		return nil, err
	}
	m := &types.Member{}
	if err := m.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("membership: stored member %q does not decode: %w", id, err)
	}
	return m, nil
}

// RetiredKey returns the key keyID that was dropped from member's full
// record (see KeysPerRecordMax), or (nil, nil) when none was.
func (Keeper) RetiredKey(r base.Reader, member, keyID string) (*types.Key, error) {
	bz, err := r.Get(types.RetiredKeyKey(member, keyID))
	if err != nil || bz == nil {
		return nil, err
	}
	return decodeRetired(bz, member, keyID)
}

// decodeRetired decodes the stored record of a retired key.
func decodeRetired(bz []byte, member, keyID string) (*types.Key, error) {
	key := &types.Key{}
	if err := key.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("membership: stored retired key %q of member %q does not decode: %w", keyID, member, err)
	}
	return key, nil
}

// MustHaveRole returns the member if it exists, is active and holds one of
// roles; otherwise an error saying which of these failed.
func (k Keeper) MustHaveRole(r base.Reader, id string, roles ...types.Role) (*types.Member, error) {
	m, err := k.Get(r, id)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, base.ErrUnknownSigner.Wrapf("member %q is not registered", id)
	}
	if m.Status != types.MemberStatus_MEMBER_STATUS_ACTIVE {
		return nil, base.ErrMemberSuspended.Wrapf("member %q is %s", id, m.Status)
	}
	for _, role := range roles {
		if types.HasRole(m, role) {
			return m, nil
		}
	}
	return nil, base.ErrUnauthorized.Wrapf("member %q holds %v; this needs one of %v", id, m.Roles, roles)
}

// Authenticate finds the key a transaction names and checks that it may sign
// at height.
func (k Keeper) Authenticate(r base.Reader, memberID, keyID string, height int64) (*types.Member, *types.Key, error) {
	m, err := k.Get(r, memberID)
	if err != nil {
		return nil, nil, err
	}
	if m == nil {
		return nil, nil, base.ErrUnknownSigner.Wrapf("member %q is not registered", memberID)
	}
	if m.Status != types.MemberStatus_MEMBER_STATUS_ACTIVE {
		return nil, nil, base.ErrMemberSuspended.Wrapf("member %q is %s and cannot sign", memberID, m.Status)
	}
	key := types.FindKey(m, keyID)
	if key == nil {
		return nil, nil, base.ErrUnknownSigner.Wrapf("member %q has no key %q", memberID, keyID)
	}
	if key.Status == types.KeyStatus_KEY_STATUS_REVOKED {
		return nil, nil, base.ErrKeyRevoked.Wrapf("key %q of member %q is revoked; sign with an active key", keyID, memberID)
	}
	if key.NotAfterHeight != 0 && height > key.NotAfterHeight {
		return nil, nil, base.ErrKeyRevoked.Wrapf("key %q of member %q stopped signing after height %d", keyID, memberID, key.NotAfterHeight)
	}
	if key.Scheme != types.KeyScheme_KEY_SCHEME_ED25519 {
		return nil, nil, base.ErrUnsupportedScheme.Wrapf("key %q uses %s, which the ledger does not verify yet", keyID, key.Scheme)
	}
	return m, key, nil
}

// NextSequence returns the sequence the member's next tx must carry.
func (Keeper) NextSequence(r base.Reader, id string) (uint64, error) {
	bz, err := r.Get(types.SequenceKey(id))
	if err != nil || bz == nil {
		return 0, err
	}
	if len(bz) != 8 {
		return 0, fmt.Errorf("membership: stored sequence of %q has %d bytes", id, len(bz))
	}
	return binary.BigEndian.Uint64(bz), nil
}

// SetNextSequence stores the member's next sequence.
func (Keeper) SetNextSequence(kv base.KV, id string, seq uint64) {
	kv.Set(types.SequenceKey(id), binary.BigEndian.AppendUint64(nil, seq))
}

func (Keeper) save(ctx base.Context, m *types.Member, isNew bool) error {
	bz, err := m.Marshal()
	if err != nil {
		return err
	}
	ctx.State.Set(types.MemberKey(m.Id), bz)
	if isNew { // a member's roles and province never change
		for _, key := range memberIndexKeys(m) {
			ctx.Index.Set(key, []byte{})
		}
	}
	return nil
}

// memberIndexKeys are the listings of a member: by each role, and by
// province.
func memberIndexKeys(m *types.Member) [][]byte {
	keys := make([][]byte, 0, len(m.Roles)+1)
	for _, r := range m.Roles {
		keys = append(keys, types.RoleIndexKey(r, m.Id))
	}
	return append(keys, types.ProvinceIndexKey(m.Province, m.Id))
}

// InitGenesis writes the founding members. Every province must be present
// with the province-authority role.
func (k Keeper) InitGenesis(ctx base.Context, gs *types.GenesisState) error {
	if gs == nil {
		return fmt.Errorf("membership genesis: missing")
	}
	seen := map[string]bool{}
	for i, m := range gs.Members {
		if err := types.ValidateMember(m); err != nil {
			return fmt.Errorf("membership genesis: members[%d]: %w", i, err)
		}
		if seen[m.Id] {
			return fmt.Errorf("membership genesis: member %q appears twice", m.Id)
		}
		seen[m.Id] = true
		if types.HasRole(m, types.Role_ROLE_PROVINCE_AUTHORITY) && (!types.IsProvince(m.Id) || m.Province != m.Id) {
			return fmt.Errorf("membership genesis: %q holds the province-authority role but is not a province (its own province)", m.Id)
		}
		m.Status = types.MemberStatus_MEMBER_STATUS_ACTIVE
		for _, key := range m.Keys {
			key.Status = types.KeyStatus_KEY_STATUS_ACTIVE
		}
		if err := k.save(ctx, m, true); err != nil {
			return err
		}
	}
	for _, p := range types.Provinces {
		if !seen[p.ID] {
			return fmt.Errorf("membership genesis: province %q is missing", p.ID)
		}
	}
	return nil
}

// DeriveIndex emits every index entry the module's state implies: each
// member's role and province listings and each open proposal.
func (Keeper) DeriveIndex(r base.Reader, emit base.IndexEmit) error {
	err := base.EachRecord(r, types.MemberPrefix(), func() *types.Member { return &types.Member{} }, func(m *types.Member) error {
		for _, key := range memberIndexKeys(m) {
			if err := emit(key, []byte{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return base.EachRecord(r, types.ProposalPrefix(), func() *types.Proposal { return &types.Proposal{} }, func(p *types.Proposal) error {
		if p.Status != types.ProposalStatus_PROPOSAL_STATUS_OPEN {
			return nil
		}
		return emit(types.OpenProposalKey(p.Id), []byte{})
	})
}
