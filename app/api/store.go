package api

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/store/storepb"
)

type storeQuery struct {
	storepb.UnimplementedQueryServiceServer
	st *store.Store
}

// Get reads a raw key at a height, with an optional proof.
func (q storeQuery) Get(_ context.Context, req *storepb.GetRequest) (*storepb.GetResponse, error) {
	if len(req.Key) == 0 {
		return nil, status.Error(codes.InvalidArgument, "key is empty")
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
		return &storepb.GetResponse{Found: p.Value != nil, Value: p.Value, Height: h, Proof: p}, nil
	}
	v, err := q.st.GetAt(h, req.Key)
	if err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "read at height %d: %v", h, err)
	}
	return &storepb.GetResponse{Found: v != nil, Value: v, Height: h}, nil
}

// ProofSpec returns the store's ICS23 proof spec.
func (q storeQuery) ProofSpec(context.Context, *storepb.ProofSpecRequest) (*storepb.ProofSpecResponse, error) {
	bz, err := store.ProofSpec().Marshal()
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &storepb.ProofSpecResponse{ProofSpec: bz}, nil
}
