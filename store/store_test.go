package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	ics23 "github.com/cosmos/ics23/go"
)

func TestNewStoreIsEmpty(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	ci := s.LastCommit()
	if ci.Version != 0 || !bytes.Equal(ci.Root, make([]byte, 32)) {
		t.Fatalf("new store at %d %x", ci.Version, ci.Root)
	}
	if v, err := s.Get([]byte("a")); v != nil || err != nil {
		t.Fatalf("get on empty: %q %v", v, err)
	}
	if _, err := s.Proof(0, []byte("a")); err != ErrEmptyTree {
		t.Fatalf("proof on empty: %v", err)
	}
	ci, err := s.Commit()
	if err != nil || ci.Version != 1 || !bytes.Equal(ci.Root, make([]byte, 32)) {
		t.Fatalf("empty commit: %+v %v", ci, err)
	}
}

func TestCommitGetAndProofs(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	m := map[string]string{}
	for i := 0; i < 300; i++ {
		m[fmt.Sprintf("k%d", i)] = fmt.Sprintf("v%d", i)
	}
	var cs []Change
	for k, v := range m {
		cs = append(cs, Change{Key: []byte(k), Value: []byte(v)})
	}
	ci := mustCommit(t, s, cs)
	if ci.Version != 1 || !bytes.Equal(ci.Root, refRoot(m)) {
		t.Fatalf("root %x, reference %x", ci.Root, refRoot(m))
	}
	for k, v := range m {
		got, err := s.Get([]byte(k))
		if err != nil || string(got) != v {
			t.Fatalf("get %q = %q, %v", k, got, err)
		}
		checkProof(t, s, 1, ci.Root, m, k)
	}
	for i := 0; i < 300; i++ {
		checkProof(t, s, 1, ci.Root, m, fmt.Sprintf("absent-%d", i))
	}
	if st := s.Stats(); st.Keys != 300 || st.Version != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestSingleKeyAndEdgeProofs(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	m := map[string]string{"only": "one"}
	ci := mustCommit(t, s, sets("only", "one"))
	if !bytes.Equal(ci.Root, refRoot(m)) {
		t.Fatalf("root %x, reference %x", ci.Root, refRoot(m))
	}
	for _, k := range []string{"only", "a", "zz", "q"} {
		checkProof(t, s, 1, ci.Root, m, k)
	}
	m["two"] = "2"
	ci = mustCommit(t, s, sets("two", "2"))
	for _, k := range []string{"only", "two", "a", "zz", "q", "x1", "x2"} {
		checkProof(t, s, 2, ci.Root, m, k)
	}
}

func TestStageValidates(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	bad := []Change{
		{Key: nil, Value: []byte("v")},
		{Key: make([]byte, MaxKeyBytes+1), Value: []byte("v")},
		{Key: []byte("k"), Value: nil},
		{Key: []byte("k"), Value: []byte{}},
		{Key: []byte("k"), Value: make([]byte, MaxValueBytes+1)},
	}
	for i, c := range bad {
		if _, err := s.Stage([]Change{c}, nil); err == nil {
			t.Fatalf("bad change %d accepted", i)
		}
	}
	if _, err := s.Stage(nil, []Change{{Key: []byte("x"), Value: nil}}); err == nil {
		t.Fatalf("nil aux value accepted")
	}
	if _, err := s.Stage([]Change{{Key: make([]byte, MaxKeyBytes), Value: []byte("v")}}, nil); err != nil {
		t.Fatalf("max key rejected: %v", err)
	}
}

func TestLaterChangeWinsAndRestageReplaces(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	if _, err := s.Stage(sets("a", "1", "b", "2"), nil); err != nil {
		t.Fatal(err)
	}
	cs := append(sets("a", "1", "a", "3"), Change{Key: []byte("c"), Value: []byte("x")}, Change{Key: []byte("c"), Delete: true})
	ci := mustCommit(t, s, cs)
	if want := refRoot(map[string]string{"a": "3"}); !bytes.Equal(ci.Root, want) {
		t.Fatalf("root %x, want %x", ci.Root, want)
	}
	if v, _ := s.Get([]byte("b")); v != nil {
		t.Fatalf("replaced stage leaked b=%q", v)
	}
	// Many changes to one key among many other keys: the last still wins,
	// whatever the sort does with equal hashes.
	cs = nil
	for i := 0; i < 300; i++ {
		cs = append(cs, Change{Key: []byte(fmt.Sprintf("k%03d", i)), Value: []byte("v")})
		cs = append(cs, Change{Key: []byte("hot"), Value: []byte(fmt.Sprint(i))}, Change{Key: []byte("gone"), Value: []byte("x")}, Change{Key: []byte("gone"), Delete: true})
	}
	mustCommit(t, s, cs)
	if v, err := s.Get([]byte("hot")); err != nil || string(v) != "299" {
		t.Fatalf("hot = %q %v, want the last value 299", v, err)
	}
	if v, err := s.Get([]byte("gone")); err != nil || v != nil {
		t.Fatalf("gone = %q %v, want it deleted by its last change", v, err)
	}
}

func TestAuxKeyspace(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	aux := []Change{{Key: []byte("i/1"), Value: []byte{}}, {Key: []byte("i/2"), Value: []byte("b")}}
	if _, err := s.Stage(sets("k", "v"), aux); err != nil {
		t.Fatal(err)
	}
	ci, err := s.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ci.Root, refRoot(map[string]string{"k": "v"})) {
		t.Fatalf("aux changed the root")
	}
	if v, err := s.GetAux([]byte("i/2")); err != nil || string(v) != "b" {
		t.Fatalf("aux get %q %v", v, err)
	}
	if v, _ := s.Get([]byte("i/2")); v != nil {
		t.Fatalf("aux key visible in the tree")
	}
	var got []string
	_ = s.IterateAux([]byte("i/"), nil, func(k, v []byte) bool { got = append(got, string(k)+"="+string(v)); return true })
	if strings.Join(got, ",") != "i/1=,i/2=b" {
		t.Fatalf("aux iterate %v", got)
	}
	if _, err := s.Stage(nil, []Change{{Key: []byte("i/1"), Delete: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.GetAux([]byte("i/1")); v != nil {
		t.Fatalf("aux delete ignored")
	}
}

func TestIterateRanges(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	mustCommit(t, s, sets("a", "1", "b", "2", "c", "3", "d", "4"))
	var got []string
	_ = s.Iterate([]byte("b"), []byte("d"), func(k, v []byte) bool { got = append(got, string(k)); return true })
	if strings.Join(got, "") != "bc" {
		t.Fatalf("iterate [b,d) = %v", got)
	}
	got = nil
	_ = s.Iterate([]byte("b"), nil, func(k, v []byte) bool { got = append(got, string(k)); return len(got) < 2 })
	if strings.Join(got, "") != "bc" {
		t.Fatalf("iterate [b,) stopped = %v", got)
	}
}

func TestOldVersions(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	m := newModel()
	rng := rand.New(rand.NewSource(7))
	var roots [][]byte
	roots = append(roots, make([]byte, 32))
	for v := 1; v <= 12; v++ {
		cs := randomChanges(rng, 40, 120, 0.3)
		roots = append(roots, mustCommit(t, s, cs).Root)
		m.commit(cs)
	}
	for v := int64(0); v <= 12; v++ {
		state := m.versions[v]
		if r, err := s.RootAt(v); err != nil || !bytes.Equal(r, roots[v]) || !bytes.Equal(r, refRoot(state)) {
			t.Fatalf("root at %d: %x %v", v, r, err)
		}
		for i := 0; i < 120; i += 7 {
			k := fmt.Sprintf("key-%06d", i)
			got, err := s.GetAt(v, []byte(k))
			if want, ok := state[k]; err != nil || (ok && string(got) != want) || (!ok && got != nil) {
				t.Fatalf("GetAt(%d, %s) = %q, %v; want %q", v, k, got, err, want)
			}
			checkProof(t, s, v, roots[v], state, k)
		}
		checkIterateAt(t, s, v, state)
	}
	if _, err := s.GetAt(13, []byte("a")); !errors.Is(err, ErrVersionUnknown) {
		t.Fatalf("future version: %v", err)
	}
}

func checkIterateAt(t testing.TB, s *Store, v int64, state map[string]string) {
	t.Helper()
	var got []string
	err := s.IterateAt(v, []byte("key-000010"), []byte("key-000100"), func(k, val []byte) bool {
		got = append(got, string(k)+"="+string(val))
		return true
	})
	var want []string
	for _, k := range sortedKeys(state) {
		if k >= "key-000010" && k < "key-000100" {
			want = append(want, k+"="+state[k])
		}
	}
	if err != nil || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("IterateAt(%d): %v\n got %v\nwant %v", v, err, got, want)
	}
}

func TestProofTampering(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	m := map[string]string{}
	for i := 0; i < 50; i++ {
		m[fmt.Sprintf("k%d", i)] = fmt.Sprintf("v%d", i)
	}
	var cs []Change
	for k, v := range m {
		cs = append(cs, Change{Key: []byte(k), Value: []byte(v)})
	}
	root := mustCommit(t, s, cs).Root
	p, err := s.Proof(1, []byte("k7"))
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyMembership(root, p, []byte("k7"), []byte("v7")); err != nil {
		t.Fatal(err)
	}
	badRoot := append([]byte(nil), root...)
	badRoot[5] ^= 1
	for name, err := range map[string]error{
		"value": VerifyMembership(root, p, []byte("k7"), []byte("v8")),
		"key":   VerifyMembership(root, p, []byte("k8"), []byte("v7")),
		"root":  VerifyMembership(badRoot, p, []byte("k7"), []byte("v7")),
		"nil":   VerifyMembership(root, nil, []byte("k7"), []byte("v7")),
	} {
		if err == nil {
			t.Errorf("tampered %s accepted", name)
		}
	}
	for i := 0; i < len(p.GetExist().Path); i++ {
		q := cloneProof(p)
		op := q.GetExist().Path[i]
		if len(op.Suffix) > 0 {
			op.Suffix[3] ^= 0x10
		} else {
			op.Prefix[4] ^= 0x10
		}
		if VerifyMembership(root, q, []byte("k7"), []byte("v7")) == nil {
			t.Errorf("tampered path step %d accepted", i)
		}
	}
	// Inner nodes carry no tag: what keeps a leaf from passing as one is
	// the verifier's refusal of a step that starts with the leaf prefix.
	// A step shaped like a leaf's preimage (leaf prefix, child, value hash)
	// must be refused.
	q := cloneProof(p)
	vh := sha256.Sum256([]byte("v7"))
	leafStep := &ics23.InnerOp{Hash: ics23.HashOp_SHA256, Prefix: leafPrefix[:], Suffix: vh[:]}
	q.GetExist().Path = append([]*ics23.InnerOp{leafStep}, q.GetExist().Path...)
	if err := VerifyMembership(root, q, []byte("k7"), []byte("v7")); err == nil || !strings.Contains(err.Error(), "inner Prefix starts with") {
		t.Errorf("step with the leaf prefix: got %v, want the verifier's refusal", err)
	}
	q = cloneProof(p)
	q.GetExist().Path = q.GetExist().Path[1:]
	if VerifyMembership(root, q, []byte("k7"), []byte("v7")) == nil {
		t.Errorf("truncated path accepted")
	}
	// The steps' bytes share one buffer: appending to one step's slices
	// must not write into the next step's.
	for _, op := range p.GetExist().Path {
		_ = append(op.Prefix, 0xaa, 0xaa)
		_ = append(op.Suffix, 0xaa, 0xaa)
	}
	if err := VerifyMembership(root, p, []byte("k7"), []byte("v7")); err != nil {
		t.Errorf("appending to the steps changed the proof: %v", err)
	}
	checkNonMembershipTampering(t, s, root)
}

func checkNonMembershipTampering(t *testing.T, s *Store, root []byte) {
	p, err := s.Proof(1, []byte("absent"))
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyNonMembership(root, p, []byte("absent")); err != nil {
		t.Fatal(err)
	}
	if VerifyNonMembership(root, p, []byte("k7")) == nil {
		t.Errorf("non-membership of a present key accepted")
	}
	ne := cloneProof(p).GetNonexist()
	if ne.Left != nil && ne.Right != nil {
		// Swap in a far-away neighbour: the stock verifier panics inside
		// isLeftStep on some of these; the wrapper must return an error.
		far, _ := s.Proof(1, []byte("k1"))
		ne.Left = far.GetExist()
		q := &ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Nonexist{Nonexist: ne}}
		if VerifyNonMembership(root, q, []byte("absent")) == nil {
			t.Errorf("non-neighbour accepted")
		}
	}
	ne = cloneProof(p).GetNonexist()
	ne.Left, ne.Right = nil, nil
	q := &ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Nonexist{Nonexist: ne}}
	if VerifyNonMembership(root, q, []byte("absent")) == nil {
		t.Errorf("empty non-membership proof accepted")
	}
	// A malformed path (step without valid padding) must not panic.
	ne = cloneProof(p).GetNonexist()
	if ne.Left != nil && ne.Right != nil {
		ne.Left.Path[len(ne.Left.Path)-1].Prefix = []byte{1, 2, 3}
		q = &ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Nonexist{Nonexist: ne}}
		if VerifyNonMembership(root, q, []byte("absent")) == nil {
			t.Errorf("malformed step accepted")
		}
	}
}

