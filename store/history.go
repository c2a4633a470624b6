package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"

	"github.com/cockroachdb/pebble"
)

// Undo record of a leaf the commit changed or deleted:
// 0x01 || uvarint(len(key)) || key || previous value. A lone 0x00 (the key
// was absent) is what stores written before created keys were packed into
// pages (see putCreated) recorded for them; it is still read.
func encodeUndo(op *leafOp) []byte {
	out := make([]byte, 0, 1+binary.MaxVarintLen32+len(op.key)+len(op.oldValue))
	out = append(out, 1)
	out = binary.AppendUvarint(out, uint64(len(op.key)))
	out = append(out, op.key...)
	return append(out, op.oldValue...)
}

func decodeUndo(b []byte) (present bool, key, value []byte, err error) {
	if len(b) == 1 && b[0] == 0 {
		return false, nil, nil, nil
	}
	if len(b) < 2 || b[0] != 1 {
		return false, nil, nil, fmt.Errorf("store: corrupt undo record %x", b)
	}
	n, w := binary.Uvarint(b[1:])
	if w <= 0 || n == 0 || n > MaxKeyBytes || uint64(len(b)-1-w) <= n {
		return false, nil, nil, fmt.Errorf("store: corrupt undo record %x", b)
	}
	key = b[1+w : 1+w+int(n)]
	return true, key, b[1+w+int(n):], nil
}

// newLeafIter opens an iterator over the leaf index for seekLeaves.
func newLeafIter(r reader) (*pebble.Iterator, error) {
	return r.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixLeaf}, UpperBound: []byte{prefixLeaf + 1}})
}

// seekLeaves reads bucket b's leaves with an iterator over the leaf index,
// appending them to out and their keys to keys (the leaves' key fields point
// into it, so a caller may reuse both buffers once it is done with the
// leaves). Reusing one iterator for many buckets is much cheaper than opening
// one per bucket, and SeekPrefixGE lets Pebble skip, by their bloom filters,
// the sstables that hold no leaf of the bucket.
func seekLeaves(it *pebble.Iterator, b uint64, out []leaf, keys []byte) ([]leaf, []byte, error) {
	for ok := it.SeekPrefixGE(bucketLeafPrefix(b)); ok; ok = it.Next() {
		var l leaf
		var err error
		if l, keys, err = decodeLeaf(it.Key(), it.Value(), keys); err != nil {
			return nil, keys, err
		}
		out = append(out, l)
	}
	return out, keys, it.Error()
}

// decodeLeaf decodes a leaf-index entry, copying its key to the end of keys.
// Whether the key hashes to the entry's kh is checked only in builds with
// invariants: Pebble checksums every block it reads, and a key that did not
// match would fail the proofs and the import that use it.
func decodeLeaf(k, v, keys []byte) (leaf, []byte, error) {
	var l leaf
	if len(k) != leafKeyLen || len(v) < 33 || len(v) > 32+MaxKeyBytes {
		return l, keys, fmt.Errorf("store: corrupt leaf entry %x", k)
	}
	copy(l.kh[:], k[leafPrefixLen:])
	copy(l.lh[:], v)
	n := len(keys)
	keys = append(keys, v[32:]...)
	l.key = keys[n:len(keys):len(keys)]
	if invariants && sha256.Sum256(l.key) != l.kh {
		return l, keys, fmt.Errorf("store: corrupt leaf entry %x: key does not hash to it", k)
	}
	return l, keys, nil
}

// view reads the tree and values as of one retained version. The caller holds
// s.mu (read) for the view's whole life so that the latest version stays put.
type view struct {
	s       *Store
	version int64
	it      *pebble.Iterator // leaf-index iterator from s.iters, see close
	itGen   uint64
}

// close returns the view's iterator to the pool.
func (v *view) close() {
	if v.it != nil {
		v.s.iters.put(v.it, v.itGen)
		v.it = nil
	}
}

