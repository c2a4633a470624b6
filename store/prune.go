package store

import (
	"fmt"

	"github.com/cockroachdb/pebble"
)

// Prune drops the history of versions below `below`, keeping versions >=
// below readable (below is clamped to the latest version). It deletes key
// ranges, never entries one by one: the undo log of versions <= below and the
// roots of versions < below, in one synced batch. The space comes back as
// Pebble compacts those ranges; CompactHistory forces that.
func (s *Store) Prune(below int64) (err error) {
	defer s.failOnPanic(&err)
	s.ioMu.Lock()
	defer s.ioMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.state(); err != nil {
		return err
	}
	below = min(below, s.version)
	if below <= s.oldest {
		return nil
	}
	b := s.db.NewBatch()
	defer b.Close()
	// Reading version v needs the undo records of versions v+1..latest.
	if err := b.DeleteRange(undoPrefix(0), undoPrefix(below+1), nil); err != nil {
		return err
	}
	if err := b.DeleteRange(versionKey(0), versionKey(below), nil); err != nil {
		return err
	}
	if err := b.Set(metaOldest, u64(uint64(below)), nil); err != nil {
		return err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		s.failed = fmt.Errorf("prune: %w", err)
		return fmt.Errorf("%w: %v", ErrFailed, s.failed)
	}
	s.oldest = below
	s.iters.reset()
	return nil
}

// CompactHistory compacts the key ranges Prune dropped, so that their disk
// space is freed now rather than when Pebble gets to them. It may take a
// while on a large store; readers and commits continue meanwhile.
func (s *Store) CompactHistory() error {
	s.mu.RLock()
	err, oldest := s.state(), s.oldest
	s.mu.RUnlock()
	if err != nil || oldest == 0 {
		return err
	}
	s.iters.reset() // let the compacted files go
	if err := s.db.Compact(undoPrefix(0), undoPrefix(oldest+1), true); err != nil {
		return err
	}
	return s.db.Compact(versionKey(0), versionKey(oldest), false)
}

// Flush writes the memtable out to sstables, so that disk usage reflects
// everything committed (the write-ahead log is otherwise most of a fresh
// store). Benchmarks and operators use it; commits never need it.
func (s *Store) Flush() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.state(); err != nil {
		return err
	}
	s.iters.reset() // let the flushed memtable go
	return s.db.Flush()
}

// DiskBytes returns the bytes Pebble's files take on disk, as Pebble counts
// them (sstables, write-ahead logs, manifest); 0 once the store is closed.
func (s *Store) DiskBytes() uint64 { return s.Usage().DiskBytes }

// Usage is what Pebble reports of the store's files and background work.
type Usage struct {
	DiskBytes uint64 // see DiskBytes
	// CompactionsRunning and CompactionDebtBytes: see Compactions.
	CompactionsRunning  int64
	CompactionDebtBytes uint64
}

// Usage reads Pebble's metrics once for DiskBytes and Compactions' figures;
// all are 0 once the store is closed (a node's metrics page may be read as
// it stops).
func (s *Store) Usage() Usage {
	m := s.pebbleMetrics()
	if m == nil {
		return Usage{}
	}
	return Usage{DiskBytes: m.DiskSpaceUsage(), CompactionsRunning: m.Compact.NumInProgress, CompactionDebtBytes: m.Compact.EstimatedDebt}
}

// pebbleMetrics returns Pebble's metrics, or nil once the store is closed.
func (s *Store) pebbleMetrics() *pebble.Metrics {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil
	}
	return s.db.Metrics()
}

// PebbleMetrics returns Pebble's metrics table (levels, WAL, caches,
// compactions) for operators and benchmarks.
func (s *Store) PebbleMetrics() string {
	m := s.pebbleMetrics()
	if m == nil {
		return "store closed"
	}
	return m.String()
}

// Compactions reports Pebble's background work: compactions running now and
// the bytes Pebble estimates must still be compacted for the LSM to be
// stable. A node that has just taken a burst of writes (a bulk import, a state
// sync) reads fastest once no compaction has run for a while; the estimate
// can stay above zero on an LSM that Pebble sees no reason to compact.
// Both are 0 once the store is closed.
func (s *Store) Compactions() (running int64, debtBytes uint64) {
	u := s.Usage()
	return u.CompactionsRunning, u.CompactionDebtBytes
}
