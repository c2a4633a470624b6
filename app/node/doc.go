// Package node wires a Corridor node together and runs it: the CometBFT
// node (in-process, through proxy.NewLocalClientCreator), the application
// over its Pebble store, the gRPC API, the demo loader and state-sync
// snapshots. With app/api it is the only place for goroutines, the wall
// clock and the network.
package node
