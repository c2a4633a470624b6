// Package state buffers a block's writes in memory over the committed store.
//
// A Cache sits over a parent Reader (the committed store, or another Cache).
// Reads see the cache's own writes first; Iterate merges them with the
// parent's keys in order. Write copies a child's writes into its parent
// Cache, which is how a transaction's changes join the block only when the
// whole transaction succeeds. Changes lists the writes sorted by key, ready to
// stage into the store. A Cache is not safe for concurrent use.
package state
