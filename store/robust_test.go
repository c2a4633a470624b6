package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
	"github.com/cockroachdb/pebble/vfs/errorfs"
	ics23 "github.com/cosmos/ics23/go"
)

// TestVerifyNeverPanics feeds the verifier wrappers randomly corrupted
// proofs: they must return errors, never panic and never accept.
func TestVerifyNeverPanics(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	m := map[string]string{}
	for i := 0; i < 64; i++ {
		m[string(rune('a'+i%26))+string(rune('a'+i/26))] = "v"
	}
	var cs []Change
	for k, v := range m {
		cs = append(cs, Change{Key: []byte(k), Value: []byte(v)})
	}
	root := mustCommit(t, s, cs).Root
	rng := rand.New(rand.NewSource(1))
	for _, key := range []string{"aa", "zz-absent"} {
		p, err := s.Proof(1, []byte(key))
		if err != nil {
			t.Fatal(err)
		}
		good, _ := p.Marshal()
		for i := 0; i < 3000; i++ {
			bad := append([]byte(nil), good...)
			for j := 0; j <= rng.Intn(3); j++ {
				bad[rng.Intn(len(bad))] ^= byte(1 + rng.Intn(255))
			}
			var q ics23.CommitmentProof
			if q.Unmarshal(bad) != nil {
				continue
			}
			errM := VerifyMembership(root, &q, []byte(key), []byte("v"))
			errN := VerifyNonMembership(root, &q, []byte(key))
			if key == "aa" && errN == nil || key != "aa" && errM == nil {
				t.Fatalf("corrupted proof proves the opposite")
			}
		}
	}
}

// TestImporterRejectsGarbage feeds chunks with valid checksums but random
// bodies: Add must return errors, not panic.
func TestImporterRejectsGarbage(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 300; i++ {
		s, _ := openMem(t, 12)
		im, err := s.NewImporter(5, make([]byte, 32))
		if err != nil {
			t.Fatal(err)
		}
		body := make([]byte, rng.Intn(64))
		rng.Read(body)
		chunk := append(append([]byte{chunkFormat}, u64(5)...), body...)
		chunk = binary.BigEndian.AppendUint32(chunk, crc32.Checksum(chunk, castagnoli))
		if err := im.Add(chunk); err == nil && len(body) > 0 {
			if _, err := im.Finish(); err == nil {
				t.Fatalf("garbage import accepted: %x", body)
			}
		}
		s.Close()
	}
}

