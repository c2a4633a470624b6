// Package keeper applies membership messages to state, loads genesis,
// authenticates signers and answers membership queries.
package keeper
