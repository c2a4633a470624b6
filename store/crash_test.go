package store

import (
	"bytes"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
	"github.com/cockroachdb/pebble/vfs/errorfs"
)

// crashScenario is a store with three committed versions, then a run that
// reopens it, commits versions 4 and 5 and closes it.
type crashScenario struct {
	changes [][]Change // changes[v] for v = 1..5
	roots   [][]byte   // roots[v] for v = 0..5
	models  []map[string]string
}

func newCrashScenario(t *testing.T) *crashScenario {
	sc := &crashScenario{changes: make([][]Change, 6)}
	m := newModel()
	for v := 1; v <= 5; v++ {
		var cs []Change
		for i := 0; i < 40; i++ {
			// Large values so that the run also flushes memtables.
			cs = append(cs, Change{Key: []byte(fmt.Sprintf("c%d", (v*37+i*11)%150)), Value: bytes.Repeat([]byte{byte(v + i)}, 2000+i)})
		}
		cs = append(cs, Change{Key: []byte(fmt.Sprintf("c%d", v*3)), Delete: true})
		sc.changes[v] = cs
		m.commit(cs)
	}
	sc.models = m.versions
	for _, st := range m.versions {
		sc.roots = append(sc.roots, refRoot(st))
	}
	return sc
}

// crashOptions uses a small memtable so that runs also flush, compact and
// write the manifest.
func crashOptions(fs vfs.FS) Options {
	return Options{FS: fs, BucketDepth: 12, CacheBytes: 1 << 20, MemTableBytes: 256 << 10}
}

