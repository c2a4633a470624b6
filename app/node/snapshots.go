package node

import (
	abci "github.com/cometbft/cometbft/abci/types"
	cmtlog "github.com/cometbft/cometbft/libs/log"

	"github.com/landsea/corridor/store"
)

// snapshots serves ABCI state sync from snapshots kept under dir.
type snapshots struct {
	dir      string
	st       *store.Store
	interval int64
	logger   cmtlog.Logger
}

func newSnapshots(dir string, st *store.Store, interval int64, logger cmtlog.Logger) *snapshots {
	return &snapshots{dir: dir, st: st, interval: interval, logger: logger}
}

func (s *snapshots) Committed(int64) {}

func (s *snapshots) List() ([]*abci.Snapshot, error) { return nil, nil }

func (s *snapshots) LoadChunk(int64, uint32, uint32) ([]byte, error) { return nil, nil }

func (s *snapshots) Offer(*abci.Snapshot, []byte) (abci.OfferSnapshotResult, error) {
	return abci.OFFER_SNAPSHOT_RESULT_REJECT, nil
}

func (s *snapshots) ApplyChunk(uint32, []byte) (abci.ApplySnapshotChunkResult, error) {
	return abci.APPLY_SNAPSHOT_CHUNK_RESULT_ABORT, nil
}
