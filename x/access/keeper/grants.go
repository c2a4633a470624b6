package keeper

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// GrantorRoles are the roles that own records and may grant access to them.
var GrantorRoles = []mt.Role{
	mt.Role_ROLE_PROVINCE_AUTHORITY, mt.Role_ROLE_CUSTOMS_OFFICE, mt.Role_ROLE_ENTERPRISE, mt.Role_ROLE_CARRIER,
}

// GetGrant returns the grant with id, or (nil, nil) when there is none.
func (Keeper) GetGrant(r base.Reader, id uint64) (*types.Grant, error) {
	bz, err := r.Get(types.GrantKey(id))
	if err != nil || bz == nil {
		return nil, err
	}
	g := &types.Grant{}
	if err := g.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("access: stored grant %d does not decode: %w", id, err)
	}
	if g.Id != id {
		return nil, fmt.Errorf("access: record under grant key %d names grant %d", id, g.Id)
	}
	return g, nil
}

func saveGrant(kv base.KV, g *types.Grant) error {
	bz, err := g.Marshal()
	if err != nil {
		return err
	}
	kv.Set(types.GrantKey(g.Id), bz)
	return nil
}

func nextGrantID(kv base.KV) (uint64, error) {
	bz, err := kv.Get(types.NextGrantIDKey())
	if err != nil {
		return 0, err
	}
	id := uint64(1)
	if bz != nil {
		if len(bz) != 8 {
			return 0, fmt.Errorf("access: stored next grant id has %d bytes", len(bz))
		}
		id = binary.BigEndian.Uint64(bz)
	}
	kv.Set(types.NextGrantIDKey(), binary.BigEndian.AppendUint64(nil, id+1))
	return id, nil
}

// grant records a new grant from the signer, who owns what it covers.
func (k Keeper) grant(ctx base.Context, m *types.MsgGrantAccess) error {
	if _, err := k.members.MustHaveRole(ctx.State, ctx.Signer, GrantorRoles...); err != nil {
		return err
	}
	if m.Grantee == ctx.Signer {
		return base.ErrInvalidMsg.Wrapf("grant.grantee: %q is the signer; an owner reads its own records without a grant", m.Grantee)
	}
	if err := k.requireActive(ctx.State, "grant.grantee", m.Grantee); err != nil {
		return err
	}
	now := ctx.Time.UnixNano()
	if m.ExpiresUnixNano <= now || m.ExpiresUnixNano-now > int64(types.GrantDurationMax) {
		return types.ErrExpiryNotAhead.Wrapf("grant.expires_unix_nano: %d must be after the block time %d and at most %s later",
			m.ExpiresUnixNano, now, types.GrantDurationMax)
	}
	id, err := nextGrantID(ctx.State)
	if err != nil {
		return err
	}
	g := &types.Grant{
		Id: id, Owner: ctx.Signer, Grantee: m.Grantee, Scope: m.Scope, RecordType: m.RecordType, RecordId: m.RecordId,
		Purpose: m.Purpose, PurposeText: m.PurposeText, LegalBasis: m.LegalBasis, ExpiresUnixNano: m.ExpiresUnixNano,
		Status: types.GrantStatus_GRANT_STATUS_ACTIVE, CreatedHeight: ctx.Height, CreatedTimeUnixNano: now,
	}
	if err := saveGrant(ctx.State, g); err != nil {
		return err
	}
	ctx.State.Set(types.ExpiryKey(g.ExpiresUnixNano, g.Id), []byte{1}) // the store keeps no empty values
	for _, key := range types.GrantIndexKeys(g) {
		ctx.Index.Set(key, []byte{})
	}
	ctx.Index.Set(types.GrantLiveKey(g), []byte{})
	ctx.Emit("access.grant", "id", strconv.FormatUint(id, 10), "owner", g.Owner, "grantee", g.Grantee,
		"record_type", g.RecordType, "record_id", g.RecordId, "purpose", g.Purpose.String(),
		"expires_unix_nano", strconv.FormatInt(g.ExpiresUnixNano, 10))
	return nil
}

func (k Keeper) requireActive(r base.Reader, field, id string) error {
	m, err := k.members.Get(r, id)
	if err != nil {
		return err
	}
	if m == nil {
		return base.ErrNotFound.Wrapf("%s: member %q is not registered", field, id)
	}
	if m.Status != mt.MemberStatus_MEMBER_STATUS_ACTIVE {
		return base.ErrMemberSuspended.Wrapf("%s: member %q is %s", field, id, m.Status)
	}
	return nil
}

// revoke ends a grant at the owner's request.
func (k Keeper) revoke(ctx base.Context, m *types.MsgRevokeGrant) error {
	g, err := k.GetGrant(ctx.State, m.GrantId)
	if err != nil {
		return err
	}
	if g == nil {
		return base.ErrNotFound.Wrapf("revoke.grant_id: there is no grant %d", m.GrantId)
	}
	if g.Owner != ctx.Signer {
		return types.ErrNotGrantOwner.Wrapf("grant %d was given by %q; %q cannot revoke it", g.Id, g.Owner, ctx.Signer)
	}
	if g.Status != types.GrantStatus_GRANT_STATUS_ACTIVE {
		return types.ErrGrantNotActive.Wrapf("grant %d is already %s", g.Id, g.Status)
	}
	g.RevokeReason = m.Reason
	if err := endGrant(ctx, g, types.GrantStatus_GRANT_STATUS_REVOKED); err != nil {
		return err
	}
	ctx.Emit("access.grant_revoked", "id", strconv.FormatUint(g.Id, 10), "owner", g.Owner, "grantee", g.Grantee)
	return nil
}

// endGrant moves an active grant to status and takes it out of the expiry
// queue and the active-grant lookup.
func endGrant(ctx base.Context, g *types.Grant, status types.GrantStatus) error {
	ctx.State.Delete(types.ExpiryKey(g.ExpiresUnixNano, g.Id))
	ctx.Index.Delete(types.GrantLiveKey(g))
	g.Status, g.EndedHeight, g.EndedTimeUnixNano = status, ctx.Height, ctx.Time.UnixNano()
	return saveGrant(ctx.State, g)
}

// expireGrants ends every active grant whose expiry is at or before the
// block time, oldest first, up to ExpiriesPerBlockMax.
func (k Keeper) expireGrants(ctx base.Context) error {
	var due []uint64
	var keyErr error
	err := ctx.State.Iterate(types.ExpiryPrefix(), types.ExpiryEnd(ctx.Time.UnixNano()), func(key, _ []byte) bool {
		var id uint64
		id, keyErr = types.GrantIDFromExpiryKey(key)
		due = append(due, id)
		return keyErr == nil && len(due) < types.ExpiriesPerBlockMax
	})
	if err == nil {
		err = keyErr
	}
	if err != nil {
		return err
	}
	for _, id := range due {
		g, err := k.GetGrant(ctx.State, id)
		if err != nil {
			return err
		}
		if g == nil || g.Status != types.GrantStatus_GRANT_STATUS_ACTIVE {
			return fmt.Errorf("access: expiry queue names grant %d, which is not an active grant", id)
		}
		if err := endGrant(ctx, g, types.GrantStatus_GRANT_STATUS_EXPIRED); err != nil {
			return err
		}
		ctx.Emit("access.grant_expired", "id", strconv.FormatUint(id, 10), "owner", g.Owner, "grantee", g.Grantee)
	}
	return nil
}
