package store

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
)

// TestComparerSplit checks the properties Pebble requires of Split (see
// pebble.Split) on random keys of every kind the store writes, and that
// ImmediateSuccessor returns the next prefix key.
func TestComparerSplit(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var keys [][]byte
	for i := 0; i < 400; i++ {
		var kh [32]byte
		rng.Read(kh[:])
		keys = append(keys,
			leafKey(&kh, 12+rng.Intn(15)),
			bucketLeafPrefix(uint64(rng.Uint32())),
			flatKey(kh[:1+rng.Intn(31)]),
			undoLeafKey(int64(rng.Intn(9)), kh[:]),
			versionKey(int64(rng.Intn(9))),
			[]byte{prefixLeaf}, []byte{prefixLeaf, kh[0]}, []byte{prefixLeaf, kh[0], kh[1], kh[2]},
		)
	}
	split, cmp := comparer.Split, comparer.Compare
	for _, a := range keys {
		n := split(a)
		if n > len(a) {
			t.Fatalf("Split(%x) = %d, past the key", a, n)
		}
		if n < len(a) && cmp(a[:n], a) >= 0 {
			t.Fatalf("prefix of %x does not sort before the key", a)
		}
		if a[0] == prefixLeaf && len(a) >= leafPrefixLen && n != leafPrefixLen {
			t.Fatalf("leaf key %x: prefix %d bytes, want the bucket", a, n)
		}
		for _, b := range keys[:50] {
			m := split(b)
			if cmp(a, b) <= 0 && cmp(a[:n], b[:m]) > 0 {
				t.Fatalf("%x <= %x but prefixes are out of order", a, b)
			}
			if cmp(a[:n], b[:m]) == 0 && cmp(a[n:], b[m:]) != cmp(a, b) {
				t.Fatalf("suffixes of %x and %x do not order like the keys", a, b)
			}
		}
	}
	next := comparer.ImmediateSuccessor(nil, bucketLeafPrefix(7))
	if !bytes.Equal(next, bucketLeafPrefix(8)) || split(next) != len(next) {
		t.Fatalf("ImmediateSuccessor(bucket 7) = %x", next)
	}
	if last := comparer.ImmediateSuccessor(nil, bucketLeafPrefix(1<<32-1)); !bytes.Equal(last, []byte{prefixLeaf + 1}) {
		t.Fatalf("ImmediateSuccessor(last bucket) = %x", last)
	}
}

