package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sort"
	"sync"
)

// node is the hash of a subtree plus whether the subtree holds exactly one
// leaf (then the hash is that leaf's hash). A parent with an empty sibling
// passes a node up unchanged (combine). The empty subtree is the zero node.
type node struct {
	h      [32]byte
	single bool
}

func (n node) empty() bool { return !n.single && n.h == [32]byte{} }

// leaf is one entry of the leaf index: kh = sha256(key) and the leaf hash
// lh = sha256(leafPrefix || kh || sha256(value)), stored so that rehashing a
// bucket costs only its inner nodes.
type leaf struct {
	kh  [32]byte
	lh  [32]byte
	key []byte
	val []byte // the leaf's value if already read (claimTips), else nil
}

// leafPrefix begins every leaf's preimage, and an inner node's preimage is
// its two children's hashes alone, untagged. The two cannot be taken for each
// other: a leaf's preimage is 72 bytes and an inner node's 64, and the ics23
// verifier refuses a proof step whose prefix starts with the leaf prefix.
// Leaving the tag out of inner nodes saves proofs two bytes per step on
// average. The price is that a left sibling whose hash happens to start with
// these 8 bytes (a chance of 2^-64 per node) makes the proofs below it fail
// that same check.
var leafPrefix = [8]byte{'c', 'o', 'r', 'r', 'i', 'd', 'o', 'r'}

func leafHash(kh, vh *[32]byte) [32]byte {
	var buf [len(leafPrefix) + 64]byte
	copy(buf[:], leafPrefix[:])
	copy(buf[len(leafPrefix):], kh[:])
	copy(buf[len(leafPrefix)+32:], vh[:])
	return sha256.Sum256(buf[:])
}

func leafNode(l *leaf) node { return node{h: l.lh, single: true} }

func newLeaf(kh, vh [32]byte, key []byte) leaf {
	return leaf{kh: kh, lh: leafHash(&kh, &vh), key: key}
}

// combine returns the parent of two sibling subtrees. A subtree whose other
// half is empty is its non-empty half, unchanged: the tree has no inner node
// with an empty child, so no proof carries an empty sibling.
func combine(l, r node) node {
	switch {
	case l.empty():
		return r
	case r.empty():
		return l
	}
	var buf [64]byte
	copy(buf[:], l.h[:])
	copy(buf[32:], r.h[:])
	return node{h: sha256.Sum256(buf[:])}
}

// bit returns bit d (MSB first) of kh.
func bit(kh *[32]byte, d int) int { return int(kh[d/8]>>(7-d%8)) & 1 }

// prefixIndex returns the first d bits of kh as an index (d <= 64).
func prefixIndex(kh *[32]byte, d int) uint64 {
	if d == 0 {
		return 0
	}
	return binary.BigEndian.Uint64(kh[:8]) >> (64 - d)
}

// splitAt returns the index of the first leaf whose bit d is 1; leaves are
// sorted by kh and share their first d bits.
func splitAt(leaves []leaf, d int) int {
	return sort.Search(len(leaves), func(i int) bool { return bit(&leaves[i].kh, d) == 1 })
}

// subtree hashes the sorted leaves, which share their first d bits, as the
// subtree rooted at depth d.
func subtree(leaves []leaf, d int) node {
	switch len(leaves) {
	case 0:
		return node{}
	case 1:
		return leafNode(&leaves[0])
	}
	if d >= 256 {
		// Two leaves with one kh: a sha256 collision or a corrupt leaf index.
		panic(fmt.Sprintf("store: invariant broken: duplicate leaf hash %x", leaves[0].kh))
	}
	m := splitAt(leaves, d)
	return combine(subtree(leaves[:m], d+1), subtree(leaves[m:], d+1))
}

// sibling is one step of a proof path: the hash beside the path and whether
// the path goes right at that step (sibling on the left).
type sibling struct {
	h     [32]byte
	right bool // the path goes right here, so the sibling is on the left
}

// bucketPath walks from depth d down the sorted leaves toward kh and returns
// the siblings top-down and the leaves left where the path ends (0 or 1). A
// split with one side empty is no node of the tree (see combine) and adds no
// sibling.
func bucketPath(leaves []leaf, kh *[32]byte, d int, out []sibling) ([]sibling, []leaf) {
	for len(leaves) > 1 && d < 256 {
		m := splitAt(leaves, d)
		if bit(kh, d) == 0 {
			if m < len(leaves) {
				out = append(out, sibling{h: subtree(leaves[m:], d+1).h})
			}
			leaves = leaves[:m]
		} else {
			if m > 0 {
				out = append(out, sibling{h: subtree(leaves[:m], d+1).h, right: true})
			}
			leaves = leaves[m:]
		}
		d++
	}
	return out, leaves
}

// resident is the in-memory upper tree: levels 0..depth, level d holding 2^d
// nodes. Level depth holds the bucket summaries, and tips the tip (see tipOf)
// of each bucket that holds one leaf, 0 where it is not known.
type resident struct {
	depth  int
	levels [][]node
	tips   []uint32
	cache  *bucketCache // leaves of buckets of two or more; nil: none kept
}

