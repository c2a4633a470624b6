package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
)

// CommitInfo names a committed version and its root.
type CommitInfo struct {
	Version int64
	Root    []byte
}

// Change is one write: a set of Key to Value, or a delete of Key.
type Change struct {
	Key, Value []byte
	Delete     bool
}

// Stats are cheap counters about the store.
type Stats struct {
	Keys              int64         // Merkle keys at the latest version (exact)
	Version           int64         // latest committed version
	OldestVersion     int64         // oldest version still readable
	BucketDepth       int           // resident tree depth, fixed at creation
	LastCommitTime    time.Duration // wall time of the last Commit (write and swap)
	LastStageTime     time.Duration // wall time of the last Stage
	LastBatchBytes    int           // size of the last committed Pebble batch
	LastChangedLeaves int           // leaves the last commit changed
	// LastScannedBuckets is how many buckets the last commit's Stage read
	// from the leaf index. A bucket that was empty needs no read, nor does
	// one of a single leaf whose tip is known or one in the bucket cache,
	// unless a new key has one of its leaves' tips.
	LastScannedBuckets int
	// BucketCacheBuckets and BucketCacheBytes are what the bucket cache
	// holds (see Options.BucketCacheBytes): buckets, and bytes counted
	// against its budget.
	BucketCacheBuckets int
	BucketCacheBytes   int64
	// ValueCacheValues and ValueCacheBytes are what the value cache holds
	// (see Options.ValueCacheBytes): values, and bytes counted against its
	// budget.
	ValueCacheValues int
	ValueCacheBytes  int64
	// WarmingUp is true while the bucket cache fills from the leaf index in
	// the background (after Open or an import); WarmUpRead is the share of
	// the buckets it has read so far, from 0 to 1. A warm-up that finds the
	// cache full ends before it has read them all.
	WarmingUp  bool
	WarmUpRead float64
	// ScannedBuckets and ChangedLeaves add up LastScannedBuckets and
	// LastChangedLeaves over the commits since the store opened: their
	// ratio is the share of changes that read their bucket from disk.
	ScannedBuckets int64
	ChangedLeaves  int64
}

// Store is a versioned, Merkle-indexed key-value store. See the package doc
// for which methods may run concurrently.
type Store struct {
	opts  Options
	db    *pebble.DB
	fs    *failStopFS
	depth int

	mu        sync.RWMutex // guards everything below; Commit holds it to swap versions
	tree      *resident
	version   int64
	root      [32]byte
	oldest    int64
	count     int64
	failed    error
	closed    bool
	importing bool // an Importer is running: Stage and Commit are refused
	stats     Stats

	staged   *staged     // owned by the ABCI goroutine
	stageErr error       // the last Stage's error; Commit refuses while set
	blobs    *blobCache  // decoded node history, for old versions
	iters    *iterPool   // leaf-index iterators of the latest version, for proofs
	values   *valueCache // latest values; read under mu, written under mu (commits also hold ioMu)
	ioMu     sync.Mutex  // serialises Prune, import and Commit writes

	// warming is the bucket cache's warm-up while it runs, set and cleared
	// under mu; restaging loads it without mu, to know whether to take it.
	warming atomic.Pointer[cacheWarmer]
	// valueWarming is the value cache's warm-up while it runs.
	valueWarming atomic.Pointer[valueWarmer]
	warmers      sync.WaitGroup // warm-ups running, which Close waits for
}

