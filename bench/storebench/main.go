package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/landsea/corridor/store"
)

func main() {
	cfg := Config{CommitEvery: 10_000, ValueBytes: 100}
	flag.Int64Var(&cfg.Keys, "keys", 1_000_000, "keys to write")
	flag.IntVar(&cfg.Reads, "reads", 1_000_000, "random latest reads to measure")
	flag.IntVar(&cfg.Proofs, "proofs", 200_000, "proofs to generate")
	flag.IntVar(&cfg.Readers, "readers", runtime.GOMAXPROCS(0), "goroutines for reads and proofs")
	flag.StringVar(&cfg.Dir, "dir", "", "scratch directory (default: a new temporary directory)")
	flag.BoolVar(&cfg.SkipIAVL, "skip-iavl", false, "skip IAVL (always skipped above 10M keys)")
	flag.BoolVar(&cfg.Proto, "proto", false, "run only the design prototype comparison")
	flag.IntVar(&cfg.PageBuckets, "page-buckets", 0, "-slots: buckets per 8 KiB page, a power of two (default: about 195 leaves per page once all keys are written)")
	flag.BoolVar(&cfg.SlotsMmap, "slots-mmap", false, "-slots: map the page file into memory instead of reading and writing it with pread and pwrite (its pages then count in the RSS)")
	flag.BoolVar(&cfg.Slots, "slots", false, "run only the prototype that keeps bucket leaves in a file of pages (docs/store.md, \"Known gaps\")")
	cacheMiB := flag.Int64("cache-mib", 0, "Pebble block cache in MiB for the store and raw Pebble (default: 256, or 100 bytes per key up to 1024)")
	bucketCacheMiB := flag.Int64("bucket-cache-mib", 0, "the store's bucket cache in MiB (default: 64 bytes per key, from 256 to 640, none above 20M keys; negative: none)")
	valueCacheMiB := flag.Int64("value-cache-mib", 0, "the store's value cache in MiB (default: 170 bytes per key, at least 128, which holds every value written; none above 20M keys; negative: none)")
	flag.IntVar(&cfg.Depth, "depth", 0, "the store's bucket depth (default: store.DepthFor(keys), about eight keys per bucket)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the store phase (or of the writes of -build, or of -read or -update after the store opened) to this file")
	build := flag.String("build", "", "only write the store into this new directory and keep it there")
	read := flag.String("read", "", "only time reads and proofs on the store -build left in this directory (same -keys)")
	disk := flag.String("disk", "", "only measure random 4 KiB reads from the disk that holds this directory, past the OS page cache, with 1 to 32 in flight (writes a 4 GiB file there and removes it)")
	update := flag.String("update", "", "only time -updates updates of random existing keys on the store -build left in this directory (same -keys)")
	flag.IntVar(&cfg.Updates, "updates", 1_000_000, "updates that -update times")
	flag.BoolVar(&cfg.BesideWarmUp, "beside-warm-up", false, "-update commits as soon as the store opens, beside the caches' warm-ups, as a node does (default: once they are done); open_s is then the time Open took")
	flag.Int64Var(&cfg.HotKeys, "hot-keys", 0, "-update changes only the first N keys the build wrote, a hot set spread over the buckets (default: any key)")
	flag.Parse()
	for _, f := range []struct {
		name string
		n    int64
	}{{"-keys", cfg.Keys}, {"-reads", int64(cfg.Reads)}, {"-proofs", int64(cfg.Proofs)}, {"-readers", int64(cfg.Readers)}, {"-updates", int64(cfg.Updates)}} {
		if f.n < 1 {
			fmt.Fprintf(os.Stderr, "storebench: %s %d: give at least 1\n", f.name, f.n)
			os.Exit(2)
		}
	}
	if cfg.Depth == 0 {
		cfg.Depth = store.DepthFor(cfg.Keys)
	}
	cfg.CPUProfile = *cpuProfile
	cfg.CacheBytes = *cacheMiB << 20
	cfg.BucketCacheBytes = *bucketCacheMiB << 20
	if cfg.BucketCacheBytes == 0 {
		cfg.BucketCacheBytes = bucketCacheFor(cfg.Keys)
	}
	cfg.ValueCacheBytes = *valueCacheMiB << 20
	if cfg.ValueCacheBytes == 0 {
		cfg.ValueCacheBytes = valueCacheFor(cfg.Keys)
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = cacheFor(cfg.Keys)
	}
	// The store's resident tree is one large pointer-free allocation (1.1 GiB
	// at 100M keys). Go counts it as live heap and by default lets garbage
	// grow to as much again before collecting; marking it costs nothing, so a
	// lower GOGC keeps the process small for almost no CPU. A GOGC in the
	// environment wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
	modes := 0
	for _, m := range []string{*build, *read, *update, *disk} {
		if m != "" {
			modes++
		}
	}
	var err error
	switch {
	case modes > 1:
		err = errors.New("-build, -read, -update and -disk: give one of them")
	case cfg.BesideWarmUp && *update == "":
		err = errors.New("-beside-warm-up goes with -update")
	case cfg.HotKeys < 0 || cfg.HotKeys > cfg.Keys:
		err = fmt.Errorf("-hot-keys %d: want 0 (any key) or at most -keys (%d)", cfg.HotKeys, cfg.Keys)
	case *disk != "":
		err = diskProbe(*disk)
	case *update != "":
		err = updateOnly(cfg, *update)
	case *build != "":
		err = buildOnly(cfg, *build)
	case *read != "":
		err = readOnly(cfg, *read)
	default:
		err = run(cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "storebench:", err)
		os.Exit(1)
	}
}

