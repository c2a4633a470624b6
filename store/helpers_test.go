package store

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/cockroachdb/pebble/vfs"
)

// openMem opens a store on a fresh in-memory filesystem.
func openMem(t testing.TB, depth int) (*Store, vfs.FS) {
	t.Helper()
	fs := vfs.NewMem()
	return mustOpen(t, fs, depth), fs
}

func mustOpen(t testing.TB, fs vfs.FS, depth int) *Store {
	t.Helper()
	return mustOpenWith(t, fs, depth, 0)
}

// mustOpenWith opens with a bucket cache of bucketCache bytes (0: the
// default; negative: none) and waits for its warm-up.
func mustOpenWith(t testing.TB, fs vfs.FS, depth int, bucketCache int64) *Store {
	t.Helper()
	s := mustOpenWarming(t, fs, depth, bucketCache)
	s.WaitForWarmUp()
	return s
}

// mustOpenWarming is mustOpenWith without the wait: the bucket cache's
// warm-up may still run.
func mustOpenWarming(t testing.TB, fs vfs.FS, depth int, bucketCache int64) *Store {
	t.Helper()
	s, err := Open("db", Options{FS: fs, BucketDepth: depth, CacheBytes: 8 << 20, MemTableBytes: 4 << 20, BucketCacheBytes: bucketCache})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func mustCommit(t testing.TB, s *Store, changes []Change) CommitInfo {
	t.Helper()
	staged, err := s.Stage(changes, nil)
	if err != nil {
		t.Fatalf("stage: %v", err)
	}
	ci, err := s.Commit()
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	if !bytes.Equal(staged, ci.Root) {
		t.Fatalf("staged root %x, committed %x", staged, ci.Root)
	}
	return ci
}

func sets(kv ...string) []Change {
	var cs []Change
	for i := 0; i+1 < len(kv); i += 2 {
		cs = append(cs, Change{Key: []byte(kv[i]), Value: []byte(kv[i+1])})
	}
	return cs
}

// refRoot computes the root of a key-value map straight from the definition
// of the tree, independently of the store's code.
func refRoot(m map[string]string) []byte {
	type kv struct{ kh, vh []byte }
	var all []kv
	for k, v := range m {
		kh, vh := sha256.Sum256([]byte(k)), sha256.Sum256([]byte(v))
		all = append(all, kv{kh[:], vh[:]})
	}
	var rec func(s []kv, d int) []byte
	rec = func(s []kv, d int) []byte {
		if len(s) == 0 {
			return make([]byte, 32)
		}
		if len(s) == 1 {
			h := sha256.Sum256(append(append([]byte("corridor"), s[0].kh...), s[0].vh...))
			return h[:]
		}
		var s0, s1 []kv
		for _, e := range s {
			if e.kh[d/8]&(0x80>>(d%8)) == 0 {
				s0 = append(s0, e)
			} else {
				s1 = append(s1, e)
			}
		}
		switch {
		case len(s0) == 0:
			return rec(s1, d+1)
		case len(s1) == 0:
			return rec(s0, d+1)
		}
		h := sha256.Sum256(append(rec(s0, d+1), rec(s1, d+1)...))
		return h[:]
	}
	return rec(all, 0)
}

// model is a plain map of each version's state.
type model struct {
	versions []map[string]string // index = version
}

func newModel() *model { return &model{versions: []map[string]string{{}}} }

func (m *model) latest() map[string]string { return m.versions[len(m.versions)-1] }

func (m *model) commit(cs []Change) {
	next := make(map[string]string, len(m.latest()))
	for k, v := range m.latest() {
		next[k] = v
	}
	for _, c := range cs {
		if c.Delete {
			delete(next, string(c.Key))
		} else {
			next[string(c.Key)] = string(c.Value)
		}
	}
	m.versions = append(m.versions, next)
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// randomChanges makes n changes over a key space of size space, deleting
// with probability pDel.
func randomChanges(rng *rand.Rand, n, space int, pDel float64) []Change {
	cs := make([]Change, n)
	for i := range cs {
		cs[i].Key = []byte(fmt.Sprintf("key-%06d", rng.Intn(space)))
		if rng.Float64() < pDel {
			cs[i].Delete = true
		} else {
			cs[i].Value = []byte(fmt.Sprintf("value-%d", rng.Int63()))
		}
	}
	return cs
}

// checkProof asserts the store's proof at version for key matches the model.
func checkProof(t testing.TB, s *Store, version int64, root []byte, state map[string]string, key string) {
	t.Helper()
	p, err := s.Proof(version, []byte(key))
	if len(state) == 0 {
		if err != ErrEmptyTree {
			t.Fatalf("proof in empty tree: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("proof v%d %q: %v", version, key, err)
	}
	if v, ok := state[key]; ok {
		if err := VerifyMembership(root, p, []byte(key), []byte(v)); err != nil {
			t.Fatalf("membership v%d %q: %v", version, key, err)
		}
		if VerifyNonMembership(root, p, []byte(key)) == nil {
			t.Fatalf("existence proof passed as non-membership")
		}
		return
	}
	if err := VerifyNonMembership(root, p, []byte(key)); err != nil {
		t.Fatalf("non-membership v%d %q: %v", version, key, err)
	}
}
