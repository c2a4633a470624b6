package node

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble"
)

// The access-event benchmarks (make bench-access; docs/benchmarks.md,
// "Access events"). Each read of another member's record writes one event
// to the outbox with a synced commit before the data is sent, so the
// outbox's synced write rate bounds the node's read rate. The baseline is
// raw Pebble: one synced Set of the same bytes per event, at the same
// concurrency, on the same disk, in the same run.

// benchReaders are the concurrent readers the benchmarks model.
var benchReaders = []int{1, 16, 64}

// BenchmarkOutboxRecord measures events/s into the outbox: dedupe lookup,
// a two-key batch, synced commit.
func BenchmarkOutboxRecord(b *testing.B) {
	for _, readers := range benchReaders {
		b.Run(fmt.Sprintf("readers=%d", readers), func(b *testing.B) {
			o := openOutbox(b, b.TempDir())
			defer o.Close()
			ev := testEvent(0)
			var n atomic.Uint64
			runParallel(b, readers, func() {
				e := *ev
				id := sha256.Sum256(binary.BigEndian.AppendUint64(nil, n.Add(1)))
				e.Id = id[:]
				if err := o.Record(&e); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkPebbleSyncedSet is the baseline: one synced Set per event of
// the same encoded size, on a default Pebble.
func BenchmarkPebbleSyncedSet(b *testing.B) {
	value, err := testEvent(0).Marshal()
	if err != nil {
		b.Fatal(err)
	}
	for _, readers := range benchReaders {
		b.Run(fmt.Sprintf("readers=%d", readers), func(b *testing.B) {
			db, err := pebble.Open(b.TempDir(), &pebble.Options{Logger: quietPebble{}})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			var n atomic.Uint64
			runParallel(b, readers, func() {
				if err := db.Set(binary.BigEndian.AppendUint64([]byte{'e'}, n.Add(1)), value, pebble.Sync); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// runParallel runs op b.N times from readers goroutines and reports
// events/s.
func runParallel(b *testing.B, readers int, op func()) {
	b.SetParallelism(max(1, readers/max(1, runtimeProcs())))
	b.ResetTimer()
	if readers == 1 {
		for i := 0; i < b.N; i++ {
			op()
		}
	} else {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				op()
			}
		})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
