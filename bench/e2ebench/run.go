package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/landsea/corridor/client"
)

const chainID = "corridor-bench"

// Run measures each workload in-process and then against a node, one
// workload after the other (so that the two figures compared are taken
// close together on a shared machine), and returns one RESULT line per
// workload.
func Run(ctx context.Context, c Config) (lines []string, err error) {
	tmp, err := os.MkdirTemp("", "e2ebench-")
	if err != nil {
		return nil, err
	}
	if c.Keep {
		progress("keeping %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	progress("machine: %s; ed25519 verify %.1f µs", machine(), verifyMicros())
	bin := c.Bin
	if bin == "" {
		progress("go build ./cmd/corridord")
		if bin, err = buildCorridord(tmp); err != nil {
			return nil, err
		}
	}
	chain, err := openAppChain(filepath.Join(tmp, "app"), chainID)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	defer chain.close()
	n, cl, err := startNode(ctx, bin, filepath.Join(tmp, "net"), c.TimeoutCommit)
	if err != nil {
		return nil, err
	}
	defer func() {
		cl.Close()
		if serr := n.stop(); serr != nil && err == nil {
			err = serr
		}
		progress("node: stopped")
	}()
	for _, w := range plan(c) {
		a, err := runAppWorkload(ctx, chain, w.workload, w.appBlockRecords)
		if err != nil {
			return nil, fmt.Errorf("baseline, %s: %w", w.name, err)
		}
		r, err := runNodeWorkload(ctx, n, cl, w.workload)
		if err != nil {
			return nil, fmt.Errorf("node, %s: %w", w.name, err)
		}
		lines = append(lines, resultLine(w.workload, a, r, n.timeoutCommit, c.BulkBatch))
	}
	progress("done; load average %s", loadAverage())
	return lines, nil
}

// plannedWorkload is a workload and the baseline's block size for it.
type plannedWorkload struct {
	workload
	appBlockRecords int
}

func plan(c Config) []plannedWorkload {
	signers := signerIDs(c.Signers)
	ws := []plannedWorkload{{planRegister(c.RegisterTxs, signers), c.AppBlockTxs}}
	if c.BulkRecords > 0 {
		ws = append(ws, plannedWorkload{planBulk(c.BulkRecords, c.BulkBatch, signers), c.AppBlockRecords})
	}
	return ws
}

// runAppWorkload runs w on the in-process chain.
func runAppWorkload(ctx context.Context, chain *appChain, w workload, blockRecords int) (appResult, error) {
	r, err := chain.runApp(ctx, w, blockRecords)
	if err != nil {
		return r, err
	}
	p := r.phases
	progress("app  %s: %d txs, %d records in %d blocks, %.2fs: %.0f tx/s, %.0f records/s", w.name, r.txs, r.records, r.blocks,
		r.elapsed.Seconds(), r.tps(), r.rps())
	progress("app  %s: Prepare+ProcessProposal %.2fs, FinalizeBlock %.2fs, Commit %.2fs; CheckTx (not counted) %.2fs", w.name,
		p.propose.Seconds(), p.finalize.Seconds(), p.commit.Seconds(), p.check.Seconds())
	return r, nil
}

// startNode writes and starts a one-validator node and connects to it.
func startNode(ctx context.Context, bin, dir string, timeoutCommit time.Duration) (*childNode, *client.Client, error) {
	n, err := startChildNode(bin, dir, chainID, timeoutCommit)
	if err != nil {
		return nil, nil, err
	}
	cl, err := client.Dial(n.grpcAddr, client.DialOptions{})
	if err == nil {
		err = n.waitReady(ctx, cl)
	}
	if err != nil {
		if serr := n.stop(); serr != nil {
			progress("node: %v", serr)
		}
		return nil, nil, err
	}
	progress("node: running at %s, timeout_commit %s, mempool max_tx_bytes %d", n.grpcAddr, n.timeoutCommit, n.mempoolTxMax)
	return n, cl, nil
}

// runNodeWorkload signs w with the node's keys from the signers' current
// sequences, checks the txs fit the node's mempool and runs it.
func runNodeWorkload(ctx context.Context, n *childNode, cl *client.Client, w workload) (nodeResult, error) {
	var ids []string
	next := map[string]uint64{}
	for _, tx := range w.txs {
		if _, ok := next[tx.signer]; !ok {
			seq, err := cl.NextSequence(ctx, tx.signer)
			if err != nil {
				return nodeResult{}, err
			}
			next[tx.signer] = seq
			ids = append(ids, tx.signer)
		}
	}
	keys, err := n.keys(ids)
	if err != nil {
		return nodeResult{}, err
	}
	signed, err := sign(w, keys, chainID, next)
	if err != nil {
		return nodeResult{}, err
	}
	size := 0
	for i, tx := range signed {
		size += len(tx)
		if len(tx) > n.mempoolTxMax {
			return nodeResult{}, fmt.Errorf("tx %d is %d bytes, over the node's mempool max_tx_bytes %d; use a smaller -batch", i, len(tx), n.mempoolTxMax)
		}
	}
	progress("node %s: %d signed txs, %d bytes on average", w.name, len(signed), size/len(signed))
	before, err := scrapeMetrics(n.promAddr)
	if err != nil {
		return nodeResult{}, err
	}
	logFrom := n.logSize()
	r, err := runNode(ctx, cl, w, signed)
	if err != nil {
		return r, err
	}
	r.extraRounds = n.extraRounds(logFrom)
	after, err := scrapeMetrics(n.promAddr)
	if err != nil {
		return r, err
	}
	progress("node %s: %d txs, %d records in %d blocks, %.2fs: %.0f tx/s, %.0f records/s; latency p50 %s p99 %s; %d resubmissions (mempool full); %d extra consensus rounds",
		w.name, r.txs, r.records, r.blocks, r.elapsed.Seconds(), r.tps(), r.rps(),
		percentile(r.latencies, 50).Round(time.Millisecond), percentile(r.latencies, 99).Round(time.Millisecond), r.submitRetry, r.extraRounds)
	progress("node %s: %s", w.name, after.sub(before).describe(r.txs, r.elapsed))
	return r, nil
}

// resultLine is the stdout summary of one workload; ratio is the node's
// throughput as a fraction of the in-process app's.
func resultLine(w workload, a appResult, n nodeResult, tc time.Duration, batch int) string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d)/float64(time.Millisecond)) }
	p50, p99 := ms(percentile(n.latencies, 50)), ms(percentile(n.latencies, 99))
	withCheck := (a.elapsed + a.phases.check).Seconds()
	if w.name == "bulk" {
		return fmt.Sprintf("RESULT workload=bulk records=%d batch=%d txs=%d app_rps=%.0f node_rps=%.0f ratio=%.2f p50_ms=%s p99_ms=%s app_rps_with_checktx=%.0f app_blocks=%d node_blocks=%d extra_rounds=%d timeout_commit_ms=%d",
			n.records, batch, n.txs, a.rps(), n.rps(), n.rps()/a.rps(), p50, p99, float64(a.records)/withCheck, a.blocks, n.blocks, n.extraRounds, tc.Milliseconds())
	}
	return fmt.Sprintf("RESULT workload=%s txs=%d app_tps=%.0f node_tps=%.0f ratio=%.2f p50_ms=%s p99_ms=%s app_tps_with_checktx=%.0f app_blocks=%d node_blocks=%d extra_rounds=%d timeout_commit_ms=%d",
		w.name, n.txs, a.tps(), n.tps(), n.tps()/a.tps(), p50, p99, float64(a.txs)/withCheck, a.blocks, n.blocks, n.extraRounds, tc.Milliseconds())
}

// verifyMicros times Ed25519 signature checks on this machine, the floor
// of what each transaction costs (the app checks every signature in
// CheckTx and again in FinalizeBlock).
func verifyMicros() float64 {
	const n = 2000
	pub, priv, _ := ed25519.GenerateKey(nil)
	msg := make([]byte, 200)
	sig := ed25519.Sign(priv, msg)
	start := time.Now()
	for i := 0; i < n; i++ {
		ed25519.Verify(pub, msg, sig)
	}
	return float64(time.Since(start).Microseconds()) / n
}
