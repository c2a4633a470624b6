package app

import (
	"context"

	abci "github.com/cometbft/cometbft/abci/types"
)

// ListSnapshots lists the node's state-sync snapshots.
func (a *App) ListSnapshots(context.Context, *abci.ListSnapshotsRequest) (*abci.ListSnapshotsResponse, error) {
	if a.snaps == nil {
		return &abci.ListSnapshotsResponse{}, nil
	}
	list, err := a.snaps.List()
	if err != nil {
		return nil, err
	}
	return &abci.ListSnapshotsResponse{Snapshots: list}, nil
}

// LoadSnapshotChunk returns one chunk of a snapshot.
func (a *App) LoadSnapshotChunk(_ context.Context, req *abci.LoadSnapshotChunkRequest) (*abci.LoadSnapshotChunkResponse, error) {
	if a.snaps == nil {
		return &abci.LoadSnapshotChunkResponse{}, nil
	}
	chunk, err := a.snaps.LoadChunk(int64(req.Height), req.Format, req.Chunk)
	if err != nil {
		return nil, err
	}
	return &abci.LoadSnapshotChunkResponse{Chunk: chunk}, nil
}

// OfferSnapshot accepts a snapshot to restore when this node's store is
// empty and the snapshot's format is known.
func (a *App) OfferSnapshot(_ context.Context, req *abci.OfferSnapshotRequest) (*abci.OfferSnapshotResponse, error) {
	if a.snaps == nil || req.Snapshot == nil {
		return &abci.OfferSnapshotResponse{Result: abci.OFFER_SNAPSHOT_RESULT_REJECT}, nil
	}
	res, err := a.snaps.Offer(req.Snapshot, req.AppHash)
	if err != nil {
		return nil, err
	}
	return &abci.OfferSnapshotResponse{Result: res}, nil
}

// ApplySnapshotChunk restores one chunk; after the last one the store holds
// the snapshot's version with its root checked against the app hash.
func (a *App) ApplySnapshotChunk(_ context.Context, req *abci.ApplySnapshotChunkRequest) (*abci.ApplySnapshotChunkResponse, error) {
	if a.snaps == nil {
		return &abci.ApplySnapshotChunkResponse{Result: abci.APPLY_SNAPSHOT_CHUNK_RESULT_ABORT}, nil
	}
	res, err := a.snaps.ApplyChunk(req.Index, req.Chunk)
	if err != nil {
		return nil, err
	}
	if res == abci.APPLY_SNAPSHOT_CHUNK_RESULT_ACCEPT {
		a.resetBlock()
	}
	return &abci.ApplySnapshotChunkResponse{Result: res}, nil
}
