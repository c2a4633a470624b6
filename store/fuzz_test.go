package store

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzImportChunk feeds arbitrary chunk bodies, wrapped in a valid header and
// checksum, to a snapshot import: the bytes a state-sync peer sends. The import
// must never panic or fail the store. A body it accepts must finish, against
// the root of the leaves the body holds, into a store that reads back every
// leaf and aux entry; a body it refuses must leave the store empty.
func FuzzImportChunk(f *testing.F) {
	src, _ := openMem(f, 12)
	fillForSnapshot(f, src)
	_, _, chunks := exportAll(f, src, 2048)
	if err := src.Close(); err != nil {
		f.Fatal(err)
	}
	for _, c := range chunks {
		f.Add(c[chunkHeaderSize : len(c)-chunkTrailer])
	}
	f.Add([]byte{})
	f.Add([]byte{entryLeaf, 1, 'k', 1, 'v'})
	f.Add([]byte{entryAux, 1, 'a', 0})
	f.Add([]byte{entryLeaf, 0xff, 0xff, 0xff, 0xff, 0x0f})

	const version = 7
	f.Fuzz(func(t *testing.T, body []byte) {
		// A new store each time, so that no input inherits what an earlier
		// one left behind.
		dst, _ := openMem(t, 12)
		defer dst.Close()
		leaves, aux, decoded := decodeBody(body)
		root := make([]byte, 32)
		if decoded {
			root = refRoot(leaves)
		}
		im, err := dst.NewImporter(version, root)
		if err != nil {
			t.Fatal(err)
		}
		addErr := im.Add(sealChunk(append(chunkHeader(version), body...)))
		if errors.Is(addErr, ErrFailed) {
			t.Fatalf("a bad chunk failed the store: %v", addErr)
		}
		if addErr != nil {
			if err := im.Abort(); err != nil {
				t.Fatalf("Abort: %v", err)
			}
			checkEmpty(t, dst, leaves, aux)
			return
		}
		if !decoded {
			t.Fatalf("Add accepted a body that does not decode: %x", body)
		}
		ci, err := im.Finish()
		if err != nil {
			t.Fatalf("Finish against the root of the accepted leaves: %v", err)
		}
		if ci.Version != version || !bytes.Equal(ci.Root, root) {
			t.Fatalf("Finish = %d %x, want %d %x", ci.Version, ci.Root, version, root)
		}
		for k, v := range leaves {
			if got, err := dst.Get([]byte(k)); err != nil || string(got) != v {
				t.Fatalf("Get(%x) = %x, %v; want %x", k, got, err, v)
			}
		}
		for k, v := range aux {
			if got, err := dst.GetAux([]byte(k)); err != nil || string(got) != v {
				t.Fatalf("GetAux(%x) = %x, %v; want %x", k, got, err, v)
			}
		}
		if n := dst.Stats().Keys; n != int64(len(leaves)) {
			t.Fatalf("imported store counts %d keys, want %d", n, len(leaves))
		}
	})
}

// decodeBody reads a chunk body's entries into maps, as the exporter wrote
// them; ok is false if it is not a well-formed list of entries.
func decodeBody(body []byte) (leaves, aux map[string]string, ok bool) {
	leaves, aux = map[string]string{}, map[string]string{}
	for len(body) > 0 {
		kind, key, val, rest, err := decodeEntry(body)
		if err != nil {
			return leaves, aux, false
		}
		if kind == entryLeaf {
			leaves[string(key)] = string(val)
		} else {
			aux[string(key)] = string(val)
		}
		body = rest
	}
	return leaves, aux, true
}

// checkEmpty requires the store to be back at version 0 with none of the
// body's keys.
func checkEmpty(t *testing.T, s *Store, leaves, aux map[string]string) {
	t.Helper()
	if ci := s.LastCommit(); ci.Version != 0 {
		t.Fatalf("a refused import left version %d", ci.Version)
	}
	if n := s.Stats().Keys; n != 0 {
		t.Fatalf("a refused import left %d keys counted", n)
	}
	for _, m := range []struct {
		kvs map[string]string
		get func([]byte) ([]byte, error)
	}{{leaves, s.Get}, {aux, s.GetAux}} {
		for k := range m.kvs {
			if checkKey([]byte(k)) != nil {
				continue // never written: the import refuses such a key
			}
			if v, err := m.get([]byte(k)); v != nil || err != nil {
				t.Fatalf("a refused import left %x = %x (%v)", k, v, err)
			}
		}
	}
}
