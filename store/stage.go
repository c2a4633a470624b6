package store

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble"
)

// staged is the computed next version, not yet persisted.
type staged struct {
	version   int64
	depth     int
	root      node
	deltas    []levelDelta
	batch     *pebble.Batch
	count     int64
	changed   int
	scanned   int // buckets Stage read from the leaf index
	size      int // the batch's length once filled, see batchSize
	capacity  int // the batch's capacity when created; fill must not grow it
	stageTime time.Duration
	// restaged lists every bucket Stage restaged, when there is a bucket
	// cache to fill or invariants to check.
	restaged []restagedBucket
}

func (st *staged) close() {
	if st.batch != nil {
		_ = st.batch.Close()
		st.batch = nil
	}
}

// restagedBucket is a restaged bucket and its entry for the bucket cache,
// put there once the version is committed.
type restagedBucket struct {
	idx uint64
	rec []byte
}

// keyChange is a validated change with its key hash.
type keyChange struct {
	kh    [32]byte
	key   []byte
	value []byte
	del   bool
	seq   int32 // position among the Stage call's changes, to keep the last
}

// leafOp is a change that alters the tree, with the state it replaces.
type leafOp struct {
	keyChange
	lh         [32]byte // leaf hash of the new value
	wasPresent bool
	oldValue   []byte
}

// bucketResult is the outcome of restaging one bucket.
type bucketResult struct {
	idx     uint64
	old     node
	new     node
	tip     uint32 // new's tip if it holds one leaf
	scanned bool   // the bucket's leaves were read from the leaf index
	ops     []leafOp
	cached  []byte // the bucket's entry in the bucket cache once committed (cacheRecord)
}

