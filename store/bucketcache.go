package store

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// bucketCache keeps in memory, for buckets of two leaves or more, each leaf's
// tip (see tipOf) and hash, in kh order: what restaging a bucket needs of the
// leaves a change leaves alone. A bucket found here is not read from the leaf
// index. Its leaves come back as stand-ins (tipLeaf), which sort and split
// from each other and from other keys as the real leaves do as long as no two
// share a tip; a bucket whose leaves share one is not kept.
//
// A change whose key has a stand-in's tip may be that leaf's key, or another
// key with the same tip (one in 2^32). The flat index tells them apart: if it
// holds the key, the key's leaf is in this bucket and has its tip, so it is
// that stand-in, whose hash must then be the key's leaf hash for its value
// (claimTips); if not, the bucket is read from the leaf index.
//
// Pebble's block cache cannot do this work: compactions keep rewriting the
// leaf index's tables, and a rewritten table starts uncached, so bucket reads
// mostly miss it. This cache holds 36 bytes per leaf instead of the 4 KiB
// block around it, and a commit keeps it current.
//
// The cache is filled from the leaf index when the store opens or an import
// commits (startWarmUp), then by commits, with the leaves of the buckets
// they restaged. It holds at most budget bytes of entries (each counted with
// a fixed overhead for its index). The warm-up stops once the budget is
// used; a commit that puts a bucket into a full cache makes room by dropping
// other buckets' entries, picked at random, so that the buckets commits keep
// touching (a member's sequence, a counter) get in and stay in.
// Entries are kept in an arena (see arena), under their bucket's number. The
// cache never changes a root, only whether a bucket is read. Restaging reads it
// under ioMu (and mu's read lock while a warm-up runs) and proofs under mu's
// read lock; writeAndSwap, holding both, and the warm-up, holding mu, write
// it. A nil cache holds nothing.
type bucketCache struct{ arena }

const (
	cachedLeafLen   = 4 + 32
	cachedMaxLeaves = 255
)

// newBucketCache returns a cache of budget bytes, or nil (no cache) if the
// budget is not positive.
func newBucketCache(budget int64) *bucketCache {
	if budget <= 0 {
		return nil
	}
	return &bucketCache{newArena(budget)}
}

// entry returns bucket b's record (its leaves, see cacheRecord), if b is
// cached.
func (c *bucketCache) entry(b uint64) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	return c.get(b)
}

// leaves appends the stand-ins of bucket b's leaves to out, if b is cached.
func (c *bucketCache) leaves(b uint64, depth int, out []leaf) ([]leaf, bool) {
	e, ok := c.entry(b)
	if !ok {
		return out, false
	}
	for ; len(e) >= cachedLeafLen; e = e[cachedLeafLen:] {
		out = append(out, tipLeaf(b, binary.BigEndian.Uint32(e), depth, [32]byte(e[4:cachedLeafLen])))
	}
	return out, true
}

// cacheRecord encodes the leaves of a bucket, in kh order, for put: nil if
// the bucket holds fewer than two (an empty bucket needs nothing, and the
// resident tips cover a bucket of one), more than cachedMaxLeaves, or two
// that share a tip.
func cacheRecord(ls []leaf, depth int) []byte {
	if len(ls) < 2 || len(ls) > cachedMaxLeaves {
		return nil
	}
	rec := make([]byte, 0, len(ls)*cachedLeafLen)
	prev := uint32(0)
	for i := range ls {
		t := tipOf(&ls[i].kh, depth)
		if i > 0 && t == prev {
			return nil
		}
		prev = t
		rec = binary.BigEndian.AppendUint32(rec, t)
		rec = append(rec, ls[i].lh[:]...)
	}
	return rec
}

// put makes rec (from cacheRecord) bucket b's entry, or drops the entry if
// rec is nil, making room as arena.set does.
func (c *bucketCache) put(b uint64, rec []byte) {
	if c != nil {
		c.set(b, rec)
	}
}

// reclaim compacts the arena after a commit.
func (c *bucketCache) reclaim() {
	if c != nil {
		c.compact()
	}
}

// size returns the buckets cached and the bytes they count for.
func (c *bucketCache) size() (buckets int, bytes int64) {
	if c == nil {
		return 0, 0
	}
	return c.count()
}

// claimTips matches the changes of one bucket against its stand-ins, read
// from memory (the cache, or the tip of a bucket of one leaf). A change whose
// key has a stand-in's tip and is in the flat index is that leaf's key: the
// stand-in takes the key's real hash, the key and its value, so the bucket's
// merge treats the change as an update or a delete of it. It returns false if
// a change has a stand-in's tip but is not in the flat index: then only the
// leaf index can place it, and the caller reads the bucket.
func (s *Store) claimTips(cur []leaf, kcs []keyChange) (bool, error) {
	for i := range kcs {
		kc := &kcs[i]
		t := tipOf(&kc.kh, s.depth)
		j := -1
		for k := range cur {
			if tipOf(&cur[k].kh, s.depth) == t {
				j = k
				break
			}
		}
		if j < 0 {
			continue
		}
		v, ok, err := s.previousValue(kc.key)
		if err != nil || !ok {
			return false, err
		}
		if leafHash(&kc.kh, ptr(sha256.Sum256(v))) != cur[j].lh {
			return false, fmt.Errorf("store: corrupt: key %x is in the flat index but its leaf hash is not the one of bucket %d with its tip", kc.key, prefixIndex(&kc.kh, s.depth))
		}
		cur[j].kh, cur[j].key, cur[j].val = kc.kh, kc.key, v
	}
	return true, nil
}
