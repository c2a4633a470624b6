// Command e2ebench measures Corridor end to end and compares, in the same
// run, a real single-validator node with the bare application.
//
// For each workload it first drives the ABCI application in-process, with
// no consensus and no network (the baseline: PrepareProposal,
// ProcessProposal, FinalizeBlock and Commit on a store in a temporary
// directory), then submits the same kind of pre-signed transactions over
// gRPC to a corridord child process from several province signers at once
// and waits until every one is committed.
//
// Workloads:
//   - register: one small message per transaction (a province admits a
//     carrier member);
//   - bulk: customs declarations in batches (MsgSubmitDeclarations), the
//     shape of a province loading its historical records.
//
// Progress goes to stderr; stdout gets one RESULT line per workload.
// Run it with `make bench-e2e` or `go run ./bench/e2ebench -txs N -records M`
// from the repository root; see docs/benchmarks.md for recorded figures.
package main
