package main

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is one benchmark run.
type Config struct {
	Keys        int64 // keys written
	CommitEvery int   // writes per commit
	ValueBytes  int   // value size
	Reads       int   // random latest reads measured
	Updates     int   // -update: updates of random existing keys measured
	HotKeys     int64 // -update: only keys 0..HotKeys-1 change (0: any key)
	// BesideWarmUp: -update commits as soon as Open returns, beside the
	// bucket cache's warm-up, as a node does, instead of waiting for it.
	BesideWarmUp bool
	Proofs       int    // proofs generated
	Readers      int    // goroutines for reads and proofs
	Dir          string // scratch directory, removed afterwards
	SkipIAVL     bool
	Proto        bool // compare the bucketed design with persisting every inner node
	Slots        bool // time the prototype that keeps bucket leaves in a page file
	PageBuckets  int  // -slots: buckets per page, a power of two (default: about 195 leaves per page once full)
	SlotsMmap    bool // -slots: map the page file instead of pread and pwrite
	CPUProfile   string
	CacheBytes   int64 // Pebble block cache of the store and of raw Pebble
	Depth        int   // the store's bucket depth
	// BucketCacheBytes is the store's bucket cache (store.Options):
	// negative for none.
	BucketCacheBytes int64
	// ValueCacheBytes is the store's value cache (store.Options): negative
	// for none.
	ValueCacheBytes int64
}

// bucketCacheMiB is the bucket cache the run's lines name: 0 for none.
func (c Config) bucketCacheMiB() int64 { return max(c.BucketCacheBytes>>20, 0) }

// valueCacheMiB is the value cache the run's lines name: 0 for none.
func (c Config) valueCacheMiB() int64 { return max(c.ValueCacheBytes>>20, 0) }

// hotKeys is the number of keys -update changes: the first HotKeys, or all.
func (c Config) hotKeys() int64 {
	if c.HotKeys == 0 {
		return c.Keys
	}
	return c.HotKeys
}

// cacheFor is the default block cache for a run of n keys: 256 MiB, or 100
// bytes per key up to 1 GiB. The index and filter blocks of a large store
// (about 10 bytes per key) must stay cached; beyond that, a node holding 10
// million records on a machine like this one would give the cache 1 GiB,
// which holds much of the leaf index that bucket scans and proofs read. At
// 100M keys the 1 GiB cap keeps the process under its 4 GiB budget.
func cacheFor(n int64) int64 {
	return min(max(256<<20, 100*n), 1<<30)
}

// bucketCacheFor is the store's default bucket cache for a run of n keys: 64
// bytes per key, at least the store's own default of 256 MiB and at most 640
// MiB, which holds every bucket of a 10M-key store (about 400 MiB counted,
// 40 bytes per key). Above 20M keys, none: the 100M run's 4 GiB budget is
// taken by the resident tree, the block cache and the memtables (3.5 GiB at
// its peak before the cache existed), and a cache in what is left would
// hold about a tenth of 100M keys' buckets (some 4 GB of entries) and spare
// about a tenth of their reads.
func bucketCacheFor(n int64) int64 {
	if n > 20_000_000 {
		return -1
	}
	return min(max(256<<20, 64*n), 640<<20)
}

// valueCacheFor is the store's default value cache for a run of n keys: 170
// bytes per key, which holds every value the run writes (the key, the value
// and 37 bytes of entry), at least the store's own default of 128 MiB. Above
// 20M keys, none, for the reason bucketCacheFor gives: at 100M the values
// would need 16 GiB, and the 4 GiB budget is spent.
func valueCacheFor(n int64) int64 {
	if n > 20_000_000 {
		return -1
	}
	return max(128<<20, 170*n)
}

// Result is what a run measured.
type Result struct {
	StoreWPS, PebbleWPS, IAVLWPS float64
	StoreRPS                     float64 // reads with a warm cache
	StoreRPSCold                 float64 // reads with the cache the writes left
	PebbleRPS, PebbleRPSCold     float64 // the same reads on raw Pebble
	ProofsPS                     float64
	ProofBytes                   float64
	RSSMiB                       float64
	OpenSeconds                  float64 // -read: opening the store, the caches' warm-ups included
	DiskBytesPerKey              float64
	DiskBytesPerKeyBeforePrune   float64
	PruneFreedBytes              int64
	IAVLSkipped                  bool
}

// key returns the i-th key: 32 hashed bytes, so writes land all over the key space.
func key(i int64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	h := sha256.Sum256(b[:])
	return h[:]
}

// value returns the i-th value: n bytes of cheap pseudo-random data.
func value(i int64, n int) []byte {
	v := make([]byte, n+8)
	x := uint64(i)*0x9E3779B97F4A7C15 + 1
	for j := 0; j < n; j += 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		binary.LittleEndian.PutUint64(v[j:], x)
	}
	return v[:n]
}

// batches calls fn with consecutive batches of key indexes [lo, hi).
func batches(cfg Config, fn func(lo, hi int64) error) error {
	for lo := int64(0); lo < cfg.Keys; lo += int64(cfg.CommitEvery) {
		if err := fn(lo, min(lo+int64(cfg.CommitEvery), cfg.Keys)); err != nil {
			return err
		}
	}
	return nil
}

// progress logs at most every 10 seconds.
type progress struct {
	name  string
	start time.Time
	last  time.Time
	disk  *diskCounter // nil where the kernel counts no reads for dir's device
	// diskOps and diskBytes are the device's reads when the phase started.
	diskOps, diskBytes int64
}

// newProgress starts the progress lines of a phase whose files are in dir.
func newProgress(name, dir string) *progress {
	now := time.Now()
	p := &progress{name: name, start: now, last: now, disk: newDiskCounter(dir)}
	p.diskOps, p.diskBytes, _ = p.disk.reads()
	return p
}

func (p *progress) tick(done, total int64) {
	if time.Since(p.last) < 10*time.Second {
		return
	}
	p.last = time.Now()
	el := time.Since(p.start).Seconds()
	logf("%s: %d/%d (%.0f%%), %.0f/s, rss %.0f MiB%s", p.name, done, total, 100*float64(done)/float64(total), float64(done)/el, rssMiB(), p.diskReads(done))
}

// diskReads describes the reads that reached dir's device since the phase
// started, per change, or says nothing if they are not counted.
func (p *progress) diskReads(done int64) string {
	ops, bytes, ok := p.disk.reads()
	if !ok || done == 0 {
		return ""
	}
	ops, bytes = ops-p.diskOps, bytes-p.diskBytes
	return fmt.Sprintf(", disk reads %d (%.2f per write, %d MiB)", ops, float64(ops)/float64(done), bytes>>20)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

// rssMiB returns the peak resident set size of the process so far.
func rssMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(line[6:]), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

func dirBytes(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// randomIndexes returns n random key indexes below keys.
func randomIndexes(n int, keys int64, seed int64) []int64 {
	rng := rand.New(rand.NewSource(seed))
	out := make([]int64, n)
	for i := range out {
		out[i] = rng.Int63n(keys)
	}
	return out
}

// removeContents empties dir, keeping dir itself.
func removeContents(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
