package node

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtlog "github.com/cometbft/cometbft/libs/log"

	"github.com/landsea/corridor/store"
)

// Snapshot format 1: the store's export stream cut into chunks of at most
// snapshotChunkBytes; the snapshot hash is SHA-256 over the chunks' hashes
// in order, and the metadata lists every chunk's hash so that a joining
// node checks each chunk before it applies it.
const (
	snapshotFormat     = 1
	snapshotChunkBytes = 8 << 20
	snapshotsKept      = 3
)

type snapshotMeta struct {
	Height      int64    `json:"height"`
	Root        []byte   `json:"root"`
	ChunkHashes [][]byte `json:"chunk_hashes"`
}

func (m snapshotMeta) hash() []byte {
	h := sha256.New()
	for _, c := range m.ChunkHashes {
		h.Write(c)
	}
	return h.Sum(nil)
}

// snapshots takes state-sync snapshots of the store in the background and
// serves them, and restores one into an empty store.
type snapshots struct {
	dir      string
	st       *store.Store
	interval int64
	logger   cmtlog.Logger

	mu      sync.Mutex
	running bool
	// restore state, used only from the ABCI goroutine.
	restoring *store.Importer
	meta      snapshotMeta
}

func newSnapshots(dir string, st *store.Store, interval int64, logger cmtlog.Logger) *snapshots {
	return &snapshots{dir: dir, st: st, interval: interval, logger: logger}
}

// Committed starts a snapshot of the just-committed version when the
// height is a multiple of the interval and no snapshot is being written.
// The export reads a consistent Pebble snapshot, so blocks go on meanwhile.
func (s *snapshots) Committed(height int64) {
	if s.interval <= 0 || height%s.interval != 0 {
		return
	}
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return
	}
	s.running = true
	s.mu.Unlock()
	exp, err := s.st.NewExporter()
	if err != nil {
		s.logger.Error("snapshot: export", "height", height, "err", err)
		s.done()
		return
	}
	go func() {
		defer s.done()
		if err := s.write(exp); err != nil {
			s.logger.Error("snapshot failed", "height", exp.Version(), "err", err)
			return
		}
		s.logger.Info("snapshot taken", "height", exp.Version())
		s.prune()
	}()
}

func (s *snapshots) done() {
	s.mu.Lock()
	s.running = false
	s.mu.Unlock()
}

// write exports into a temporary directory and renames it into place, so
// a crash never leaves a half-written snapshot listed.
func (s *snapshots) write(exp *store.Exporter) error {
	defer exp.Close()
	final := filepath.Join(s.dir, strconv.FormatInt(exp.Version(), 10))
	tmp := final + ".tmp"
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	meta := snapshotMeta{Height: exp.Version(), Root: exp.Root()}
	for i := 0; ; i++ {
		chunk, err := exp.Next(snapshotChunkBytes)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(tmp, chunkName(i)), chunk, 0o644); err != nil {
			return err
		}
		h := sha256.Sum256(chunk)
		meta.ChunkHashes = append(meta.ChunkHashes, h[:])
	}
	bz, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "meta.json"), bz, 0o644); err != nil {
		return err
	}
	_ = os.RemoveAll(final)
	return os.Rename(tmp, final)
}

func chunkName(i int) string { return fmt.Sprintf("chunk-%06d", i) }

// heights lists the snapshot heights on disk, newest first.
func (s *snapshots) heights() []int64 {
	entries, _ := os.ReadDir(s.dir)
	var out []int64
	for _, e := range entries {
		if h, err := strconv.ParseInt(e.Name(), 10, 64); err == nil && e.IsDir() {
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] > out[j] })
	return out
}

func (s *snapshots) prune() {
	hs := s.heights()
	for _, h := range hs[min(len(hs), snapshotsKept):] {
		_ = os.RemoveAll(filepath.Join(s.dir, strconv.FormatInt(h, 10)))
	}
}

func (s *snapshots) readMeta(height int64) (snapshotMeta, error) {
	var m snapshotMeta
	bz, err := os.ReadFile(filepath.Join(s.dir, strconv.FormatInt(height, 10), "meta.json"))
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(bz, &m)
}

