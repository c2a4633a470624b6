package store

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand"
	"testing"
)

// BenchmarkCommit times blocks of 10,000 changes on an on-disk store that
// already holds 300,000 keys: "updates" changes existing keys (each needs its
// previous value for the undo record), "inserts" adds new keys (no previous
// value), in the same run. One op is one Stage and Commit; the figure to read
// is changes/s. Command: make bench-commit (docs/benchmarks.md).
func BenchmarkCommit(b *testing.B) {
	const prefill, block = 300_000, 10_000
	key := func(i int) []byte {
		h := sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i)))
		return h[:]
	}
	value := func(rng *rand.Rand) []byte {
		v := make([]byte, 100)
		rng.Read(v)
		return v
	}
	open := func(b *testing.B) (*Store, *rand.Rand) {
		b.Helper()
		s, err := Open(b.TempDir(), Options{BucketDepth: DepthFor(prefill)})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = s.Close() })
		rng := rand.New(rand.NewSource(1))
		for i := 0; i < prefill; i += block {
			cs := make([]Change, block)
			for j := range cs {
				cs[j] = Change{Key: key(i + j), Value: value(rng)}
			}
			mustCommit(b, s, cs)
		}
		return s, rng
	}
	run := func(b *testing.B, s *Store, next func() []Change) {
		b.Helper()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			cs := next()
			b.StartTimer()
			mustCommit(b, s, cs)
		}
		b.ReportMetric(float64(b.N*block)/b.Elapsed().Seconds(), "changes/s")
	}
	b.Run("updates", func(b *testing.B) {
		s, rng := open(b)
		run(b, s, func() []Change {
			cs := make([]Change, block)
			for j := range cs {
				cs[j] = Change{Key: key(rng.Intn(prefill)), Value: value(rng)}
			}
			return cs
		})
	})
	b.Run("inserts", func(b *testing.B) {
		s, rng := open(b)
		n := prefill
		run(b, s, func() []Change {
			cs := make([]Change, block)
			for j := range cs {
				cs[j] = Change{Key: key(n), Value: value(rng)}
				n++
			}
			return cs
		})
	})
}