func newResident(depth int) *resident {
	r := &resident{depth: depth, levels: make([][]node, depth+1), tips: make([]uint32, 1<<depth)}
	for d := range r.levels {
		r.levels[d] = make([]node, 1<<d)
	}
	return r
}

// tipOf returns the 32 bits of kh that follow its bucket's depth bits. A
// bucket that holds one leaf keeps that leaf's tip in memory, so a change to
// another key of the bucket can place itself beside the leaf without reading
// it from the leaf index: a different tip is a different key, and the two
// keys part within the tip's bits.
func tipOf(kh *[32]byte, depth int) uint32 {
	return uint32(prefixIndex(kh, depth+32))
}

// tipLeaf stands for the one leaf of bucket b, whose hash is lh, when only
// its tip is known: its kh has the bucket's bits, the tip and zeros after.
// Within its bucket it sorts and splits from other keys as the real leaf
// does, as long as their tips differ.
func tipLeaf(b uint64, tip uint32, depth int, lh [32]byte) leaf {
	var l leaf
	binary.BigEndian.PutUint64(l.kh[:8], b<<(64-depth)|uint64(tip)<<(32-depth))
	l.lh = lh
	return l
}

func (r *resident) node(d int, i uint64) node { return r.levels[d][i] }
func (r *resident) root() node                { return r.levels[0][0] }

// rebuild recomputes levels depth-1..0 from the bucket level.
func (r *resident) rebuild() {
	for d := r.depth - 1; d >= 0; d-- {
		child, lvl := r.levels[d+1], r.levels[d]
		for i := range lvl {
			lvl[i] = combine(child[2*i], child[2*i+1])
		}
	}
}

// apply writes the staged level deltas into the resident tree.
func (r *resident) apply(deltas []levelDelta) {
	for d, ld := range deltas {
		for _, e := range ld {
			r.levels[d][e.idx] = e.new
		}
	}
	for _, e := range deltas[r.depth] {
		r.tips[e.idx] = e.tip
	}
}

// nodeChange is one changed resident node of a commit. On the bucket level,
// tip is the new node's tip if it holds one leaf.
type nodeChange struct {
	idx      uint64
	old, new node
	tip      uint32
}

// levelDelta holds one level's changed nodes, sorted by idx.
type levelDelta []nodeChange

// propagate computes the changed nodes of levels depth-1..0 given the changed
// buckets, reading unchanged children from base. It does not touch base.
//
// The subtrees under the 2^k nodes of level k share no node, so with several
// cores the buckets are cut by their first k bits and each part is hashed up
// to level k on its own goroutine; the parts' deltas, each sorted, join in
// order, and the k levels above them are hashed last.
func propagate(base *resident, buckets levelDelta) []levelDelta {
	deltas := make([]levelDelta, base.depth+1)
	deltas[base.depth] = buckets
	top := base.depth - 1 // the highest level still to hash
	if k := propagateSplit(len(buckets), base.depth); k > 0 {
		parts := make([][]levelDelta, 1<<k)
		shift := base.depth - k
		var wg sync.WaitGroup
		lo := 0
		for p := range parts {
			hi := lo + sort.Search(len(buckets)-lo, func(i int) bool { return buckets[lo+i].idx>>shift > uint64(p) })
			parts[p] = make([]levelDelta, base.depth+1)
			parts[p][base.depth] = buckets[lo:hi]
			wg.Add(1)
			go func(ds []levelDelta) {
				defer wg.Done()
				hashUp(base, ds, base.depth-1, k)
			}(parts[p])
			lo = hi
		}
		wg.Wait()
		for d := base.depth - 1; d >= k; d-- {
			n := 0
			for _, ds := range parts {
				n += len(ds[d])
			}
			deltas[d] = make(levelDelta, 0, n)
			for _, ds := range parts {
				deltas[d] = append(deltas[d], ds[d]...)
			}
		}
		top = k - 1
	}
	hashUp(base, deltas, top, 0)
	return deltas
}

// hashUp fills deltas[from] down to deltas[to] (from >= to), each level from
// the changed nodes of the level below it.
func hashUp(base *resident, deltas []levelDelta, from, to int) {
	for d := from; d >= to; d-- {
		deltas[d] = parentsOf(base, d, deltas[d+1])
	}
}

// propagateSplit is the level k whose nodes propagate hashes below on
// separate goroutines: one per core, rounded down to a power of two, and 0
// (one goroutine) for few changes, where starting goroutines costs more than
// it saves.
func propagateSplit(changed, depth int) int {
	if changed < propagateParallelMin {
		return 0
	}
	return min(bits.Len(uint(runtime.GOMAXPROCS(0)))-1, 3, depth)
}

// propagateParallelMin is the fewest changed buckets hashed on several
// goroutines; a variable so that tests can take the parallel path with few.
var propagateParallelMin = 1024

