package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
)

// TestBucketCacheSparesScans follows one bucket of several leaves through the
// cases of restageBucket with the bucket cache: inserts, updates and deletes
// of its keys need no read of the leaf index once a commit has cached it; a
// reopen or an import fills the cache from the leaf index; a new key with a
// cached leaf's tip is read; a budget too small takes nothing. Every root is checked
// against refRoot and every key's proof at the latest version is verified.
func TestBucketCacheSparesScans(t *testing.T) {
	const depth = 12
	b, k := oneBucketKeys(depth, 7)
	fs := vfs.NewMem()
	s := mustOpen(t, fs, depth)
	defer func() { s.Close() }()
	m := newModel()
	step := func(name string, wantScans, wantCached int, cs []Change) {
		t.Helper()
		m.commit(cs)
		ci := mustCommit(t, s, cs)
		if want := refRoot(m.latest()); !bytes.Equal(ci.Root, want) {
			t.Fatalf("%s: root %x, want %x", name, ci.Root, want)
		}
		st := s.Stats()
		if st.LastScannedBuckets != wantScans {
			t.Fatalf("%s: %d buckets scanned, want %d", name, st.LastScannedBuckets, wantScans)
		}
		if st.BucketCacheBuckets != wantCached {
			t.Fatalf("%s: %d buckets cached, want %d", name, st.BucketCacheBuckets, wantCached)
		}
		for _, key := range k {
			checkProof(t, s, ci.Version, ci.Root, m.latest(), key)
		}
	}
	del := func(keys ...string) []Change {
		var cs []Change
		for _, key := range keys {
			cs = append(cs, Change{Key: []byte(key), Delete: true})
		}
		return cs
	}

	step("four keys into the empty bucket", 0, 1, sets(k[0], "0", k[1], "1", k[2], "2", k[3], "3"))
	step("a fifth key", 0, 1, sets(k[4], "4"))
	step("an update", 0, 1, sets(k[1], "1b"))
	step("the same value again", 0, 1, sets(k[1], "1b"))
	step("a delete", 0, 1, del(k[2]))
	step("an update, an insert and a delete at once", 0, 1, append(sets(k[3], "3b", k[2], "2"), del(k[0])...))
	step("an absent key deleted", 0, 1, del(k[5]))
	step("down to one leaf", 0, 0, del(k[1], k[2], k[3]))
	step("two beside the one leaf", 0, 1, sets(k[0], "0", k[1], "1"))

	s.Close()
	s = mustOpen(t, fs, depth)
	step("after a reopen, which warmed the cache", 0, 1, sets(k[2], "2"))
	step("then cached again", 0, 1, sets(k[5], "5"))

	// A new key with the tip of a cached leaf might be that leaf's key:
	// the flat index says it is not, so the bucket must be read. Forge
	// the tip of k[6] onto the entry's first leaf, which stays first in
	// tip order only if k[6] sorts first; else onto the last.
	e, ok := s.tree.cache.entry(b)
	if !ok {
		t.Fatal("bucket not cached")
	}
	rec := e
	forged := tipOf(ptr(sha256.Sum256([]byte(k[6]))), depth)
	at := 0
	if forged > binary.BigEndian.Uint32(rec) {
		at = len(rec) - cachedLeafLen
	}
	binary.BigEndian.PutUint32(rec[at:], forged)
	step("a new key with a cached leaf's tip", 1, 1, sets(k[6], "6"))
	step("then cached as it is", 0, 1, sets(k[6], "6b"))

	// An import warms the cache too.
	version, root, chunks := exportAll(t, s, 1024)
	dst := mustOpen(t, vfs.NewMem(), depth)
	importAll(t, dst, version, root, chunks)
	dst.WaitForWarmUp()
	s.Close()
	s = dst
	step("after an import, which warmed the cache", 0, 1, sets(k[3], "3c"))
	step("then cached", 0, 1, del(k[3]))

	// A budget smaller than the bucket's entry takes nothing.
	small := mustOpenWith(t, vfs.NewMem(), depth, 100)
	defer small.Close()
	mustCommit(t, small, sets(k[0], "0", k[1], "1", k[2], "2"))
	mustCommit(t, small, sets(k[3], "3"))
	if st := small.Stats(); st.LastScannedBuckets != 1 || st.BucketCacheBuckets != 0 {
		t.Fatalf("budget of 100 bytes: %d buckets scanned and %d cached, want 1 and 0", st.LastScannedBuckets, st.BucketCacheBuckets)
	}
}

