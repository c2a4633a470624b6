package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/bits"
	"path/filepath"
	"sort"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
	"github.com/landsea/corridor/store"
)

// RunProto is the quick design comparison recorded in docs/store.md: the
// store (upper levels resident, buckets rehashed from the leaf index) against
// a prototype that persists every inner node by path in Pebble, as a
// node-per-key tree does. Both write the same flat and leaf indexes; the
// prototype reads each sibling it needs from Pebble and writes every changed
// node. Only write throughput is compared.
func RunProto(cfg Config) error {
	storeCfg := cfg
	var res Result
	s, err := store.Open(filepath.Join(cfg.Dir, "proto-store"), store.Options{BucketDepth: store.DepthFor(cfg.Keys)})
	if err != nil {
		return err
	}
	start := time.Now()
	err = batches(storeCfg, func(lo, hi int64) error {
		cs := make([]store.Change, 0, hi-lo)
		for i := lo; i < hi; i++ {
			cs = append(cs, store.Change{Key: key(i), Value: value(i, cfg.ValueBytes)})
		}
		if _, err := s.Stage(cs, nil); err != nil {
			return err
		}
		_, err := s.Commit()
		return err
	})
	res.StoreWPS = float64(cfg.Keys) / time.Since(start).Seconds()
	if err := errors.Join(err, s.Close()); err != nil {
		return err
	}
	logf("proto: bucketed store %.0f writes/s", res.StoreWPS)
	pathWPS, err := runPathTree(cfg)
	if err != nil {
		return err
	}
	logf("proto: nodes persisted by path %.0f writes/s", pathWPS)
	return nil
}

// runPathTree writes the keys into a binary tree of height ceil(log2 N)+1
// whose every node is a Pebble entry P|level|index -> hash.
func runPathTree(cfg Config) (float64, error) {
	cache := pebble.NewCache(256 << 20)
	defer cache.Unref()
	opts := &pebble.Options{Cache: cache, MemTableSize: 64 << 20, MaxConcurrentCompactions: func() int { return 2 }}
	opts.Levels = []pebble.LevelOptions{{FilterPolicy: bloom.FilterPolicy(10)}}
	db, err := pebble.Open(filepath.Join(cfg.Dir, "proto-path"), opts)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	height := bits.Len64(uint64(cfg.Keys)) + 1
	start := time.Now()
	err = batches(cfg, func(lo, hi int64) error {
		b := db.NewBatch()
		defer b.Close()
		var idx []uint64
		level := map[uint64][32]byte{}
		for i := lo; i < hi; i++ {
			k, v := key(i), value(i, cfg.ValueBytes)
			kh, vh := sha256.Sum256(k), sha256.Sum256(v)
			_ = b.Set(append([]byte{'L'}, k...), v, nil)
			_ = b.Set(append([]byte{'K'}, kh[:]...), append(vh[:], k...), nil)
			n := binary.BigEndian.Uint64(kh[:8]) >> (64 - height)
			level[n] = sha256.Sum256(append(append([]byte{0}, kh[:]...), vh[:]...))
			idx = append(idx, n)
		}
		for h := height; h > 0; h-- {
			next, err := pathLevel(db, b, h, idx, level)
			if err != nil {
				return err
			}
			idx, level = nil, next
			for p := range next {
				idx = append(idx, p)
			}
		}
		return b.Commit(pebble.Sync)
	})
	return float64(cfg.Keys) / time.Since(start).Seconds(), err
}

// pathLevel writes the changed nodes of level h and returns their parents.
func pathLevel(db *pebble.DB, b *pebble.Batch, h int, idx []uint64, level map[uint64][32]byte) (map[uint64][32]byte, error) {
	sort.Slice(idx, func(i, j int) bool { return idx[i] < idx[j] })
	parents := map[uint64][32]byte{}
	for _, i := range idx {
		p := i >> 1
		if _, done := parents[p]; done {
			continue
		}
		var kids [2][32]byte
		for c := uint64(0); c < 2; c++ {
			h2, ok := level[2*p+c]
			if !ok {
				v, closer, err := db.Get(pathKey(h, 2*p+c))
				if err != nil && !errors.Is(err, pebble.ErrNotFound) {
					return nil, err
				}
				if err == nil {
					copy(h2[:], v)
					closer.Close()
				}
			}
			kids[c] = h2
		}
		for c := uint64(0); c < 2; c++ {
			if h2, ok := level[2*p+c]; ok {
				_ = b.Set(pathKey(h, 2*p+c), h2[:], nil)
			}
		}
		parents[p] = sha256.Sum256(bytes.Join([][]byte{{1}, kids[0][:], kids[1][:]}, nil))
	}
	return parents, nil
}

func pathKey(h int, i uint64) []byte {
	k := []byte{'P', byte(h)}
	return binary.BigEndian.AppendUint64(k, i)
}
