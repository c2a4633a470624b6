package app

import (
	"context"
	"errors"

	abci "github.com/cometbft/cometbft/abci/types"
	crypto "github.com/cometbft/cometbft/api/cometbft/crypto/v1"

	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/store/storepb"
	"github.com/landsea/corridor/x/base"
)

// ABCI query paths.
const (
	QueryPathKey       = "/store/key"
	QueryPathProofSpec = "/store/proofspec"
	QueryPathSubspace  = "/store/subspace"
	// ProofOpType names the one ProofOp a proven /store/key answer carries.
	ProofOpType = "ics23:corridor"
	// SubspacePairsMax is the most pairs one /store/subspace answer holds.
	SubspacePairsMax = 1000
)

// Query answers raw state queries over committed state:
//   - /store/key: data is the raw key; height 0 means latest; with prove, one
//     ProofOp of type ics23:corridor holds the marshalled CommitmentProof,
//     verifiable against the AppHash of the header at height+1.
//   - /store/proofspec: the marshalled ics23 ProofSpec.
//   - /store/subspace: data is a key prefix; up to 1000 pairs in key order,
//     as a marshalled corridor.store.v1.KVPairs.
func (a *App) Query(_ context.Context, req *abci.QueryRequest) (*abci.QueryResponse, error) {
	resp, err := a.query(req)
	if err != nil {
		codespace, code, log := base.ABCIInfo(err)
		return &abci.QueryResponse{Code: code, Codespace: codespace, Log: log, Height: req.Height}, nil
	}
	return resp, nil
}

func (a *App) query(req *abci.QueryRequest) (*abci.QueryResponse, error) {
	latest := a.store.LastCommit().Version
	height := req.Height
	if height == 0 {
		height = latest
	}
	if height < 0 || height > latest {
		return nil, base.ErrInvalidMsg.Wrapf("height %d is not committed; the latest is %d", req.Height, latest)
	}
	switch req.Path {
	case QueryPathKey:
		return a.queryKey(req.Data, height, req.Prove)
	case QueryPathProofSpec:
		bz, err := store.ProofSpec().Marshal()
		if err != nil {
			return nil, err
		}
		return &abci.QueryResponse{Value: bz, Height: latest}, nil
	case QueryPathSubspace:
		return a.querySubspace(req.Data, height)
	default:
		return nil, base.ErrInvalidMsg.Wrapf("unknown query path %q; known: %s, %s, %s", req.Path, QueryPathKey, QueryPathProofSpec, QueryPathSubspace)
	}
}

func (a *App) queryKey(key []byte, height int64, prove bool) (*abci.QueryResponse, error) {
	if len(key) == 0 {
		return nil, base.ErrInvalidMsg.Wrapf("query data must be the raw key; it is empty")
	}
	if !prove {
		v, err := a.store.GetAt(height, key)
		if err != nil {
			return nil, queryStoreErr(err, height)
		}
		return &abci.QueryResponse{Key: key, Value: v, Height: height}, nil
	}
	p, err := ProveAt(a.store, height, key)
	if err != nil {
		return nil, queryStoreErr(err, height)
	}
	return &abci.QueryResponse{
		Key: key, Value: p.Value, Height: height,
		ProofOps: &crypto.ProofOps{Ops: []crypto.ProofOp{{Type: ProofOpType, Key: key, Data: p.CommitmentProof}}},
	}, nil
}

func (a *App) querySubspace(prefix []byte, height int64) (*abci.QueryResponse, error) {
	out := &storepb.KVPairs{}
	fn := func(k, v []byte) bool {
		out.Pairs = append(out.Pairs, &storepb.KVPair{Key: append([]byte{}, k...), Value: append([]byte{}, v...)})
		return len(out.Pairs) < SubspacePairsMax
	}
	var err error
	if height == a.store.LastCommit().Version {
		err = a.store.Iterate(prefix, base.PrefixEnd(prefix), fn)
	} else {
		err = a.store.IterateAt(height, prefix, base.PrefixEnd(prefix), fn)
	}
	if err != nil {
		return nil, queryStoreErr(err, height)
	}
	bz, err := out.Marshal()
	if err != nil {
		return nil, err
	}
	return &abci.QueryResponse{Key: prefix, Value: bz, Height: height}, nil
}

func queryStoreErr(err error, height int64) error {
	switch {
	case errors.Is(err, store.ErrVersionPruned):
		return base.ErrNotFound.Wrapf("height %d is pruned; query a more recent height", height)
	case errors.Is(err, store.ErrVersionUnknown):
		return base.ErrNotFound.Wrapf("height %d is not known", height)
	case errors.Is(err, store.ErrEmptyTree):
		return base.ErrNotFound.Wrapf("state is empty at height %d; there is nothing to prove", height)
	}
	return err
}
