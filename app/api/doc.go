// Package api is the node's gRPC API: transaction submission (the client
// signs; the server checks, broadcasts and can wait for the block), the
// modules' query services over committed state, raw state reads with
// proofs, health checking and server reflection.
package api
