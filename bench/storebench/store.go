package main

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/landsea/corridor/store"
)

// RunStore writes, reads and proves with the corridor store.
func RunStore(cfg Config, res *Result) error {
	dir := filepath.Join(cfg.Dir, "store")
	s, err := openStore(cfg, dir)
	if err != nil {
		return err
	}
	defer s.Close()
	logf("store: bucket depth %d", s.Stats().BucketDepth)
	stop, err := startProfile(cfg)
	if err != nil {
		return err
	}
	defer stop()
	if err := storeWrites(cfg, s, dir, res); err != nil {
		return err
	}
	if err := settle("store", s.Flush, s.Compactions); err != nil {
		return err
	}
	if err := storeReads(cfg, s, res); err != nil {
		return err
	}
	if err := storeProofs(cfg, s, res); err != nil {
		return err
	}
	res.RSSMiB = rssMiB()
	return storePrune(cfg, s, dir, res)
}

// openStore opens (or creates) the store in dir with the run's bucket depth
// and block cache.
func openStore(cfg Config, dir string) (*store.Store, error) {
	return store.Open(dir, store.Options{BucketDepth: cfg.Depth, CacheBytes: cfg.CacheBytes, BucketCacheBytes: cfg.BucketCacheBytes,
		ValueCacheBytes: cfg.ValueCacheBytes, Logger: logf})
}

// BuildStore writes the run's keys into a new store in dir, lets Pebble
// settle and leaves the store there for ReadStore.
func BuildStore(cfg Config, dir string, res *Result) error {
	s, err := openStore(cfg, dir)
	if err != nil {
		return err
	}
	stop, err := startProfile(cfg)
	if err != nil {
		return errors.Join(err, s.Close())
	}
	err = storeWrites(cfg, s, dir, res)
	stop()
	if err == nil {
		err = settle("store", s.Flush, s.Compactions)
	}
	return errors.Join(err, s.Close())
}

// ReadStore opens the store BuildStore left in dir, with a cold block cache
// and the bucket cache the store warms once it opens, and times the same read
// passes and proofs as a full run. Reading one
// store again and again, or two stores in turn, leaves out what makes a full
// run's reads vary: the shape the writes happened to leave the LSM in.
func ReadStore(cfg Config, dir string, res *Result) error {
	s, err := openBuilt(cfg, dir, &res.OpenSeconds)
	if err != nil {
		return err
	}
	stop, err := startProfile(cfg)
	if err != nil {
		return errors.Join(err, s.Close())
	}
	defer stop()
	err = storeReads(cfg, s, res)
	if err == nil {
		err = storeProofs(cfg, s, res)
	}
	res.RSSMiB = rssMiB()
	return errors.Join(err, s.Close())
}

// openBuilt opens the store BuildStore left in dir, checks that it holds
// cfg.Keys keys and sets *seconds to how long opening took: the bucket
// and value caches' warm-ups included, unless cfg.BesideWarmUp.
func openBuilt(cfg Config, dir string, seconds *float64) (*store.Store, error) {
	start := time.Now()
	s, err := openStore(cfg, dir)
	if err != nil {
		return nil, err
	}
	opened := time.Since(start)
	*seconds = opened.Seconds()
	if !cfg.BesideWarmUp {
		s.WaitForWarmUp() // the bucket cache fills beside commits; time them with it full
		*seconds = time.Since(start).Seconds()
	}
	logf("store: Open returned in %.1fs; %.1fs until the timing starts", opened.Seconds(), *seconds)
	if n := s.Stats().Keys; n != cfg.Keys {
		return nil, errors.Join(fmt.Errorf("%s holds %d keys, not the %d of -keys", dir, n, cfg.Keys), s.Close())
	}
	return s, nil
}