// base commits versions 1..3 on fs and closes the store.
func (sc *crashScenario) base(t *testing.T, fs vfs.FS) {
	s, err := Open("db", crashOptions(fs))
	if err != nil {
		t.Fatal(err)
	}
	for v := 1; v <= 3; v++ {
		mustCommit(t, s, sc.changes[v])
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// run reopens the store on fs and commits versions 4 and 5, stopping at the
// first error. It returns the highest version whose Commit returned, as seen
// by acked at the moment of each return, and the first error.
func (sc *crashScenario) run(fs vfs.FS, acked *atomic.Int64) (*Store, error) {
	s, err := Open("db", crashOptions(fs))
	if err != nil {
		return nil, err
	}
	for v := 4; v <= 5; v++ {
		if _, err := s.Stage(sc.changes[v], nil); err != nil {
			return s, err
		}
		ci, err := s.Commit()
		if err != nil {
			return s, err
		}
		acked.Store(ci.Version)
	}
	return s, s.Close()
}

// check reopens the crashed filesystem and requires exactly a committed
// version: not older than lo, not newer than hi, with its root and values.
func (sc *crashScenario) check(t *testing.T, fs vfs.FS, lo, hi int64, what string) {
	t.Helper()
	s, err := Open("db", crashOptions(fs))
	if err != nil {
		t.Fatalf("%s: reopen: %v", what, err)
	}
	defer s.Close()
	ci := s.LastCommit()
	if ci.Version < lo || ci.Version > hi {
		t.Fatalf("%s: reopened at version %d, want %d..%d", what, ci.Version, lo, hi)
	}
	if !bytes.Equal(ci.Root, sc.roots[ci.Version]) {
		t.Fatalf("%s: version %d root %x, want %x", what, ci.Version, ci.Root, sc.roots[ci.Version])
	}
	for k, v := range sc.models[ci.Version] {
		if got, err := s.Get([]byte(k)); err != nil || !bytes.Equal(got, []byte(v)) {
			t.Fatalf("%s: version %d key %s: %d bytes, %v", what, ci.Version, k, len(got), err)
		}
	}
	// The reopened store must keep working.
	if _, err := s.Stage(sets("after", "crash"), nil); err != nil {
		t.Fatalf("%s: stage after reopen: %v", what, err)
	}
	if _, err := s.Commit(); err != nil {
		t.Fatalf("%s: commit after reopen: %v", what, err)
	}
}

// TestCrashAtEveryWrite simulates a power loss at every write operation of a
// reopen and two commits: from that write on, nothing reaches stable storage.
// The store must reopen at the last version acknowledged before the crash or
// the one in flight, never a half-written one.
func TestCrashAtEveryWrite(t *testing.T) {
	sc := newCrashScenario(t)
	for k := int64(0); ; k++ {
		mem := vfs.NewStrictMem()
		var armed atomic.Bool
		var left atomic.Int64
		var acked, ackedAtCrash atomic.Int64
		acked.Store(3)
		crashed := false
		fs := errorfs.Wrap(mem, errorfs.InjectorFunc(func(op errorfs.Op, _ string) error {
			if armed.Load() && op.OpKind() == errorfs.OpKindWrite && left.Add(-1) == -1 {
				ackedAtCrash.Store(acked.Load())
				mem.SetIgnoreSyncs(true)
				crashed = true
			}
			return nil
		}))
		sc.base(t, fs)
		left.Store(k)
		armed.Store(true)
		s, err := sc.run(fs, &acked)
		if err != nil {
			t.Fatalf("crash point %d: run: %v", k, err)
		}
		if s != nil && !crashed {
			sc.check(t, mem, 5, 5, "no crash")
			t.Logf("crashed at each of %d write operations", k)
			return
		}
		armed.Store(false)
		mem.ResetToSyncedState()
		mem.SetIgnoreSyncs(false)
		lo := ackedAtCrash.Load()
		sc.check(t, mem, lo, lo+1, fmt.Sprintf("crash at write %d", k))
	}
}

// TestErrorAtEveryOperation injects an I/O error at each filesystem operation
// of a reopen and two commits in turn, then crashes. A failed Commit must fail
// the store; the reopened store must hold exactly a committed version.
func TestErrorAtEveryOperation(t *testing.T) {
	if pebbleInvariants {
		// The invariants tag (and -race) turns on Pebble's own invariant
		// checks too, and one of them panics on a compaction goroutine
		// after some injected manifest errors: Pebble 1.x builds the next
		// version (setting the L0 interval indexes in the file metadata that
		// versions share) before it writes the manifest, and a failed write
		// leaves the current version out of step with those indexes. That
		// failed 6 of 119 runs of the store's tests. Without the tag, as the
		// node is built, the check is off; make test runs this test that way
		// too.
		t.Skip("run without the invariants tag or -race (make test does): Pebble's own invariant checks panic after an injected manifest error")
	}
	sc := newCrashScenario(t)
	for k := int64(0); ; k++ {
		mem := vfs.NewStrictMem()
		var armed, injected atomic.Bool
		var left, acked atomic.Int64
		acked.Store(3)
		fs := errorfs.Wrap(mem, errorfs.InjectorFunc(func(op errorfs.Op, _ string) error {
			if armed.Load() && left.Add(-1) == -1 {
				injected.Store(true)
				return errorfs.ErrInjected
			}
			return nil
		}))
		sc.base(t, fs)
		left.Store(k)
		armed.Store(true)
		s, err := sc.run(fs, &acked)
		if err == nil {
			// No error reached the caller: none was injected, or Pebble
			// retried a background operation. Either way all is committed.
			sc.check(t, mem, 5, 5, fmt.Sprintf("error at operation %d, absorbed", k))
			if !injected.Load() {
				t.Logf("injected an error at each of %d operations", k)
				return
			}
			continue
		}
		what := fmt.Sprintf("error at operation %d (%v)", k, err)
		if s != nil && errors.Is(err, ErrFailed) && s.LastCommit().Version < 5 {
			if _, err := s.Get([]byte("c1")); !errors.Is(err, ErrFailed) {
				t.Fatalf("%s: later Get returned %v, want ErrFailed", what, err)
			}
			if _, err := s.Stage(nil, nil); !errors.Is(err, ErrFailed) {
				t.Fatalf("%s: later Stage returned %v, want ErrFailed", what, err)
			}
		}
		if s != nil && s.LastCommit().Version < 5 {
			_ = s.Close()
		}
		// Crash: keep only what was synced, in a fresh filesystem that holds
		// no lock of the abandoned store.
		armed.Store(false)
		mem.ResetToSyncedState()
		fresh := vfs.NewMem()
		if _, err := vfs.Clone(mem, fresh, "db", "db"); err != nil {
			t.Fatal(err)
		}
		a := acked.Load()
		sc.check(t, fresh, a, a+1, what)
	}
}

// TestCloseFailedStoreWhilePebbleIsWedged: closing a pooled iterator can take
// Pebble's own lock, and after a failure a flush or compaction may hold that
// lock for ever. Close of a failed store must still return at once.
func TestCloseFailedStoreWhilePebbleIsWedged(t *testing.T) {
	var wedge atomic.Bool
	release := make(chan struct{})
	wedged := make(chan struct{})
	testTweakPebble = func(po *pebble.Options) {
		po.EventListener.FlushBegin = func(pebble.FlushInfo) {
			// Pebble calls FlushBegin holding its lock.
			if wedge.CompareAndSwap(true, false) {
				close(wedged)
				<-release
			}
		}
	}
	defer func() { testTweakPebble = nil }()
	defer close(release) // lets the wedged flush and the background close end

	s, _ := openMem(t, 12)
	mustCommit(t, s, sets("a", "1", "b", "2"))
	if v, err := s.Get([]byte("a")); err != nil || string(v) != "1" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	// The reader's pooled iterator now holds the only reference to the
	// version before this flush, so closing it has Pebble remove that
	// version under its lock.
	if err := s.db.Set(auxKey([]byte("x")), []byte("1"), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Set(auxKey([]byte("y")), []byte("1"), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	wedge.Store(true)
	if _, err := s.db.AsyncFlush(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wedged:
	case <-time.After(10 * time.Second):
		t.Fatal("the flush did not start")
	}
	_ = s.fail(errors.New("test: a write failed"))

	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if !errors.Is(err, ErrFailed) {
			t.Fatalf("Close of a failed store returned %v, want ErrFailed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close of a failed store waited on Pebble's lock")
	}
}
