// Package keeper applies customs messages to state and answers customs
// queries: it stores each declaration version with the documents generated
// from it, records customs decisions, enforces who may do what, and keeps
// the secondary indexes (by declarant, status, jurisdiction and time).
package keeper
