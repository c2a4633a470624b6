// Package client is a small Go library for Corridor's users: it loads a
// member's key, builds and signs transactions, submits them to a node over
// gRPC, waits for their block, and reads and verifies state with proofs.
// The CLI, the tests and the load generator all use it.
package client
