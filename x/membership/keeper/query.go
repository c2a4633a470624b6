package keeper

import (
	"context"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/membership/types"
)

// QueryServer answers membership queries over committed state.
type QueryServer struct {
	keeper Keeper
	state  base.Committed
}

var _ types.QueryServiceServer = QueryServer{}

// NewQueryServer returns the gRPC query service.
func NewQueryServer(c base.Committed) QueryServer { return QueryServer{state: c} }

// Member returns one member.
func (q QueryServer) Member(_ context.Context, req *types.MemberRequest) (*types.MemberResponse, error) {
	if err := types.ValidateID("id", req.Id); err != nil {
		return nil, base.GRPCError(err)
	}
	resp := &types.MemberResponse{}
	var bz []byte
	if req.Prove {
		p, err := q.state.Prove(types.MemberKey(req.Id))
		if err != nil {
			return nil, base.GRPCError(err)
		}
		resp.Proof, bz = p, p.Value
	} else {
		var err error
		if bz, err = q.state.State().Get(types.MemberKey(req.Id)); err != nil {
			return nil, base.GRPCError(err)
		}
	}
	if bz == nil {
		return nil, base.GRPCError(base.ErrNotFound.Wrapf("member %q is not registered", req.Id))
	}
	resp.Member = &types.Member{}
	if err := resp.Member.Unmarshal(bz); err != nil {
		return nil, base.GRPCError(err)
	}
	return resp, nil
}

// Members lists members by role or province, in id order.
func (q QueryServer) Members(_ context.Context, req *types.MembersRequest) (*types.MembersResponse, error) {
	resp := &types.MembersResponse{}
	limit := base.PageLimit(req.Limit)
	var err error
	switch {
	case req.Role != types.Role_ROLE_UNSPECIFIED:
		prefix := types.RoleIndexPrefix(req.Role)
		resp.NextPageToken, err = base.ListPrefix(q.state.Index(), prefix, req.PageToken, limit, func(k, _ []byte) error {
			return q.appendMember(resp, k[len(prefix):], req.Province)
		})
	case req.Province != "":
		prefix := types.ProvinceIndexPrefix(req.Province)
		resp.NextPageToken, err = base.ListPrefix(q.state.Index(), prefix, req.PageToken, limit, func(k, _ []byte) error {
			return q.appendMember(resp, k[len(prefix):], "")
		})
	default:
		resp.NextPageToken, err = base.ListPrefix(q.state.State(), types.MemberPrefix(), req.PageToken, limit, func(_, v []byte) error {
			m := &types.Member{}
			if err := m.Unmarshal(v); err != nil {
				return err
			}
			resp.Members = append(resp.Members, m)
			return nil
		})
	}
	if err != nil {
		return nil, base.GRPCError(err)
	}
	return resp, nil
}

func (q QueryServer) appendMember(resp *types.MembersResponse, idPart []byte, province string) error {
	id, _, err := base.ReadString(idPart)
	if err != nil {
		return err
	}
	m, err := q.keeper.Get(q.state.State(), id)
	if err != nil || m == nil {
		return err
	}
	if province == "" || m.Province == province {
		resp.Members = append(resp.Members, m)
	}
	return nil
}

// Account returns the member's next sequence.
func (q QueryServer) Account(_ context.Context, req *types.AccountRequest) (*types.AccountResponse, error) {
	h := q.state.Height()
	m, err := q.keeper.Get(q.state.State(), req.Id)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	if m == nil {
		return nil, base.GRPCError(base.ErrNotFound.Wrapf("member %q is not registered", req.Id))
	}
	seq, err := q.keeper.NextSequence(q.state.State(), req.Id)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	return &types.AccountResponse{NextSequence: seq, Height: h}, nil
}
