package api

import (
	"context"

	ics23 "github.com/cosmos/ics23/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/store/storepb"
)

// storeQuery serves raw state reads over gRPC. It refuses protected keys
// (IsProtectedKey): their values are served only by the read service,
// which checks the reader's grant and records the read. The operator's
// ABCI query path (/store/key through CometBFT's RPC, bound to 127.0.0.1
// by default) is not filtered.
type storeQuery struct {
	storepb.UnimplementedQueryServiceServer
	st *store.Store
}

// Get reads a raw key at a height, with an optional proof.
func (q storeQuery) Get(_ context.Context, req *storepb.GetRequest) (*storepb.GetResponse, error) {
	if len(req.Key) == 0 {
		return nil, status.Error(codes.InvalidArgument, "key is empty")
	}
	if IsProtectedKey(req.Key) {
		return nil, status.Errorf(codes.PermissionDenied, "key %X holds protected record data (a customs declaration version or document, or a bill's content): "+
			"read it through corridor.access.v1.ReadService (corridord query access read TYPE ID, with --prove for proofs), which checks your grant and records the read", req.Key)
	}
	if req.Height < 0 {
		return nil, status.Errorf(codes.InvalidArgument, "height: must not be negative, got %d (0 reads the latest)", req.Height)
	}
	h := req.Height
	if h == 0 {
		h = q.st.LastCommit().Version
	}
	if req.Prove {
		p, err := app.ProveAt(q.st, h, req.Key)
		if err != nil {
			return nil, status.Errorf(codes.FailedPrecondition, "proof at height %d: %v", h, err)
		}
		if err := checkNeighbours(p); err != nil {
			return nil, err
		}
		return &storepb.GetResponse{Found: p.Value != nil, Value: p.Value, Height: h, Proof: p}, nil
	}
	v, err := q.st.GetAt(h, req.Key)
	if err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "read at height %d: %v", h, err)
	}
	return &storepb.GetResponse{Found: v != nil, Value: v, Height: h}, nil
}

// checkNeighbours refuses a non-existence proof that would disclose a
// protected value: such a proof carries the keys and values of the two
// leaves next to the absent key in hash order.
func checkNeighbours(p *storepb.Proof) error {
	if p.Value != nil {
		return nil
	}
	cp := &ics23.CommitmentProof{}
	if err := cp.Unmarshal(p.CommitmentProof); err != nil {
		return status.Errorf(codes.Internal, "proof of key %X does not decode: %v", p.Key, err)
	}
	ne := cp.GetNonexist()
	for _, side := range []*ics23.ExistenceProof{ne.GetLeft(), ne.GetRight()} {
		if side != nil && IsProtectedKey(side.Key) {
			return status.Errorf(codes.PermissionDenied, "key %X is absent, but its non-existence proof would show the value of a protected neighbouring key; "+
				"ask for it without --prove, or read the protected record through corridor.access.v1.ReadService", p.Key)
		}
	}
	return nil
}

// ProofSpec returns the store's ICS23 proof spec.
func (q storeQuery) ProofSpec(context.Context, *storepb.ProofSpecRequest) (*storepb.ProofSpecResponse, error) {
	bz, err := store.ProofSpec().Marshal()
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &storepb.ProofSpecResponse{ProofSpec: bz}, nil
}
