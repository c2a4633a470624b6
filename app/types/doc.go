// Package types holds the transaction envelope (Tx, TxBody, Message), the
// sign bytes, and the application's genesis state, as generated protobuf
// types plus small helpers.
package types