// TestBucketCacheAgainstModel commits the same random changes, mostly updates
// and deletes of keys present, to stores without a bucket cache, with one too
// small for all buckets and with the default, reopening one now and then. The
// roots must equal refRoot's, proofs at the latest version must verify and be
// the same bytes from every store, and the store with the default cache must
// read fewer buckets than the one without.
func TestBucketCacheAgainstModel(t *testing.T) {
	const depth, keys = 12, 20000
	rng := rand.New(rand.NewSource(5))
	budgets := []int64{-1, 64 << 10, 0}
	stores := make([]*Store, len(budgets))
	fss := make([]vfs.FS, len(budgets))
	for i, bc := range budgets {
		fss[i] = vfs.NewMem()
		stores[i] = mustOpenWith(t, fss[i], depth, bc)
	}
	defer func() {
		for _, s := range stores {
			s.Close()
		}
	}()
	m := newModel()
	scans := make([]int, len(budgets))
	for v := 1; v <= 12; v++ {
		n := 3000
		if v == 1 {
			n = keys / 2
		}
		cs := randomChanges(rng, n, keys, 0.2)
		m.commit(cs)
		want := refRoot(m.latest())
		for i, s := range stores {
			ci := mustCommit(t, s, cs)
			if !bytes.Equal(ci.Root, want) {
				t.Fatalf("version %d, bucket cache %d: root %x, want %x", v, budgets[i], ci.Root, want)
			}
			if v > 1 {
				scans[i] += s.Stats().LastScannedBuckets
			}
		}
		if r := rng.Intn(len(stores) + 2); r < len(stores) {
			stores[r].Close()
			stores[r] = mustOpenWith(t, fss[r], depth, budgets[r])
		}
		for j := 0; j < 20; j++ {
			key := fmt.Sprintf("key-%06d", rng.Intn(keys))
			var first []byte
			for i, s := range stores {
				checkProof(t, s, int64(v), want, m.latest(), key)
				p, err := s.Proof(int64(v), []byte(key))
				if err != nil {
					t.Fatal(err)
				}
				enc, err := p.Marshal()
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = enc
				} else if !bytes.Equal(enc, first) {
					t.Fatalf("version %d, key %s: the proof with bucket cache %d differs from the one without", v, key, budgets[i])
				}
			}
		}
	}
	if st := stores[1].Stats(); st.BucketCacheBytes > 64<<10 || st.BucketCacheBuckets == 0 {
		t.Fatalf("small cache holds %d buckets in %d bytes, want some within 65536", st.BucketCacheBuckets, st.BucketCacheBytes)
	}
	if scans[2] >= scans[0]/2 || scans[1] >= scans[0] {
		t.Fatalf("buckets read: %d without a cache, %d with a small one, %d with the default", scans[0], scans[1], scans[2])
	}
}

