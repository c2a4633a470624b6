package keeper

import (
	"context"
	"fmt"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/bill/types"
)

// QueryServer answers bill queries over committed state. Its answers are
// public, so they carry bill records without their content (parties,
// goods, equipment, legs, terms): the content is served only through
// signed reads (corridor.access.v1.ReadService), which record every read.
type QueryServer struct {
	keeper Keeper
	state  base.Committed
}

var _ types.QueryServiceServer = QueryServer{}

// NewQueryServer returns the gRPC query service.
func NewQueryServer(c base.Committed) QueryServer { return QueryServer{state: c} }

// Withheld is what the public answers leave out of a bill, and where to
// read it.
const Withheld = "content (parties, goods, equipment, legs, terms) is protected: read it through " +
	"corridor.access.v1.ReadService (corridord query access read bill NUMBER) as the issuer, a party or a grantee"

// Bill returns one bill record (without content) with its full history.
// With prove, the record comes from the proof; its history_head fixes every
// history entry, and the entries returned are exactly those the proven
// record counts (a block committed meanwhile only appends entries, which
// are left out). Its content_hash fixes the protected content.
func (q QueryServer) Bill(_ context.Context, req *types.BillRequest) (*types.BillResponse, error) {
	if err := types.ValidateNumber("number", req.Number); err != nil {
		return nil, base.GRPCError(err)
	}
	resp := &types.BillResponse{Height: q.state.Height(), Withheld: Withheld}
	bz, proof, err := base.ReadCommitted(q.state, types.BillKey(req.Number), req.Prove)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	if proof != nil {
		resp.Proof, resp.Height = proof, proof.Height
	}
	if bz == nil {
		return nil, base.GRPCError(base.ErrNotFound.Wrapf("bill %s is not on the ledger", req.Number))
	}
	resp.Bill = &types.Bill{}
	if err := resp.Bill.Unmarshal(bz); err != nil {
		return nil, base.GRPCError(fmt.Errorf("bill %s: stored record does not decode: %w", req.Number, err))
	}
	if resp.Bill.Content != nil {
		return nil, base.GRPCError(fmt.Errorf("bill %s: the stored record holds content", req.Number))
	}
	h, err := q.keeper.History(q.state.State(), req.Number)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	if uint64(len(h)) < resp.Bill.HistoryLength {
		return nil, base.GRPCError(fmt.Errorf("bill %s: record counts %d history entries, state holds %d", req.Number, resp.Bill.HistoryLength, len(h)))
	}
	resp.History = h[:resp.Bill.HistoryLength]
	return resp, nil
}

// BillsByHolder lists the bills a member possesses, or holds title to.
func (q QueryServer) BillsByHolder(_ context.Context, req *types.BillsByHolderRequest) (*types.BillsByHolderResponse, error) {
	if err := types.ValidateMemberID("holder", req.Holder); err != nil {
		return nil, base.GRPCError(err)
	}
	prefix := types.HolderIndexPrefix(req.Holder)
	if req.Title {
		prefix = types.TitleIndexPrefix(req.Holder)
	}
	bills, next, err := q.list(prefix, req.PageToken, req.Limit)
	return &types.BillsByHolderResponse{Bills: bills, NextPageToken: next}, base.GRPCError(err)
}

// BillsByIssuer lists the bills a member issued.
func (q QueryServer) BillsByIssuer(_ context.Context, req *types.BillsByIssuerRequest) (*types.BillsByIssuerResponse, error) {
	if err := types.ValidateMemberID("issuer", req.Issuer); err != nil {
		return nil, base.GRPCError(err)
	}
	bills, next, err := q.list(types.IssuerIndexPrefix(req.Issuer), req.PageToken, req.Limit)
	return &types.BillsByIssuerResponse{Bills: bills, NextPageToken: next}, base.GRPCError(err)
}

// BillsByPledgee lists the bills pledged to a bank.
func (q QueryServer) BillsByPledgee(_ context.Context, req *types.BillsByPledgeeRequest) (*types.BillsByPledgeeResponse, error) {
	if err := types.ValidateMemberID("bank", req.Bank); err != nil {
		return nil, base.GRPCError(err)
	}
	bills, next, err := q.list(types.PledgeeIndexPrefix(req.Bank), req.PageToken, req.Limit)
	return &types.BillsByPledgeeResponse{Bills: bills, NextPageToken: next}, base.GRPCError(err)
}

// BillsByStatus lists the bills in one status.
func (q QueryServer) BillsByStatus(_ context.Context, req *types.BillsByStatusRequest) (*types.BillsByStatusResponse, error) {
	if _, ok := types.BillStatus_name[int32(req.Status)]; !ok || req.Status == types.BillStatus_BILL_STATUS_UNSPECIFIED {
		return nil, base.GRPCError(base.ErrInvalidMsg.Wrapf("status: name one bill status"))
	}
	bills, next, err := q.list(types.StatusIndexPrefix(req.Status), req.PageToken, req.Limit)
	return &types.BillsByStatusResponse{Bills: bills, NextPageToken: next}, base.GRPCError(err)
}

// Location returns the status and last leg event of a bill: where the
// goods are. The legs themselves are protected content.
func (q QueryServer) Location(_ context.Context, req *types.LocationRequest) (*types.LocationResponse, error) {
	if err := types.ValidateNumber("number", req.Number); err != nil {
		return nil, base.GRPCError(err)
	}
	h := q.state.Height()
	b, err := q.keeper.GetRecord(q.state.State(), req.Number)
	if err != nil {
		return nil, base.GRPCError(err)
	}
	if b == nil {
		return nil, base.GRPCError(base.ErrNotFound.Wrapf("bill %s is not on the ledger", req.Number))
	}
	return &types.LocationResponse{Number: req.Number, Status: b.Status, LastEvent: b.LastEvent, Height: h}, nil
}

// list reads one page of an index and loads the records (without content)
// of the bills it names.
func (q QueryServer) list(prefix []byte, token string, limit uint32) ([]*types.Bill, string, error) {
	var bills []*types.Bill
	next, err := base.ListPrefix(q.state.Index(), prefix, token, base.PageLimit(limit), func(k, _ []byte) error {
		n, err := types.NumberFromIndexKey(prefix, k)
		if err != nil {
			return err
		}
		b, err := q.keeper.GetRecord(q.state.State(), n)
		if err != nil {
			return err
		}
		if b == nil {
			return fmt.Errorf("bill index names %s, which has no record", n)
		}
		bills = append(bills, b)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return bills, next, nil
}