// viewAt checks version against the retained range. Caller holds s.mu.
func (s *Store) viewAt(version int64) (*view, error) {
	if err := s.state(); err != nil {
		return nil, err
	}
	if version > s.version {
		return nil, fmt.Errorf("%w: %d is after the latest version %d", ErrVersionUnknown, version, s.version)
	}
	if version < s.oldest || version < 0 {
		return nil, fmt.Errorf("%w: %d is before the oldest retained version %d", ErrVersionPruned, version, s.oldest)
	}
	return &view{s: s, version: version}, nil
}

func (v *view) latest() bool { return v.version == v.s.version }

// historyStride: the undo log keeps the previous values of resident nodes
// only on every historyStride-th level counted up from the bucket level. The
// levels between are rehashed from the kept level below (at most
// 2^historyStride nodes) when an old version is read. This cuts the history
// written per commit to about a third (measured in docs/store.md) at the cost
// of slower proofs at old versions.
const historyStride = 4

func historyLevel(d, depth int) bool { return (depth-d)%historyStride == 0 }

// node returns tree node (d, i) at the view's version.
func (v *view) node(d int, i uint64) (node, error) {
	if v.latest() {
		return v.s.tree.node(d, i), nil
	}
	if historyLevel(d, v.s.depth) {
		return v.historyNode(d, i)
	}
	below := d + (v.s.depth-d)%historyStride
	n := 1 << (below - d)
	nodes := make([]node, n)
	for j := range nodes {
		var err error
		if nodes[j], err = v.historyNode(below, i<<(below-d)+uint64(j)); err != nil {
			return node{}, err
		}
	}
	for ; n > 1; n /= 2 {
		for j := 0; j < n/2; j++ {
			nodes[j] = combine(nodes[2*j], nodes[2*j+1])
		}
	}
	return nodes[0], nil
}

// historyNode returns node (d, i) of a history level at the view's version:
// the first previous value recorded after it, else the current one.
func (v *view) historyNode(d int, i uint64) (node, error) {
	for w := v.version + 1; w <= v.s.version; w++ {
		blob, err := v.s.nodeBlob(w, d)
		if err != nil {
			return node{}, err
		}
		if n, ok, err := findInBlob(blob, i); ok || err != nil {
			return n, err
		}
	}
	return v.s.tree.node(d, i), nil
}

// leaves returns bucket b's leaves at the view's version.
func (v *view) leaves(b uint64) ([]leaf, error) {
	if v.it == nil {
		var err error
		if v.it, v.itGen, err = v.s.iters.get(v.s.db); err != nil {
			return nil, err
		}
	}
	cur, _, err := seekLeaves(v.it, b, nil, nil)
	if err != nil || v.latest() {
		return cur, err
	}
	m := make(map[[32]byte]leaf, len(cur))
	for _, l := range cur {
		m[l.kh] = l
	}
	// Newest first, so that the oldest record after the version wins.
	for w := v.s.version; w > v.version; w-- {
		if err := v.undoBucket(w, b, m); err != nil {
			return nil, err
		}
	}
	out := make([]leaf, 0, len(m))
	for _, l := range m {
		out = append(out, l)
	}
	sortLeaves(out)
	return out, nil
}

func (v *view) undoBucket(w int64, b uint64, m map[[32]byte]leaf) error {
	p := append(undoPrefix(w), undoKindLeaf)
	lo, hi := bucketBounds(b, v.s.depth, p)
	page, err := v.s.createdPage(w, byte(b>>(v.s.depth-8)))
	if err != nil {
		return err
	}
	for i := 0; i < len(page); i += 32 {
		if kh := [32]byte(page[i : i+32]); prefixIndex(&kh, v.s.depth) == b {
			delete(m, kh)
		}
	}
	it, err := v.s.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		var kh [32]byte
		copy(kh[:], it.Key()[len(p):])
		present, key, val, err := decodeUndo(it.Value())
		if err != nil {
			_ = it.Close()
			return err
		}
		if !present {
			delete(m, kh)
			continue
		}
		m[kh] = newLeaf(kh, sha256.Sum256(val), append([]byte(nil), key...))
	}
	return it.Close()
}

