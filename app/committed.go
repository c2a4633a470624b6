package app

import (
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/store/storepb"
	"github.com/landsea/corridor/x/base"
)

// committedState reads the store's latest committed Merkle state.
type committedState struct{ s *store.Store }

func (c committedState) Get(key []byte) ([]byte, error) { return c.s.Get(key) }
func (c committedState) Iterate(start, end []byte, fn func(k, v []byte) bool) error {
	return c.s.Iterate(start, end, fn)
}

// committedIndex reads the store's latest committed secondary indexes.
type committedIndex struct{ s *store.Store }

func (c committedIndex) Get(key []byte) ([]byte, error) { return c.s.GetAux(key) }
func (c committedIndex) Iterate(start, end []byte, fn func(k, v []byte) bool) error {
	return c.s.IterateAux(start, end, fn)
}

// Committed is the query view of the store, safe for concurrent use.
type Committed struct{ s *store.Store }

var _ base.Committed = Committed{}

// NewCommitted returns the query view of st.
func NewCommitted(st *store.Store) Committed { return Committed{st} }

// State reads the Merkle state.
func (c Committed) State() base.Reader { return committedState{c.s} }

// Index reads the secondary indexes.
func (c Committed) Index() base.Reader { return committedIndex{c.s} }

// Height is the latest committed height.
func (c Committed) Height() int64 { return c.s.LastCommit().Version }

// Prove returns key's value at the latest height with its proof.
func (c Committed) Prove(key []byte) (*storepb.Proof, error) {
	return ProveAt(c.s, c.s.LastCommit().Version, key)
}

// ProveAt returns key's value at height with an ICS23 proof against that
// height's root (the AppHash in the header at height+1).
func ProveAt(s *store.Store, height int64, key []byte) (*storepb.Proof, error) {
	root, err := s.RootAt(height)
	if err != nil {
		return nil, err
	}
	value, err := s.GetAt(height, key)
	if err != nil {
		return nil, err
	}
	cp, err := s.Proof(height, key)
	if err != nil {
		return nil, err
	}
	bz, err := cp.Marshal()
	if err != nil {
		return nil, err
	}
	return &storepb.Proof{Height: height, Key: key, Value: value, CommitmentProof: bz, Root: root}, nil
}
