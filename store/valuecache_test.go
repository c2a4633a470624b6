package store

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"math/rand"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/vfs"
	"github.com/cockroachdb/pebble/vfs/errorfs"
)

func openValueCache(t *testing.T, fs vfs.FS, budget int64) *Store {
	t.Helper()
	s, err := Open("db", Options{FS: fs, BucketDepth: 12, CacheBytes: 8 << 20, MemTableBytes: 4 << 20, ValueCacheBytes: budget})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	s.WaitForWarmUp()
	return s
}

// TestValueCacheAgainstModel commits the same random changes (sets, updates,
// deletes, values too large to cache) to stores without a value cache, with
// one far too small for the keys and with the default, reopening one now and
// then. After every commit, latest reads of keys present and absent, and
// proofs, must match the model in every store; the small cache must keep to
// its budget, and the default one must hold the values written since the
// store opened.
func TestValueCacheAgainstModel(t *testing.T) {
	const keys = 4000
	rng := rand.New(rand.NewSource(7))
	budgets := []int64{-1, 4 << 10, 0}
	stores := make([]*Store, len(budgets))
	fss := make([]vfs.FS, len(budgets))
	for i, b := range budgets {
		fss[i] = vfs.NewMem()
		stores[i] = openValueCache(t, fss[i], b)
	}
	defer func() {
		for _, s := range stores {
			s.Close()
		}
	}()
	m := newModel()
	big := strings.Repeat("v", valueCacheMaxValue+1)
	for v := 1; v <= 15; v++ {
		n := 600
		if v == 1 {
			n = keys
		}
		cs := randomChanges(rng, n, keys, 0.2)
		// Some keys take a value too large to cache, and some of those a
		// small one again later.
		for i := 0; i < 5; i++ {
			k := fmt.Sprintf("key-%06d", rng.Intn(50))
			if rng.Intn(2) == 0 {
				cs = append(cs, Change{Key: []byte(k), Value: []byte(big)})
			} else {
				cs = append(cs, Change{Key: []byte(k), Value: []byte("small-" + k)})
			}
		}
		m.commit(cs)
		want := refRoot(m.latest())
		for i, s := range stores {
			ci := mustCommit(t, s, cs)
			if !bytes.Equal(ci.Root, want) {
				t.Fatalf("version %d, value cache %d: root %x, want %x", v, budgets[i], ci.Root, want)
			}
		}
		r := rng.Intn(len(stores) + 2)
		if r < len(stores) {
			stores[r].Close()
			stores[r] = openValueCache(t, fss[r], budgets[r])
		}
		for j := 0; j < 400; j++ {
			key := fmt.Sprintf("key-%06d", rng.Intn(keys+100)) // some never written
			if j < 50 {
				key = fmt.Sprintf("key-%06d", j) // the keys with large values
			}
			wantV, present := m.latest()[key]
			for i, s := range stores {
				got, err := s.Get([]byte(key))
				if err != nil {
					t.Fatal(err)
				}
				if (got != nil) != present || string(got) != wantV {
					t.Fatalf("version %d, value cache %d: %s reads %.40q, want %.40q (present %v)", v, budgets[i], key, got, wantV, present)
				}
				if j%40 == 0 {
					checkProof(t, s, int64(v), want, m.latest(), key)
				}
			}
		}
		if st := stores[1].Stats(); st.ValueCacheBytes > 4<<10 || (st.ValueCacheValues == 0 && r != 1) {
			t.Fatalf("version %d: the 4 KiB cache holds %d values in %d bytes", v, st.ValueCacheValues, st.ValueCacheBytes)
		}
	}
	// The default cache holds every value written since it opened that is
	// still there and small enough; a store that has not been reopened
	// holds them all.
	for i, s := range stores {
		st := s.Stats()
		if budgets[i] < 0 && (st.ValueCacheValues != 0 || st.ValueCacheBytes != 0) {
			t.Fatalf("no value cache, yet it holds %d values in %d bytes", st.ValueCacheValues, st.ValueCacheBytes)
		}
	}
	fresh := openValueCache(t, vfs.NewMem(), 0)
	defer fresh.Close()
	var all []Change
	small := 0
	for k, v := range m.latest() {
		all = append(all, Change{Key: []byte(k), Value: []byte(v)})
		if len(v) <= valueCacheMaxValue {
			small++
		}
	}
	mustCommit(t, fresh, all)
	if st := fresh.Stats(); st.ValueCacheValues != small {
		t.Fatalf("a store given %d values, %d of them small enough, caches %d", len(all), small, st.ValueCacheValues)
	}
	for _, c := range all {
		v, ok := fresh.values.value(c.Key)
		if len(c.Value) <= valueCacheMaxValue && (!ok || !bytes.Equal(v, c.Value)) {
			t.Fatalf("%s: cached %.40q %v, want %.40q", c.Key, v, ok, c.Value)
		}
		if len(c.Value) > valueCacheMaxValue && ok {
			t.Fatalf("%s: a value of %d bytes is cached", c.Key, len(c.Value))
		}
	}
}

