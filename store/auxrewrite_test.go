package store

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func auxEntries(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	if err := s.IterateAux(nil, nil, func(k, v []byte) bool {
		fmt.Fprintf(&b, "%x=%d;", k, len(v))
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestReplaceAux replaces one range of the aux keyspace, over more than
// one batch, and leaves the rest, the tree and the version as they were,
// also after a reopen. It refuses keys outside the range and a staged
// version, and a failing fill stops it.
func TestReplaceAux(t *testing.T) {
	s, fs := openMem(t, 12)
	aux := []Change{{Key: []byte{0x0f, 1}, Value: []byte("below")}, {Key: []byte{0x10, 1}, Value: []byte("old")},
		{Key: []byte{0x10, 2}, Value: []byte{}}, {Key: []byte{0x1f, 9}, Value: []byte("old")}, {Key: []byte{0x20}, Value: []byte("above")}}
	if _, err := s.Stage([]Change{{Key: []byte("k"), Value: []byte("v")}}, aux); err != nil {
		t.Fatal(err)
	}
	before, err := s.Commit()
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte{7}, 1<<20)
	const n = 70 // 70 MiB: two batches
	fill := func(put func(k, v []byte) error) error {
		for i := range n {
			if err := put([]byte{0x10, 0x80, byte(i)}, big); err != nil {
				return err
			}
		}
		return put([]byte{0x11}, []byte{})
	}
	if err := s.ReplaceAux([]byte{0x10}, []byte{0x20}, fill); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	want.WriteString("0f01=5;")
	for i := range n {
		fmt.Fprintf(&want, "1080%02x=%d;", i, len(big))
	}
	want.WriteString("11=0;20=5;")
	if got := auxEntries(t, s); got != want.String() {
		t.Fatalf("aux after ReplaceAux:\n got %s\nwant %s", got, want.String())
	}
	if v, err := s.GetAux([]byte{0x11}); err != nil || v == nil || len(v) != 0 {
		t.Fatalf("an empty aux value: %q, %v", v, err)
	}
	if lc := s.LastCommit(); lc.Version != before.Version || !bytes.Equal(lc.Root, before.Root) {
		t.Fatalf("ReplaceAux moved the store: %+v, was %+v", lc, before)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, fs, 12)
	if got := auxEntries(t, s); got != want.String() {
		t.Fatalf("aux after a reopen: %s", got)
	}

	outside := func(put func(k, v []byte) error) error { return put([]byte{0x20}, []byte("x")) }
	if err := s.ReplaceAux([]byte{0x10}, []byte{0x20}, outside); err == nil || !strings.Contains(err.Error(), "outside its range") {
		t.Fatalf("a key outside the range: %v", err)
	}
	stop := errors.New("derivation failed")
	if err := s.ReplaceAux([]byte{0x30}, []byte{0x40}, func(func(k, v []byte) error) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("a failing fill: %v", err)
	}
	if _, err := s.Stage(nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceAux([]byte{0x10}, []byte{0x20}, fill); !errors.Is(err, ErrStaged) {
		t.Fatalf("with a staged version: %v", err)
	}
	if _, err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceAux(nil, []byte{0x20}, fill); err == nil {
		t.Fatal("an empty start was taken")
	}
}
