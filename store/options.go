package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"strings"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
	"github.com/cockroachdb/pebble/vfs"
)

// Limits on what one change may hold.
const (
	MaxKeyBytes   = 1024
	MaxValueBytes = 4 << 20

	defaultBucketDepth   = 16
	minBucketDepth       = 12
	maxBucketDepth       = 26
	defaultCacheBytes    = 256 << 20
	defaultBucketCache   = 256 << 20
	defaultValueCache    = 128 << 20
	defaultMemTableBytes = 64 << 20
)

// Options configure Open. The zero value is usable.
type Options struct {
	FS            vfs.FS // nil means vfs.Default
	BucketDepth   int    // used only when creating a new store; 0 means 16
	CacheBytes    int64  // Pebble block cache; 0 means 256 MiB
	MemTableBytes uint64 // 0 means 64 MiB
	// BucketCacheBytes bounds the memory that keeps the leaves' tips and
	// hashes of buckets of two leaves or more, so that a commit need not
	// read them from the leaf index (see bucketCache): about 36 bytes per
	// leaf and 36 per bucket, 400 MiB for 10 million keys, and up to a
	// quarter more in entries left behind. Once the store opens it is
	// filled from the leaf index in the background, some seconds per 10
	// million keys. 0 means 256 MiB; a negative value keeps none.
	BucketCacheBytes int64
	// ValueCacheBytes bounds the memory that keeps latest values, filled
	// when the store opens and kept current by commits, so that reading one
	// needs no Pebble lookup (see valueCache): the key, the value and 37
	// bytes per entry
	// (1.6 GiB for 10 million keys of 32 bytes with values of 100), and up
	// to a quarter more in entries left behind. 0 means 128 MiB; a negative
	// value keeps none.
	ValueCacheBytes int64
	Logger          func(format string, args ...any) // optional
}

// Errors returned by the store. Wrapped errors match with errors.Is.
var (
	ErrVersionPruned  = errors.New("store: version pruned")
	ErrVersionUnknown = errors.New("store: version unknown")
	ErrFailed         = errors.New("store: failed after an I/O error, restart the process")
	ErrClosed         = errors.New("store: closed")
	ErrEmptyTree      = errors.New("store: the tree is empty at this version, its root is 32 zero bytes and it holds no proof")
	ErrNothingStaged  = errors.New("store: nothing staged")
)

// DepthFor returns a bucket depth for a store expected to hold n keys: about
// eight keys per bucket, clamped to [12, 26]. Memory for the resident levels is
// about 70 bytes times 2^depth.
func DepthFor(expectedKeys int64) int {
	if expectedKeys <= 8 {
		return minBucketDepth
	}
	d := bits.Len64(uint64((expectedKeys+7)/8 - 1)) // ceil(log2(n/8))
	return min(max(d, minBucketDepth), maxBucketDepth)
}

func (o Options) withDefaults() (Options, error) {
	if o.FS == nil {
		o.FS = vfs.Default
	}
	if o.BucketDepth == 0 {
		o.BucketDepth = defaultBucketDepth
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = defaultCacheBytes
	}
	if o.MemTableBytes == 0 {
		o.MemTableBytes = defaultMemTableBytes
	}
	if o.BucketCacheBytes == 0 {
		o.BucketCacheBytes = defaultBucketCache
	}
	if o.ValueCacheBytes == 0 {
		o.ValueCacheBytes = defaultValueCache
	}
	if o.Logger == nil {
		o.Logger = func(string, ...any) {}
	}
	return o, nil
}

