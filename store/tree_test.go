package store

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"math/rand"
	"reflect"
	"runtime"
	"slices"
	"testing"
)

// TestPropagateMatchesRebuild checks the copy-on-write propagation of changed
// buckets against rebuilding the whole tree, for contiguous and random change
// sets, large and small.
func TestPropagateMatchesRebuild(t *testing.T) {
	const depth = 14
	rng := rand.New(rand.NewSource(7))
	randomNode := func() node {
		switch rng.Intn(4) {
		case 0:
			return node{}
		case 1:
			return node{h: sha256.Sum256(binary.BigEndian.AppendUint64(nil, rng.Uint64())), single: true}
		default:
			return node{h: sha256.Sum256(binary.BigEndian.AppendUint64(nil, rng.Uint64()))}
		}
	}
	base := newResident(depth)
	for i := range base.levels[depth] {
		base.levels[depth][i] = randomNode()
	}
	base.rebuild()

	contiguous := func(first, n int) []uint64 {
		var idx []uint64
		for i := first; i < first+n; i++ {
			idx = append(idx, uint64(i))
		}
		return idx
	}
	random := func(n int) []uint64 {
		var idx []uint64
		for _, p := range rng.Perm(1 << depth)[:n] {
			idx = append(idx, uint64(p))
		}
		slices.Sort(idx)
		return idx
	}
	// A slice, not a map: the random draws below come in the same order on
	// every run, so a failure can be reproduced.
	cases := []struct {
		name string
		idx  []uint64
	}{
		{"contiguous", contiguous(1, 5000)},
		{"random large", random(9000)},
		{"random small", random(300)},
		{"all", contiguous(0, 1<<depth)},
	}
	for _, tc := range cases {
		name, idx := tc.name, tc.idx
		var buckets levelDelta
		for _, i := range idx {
			n := randomNode()
			if n != base.node(depth, i) {
				buckets = append(buckets, nodeChange{idx: i, old: base.node(depth, i), new: n})
			}
		}
		want := clone(base)
		for _, c := range buckets {
			want.levels[depth][c.idx] = c.new
		}
		want.rebuild()

		// One goroutine, then the buckets cut into 2, 4 and 8 parts, each
		// hashed on its own goroutine: the same deltas, in the same order.
		var serial []levelDelta
		for _, procs := range []int{1, 2, 4, 8} {
			got := propagateWith(t, procs, base, buckets)
			for d, ld := range got {
				if !slices.IsSortedFunc(ld, func(a, b nodeChange) int { return cmp.Compare(a.idx, b.idx) }) {
					t.Fatalf("%s, %d procs: level %d's delta is not sorted", name, procs, d)
				}
			}
			next := clone(base)
			next.apply(got)
			for d := range want.levels {
				if !reflect.DeepEqual(next.levels[d], want.levels[d]) {
					t.Fatalf("%s, %d procs: level %d differs from a full rebuild", name, procs, d)
				}
			}
			if serial == nil {
				serial = got
			} else if !reflect.DeepEqual(got, serial) {
				t.Fatalf("%s: %d procs give other deltas than one", name, procs)
			}
		}
	}
}

// propagateWith runs propagate with GOMAXPROCS procs, on several goroutines
// whenever procs > 1, however few the changes.
func propagateWith(t *testing.T, procs int, base *resident, buckets levelDelta) []levelDelta {
	prevProcs, prevMin := runtime.GOMAXPROCS(procs), propagateParallelMin
	propagateParallelMin = 1
	defer func() { runtime.GOMAXPROCS(prevProcs); propagateParallelMin = prevMin }()
	if k, want := propagateSplit(len(buckets), base.depth), bits.Len(uint(procs))-1; len(buckets) > 0 && k != want {
		t.Fatalf("%d procs: split at level %d, want %d", procs, k, want)
	}
	return propagate(base, buckets)
}

func clone(r *resident) *resident {
	c := newResident(r.depth)
	for d := range r.levels {
		copy(c.levels[d], r.levels[d])
	}
	return c
}
