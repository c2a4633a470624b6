package store

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand"
	"reflect"
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
		got := propagate(base, buckets)

		want := clone(base)
		for _, c := range buckets {
			want.levels[depth][c.idx] = c.new
		}
		want.rebuild()
		next := clone(base)
		next.apply(got)
		for d := range want.levels {
			if !reflect.DeepEqual(next.levels[d], want.levels[d]) {
				t.Fatalf("%s: level %d differs from a full rebuild", name, d)
			}
		}
	}
}

func clone(r *resident) *resident {
	c := newResident(r.depth)
	for d := range r.levels {
		copy(c.levels[d], r.levels[d])
	}
	return c
}