// startProfile starts the CPU profile -cpuprofile asks for, if any, and
// returns the function that ends it.
func startProfile(cfg Config) (stop func(), err error) {
	if cfg.CPUProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(cfg.CPUProfile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// storeWrites writes the run's keys, one commit per batch, and times them.
func storeWrites(cfg Config, s *store.Store, dir string, res *Result) (err error) {
	res.StoreWPS, err = timedCommits(cfg, s, dir, "store write", func(i int64) store.Change {
		return store.Change{Key: key(i), Value: value(i, cfg.ValueBytes)}
	})
	return err
}

// timedCommits stages and commits cfg.Keys changes, change(0) to
// change(cfg.Keys-1), a batch per commit, logs where the time went and how
// many buckets were read, and returns the changes per second. dir holds s.
func timedCommits(cfg Config, s *store.Store, dir, name string, change func(i int64) store.Change) (float64, error) {
	p := newProgress(name, dir)
	var busy, staging, committing time.Duration
	var scans int64
	err := batches(cfg, func(lo, hi int64) error {
		cs := make([]store.Change, 0, hi-lo)
		for i := lo; i < hi; i++ {
			cs = append(cs, change(i))
		}
		start := time.Now()
		if _, err := s.Stage(cs, nil); err != nil {
			return err
		}
		if _, err := s.Commit(); err != nil {
			return err
		}
		busy += time.Since(start)
		st := s.Stats()
		scans += int64(st.LastScannedBuckets)
		staging += st.LastStageTime
		committing += st.LastCommitTime
		p.tick(hi, cfg.Keys)
		return nil
	})
	if err != nil {
		return 0, err
	}
	wps := float64(cfg.Keys) / busy.Seconds()
	commits := (cfg.Keys + int64(cfg.CommitEvery) - 1) / int64(cfg.CommitEvery)
	logf("%s: per commit on average, stage %v, write %v", name,
		(staging / time.Duration(commits)).Round(time.Microsecond), (committing / time.Duration(commits)).Round(time.Microsecond))
	st := s.Stats()
	logf("%s: %.0f writes/s; last commit: stage %v, write %v, %d bytes; buckets read from the leaf index: %d for %d writes (%.1f %%); bucket cache: %d buckets, %d MiB; value cache: %d values, %d MiB%s",
		name, wps, st.LastStageTime, st.LastCommitTime, st.LastBatchBytes, scans, cfg.Keys, 100*float64(scans)/float64(cfg.Keys),
		st.BucketCacheBuckets, st.BucketCacheBytes>>20, st.ValueCacheValues, st.ValueCacheBytes>>20, p.diskReads(cfg.Keys))
	return wps, nil
}

// UpdateStore opens the store BuildStore left in dir and times updates of
// random existing keys, cfg.Updates of them, a commit every cfg.CommitEvery:
// the commits of a node that has just restarted. It returns the updates per
// second and how long the store took to open.
func UpdateStore(cfg Config, dir string) (ups, openSeconds float64, err error) {
	s, err := openBuilt(cfg, dir, &openSeconds)
	if err != nil {
		return 0, 0, err
	}
	stop, err := startProfile(cfg)
	if err != nil {
		return 0, 0, errors.Join(err, s.Close())
	}
	defer stop()
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	updates := cfg
	updates.Keys = int64(cfg.Updates)
	ups, err = timedCommits(updates, s, dir, "store update", func(int64) store.Change {
		i := rng.Int63n(cfg.hotKeys())
		return store.Change{Key: key(i), Value: value(i+rng.Int63n(1<<40), cfg.ValueBytes)}
	})
	return ups, openSeconds, errors.Join(err, s.Close())
}

// parallel runs fn over idx split between cfg.Readers goroutines and returns
// the wall time.
func parallel(cfg Config, idx []int64, fn func(i int64) error) (time.Duration, error) {
	var wg sync.WaitGroup
	errs := make([]error, cfg.Readers)
	start := time.Now()
	for r := 0; r < cfg.Readers; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for j := r; j < len(idx) && errs[r] == nil; j += cfg.Readers {
				errs[r] = fn(idx[j])
			}
		}(r)
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}

// readKeys returns the keys of cfg.Reads random existing indexes (the same
// for every system, chosen by seed) and their positions, so that reads time
// only the reads.
func readKeys(cfg Config, seed int64) ([][]byte, []int64) {
	idx := randomIndexes(cfg.Reads, cfg.Keys, seed)
	keys := make([][]byte, len(idx))
	pos := make([]int64, len(idx))
	for j, i := range idx {
		keys[j], pos[j] = key(i), int64(j)
	}
	return keys, pos
}

func storeReads(cfg Config, s *store.Store, res *Result) error {
	return readPasses(cfg, "store", &res.StoreRPSCold, &res.StoreRPS, func(k []byte) error {
		v, err := s.Get(k)
		if err == nil && len(v) != cfg.ValueBytes {
			err = errors.New("read: wrong value")
		}
		return err
	})
}

func storeProofs(cfg Config, s *store.Store, res *Result) error {
	idx := randomIndexes(cfg.Proofs, cfg.Keys, 2)
	ci := s.LastCommit()
	sizes := make([]int, len(idx))
	pos := make([]int64, len(idx))
	for j := range pos {
		pos[j] = int64(j)
	}
	d, err := parallel(cfg, pos, func(j int64) error {
		p, err := s.Proof(ci.Version, key(idx[j]))
		if err != nil {
			return err
		}
		sizes[j] = p.Size()
		if j%1000 == 0 { // check a sample with the stock verifier
			// against the value the store holds: -update changes them
			v, err := s.Get(key(idx[j]))
			if err == nil && v == nil {
				err = fmt.Errorf("key %d absent", idx[j])
			}
			return errors.Join(err, store.VerifyMembership(ci.Root, p, key(idx[j]), v))
		}
		return nil
	})
	total := 0
	for _, n := range sizes {
		total += n
	}
	res.ProofsPS = float64(len(idx)) / d.Seconds()
	res.ProofBytes = float64(total) / float64(len(idx))
	logf("store proofs: %.0f proofs/s with %d goroutines, %.0f bytes each", res.ProofsPS, cfg.Readers, res.ProofBytes)
	return err
}

// settledBytes flushes the store and waits for Pebble to delete obsolete
// files, then returns the size of the store's directory.
func settledBytes(s *store.Store, dir string) (int64, error) {
	if err := s.Flush(); err != nil {
		return 0, err
	}
	time.Sleep(3 * time.Second)
	return dirBytes(dir), nil
}

func storePrune(cfg Config, s *store.Store, dir string, res *Result) error {
	before, err := settledBytes(s, dir)
	if err != nil {
		return err
	}
	res.DiskBytesPerKeyBeforePrune = float64(before) / float64(cfg.Keys)
	start := time.Now()
	if err := s.Prune(s.LastCommit().Version); err != nil {
		return err
	}
	pruned := time.Since(start)
	if err := s.CompactHistory(); err != nil {
		return err
	}
	compacted := time.Since(start)
	after, err := settledBytes(s, dir)
	if err != nil {
		return err
	}
	res.PruneFreedBytes = before - after
	res.DiskBytesPerKey = float64(after) / float64(cfg.Keys)
	logf("store prune: %v to drop all history, %v to compact it; disk %d -> %d bytes (Pebble counts %d), freed %d",
		pruned, compacted, before, after, s.DiskBytes(), res.PruneFreedBytes)
	logf("store pebble metrics after pruning:\n%s", s.PebbleMetrics())
	return nil
}

// settle flushes the memtable and waits until Pebble has run no compaction
// for two seconds, so that reads are measured on the LSM a node has once a
// burst of writes is behind it, not while the two cores are still compacting
// that burst. (Pebble's estimated debt is no use here: it stays above zero on
// an LSM that Pebble itself sees no reason to compact.) Both systems settle
// the same way; the wait is logged, not timed.
func settle(name string, flush func() error, compactions func() (int64, uint64)) error {
	start := time.Now()
	if err := flush(); err != nil {
		return err
	}
	idleSince := time.Now()
	for time.Since(idleSince) < 2*time.Second {
		if running, debt := compactions(); running > 0 {
			idleSince = time.Now()
			if time.Since(start) > settleLimit {
				logf("%s: still compacting after %v (%d running, %d bytes of debt); reading anyway", name, settleLimit, running, debt)
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	logf("%s: compactions settled in %.1fs", name, time.Since(start).Seconds()-2)
	return nil
}

const settleLimit = 20 * time.Minute

// readPasses times two passes of cfg.Reads random latest reads, each over its
// own random keys: the first starts with the block cache holding only what
// the writes and compactions left in it, the second finds it warmed by the
// first, as on a node that has been serving reads for a while.
func readPasses(cfg Config, name string, cold, warm *float64, get func(k []byte) error) error {
	for pass, out := range []*float64{cold, warm} {
		keys, pos := readKeys(cfg, int64(1+2*pass)) // seed 2 is the proofs'
		d, err := parallel(cfg, pos, func(j int64) error { return get(keys[j]) })
		if err != nil {
			return err
		}
		*out = float64(len(pos)) / d.Seconds()
		logf("%s read (%s cache): %.0f reads/s with %d readers", name, []string{"cold", "warm"}[pass], *out, cfg.Readers)
	}
	return nil
}