// Stage validates changes and aux, computes the root of the next version with
// them and keeps the result for Commit, without persisting anything. A later
// change to the same key wins; calling Stage again replaces the staged set.
// Readers keep seeing the latest committed version. A failed Stage drops the
// staged set, and Commit refuses to run until a Stage succeeds.
func (s *Store) Stage(changes []Change, aux []Change) (root []byte, err error) {
	s.ioMu.Lock()
	defer s.ioMu.Unlock()
	if s.staged != nil {
		s.staged.close()
		s.staged = nil
	}
	defer func() {
		s.stageErr = err
	}()
	start := time.Now()
	kcs, err := prepareChanges(changes)
	if err != nil {
		return nil, err
	}
	if err := checkAux(aux); err != nil {
		return nil, err
	}
	s.mu.RLock()
	err, version, count := s.state(), s.version, s.count
	if err == nil && s.importing {
		err = errors.New("store: a snapshot import is running")
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	st, err := s.stage(version+1, count, kcs, aux)
	if err != nil {
		if s.fs.failure() != nil {
			// An I/O error, met by this Stage or in the background, has
			// failed the store (see failStopFS): say so, as later calls will.
			return nil, fmt.Errorf("%w: %v", ErrFailed, err)
		}
		return nil, err
	}
	st.stageTime = time.Since(start)
	s.staged = st
	return append([]byte(nil), st.root.h[:]...), nil
}

func (s *Store) stage(version, count int64, kcs []keyChange, aux []Change) (*staged, error) {
	results, err := s.restageBuckets(kcs)
	if err != nil {
		return nil, err
	}
	var buckets levelDelta
	scanned := 0
	for _, r := range results {
		if r.new != r.old {
			buckets = append(buckets, nodeChange{idx: r.idx, old: r.old, new: r.new, tip: r.tip})
		}
		if r.scanned {
			scanned++
		}
	}
	var restaged []restagedBucket
	if s.tree.cache != nil || invariants {
		restaged = make([]restagedBucket, len(results))
		for i, r := range results {
			restaged[i] = restagedBucket{idx: r.idx, rec: r.cached}
		}
	}
	st := &staged{version: version, depth: s.depth, deltas: propagate(s.tree, buckets), root: s.tree.root(), scanned: scanned, restaged: restaged}
	if d := st.deltas[0]; len(d) == 1 {
		st.root = d[0].new
	}
	// Sized up front: a block's batch runs to megabytes, and growing it
	// doubles its buffer and copies it. Pebble reserves room for a record
	// with both lengths at their longest before writing it and then gives
	// back what it did not use, so the last record needs that slack beyond
	// the batch's final length.
	st.size = st.batchSize(results, aux)
	st.batch = s.db.NewBatchWithSize(st.size + batchSlack)
	st.capacity = cap(st.batch.Repr())
	st.count = count
	if err := st.fill(results, aux); err != nil {
		st.close()
		return nil, err
	}
	return st, nil
}

// batchSize is the length fill gives the batch: its header and one record
// (kind, key and value, each with its length) per entry. Only what changes
// counts, so a block that rewrites values unchanged reserves nothing for them.
func (st *staged) batchSize(results []bucketResult, aux []Change) int {
	n := batchHeaderLen + record(len(metaCount), 8) + record(len(metaLatest), 8+32) + record(versionKeyLen, 32)
	for _, e := range st.deltas[st.depth] {
		n += record(bucketKeyLen, bucketValueLen(e.new))
	}
	var pages [256]int
	for _, r := range results {
		for i := range r.ops {
			op := &r.ops[i]
			if op.del {
				n += record(leafKeyLen, -1) + record(1+len(op.key), -1)
			} else {
				n += record(leafKeyLen, 32+len(op.key)) + record(1+len(op.key), len(op.value))
			}
			switch {
			case op.wasPresent:
				n += record(undoLeafKeyLen, 1+uvarintLen(len(op.key))+len(op.key)+len(op.oldValue))
			case !op.del:
				pages[op.kh[0]]++
			}
		}
	}
	for _, c := range pages {
		if c > 0 {
			n += record(undoPageKeyLen, 32*c)
		}
	}
	for d, ld := range st.deltas {
		if len(ld) > 0 && historyLevel(d, st.depth) {
			n += record(undoNodeKeyLen, len(ld)*nodeRecordBytes)
		}
	}
	for _, c := range aux {
		if c.Delete {
			n += record(1+len(c.Key), -1)
		} else {
			n += record(1+len(c.Key), len(c.Value))
		}
	}
	return n
}

// batchHeaderLen is the length of a Pebble batch's header (sequence number and
// count). batchSlack is what Pebble reserves beyond a record's length while
// writing it: room for a key and a value length of 5 bytes each.
const (
	batchHeaderLen = 12
	batchSlack     = 2 * binary.MaxVarintLen32
)

// record is the length of one batch record: its kind, the key and the value,
// each after its length. A delete (vLen < 0) has no value.
func record(kLen, vLen int) int {
	n := 1 + uvarintLen(kLen) + kLen
	if vLen >= 0 {
		n += uvarintLen(vLen) + vLen
	}
	return n
}

func uvarintLen(x int) int { return (bits.Len64(uint64(x)|1) + 6) / 7 }

// prepareChanges validates, deduplicates (last wins) and sorts changes by key
// hash. Changes with equal hashes are sorted by position, so of the changes to
// one key the last is the last of its run.
func prepareChanges(changes []Change) ([]keyChange, error) {
	if len(changes) > math.MaxInt32 {
		return nil, fmt.Errorf("store: %d changes in one version, at most %d", len(changes), math.MaxInt32)
	}
	kcs := make([]keyChange, 0, len(changes))
	for i, c := range changes {
		if err := checkKey(c.Key); err != nil {
			return nil, err
		}
		if !c.Delete && (len(c.Value) == 0 || len(c.Value) > MaxValueBytes) {
			return nil, fmt.Errorf("store: value of %d bytes for key %x, want 1..%d (ics23 cannot prove an empty value)", len(c.Value), c.Key, MaxValueBytes)
		}
		kc := keyChange{kh: sha256.Sum256(c.Key), key: c.Key, del: c.Delete, seq: int32(i)}
		if !c.Delete {
			kc.value = c.Value
		}
		kcs = append(kcs, kc)
	}
	slices.SortFunc(kcs, func(a, b keyChange) int {
		if c := bytes.Compare(a.kh[:], b.kh[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	out := kcs[:0]
	for i := range kcs {
		if i+1 < len(kcs) && kcs[i+1].kh == kcs[i].kh {
			if !bytes.Equal(kcs[i+1].key, kcs[i].key) {
				return nil, fmt.Errorf("store: keys %x and %x share a hash", kcs[i].key, kcs[i+1].key)
			}
			continue // a later change to the same key follows
		}
		out = append(out, kcs[i])
	}
	return out, nil
}

func checkAux(aux []Change) error {
	for _, c := range aux {
		if err := checkKey(c.Key); err != nil {
			return err
		}
		if !c.Delete && (c.Value == nil || len(c.Value) > MaxValueBytes) {
			return fmt.Errorf("store: aux value for key %x is nil or over %d bytes", c.Key, MaxValueBytes)
		}
	}
	return nil
}

// restageBuckets groups the sorted changes by bucket and restages each touched
// bucket, spreading buckets over GOMAXPROCS workers. Results are in bucket
// order whatever the number of workers.
func (s *Store) restageBuckets(kcs []keyChange) ([]bucketResult, error) {
	var groups [][]keyChange
	for i := 0; i < len(kcs); {
		b := prefixIndex(&kcs[i].kh, s.depth)
		j := i + 1
		for j < len(kcs) && prefixIndex(&kcs[j].kh, s.depth) == b {
			j++
		}
		groups = append(groups, kcs[i:j])
		i = j
	}
	results := make([]bucketResult, len(groups))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(groups)/64))
	errs := make([]error, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			errs[w] = s.restageClaimed(groups, results, &next)
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}

// restageChunk is how many consecutive buckets a restaging worker claims at
// a time. Workers claim chunks until none is left, so one slowed by a
// compaction on its core takes fewer, instead of the others waiting for its
// fixed share; each worker's claims still rise, so its iterator only seeks
// forward.
const restageChunk = 32

// restageClaimed restages the chunks of groups it claims from next, with one
// leaf-index iterator.
func (s *Store) restageClaimed(groups [][]keyChange, results []bucketResult, next *atomic.Int64) error {
	it, err := newLeafIter(s.db)
	if err != nil {
		return err
	}
	var sc scanBuffers
	for err == nil {
		lo := int(next.Add(restageChunk)) - restageChunk
		if lo >= len(groups) {
			break
		}
		for g := lo; g < min(lo+restageChunk, len(groups)) && err == nil; g++ {
			results[g], err = s.restageBucket(it, groups[g], &sc)
		}
	}
	if err != nil {
		next.Store(int64(len(groups))) // the others claim nothing more
	}
	return errors.Join(err, it.Close())
}

// scanBuffers are a worker's buffers for one bucket's leaves and their keys,
// reused from bucket to bucket: nothing of a bucket's scan outlives its
// restageBucket.
type scanBuffers struct {
	leaves []leaf
	keys   []byte
}

// restageBucket rescans one bucket's leaves, applies its changes and rehashes it.
func (s *Store) restageBucket(it *pebble.Iterator, kcs []keyChange, sc *scanBuffers) (bucketResult, error) {
	b := prefixIndex(&kcs[0].kh, s.depth)
	res := bucketResult{idx: b, old: s.tree.node(s.depth, b)}
	cur := sc.leaves[:0]
	inMemory := false
	switch tip := s.tree.tips[b]; {
	case res.old.empty():
		// An empty bucket has no leaves to read: a growing store skips
		// the scan for every key that starts a bucket.
	case res.old.single && tip != 0:
		// Nor has one of a single leaf whose tip is known: the tip and the
		// leaf's hash, in memory, place it among the changed keys.
		cur, inMemory = append(cur, tipLeaf(b, tip, s.depth, res.old.h)), true
	default:
		cur, inMemory = s.cachedLeaves(b, cur)
	}
	if inMemory {
		ok, err := s.claimTips(cur, kcs)
		if err != nil {
			return bucketResult{}, err
		}
		if !ok {
			cur, inMemory = cur[:0], false
		}
	}
	if !inMemory && !res.old.empty() {
		var err error
		if cur, sc.keys, err = seekLeaves(it, b, cur, sc.keys[:0]); err != nil {
			return bucketResult{}, err
		}
		res.scanned = true
	}
	sc.leaves = cur
	next := make([]leaf, 0, len(cur)+len(kcs))
	i := 0
	for _, kc := range kcs {
		for i < len(cur) && bytes.Compare(cur[i].kh[:], kc.kh[:]) < 0 {
			next = append(next, cur[i])
			i++
		}
		var old *leaf
		if i < len(cur) && cur[i].kh == kc.kh {
			old = &cur[i]
			i++
		}
		op, keep, err := s.leafChange(kc, old)
		if err != nil {
			return bucketResult{}, err
		}
		if keep != nil {
			next = append(next, *keep)
		}
		if op != nil {
			res.ops = append(res.ops, *op)
		}
	}
	next = append(next, cur[i:]...)
	res.new = subtree(next, s.depth)
	if len(next) == 1 {
		res.tip = tipOf(&next[0].kh, s.depth)
	}
	if s.tree.cache != nil {
		res.cached = cacheRecord(next, s.depth)
	}
	return res, nil
}

// leafChange decides what kc does to the leaf old (nil if absent): the op to
// record (nil if kc changes nothing) and the leaf to keep in the bucket.
func (s *Store) leafChange(kc keyChange, old *leaf) (*leafOp, *leaf, error) {
	if old != nil && !bytes.Equal(old.key, kc.key) {
		return nil, nil, fmt.Errorf("store: invariant broken: keys %x and %x share a hash", old.key, kc.key)
	}
	op := &leafOp{keyChange: kc, wasPresent: old != nil}
	if !kc.del {
		op.lh = leafHash(&kc.kh, ptr(sha256.Sum256(kc.value)))
	}
	switch {
	case kc.del && old == nil:
		return nil, nil, nil
	case !kc.del && old != nil && old.lh == op.lh:
		return nil, old, nil
	}
	if old != nil {
		op.oldValue = old.val // read already by claimTips, or else here
		if op.oldValue == nil {
			v, ok, err := s.previousValue(kc.key)
			if err != nil || !ok {
				return nil, nil, fmtJoin(err, "store: corrupt: leaf without value for key %x", kc.key)
			}
			op.oldValue = v
		}
	}
	if kc.del {
		return op, nil, nil
	}
	return op, &leaf{kh: kc.kh, lh: op.lh, key: kc.key}, nil
}

// fill writes the whole version into the batch, in ascending key order as far
// as it goes: bucket summaries, leaf index, flat index, metadata, history,
// version root, aux. Pebble inserts a batch into the memtable in batch order
// and starts each search from where the previous one ended, so ascending
// entries cost a short step each instead of a search from the top.
func (st *staged) fill(results []bucketResult, aux []Change) error {
	b := st.batch
	for _, e := range st.deltas[st.depth] {
		if err := b.Set(bucketKey(e.idx), encodeBucket(e.new, e.tip), nil); err != nil {
			return err
		}
	}
	var ops []*leafOp // in kh order, as the results are
	for _, r := range results {
		for i := range r.ops {
			ops = append(ops, &r.ops[i])
		}
	}
	var created []byte // kh of every key this version creates, in kh order
	for _, op := range ops {
		st.changed++
		switch {
		case op.del:
			st.count--
		case !op.wasPresent:
			st.count++
			created = append(created, op.kh[:]...)
		}
		lv := append(append(make([]byte, 0, 32+len(op.key)), op.lh[:]...), op.key...)
		if err := putOrDelete(b, leafKey(&op.kh, st.depth), lv, op.del); err != nil {
			return err
		}
	}
	byKey := slices.Clone(ops)
	slices.SortFunc(byKey, func(x, y *leafOp) int { return bytes.Compare(x.key, y.key) })
	for _, op := range byKey {
		if err := putOrDelete(b, flatKey(op.key), op.value, op.del); err != nil {
			return err
		}
	}
	if err := st.putMeta(); err != nil {
		return err
	}
	// History: U | version | A (created pages) < K (undo of leaves) < N (nodes).
	if err := st.putCreated(created); err != nil {
		return err
	}
	for _, op := range ops {
		if op.wasPresent {
			if err := b.Set(undoLeafKey(st.version, op.kh[:]), encodeUndo(op), nil); err != nil {
				return err
			}
		}
	}
	for d, ld := range st.deltas {
		if len(ld) > 0 && historyLevel(d, st.depth) {
			if err := b.Set(undoNodeKey(st.version, d), encodeNodeBlob(ld), nil); err != nil {
				return err
			}
		}
	}
	if err := b.Set(versionKey(st.version), st.root.h[:], nil); err != nil {
		return err
	}
	for _, c := range aux {
		if err := putOrDelete(b, auxKey(c.Key), c.Value, c.Delete); err != nil {
			return err
		}
	}
	if invariants && (int(b.Len()) != st.size || cap(b.Repr()) != st.capacity) {
		return fmt.Errorf("store: invariant broken: batch of %d bytes and capacity %d, sized for %d with capacity %d",
			b.Len(), cap(b.Repr()), st.size, st.capacity)
	}
	return nil
}

// putCreated writes the hashes of the keys this version creates, sorted, as
// pages by their first byte (see keys.go).
func (st *staged) putCreated(khs []byte) error {
	for len(khs) > 0 {
		n := 32
		for n < len(khs) && khs[n] == khs[0] {
			n += 32
		}
		if err := st.batch.Set(undoCreatedKey(st.version, khs[0]), khs[:n], nil); err != nil {
			return err
		}
		khs = khs[n:]
	}
	return nil
}

func (st *staged) putMeta() error {
	latest := binary.BigEndian.AppendUint64(nil, uint64(st.version))
	latest = append(latest, st.root.h[:]...)
	if err := st.batch.Set(metaCount, u64(uint64(st.count)), nil); err != nil {
		return err
	}
	return st.batch.Set(metaLatest, latest, nil)
}

func putOrDelete(b *pebble.Batch, k, v []byte, del bool) error {
	if del {
		return b.Delete(k, nil)
	}
	return b.Set(k, v, nil)
}

// Commit persists the staged version (an empty version with the same root if
// nothing is staged) as one synced Pebble batch and makes it the latest. A
// write error fails the store.
func (s *Store) Commit() (CommitInfo, error) {
	if s.stageErr != nil {
		return CommitInfo{}, fmt.Errorf("store: the last Stage failed, stage again before Commit: %w", s.stageErr)
	}
	if s.staged == nil {
		if _, err := s.Stage(nil, nil); err != nil {
			return CommitInfo{}, err
		}
	}
	s.ioMu.Lock()
	defer s.ioMu.Unlock()
	st := s.staged
	s.staged = nil
	defer st.close()
	start := time.Now()
	if err := s.writeAndSwap(st, start); err != nil {
		if isStateErr(err) {
			return CommitInfo{}, err
		}
		return CommitInfo{}, s.fail(err)
	}
	return CommitInfo{Version: st.version, Root: append([]byte(nil), st.root.h[:]...)}, nil
}

type stateErr struct{ error }

func (e stateErr) Unwrap() error { return e.error }

func isStateErr(err error) bool { _, ok := err.(stateErr); return ok }

func (s *Store) writeAndSwap(st *staged, start time.Time) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.state(); err != nil {
		return stateErr{err}
	}
	if st.version != s.version+1 {
		return stateErr{fmt.Errorf("store: staged version %d does not follow %d", st.version, s.version)}
	}
	defer func() {
		if err != nil {
			s.values.reset() // it holds values that were not written
		}
	}()
	defer recoverFatal(&err)
	n := len(st.batch.Repr())
	// The value cache takes the version's values from the batch before it is
	// written, because Pebble may take over the batch's memory when it
	// writes it. Readers wait for mu; if the write fails, the cache is
	// emptied before they get it, and the store is failed.
	s.values.update(st.batch)
	if err := st.batch.Commit(pebble.Sync); err != nil {
		return err
	}
	s.tree.apply(st.deltas)
	for _, r := range st.restaged {
		s.tree.cache.put(r.idx, r.rec)
	}
	if w := s.warming.Load(); w != nil {
		w.restaged(st.restaged)
	}
	s.tree.cache.reclaim()
	s.iters.reset()
	if invariants {
		if err := s.checkBuckets(st.restaged); err != nil {
			panic(err) // the tree in memory no longer matches what was written
		}
	}
	s.version, s.root, s.count = st.version, st.root.h, st.count
	s.stats.LastCommitTime = time.Since(start)
	s.stats.LastStageTime = st.stageTime
	s.stats.LastBatchBytes = n
	s.stats.LastChangedLeaves = st.changed
	s.stats.LastScannedBuckets = st.scanned
	s.stats.ChangedLeaves += int64(st.changed)
	s.stats.ScannedBuckets += int64(st.scanned)
	return nil
}

func fmtJoin(err error, format string, args ...any) error {
	if err != nil {
		return fmt.Errorf(format+": %w", append(args, err)...)
	}
	return fmt.Errorf(format, args...)
}