// Open opens or creates the store in dir.
func Open(dir string, opts Options) (s *Store, err error) {
	defer recoverFatal(&err)
	opts, err = opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := createDir(opts.FS, dir); err != nil {
		return nil, err
	}
	fsys := newFailStopFS(opts.FS)
	cache := pebble.NewCache(opts.CacheBytes)
	defer cache.Unref()
	po := pebbleOptions(opts, cache)
	po.FS = fsys
	db, err := pebble.Open(dir, po)
	if err != nil && strings.Contains(err.Error(), "comparer name") {
		return nil, fmt.Errorf("store: %s holds a store with another key layout (Pebble comparer), which this version cannot read; restore the state by state sync or from a snapshot into an empty directory: %w", dir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open pebble: %w", err)
	}
	s = &Store{opts: opts, db: db, fs: fsys, blobs: newBlobCache(64 << 20), iters: newIterPool(), values: newValueCache(opts.ValueCacheBytes)}
	if err := s.load(); err != nil {
		_ = db.Close()
		return nil, err
	}
	s.startWarmUp(s.tree, s.count)
	s.startValueWarmUp(s.warming.Load())
	return s, nil
}

// createDir creates dir if needed and syncs its parent, so that a new store's
// directory itself survives a crash (Pebble syncs only inside it).
func createDir(fs vfs.FS, dir string) error {
	if _, err := fs.Stat(dir); err == nil || !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("store: create %s: %w", dir, err)
	}
	d, err := fs.OpenDir(fs.PathDir(dir))
	if err != nil {
		return fmt.Errorf("store: open parent of %s: %w", dir, err)
	}
	return errors.Join(d.Sync(), d.Close())
}

func (s *Store) load() error {
	if err := s.loadDepth(); err != nil {
		return err
	}
	if err := s.discardPartialImport(); err != nil {
		return err
	}
	if err := s.loadMeta(); err != nil {
		return err
	}
	return s.loadTree()
}

func (s *Store) loadDepth() error {
	b, ok, err := s.getRaw(s.db, metaDepth)
	if err != nil {
		return err
	}
	if ok {
		if len(b) != 1 || int(b[0]) < minBucketDepth || int(b[0]) > maxBucketDepth {
			return fmt.Errorf("store: corrupt bucket depth %x", b)
		}
		s.depth = int(b[0])
		return s.checkFormat()
	}
	if _, ok, err := s.getRaw(s.db, metaLatest); err != nil || ok {
		return errors.Join(err, errors.New("store: corrupt metadata: versions without a bucket depth"))
	}
	s.depth = s.opts.BucketDepth
	if s.depth < minBucketDepth || s.depth > maxBucketDepth {
		return fmt.Errorf("store: bucket depth %d outside [%d, %d]", s.depth, minBucketDepth, maxBucketDepth)
	}
	batch := s.db.NewBatch()
	defer batch.Close()
	return errors.Join(
		batch.Set(metaDepth, []byte{byte(s.depth)}, nil),
		batch.Set(metaFormat, []byte{commitmentFormat}, nil),
		batch.Commit(pebble.Sync))
}

// checkFormat refuses a store whose tree is hashed in another commitment
// format: its roots, proofs and stored leaf hashes mean something else. A
// store without a format record and without versions takes the current one.
func (s *Store) checkFormat() error {
	b, ok, err := s.getRaw(s.db, metaFormat)
	if err != nil || (ok && len(b) == 1 && b[0] == commitmentFormat) {
		return err
	}
	format := fmt.Sprintf("%x", b)
	if !ok {
		_, versions, err := s.getRaw(s.db, metaLatest)
		if err != nil {
			return err
		}
		if !versions {
			return s.db.Set(metaFormat, []byte{commitmentFormat}, pebble.Sync)
		}
		format = "1 (leaves tagged 0x00, inner nodes 0x01)"
	}
	return fmt.Errorf("store: the store's tree is in commitment format %s, this version reads format %d; restore the state by state sync or from a snapshot into an empty directory", format, commitmentFormat)
}

func (s *Store) loadMeta() error {
	b, ok, err := s.getRaw(s.db, metaLatest)
	if err != nil || !ok {
		return err
	}
	if len(b) != 40 {
		return fmt.Errorf("store: corrupt latest version record %x", b)
	}
	s.version = int64(binary.BigEndian.Uint64(b))
	copy(s.root[:], b[8:])
	if s.oldest, err = s.getInt(metaOldest); err != nil {
		return err
	}
	s.count, err = s.getInt(metaCount)
	return err
}

