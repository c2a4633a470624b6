package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/cockroachdb/pebble"
)

// warmBucketCache fills t's cache from the leaf index, until every bucket of
// two leaves or more is in or the budget is used: when the store opens, and when an import has committed the tree t of
// count keys. Without it a restarted node would read the leaf index for each
// bucket its commits and proofs touch until a commit had touched it again:
// for a store of millions of keys, hours of slower commits. Nothing else uses
// t's cache meanwhile (t is not yet the store's). A store of many keys is
// read by one worker per core, each over its own range of buckets. A bucket
// with an entry that does not decode is left out: restaging it reads the
// leaf index and reports the entry. In a cache too small for all, the
// buckets of the keys a node changes most (a member's sequence, a counter)
// get in with the first commits that touch them, in place of entries picked
// at random (bucketCache.put).
func (s *Store) warmBucketCache(t *resident, count int64) error {
	c := t.cache
	if c == nil || count < 2 {
		return nil
	}
	start := time.Now()
	w := &cacheWarmer{s: s, t: t}
	parts := min(runtime.GOMAXPROCS(0), int(count/warmKeysPerWorker)+1)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			lo, hi := uint64(p)<<s.depth/uint64(parts), uint64(p+1)<<s.depth/uint64(parts)
			errs[p] = w.warm(lo, hi)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	buckets, bytes := c.size()
	s.opts.Logger("store: bucket cache warmed from the leaf index in %s: %d buckets, %d MiB of %d MiB", time.Since(start).Round(time.Millisecond), buckets, bytes>>20, c.budget>>20)
	if w.skipped > 0 {
		s.opts.Logger("store: %d buckets left out of the bucket cache: a leaf entry of each does not decode", w.skipped)
	}
	return nil
}

// warmKeysPerWorker is the store size from which warmBucketCache takes a
// second worker (and so on up to the cores): below it one is fast enough.
// Tests lower it.
var warmKeysPerWorker int64 = 1 << 20

// cacheWarmer is what warmBucketCache's workers share: the tree whose cache
// they fill, behind mu.
type cacheWarmer struct {
	s       *Store
	t       *resident
	mu      sync.Mutex
	full    bool
	skipped int
}

// warm reads the leaves of buckets [lo, hi) in order and caches each bucket's
// record, handing them over in batches of about warmBatchBytes.
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
		started bool
		bad     bool
		skipped int
		full    bool
		broken  = int64(-1) // a bucket whose leaves do not hash to its node
	)
	// gather adds bucket b's leaves, if fit to cache, to the batch.
	gather := func() {
		switch {
		case bad:
			skipped++
		case invariants && len(ls) > 0 && subtree(ls, s.depth) != w.t.node(s.depth, b):
			broken = int64(b)
		default:
			if rec := cacheRecord(ls, s.depth); rec != nil {
				batch = binary.BigEndian.AppendUint32(batch, uint32(b))
				batch = append(append(batch, byte(len(ls))), rec...)
			}
		}
	}
	for it.First(); it.Valid() && !full && broken < 0; it.Next() {
		k, v := it.Key(), it.Value()
		if len(k) < leafPrefixLen {
			continue // not a leaf-index key: restaging never reads it either
		}
		if kb := uint64(binary.BigEndian.Uint32(k[1:])); !started || kb != b {
			if started {
				gather()
				if len(batch) >= warmBatchBytes {
					full, batch = w.put(batch), batch[:0]
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
	if started && !full && broken < 0 {
		gather()
		w.put(batch)
	}
	w.mu.Lock()
	w.skipped += skipped
	w.mu.Unlock()
	if err := it.Close(); err != nil || broken < 0 {
		return err
	}
	return fmt.Errorf("store: invariant broken: the leaves of bucket %d do not hash to its node", broken)
}

const warmBatchBytes = 1 << 20

// put caches a batch of gather's records and reports whether the warm-up is
// done: once the cache has no room for an entry, or another worker found it
// so.
func (w *cacheWarmer) put(batch []byte) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(batch) > 0 && !w.full {
		b := binary.BigEndian.Uint32(batch)
		n := cachedHeaderLen + int(batch[4])*cachedLeafLen
		w.full = !w.t.cache.fill(uint64(b), batch[cachedHeaderLen:n])
		batch = batch[n:]
	}
	return w.full
}
