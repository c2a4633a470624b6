package store

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
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
// Entries are appended to large chunks and found through a map of plain
// integers, so the garbage collector has nothing in it to scan: a first
// version with one slice per bucket spent much of a write run's time in
// collections. A replaced entry leaves its old bytes behind;
// after each commit the chunks with the fewest live bytes are copied out
// until the bytes left behind are at most a quarter of the arena. The cache
// never changes a root, only whether a bucket is read. Restaging reads it
// under ioMu (and mu's read lock while a warm-up runs) and proofs under mu's
// read lock; writeAndSwap, holding both, and the warm-up, holding mu, write
// it.
type bucketCache struct {
	budget int64
	used   int64             // entries' bytes, with cachedBucketOverhead each
	loc    map[uint32]uint64 // bucket -> chunk<<32 | offset of its entry
	chunks [][]byte          // nil once emptied, until reused
	live   []int             // bytes of each chunk's entries still in loc
	cur    int               // the chunk new entries go into, if any
	arena  int64             // bytes of the chunks in use
}

const (
	cachedLeafLen        = 4 + 32
	cachedHeaderLen      = 4 + 1 // an entry: bucket, leaf count, then the leaves
	cachedMaxLeaves      = 255
	cachedBucketOverhead = 24 // its slot in loc, roughly
	cacheChunkBytes      = 4 << 20
)

// newBucketCache returns a cache of budget bytes, or nil (no cache) if the
// budget is not positive. A nil cache holds nothing.
func newBucketCache(budget int64) *bucketCache {
	if budget <= 0 {
		return nil
	}
	return &bucketCache{budget: budget, loc: make(map[uint32]uint64)}
}

// entry returns bucket b's entry (header and leaves), if b is cached.
func (c *bucketCache) entry(b uint64) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	at, ok := c.loc[uint32(b)]
	if !ok {
		return nil, false
	}
	chunk, off := c.chunks[at>>32], int(uint32(at))
	n := int(chunk[off+4])
	return chunk[off : off+cachedHeaderLen+n*cachedLeafLen], true
}

// leaves appends the stand-ins of bucket b's leaves to out, if b is cached.
func (c *bucketCache) leaves(b uint64, depth int, out []leaf) ([]leaf, bool) {
	e, ok := c.entry(b)
	if !ok {
		return out, false
	}
	for e = e[cachedHeaderLen:]; len(e) >= cachedLeafLen; e = e[cachedLeafLen:] {
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
// rec is nil. If the budget has no room for the entry, entries of other
// buckets go, picked at random, until it has; an entry bigger than the whole
// budget is not kept.
func (c *bucketCache) put(b uint64, rec []byte) {
	if c == nil {
		return
	}
	c.drop(uint32(b))
	need := entryBytes(rec)
	if rec == nil || need > c.budget {
		return
	}
	for c.used+need > c.budget {
		for victim := range c.loc { // a map's range starts at a random entry
			c.drop(victim)
			break
		}
	}
	c.loc[uint32(b)] = c.append(uint32(b), rec)
	c.used += need
}

// fill makes rec the entry of bucket b, not yet cached, if the budget has
// room for it as it is, and reports whether it had: the warm-up takes no
// entry's place.
func (c *bucketCache) fill(b uint64, rec []byte) bool {
	if c.used+entryBytes(rec) > c.budget {
		return false
	}
	c.put(b, rec)
	return true
}

// drop removes bucket b's entry, if it has one; its bytes stay in the chunk
// until reclaim copies the chunk out.
func (c *bucketCache) drop(b uint32) {
	if e, ok := c.entry(uint64(b)); ok {
		c.live[c.loc[b]>>32] -= len(e)
		c.used -= int64(len(e)) + cachedBucketOverhead
		delete(c.loc, b)
	}
}

// entryBytes is what an entry of record rec counts for against the budget.
func entryBytes(rec []byte) int64 {
	return int64(cachedHeaderLen+len(rec)) + cachedBucketOverhead
}

// append writes an entry for bucket b into the current chunk, starting a
// new one (in an emptied chunk's slot if there is one) if it does not fit,
// and returns where it is.
func (c *bucketCache) append(b uint32, rec []byte) uint64 {
	need := cachedHeaderLen + len(rec)
	if len(c.chunks) == 0 || len(c.chunks[c.cur])+need > cacheChunkBytes {
		c.cur = slices.IndexFunc(c.chunks, func(ch []byte) bool { return ch == nil })
		if c.cur < 0 {
			c.cur = len(c.chunks)
			c.chunks, c.live = append(c.chunks, nil), append(c.live, 0)
		}
		c.chunks[c.cur] = make([]byte, 0, cacheChunkBytes)
		c.arena += cacheChunkBytes
	}
	chunk := c.chunks[c.cur]
	off := len(chunk)
	chunk = binary.BigEndian.AppendUint32(chunk, b)
	chunk = append(chunk, byte(len(rec)/cachedLeafLen))
	c.chunks[c.cur] = append(chunk, rec...)
	c.live[c.cur] += need
	return uint64(c.cur)<<32 | uint64(off)
}

// reclaim copies the live entries out of the chunks with the fewest until
// the bytes left behind by replaced entries are at most a quarter of the
// arena (plus one chunk). An emptied chunk's slot stays, nil, until append
// reuses it, so that the chunk numbers in loc keep their meaning.
func (c *bucketCache) reclaim() {
	if c == nil {
		return
	}
	for {
		live, worst := int64(0), -1
		for i, ch := range c.chunks {
			live += int64(c.live[i])
			if ch != nil && i != c.cur && (worst < 0 || c.live[i] < c.live[worst]) {
				worst = i
			}
		}
		if worst < 0 || c.arena-live <= c.arena/4+cacheChunkBytes {
			return
		}
		chunk := c.chunks[worst]
		for off := 0; off < len(chunk); {
			b := binary.BigEndian.Uint32(chunk[off:])
			n := cachedHeaderLen + int(chunk[off+4])*cachedLeafLen
			if at, ok := c.loc[b]; ok && at == uint64(worst)<<32|uint64(off) {
				c.loc[b] = c.append(b, chunk[off+cachedHeaderLen:off+n])
			}
			off += n
		}
		c.chunks[worst], c.live[worst] = nil, 0
		c.arena -= cacheChunkBytes
	}
}

// size returns the buckets cached and the bytes they count for.
func (c *bucketCache) size() (buckets int, bytes int64) {
	if c == nil {
		return 0, 0
	}
	return len(c.loc), c.used
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
		v, ok, err := s.getRaw(s.db, flatKey(kc.key))
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
