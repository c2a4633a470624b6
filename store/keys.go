package store

import "encoding/binary"

// Pebble key layout. Every key starts with a one-byte prefix:
//
//	L | key                          -> value                 flat index, latest version
//	K | bucket(4, BE) | kh(32)       -> leafhash(32) || key   leaf index, latest version, kh = sha256(key)
//	B | bucket(4, BE)                -> hash(32) || flag(1) [|| tip(4)]  bucket summaries (tree level BucketDepth), latest; the tip if one leaf, see tipOf
//	U | version(8, BE) | A | kh[0]   -> kh(32) of each key the version created, sorted, see putCreated
//	U | version(8, BE) | K | kh(32)  -> undo record of a leaf the version changed or deleted, see encodeUndo
//	U | version(8, BE) | N | level(1) -> packed previous nodes of that tree level, see encodeNodeBlob
//	V | version(8, BE)               -> root(32)
//	M | name                         -> metadata (latest, depth, oldest, count, import)
//	X | key                          -> value                 aux keyspace, latest only, outside the tree
//
// A store whose summaries carry tips cannot be opened by a build from before
// tips were kept (it refuses a 37-byte summary as corrupt); the reverse works.
//
// The undo log is keyed version first so that dropping the history of all
// versions below some version is a single DeleteRange. A key the version
// created has no previous value to keep, only the fact that it was absent, so
// created keys are packed into at most 256 pages per version (by the first
// byte of kh) instead of taking one entry each: most writes to a ledger create
// keys, and every entry costs a memtable insert and a trip through each
// compaction.
//
// A leaf-index key carries its bucket ahead of kh. The bucket is the first
// BucketDepth bits of kh, so the order is still kh order, but every leaf of a
// bucket now shares a 5-byte key prefix. The store's comparer (see comparer)
// reports that prefix to Pebble, which builds its bloom filters on it: reading
// a bucket is a SeekPrefixGE that skips every sstable without a leaf of that
// bucket, instead of a seek that reads an index and a data block on every
// level.
const (
	prefixFlat    byte = 'L'
	prefixLeaf    byte = 'K'
	prefixBucket  byte = 'B'
	prefixUndo    byte = 'U'
	prefixVersion byte = 'V'
	prefixMeta    byte = 'M'
	prefixAux     byte = 'X'

	undoKindCreated byte = 'A'
	undoKindLeaf    byte = 'K'
	undoKindNode    byte = 'N'
)

var (
	metaLatest = []byte{prefixMeta, 'l'} // version(8) || root(32)
	metaDepth  = []byte{prefixMeta, 'd'} // bucket depth(1), written once at creation
	metaOldest = []byte{prefixMeta, 'o'} // oldest retained version(8)
	metaCount  = []byte{prefixMeta, 'c'} // number of Merkle keys(8)
	metaImport = []byte{prefixMeta, 'i'} // present while a snapshot import is in progress
	metaFormat = []byte{prefixMeta, 'f'} // commitment format(1), written once at creation
)

// commitmentFormat numbers the way the tree is hashed (leafPrefix, combine).
// Format 1 tagged leaves 0x00 and inner nodes 0x01 and kept a node over an
// empty half; its stores have no format record. Format 2 is the current one.
const commitmentFormat = 2

func prefixed(p byte, b []byte) []byte {
	k := make([]byte, 1+len(b))
	k[0] = p
	copy(k[1:], b)
	return k
}

func flatKey(key []byte) []byte { return prefixed(prefixFlat, key) }
func auxKey(key []byte) []byte  { return prefixed(prefixAux, key) }

// leafKey is K | bucket | kh for a store of the given bucket depth.
func leafKey(kh *[32]byte, depth int) []byte {
	k := make([]byte, leafKeyLen)
	k[0] = prefixLeaf
	binary.BigEndian.PutUint32(k[1:], uint32(prefixIndex(kh, depth)))
	copy(k[leafPrefixLen:], kh[:])
	return k
}

// bucketLeafPrefix is K | bucket: the common prefix of a bucket's leaf keys.
func bucketLeafPrefix(b uint64) []byte {
	k := make([]byte, leafPrefixLen)
	k[0] = prefixLeaf
	binary.BigEndian.PutUint32(k[1:], uint32(b))
	return k
}

// Lengths of the fixed-format keys, for the builders here and for batchSize.
const (
	leafPrefixLen  = 1 + 4
	leafKeyLen     = leafPrefixLen + 32
	bucketKeyLen   = 1 + 4
	versionKeyLen  = 1 + 8
	undoPrefixLen  = 1 + 8
	undoLeafKeyLen = undoPrefixLen + 1 + 32
	undoPageKeyLen = undoPrefixLen + 1 + 1
	undoNodeKeyLen = undoPrefixLen + 1 + 1
)

func bucketKey(b uint64) []byte {
	k := make([]byte, bucketKeyLen)
	k[0] = prefixBucket
	binary.BigEndian.PutUint32(k[1:], uint32(b))
	return k
}

func versionKey(v int64) []byte {
	k := make([]byte, versionKeyLen)
	k[0] = prefixVersion
	binary.BigEndian.PutUint64(k[1:], uint64(v))
	return k
}

// undoPrefix is U | version: everything the commit of version v undoes.
func undoPrefix(v int64) []byte {
	k := make([]byte, undoPrefixLen)
	k[0] = prefixUndo
	binary.BigEndian.PutUint64(k[1:], uint64(v))
	return k
}

func undoLeafKey(v int64, kh []byte) []byte {
	return append(append(undoPrefix(v), undoKindLeaf), kh...)
}

func undoCreatedKey(v int64, page byte) []byte {
	return append(undoPrefix(v), undoKindCreated, page)
}

func undoNodeKey(v int64, level int) []byte {
	return append(undoPrefix(v), undoKindNode, byte(level))
}

// prefixEnd returns the smallest key greater than every key with prefix p,
// or nil if there is none.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// rangeBounds maps a user range [start, end) (end nil = unbounded) to Pebble
// bounds inside prefix p.
func rangeBounds(p byte, start, end []byte) (lower, upper []byte) {
	lower = prefixed(p, start)
	if end == nil {
		return lower, []byte{p + 1}
	}
	return lower, prefixed(p, end)
}

// bucketBounds returns the leaf-index key range of bucket b at the given depth.
func bucketBounds(b uint64, depth int, p []byte) (lower, upper []byte) {
	lower = append(append([]byte(nil), p...), u64(b<<(64-depth))...)
	if b+1 == 1<<depth {
		return lower, prefixEnd(p)
	}
	return lower, append(append([]byte(nil), p...), u64((b+1)<<(64-depth))...)
}

func u64(x uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, x)
	return b
}
