package store

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestAgainstModel runs random changes, commits and reopens against a plain
// map per version, checking values, roots, iteration and proofs of present
// and absent keys at the latest and at older versions.
func TestAgainstModel(t *testing.T) {
	for seed := int64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runModel(t, seed) })
	}
}

func runModel(t *testing.T, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	s, fs := openMem(t, 12+rng.Intn(3))
	defer func() { s.Close() }()
	m := newModel()
	roots := [][]byte{make([]byte, 32)}
	for v := 1; v <= 25; v++ {
		cs := randomChanges(rng, rng.Intn(80), 200, 0.35)
		roots = append(roots, mustCommit(t, s, cs).Root)
		m.commit(cs)
		if !bytes.Equal(roots[v], refRoot(m.latest())) {
			t.Fatalf("version %d: root %x, reference %x", v, roots[v], refRoot(m.latest()))
		}
		if rng.Intn(5) == 0 {
			s.Close()
			s = mustOpen(t, fs, 99) // depth is read from the store, not the option
		}
		old := int64(rng.Intn(v + 1))
		for i := 0; i < 10; i++ {
			k := fmt.Sprintf("key-%06d", rng.Intn(220))
			checkProof(t, s, int64(v), roots[v], m.latest(), k)
			checkProof(t, s, old, roots[old], m.versions[old], k)
			got, err := s.GetAt(old, []byte(k))
			if want := m.versions[old][k]; err != nil || string(got) != want {
				t.Fatalf("GetAt(%d, %s) = %q, %v; want %q", old, k, got, err, want)
			}
		}
		checkIterateAt(t, s, old, m.versions[old])
		if st := s.Stats(); st.Keys != int64(len(m.latest())) {
			t.Fatalf("stats keys %d, model %d", st.Keys, len(m.latest()))
		}
	}
}

// TestDeterminism commits the same final state with different batching,
// change order, GOMAXPROCS, cache sizes (block and bucket caches), bucket
// depths and restarts and expects the same roots.
func TestDeterminism(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	var all []Change
	for i := 0; i < 3000; i++ {
		all = append(all, Change{Key: []byte(fmt.Sprintf("d%d", i)), Value: []byte(fmt.Sprintf("v%d", rng.Int()))})
	}
	var want []byte
	for i, cfg := range []struct {
		procs, depth, batch int
		cache, bucketCache  int64
		shuffle, reopen     bool
	}{
		{1, 12, 3000, 1 << 20, -1, false, false},
		{2, 16, 700, 64 << 20, 0, true, false},
		{4, 20, 250, 1 << 20, 0, true, true},
		{1, 14, 1, 8 << 20, 0, false, false},
		{2, 12, 100, 1 << 20, 8 << 10, true, true},
	} {
		prev := runtime.GOMAXPROCS(cfg.procs)
		root := commitInBatches(t, all, cfg.depth, cfg.batch, cfg.cache, cfg.bucketCache, cfg.shuffle, cfg.reopen)
		runtime.GOMAXPROCS(prev)
		if i == 0 {
			want = root
		} else if !bytes.Equal(root, want) {
			t.Fatalf("config %d: root %x, want %x", i, root, want)
		}
	}
}

func commitInBatches(t *testing.T, all []Change, depth, batch int, cache, bucketCache int64, shuffle, reopen bool) []byte {
	cs := append([]Change(nil), all...)
	if shuffle {
		rand.New(rand.NewSource(int64(batch))).Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	}
	fs := vfsNewMem()
	s, err := Open("db", Options{FS: fs, BucketDepth: depth, CacheBytes: cache, BucketCacheBytes: bucketCache})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(cs); i += batch {
		mustCommit(t, s, cs[i:min(i+batch, len(cs))])
		if reopen && i%(5*batch) == 0 {
			s.Close()
			s = mustOpenWith(t, fs, 0, bucketCache)
		}
	}
	root := s.LastCommit().Root
	s.Close()
	return root
}

// TestGoldenRoots checks roots against testdata/roots.txt. Each block there is
// a list of changes ("set k v" / "del k"), then "commit" and the root in hex.
// Run with -rewrite to regenerate the roots (read the diff before committing).
func TestGoldenRoots(t *testing.T) {
	path := filepath.Join("testdata", "roots.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := openMem(t, 12)
	defer s.Close()
	var out []string
	var cs []Change
	for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "set":
			cs = append(cs, Change{Key: []byte(f[1]), Value: []byte(f[2])})
		case len(f) == 2 && f[0] == "del":
			cs = append(cs, Change{Key: []byte(f[1]), Delete: true})
		case len(f) >= 1 && f[0] == "commit":
			root := fmt.Sprintf("%x", mustCommit(t, s, cs).Root)
			cs = nil
			if !*rewrite && (len(f) != 2 || f[1] != root) {
				t.Errorf("%s: root %s", line, root)
			}
			line = "commit " + root
		}
		out = append(out, line)
	}
	if *rewrite {
		if err := os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReadersDuringStageAndCommit runs readers against the latest version
// while the writer stages and commits; a reader must always see a whole
// committed version whose proofs verify against LastCommit's root.
func TestReadersDuringStageAndCommit(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	mustCommit(t, s, sets("fixed", "1"))
	stop := startReaders(2, func() error { return readConsistently(s) })
	rng := rand.New(rand.NewSource(5))
	for v := 0; v < 40; v++ {
		mustCommit(t, s, randomChanges(rng, 50, 300, 0.3))
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// startReaders runs read in a loop on n goroutines until it fails or the
// returned stop is called; stop waits for them and returns the first failure.
func startReaders(n int, read func() error) (stop func() error) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if err := read(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	return func() error {
		close(done)
		wg.Wait()
		close(errs)
		return <-errs
	}
}

func readConsistently(s *Store) error {
	ci := s.LastCommit()
	p, err := s.Proof(ci.Version, []byte("fixed"))
	if err != nil {
		return err
	}
	if err := VerifyMembership(ci.Root, p, []byte("fixed"), []byte("1")); err != nil {
		return err
	}
	if v, err := s.Get([]byte("fixed")); err != nil || string(v) != "1" {
		return fmt.Errorf("get fixed = %q, %v", v, err)
	}
	return s.Iterate(nil, nil, func(k, v []byte) bool { return true })
}

// TestGetSeesEachCommit checks that latest reads, which reuse pooled
// iterators, see every commit as soon as Commit returns: a reader never gets a
// value older than the version committed before its read began.
func TestGetSeesEachCommit(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	ctr := []byte("counter")
	mustCommit(t, s, []Change{{Key: ctr, Value: []byte("1")}})
	stop := startReaders(2, func() error {
		before := s.LastCommit().Version
		v, err := s.Get(ctr)
		after := s.LastCommit().Version
		n, perr := strconv.ParseInt(string(v), 10, 64)
		if err != nil || perr != nil || n < before || n > after {
			return fmt.Errorf("read %q (%v) between versions %d and %d", v, err, before, after)
		}
		return nil
	})
	for v := int64(2); v <= 300; v++ {
		ci := mustCommit(t, s, []Change{{Key: ctr, Value: []byte(strconv.FormatInt(v, 10))}})
		if ci.Version != v {
			t.Fatalf("version %d, want %d", ci.Version, v)
		}
		if got, err := s.Get(ctr); err != nil || string(got) != strconv.FormatInt(v, 10) {
			t.Fatalf("right after commit %d: %q, %v", v, got, err)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