// TestValueCacheSharedSlot: two keys whose hashes meet share a slot; a read
// of one must not return the other's value, and a change of either only
// replaces or empties the slot.
func TestValueCacheSharedSlot(t *testing.T) {
	c := newValueCache(1 << 20)
	rec := func(key, value string) []byte { return appendValueRecord(nil, []byte(key), []byte(value)) }
	id := maphash.Bytes(c.seed, []byte("a"))
	c.set(id, rec("b", "value of b")) // as if b hashed as a does
	if v, ok := c.value([]byte("a")); ok {
		t.Fatalf("a reads %q from b's entry", v)
	}
	c.set(id, rec("a", "value of a"))
	if v, ok := c.value([]byte("a")); !ok || string(v) != "value of a" {
		t.Fatalf("a reads %q, %v", v, ok)
	}
	c.set(id, []byte{0xff}) // a record that does not decode
	if v, ok := c.value([]byte("a")); ok {
		t.Fatalf("a reads %q from a broken entry", v)
	}
	c.reset()
	if n, b := c.size(); n != 0 || b != 0 {
		t.Fatalf("reset left %d values, %d bytes", n, b)
	}
	var none *valueCache
	if _, ok := none.value([]byte("a")); ok {
		t.Fatal("no cache holds a value")
	}
}

// TestValueCacheFailedCommit: a commit whose write fails must leave no value
// of its version in the cache: the store then refuses reads, and the cache
// holds nothing it did not write.
func TestValueCacheFailedCommit(t *testing.T) {
	var armed atomic.Bool
	fs := errorfs.Wrap(vfs.NewMem(), errorfs.InjectorFunc(func(op errorfs.Op, path string) error {
		if armed.Load() && op.OpKind() == errorfs.OpKindWrite && strings.HasSuffix(path, ".log") {
			return errorfs.ErrInjected
		}
		return nil
	}))
	s := openValueCache(t, fs, 0)
	defer s.Close()
	mustCommit(t, s, []Change{{Key: []byte("x"), Value: []byte("old")}, {Key: []byte("y"), Value: []byte("kept")}})
	if _, err := s.Stage([]Change{{Key: []byte("x"), Value: []byte("new")}}, nil); err != nil {
		t.Fatal(err)
	}
	armed.Store(true)
	if _, err := s.Commit(); !errors.Is(err, ErrFailed) {
		t.Fatalf("commit with a failing WAL: %v, want ErrFailed", err)
	}
	if v, ok := s.values.value([]byte("x")); ok {
		t.Fatalf("after a failed commit the cache holds x = %q", v)
	}
	if _, err := s.Get([]byte("x")); !errors.Is(err, ErrFailed) {
		t.Fatalf("Get after a failed commit: %v, want ErrFailed", err)
	}
}

// closedStore writes random values under keys of a space of n into a new
// store without a value cache, closes it and returns its filesystem and the
// model of what it holds.
func closedStore(t *testing.T, rng *rand.Rand, n int) (vfs.FS, *model) {
	t.Helper()
	fs := vfs.NewMem()
	s := openValueCache(t, fs, -1)
	m := newModel()
	cs := randomChanges(rng, n, n, 0)
	m.commit(cs)
	mustCommit(t, s, cs)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return fs, m
}

