package keeper

import (
	"context"

	"github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// QueryServer answers access queries over committed state. StreamEvents
// polls for new blocks and lives in app/api; everything else is here.
type QueryServer struct {
	keeper Keeper
	state  base.Committed
}

// NewQueryServer returns the query service over c.
func NewQueryServer(c base.Committed) QueryServer { return QueryServer{state: c} }

// Grant returns one grant.
func (q QueryServer) Grant(_ context.Context, req *types.GrantRequest) (*types.GrantResponse, error) {
	if req.Id == 0 {
		return nil, base.GRPCError(base.ErrInvalidMsg.Wrapf("id: missing"))
	}
	bz, proof, err := base.ReadCommitted(q.state, types.GrantKey(req.Id), req.Prove)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	if bz == nil {
		return nil, base.GRPCError(base.ErrNotFound.Wrapf("there is no grant %d", req.Id))
	}
	resp := &types.GrantResponse{Grant: &types.Grant{}, Proof: proof}
	if err := resp.Grant.Unmarshal(bz); err != nil {
		return nil, base.GRPCError(err)
	}
	return resp, nil
}

// Grants lists grants by owner, grantee or record, in id order.
func (q QueryServer) Grants(_ context.Context, req *types.GrantsRequest) (*types.GrantsResponse, error) {
	prefix, err := grantsPrefix(req)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	resp := &types.GrantsResponse{Height: q.state.Height()}
	resp.NextPageToken, err = base.ListPrefix(q.state.Index(), prefix, req.PageToken, base.PageLimit(req.Limit), func(k, _ []byte) error {
		id, err := types.GrantIDFromIndexKey(k)
		if err != nil {
			return err
		}
		g, err := q.keeper.GetGrant(q.state.State(), id)
		if err != nil {
			return err
		}
		if g == nil {
			return base.ErrInternal.Wrapf("grant index names grant %d, which does not exist", id)
		}
		if !req.ActiveOnly || g.Status == types.GrantStatus_GRANT_STATUS_ACTIVE {
			resp.Grants = append(resp.Grants, g)
		}
		return nil
	})
	if err != nil {
		return nil, base.GRPCError(err)
	}
	return resp, nil
}

func grantsPrefix(req *types.GrantsRequest) ([]byte, error) {
	set := 0
	for _, s := range []string{req.Owner, req.Grantee, req.RecordType} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		return nil, base.ErrInvalidMsg.Wrapf("set exactly one of owner, grantee or record_type (with record_id or class_owner)")
	}
	switch {
	case req.Owner != "":
		return types.GrantByOwnerPrefix(req.Owner), mt.ValidateID("owner", req.Owner)
	case req.Grantee != "":
		return types.GrantByGranteePrefix(req.Grantee), mt.ValidateID("grantee", req.Grantee)
	}
	if err := types.ValidateRecordType("record_type", req.RecordType); err != nil {
		return nil, err
	}
	if (req.RecordId == "") == (req.ClassOwner == "") {
		return nil, base.ErrInvalidMsg.Wrapf("with record_type, set exactly one of record_id or class_owner")
	}
	if req.RecordId != "" {
		return types.GrantByTargetPrefix(req.RecordType, types.GrantScope_GRANT_SCOPE_RECORD, req.RecordId),
			types.ValidateRecordID("record_id", req.RecordId)
	}
	return types.GrantByTargetPrefix(req.RecordType, types.GrantScope_GRANT_SCOPE_CLASS, req.ClassOwner),
		mt.ValidateID("class_owner", req.ClassOwner)
}

// Event returns one access event.
func (q QueryServer) Event(_ context.Context, req *types.EventRequest) (*types.EventResponse, error) {
	if len(req.Id) != types.EventIDBytes {
		return nil, base.GRPCError(base.ErrInvalidMsg.Wrapf("id: an event id is %d bytes, got %d", types.EventIDBytes, len(req.Id)))
	}
	bz, proof, err := base.ReadCommitted(q.state, types.EventKey(req.Id), req.Prove)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	if bz == nil {
		return nil, base.GRPCError(base.ErrNotFound.Wrapf("access event %x is not on the ledger (yet)", req.Id))
	}
	resp := &types.EventResponse{Event: &types.AccessEvent{}, Proof: proof}
	if err := resp.Event.Unmarshal(bz); err != nil {
		return nil, base.GRPCError(err)
	}
	return resp, nil
}

// EventCounts returns a member's counters.
func (q QueryServer) EventCounts(_ context.Context, req *types.EventCountsRequest) (*types.EventCountsResponse, error) {
	if err := mt.ValidateID("member", req.Member); err != nil {
		return nil, base.GRPCError(err)
	}
	resp := &types.EventCountsResponse{Height: q.state.Height()}
	prefix := types.EventCountPrefix(req.Member)
	var bad error
	err := base.IteratePrefix(q.state.Index(), prefix, func(k, v []byte) bool {
		rest := k[len(prefix):]
		if len(rest) != 3 || len(v) != 8 {
			bad = base.ErrInternal.Wrapf("access counter %x is malformed", k)
			return false
		}
		resp.Counts = append(resp.Counts, &types.EventCount{Role: types.PartyRole(rest[0]), Purpose: types.Purpose(rest[1]),
			Result: types.AccessResult(rest[2]), Count: beUint64(v)})
		return true
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, base.GRPCError(err)
	}
	return resp, nil
}

func beUint64(b []byte) uint64 {
	var n uint64
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	return n
}