func run(cfg Config) error {
	if cfg.Dir == "" {
		d, err := os.MkdirTemp("", "storebench-")
		if err != nil {
			return err
		}
		cfg.Dir = d
	}
	defer os.RemoveAll(cfg.Dir)
	if cfg.Proto {
		return RunProto(cfg)
	}
	if cfg.Slots {
		return RunSlots(cfg)
	}
	logf("storebench: %d keys, %d-byte values, commit every %d, in %s, GOMAXPROCS %d, block cache %d MiB, bucket cache %d MiB, value cache %d MiB, GOGC %d",
		cfg.Keys, cfg.ValueBytes, cfg.CommitEvery, cfg.Dir, runtime.GOMAXPROCS(0), cfg.CacheBytes>>20, cfg.bucketCacheMiB(), cfg.valueCacheMiB(), gcPercent())
	var res Result
	steps := []func(Config, *Result) error{RunStore, RunPebble}
	res.IAVLSkipped = cfg.SkipIAVL || cfg.Keys > 10_000_000
	if !res.IAVLSkipped {
		steps = append(steps, RunIAVL)
	}
	for _, step := range steps {
		if err := step(cfg, &res); err != nil {
			return err
		}
		// Each system's files go before the next runs: disk space, and the
		// next one starts without the previous one's files in the page cache.
		if err := removeContents(cfg.Dir); err != nil {
			return err
		}
	}
	logf("store disk: %.1f bytes/key with all history, %.1f after pruning it; prune freed %d bytes",
		res.DiskBytesPerKeyBeforePrune, res.DiskBytesPerKey, res.PruneFreedBytes)
	iavlWPS := fmt.Sprintf("%.0f", res.IAVLWPS)
	if res.IAVLSkipped {
		iavlWPS = "skipped"
	}
	fmt.Printf("RESULT keys=%d store_wps=%.0f pebble_wps=%.0f iavl_wps=%s store_rps=%.0f proofs_ps=%.0f proof_bytes=%.0f rss_mib=%.0f disk_bytes_per_key=%.1f store_rps_cold=%.0f pebble_rps=%.0f pebble_rps_cold=%.0f bucket_depth=%d bucket_cache_mib=%d value_cache_mib=%d\n",
		cfg.Keys, res.StoreWPS, res.PebbleWPS, iavlWPS, res.StoreRPS, res.ProofsPS, res.ProofBytes, res.RSSMiB, res.DiskBytesPerKey,
		res.StoreRPSCold, res.PebbleRPS, res.PebbleRPSCold, cfg.Depth, cfg.bucketCacheMiB(), cfg.valueCacheMiB())
	return nil
}

// buildOnly writes the store into dir (which must not hold one) and keeps it.
func buildOnly(cfg Config, dir string) error {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("%s is not empty: -build writes a new store", dir)
	}
	logf("storebench: building a store of %d keys in %s, block cache %d MiB, bucket cache %d MiB, GOGC %d", cfg.Keys, dir, cfg.CacheBytes>>20, cfg.bucketCacheMiB(), gcPercent())
	var res Result
	if err := BuildStore(cfg, dir, &res); err != nil {
		return err
	}
	fmt.Printf("BUILD keys=%d store_wps=%.0f bucket_depth=%d bucket_cache_mib=%d dir=%s\n", cfg.Keys, res.StoreWPS, cfg.Depth, cfg.bucketCacheMiB(), dir)
	return nil
}

// readOnly times reads and proofs on the store buildOnly left in dir.
func readOnly(cfg Config, dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("no store to read: %w", err)
	}
	logf("storebench: reading the store of %d keys in %s, block cache %d MiB, bucket cache %d MiB (warmed from the leaf index once the store opens), value cache %d MiB (warmed from the flat index after it), GOGC %d", cfg.Keys, dir, cfg.CacheBytes>>20, cfg.bucketCacheMiB(), cfg.valueCacheMiB(), gcPercent())
	var res Result
	if err := ReadStore(cfg, dir, &res); err != nil {
		return err
	}
	fmt.Printf("READ keys=%d store_rps=%.0f store_rps_cold=%.0f proofs_ps=%.0f proof_bytes=%.0f rss_mib=%.0f open_s=%.1f dir=%s\n",
		cfg.Keys, res.StoreRPS, res.StoreRPSCold, res.ProofsPS, res.ProofBytes, res.RSSMiB, res.OpenSeconds, dir)
	return nil
}

// updateOnly times updates on the store buildOnly left in dir (and leaves
// them there: the store keeps its keys, with new values and more history).
func updateOnly(cfg Config, dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("no store to update: %w", err)
	}
	logf("storebench: updating %d random keys (of the first %d) of the store of %d keys in %s, block cache %d MiB, bucket cache %d MiB, GOGC %d", cfg.Updates, cfg.hotKeys(), cfg.Keys, dir, cfg.CacheBytes>>20, cfg.bucketCacheMiB(), gcPercent())
	ups, openSeconds, err := UpdateStore(cfg, dir)
	if err != nil {
		return err
	}
	fmt.Printf("UPDATE keys=%d updates=%d hot_keys=%d store_ups=%.0f open_s=%.1f beside_warm_up=%t bucket_cache_mib=%d dir=%s\n", cfg.Keys, cfg.Updates, cfg.hotKeys(), ups, openSeconds, cfg.BesideWarmUp, cfg.bucketCacheMiB(), dir)
	return nil
}

// gcPercent returns the current GOGC setting.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}