// List returns the snapshots on disk.
func (s *snapshots) List() ([]*abci.Snapshot, error) {
	var out []*abci.Snapshot
	for _, h := range s.heights() {
		m, err := s.readMeta(h)
		if err != nil {
			continue
		}
		md, err := json.Marshal(m.ChunkHashes)
		if err != nil {
			return nil, err
		}
		out = append(out, &abci.Snapshot{Height: uint64(h), Format: snapshotFormat,
			Chunks: uint32(len(m.ChunkHashes)), Hash: m.hash(), Metadata: md})
	}
	return out, nil
}

// LoadChunk reads one chunk. A chunk of a snapshot this node no longer
// keeps (or never had) is answered as missing (nil), so the joining node
// asks another peer or picks another snapshot.
func (s *snapshots) LoadChunk(height int64, format, chunk uint32) ([]byte, error) {
	if format != snapshotFormat {
		return nil, nil
	}
	bz, err := os.ReadFile(filepath.Join(s.dir, strconv.FormatInt(height, 10), chunkName(int(chunk))))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return bz, err
}

// Offer accepts a snapshot of a known format into an empty store.
func (s *snapshots) Offer(snap *abci.Snapshot, appHash []byte) (abci.OfferSnapshotResult, error) {
	if snap.Format != snapshotFormat {
		return abci.OFFER_SNAPSHOT_RESULT_REJECT_FORMAT, nil
	}
	if s.restoring != nil { // an earlier offer that did not finish
		if _, err := s.abort(); err != nil {
			return abci.OFFER_SNAPSHOT_RESULT_ABORT, err
		}
	}
	if s.st.LastCommit().Version != 0 {
		return abci.OFFER_SNAPSHOT_RESULT_ABORT, nil
	}
	var hashes [][]byte
	if err := json.Unmarshal(snap.Metadata, &hashes); err != nil || len(hashes) != int(snap.Chunks) {
		return abci.OFFER_SNAPSHOT_RESULT_REJECT, nil
	}
	meta := snapshotMeta{Height: int64(snap.Height), Root: appHash, ChunkHashes: hashes}
	if string(meta.hash()) != string(snap.Hash) {
		return abci.OFFER_SNAPSHOT_RESULT_REJECT, nil
	}
	imp, err := s.st.NewImporter(meta.Height, appHash)
	if err != nil {
		return abci.OFFER_SNAPSHOT_RESULT_ABORT, err
	}
	s.restoring, s.meta = imp, meta
	return abci.OFFER_SNAPSHOT_RESULT_ACCEPT, nil
}

// ApplyChunk checks a chunk against its hash and restores it; the last
// chunk finishes the import, which checks the rebuilt root against the
// trusted app hash.
func (s *snapshots) ApplyChunk(index uint32, chunk []byte) (abci.ApplySnapshotChunkResult, error) {
	if s.restoring == nil || int(index) >= len(s.meta.ChunkHashes) {
		return abci.APPLY_SNAPSHOT_CHUNK_RESULT_ABORT, nil
	}
	if h := sha256.Sum256(chunk); string(h[:]) != string(s.meta.ChunkHashes[index]) {
		return abci.APPLY_SNAPSHOT_CHUNK_RESULT_RETRY, nil
	}
	if err := s.restoring.Add(chunk); err != nil {
		s.logger.Error("snapshot chunk refused", "index", index, "err", err)
		return s.abort()
	}
	if int(index) < len(s.meta.ChunkHashes)-1 {
		return abci.APPLY_SNAPSHOT_CHUNK_RESULT_ACCEPT, nil
	}
	if _, err := s.restoring.Finish(); err != nil {
		s.logger.Error("snapshot restore failed", "height", s.meta.Height, "err", err)
		return s.abort()
	}
	s.restoring = nil
	s.logger.Info("state restored from snapshot", "height", s.meta.Height)
	return abci.APPLY_SNAPSHOT_CHUNK_RESULT_ACCEPT, nil
}

// abort wipes a failed restore so the store is empty for the next snapshot
// CometBFT offers.
func (s *snapshots) abort() (abci.ApplySnapshotChunkResult, error) {
	imp := s.restoring
	s.restoring = nil
	if err := imp.Abort(); err != nil {
		return abci.APPLY_SNAPSHOT_CHUNK_RESULT_ABORT, err
	}
	return abci.APPLY_SNAPSHOT_CHUNK_RESULT_REJECT_SNAPSHOT, nil
}