// value returns key's value at the view's version.
func (v *view) value(key []byte) ([]byte, bool, error) {
	kh := sha256.Sum256(key)
	for w := v.version + 1; w <= v.s.version; w++ {
		b, ok, err := v.s.getRaw(v.s.db, undoLeafKey(w, kh[:]))
		if err != nil {
			return nil, false, err
		}
		if ok {
			present, _, val, err := decodeUndo(b)
			return val, present, err
		}
		if created, err := v.s.createdIn(w, &kh); created || err != nil {
			return nil, false, err
		}
	}
	return v.s.latest(key)
}

// createdPage returns the hashes of the keys version w created whose hashes
// start with the byte first, 32 bytes each and sorted (see putCreated).
func (s *Store) createdPage(w int64, first byte) ([]byte, error) {
	p, _, err := s.getRaw(s.db, undoCreatedKey(w, first))
	if err != nil {
		return nil, err
	}
	return p, checkCreatedPage(w, p)
}

func checkCreatedPage(w int64, p []byte) error {
	if len(p)%32 != 0 {
		return fmt.Errorf("store: corrupt page of keys created at version %d: %d bytes", w, len(p))
	}
	return nil
}

// createdIn reports whether version w created the key whose hash is kh.
func (s *Store) createdIn(w int64, kh *[32]byte) (bool, error) {
	p, err := s.createdPage(w, kh[0])
	if err != nil {
		return false, err
	}
	n := len(p) / 32
	i := sort.Search(n, func(i int) bool { return bytes.Compare(p[32*i:32*i+32], kh[:]) >= 0 })
	return i < n && bytes.Equal(p[32*i:32*i+32], kh[:]), nil
}

func (v *view) root() ([32]byte, error) {
	n, err := v.node(0, 0)
	return n.h, err
}

// GetAt returns key's value at a retained version, or nil if absent.
func (s *Store) GetAt(version int64, key []byte) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, err := s.viewAt(version)
	if err != nil {
		return nil, err
	}
	val, _, err := v.value(key)
	return val, err
}

// RootAt returns the root of a retained version.
func (s *Store) RootAt(version int64) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.viewAt(version); err != nil {
		return nil, err
	}
	if version == 0 {
		return make([]byte, 32), nil
	}
	r, ok, err := s.getRaw(s.db, versionKey(version))
	if err == nil && (!ok || len(r) != 32) {
		err = fmt.Errorf("store: corrupt: no root recorded for version %d", version)
	}
	return r, err
}

// IterateAt is Iterate at a retained version. It reads the undo log of every
// later version, so it costs more than Iterate, and it holds off Commit while
// it runs.
func (s *Store) IterateAt(version int64, start, end []byte, fn func(key, value []byte) bool) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, err := s.viewAt(version)
	if err != nil {
		return err
	}
	over, err := v.overrides(start, end)
	if err != nil {
		return err
	}
	lo, hi := rangeBounds(prefixFlat, start, end)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return err
	}
	mergeIterate(it, over, fn)
	return it.Close()
}

// override is a key's state at an old version that differs from the latest.
type override struct {
	key, value []byte
	present    bool
}