// TestBucketScansAcrossLevels spreads the leaf index over many sstables on
// two levels (automatic compactions off, a tiny memtable, one manual
// compaction halfway), so that bucket scans go through bloom filters and
// SeekPrefixGE across levels: roots, proofs and old versions must still match
// the model, then again after a full compaction and a reopen.
func TestBucketScansAcrossLevels(t *testing.T) {
	testTweakPebble = func(po *pebble.Options) { po.DisableAutomaticCompactions = true }
	defer func() { testTweakPebble = nil }()
	rng := rand.New(rand.NewSource(17))
	fs := vfs.NewMem()
	opts := Options{FS: fs, BucketDepth: 12, CacheBytes: 1 << 20, MemTableBytes: 64 << 10}
	s, err := Open("db", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	m := newModel()
	roots := [][]byte{make([]byte, 32)}
	commit := func() {
		cs := randomChanges(rng, 300, 9000, 0.2)
		ci := mustCommit(t, s, cs)
		m.commit(cs)
		roots = append(roots, ci.Root)
		if want := refRoot(m.latest()); !bytes.Equal(ci.Root, want) {
			t.Fatalf("version %d: root %x, reference %x", ci.Version, ci.Root, want)
		}
	}
	check := func() {
		v := int64(len(roots) - 1)
		old := int64(rng.Intn(int(v)) + 1)
		for i := 0; i < 20; i++ {
			k := fmt.Sprintf("key-%06d", rng.Intn(9000))
			checkProof(t, s, v, roots[v], m.latest(), k)
			checkProof(t, s, old, roots[old], m.versions[old], k)
		}
	}
	compact := func() {
		if err := s.db.Compact([]byte{0}, []byte{0xff}, true); err != nil {
			t.Fatal(err)
		}
	}
	for v := 0; v < 20; v++ {
		commit()
	}
	compact()
	for v := 0; v < 12; v++ {
		commit()
	}
	check()
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	levels, tables := 0, int64(0)
	for _, l := range s.db.Metrics().Levels {
		if l.NumFiles > 0 {
			levels++
			tables += l.NumFiles
		}
	}
	if levels < 2 || tables < 10 {
		t.Fatalf("%d sstables on %d levels; the test needs many on several", tables, levels)
	}
	compact()
	for v := 0; v < 5; v++ {
		commit()
	}
	check()
	s.Close()
	if s, err = Open("db", opts); err != nil {
		t.Fatal(err)
	}
	commit()
	check()
}

// TestLeafValuesStayInPlace checks that Pebble keeps the values of a bucket's
// leaves in the data blocks (no value blocks), so that a bucket scan reads
// one block: sstables written for the leaf index must report no value blocks.
func TestLeafValuesStayInPlace(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	rng := rand.New(rand.NewSource(4))
	for v := 0; v < 10; v++ {
		mustCommit(t, s, randomChanges(rng, 2000, 40000, 0))
	}
	if err := s.db.Compact([]byte{prefixLeaf}, []byte{prefixLeaf + 1}, true); err != nil {
		t.Fatal(err)
	}
	props, err := s.db.SSTables(pebble.WithProperties())
	if err != nil {
		t.Fatal(err)
	}
	tables := 0
	for _, level := range props {
		for _, tab := range level {
			tables++
			if tab.Properties.NumValuesInValueBlocks != 0 {
				t.Fatalf("table %s has %d values in value blocks", tab.FileNum, tab.Properties.NumValuesInValueBlocks)
			}
		}
	}
	if tables == 0 {
		t.Fatal("no sstables to check")
	}
}

// TestOpenRefusesAnotherLayout opens a Pebble database made with Pebble's
// default comparer (a store from before the leaf index was keyed by bucket):
// Open must refuse it with an error that says why, and change nothing.
func TestOpenRefusesAnotherLayout(t *testing.T) {
	fs := vfs.NewMem()
	db, err := pebble.Open("db", &pebble.Options{FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Set([]byte("Mx"), []byte("1"), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open("db", Options{FS: fs})
	if err == nil || !strings.Contains(err.Error(), "another key layout") {
		t.Fatalf("Open = %v, want an error about the key layout", err)
	}
	db, err = pebble.Open("db", &pebble.Options{FS: fs})
	if err != nil {
		t.Fatalf("the old database no longer opens: %v", err)
	}
	defer db.Close()
	if v, closer, err := db.Get([]byte("Mx")); err != nil || string(v) != "1" {
		t.Fatalf("old data changed: %q, %v", v, err)
	} else {
		closer.Close()
	}
}

// TestCreatedKeysArePacked checks the undo log of a version that creates
// keys: no entry per created key, only pages of their hashes, while a changed
// key keeps its own record. It also reads a store whose undo log still has the
// older one-entry-per-created-key form (a lone 0x00 record): old versions must
// read the same either way.
func TestCreatedKeysArePacked(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	var first []Change
	for i := 0; i < 600; i++ {
		first = append(first, Change{Key: fmt.Appendf(nil, "decl/%04d", i), Value: []byte("filed")})
	}
	mustCommit(t, s, first)
	second := []Change{{Key: []byte("decl/0001"), Value: []byte("cleared")}}
	for i := 600; i < 700; i++ {
		second = append(second, Change{Key: fmt.Appendf(nil, "decl/%04d", i), Value: []byte("filed")})
	}
	mustCommit(t, s, second)

	leafRecords := countKeys(t, s, append(undoPrefix(2), undoKindLeaf), append(undoPrefix(2), undoKindLeaf+1))
	if leafRecords != 1 {
		t.Fatalf("version 2 has %d per-key undo records, want 1 (the changed key)", leafRecords)
	}
	pages := countKeys(t, s, append(undoPrefix(1), undoKindCreated), append(undoPrefix(1), undoKindCreated+1))
	if pages == 0 || pages > 256 {
		t.Fatalf("version 1 has %d pages of created keys, want 1..256", pages)
	}
	check := func() {
		t.Helper()
		for _, c := range []struct {
			version int64
			key     string
			want    string
		}{{1, "decl/0001", "filed"}, {1, "decl/0650", ""}, {2, "decl/0650", "filed"}, {2, "decl/0001", "cleared"}} {
			got, err := s.GetAt(c.version, []byte(c.key))
			if err != nil || string(got) != c.want {
				t.Fatalf("GetAt(%d, %s) = %q, %v; want %q", c.version, c.key, got, err, c.want)
			}
		}
		var n int
		if err := s.IterateAt(1, nil, nil, func(_, _ []byte) bool { n++; return true }); err != nil || n != 600 {
			t.Fatalf("IterateAt(1) saw %d keys, %v; want 600", n, err)
		}
		p, err := s.Proof(1, []byte("decl/0650"))
		if err != nil {
			t.Fatal(err)
		}
		root, _ := s.RootAt(1)
		if err := VerifyNonMembership(root, p, []byte("decl/0650")); err != nil {
			t.Fatalf("decl/0650 absent at version 1: %v", err)
		}
	}
	check()

	// Rewrite version 2's pages in the older form: one 0x00 record per key.
	b := s.db.NewBatch()
	p := append(undoPrefix(2), undoKindCreated)
	if err := s.scan(p, prefixEnd(p), func(k, page []byte) error {
		for i := 0; i < len(page); i += 32 {
			if err := b.Set(undoLeafKey(2, page[i:i+32]), []byte{0}, nil); err != nil {
				return err
			}
		}
		return b.Delete(k, nil)
	}); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if n := countKeys(t, s, append(undoPrefix(2), undoKindLeaf), append(undoPrefix(2), undoKindLeaf+1)); n != 101 {
		t.Fatalf("rewrote version 2 into %d records, want 101", n)
	}
	check()
}

// TestCompactionsReportsPebblesWork checks the compaction report a benchmark
// or operator waits on: a manual compaction of many tables is counted while it
// runs and nothing is running once it has returned.
func TestCompactionsReportsPebblesWork(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	rng := rand.New(rand.NewSource(7))
	for v := 0; v < 30; v++ {
		mustCommit(t, s, randomChanges(rng, 300, 100_000, 0))
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- s.db.Compact([]byte{0}, []byte{0xff}, true) }()
	seen := false
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
			if n, _ := s.Compactions(); n > 0 {
				seen = true
			}
		}
	}
	if n, _ := s.Compactions(); n != 0 {
		t.Fatalf("%d compactions reported running after the compaction returned", n)
	}
	if !seen {
		t.Fatal("a manual compaction of 30 tables ran without being reported")
	}
}

// TestOpenRefusesAnotherCommitmentFormat: a store whose tree was hashed the
// first way (no format record, versions present) or in an unknown format must
// not open, with an error that says why; an empty store without the record
// takes the current format.
func TestOpenRefusesAnotherCommitmentFormat(t *testing.T) {
	for _, tc := range []struct {
		name    string
		record  []byte // nil: no record
		commit  bool
		wantErr string
	}{
		{name: "format 1 with versions", commit: true, wantErr: "commitment format 1"},
		{name: "unknown format", record: []byte{9}, commit: true, wantErr: "commitment format 09"},
		{name: "empty store without record"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, fs := openMem(t, 12)
			if tc.commit {
				mustCommit(t, s, sets("a", "1"))
			}
			var err error
			if tc.record == nil {
				err = s.db.Delete(metaFormat, pebble.Sync)
			} else {
				err = s.db.Set(metaFormat, tc.record, pebble.Sync)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s, err = Open("db", Options{FS: fs, CacheBytes: 8 << 20})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Open = %v, want an error naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if b, ok, err := s.getRaw(s.db, metaFormat); err != nil || !ok || !bytes.Equal(b, []byte{commitmentFormat}) {
				t.Fatalf("format record %x, %v, %v; want %d", b, ok, err, commitmentFormat)
			}
		})
	}
}

// oneBucketKeys returns n keys of one bucket at depth, sorted by key hash,
// and the bucket.
func oneBucketKeys(depth, n int) (uint64, []string) {
	byBucket := map[uint64][]string{}
	for i := 0; ; i++ {
		k := fmt.Sprintf("tip-%d", i)
		kh := sha256.Sum256([]byte(k))
		b := prefixIndex(&kh, depth)
		if byBucket[b] = append(byBucket[b], k); len(byBucket[b]) == n {
			ks := byBucket[b]
			sort.Slice(ks, func(i, j int) bool {
				hi, hj := sha256.Sum256([]byte(ks[i])), sha256.Sum256([]byte(ks[j]))
				return bytes.Compare(hi[:], hj[:]) < 0
			})
			return b, ks
		}
	}
}

// TestSingleLeafBucketsNeedNoScan follows one bucket through the cases of
// restageBucket, with no bucket cache: a change beside the bucket's one leaf
// needs no read of the leaf index, nor does a change of the leaf's own key
// (the flat index shows it is that leaf); a new key with the leaf's tip does,
// and so does a bucket of two leaves or one whose tip is not known. The tip
// comes back after a reopen and an import, and a bucket summary written
// without a tip still reads. Every root is checked against refRoot.
func TestSingleLeafBucketsNeedNoScan(t *testing.T) {
	const depth = 12
	b, k := oneBucketKeys(depth, 3)
	fs := vfs.NewMem()
	s := mustOpenWith(t, fs, depth, -1)
	defer func() { s.Close() }()
	m := newModel()
	step := func(name string, wantScans int, cs []Change) {
		t.Helper()
		m.commit(cs)
		ci := mustCommit(t, s, cs)
		if want := refRoot(m.latest()); !bytes.Equal(ci.Root, want) {
			t.Fatalf("%s: root %x, want %x", name, ci.Root, want)
		}
		if got := s.Stats().LastScannedBuckets; got != wantScans {
			t.Fatalf("%s: %d buckets scanned, want %d", name, got, wantScans)
		}
	}
	del := func(key string) Change { return Change{Key: []byte(key), Delete: true} }
	kh := func(key string) [32]byte { return sha256.Sum256([]byte(key)) }

	step("into the empty bucket", 0, sets(k[1], "1"))
	step("beside the one leaf, to its left", 0, sets(k[0], "0"))
	step("into a bucket of two", 1, sets(k[2], "2"))
	step("down to one leaf", 1, []Change{del(k[0]), del(k[2])})
	step("beside the one leaf, to its right", 0, sets(k[2], "2"))
	step("down to one leaf again", 1, []Change{del(k[2])})
	step("the one leaf itself", 0, sets(k[1], "1b"))
	step("the one leaf deleted", 0, []Change{del(k[1])})
	step("into the empty bucket again", 0, sets(k[1], "1"))
	step("an absent key of the bucket", 0, []Change{del(k[0])})

	s.Close()
	s = mustOpenWith(t, fs, depth, -1)
	step("after a reopen", 0, sets(k[2], "2"))
	step("down to one leaf after the reopen", 1, []Change{del(k[2])})

	// A key with the leaf's tip may be the leaf's own key: it must be
	// read. Forge the tip of k[0], which sorts before the real leaf k[1]:
	// placed by its tip alone, the leaf would go on k[0]'s right.
	s.tree.tips[b] = tipOf(ptr(kh(k[0])), depth)
	step("a key with the leaf's tip", 1, sets(k[0], "0"))
	step("down to one leaf once more", 1, []Change{del(k[0])})

	// A summary written without a tip leaves it unknown: read the leaf.
	n := s.tree.node(depth, b)
	if err := s.db.Set(bucketKey(b), encodeNode(n), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpenWith(t, fs, depth, -1)
	if s.tree.tips[b] != 0 {
		t.Fatalf("tip %08x read from a summary without one", s.tree.tips[b])
	}
	step("a summary without a tip", 1, sets(k[2], "2"))
	step("down to one leaf, tip known again", 1, []Change{del(k[2])})
	if got, want := s.tree.tips[b], tipOf(ptr(kh(k[1])), depth); got != want {
		t.Fatalf("tip %08x after a scan, want %08x", got, want)
	}

	// An imported store knows the tips of its single-leaf buckets.
	version, root, chunks := exportAll(t, s, 1024)
	dst := mustOpenWith(t, vfs.NewMem(), depth, -1)
	importAll(t, dst, version, root, chunks)
	s.Close()
	s = dst
	step("after an import", 0, sets(k[0], "0"))
}

// encodeNode is a bucket summary as written before tips were kept.
func encodeNode(n node) []byte {
	return append(append(make([]byte, 0, 33), n.h[:]...), boolByte(n.single))
}
