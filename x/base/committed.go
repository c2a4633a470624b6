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
