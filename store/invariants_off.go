//go:build !invariants

package store

// invariants turns on expensive self-checks (build tag "invariants", which
// make test sets): every proof is hashed back to its root before it is
// returned, and every bucket a commit changed is rehashed from the leaf index
// it wrote and compared with the tree in memory.
const invariants = false
