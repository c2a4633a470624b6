package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"testing"
)

func TestPruneDropsHistory(t *testing.T) {
	s, fs := openMem(t, 12)
	m := newModel()
	rng := rand.New(rand.NewSource(9))
	for v := 1; v <= 10; v++ {
		cs := randomChanges(rng, 60, 150, 0.3)
		mustCommit(t, s, cs)
		m.commit(cs)
	}
	if err := s.Prune(6); err != nil {
		t.Fatal(err)
	}
	if undo := countKeys(t, s, undoPrefix(0), undoPrefix(7)); undo != 0 {
		t.Fatalf("%d undo records of versions <= 6 left", undo)
	}
	if kept := countKeys(t, s, undoPrefix(7), undoPrefix(11)); kept == 0 {
		t.Fatalf("undo records of retained versions dropped")
	}
	if err := s.CompactHistory(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpen(t, fs, 0)
	defer s.Close()
	if s.OldestVersion() != 6 {
		t.Fatalf("oldest %d after reopen", s.OldestVersion())
	}
	for _, v := range []int64{0, 5} {
		if _, err := s.GetAt(v, []byte("key-000001")); !errors.Is(err, ErrVersionPruned) {
			t.Fatalf("GetAt(%d) after prune: %v", v, err)
		}
		if _, err := s.Proof(v, []byte("key-000001")); !errors.Is(err, ErrVersionPruned) {
			t.Fatalf("Proof(%d) after prune: %v", v, err)
		}
	}
	for v := int64(6); v <= 10; v++ {
		root, err := s.RootAt(v)
		if err != nil || !bytes.Equal(root, refRoot(m.versions[v])) {
			t.Fatalf("RootAt(%d) = %x, %v", v, root, err)
		}
		for i := 0; i < 150; i += 13 {
			k := fmt.Sprintf("key-%06d", i)
			checkProof(t, s, v, root, m.versions[v], k)
			if got, _ := s.GetAt(v, []byte(k)); string(got) != m.versions[v][k] {
				t.Fatalf("GetAt(%d, %s) = %q", v, k, got)
			}
		}
	}
	if err := s.Prune(100); err != nil || s.OldestVersion() != 10 {
		t.Fatalf("prune past latest: %v, oldest %d", err, s.OldestVersion())
	}
}

func countKeys(t *testing.T, s *Store, lo, hi []byte) int {
	n := 0
	if err := s.scan(lo, hi, func(k, v []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// fillForSnapshot commits a few versions with Merkle and aux keys.
func fillForSnapshot(t testing.TB, s *Store) {
	rng := rand.New(rand.NewSource(21))
	for v := 0; v < 4; v++ {
		aux := []Change{{Key: []byte(fmt.Sprintf("aux-%d", v)), Value: []byte(fmt.Sprint(v))}}
		if _, err := s.Stage(randomChanges(rng, 300, 1000, 0.2), aux); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	// One value larger than the chunk limit gets a chunk of its own.
	mustCommit(t, s, []Change{{Key: []byte("big"), Value: bytes.Repeat([]byte("b"), 5000)}})
}

func exportAll(t testing.TB, s *Store, maxBytes int) (int64, []byte, [][]byte) {
	e, err := s.NewExporter()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// Commits after the exporter opened must not show up in the export.
	mustCommit(t, s, sets("late", "x"))
	var chunks [][]byte
	for {
		c, err := e.Next(maxBytes)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(c) > maxBytes && !bytes.Contains(c, bytes.Repeat([]byte("b"), 5000)) {
			t.Fatalf("chunk of %d bytes over the %d limit", len(c), maxBytes)
		}
		chunks = append(chunks, c)
	}
	return e.Version(), e.Root(), chunks
}

func TestSnapshotRoundTrip(t *testing.T) {
	src, _ := openMem(t, 14)
	defer src.Close()
	fillForSnapshot(t, src)
	version, root, chunks := exportAll(t, src, 1024)
	if len(chunks) < 10 {
		t.Fatalf("only %d chunks", len(chunks))
	}
	dst, fs := openMem(t, 12) // another bucket depth: the root does not depend on it
	importAll(t, dst, version, root, chunks)
	dst.Close()
	dst = mustOpen(t, fs, 0)
	defer dst.Close()
	if got := dst.LastCommit(); got.Version != version || !bytes.Equal(got.Root, root) {
		t.Fatalf("reopened import at %d %x", got.Version, got.Root)
	}
	compareStores(t, src, dst, version)
}

// importAll imports the chunks of an export into the empty store dst.
func importAll(t testing.TB, dst *Store, version int64, root []byte, chunks [][]byte) {
	t.Helper()
	im, err := dst.NewImporter(version, root)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if err := im.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	ci, err := im.Finish()
	if err != nil || ci.Version != version || !bytes.Equal(ci.Root, root) {
		t.Fatalf("finish: %+v %v", ci, err)
	}
}

// compareStores checks dst holds src's state at version and evolves alike.
func compareStores(t *testing.T, src, dst *Store, version int64) {
	n := 0
	err := src.IterateAt(version, nil, nil, func(k, v []byte) bool {
		n++
		got, err := dst.Get(k)
		if err != nil || !bytes.Equal(got, v) {
			t.Fatalf("key %q: %q %v", k, got, err)
		}
		return true
	})
	if err != nil || int64(n) != dst.Stats().Keys {
		t.Fatalf("%d keys, imported store counts %d: %v", n, dst.Stats().Keys, err)
	}
	if v, _ := dst.GetAux([]byte("aux-2")); string(v) != "2" {
		t.Fatalf("aux not imported: %q", v)
	}
	root := dst.LastCommit().Root
	p, err := dst.Proof(version, []byte("big"))
	if err != nil || VerifyMembership(root, p, []byte("big"), bytes.Repeat([]byte("b"), 5000)) != nil {
		t.Fatalf("proof in imported store: %v", err)
	}
	if _, err := dst.GetAt(version-1, []byte("big")); !errors.Is(err, ErrVersionPruned) {
		t.Fatalf("history before the imported version: %v", err)
	}
	if a, b := mustCommit(t, dst, sets("late", "x")), src.LastCommit(); !bytes.Equal(a.Root, b.Root) || a.Version != b.Version {
		t.Fatalf("stores diverge after import: %d %x vs %d %x", a.Version, a.Root, b.Version, b.Root)
	}
}

func TestImportRejectsBadInput(t *testing.T) {
	src, _ := openMem(t, 12)
	defer src.Close()
	fillForSnapshot(t, src)
	version, root, chunks := exportAll(t, src, 2048)
	badRoot := append([]byte(nil), root...)
	badRoot[0] ^= 1
	cases := map[string]func([][]byte) ([][]byte, []byte){
		"flipped byte": func(c [][]byte) ([][]byte, []byte) { c[1] = flip(c[1], 20); return c, root },
		"truncated":    func(c [][]byte) ([][]byte, []byte) { c[2] = c[2][:len(c[2])-9]; return c, root },
		"reordered":    func(c [][]byte) ([][]byte, []byte) { c[1], c[2] = c[2], c[1]; return c, root },
		"duplicated":   func(c [][]byte) ([][]byte, []byte) { c[2] = c[1]; return c, root },
		"missing":      func(c [][]byte) ([][]byte, []byte) { return append(c[:1], c[2:]...), root },
		"wrong root":   func(c [][]byte) ([][]byte, []byte) { return c, badRoot },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			cs := make([][]byte, len(chunks))
			for i := range chunks {
				cs[i] = append([]byte(nil), chunks[i]...)
			}
			cs, r := mutate(cs)
			dst, _ := openMem(t, 12)
			defer dst.Close()
			if err := importChunks(dst, version, r, cs); err == nil {
				t.Fatalf("bad import accepted")
			}
			if ci := dst.LastCommit(); ci.Version != 0 {
				t.Fatalf("failed import left version %d", ci.Version)
			}
			if v, _ := dst.Get([]byte("big")); v != nil {
				t.Fatalf("failed import left data")
			}
			if err := importChunks(dst, version, root, chunks); err != nil {
				t.Fatalf("good import after a bad one: %v", err)
			}
		})
	}
}

// importChunks imports chunks and aborts on failure.
func importChunks(dst *Store, version int64, root []byte, chunks [][]byte) error {
	im, err := dst.NewImporter(version, root)
	if err != nil {
		return err
	}
	for _, c := range chunks {
		if err := im.Add(c); err != nil {
			return errors.Join(err, im.Abort())
		}
	}
	if _, err := im.Finish(); err != nil {
		return err
	}
	return nil
}

func flip(b []byte, i int) []byte { b[i] ^= 0x40; return b }

func TestInterruptedImportIsDiscarded(t *testing.T) {
	src, _ := openMem(t, 12)
	defer src.Close()
	fillForSnapshot(t, src)
	version, root, chunks := exportAll(t, src, 2048)
	dst, fs := openMem(t, 12)
	im, err := dst.NewImporter(version, root)
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Add(chunks[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Stage(sets("a", "b"), nil); err == nil {
		t.Fatalf("stage during import accepted")
	}
	dst.Close() // crash before Finish
	dst = mustOpen(t, fs, 0)
	defer dst.Close()
	if ci := dst.LastCommit(); ci.Version != 0 || countKeys(t, dst, []byte{prefixFlat}, []byte{prefixFlat + 1}) != 0 {
		t.Fatalf("interrupted import left version %d", ci.Version)
	}
	if err := importChunks(dst, version, root, chunks); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.NewImporter(version, root); err == nil {
		t.Fatalf("import into a non-empty store accepted")
	}
}