func TestClosedStoreRefusesCalls(t *testing.T) {
	s, _ := openMem(t, 12)
	mustCommit(t, s, sets("a", "1"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get([]byte("a")); !errors.Is(err, ErrClosed) {
		t.Fatalf("get after close: %v", err)
	}
	if _, err := s.Stage(nil, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("stage after close: %v", err)
	}
	if err := s.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second close: %v", err)
	}
}

// TestCorruptLeafKeyIsRefused rewrites the key held in one leaf-index entry
// (same length, so the entry still decodes): a Stage that touches the leaf
// must fail without committing anything, whether the scan's hash check
// (builds with invariants) or the key comparison behind it catches it, and the
// other keys stay readable.
func TestCorruptLeafKeyIsRefused(t *testing.T) {
	// Two keys of one bucket, so that a change reads the bucket from the
	// leaf index once the store is reopened without a bucket cache.
	_, ks := oneBucketKeys(12, 2)
	s, fs := openMem(t, 12)
	defer func() { s.Close() }()
	info := mustCommit(t, s, sets("alpha", "1", ks[0], "0", ks[1], "1"))
	kh := sha256.Sum256([]byte(ks[1]))
	lk := leafKey(&kh, s.depth)
	v, ok, err := s.getRaw(s.db, lk)
	if err != nil || !ok {
		t.Fatalf("leaf entry of %s: %v %v", ks[1], ok, err)
	}
	bad := append([]byte(nil), v...)
	copy(bad[32:], "BRAVO")
	if err := s.db.Set(lk, bad, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpenWith(t, fs, 12, -1)
	_, err = s.Stage(sets(ks[1], "22"), nil)
	want := "share a hash"
	if invariants {
		want = "does not hash"
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("stage over a corrupt leaf: %v, want an error with %q", err, want)
	}
	if _, err := s.Commit(); err == nil {
		t.Fatal("commit after a failed stage succeeded")
	}
	if lc := s.LastCommit(); lc.Version != info.Version || !bytes.Equal(lc.Root, info.Root) {
		t.Fatalf("last commit moved to %d %x", lc.Version, lc.Root)
	}
	if got, err := s.Get([]byte("alpha")); err != nil || string(got) != "1" {
		t.Fatalf("alpha after the failed stage: %q %v", got, err)
	}
}

// TestReadErrorWhileRestagingOnSeveralWorkers: a table read that fails while
// four workers restage buckets must fail that Stage with the error and leave
// the last commit in place; reopened, the store stages the same changes to
// the root the tree's definition gives. (The fail-stop filesystem fails the
// store on such an error even if a worker lost it; the next test has an error
// that only the worker sees.)
func TestReadErrorWhileRestagingOnSeveralWorkers(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	mem := vfs.NewMem()
	var armed atomic.Bool
	var injected atomic.Int64
	fs := errorfs.Wrap(mem, errorfs.InjectorFunc(func(op errorfs.Op, path string) error {
		if armed.Load() && op == errorfs.OpFileReadAt && strings.HasSuffix(path, ".sst") && injected.Add(1) > 40 {
			return errorfs.ErrInjected // after 40 good reads, so that every worker is under way
		}
		return nil
	}))
	// No value cache: the updates' previous values must come from the
	// tables, and so must fail.
	s, err := Open("db", Options{FS: fs, BucketDepth: 12, CacheBytes: 8 << 20, MemTableBytes: 4 << 20, ValueCacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	model := map[string]string{}
	var updates []Change
	for c := 0; c < 3; c++ {
		var cs []Change
		for i := 0; i < 5000; i++ {
			k, v := fmt.Sprintf("key-%d-%d", c, i), fmt.Sprintf("value-%d", i)
			cs = append(cs, Change{Key: []byte(k), Value: []byte(v)})
			model[k] = v
			updates = append(updates, Change{Key: []byte(k), Value: []byte(v + "-2")})
		}
		mustCommit(t, s, cs)
	}
	if err := s.db.Flush(); err != nil { // every leaf now in a table, none cached
		t.Fatal(err)
	}
	last := s.LastCommit()
	// Arm once no compaction runs, so that the failing reads are Stage's
	// own: else a compaction's read may fail the store before Stage begins.
	for running := int64(1); running > 0; time.Sleep(10 * time.Millisecond) {
		running, _ = s.Compactions()
	}
	armed.Store(true)
	_, err = s.Stage(updates, nil)
	armed.Store(false)
	// A read error fails the store, as any I/O error does (see failStopFS).
	if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), errorfs.ErrInjected.Error()) {
		t.Fatalf("stage with failing table reads (%d reads): %v, want ErrFailed with the injected error", injected.Load(), err)
	}
	if _, err := s.Commit(); err == nil {
		t.Fatal("commit after the failed stage succeeded")
	}
	if lc := s.LastCommit(); lc.Version != last.Version || !bytes.Equal(lc.Root, last.Root) {
		t.Fatalf("last commit moved from %d to %d", last.Version, lc.Version)
	}
	_ = s.Close() // a failed store may keep Pebble's lock: reopen a copy, as after a restart
	fresh := vfs.NewMem()
	if _, err := vfs.Clone(mem, fresh, "db", "db"); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, fresh, 12)
	defer s.Close()
	if lc := s.LastCommit(); lc.Version != last.Version || !bytes.Equal(lc.Root, last.Root) {
		t.Fatalf("reopened at %d %x, want %d %x", lc.Version, lc.Root, last.Version, last.Root)
	}
	for _, c := range updates {
		model[string(c.Key)] = string(c.Value)
	}
	if got := mustCommit(t, s, updates); !bytes.Equal(got.Root, refRoot(model)) {
		t.Fatalf("root after the updates %x, want %x", got.Root, refRoot(model))
	}
}

// TestCorruptLeafOnSeveralWorkersIsRefused: a leaf entry that does not decode,
// in one of the last buckets, while four workers restage 4,096 of them: Stage
// must return that error whichever worker meets it, and commit nothing.
func TestCorruptLeafOnSeveralWorkersIsRefused(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	s, fs := openMem(t, 12)
	defer func() { s.Close() }()
	var cs, updates []Change
	for i := 0; i < 15000; i++ {
		k := fmt.Sprintf("key-%d", i)
		cs = append(cs, Change{Key: []byte(k), Value: []byte("1")})
		updates = append(updates, Change{Key: []byte(k), Value: []byte("2")})
	}
	last := mustCommit(t, s, cs)
	// The victim is a leaf of a bucket of several, far into the bucket
	// order, which the reopened store leaves out of the bucket cache it
	// warms (an entry that does not decode) and so must read.
	perBucket := map[uint64]int{}
	for _, c := range cs {
		kh := sha256.Sum256(c.Key)
		perBucket[prefixIndex(&kh, s.depth)]++
	}
	var victim [32]byte
	for _, c := range cs {
		if kh := sha256.Sum256(c.Key); prefixIndex(&kh, s.depth) >= 4000 && perBucket[prefixIndex(&kh, s.depth)] > 1 {
			victim = kh
			break
		}
	}
	if err := s.db.Set(leafKey(&victim, s.depth), []byte("short"), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpen(t, fs, 12)
	_, err := s.Stage(updates, nil)
	if err == nil || !strings.Contains(err.Error(), "corrupt leaf entry") {
		t.Fatalf("stage over a corrupt leaf in bucket %d: %v, want a corrupt leaf entry error", prefixIndex(&victim, s.depth), err)
	}
	if _, err := s.Commit(); err == nil {
		t.Fatal("commit after a failed stage succeeded")
	}
	if lc := s.LastCommit(); lc.Version != last.Version || !bytes.Equal(lc.Root, last.Root) {
		t.Fatalf("last commit moved to %d %x", lc.Version, lc.Root)
	}
}
