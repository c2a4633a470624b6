package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/cockroachdb/pebble"
)

// Snapshot chunk format (version 1):
//
//	format(1) = 1 | version(8, BE) | entries... | crc32c(4, BE) of all before
//	entry: kind(1) | uvarint(len key) | key | uvarint(len value) | value
//
// Kind 1 entries are Merkle leaves in ascending sha256(key) order; kind 2
// entries are aux keys in ascending key order, after all leaves.
const (
	chunkFormat     byte = 1
	entryLeaf       byte = 1
	entryAux        byte = 2
	chunkHeaderSize      = 9
	chunkTrailer         = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Exporter streams one version of the store as bounded chunks, reading a
// Pebble snapshot so commits may continue meanwhile.
type Exporter struct {
	snap    *pebble.Snapshot
	it      *pebble.Iterator
	kind    byte
	version int64
	root    [32]byte
	pending []byte // encoded entry that did not fit the previous chunk
	done    bool
}

// NewExporter returns an exporter of the latest version.
func (s *Store) NewExporter() (*Exporter, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.state(); err != nil {
		return nil, err
	}
	e := &Exporter{snap: s.db.NewSnapshot(), version: s.version, root: s.root, kind: entryLeaf}
	if err := e.openIter(); err != nil {
		_ = e.snap.Close()
		return nil, err
	}
	return e, nil
}

func (e *Exporter) openIter() (err error) {
	p := prefixLeaf
	if e.kind == entryAux {
		p = prefixAux
	}
	e.it, err = e.snap.NewIter(&pebble.IterOptions{LowerBound: []byte{p}, UpperBound: []byte{p + 1}})
	if err == nil {
		e.it.First()
	}
	return err
}

// Version is the exported version.
func (e *Exporter) Version() int64 { return e.version }

// Root is the exported version's root.
func (e *Exporter) Root() []byte { return append([]byte(nil), e.root[:]...) }

// Next returns the next chunk of at most maxBytes bytes, or io.EOF after the
// last. A single entry larger than maxBytes gets a chunk of its own.
func (e *Exporter) Next(maxBytes int) ([]byte, error) {
	if maxBytes <= chunkHeaderSize+chunkTrailer {
		return nil, fmt.Errorf("store: chunk limit %d bytes is too small", maxBytes)
	}
	chunk := chunkHeader(e.version)
	n := 0
	for {
		if e.pending == nil {
			ent, err := e.nextEntry()
			if err != nil {
				return nil, err
			}
			if ent == nil {
				break
			}
			e.pending = ent
		}
		if n > 0 && len(chunk)+len(e.pending)+chunkTrailer > maxBytes {
			break
		}
		chunk = append(chunk, e.pending...)
		e.pending = nil
		n++
	}
	if n == 0 {
		return nil, io.EOF
	}
	return sealChunk(chunk), nil
}

// chunkHeader starts a chunk of version: its format and version.
func chunkHeader(version int64) []byte {
	return append([]byte{chunkFormat}, u64(uint64(version))...)
}

// sealChunk ends a chunk with the checksum of all its bytes.
func sealChunk(chunk []byte) []byte {
	return binary.BigEndian.AppendUint32(chunk, crc32.Checksum(chunk, castagnoli))
}

// nextEntry encodes the next leaf or aux entry, or returns nil at the end.
func (e *Exporter) nextEntry() ([]byte, error) {
	for !e.done && !e.it.Valid() {
		if err := e.it.Close(); err != nil {
			return nil, err
		}
		e.it = nil
		if e.kind == entryAux {
			e.done = true
			break
		}
		e.kind = entryAux
		if err := e.openIter(); err != nil {
			return nil, err
		}
	}
	if e.done {
		return nil, nil
	}
	key, val := e.it.Value(), e.it.Value()
	if e.kind == entryLeaf {
		if len(key) <= 32 {
			return nil, fmt.Errorf("store: corrupt leaf entry %x", e.it.Key())
		}
		key = key[32:]
		v, c, err := e.snap.Get(flatKey(key))
		if err != nil {
			return nil, fmtJoin(err, "store: corrupt: leaf %x has no value", key)
		}
		defer c.Close()
		val = v
	} else {
		key = e.it.Key()[1:]
	}
	ent := appendEntry(nil, e.kind, key, val)
	e.it.Next()
	return ent, nil
}

func appendEntry(b []byte, kind byte, key, val []byte) []byte {
	b = append(b, kind)
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	b = binary.AppendUvarint(b, uint64(len(val)))
	return append(b, val...)
}

// Close releases the exporter's snapshot.
func (e *Exporter) Close() error {
	var err error
	if e.it != nil {
		err = e.it.Close()
		e.it = nil
	}
	if e.snap != nil {
		err = errors.Join(err, e.snap.Close())
		e.snap = nil
	}
	return err
}

// Importer rebuilds a store from an exporter's chunks.
type Importer struct {
	s       *Store
	version int64
	root    [32]byte
	tree    *resident
	bucket  uint64
	leaves  []leaf
	lastKh  []byte
	lastAux []byte
	kind    byte
	count   int64
	err     error
}

// NewImporter starts importing version with the given root into an empty
// store (version 0). Until Finish succeeds, Stage and Commit are refused, and
// a crash leaves an import that the next Open discards.
func (s *Store) NewImporter(version int64, root []byte) (_ *Importer, err error) {
	defer s.failOnPanic(&err)
	s.ioMu.Lock()
	defer s.ioMu.Unlock()
	if err := s.importable(version, root); err != nil {
		return nil, err
	}
	if err := s.db.Set(metaImport, []byte{1}, pebble.Sync); err != nil {
		return nil, s.fail(err)
	}
	s.mu.Lock()
	s.importing = true
	s.mu.Unlock()
	im := &Importer{s: s, version: version, tree: s.newTree(), kind: entryLeaf}
	copy(im.root[:], root)
	return im, nil
}

func (s *Store) importable(version int64, root []byte) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.state(); err != nil {
		return err
	}
	if version <= 0 || len(root) != 32 {
		return fmt.Errorf("store: cannot import version %d with a root of %d bytes", version, len(root))
	}
	if s.version != 0 || s.importing {
		return fmt.Errorf("store: import needs an empty store, this one is at version %d", s.version)
	}
	return nil
}

