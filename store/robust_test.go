package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math/rand"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble"
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
	s, _ := openMem(t, 12)
	defer s.Close()
	info := mustCommit(t, s, sets("alpha", "1", "bravo", "2", "charlie", "3"))
	kh := sha256.Sum256([]byte("bravo"))
	lk := leafKey(&kh, s.depth)
	v, ok, err := s.getRaw(s.db, lk)
	if err != nil || !ok {
		t.Fatalf("leaf entry of bravo: %v %v", ok, err)
	}
	bad := append([]byte(nil), v...)
	copy(bad[32:], "BRAVO")
	if err := s.db.Set(lk, bad, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	_, err = s.Stage(sets("bravo", "22"), nil)
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