// overrides collects, sorted by key, the old state of every key in [start, end)
// changed after the view's version.
func (v *view) overrides(start, end []byte) ([]override, error) {
	seen := map[string]bool{}
	var out []override
	for w := v.version + 1; w <= v.s.version; w++ {
		// A version records a key at most once, as created or as changed, so
		// the two kinds of record can be read one after the other.
		pc := append(undoPrefix(w), undoKindCreated)
		err := v.s.scan(pc, prefixEnd(pc), func(_, page []byte) error {
			if err := checkCreatedPage(w, page); err != nil {
				return err
			}
			for i := 0; i < len(page); i += 32 {
				if err := v.absentOverride(page[i:i+32], start, end, seen, &out); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		p := append(undoPrefix(w), undoKindLeaf)
		err = v.s.scan(p, prefixEnd(p), func(k, val []byte) error {
			present, key, old, err := decodeUndo(val)
			if err != nil {
				return err
			}
			if present && !seen[string(key)] && inRange(key, start, end) {
				out = append(out, override{key: bytes.Clone(key), value: bytes.Clone(old), present: true})
			}
			if present {
				seen[string(key)] = true
				return nil
			}
			return v.absentOverride(k[len(p):], start, end, seen, &out)
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].key, out[j].key) < 0 })
	return out, nil
}

// absentOverride records a key that did not exist at the view's version. Its
// name is not in the undo record, so it is found from the latest leaf index or
// a later undo record.
func (v *view) absentOverride(kh, start, end []byte, seen map[string]bool, out *[]override) error {
	key, err := v.s.keyOfHash(kh, v.version)
	if err != nil || key == nil || seen[string(key)] {
		return err
	}
	seen[string(key)] = true
	if inRange(key, start, end) {
		*out = append(*out, override{key: key})
	}
	return nil
}

// keyOfHash finds the key whose hash is kh, from the latest leaf index or the
// undo records after version.
func (s *Store) keyOfHash(kh []byte, version int64) ([]byte, error) {
	if v, ok, err := s.getRaw(s.db, leafKey((*[32]byte)(kh), s.depth)); err != nil || ok {
		if err == nil && len(v) <= 32 {
			err = fmt.Errorf("store: corrupt leaf entry %x", kh)
		}
		if err != nil {
			return nil, err
		}
		return v[32:], nil
	}
	for w := s.version; w > version; w-- {
		b, ok, err := s.getRaw(s.db, undoLeafKey(w, kh))
		if err != nil {
			return nil, err
		}
		if present, key, _, err := decodeUndo(b); ok && (present || err != nil) {
			return key, err
		}
	}
	return nil, nil // created and deleted again after version: absent throughout
}

func inRange(key, start, end []byte) bool {
	return bytes.Compare(key, start) >= 0 && (end == nil || bytes.Compare(key, end) < 0)
}

// mergeIterate walks the latest flat index and the overrides together.
func mergeIterate(it *pebble.Iterator, over []override, fn func(key, value []byte) bool) {
	for it.First(); it.Valid() || len(over) > 0; {
		c := 1 // > 0: take the override; < 0: take the iterator; 0: override replaces it
		if it.Valid() {
			c = -1
			if len(over) > 0 {
				c = bytes.Compare(it.Key()[1:], over[0].key)
			}
		}
		if c < 0 {
			if !fn(it.Key()[1:], it.Value()) {
				return
			}
			it.Next()
			continue
		}
		o := over[0]
		over = over[1:]
		if c == 0 {
			it.Next()
		}
		if o.present && !fn(o.key, o.value) {
			return
		}
	}
}

// scan calls fn on each entry in [lo, hi) of the DB.
func (s *Store) scan(lo, hi []byte, fn func(k, v []byte) error) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		if err := fn(it.Key(), it.Value()); err != nil {
			_ = it.Close()
			return err
		}
	}
	return it.Close()
}

// blobCache keeps decoded node history records; they never change once written.
type blobCache struct {
	mu       sync.Mutex
	m        map[[2]int64][]byte
	bytes    int
	maxBytes int
}

func newBlobCache(maxBytes int) *blobCache {
	return &blobCache{m: map[[2]int64][]byte{}, maxBytes: maxBytes}
}

func (s *Store) nodeBlob(w int64, d int) ([]byte, error) {
	c := s.blobs
	k := [2]int64{w, int64(d)}
	c.mu.Lock()
	b, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	b, _, err := s.getRaw(s.db, undoNodeKey(w, d))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bytes+len(b) > c.maxBytes {
		c.m, c.bytes = map[[2]int64][]byte{}, 0
	}
	c.m[k] = b
	c.bytes += len(b)
	return b, nil
}
