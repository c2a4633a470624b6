package app

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"slices"

	"github.com/landsea/corridor/store"
	accesskeeper "github.com/landsea/corridor/x/access/keeper"
	accesstypes "github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
	billkeeper "github.com/landsea/corridor/x/bill/keeper"
	billtypes "github.com/landsea/corridor/x/bill/types"
	customskeeper "github.com/landsea/corridor/x/customs/keeper"
	customstypes "github.com/landsea/corridor/x/customs/types"
	membershipkeeper "github.com/landsea/corridor/x/membership/keeper"
	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

// IndexReport compares one module's part of the index keyspace with the
// entries its state implies.
type IndexReport struct {
	Module string
	// Derived counts the entries the state implies, Present the entries
	// in the module's part of the index keyspace.
	Derived, Present int64
	// Missing entries are implied but absent, Differ present with another
	// value, Extra present but implied by nothing.
	Missing, Differ, Extra int64
	// Examples name up to five missing, differing or extra keys.
	Examples []string
}

// OK reports whether the index is exactly what the state implies.
func (r IndexReport) OK() bool { return r.Missing == 0 && r.Differ == 0 && r.Extra == 0 }

func (r IndexReport) String() string {
	return fmt.Sprintf("%-10s implied %d, present %d, missing %d, differing %d, extra %d",
		r.Module, r.Derived, r.Present, r.Missing, r.Differ, r.Extra)
}

// indexModule is a module's derivation of its index from its state.
type indexModule struct {
	name   string
	derive func(r base.Reader, emit base.IndexEmit) error
	span   func() (start, end []byte)
}

var indexModules = []indexModule{
	{"membership", membershipkeeper.Keeper{}.DeriveIndex, membershiptypes.IndexRange},
	{"customs", customskeeper.Keeper{}.DeriveIndex, customstypes.IndexRange},
	{"bill", billkeeper.Keeper{}.DeriveIndex, billtypes.IndexRange},
	{"access", accesskeeper.Keeper{}.DeriveIndex, accesstypes.IndexRange},
}

// CheckIndexes derives every module's secondary-index entries from the
// store's latest state and compares them with its index keyspace, one
// lookup per implied entry and one pass over the keyspace, so memory stays
// small whatever the store holds. The store must not commit meanwhile (a
// stopped node's store).
func CheckIndexes(st *store.Store) ([]IndexReport, error) {
	c := NewCommitted(st)
	var out []IndexReport
	for _, m := range indexModules {
		r := IndexReport{Module: m.name}
		err := m.derive(c.State(), func(key, value []byte) error {
			r.Derived++
			got, err := c.Index().Get(key)
			switch {
			case err != nil:
				return err
			case got == nil:
				r.Missing++
				r.example("missing %x", key)
			case !bytes.Equal(got, value):
				r.Differ++
				r.example("%x holds %x, the state implies %x", key, got, value)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.name, err)
		}
		// The same pass marks where the ranges of extraKeys begin.
		var bounds [][]byte
		start, end := m.span()
		if err := c.Index().Iterate(start, end, func(key, _ []byte) bool {
			if r.Present > 0 && r.Present%int64(extraPassEntries) == 0 {
				bounds = append(bounds, bytes.Clone(key))
			}
			r.Present++
			return true
		}); err != nil {
			return nil, fmt.Errorf("%s: %w", m.name, err)
		}
		r.Extra = r.Present - (r.Derived - r.Missing)
		if r.Extra > 0 && len(r.Examples) < 5 {
			extra, err := extraKeys(c, m, bounds, 5-len(r.Examples))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m.name, err)
			}
			r.Examples = append(r.Examples, extra...)
		}
		out = append(out, r)
	}
	return out, nil
}

// extraPassEntries bounds the present entries one pass of extraKeys takes
// on: its memory is 8 bytes per implied entry of the pass, 128 MiB for 16M
// entries (a pass may hold a few more when entries of its range are missing).
var extraPassEntries = 16 << 20

// extraKeys names up to n entries of the module's part of the index
// keyspace that its state does not imply. It goes through the keyspace in
// ranges of at most extraPassEntries present entries, each beginning at one
// of bounds (the keys the count of present entries found at those
// positions); for each it derives the module's entries again, keeps an
// 8-byte hash of those in the range, sorted, and looks up each present key
// of the range among them. It stops at the range where the n-th extra entry
// turns up. It runs only when the counts show extra entries.
func extraKeys(c Committed, m indexModule, bounds [][]byte, n int) ([]string, error) {
	seed := maphash.MakeSeed()
	var out []string
	start, end := m.span()
	for i := 0; i <= len(bounds) && len(out) < n; i++ {
		lo, hi := start, end
		if i > 0 {
			lo = bounds[i-1]
		}
		if i < len(bounds) {
			hi = bounds[i]
		}
		var implied []uint64
		if err := m.derive(c.State(), func(key, _ []byte) error {
			if bytes.Compare(key, lo) >= 0 && bytes.Compare(key, hi) < 0 {
				implied = append(implied, maphash.Bytes(seed, key))
			}
			return nil
		}); err != nil {
			return nil, err
		}
		slices.Sort(implied)
		if err := c.Index().Iterate(lo, hi, func(key, _ []byte) bool {
			if _, found := slices.BinarySearch(implied, maphash.Bytes(seed, key)); !found {
				out = append(out, fmt.Sprintf("extra %x", key))
			}
			return len(out) < n
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *IndexReport) example(format string, args ...any) {
	if len(r.Examples) < 5 {
		r.Examples = append(r.Examples, fmt.Sprintf(format, args...))
	}
}

// RebuildIndexes rewrites every module's part of the index keyspace from
// what its state implies (store.ReplaceAux), leaving the state, its root
// and the version as they are. The store must not commit meanwhile (a
// stopped node's store).
func RebuildIndexes(st *store.Store) error {
	c := NewCommitted(st)
	for _, m := range indexModules {
		start, end := m.span()
		err := st.ReplaceAux(start, end, func(put func(key, value []byte) error) error {
			return m.derive(c.State(), put)
		})
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
	}
	return nil
}
