package store

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand"
	"testing"

	"github.com/cockroachdb/pebble/vfs"
)

// BenchmarkCommit times blocks of 10,000 changes on an on-disk store that
// already holds 300,000 keys: "updates" changes existing keys (each needs its
// previous value for the undo record), "inserts" adds new keys (no previous
// value), in the same run. One op is one Stage and Commit; the figure to read
// is changes/s. Command: make bench-commit (docs/benchmarks.md).
func BenchmarkCommit(b *testing.B) {
	const prefill, block = 300_000, 10_000
	// blockOf returns a block of changes to the keys keyAt gives, with random
	// 100-byte values.
	blockOf := func(rng *rand.Rand, keyAt func() []byte) []Change {
		cs := make([]Change, block)
		for j := range cs {
			k, v := keyAt(), make([]byte, 100)
			rng.Read(v)
			cs[j] = Change{Key: k, Value: v}
		}
		return cs
	}
	// run prefills a new store, then times b.N blocks of keyAt's keys.
	run := func(b *testing.B, keyAt func(rng *rand.Rand) []byte) {
		s, err := Open(b.TempDir(), Options{BucketDepth: DepthFor(prefill)})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		rng := rand.New(rand.NewSource(1))
		n := 0
		next := func() []byte { n++; return benchKey(n - 1) }
		for n < prefill {
			mustCommit(b, s, blockOf(rng, next))
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			cs := blockOf(rng, func() []byte { return keyAt(rng) })
			b.StartTimer()
			mustCommit(b, s, cs)
		}
		b.ReportMetric(float64(b.N*block)/b.Elapsed().Seconds(), "changes/s")
	}
	b.Run("updates", func(b *testing.B) {
		run(b, func(rng *rand.Rand) []byte { return benchKey(rng.Intn(prefill)) })
	})
	b.Run("inserts", func(b *testing.B) {
		n := prefill
		run(b, func(*rand.Rand) []byte { n++; return benchKey(n - 1) })
	})
}

// BenchmarkPrepareChanges times the first step of Stage on a block of 10,000
// changes to 32-byte keys: validating, hashing, sorting by hash and keeping
// the last change per key. Command in docs/benchmarks.md.
func BenchmarkPrepareChanges(b *testing.B) {
	cs := make([]Change, 10_000)
	for i := range cs {
		cs[i] = Change{Key: benchKey(i), Value: make([]byte, 100)}
	}
	for b.Loop() {
		if _, err := prepareChanges(cs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProof times existence proofs of random keys at the latest version
// of a compacted 100,000-key store in memory, so that building the proof, not
// reading blocks from disk, is what it measures. Command in docs/benchmarks.md.
func BenchmarkProof(b *testing.B) {
	const n = 100_000
	// A cache that holds the whole store (the tests' 8 MiB is all taken by
	// the memtables Pebble reserves in it).
	s, err := Open("db", Options{FS: vfs.NewMem(), BucketDepth: DepthFor(n), CacheBytes: 128 << 20, MemTableBytes: 4 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	keys := make([][]byte, n)
	for lo := 0; lo < n; lo += 10_000 {
		cs := make([]Change, 10_000)
		for j := range cs {
			k := benchKey(lo + j)
			keys[lo+j] = k
			cs[j] = Change{Key: k, Value: k}
		}
		mustCommit(b, s, cs)
	}
	// One compaction of everything, so that no background compaction runs
	// while the proofs are timed.
	if err := s.db.Compact([]byte{0}, []byte{0xff}, true); err != nil {
		b.Fatal(err)
	}
	v := s.LastCommit().Version
	rng := rand.New(rand.NewSource(1))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Proof(v, keys[rng.Intn(n)]); err != nil {
			b.Fatal(err)
		}
	}
}

// benchKey is the benchmarks' i-th key: 32 bytes, sha256 of i, as the store
// benchmark writes them.
func benchKey(i int) []byte {
	h := sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i)))
	return h[:]
}
