package store

import (
	"encoding/binary"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble"
)

// startWarmUp fills t's cache from the leaf index in the background, until
// every bucket of two leaves or more is in or the budget is used: when the
// store opens, and when an import has committed the tree t of count keys.
// Without it a restarted node would read the leaf index for each bucket its
// commits and proofs touch until a commit had touched it again: for a store
// of millions of keys, hours of slower commits. It runs beside them, so that
// a large store opens at once: until the warm-up reaches a bucket, a commit
// or a proof that touches it reads the leaf index, as with no cache.
//
// A store of many keys is read by one worker per core, each over its own
// range of buckets, through an iterator that sees the leaf index as it was
// when the worker began. The workers hand over their entries in batches,
// under mu, as a commit writes the cache; an entry of a bucket that a
// commit has restaged since the warm-up began is thrown away, since the
// commit put its own, newer one (or dropped it). Every entry the warm-up
// puts is thus right for the latest version, whenever it goes in, so it
// need not wait for a Stage to end (ioMu): restaging reads the cache under
// mu's read lock while a warm-up runs (cachedLeaves). A bucket with a leaf
// entry that does not decode is left out: restaging it reads the leaf index
// and reports the entry. An error stops the warm-up, which only saves reads,
// and is logged; a panic inside Pebble fails the store, as on any call into
// it. In a cache too small for all, the buckets of the keys a node changes
// most (a member's sequence, a counter) get in with the commits that touch
// them, in place of entries picked at random (bucketCache.put).
//
// Caller holds mu (or has the store to itself, in Open).
func (s *Store) startWarmUp(t *resident, count int64) {
	if t.cache == nil || count < 2 || s.closed {
		return
	}
	// A warm-up of a tree this one replaces ends at its next batch.
	w := &cacheWarmer{s: s, t: t, start: time.Now(), done: make(chan struct{}),
		changed: make([]uint64, (1<<s.depth+63)/64)}
	s.warming.Store(w)
	s.warmers.Add(1)
	go func() {
		defer s.warmers.Done()
		defer close(w.done)
		defer s.failOnPanic(new(error))
		w.run(min(runtime.GOMAXPROCS(0), int(count/warmKeysPerWorker)+1))
	}()
}

// WaitForWarmUp waits until the warm-ups of the bucket cache and the value
// cache, if they run, have ended: the caches then hold what they will hold
// until commits change them.
func (s *Store) WaitForWarmUp() {
	if w := s.warming.Load(); w != nil {
		<-w.done
	}
	if w := s.valueWarming.Load(); w != nil {
		<-w.done
	}
}

// warmKeysPerWorker is the store size from which the warm-up takes a second
// worker (and so on up to the cores): below it one is fast enough. Tests
// lower it.
var warmKeysPerWorker int64 = 1 << 20

// warmBatchBytes is about the size of the batches of entries the workers
// hand over. Tests lower it.
var warmBatchBytes = 1 << 20

// warmHeaderLen is the header of a bucket's record in a batch the workers
// hand over: the bucket (4 bytes) and its leaf count.
const warmHeaderLen = 4 + 1

// beforeWarmPut, if set, is called before each batch is handed over: tests
// commit there, between the read of a batch and its put.
var beforeWarmPut func()

// cacheWarmer is one warm-up: the tree whose cache it fills, and what its
// workers share.
type cacheWarmer struct {
	s     *Store
	t     *resident
	start time.Time
	done  chan struct{} // closed when the warm-up has ended
	// changed marks the buckets commits restaged since the warm-up began.
	// It, ended and t's cache are read and written under s.mu.
	changed []uint64
	ended   bool
	skipped atomic.Int64 // buckets left out: an entry does not decode
	read    atomic.Int64 // buckets the workers have read past (Stats)
}

