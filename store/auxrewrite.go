package store

import (
	"errors"

	"github.com/cockroachdb/pebble"
)

// auxRewriteBatchBytes bounds one batch of ReplaceAux.
const auxRewriteBatchBytes = 64 << 20

// ErrStaged is returned by ReplaceAux while a version is staged.
var ErrStaged = errors.New("store: a version is staged; commit it first")

// ReplaceAux replaces every aux entry in [start, end) with the entries that
// fill hands to put, at the latest version: aux entries belong to no
// version and no root. It is for repairing derived indexes, with nothing
// else writing: it keeps Stage, Commit and Prune out while it runs, but
// readers may see the range half rewritten. It writes synced batches of at
// most 64 MiB, the first of which drops the range, so a crash part way
// leaves the range partly rewritten, and running it again completes it.
// fill may read the store. An error from fill stops it where it is.
func (s *Store) ReplaceAux(start, end []byte, fill func(put func(key, value []byte) error) error) (err error) {
	defer s.failOnPanic(&err)
	if len(start) == 0 || len(end) == 0 {
		return errors.New("store: ReplaceAux needs a non-empty start and end")
	}
	s.ioMu.Lock()
	defer s.ioMu.Unlock()
	s.mu.RLock()
	err = s.state()
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	if s.staged != nil {
		return ErrStaged
	}
	b := s.db.NewBatch()
	defer func() { b.Close() }()
	commit := func() error {
		if err := b.Commit(pebble.Sync); err != nil {
			return s.fail(err)
		}
		b.Close()
		b = s.db.NewBatch()
		return nil
	}
	if err := b.DeleteRange(auxKey(start), auxKey(end), nil); err != nil {
		return err
	}
	err = fill(func(key, value []byte) error {
		if err := checkKey(key); err != nil {
			return err
		}
		if string(key) < string(start) || string(key) >= string(end) {
			return errors.New("store: ReplaceAux got a key outside its range")
		}
		if err := b.Set(auxKey(key), value, nil); err != nil {
			return err
		}
		if b.Len() >= auxRewriteBatchBytes {
			return commit()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := commit(); err != nil {
		return err
	}
	s.mu.Lock()
	s.iters.reset() // pooled iterators see the rewritten range
	s.mu.Unlock()
	return nil
}
