package keeper

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"

	"github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// recordEvents stores a node's batch of access events. The signer is the
// province whose node served the reads; an event already on the ledger
// (same id) is skipped, so a batch resubmitted after a crash records each
// read exactly once.
func (k Keeper) recordEvents(ctx base.Context, m *types.MsgRecordAccessEvents) error {
	if _, err := k.members.MustHaveRole(ctx.State, ctx.Signer, mt.Role_ROLE_PROVINCE_AUTHORITY); err != nil {
		return err
	}
	recorded, skipped := 0, 0
	for i, e := range m.Events {
		if e.Province != ctx.Signer {
			return types.ErrWrongProvince.Wrapf("record_events.events[%d]: served by %q's node; only %q may record it", i, e.Province, e.Province)
		}
		exists, err := ctx.State.Get(types.EventKey(e.Id))
		if err != nil {
			return err
		}
		if exists != nil {
			skipped++
			continue
		}
		if err := storeEvent(ctx, e); err != nil {
			return err
		}
		recorded++
	}
	ctx.Emit("access.events_recorded", "province", ctx.Signer,
		"recorded", strconv.Itoa(recorded), "duplicates", strconv.Itoa(skipped))
	return nil
}

// storeEvent writes one new event with the ledger's fields, its indexes and
// its counters.
func storeEvent(ctx base.Context, in *types.AccessEvent) error {
	e := *in
	e.Height, e.BlockTimeUnixNano, e.TxHash = ctx.Height, ctx.Time.UnixNano(), ctx.TxHash
	bz, err := e.Marshal()
	if err != nil {
		return err
	}
	ctx.State.Set(types.EventKey(e.Id), bz)
	for _, key := range eventListingKeys(&e) {
		ctx.Index.Set(key, []byte{})
	}
	for _, key := range eventCountKeys(&e) {
		if err := addCount(ctx.Index, key); err != nil {
			return err
		}
	}
	return nil
}

// eventListingKeys are the listings of a stored event, the one by height
// included.
func eventListingKeys(e *types.AccessEvent) [][]byte {
	return append(types.EventIndexKeys(e), types.EventHeightKey(e.Height, e.Id))
}

// eventCountKeys are the counters an event adds one to: its reader's and
// its owner's, by purpose and result.
func eventCountKeys(e *types.AccessEvent) [2][]byte {
	return [2][]byte{
		types.EventCountKey(e.Reader, types.PartyRole_PARTY_ROLE_READER, e.Purpose, e.Result),
		types.EventCountKey(e.Owner, types.PartyRole_PARTY_ROLE_OWNER, e.Purpose, e.Result),
	}
}

func addCount(kv base.KV, key []byte) error {
	bz, err := kv.Get(key)
	if err != nil {
		return err
	}
	var n uint64
	if bz != nil {
		if len(bz) != 8 {
			return fmt.Errorf("access: counter %x has %d bytes", key, len(bz))
		}
		n = binary.BigEndian.Uint64(bz)
	}
	kv.Set(key, binary.BigEndian.AppendUint64(nil, n+1))
	return nil
}

// GetEvent returns the event with id, or (nil, nil) when there is none.
func (Keeper) GetEvent(r base.Reader, id []byte) (*types.AccessEvent, error) {
	if len(id) != types.EventIDBytes {
		return nil, nil
	}
	bz, err := r.Get(types.EventKey(id))
	if err != nil || bz == nil {
		return nil, err
	}
	e := &types.AccessEvent{}
	if err := e.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("access: stored event %x does not decode: %w", id, err)
	}
	return e, nil
}

// DeriveIndex emits every index entry the module's state implies: each
// grant's listings (and its live-grant entry while active), each event's
// listings, and the event counters, summed over every event.
func (Keeper) DeriveIndex(r base.Reader, emit base.IndexEmit) error {
	err := base.EachRecord(r, types.GrantPrefix(), func() *types.Grant { return &types.Grant{} }, func(g *types.Grant) error {
		for _, key := range types.GrantIndexKeys(g) {
			if err := emit(key, []byte{}); err != nil {
				return err
			}
		}
		if g.Status != types.GrantStatus_GRANT_STATUS_ACTIVE {
			return nil
		}
		return emit(types.GrantLiveKey(g), []byte{})
	})
	if err != nil {
		return err
	}
	counts := map[string]uint64{}
	err = base.EachRecord(r, types.EventPrefix(), func() *types.AccessEvent { return &types.AccessEvent{} }, func(e *types.AccessEvent) error {
		for _, key := range eventListingKeys(e) {
			if err := emit(key, []byte{}); err != nil {
				return err
			}
		}
		for _, key := range eventCountKeys(e) {
			counts[string(key)]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := emit([]byte(k), binary.BigEndian.AppendUint64(nil, counts[k])); err != nil {
			return err
		}
	}
	return nil
}
