// Package store is Corridor's state store: a versioned key-value store on
// Pebble whose every version has a Merkle root, used as the ABCI app hash.
//
// The commitment is a compact binary sparse Merkle tree over sha256(key), in
// the shape of ics23's SmtSpec, so proofs are checked by the stock
// github.com/cosmos/ics23/go verifier with ProofSpec(). Empty subtrees hash to
// 32 zero bytes, a subtree with one leaf hashes to that leaf's hash
// (sha256("corridor" || sha256(key) || sha256(value))), a subtree whose keys
// all share the next bit of sha256(key) to the half that holds them, and any
// other subtree to sha256(left || right), split by that bit.
//
// Storage avoids writing inner nodes to the LSM. The upper BucketDepth levels
// of the tree are kept in memory; below them a "bucket" holds a handful of
// leaves whose subtree is recomputed from a single prefix scan of the leaf
// index, which Pebble's bloom filters (built on the bucket, see comparer) send
// to the few sstables holding that bucket's leaves.
// Each Commit writes the flat index (key -> value), the leaf index
// (bucket || sha256(key) -> leaf hash || key), the changed bucket summaries,
// an undo log of the previous values (keys the version created are only
// listed, packed by hash) and the version's root as one synced Pebble batch.
// Older versions are read by applying the undo log backwards; Prune drops it by
// key range. Two caches, each within a budget, spare reads: the bucket cache
// (the leaves' hashes of buckets, for commits and proofs) and the value cache
// (the latest values commits wrote, for Get and proofs).
//
// Concurrency: Stage, Commit, Prune, NewImporter and Close must be called from
// one goroutine (the ABCI goroutine). Get, GetAt, Iterate, IterateAt, Proof,
// RootAt, GetAux, IterateAux, LastCommit and Stats may be called from any
// goroutine at any time, including while Stage and Commit run; Stage never
// changes what they see, Commit switches them to the new version atomically.
//
// Values of Merkle keys must be non-empty: ics23 cannot prove an empty value.
// Aux keys (secondary indexes) are outside the tree, unversioned and unproven.
//
// After an error while writing a commit the store is failed: every later call
// returns an error wrapping ErrFailed, and the process should restart; Open
// then finds exactly the last committed version.
package store