// run reads the leaf index with parts workers, then logs how it went.
func (w *cacheWarmer) run(parts int) {
	s := w.s
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			// A panic inside Pebble (see recoverFatal) fails the store, as
			// on any call into it; this goroutine is the warm-up's own.
			defer s.failOnPanic(&errs[p])
			lo, hi := uint64(p)<<s.depth/uint64(parts), uint64(p+1)<<s.depth/uint64(parts)
			errs[p] = w.warm(lo, hi)
		})
	}
	wg.Wait()
	s.mu.Lock() // commits write the tree and the leaf index under it too
	defer s.mu.Unlock()
	s.warming.CompareAndSwap(w, nil)
	err := errors.Join(errs...)
	if err == nil && invariants && s.state() == nil && s.tree == w.t {
		// Every entry, warmed or put by a commit meanwhile, against the leaf
		// index and the tree.
		all := make([]restagedBucket, 0, len(w.t.cache.loc))
		for b := range w.t.cache.loc {
			all = append(all, restagedBucket{idx: b})
		}
		if err := s.checkBuckets(all); err != nil {
			panic(err)
		}
	}
	buckets, bytes := w.t.cache.size()
	switch {
	case err != nil:
		s.opts.Logger("store: bucket cache warm-up stopped after %s, with %d buckets (%d MiB) in: %v", time.Since(w.start).Round(time.Millisecond), buckets, bytes>>20, err)
	case s.tree != w.t || s.state() != nil:
		// Close, an import or a wipe that replaced the tree, or a failure
		// the store reports itself: nothing to say.
	default:
		s.opts.Logger("store: bucket cache warmed from the leaf index in %s: %d buckets, %d MiB of %d MiB", time.Since(w.start).Round(time.Millisecond), buckets, bytes>>20, w.t.cache.budget>>20)
	}
	if n := w.skipped.Load(); n > 0 {
		s.opts.Logger("store: %d buckets left out of the bucket cache: a leaf entry of each does not decode", n)
	}
}

// warm reads the leaves of buckets [lo, hi) in order and hands each bucket's
// record over in batches of about warmBatchBytes, until put says the warm-up
// is done.
func (w *cacheWarmer) warm(lo, hi uint64) error {
	s := w.s
	upper := []byte{prefixLeaf + 1}
	if hi < 1<<s.depth {
		upper = bucketLeafPrefix(hi)
	}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: bucketLeafPrefix(lo), UpperBound: upper})
	if err != nil {
		return err
	}
	var (
		ls      []leaf
		keys    []byte // the bucket's keys, which decodeLeaf copies out
		batch   []byte // bucket(4) || count(1) || the record, for each bucket
		b       uint64
		mark    = lo // buckets below it are counted in w.read
		started bool
		bad     bool
		skipped int
		done    bool
	)
	// gather adds bucket b's leaves, if fit to cache, to the batch.
	gather := func() {
		if bad {
			skipped++
		} else if rec := cacheRecord(ls, s.depth); rec != nil {
			batch = binary.BigEndian.AppendUint32(batch, uint32(b))
			batch = append(append(batch, byte(len(ls))), rec...)
		}
	}
	for it.First(); it.Valid() && !done; it.Next() {
		k, v := it.Key(), it.Value()
		if len(k) < leafPrefixLen {
			continue // not a leaf-index key: restaging never reads it either
		}
		if kb := uint64(binary.BigEndian.Uint32(k[1:])); !started || kb != b {
			if started {
				gather()
				if len(batch) >= warmBatchBytes {
					done, batch = w.put(batch), batch[:0]
					w.read.Add(int64(kb - mark))
					mark = kb
				}
			}
			b, ls, keys, bad, started = kb, ls[:0], keys[:0], false, true
		}
		l, more, err := decodeLeaf(k, v, keys)
		if err != nil {
			bad = true
			continue
		}
		keys, ls = more, append(ls, l)
	}
	if started && !done && it.Error() == nil {
		gather()
		w.put(batch)
	}
	if !done && it.Error() == nil {
		w.read.Add(int64(hi - mark))
	}
	w.skipped.Add(int64(skipped))
	return it.Close()
}

// put caches a batch of gather's records, leaving out the buckets commits
// have restaged since the warm-up began, and reports whether the warm-up is
// done: the cache has no room for an entry, the store is closed or failed,
// or its tree is no longer t.
func (w *cacheWarmer) put(batch []byte) bool {
	if beforeWarmPut != nil {
		beforeWarmPut()
	}
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tree != w.t || s.state() != nil { // replaced, closed or failed
		w.ended = true
	}
	for len(batch) > 0 && !w.ended {
		b := binary.BigEndian.Uint32(batch)
		n := warmHeaderLen + int(batch[4])*cachedLeafLen
		if w.changed[b/64]&(1<<(b%64)) == 0 {
			w.ended = !w.t.cache.fill(uint64(b), batch[warmHeaderLen:n])
		}
		batch = batch[n:]
	}
	return w.ended
}

// cachedLeaves is the bucket cache's leaves for restaging bucket b (see
// bucketCache.leaves). Restaging holds ioMu, which keeps commits out, but
// not a warm-up's puts: while one runs, the read takes mu's read lock.
func (s *Store) cachedLeaves(b uint64, out []leaf) ([]leaf, bool) {
	if s.warming.Load() != nil {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	return s.tree.cache.leaves(b, s.depth, out)
}

// restaged marks the buckets a commit restaged, whose entries the warm-up
// must no longer put. Caller holds mu.
func (w *cacheWarmer) restaged(rs []restagedBucket) {
	for _, r := range rs {
		w.changed[r.idx/64] |= 1 << (r.idx % 64)
	}
}