// Add checks and writes one chunk. After an error the import is dead: call
// Abort (or reopen the store) and start again.
func (im *Importer) Add(chunk []byte) error {
	if im.err != nil {
		return im.err
	}
	if err := im.add(chunk); err != nil {
		im.err = fmt.Errorf("store: import: %w", err)
	}
	return im.err
}

func (im *Importer) add(chunk []byte) (err error) {
	defer im.s.failOnPanic(&err)
	body, err := im.checkChunk(chunk)
	if err != nil {
		return err
	}
	b := im.s.db.NewBatch()
	defer b.Close()
	for len(body) > 0 {
		var kind byte
		var key, val []byte
		if kind, key, val, body, err = decodeEntry(body); err != nil {
			return err
		}
		if err := im.addEntry(b, kind, key, val); err != nil {
			return err
		}
	}
	return b.Commit(pebble.NoSync) // the synced commit in Finish covers it
}

func (im *Importer) checkChunk(chunk []byte) ([]byte, error) {
	if len(chunk) < chunkHeaderSize+chunkTrailer {
		return nil, fmt.Errorf("chunk of %d bytes is too short", len(chunk))
	}
	n := len(chunk) - chunkTrailer
	if crc32.Checksum(chunk[:n], castagnoli) != binary.BigEndian.Uint32(chunk[n:]) {
		return nil, errors.New("chunk checksum mismatch")
	}
	if chunk[0] != chunkFormat {
		return nil, fmt.Errorf("unknown chunk format %d", chunk[0])
	}
	if v := int64(binary.BigEndian.Uint64(chunk[1:])); v != im.version {
		return nil, fmt.Errorf("chunk of version %d, importing %d", v, im.version)
	}
	return chunk[chunkHeaderSize:n], nil
}

func decodeEntry(b []byte) (kind byte, key, val, rest []byte, err error) {
	kind, b = b[0], b[1:]
	if key, b, err = decodeBytes(b, MaxKeyBytes); err != nil {
		return 0, nil, nil, nil, err
	}
	if val, b, err = decodeBytes(b, MaxValueBytes); err != nil {
		return 0, nil, nil, nil, err
	}
	if kind != entryLeaf && kind != entryAux {
		return 0, nil, nil, nil, fmt.Errorf("unknown entry kind %d", kind)
	}
	return kind, key, val, b, nil
}

func decodeBytes(b []byte, limit int) ([]byte, []byte, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(limit) || uint64(len(b)-w) < n {
		return nil, nil, errors.New("malformed entry")
	}
	return b[w : w+int(n)], b[w+int(n):], nil
}

func (im *Importer) addEntry(b *pebble.Batch, kind byte, key, val []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if kind == entryAux {
		if im.lastAux != nil && bytes.Compare(key, im.lastAux) <= 0 {
			return fmt.Errorf("aux key %x out of order", key)
		}
		im.kind, im.lastAux = entryAux, append(im.lastAux[:0], key...)
		return b.Set(auxKey(key), val, nil)
	}
	if im.kind == entryAux || len(val) == 0 {
		return fmt.Errorf("leaf %x after aux entries or with an empty value", key)
	}
	l := newLeaf(sha256.Sum256(key), sha256.Sum256(val), append([]byte(nil), key...))
	if im.lastKh != nil && bytes.Compare(l.kh[:], im.lastKh) <= 0 {
		return fmt.Errorf("leaf %x out of hash order", key)
	}
	im.lastKh = append(im.lastKh[:0], l.kh[:]...)
	if err := im.endBucketBefore(b, prefixIndex(&l.kh, im.tree.depth)); err != nil {
		return err
	}
	im.leaves = append(im.leaves, l)
	im.count++
	if err := b.Set(flatKey(key), val, nil); err != nil {
		return err
	}
	return b.Set(leafKey(&l.kh, im.tree.depth), append(l.lh[:], key...), nil)
}

