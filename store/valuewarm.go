package store

import (
	"encoding/binary"
	"hash/maphash"
	"time"

	"github.com/cockroachdb/pebble"
)

// valueWarmer is one warm-up of the value cache: what WaitForWarmUp waits
// for.
type valueWarmer struct {
	done chan struct{} // closed when the warm-up has ended
}

// beforeValueWarmPut, if set, is called before each batch of the value
// cache's warm-up goes in: tests commit there, between its read and its put.
var beforeValueWarmPut func()

// startValueWarmUp fills the value cache from the flat index in the
// background, in key order, until every value is in or the budget is used:
// when the store opens, and when an import has committed. Without it a
// restarted node would read every value from Pebble until a commit wrote it
// again. It starts once the bucket cache's warm-up (after) has ended, which
// commits need more.
//
// From the moment it starts, commits note every key they change
// (valueCache.changed), and the warm-up throws away what it read of those:
// the commit has put the newer value, or removed the key. Every value it
// puts is thus the latest whenever it goes in. It takes no entry's place,
// and an import or a wipe (valueCache.reset) or Close ends it at its next
// batch. An error stops it and is logged: it only saves reads.
//
// Caller holds mu (or has the store to itself, in Open).
func (s *Store) startValueWarmUp(after *cacheWarmer) {
	c := s.values
	if c == nil || s.count == 0 || s.closed {
		return
	}
	c.changed = make(map[uint64]struct{})
	gen := c.gen
	w := &valueWarmer{done: make(chan struct{})}
	s.valueWarming.Store(w)
	s.warmers.Add(1)
	go func() {
		defer s.warmers.Done()
		defer close(w.done)
		defer s.failOnPanic(new(error))
		if after != nil {
			<-after.done
		}
		s.mu.RLock()
		ended := c.gen != gen || s.state() != nil
		s.mu.RUnlock()
		start := time.Now()
		var err error
		if !ended { // else Close, an import or a wipe came during the bucket cache's warm-up
			err = s.warmValues(gen)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.valueWarming.CompareAndSwap(w, nil)
		if c.gen != gen || s.state() != nil {
			return // an import, a wipe or Close came first; nothing to say
		}
		c.changed = nil
		n, bytes := c.size()
		if err != nil {
			s.opts.Logger("store: value cache warm-up stopped after %s, with %d values (%d MiB) in: %v", time.Since(start).Round(time.Millisecond), n, bytes>>20, err)
			return
		}
		s.opts.Logger("store: value cache warmed from the flat index in %s: %d values, %d MiB of %d MiB", time.Since(start).Round(time.Millisecond), n, bytes>>20, c.budget>>20)
	}()
}

// previousValue reads key's latest committed value for Stage, as latest does:
// from the value cache, else from the flat index. Stage holds ioMu, which keeps commits
// out, but not the value cache's warm-up, which puts values under mu: while
// one runs the cache is read under mu's read lock. A warm-up starts only in
// Open and in an import's commit, which holds ioMu, and ends (valueWarming
// back to nil) after its last put.
func (s *Store) previousValue(key []byte) ([]byte, bool, error) {
	if s.valueWarming.Load() != nil {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	return s.latest(key)
}

// valueWarmBatchBytes is about the size of the batches the warm-up puts.
// Tests lower it.
var valueWarmBatchBytes = 1 << 20

// warmValues reads the flat index in key order and puts its values in
// batches, until putValues says the warm-up is done.
func (s *Store) warmValues(gen uint64) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixFlat}, UpperBound: []byte{prefixFlat + 1}})
	if err != nil {
		return err
	}
	var batch, rec []byte // batch: uvarint(len(rec)) || rec, each (see appendValueRecord)
	done := false
	for it.First(); it.Valid() && !done; it.Next() {
		if len(it.Value()) > valueCacheMaxValue {
			continue
		}
		rec = appendValueRecord(rec[:0], it.Key()[1:], it.Value())
		batch = append(binary.AppendUvarint(batch, uint64(len(rec))), rec...)
		if len(batch) >= valueWarmBatchBytes {
			done, batch = s.putValues(gen, batch), batch[:0]
		}
	}
	if !done && it.Error() == nil && len(batch) > 0 {
		s.putValues(gen, batch)
	}
	return it.Close() // with the iteration's error, if any
}

// putValues puts a batch of warmValues' records into the cache, leaving out
// the keys commits have changed since the warm-up began, and reports whether
// the warm-up is done: the cache is full, the store closed or failed, or its
// state replaced.
func (s *Store) putValues(gen uint64, batch []byte) bool {
	if beforeValueWarmPut != nil {
		beforeValueWarmPut()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.values
	if c.gen != gen || s.state() != nil {
		return true
	}
	for len(batch) > 0 {
		n, w := binary.Uvarint(batch)
		rec := batch[w : w+int(n)]
		batch = batch[w+int(n):]
		key, _, _ := splitValueRecord(rec) // warmValues wrote it
		id := maphash.Bytes(c.seed, key)
		if _, changed := c.changed[id]; changed {
			continue
		}
		if _, taken := c.get(id); taken {
			continue // a commit's value, of a key sharing the slot
		}
		if !c.fill(id, rec) {
			return true
		}
	}
	return false
}
