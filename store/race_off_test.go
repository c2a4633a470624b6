//go:build !race

package store

// pebbleInvariants is true when Pebble's own invariant checks are on: Pebble
// turns them on in builds with the race detector, and with the invariants tag.
const pebbleInvariants = invariants