// pebbleOptions tunes Pebble for this store's write pattern: one large synced
// batch per block of mostly random keys, point reads of the flat index, short
// range scans of the leaf index, and history dropped by key range.
func pebbleOptions(o Options, cache *pebble.Cache) *pebble.Options {
	po := &pebble.Options{
		FS: o.FS,
		// Byte order with one twist: a leaf-index key's prefix is its bucket
		// (see keys.go), so bloom filters answer "has this table a leaf of
		// bucket b?" and bucket scans skip the tables that have none.
		Comparer: comparer,
		// Shared block cache: holds index/filter blocks and hot data blocks of the
		// flat and leaf indexes, which every read and every bucket rescan touch.
		Cache: cache,
		// A large memtable takes several blocks' batches before a flush, so
		// flushes are rarer and produce larger, better-sorted L0 files.
		MemTableSize: o.MemTableBytes,
		// Allow a few memtables to queue behind a running flush before writes
		// stall; commits come in bursts.
		MemTableStopWritesThreshold: 4,
		// Compact L0 into Lbase as soon as a few files pile up, so point reads and
		// bucket scans check few overlapping L0 files...
		L0CompactionThreshold: 4,
		// ...but only stop writes far later: a stall blocks the ABCI Commit, a
		// backlog of L0 files only slows reads a little for a while.
		L0StopWritesThreshold: 36,
		// A larger Lbase means fewer levels for the same data, so fewer files to
		// probe per read and less rewriting per byte.
		LBaseMaxBytes: 256 << 20,
		// Keys are hashed, so writes land everywhere; more than one compaction at
		// a time keeps L0 from backing up behind one long Lbase->L6 compaction.
		MaxConcurrentCompactions: func() int { return max(2, runtime.GOMAXPROCS(0)) },
		Logger:                   pebbleLogger{o.Logger},
		FormatMajorVersion:       pebble.FormatNewest,
	}
	// Leaves of one bucket share a prefix, which Pebble would otherwise take
	// for older versions of one key and move their values into separate value
	// blocks: a bucket scan would read a second block.
	po.Experimental.RequiredInPlaceValueBound = pebble.UserKeyPrefixBound{Lower: []byte{prefixLeaf}, Upper: []byte{prefixLeaf + 1}}
	po.Levels = make([]pebble.LevelOptions, 7)
	for i := range po.Levels {
		l := &po.Levels[i]
		// Bloom filters: most Gets on the write path (previous values) and most
		// flat-index reads of absent keys are answered without a data block read.
		l.FilterPolicy = bloom.FilterPolicy(10)
		l.FilterType = pebble.TableFilter
		// Small blocks suit point reads and the few-entry bucket scans.
		l.BlockSize = 4 << 10
		// Bigger files than the 2 MiB default: fewer files, smaller manifest,
		// cheaper delete-only compactions when pruned history is dropped.
		l.TargetFileSize = int64(8<<20) << min(i, 3)
	}
	po.EnsureDefaults()
	if testTweakPebble != nil {
		testTweakPebble(po)
	}
	return po
}

// testTweakPebble, set only by tests, adjusts Pebble's options before Open.
var testTweakPebble func(*pebble.Options)

// comparer is Pebble's byte-wise comparer with Split reporting K | bucket as
// the prefix of a leaf-index key and the whole key as the prefix of any other.
// Pebble records the name when the store is created and refuses to open the
// store with another comparer.
var comparer = func() *pebble.Comparer {
	c := *pebble.DefaultComparer
	c.Name = "corridor.leaf-bucket-prefix.v1"
	c.Split = func(k []byte) int {
		if len(k) >= leafPrefixLen && k[0] == prefixLeaf {
			return leafPrefixLen
		}
		return len(k)
	}
	// The smallest prefix key after a: the next bucket for a bucket prefix,
	// else a with a zero byte appended.
	c.ImmediateSuccessor = func(dst, a []byte) []byte {
		if len(a) == leafPrefixLen && a[0] == prefixLeaf {
			if b := binary.BigEndian.Uint32(a[1:]); b < math.MaxUint32 {
				return binary.BigEndian.AppendUint32(append(dst, prefixLeaf), b+1)
			}
			return append(dst, prefixLeaf+1)
		}
		return append(append(dst, a...), 0)
	}
	return &c
}()

// pebbleLogger forwards Pebble's log lines and turns its fatal errors (for
// example a failed WAL write inside Commit) into a panic that the store
// recovers and turns into the failed state, instead of exiting the process.
type pebbleLogger struct{ logf func(string, ...any) }

type pebbleFatal struct{ msg string }

func (l pebbleLogger) Infof(format string, args ...any) { l.logf(format, args...) }

func (l pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l.logf("pebble fatal: %s", msg)
	if onStoreCall() {
		panic(pebbleFatal{msg}) // recovered by the store call, which fails the store
	}
	fatalInBackground(msg)
}

// fatalInBackground handles a fatal Pebble error on one of Pebble's own
// goroutines (flush, compaction), where nothing can recover it: the process
// dies, as with Pebble's default logger, and restarts at the last commit.
// Tests replace it to end only that goroutine.
var fatalInBackground = func(msg string) { panic(pebbleFatal{msg}) }

const pkgPath = "github.com/landsea/corridor/store."

// onStoreCall reports whether the caller runs inside a call into the store's
// API (whose recoverFatal will catch a panic), not on a Pebble goroutine.
func onStoreCall() bool {
	pcs := make([]uintptr, 256)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, pkgPath) && !strings.HasPrefix(f.Function, pkgPath+"pebbleLogger") {
			return true
		}
		if !more {
			return false
		}
	}
}

// recoverFatal converts a panic raised inside Pebble on this goroutine into an
// error in *err: Pebble's fatal log lines (see pebbleLogger) and its direct
// panics on unrecoverable fsync errors. Pebble's own state may be broken after
// one, so the caller must fail the store, not retry.
func recoverFatal(err *error) {
	if r := recover(); r != nil {
		*err = panicError(r)
	}
}

func panicError(r any) error {
	switch r := r.(type) {
	case pebbleFatal:
		return errors.New("pebble: " + r.msg)
	case error:
		return fmt.Errorf("pebble panic: %w", r)
	default:
		return fmt.Errorf("pebble panic: %v", r)
	}
}
