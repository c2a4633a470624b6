// Package base holds what every module shares: the key-value view a message
// handler reads and writes, the execution context of one message, errors that
// carry ABCI codes, events, and key-encoding helpers.
//
// Modules import base and their own types; they never import app/. A module
// that needs another module declares the small interface it uses (see each
// keeper's expected.go) and app/ wires the concrete keeper in.
package base