// endBucketBefore hashes the bucket being filled once leaves move past it.
func (im *Importer) endBucketBefore(b *pebble.Batch, next uint64) error {
	if len(im.leaves) == 0 || next == im.bucket {
		im.bucket = next
		return nil
	}
	prev := im.bucket
	n := subtree(im.leaves, im.tree.depth)
	var tip uint32
	if len(im.leaves) == 1 {
		tip = tipOf(&im.leaves[0].kh, im.tree.depth)
	}
	im.tree.levels[im.tree.depth][prev] = n
	im.tree.tips[prev] = tip
	im.leaves, im.bucket = im.leaves[:0], next
	return b.Set(bucketKey(prev), encodeBucket(n, tip), nil)
}

// Finish hashes the imported leaves, checks the root against the one given to
// NewImporter and commits the version in one synced batch. On a mismatch the
// imported data is wiped and the store stays empty.
func (im *Importer) Finish() (CommitInfo, error) {
	if im.err != nil {
		return CommitInfo{}, im.err
	}
	s := im.s
	s.ioMu.Lock()
	defer s.ioMu.Unlock()
	b := s.db.NewBatch()
	defer b.Close()
	if err := im.endBucketBefore(b, 1<<im.tree.depth); err != nil {
		return CommitInfo{}, err
	}
	im.tree.rebuild()
	if got := im.tree.root().h; got != im.root {
		im.err = fmt.Errorf("store: import: rebuilt root %x, want %x", got, im.root)
		return CommitInfo{}, errors.Join(im.err, s.wipe())
	}
	if err := im.putMeta(b); err != nil {
		return CommitInfo{}, err
	}
	if err := s.commitImport(b, im); err != nil {
		return CommitInfo{}, err
	}
	return CommitInfo{Version: im.version, Root: append([]byte(nil), im.root[:]...)}, nil
}

func (im *Importer) putMeta(b *pebble.Batch) error {
	latest := append(u64(uint64(im.version)), im.root[:]...)
	for _, kv := range [][2][]byte{
		{versionKey(im.version), im.root[:]},
		{metaLatest, latest},
		{metaCount, u64(uint64(im.count))},
		{metaOldest, u64(uint64(im.version))},
	} {
		if err := b.Set(kv[0], kv[1], nil); err != nil {
			return err
		}
	}
	return b.Delete(metaImport, nil)
}

func (s *Store) commitImport(b *pebble.Batch, im *Importer) (err error) {
	defer s.failOnPanic(&err)
	if err := b.Commit(pebble.Sync); err != nil {
		return s.fail(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tree, s.version, s.root, s.oldest, s.count = im.tree, im.version, im.root, im.version, im.count
	s.iters.reset()
	s.values.reset()
	s.importing = false
	s.startWarmUp(s.tree, s.count)
	s.startValueWarmUp(s.warming.Load())
	return nil
}

// Abort discards an unfinished import, leaving the store empty.
func (im *Importer) Abort() error {
	im.s.ioMu.Lock()
	defer im.s.ioMu.Unlock()
	if im.err == nil {
		im.err = errors.New("store: import aborted")
	}
	return im.s.wipe()
}

// wipe deletes everything but the bucket depth: the end of a failed import.
func (s *Store) wipe() (err error) {
	defer s.failOnPanic(&err)
	b := s.db.NewBatch()
	defer b.Close()
	for _, p := range []byte{prefixFlat, prefixLeaf, prefixBucket, prefixUndo, prefixVersion, prefixAux} {
		if err := b.DeleteRange([]byte{p}, []byte{p + 1}, nil); err != nil {
			return err
		}
	}
	for _, k := range [][]byte{metaLatest, metaCount, metaOldest, metaImport} {
		if err := b.Delete(k, nil); err != nil {
			return err
		}
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return s.fail(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tree, s.version, s.root, s.oldest, s.count = s.newTree(), 0, [32]byte{}, 0, 0
	s.iters.reset()
	s.values.reset()
	s.importing = false
	return nil
}

// discardPartialImport wipes an import that a crash interrupted.
func (s *Store) discardPartialImport() error {
	_, ok, err := s.getRaw(s.db, metaImport)
	if err != nil || !ok {
		return err
	}
	s.opts.Logger("store: discarding an unfinished snapshot import")
	return s.wipe()
}
