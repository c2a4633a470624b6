package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
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
	cacheMiB := flag.Int64("cache-mib", 0, "Pebble block cache in MiB for the store and raw Pebble (default: 256, or 100 bytes per key up to 1024)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the store phase to this file")
	flag.Parse()
	cfg.CPUProfile = *cpuProfile
	cfg.CacheBytes = *cacheMiB << 20
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
	if err := run(cfg); err != nil {
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
	logf("storebench: %d keys, %d-byte values, commit every %d, in %s, GOMAXPROCS %d, block cache %d MiB, GOGC %d",
		cfg.Keys, cfg.ValueBytes, cfg.CommitEvery, cfg.Dir, runtime.GOMAXPROCS(0), cfg.CacheBytes>>20, gcPercent())
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
	fmt.Printf("RESULT keys=%d store_wps=%.0f pebble_wps=%.0f iavl_wps=%s store_rps=%.0f proofs_ps=%.0f proof_bytes=%.0f rss_mib=%.0f disk_bytes_per_key=%.1f store_rps_cold=%.0f pebble_rps=%.0f pebble_rps_cold=%.0f\n",
		cfg.Keys, res.StoreWPS, res.PebbleWPS, iavlWPS, res.StoreRPS, res.ProofsPS, res.ProofBytes, res.RSSMiB, res.DiskBytesPerKey,
		res.StoreRPSCold, res.PebbleRPS, res.PebbleRPSCold)
	return nil
}

// gcPercent returns the current GOGC setting.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}