// TestBucketCacheArena puts, replaces and drops random entries in a cache
// against a map of what was put, more than the budget holds: an entry must
// read back as put, every entry cached must be the last one put for its
// bucket, the budget must hold, and a full cache must let entries go to make
// room, no more than it needs. After each round's reclaim the bytes left
// behind by replaced and dropped entries must be at most a quarter of the
// arena and one chunk.
func TestBucketCacheArena(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	const budget = 16 << 20
	c := newBucketCache(budget)
	model := map[uint64][]byte{}
	const maxRec = 10 * cachedLeafLen
	evicted := 0
	// The first entry, at offset 0 of chunk 0, dropped at once: copying
	// that chunk out must not bring it back.
	const gone = 1 << 20
	c.put(gone, make([]byte, 2*cachedLeafLen))
	c.put(gone, nil)
	for round := 0; round < 40; round++ {
		for i := 0; i < 20000; i++ {
			b := uint64(rng.Intn(100000))
			var rec []byte
			if rng.Intn(8) > 0 {
				rec = make([]byte, (2+rng.Intn(9))*cachedLeafLen)
				rng.Read(rec)
			}
			others, room := len(c.loc), budget-c.used // without b's entry
			if e, ok := c.entry(b); ok {
				others, room = others-1, room+entryBytes(e)
			}
			c.put(b, rec)
			e, ok := c.entry(b)
			switch went := others - len(c.loc); {
			case rec == nil && ok:
				t.Fatalf("bucket %d dropped but still cached", b)
			case rec != nil && !ok:
				t.Fatalf("bucket %d not cached", b)
			case rec != nil && !bytes.Equal(e, rec):
				t.Fatalf("bucket %d reads back %x, want %x", b, e, rec)
			case rec != nil && went > -1 && entryBytes(rec) <= room:
				t.Fatalf("bucket %d: %d entries went with room for it", b, went+1)
			case rec != nil && went > -1 && c.used+entryBytes(make([]byte, maxRec)) <= budget:
				t.Fatalf("bucket %d: %d entries went, leaving %d of %d bytes used", b, went+1, c.used, budget)
			case rec != nil && went > -1:
				evicted += went + 1
			}
			if rec != nil {
				model[b] = rec
			} else {
				delete(model, b)
			}
		}
		c.reclaim()
		if c.used > budget {
			t.Fatalf("round %d: %d bytes used, budget %d", round, c.used, budget)
		}
		live := int64(0)
		for _, n := range c.live {
			live += int64(n)
		}
		if c.held-live > c.held/4+arenaChunkBytes {
			t.Fatalf("round %d: %d of %d arena bytes left behind", round, c.held-live, c.held)
		}
		if _, ok := c.entry(gone); ok {
			t.Fatalf("round %d: a dropped entry came back", round)
		}
		for b := range c.loc {
			e, _ := c.entry(b)
			if rec, ok := model[b]; !ok || !bytes.Equal(e, rec) {
				t.Fatalf("round %d: bucket %d reads back %x, want %x", round, b, e, rec)
			}
		}
	}
	if n, _ := c.size(); evicted == 0 || n+evicted < len(model) {
		t.Fatalf("%d buckets cached of %d put, %d entries made room: want some, and none gone unaccounted", n, len(model), evicted)
	}
}

