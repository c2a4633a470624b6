// Package app is the Corridor ABCI application: it decodes and authenticates
// transactions (signature, sequence, role), dispatches their messages to the
// modules, stages each block's writes in memory, and commits them through
// the store, whose root is the app hash.
//
// Everything here is deterministic: time comes from the block, nothing
// iterates a map into state, and there are no goroutines. CometBFT calls the
// ABCI methods one at a time (proxy.NewLocalClientCreator holds one mutex);
// queries from gRPC read the store's committed state directly.
package app
