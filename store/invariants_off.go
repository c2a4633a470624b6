//go:build !invariants

package store

// invariants turns on expensive self-checks (build tag "invariants", which
// make test sets): every proof is hashed back to its root before it is
// returned.
const invariants = false