// openWarming opens the store in fs with the default value cache and no
// bucket cache, so that the value cache's warm-up starts at once, and
// returns without waiting for it.
func openWarming(t *testing.T, fs vfs.FS) *Store {
	t.Helper()
	s, err := Open("db", Options{FS: fs, BucketDepth: 12, CacheBytes: 8 << 20, MemTableBytes: 4 << 20, BucketCacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// cachedValues decodes every entry of the value cache.
func cachedValues(t *testing.T, c *valueCache) map[string]string {
	t.Helper()
	out := map[string]string{}
	if c == nil {
		return out
	}
	for id := range c.loc {
		e, _ := c.get(id)
		key, value, ok := splitValueRecord(e)
		if !ok {
			t.Fatalf("entry %x does not decode", e)
		}
		if maphash.Bytes(c.seed, key) != id {
			t.Fatalf("key %q is cached under another key's hash", key)
		}
		out[string(key)] = string(value)
	}
	return out
}

// TestValueCacheWarmsAtOpen: a store reopened fills its value cache from
// the flat index: every value small enough with room for all, as much as fits
// in a small budget, none with no cache, and never a deleted key or a value
// other than the latest.
func TestValueCacheWarmsAtOpen(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	fs := vfs.NewMem()
	s := openValueCache(t, fs, -1)
	m := newModel()
	big := strings.Repeat("b", valueCacheMaxValue+1)
	for v := 0; v < 6; v++ {
		cs := randomChanges(rng, 1500, 3000, 0.3)
		cs = append(cs, Change{Key: []byte(fmt.Sprintf("big-%d", v)), Value: []byte(big)})
		m.commit(cs)
		mustCommit(t, s, cs)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	small := 0
	for _, v := range m.latest() {
		if len(v) <= valueCacheMaxValue {
			small++
		}
	}
	for _, tc := range []struct {
		name   string
		budget int64
	}{{"default", 0}, {"8 KiB", 8 << 10}, {"none", -1}} {
		s := openValueCache(t, fs, tc.budget) // waits for the warm-ups
		got := cachedValues(t, s.values)
		for k, v := range got {
			if want, ok := m.latest()[k]; !ok || v != want {
				t.Fatalf("%s: %q cached as %.30q, want %.30q (present %v)", tc.name, k, v, want, ok)
			}
		}
		st := s.Stats()
		switch {
		case tc.budget == 0 && len(got) != small:
			t.Fatalf("%s: %d values cached, want all %d small enough", tc.name, len(got), small)
		case tc.budget > 0 && (st.ValueCacheBytes > tc.budget || st.ValueCacheBytes+entryBytes(make([]byte, 50)) <= tc.budget || len(got) == 0):
			t.Fatalf("%s: %d values in %d bytes: want the budget filled", tc.name, len(got), st.ValueCacheBytes)
		case tc.budget < 0 && len(got) != 0:
			t.Fatalf("%s: %d values cached", tc.name, len(got))
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestValueCacheWarmsBesideCommits commits updates and deletes between each
// batch the warm-up reads and the moment it puts it: once it ends, every
// cached value must be the latest, and a deleted key must not be cached.
// Then it closes a store while a warm-up runs.
func TestValueCacheWarmsBesideCommits(t *testing.T) {
	defer func(n int) { valueWarmBatchBytes = n }(valueWarmBatchBytes)
	valueWarmBatchBytes = 512
	rng := rand.New(rand.NewSource(13))
	fs, m := closedStore(t, rng, 3000)

	var commits int
	var opened atomic.Pointer[Store]
	beforeValueWarmPut = func() {
		open := opened.Load()
		if open == nil || commits >= 40 {
			return
		}
		commits++
		// Changes of keys the warm-up has read and of keys it has not.
		cs := randomChanges(rng, 50, 3000, 0.4)
		m.commit(cs)
		mustCommit(t, open, cs)
	}
	defer func() { beforeValueWarmPut = nil }()
	open := openWarming(t, fs)
	opened.Store(open)
	open.WaitForWarmUp()
	if commits < 40 {
		t.Fatalf("only %d commits beside the warm-up", commits)
	}
	got := cachedValues(t, open.values)
	stale := 0
	for k, v := range got {
		if want, ok := m.latest()[k]; !ok || v != want {
			stale++
		}
	}
	if stale > 0 || len(got) != len(m.latest()) {
		t.Fatalf("after the warm-up: %d of %d cached values are not the latest; %d keys present", stale, len(got), len(m.latest()))
	}
	if open.values.changed != nil {
		t.Fatal("the warm-up ended but commits still note their keys")
	}
	if err := open.Close(); err != nil {
		t.Fatal(err)
	}

	// Close while the warm-up runs: it ends at its next batch.
	started := make(chan struct{})
	var once atomic.Bool
	beforeValueWarmPut = func() {
		if once.CompareAndSwap(false, true) {
			close(started)
			time.Sleep(20 * time.Millisecond)
		}
	}
	s := openWarming(t, fs)
	<-started
	if err := s.Close(); err != nil {
		t.Fatalf("close during the value warm-up: %v", err)
	}
	if n, _ := s.values.size(); n >= len(m.latest()) {
		t.Fatalf("the warm-up went on after Close: %d values", n)
	}
}

// TestStageTakesPreviousValuesFromTheCache: with every bucket and every value
// cached, staging updates and deletes reads no table: a read of one would
// fail here. The undo records it writes from the cached values must give the
// previous version back.
func TestStageTakesPreviousValuesFromTheCache(t *testing.T) {
	var armed atomic.Bool
	fs := errorfs.Wrap(vfs.NewMem(), errorfs.InjectorFunc(func(op errorfs.Op, path string) error {
		if armed.Load() && op == errorfs.OpFileReadAt && strings.HasSuffix(path, ".sst") {
			return errorfs.ErrInjected
		}
		return nil
	}))
	s := openValueCache(t, fs, 0)
	defer s.Close()
	m := newModel()
	rng := rand.New(rand.NewSource(17))
	for v := 0; v < 3; v++ {
		cs := randomChanges(rng, 4000, 6000, 0)
		m.commit(cs)
		mustCommit(t, s, cs)
	}
	if err := s.db.Flush(); err != nil { // every value now in a table
		t.Fatal(err)
	}
	for running := int64(1); running > 0; time.Sleep(10 * time.Millisecond) {
		running, _ = s.Compactions()
	}
	var cs []Change
	for k := range m.latest() {
		if rng.Intn(3) == 0 {
			cs = append(cs, Change{Key: []byte(k), Delete: true})
		} else {
			cs = append(cs, Change{Key: []byte(k), Value: []byte("updated-" + k)})
		}
	}
	m.commit(cs)
	armed.Store(true)
	root, err := s.Stage(cs, nil)
	armed.Store(false)
	if err != nil {
		t.Fatalf("stage with every previous value cached: %v", err)
	}
	if want := refRoot(m.latest()); !bytes.Equal(root, want) {
		t.Fatalf("root %x, want %x", root, want)
	}
	ci, err := s.Commit()
	if err != nil {
		t.Fatal(err)
	}
	prev := m.versions[len(m.versions)-2]
	for k, want := range prev {
		got, err := s.GetAt(ci.Version-1, []byte(k))
		if err != nil || string(got) != want {
			t.Fatalf("%s at version %d: %q %v, want %q", k, ci.Version-1, got, err, want)
		}
	}
}

// TestStageBesideTheValueWarmUp stages and commits updates from the caller's
// goroutine while the value cache's warm-up puts batches on its own: Stage's
// reads of previous values then go through mu's read lock (run with -race).
// Every value cached at the end, and every undo record, must be right.
func TestStageBesideTheValueWarmUp(t *testing.T) {
	defer func(n int) { valueWarmBatchBytes = n }(valueWarmBatchBytes)
	valueWarmBatchBytes = 256
	rng := rand.New(rand.NewSource(19))
	fs, m := closedStore(t, rng, 4000)
	beforeValueWarmPut = func() { time.Sleep(200 * time.Microsecond) }
	defer func() { beforeValueWarmPut = nil }()
	s := openWarming(t, fs)
	defer s.Close()
	commits := 0
	for s.valueWarming.Load() != nil || commits < 3 {
		cs := randomChanges(rng, 200, 4000, 0.2)
		m.commit(cs)
		mustCommit(t, s, cs)
		commits++
	}
	s.WaitForWarmUp()
	for k, v := range cachedValues(t, s.values) {
		if want, ok := m.latest()[k]; !ok || v != want {
			t.Fatalf("%q cached as %q, want %q (present %v)", k, v, want, ok)
		}
	}
	last := s.LastCommit().Version
	for back := int64(1); back <= 3; back++ {
		state := m.versions[len(m.versions)-1-int(back)]
		for i := 0; i < 200; i++ {
			k := fmt.Sprintf("key-%06d", rng.Intn(4000))
			got, err := s.GetAt(last-back, []byte(k))
			if want := state[k]; err != nil || string(got) != want {
				t.Fatalf("%s at version %d: %q %v, want %q", k, last-back, got, err, want)
			}
		}
	}
	t.Logf("%d commits beside the warm-up", commits)
}