// parentsOf computes level d's changed nodes from the changed children on
// level d+1, reading unchanged siblings from base.
func parentsOf(base *resident, d int, children levelDelta) levelDelta {
	out := make(levelDelta, 0, len(children))
	for k := 0; k < len(children); {
		p := children[k].idx >> 1
		l, r := base.node(d+1, 2*p), base.node(d+1, 2*p+1)
		for ; k < len(children) && children[k].idx>>1 == p; k++ {
			if children[k].idx&1 == 0 {
				l = children[k].new
			} else {
				r = children[k].new
			}
		}
		n := combine(l, r)
		if old := base.node(d, p); n != old {
			out = append(out, nodeChange{idx: p, old: old, new: n})
		}
	}
	return out
}

// Node blob: the previous values of one level's changed nodes in a commit,
// fixed 37-byte records idx(4, BE) || hash(32) || flag(1), sorted by idx.
const nodeRecordBytes = 37

func encodeNodeBlob(ld levelDelta) []byte {
	out := make([]byte, 0, len(ld)*nodeRecordBytes)
	for _, e := range ld {
		out = binary.BigEndian.AppendUint32(out, uint32(e.idx))
		out = append(out, e.old.h[:]...)
		out = append(out, boolByte(e.old.single))
	}
	return out
}

// findInBlob looks up idx in a node blob.
func findInBlob(blob []byte, idx uint64) (node, bool, error) {
	if len(blob)%nodeRecordBytes != 0 {
		return node{}, false, fmt.Errorf("store: corrupt node history record of %d bytes", len(blob))
	}
	n := len(blob) / nodeRecordBytes
	j := sort.Search(n, func(k int) bool {
		return uint64(binary.BigEndian.Uint32(blob[k*nodeRecordBytes:])) >= idx
	})
	if j == n || uint64(binary.BigEndian.Uint32(blob[j*nodeRecordBytes:])) != idx {
		return node{}, false, nil
	}
	rec := blob[j*nodeRecordBytes:]
	return decodeNode(rec[4:nodeRecordBytes])
}

// encodeBucket is a bucket summary's value: its node, then the tip of its
// leaf if it holds one.
func encodeBucket(n node, tip uint32) []byte {
	b := append(make([]byte, 0, bucketValueLen(n)), n.h[:]...)
	b = append(b, boolByte(n.single))
	if n.single {
		b = binary.BigEndian.AppendUint32(b, tip)
	}
	return b
}

func bucketValueLen(n node) int {
	if n.single {
		return 33 + 4
	}
	return 33
}

// decodeBucket reads a bucket summary. One without a tip (written before
// tips were kept, or by no single leaf) gives tip 0: not known.
func decodeBucket(b []byte) (node, uint32, error) {
	var tip uint32
	if len(b) == 33+4 && b[32] == 1 {
		tip = binary.BigEndian.Uint32(b[33:])
		b = b[:33]
	}
	n, _, err := decodeNode(b)
	return n, tip, err
}

func decodeNode(b []byte) (node, bool, error) {
	if len(b) != 33 || b[32] > 1 {
		return node{}, false, fmt.Errorf("store: corrupt node record %x", b)
	}
	var n node
	copy(n.h[:], b)
	n.single = b[32] == 1
	return n, true, nil
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func sortLeaves(ls []leaf) {
	sort.Slice(ls, func(i, j int) bool { return bytes.Compare(ls[i].kh[:], ls[j].kh[:]) < 0 })
}

// checkBuckets rereads the restaged buckets from the leaf index just written
// and compares them with the resident tree, their tips and their entries in
// the bucket cache (an invariants-build check).
func (s *Store) checkBuckets(restaged []restagedBucket) error {
	it, err := newLeafIter(s.db)
	if err != nil {
		return err
	}
	var leaves []leaf
	var keys []byte
	for _, r := range restaged {
		b := r.idx
		if leaves, keys, err = seekLeaves(it, b, leaves[:0], keys[:0]); err != nil {
			break
		}
		if got := subtree(leaves, s.depth); got != s.tree.node(s.depth, b) {
			err = fmt.Errorf("store: invariant broken: bucket %d rehashes to %x, tree holds %x", b, got.h, s.tree.node(s.depth, b).h)
			break
		}
		if tip := s.tree.tips[b]; len(leaves) == 1 && tip != 0 && tip != tipOf(&leaves[0].kh, s.depth) {
			err = fmt.Errorf("store: invariant broken: bucket %d holds tip %08x, its leaf has %08x", b, tip, tipOf(&leaves[0].kh, s.depth))
			break
		}
		if e, ok := s.tree.cache.entry(b); ok && !bytes.Equal(e, cacheRecord(leaves, s.depth)) {
			err = fmt.Errorf("store: invariant broken: bucket %d's cached leaves %x differ from the leaf index's", b, e)
			break
		}
	}
	return errors.Join(err, it.Close())
}