func (s *Store) getInt(k []byte) (int64, error) {
	b, ok, err := s.getRaw(s.db, k)
	if err != nil || !ok {
		return 0, err
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("store: corrupt metadata %q: %x", k, b)
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// loadTree rebuilds the resident levels from the bucket summaries and checks
// the result against the recorded root.
func (s *Store) loadTree() error {
	t := s.newTree()
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixBucket}, UpperBound: []byte{prefixBucket + 1}})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		k := it.Key()
		n, tip, err := decodeBucket(it.Value())
		if err != nil || len(k) != bucketKeyLen || uint64(binary.BigEndian.Uint32(k[1:])) >= 1<<s.depth {
			_ = it.Close()
			return errors.Join(err, fmt.Errorf("store: corrupt bucket summary %x", k))
		}
		b := binary.BigEndian.Uint32(k[1:])
		t.levels[s.depth][b], t.tips[b] = n, tip
	}
	if err := it.Close(); err != nil {
		return err
	}
	t.rebuild()
	if t.root().h != s.root {
		return fmt.Errorf("store: corrupt: tree root %x differs from the root %x of version %d", t.root().h, s.root, s.version)
	}
	s.tree = t
	return nil
}

// newTree returns an empty resident tree with an empty bucket cache of the
// configured size.
func (s *Store) newTree() *resident {
	t := newResident(s.depth)
	t.cache = newBucketCache(s.opts.BucketCacheBytes)
	return t
}

// Close closes the store. Closing a failed store returns its error and closes
// Pebble in the background, as Pebble may be wedged after the failure.
func (s *Store) Close() (err error) {
	defer recoverFatal(&err)
	failErr, err := s.markClosed()
	if err != nil {
		return err
	}
	// Once the store is marked closed no call reaches Pebble but a warm-up
	// still between two batches, which ends at the next.
	if failErr != nil {
		// Closing an iterator takes Pebble's own lock, which a wedged flush
		// or compaction may hold for ever.
		go func() {
			s.warmers.Wait()
			s.iters.reset()
			closeQuietly(s.db, nil)
		}()
		return failErr
	}
	s.warmers.Wait()
	s.iters.reset()
	return s.closeWatching()
}

// markClosed marks the store closed, or returns ErrClosed if it already was.
// failErr is the error of a failed store.
func (s *Store) markClosed() (failErr, err error) {
	s.ioMu.Lock()
	defer s.ioMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	failErr = s.state()
	if s.closed {
		return nil, ErrClosed
	}
	s.closed = true // a running warm-up ends at its next batch
	if s.staged != nil {
		s.staged.close()
		s.staged = nil
	}
	return failErr, nil
}

// closeWatching closes Pebble, but stops waiting if an I/O error fails the
// store meanwhile (a flush or compaction that Pebble cannot finish).
func (s *Store) closeWatching() error {
	done := make(chan error, 1)
	go closeQuietly(s.db, done)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			if err := s.fs.failure(); err != nil {
				return fmt.Errorf("%w: %v", ErrFailed, err)
			}
		}
	}
}

// closeQuietly tries to close the Pebble DB of a failed store, which stops its
// background work (compactions retry forever once the filesystem refuses
// writes). Pebble may be wedged after the failure, so this runs on its own
// goroutine and may never return.
func closeQuietly(db *pebble.DB, done chan<- error) {
	var err error
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pebble panic on close: %v", r)
		}
		if done != nil {
			done <- err
		}
	}()
	err = db.Close()
}

// state returns the error every call must return in a closed or failed store.
// Callers hold s.mu.
func (s *Store) state() error {
	if s.closed {
		return ErrClosed
	}
	failed := s.failed
	if failed == nil {
		failed = s.fs.failure() // an I/O error anywhere, even in the background
	}
	if failed != nil {
		return fmt.Errorf("%w: %v", ErrFailed, failed)
	}
	return nil
}

// failOnPanic is recoverFatal for calls on an open store: a Pebble panic
// there also fails the store. Defer it before taking s.mu.
func (s *Store) failOnPanic(err *error) {
	if r := recover(); r != nil {
		*err = s.fail(panicError(r))
	}
}

