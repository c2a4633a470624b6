package store

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"

	"github.com/cockroachdb/pebble"
)

// valueCache keeps latest values in memory (those a warm-up read when the
// store opened, and those commits wrote since), so that a latest read of one
// of them is a map lookup instead of a Pebble Get, which checks each level's
// table, filter, index and data block through the block cache (9–18 µs of a
// core per read at 10M keys, where the flat index outgrows the block cache;
// docs/benchmarks.md, "The value cache").
//
// An entry is the key and its value, kept in an arena under a 64-bit hash of
// the key: uvarint(len(key)) || key || value. Two keys with the same hash
// share one slot, and a read checks the key, so a slot holding another key
// is a miss. Every commit sets or removes the slot of every key it changed,
// from the flat-index records of its own batch, so a slot never holds an
// older value than the flat index. Deleted keys are not kept: their read
// goes to Pebble and its bloom filters.
//
// Commits fill it (writeAndSwap, holding mu and ioMu; see there) and an
// import or a wipe empties it (holding mu); reads take mu's read lock, and
// Stage, which holds only ioMu, reads the flat index itself. When the store
// opens, and after an import, it is filled from the flat index in the
// background (startValueWarmUp). A nil cache holds nothing.
type valueCache struct {
	arena
	seed maphash.Seed
	// gen counts resets: a warm-up of an earlier state ends when it sees
	// another. changed holds the ids of the keys commits changed since a
	// running warm-up began (nil when none runs); see startValueWarmUp.
	gen     uint64
	changed map[uint64]struct{}
}

// valueCacheMaxValue bounds the values kept, so that one large value does not
// push out thousands of small ones.
const valueCacheMaxValue = 64 << 10

func newValueCache(budget int64) *valueCache {
	if budget <= 0 {
		return nil
	}
	return &valueCache{arena: newArena(budget), seed: maphash.MakeSeed()}
}

// appendValueRecord appends an entry's record: uvarint(len(key)) || key ||
// value.
func appendValueRecord(dst, key, value []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(key)))
	return append(append(dst, key...), value...)
}

// splitValueRecord returns the key and value of a record, or false if it
// does not decode.
func splitValueRecord(rec []byte) (key, value []byte, ok bool) {
	n, w := binary.Uvarint(rec)
	if w <= 0 || uint64(len(rec)-w) < n {
		return nil, nil, false
	}
	return rec[w : w+int(n)], rec[w+int(n):], true
}

// value returns key's latest value if the cache holds it. The slice is the
// cache's own: copy it before mu is released.
func (c *valueCache) value(key []byte) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	e, ok := c.get(maphash.Bytes(c.seed, key))
	if !ok {
		return nil, false
	}
	k, v, ok := splitValueRecord(e)
	if !ok || !bytes.Equal(k, key) {
		return nil, false // another key with the same hash
	}
	return v, true
}

// update applies the flat-index records of a committed batch: a set keeps
// the key's value, a delete removes it. It then compacts the arena. A batch
// it cannot read through, or one that deletes a range, empties the cache:
// that costs reads, never a stale value.
func (c *valueCache) update(b *pebble.Batch) {
	if c == nil {
		return
	}
	var rec []byte
	for r := b.Reader(); ; {
		kind, k, v, ok, err := r.Next()
		if err != nil || kind == pebble.InternalKeyKindRangeDelete {
			c.reset()
			return
		}
		if !ok {
			break
		}
		if len(k) < 2 || k[0] != prefixFlat {
			continue
		}
		key := k[1:]
		id := maphash.Bytes(c.seed, key)
		if c.changed != nil {
			c.changed[id] = struct{}{}
		}
		if kind != pebble.InternalKeyKindSet || len(v) > valueCacheMaxValue {
			c.remove(id)
			continue
		}
		rec = appendValueRecord(rec[:0], key, v)
		c.set(id, rec)
	}
	c.compact()
}

// reset empties the cache: the store's state was replaced, or a write
// failed. A running warm-up ends.
func (c *valueCache) reset() {
	if c != nil {
		c.arena = newArena(c.budget)
		c.gen++
		c.changed = nil
	}
}

// size returns the values cached and the bytes they count for.
func (c *valueCache) size() (values int, bytes int64) {
	if c == nil {
		return 0, 0
	}
	return c.count()
}
