// Package keeper applies bill messages to state and answers bill queries.
//
// Each message is one step of the bill's state machine (x/bill/README.md):
// load the bill, check the step is allowed in the bill's status and for the
// signer, check the step's own arguments, then change the record, append a
// hash-chained history entry and update the secondary indexes. Every check
// comes before the first write; the app drops a failed transaction's writes
// in any case.
package keeper