func (s *Store) fail(err error) error {
	s.mu.Lock()
	if s.failed == nil {
		s.failed = err
	}
	s.mu.Unlock()
	s.opts.Logger("store: failed: %v", err)
	return fmt.Errorf("%w: %v", ErrFailed, err)
}

// LastCommit returns the latest committed version and root; version 0 and a
// zero root for a new store.
func (s *Store) LastCommit() CommitInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return CommitInfo{Version: s.version, Root: append([]byte(nil), s.root[:]...)}
}

// OldestVersion returns the oldest version still readable.
func (s *Store) OldestVersion() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.oldest
}

// Stats returns counters about the store.
func (s *Store) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.stats
	st.Keys, st.Version, st.OldestVersion, st.BucketDepth = s.count, s.version, s.oldest, s.depth
	st.BucketCacheBuckets, st.BucketCacheBytes = s.tree.cache.size()
	st.ValueCacheValues, st.ValueCacheBytes = s.values.size()
	if w := s.warming.Load(); w != nil {
		st.WarmingUp, st.WarmUpRead = true, float64(w.read.Load())/float64(uint64(1)<<s.depth)
	}
	return st
}

// Get returns the latest committed value of key, or nil if absent: one Pebble
// lookup in the flat index.
func (s *Store) Get(key []byte) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.state(); err != nil {
		return nil, err
	}
	v, _, err := s.latest(key)
	return v, err
}

// latest reads key's latest value from the value cache, or else from the
// flat index with Pebble's Get, which stops at the newest level that holds
// the key. A seek of a kept
// iterator saves building an iterator per read, but positions every level,
// and on a store larger than the block cache that costs more: the older
// versions an update leaves in lower levels, and the bottom level's blocks
// for any key found above it (measured in docs/store.md). Caller holds s.mu.
func (s *Store) latest(key []byte) ([]byte, bool, error) {
	if v, ok := s.values.value(key); ok {
		return copyValue(v), true, nil
	}
	return s.getRaw(s.db, flatKey(key))
}

// GetAux returns the value of an aux key, or nil if absent.
func (s *Store) GetAux(key []byte) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.state(); err != nil {
		return nil, err
	}
	v, _, err := s.getRaw(s.db, auxKey(key))
	return v, err
}

// Iterate calls fn for each latest key in [start, end) (end nil: no bound) in
// ascending order until fn returns false. fn must not keep the slices.
func (s *Store) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	return s.iteratePrefix(prefixFlat, start, end, fn)
}

// IterateAux is Iterate over the aux keyspace.
func (s *Store) IterateAux(start, end []byte, fn func(key, value []byte) bool) error {
	return s.iteratePrefix(prefixAux, start, end, fn)
}

func (s *Store) iteratePrefix(p byte, start, end []byte, fn func(key, value []byte) bool) error {
	it, err := s.newIter(p, start, end)
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		if !fn(it.Key()[1:], it.Value()) {
			break
		}
	}
	return it.Close()
}

// newIter opens a point-in-time iterator; it holds the lock only while opening.
func (s *Store) newIter(p byte, start, end []byte) (*pebble.Iterator, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.state(); err != nil {
		return nil, err
	}
	lo, hi := rangeBounds(p, start, end)
	return s.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
}

// reader is what the store reads through: the DB or a snapshot.
type reader interface {
	Get(key []byte) ([]byte, io.Closer, error)
	NewIter(o *pebble.IterOptions) (*pebble.Iterator, error)
}

// getRaw returns a copy of the value at k and whether it exists.
func (s *Store) getRaw(r reader, k []byte) ([]byte, bool, error) {
	v, c, err := r.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return copyValue(v), true, c.Close()
}

// copyValue copies a value out of Pebble's memory; an empty value stays
// non-nil, so that it is not taken for an absent one.
func copyValue(v []byte) []byte { return append(make([]byte, 0, len(v)), v...) }

func checkKey(key []byte) error {
	if len(key) == 0 || len(key) > MaxKeyBytes {
		return fmt.Errorf("store: key of %d bytes, want 1..%d", len(key), MaxKeyBytes)
	}
	return nil
}