func cloneProof(p *ics23.CommitmentProof) *ics23.CommitmentProof {
	b, err := p.Marshal()
	if err != nil {
		panic(err)
	}
	var q ics23.CommitmentProof
	if err := q.Unmarshal(b); err != nil {
		panic(err)
	}
	return &q
}

func TestRootIndependentOfBucketDepth(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var batches [][]Change
	for i := 0; i < 6; i++ {
		batches = append(batches, randomChanges(rng, 500, 2000, 0.2))
	}
	var want [][]byte
	for _, depth := range []int{12, 14, 20} {
		s, _ := openMem(t, depth)
		for i, cs := range batches {
			root := mustCommit(t, s, cs).Root
			if depth == 12 {
				want = append(want, root)
			} else if !bytes.Equal(root, want[i]) {
				t.Fatalf("depth %d version %d: root %x, depth 12 gave %x", depth, i+1, root, want[i])
			}
		}
		s.Close()
	}
}

func TestDepthFor(t *testing.T) {
	for n, want := range map[int64]int{0: 12, 1000: 12, 1 << 20: 17, 10_000_000: 21, 100_000_000: 24, 1 << 40: 26} {
		if got := DepthFor(n); got != want {
			t.Errorf("DepthFor(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestFailedStageBlocksCommit(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	if _, err := s.Stage(sets("a", "1"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stage([]Change{{Key: nil, Value: []byte("x")}}, nil); err == nil {
		t.Fatal("bad stage accepted")
	}
	if _, err := s.Commit(); err == nil {
		t.Fatal("commit after a failed stage accepted")
	}
	if v, _ := s.Get([]byte("a")); v != nil || s.LastCommit().Version != 0 {
		t.Fatal("the set staged before the failed stage was committed")
	}
	ci := mustCommit(t, s, sets("b", "2"))
	if ci.Version != 1 || !bytes.Equal(ci.Root, refRoot(map[string]string{"b": "2"})) {
		t.Fatalf("commit after a good stage: %+v", ci)
	}
}

// TestBatchSizeIsExact stages blocks of every kind of change, with long keys
// and values (multi-byte lengths), and checks that the batch is filled to
// exactly the length computed for it and never grows: its buffer keeps the
// capacity it was created with.
func TestBatchSizeIsExact(t *testing.T) {
	s, _ := openMem(t, 12)
	defer s.Close()
	rng := rand.New(rand.NewSource(7))
	long := func(n int) []byte {
		b := make([]byte, n)
		rng.Read(b)
		return b
	}
	blocks := []struct {
		name    string
		changes []Change
		aux     []Change
	}{
		{name: "empty"},
		{name: "inserts", changes: randomChanges(rng, 500, 2000, 0)},
		{name: "updates, deletes and new keys", changes: randomChanges(rng, 500, 2000, 0.3)},
		{name: "long keys and values", changes: []Change{
			{Key: long(MaxKeyBytes), Value: long(300)},
			{Key: long(200), Value: long(70_000)},
		}},
		{name: "values rewritten unchanged", changes: sets("same", "v", "other", "w")},
		{name: "aux only", aux: []Change{{Key: []byte("ix/1"), Value: long(130)}, {Key: []byte("ix/2"), Delete: true}, {Key: []byte("ix/3"), Value: []byte{}}}},
	}
	blocks = append(blocks, blocks[len(blocks)-2]) // the same values again: nothing changes
	for _, b := range blocks {
		if _, err := s.Stage(b.changes, b.aux); err != nil {
			t.Fatalf("%s: stage: %v", b.name, err)
		}
		if got, want := int(s.staged.batch.Len()), s.staged.size; got != want {
			t.Fatalf("%s: batch of %d bytes, sized for %d", b.name, got, want)
		}
		if got, want := cap(s.staged.batch.Repr()), s.staged.capacity; got != want {
			t.Fatalf("%s: the batch grew from a capacity of %d to %d", b.name, want, got)
		}
		if _, err := s.Commit(); err != nil {
			t.Fatalf("%s: commit: %v", b.name, err)
		}
	}
}
