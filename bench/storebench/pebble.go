package main

import (
	"errors"
	"path/filepath"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
)

// RunPebble writes the same keys and values straight into Pebble, one synced
// batch per commit: the floor any store on Pebble pays.
func RunPebble(cfg Config, res *Result) error {
	cache := pebble.NewCache(cfg.CacheBytes)
	defer cache.Unref()
	opts := &pebble.Options{Cache: cache, MemTableSize: 64 << 20, MaxConcurrentCompactions: func() int { return 2 }}
	opts.Levels = []pebble.LevelOptions{{FilterPolicy: bloom.FilterPolicy(10)}}
	db, err := pebble.Open(filepath.Join(cfg.Dir, "pebble"), opts)
	if err != nil {
		return err
	}
	defer db.Close()
	p := newProgress("pebble write", cfg.Dir)
	var busy time.Duration
	err = batches(cfg, func(lo, hi int64) error {
		ks, vs := make([][]byte, 0, hi-lo), make([][]byte, 0, hi-lo)
		for i := lo; i < hi; i++ {
			ks, vs = append(ks, key(i)), append(vs, value(i, cfg.ValueBytes))
		}
		start := time.Now()
		b := db.NewBatch()
		for j := range ks {
			if err := b.Set(ks[j], vs[j], nil); err != nil {
				return err
			}
		}
		if err := b.Commit(pebble.Sync); err != nil {
			return err
		}
		busy += time.Since(start)
		p.tick(hi, cfg.Keys)
		return b.Close()
	})
	res.PebbleWPS = float64(cfg.Keys) / busy.Seconds()
	logf("pebble write: %.0f writes/s", res.PebbleWPS)
	if err != nil {
		return err
	}
	compactions := func() (int64, uint64) {
		m := db.Metrics()
		return m.Compact.NumInProgress, m.Compact.EstimatedDebt
	}
	if err := settle("pebble", db.Flush, compactions); err != nil {
		return err
	}
	return pebbleReads(cfg, db, res)
}

// pebbleReads measures random Gets on the raw Pebble database, the baseline
// for the store's reads: Pebble's own Get, as an application would call it.
func pebbleReads(cfg Config, db *pebble.DB, res *Result) error {
	return readPasses(cfg, "pebble", &res.PebbleRPSCold, &res.PebbleRPS, func(k []byte) error {
		v, closer, err := db.Get(k)
		if err != nil {
			return err
		}
		if len(v) != cfg.ValueBytes {
			err = errors.New("pebble read: wrong value")
		}
		return errors.Join(err, closer.Close())
	})
}
