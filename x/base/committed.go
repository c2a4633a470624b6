package base

import "github.com/landsea/corridor/store/storepb"

// Committed is a read-only view of the latest committed state, for queries.
// It is safe for concurrent use.
type Committed interface {
	// State reads the Merkle-committed keyspace at the latest height.
	State() Reader
	// Index reads the derived secondary-index keyspace at the latest height.
	Index() Reader
	// Height is the latest committed height.
	Height() int64
	// Prove returns the value of key (or its absence) at the latest height,
	// with an ICS23 proof against that height's app hash.
	Prove(key []byte) (*storepb.Proof, error)
}

// ReadCommitted returns the value of a state key at the latest height (nil
// when it is absent) and, when prove is set, its proof, read from the proof
// itself so that the two agree even if a block commits meanwhile.
func ReadCommitted(c Committed, key []byte, prove bool) ([]byte, *storepb.Proof, error) {
	if !prove {
		bz, err := c.State().Get(key)
		return bz, nil, err
	}
	p, err := c.Prove(key)
	if err != nil {
		return nil, nil, err
	}
	if len(p.Value) == 0 { // absent: stored values are never empty
		return nil, p, nil
	}
	return p.Value, p, nil
}
