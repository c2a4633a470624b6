package keeper

import (
	"context"
	"encoding/binary"
	"fmt"

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
	bz, proof, err := base.ReadCommitted(q.state, types.MemberKey(req.Id), req.Prove)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	resp := &types.MemberResponse{Proof: proof}
	if bz == nil {
		return nil, base.GRPCError(base.ErrNotFound.Wrapf("member %q is not registered", req.Id))
	}
	resp.Member = &types.Member{}
	if err := resp.Member.Unmarshal(bz); err != nil {
		return nil, base.GRPCError(err)
	}
	return resp, nil
}

// Members lists members by role or province, in key order (shorter ids first, ids of one length in byte order).
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

// Key returns a member's key by id, listed in the member's record or kept
// since it was dropped from a full one. The record is read first: a key
// only ever moves from the record to its own entry, so a drop committed
// between the two reads is still found.
func (q QueryServer) Key(_ context.Context, req *types.KeyRequest) (*types.KeyResponse, error) {
	if err := types.ValidateID("member_id", req.MemberId); err != nil {
		return nil, base.GRPCError(err)
	}
	if err := types.ValidateKeyID("key_id", req.KeyId); err != nil {
		return nil, base.GRPCError(err)
	}
	resp := &types.KeyResponse{Height: q.state.Height()}
	bz, proof, err := base.ReadCommitted(q.state, types.MemberKey(req.MemberId), req.Prove)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	if bz == nil {
		return nil, base.GRPCError(base.ErrNotFound.Wrapf("member %q is not registered", req.MemberId))
	}
	m := &types.Member{}
	if err := m.Unmarshal(bz); err != nil {
		return nil, base.GRPCError(err)
	}
	if resp.Key = types.FindKey(m, req.KeyId); resp.Key == nil {
		if bz, proof, err = base.ReadCommitted(q.state, types.RetiredKeyKey(req.MemberId, req.KeyId), req.Prove); err != nil {
			return nil, base.GRPCError(err)
		}
		if bz == nil {
			return nil, base.GRPCError(base.ErrNotFound.Wrapf("member %q has never had a key %q", req.MemberId, req.KeyId))
		}
		if resp.Key, err = decodeRetired(bz, req.MemberId, req.KeyId); err != nil {
			return nil, base.GRPCError(err)
		}
		resp.Dropped = true
	}
	if proof != nil {
		resp.Proof, resp.Height = proof, proof.Height
	}
	return resp, nil
}

// Proposal returns one governance proposal.
func (q QueryServer) Proposal(_ context.Context, req *types.ProposalRequest) (*types.ProposalResponse, error) {
	if req.Id == 0 {
		return nil, base.GRPCError(base.ErrInvalidMsg.Wrapf("id: missing; proposals are numbered from 1"))
	}
	bz, proof, err := base.ReadCommitted(q.state, types.ProposalKey(req.Id), req.Prove)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	if bz == nil {
		return nil, base.GRPCError(base.ErrNotFound.Wrapf("there is no proposal %d", req.Id))
	}
	p, err := decodeProposal(bz, req.Id)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	return &types.ProposalResponse{Proposal: p, Proof: proof}, nil
}

// Proposals lists proposals in id order, or only the open ones.
func (q QueryServer) Proposals(_ context.Context, req *types.ProposalsRequest) (*types.ProposalsResponse, error) {
	resp := &types.ProposalsResponse{}
	limit := base.PageLimit(req.Limit)
	var err error
	if req.OpenOnly {
		prefix := types.OpenProposalPrefix()
		resp.NextPageToken, err = base.ListPrefix(q.state.Index(), prefix, req.PageToken, limit, func(k, _ []byte) error {
			if len(k) != 9 {
				return fmt.Errorf("membership: open-proposal index key %x is not 9 bytes", k)
			}
			p, err := q.keeper.Proposal(q.state.State(), binary.BigEndian.Uint64(k[1:]))
			if err == nil && p != nil {
				resp.Proposals = append(resp.Proposals, p)
			}
			return err
		})
	} else {
		resp.NextPageToken, err = base.ListPrefix(q.state.State(), types.ProposalPrefix(), req.PageToken, limit, func(k, v []byte) error {
			p, err := decodeProposal(v, binary.BigEndian.Uint64(k[1:]))
			if err == nil {
				resp.Proposals = append(resp.Proposals, p)
			}
			return err
		})
	}
	if err != nil {
		return nil, base.GRPCError(err)
	}
	return resp, nil
}

// Validators returns the recorded validator set.
func (q QueryServer) Validators(context.Context, *types.ValidatorsRequest) (*types.ValidatorsResponse, error) {
	h := q.state.Height()
	vals, err := q.keeper.Validators(q.state.State())
	if err != nil {
		return nil, base.GRPCError(err)
	}
	return &types.ValidatorsResponse{Validators: vals, Height: h}, nil
}