// TestProofsFromTheCacheDuringCommits proves keys that never change while
// commits rewrite the other leaves of their buckets, and so the cache's
// entries for them: every proof must verify against the root of the version
// it was asked for. Run with -race, it also checks that proofs read the cache
// only while commits do not write it.
func TestProofsFromTheCacheDuringCommits(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	var fixed []Change
	for i := 0; i < 2000; i++ {
		fixed = append(fixed, Change{Key: []byte(fmt.Sprintf("fixed-%d", i)), Value: []byte("1")})
	}
	rng := rand.New(rand.NewSource(9))
	mustCommit(t, s, append(fixed, randomChanges(rng, 15000, 15000, 0)...))
	stop := startReaders(2, func() error {
		ci := s.LastCommit()
		for i := 0; i < 20; i++ {
			key := fixed[rand.Intn(len(fixed))].Key
			p, err := s.Proof(ci.Version, key)
			if err != nil {
				return err
			}
			if err := VerifyMembership(ci.Root, p, key, []byte("1")); err != nil {
				return fmt.Errorf("version %d, key %s: %w", ci.Version, key, err)
			}
		}
		return nil
	})
	for v := 0; v < 30; v++ {
		mustCommit(t, s, randomChanges(rng, 1000, 15000, 0.3))
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.BucketCacheBuckets < 3000 {
		t.Fatalf("%d buckets cached, want most of 4,096", st.BucketCacheBuckets)
	}
}

// TestBucketCacheWarmsAtOpen reopens a store of random keys, warming its
// bucket cache with one worker and then with four: the cache must hold every
// bucket that cacheRecord keeps, with the entry the model's leaves give, and
// the next commit must read no bucket and reach refRoot's root. A budget too
// small for all must be filled up to an entry that does not fit, and make
// room for the bucket of a key a commit then changes; a bucket with a leaf
// entry that does not decode must be left out, and a Stage that touches it
// must read it and report the entry.
func TestBucketCacheWarmsAtOpen(t *testing.T) {
	const depth = 12
	rng := rand.New(rand.NewSource(11))
	fs := vfs.NewMem()
	var s *Store
	m := newModel()
	commit := openWithRandomKeys(t, fs, depth, rng, &s, m)
	defer func() { s.Close() }()
	checkCached := func(name string, want map[uint64][]byte, all bool) {
		t.Helper()
		n, bytesUsed := s.tree.cache.size()
		if all && n != len(want) || n == 0 {
			t.Fatalf("%s: %d buckets cached, want %d", name, n, len(want))
		}
		if bytesUsed > s.tree.cache.budget {
			t.Fatalf("%s: %d bytes cached, budget %d", name, bytesUsed, s.tree.cache.budget)
		}
		for b := range s.tree.cache.loc {
			e, _ := s.tree.cache.entry(b)
			if !bytes.Equal(e, want[b]) {
				t.Fatalf("%s: bucket %d cached as %x, want %x", name, b, e, want[b])
			}
		}
	}
	prevProcs, prevKeys := runtime.GOMAXPROCS(4), warmKeysPerWorker
	defer func() { runtime.GOMAXPROCS(prevProcs); warmKeysPerWorker = prevKeys }()
	for _, perWorker := range []int64{prevKeys, 1000} {
		warmKeysPerWorker = perWorker // 1000: four workers for about 20,000 keys
		s.Close()
		s = mustOpen(t, fs, depth)
		checkCached(fmt.Sprintf("%d keys per worker", perWorker), cachedRecords(m.latest(), depth), true)
		commit(randomChanges(rng, 4000, 24000, 0.1))
		if st := s.Stats(); st.LastScannedBuckets != 0 {
			t.Fatalf("%d keys per worker: %d buckets read after the warm-up", perWorker, st.LastScannedBuckets)
		}
	}
	want := cachedRecords(m.latest(), depth)

	s.Close()
	s = mustOpenWith(t, fs, depth, 8<<10)
	checkCached("8 KiB", want, false)
	if n, _ := s.tree.cache.size(); n >= len(want) {
		t.Fatalf("8 KiB: %d buckets cached, want fewer than %d", n, len(want))
	}
	// The warm-up stops only when the next entry does not fit.
	largest := int64(0)
	for _, rec := range want {
		largest = max(largest, entryBytes(rec))
	}
	if s.tree.cache.used+largest <= s.tree.cache.budget {
		t.Fatalf("8 KiB: the warm-up stopped with %d of %d bytes used", s.tree.cache.used, s.tree.cache.budget)
	}
	// A changed key's bucket that the warm-up did not take is cached by the
	// commit, in place of others.
	var hot string
	for k := range m.latest() {
		kh := sha256.Sum256([]byte(k))
		if _, in := s.tree.cache.entry(prefixIndex(&kh, depth)); !in && want[prefixIndex(&kh, depth)] != nil {
			hot = k
			break
		}
	}
	commit(sets(hot, "hot"))
	if kh := sha256.Sum256([]byte(hot)); s.Stats().LastScannedBuckets != 1 {
		t.Fatalf("8 KiB: %d buckets read for a change of %s, want 1", s.Stats().LastScannedBuckets, hot)
	} else if _, in := s.tree.cache.entry(prefixIndex(&kh, depth)); !in {
		t.Fatalf("8 KiB: the bucket of %s, changed, was not cached: %d of %d bytes used", hot, s.tree.cache.used, s.tree.cache.budget)
	}
	want = cachedRecords(m.latest(), depth)

	// A corrupt entry in a cacheable bucket.
	var victim [32]byte
	for k := range m.latest() {
		if victim = sha256.Sum256([]byte(k)); want[prefixIndex(&victim, depth)] != nil {
			break
		}
	}
	if err := s.db.Set(leafKey(&victim, depth), []byte("short"), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	bad := prefixIndex(&victim, depth)
	delete(want, bad)
	s.Close()
	s = mustOpen(t, fs, depth)
	checkCached("a corrupt entry", want, true)
	var touch []Change
	for k := range m.latest() {
		if kh := sha256.Sum256([]byte(k)); prefixIndex(&kh, depth) == bad {
			touch = append(touch, Change{Key: []byte(k), Value: []byte("again")})
		}
	}
	if _, err := s.Stage(touch, nil); err == nil || !strings.Contains(err.Error(), "corrupt leaf entry") {
		t.Fatalf("stage over a corrupt leaf in bucket %d: %v, want a corrupt leaf entry error", bad, err)
	}
}

// TestBucketCacheWarmsBesideCommits reopens a store and, while its warm-up
// holds a first batch of entries read but not yet put, commits changes all
// over the store, then more while it puts the rest: the warm-up must throw
// away the entries of the buckets the commits restaged, so that once it ends the cache holds every bucket with
// the entry the model's leaves give, and the next commit reads none. Proofs
// run throughout. A Close during a warm-up must end it and return.
func TestBucketCacheWarmsBesideCommits(t *testing.T) {
	const depth = 12
	rng := rand.New(rand.NewSource(12))
	fs := vfs.NewMem()
	var s *Store
	m := newModel()
	commit := openWithRandomKeys(t, fs, depth, rng, &s, m)
	defer func() { s.Close() }()
	prevBatch := warmBatchBytes
	warmBatchBytes = 4 << 10 // about fifteen buckets a batch
	defer func() { warmBatchBytes, beforeWarmPut = prevBatch, nil }()
	// hold pauses the warm-up before its first put until resume is closed.
	hold := func() (reached, resume chan struct{}) {
		reached, resume = make(chan struct{}), make(chan struct{})
		var once sync.Once
		beforeWarmPut = func() { once.Do(func() { close(reached); <-resume }) }
		return reached, resume
	}

	s.Close()
	reached, resume := hold()
	s = mustOpenWarming(t, fs, depth, 0)
	<-reached
	stop := startReaders(2, func() error {
		ci := s.LastCommit()
		for i := 0; i < 20; i++ {
			key := []byte(fmt.Sprintf("key-%06d", rand.Intn(24000)))
			v, err := s.GetAt(ci.Version, key)
			if err != nil || v == nil {
				return err // nil for a key absent at that version
			}
			p, err := s.Proof(ci.Version, key)
			if err == nil {
				err = VerifyMembership(ci.Root, p, key, v)
			}
			if err != nil {
				return fmt.Errorf("version %d, key %s: %w", ci.Version, key, err)
			}
		}
		return nil
	})
	for range 3 {
		commit(randomChanges(rng, 3000, 24000, 0.3))
	}
	close(resume)
	// More commits while the warm-up puts its batches: restaging reads the
	// cache as the warm-up writes it (run with -race as well).
	for range 2 {
		commit(randomChanges(rng, 3000, 24000, 0.3))
	}
	s.WaitForWarmUp()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	want := cachedRecords(m.latest(), depth)
	if n, _ := s.tree.cache.size(); n != len(want) {
		t.Fatalf("%d buckets cached after the warm-up, want %d", n, len(want))
	}
	for b, rec := range want {
		if e, ok := s.tree.cache.entry(b); !ok || !bytes.Equal(e, rec) {
			t.Fatalf("bucket %d cached as %x (%v), want %x", b, e, ok, rec)
		}
	}
	commit(randomChanges(rng, 3000, 24000, 0.3))
	if n := s.Stats().LastScannedBuckets; n != 0 {
		t.Fatalf("%d buckets read after the warm-up", n)
	}
	want = cachedRecords(m.latest(), depth)

	s.Close()
	reached, resume = hold()
	s = mustOpenWarming(t, fs, depth, 0)
	<-reached
	closed := make(chan error)
	go func() { closed <- s.Close() }()
	for marked := false; !marked; time.Sleep(time.Millisecond) {
		s.mu.RLock()
		marked = s.closed // Close now waits for the warm-up
		s.mu.RUnlock()
	}
	close(resume)
	if err := <-closed; err != nil {
		t.Fatalf("close during the warm-up: %v", err)
	}
	if n, _ := s.tree.cache.size(); n >= len(want) {
		t.Fatalf("%d buckets cached by a warm-up that Close ended, want fewer than %d", n, len(want))
	}
	s = mustOpen(t, fs, depth)
	if n, _ := s.tree.cache.size(); n != len(want) {
		t.Fatalf("reopened after a Close during the warm-up: %d buckets cached, want %d", n, len(want))
	}
}

// TestStatsFollowTheWarmUp: while a warm-up runs, Stats says so and the
// share of buckets it has read grows batch by batch; when it has ended,
// Stats says it no longer runs, and it had read every bucket.
func TestStatsFollowTheWarmUp(t *testing.T) {
	const depth = 12
	fs := randomKeysOnDisk(t, depth, 14)
	prevBatch := warmBatchBytes
	warmBatchBytes = 16 << 10
	// Each batch waits before its put until the test has read Stats, or
	// has ended (quit), so that Close need not wait for ever.
	at, next, quit := make(chan struct{}), make(chan struct{}), make(chan struct{})
	beforeWarmPut = func() {
		select {
		case at <- struct{}{}:
			select {
			case <-next:
			case <-quit:
			}
		case <-quit:
		}
	}
	defer func() { warmBatchBytes, beforeWarmPut = prevBatch, nil }()
	s := mustOpenWarming(t, fs, depth, 0)
	defer s.Close()
	defer close(quit)
	<-at
	w := s.warming.Load()
	var seen []float64
	for open := true; open; {
		st := s.Stats()
		if !st.WarmingUp {
			t.Fatalf("Stats says no warm-up runs before batch %d", len(seen)+1)
		}
		if n := len(seen); n > 0 && st.WarmUpRead <= seen[n-1] || st.WarmUpRead >= 1 {
			t.Fatalf("share read before batch %d: %v, after %v", n+1, st.WarmUpRead, seen)
		}
		seen = append(seen, st.WarmUpRead)
		next <- struct{}{}
		select {
		case <-at:
		case <-w.done:
			open = false
		}
	}
	if len(seen) < 4 || seen[0] != 0 {
		t.Fatalf("shares read before each batch: %v, want several, from 0", seen)
	}
	if st := s.Stats(); st.WarmingUp || st.WarmUpRead != 0 {
		t.Fatalf("after the warm-up, Stats says warming %v, read %v", st.WarmingUp, st.WarmUpRead)
	}
	if n := w.read.Load(); n != 1<<depth {
		t.Fatalf("the warm-up read %d buckets, want %d", n, 1<<depth)
	}
}

// TestStatsAddUpCommits: ScannedBuckets and ChangedLeaves are the sums of
// the commits' LastScannedBuckets and LastChangedLeaves since the store
// opened.
func TestStatsAddUpCommits(t *testing.T) {
	const depth = 12
	fs := vfs.NewMem()
	rng := rand.New(rand.NewSource(15))
	s := mustOpenWith(t, fs, depth, -1) // no cache: commits read buckets
	defer func() { s.Close() }()
	for round := range 2 {
		var scanned, changed int64
		for range 3 {
			mustCommit(t, s, randomChanges(rng, 3000, 24000, 0.2))
			st := s.Stats()
			scanned += int64(st.LastScannedBuckets)
			changed += int64(st.LastChangedLeaves)
			if st.ScannedBuckets != scanned || st.ChangedLeaves != changed {
				t.Fatalf("round %d: totals %d buckets scanned and %d leaves changed, want %d and %d", round, st.ScannedBuckets, st.ChangedLeaves, scanned, changed)
			}
		}
		if scanned == 0 || changed < scanned {
			t.Fatalf("round %d: %d buckets scanned for %d leaves changed", round, scanned, changed)
		}
		s.Close()
		s = mustOpenWith(t, fs, depth, -1)
		if st := s.Stats(); st.ScannedBuckets != 0 || st.ChangedLeaves != 0 {
			t.Fatalf("reopened: totals %d and %d, want 0", st.ScannedBuckets, st.ChangedLeaves)
		}
	}
}

// TestPanicInWarmUpFailsTheStore: a panic inside Pebble on a warm-up's
// goroutine (see recoverFatal) must fail the store, as on any call into it,
// not kill the process.
func TestPanicInWarmUpFailsTheStore(t *testing.T) {
	const depth = 12
	fs := randomKeysOnDisk(t, depth, 13)
	beforeWarmPut = func() { panic(pebbleFatal{"injected on the warm-up"}) }
	defer func() { beforeWarmPut = nil }()
	s := mustOpenWarming(t, fs, depth, 0)
	s.WaitForWarmUp()
	if _, err := s.Get([]byte("key-000001")); !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "injected on the warm-up") {
		t.Fatalf("Get after a panic in the warm-up: %v, want ErrFailed naming the panic", err)
	}
	if err := s.Close(); !errors.Is(err, ErrFailed) {
		t.Fatalf("Close after a panic in the warm-up: %v, want ErrFailed", err)
	}
}

// openWithRandomKeys opens a store on fs into *s and commits three rounds of
// random changes to it. The commit it returns commits changes to the store
// *s then holds and to m, and checks the root against refRoot.
func openWithRandomKeys(t *testing.T, fs vfs.FS, depth int, rng *rand.Rand, s **Store, m *model) func([]Change) {
	t.Helper()
	*s = mustOpen(t, fs, depth)
	commit := func(cs []Change) {
		t.Helper()
		m.commit(cs)
		if ci := mustCommit(t, *s, cs); !bytes.Equal(ci.Root, refRoot(m.latest())) {
			t.Fatalf("root %x, want %x", ci.Root, refRoot(m.latest()))
		}
	}
	for range 3 {
		commit(randomChanges(rng, 8000, 24000, 0.1))
	}
	return commit
}

// randomKeysOnDisk is a closed store of openWithRandomKeys's keys, on a new
// in-memory filesystem: to open with a test's hooks in place.
func randomKeysOnDisk(t *testing.T, depth int, seed int64) vfs.FS {
	t.Helper()
	fs := vfs.NewMem()
	var s *Store
	openWithRandomKeys(t, fs, depth, rand.New(rand.NewSource(seed)), &s, newModel())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return fs
}

// cachedRecords returns what a bucket cache without a budget holds for the
// state: cacheRecord of each bucket's leaves, for the buckets it keeps.
func cachedRecords(state map[string]string, depth int) map[uint64][]byte {
	byBucket := map[uint64][]leaf{}
	for k, v := range state {
		kh := sha256.Sum256([]byte(k))
		b := prefixIndex(&kh, depth)
		byBucket[b] = append(byBucket[b], newLeaf(kh, sha256.Sum256([]byte(v)), nil))
	}
	out := map[uint64][]byte{}
	for b, ls := range byBucket {
		slices.SortFunc(ls, func(x, y leaf) int { return bytes.Compare(x.kh[:], y.kh[:]) })
		if rec := cacheRecord(ls, depth); rec != nil {
			out[b] = rec
		}
	}
	return out
}
