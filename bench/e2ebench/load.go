package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/landsea/corridor/app/api/nodepb"
	"github.com/landsea/corridor/client"
)

// Polling periods of the load generator.
const (
	heightPollEvery = 10 * time.Millisecond  // resolution of commit times
	commitPollEvery = 100 * time.Millisecond // checking the last txs
	mempoolFullWait = 100 * time.Millisecond // before resubmitting
	commitWaitMax   = 5 * time.Minute
)

// nodeResult is what one workload measured against the node.
type nodeResult struct {
	txs, records int
	elapsed      time.Duration // first submission to the commit of the last block
	blocks       int           // blocks that held the workload's txs
	latencies    []time.Duration
	submitRetry  int // resubmissions after "mempool is full"
	extraRounds  int // consensus rounds lost to timeout_propose
}

func (r nodeResult) tps() float64 { return float64(r.txs) / r.elapsed.Seconds() }
func (r nodeResult) rps() float64 { return float64(r.records) / r.elapsed.Seconds() }

// sent is one submitted tx.
type sent struct {
	hash   string
	at     time.Time
	signer string
}

// heightWatch records when each height was first seen committed.
type heightWatch struct {
	mu     sync.Mutex
	seenAt map[int64]time.Time
	last   int64
}

func (w *heightWatch) run(ctx context.Context, c *client.Client) {
	for ctx.Err() == nil {
		if h, err := c.Height(ctx); err == nil {
			now := time.Now()
			w.mu.Lock()
			for ; w.last < h; w.last++ {
				w.seenAt[w.last+1] = now
			}
			w.mu.Unlock()
		}
		select {
		case <-ctx.Done():
		case <-time.After(heightPollEvery):
		}
	}
}

func (w *heightWatch) at(h int64) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, ok := w.seenAt[h]
	return t, ok
}

// runNode submits w's signed txs: one goroutine per signer, each sending
// its own txs in sequence order (BroadcastTx without waiting returns after
// CheckTx), then waits until every tx is committed and reads each one's
// block height back.
func runNode(ctx context.Context, c *client.Client, w workload, signed [][]byte) (nodeResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start, err := c.Height(ctx)
	if err != nil {
		return nodeResult{}, err
	}
	watch := &heightWatch{seenAt: map[int64]time.Time{}, last: start}
	go watch.run(ctx, c)

	bySigner := map[string][]int{}
	var order []string
	for i, tx := range w.txs {
		if _, ok := bySigner[tx.signer]; !ok {
			order = append(order, tx.signer)
		}
		bySigner[tx.signer] = append(bySigner[tx.signer], i)
	}
	subs := make([]sent, len(signed))
	res := nodeResult{txs: len(signed), records: w.records()}
	t0 := time.Now()
	if err := submitAll(ctx, c, order, bySigner, signed, subs, &res.submitRetry); err != nil {
		return res, err
	}
	progress("node %s: %d txs submitted in %.1fs; waiting for commits", w.name, len(signed), time.Since(t0).Seconds())
	var lasts []sent
	for _, s := range order {
		lasts = append(lasts, subs[bySigner[s][len(bySigner[s])-1]])
	}
	if err := waitCommitted(ctx, c, lasts); err != nil {
		return res, err
	}
	return collect(ctx, c, watch, subs, t0, res)
}

// submitAll broadcasts every signer's txs in order, signers concurrently.
func submitAll(ctx context.Context, c *client.Client, order []string, bySigner map[string][]int, signed [][]byte, subs []sent, retries *int) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for _, signer := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, i := range bySigner[signer] {
				at := time.Now()
				n, err := broadcast(ctx, c, signed[i])
				mu.Lock()
				*retries += n
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("signer %s, tx %d: %w", signer, i, err)
				}
				mu.Unlock()
				if err != nil {
					return
				}
				subs[i] = sent{hash: txHash(signed[i]), at: at, signer: signer}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// broadcast sends one tx, waiting and resending while the mempool is full;
// it returns the number of resubmissions.
func broadcast(ctx context.Context, c *client.Client, tx []byte) (int, error) {
	for retries := 0; ; retries++ {
		r, err := c.Broadcast(ctx, tx, false, 0)
		if err != nil && strings.Contains(err.Error(), "mempool is full") {
			select {
			case <-ctx.Done():
				return retries, ctx.Err()
			case <-time.After(mempoolFullWait):
			}
			continue
		}
		if err != nil {
			return retries, err
		}
		if r.Code != 0 {
			return retries, &client.TxError{Result: r}
		}
		return retries, nil
	}
}

func txHash(tx []byte) string {
	h := sha256.Sum256(tx)
	return strings.ToUpper(hex.EncodeToString(h[:]))
}

// waitCommitted polls GetTx until every tx in txs is in a block.
func waitCommitted(ctx context.Context, c *client.Client, txs []sent) error {
	deadline := time.Now().Add(commitWaitMax)
	q := nodepb.NewTxServiceClient(c.Conn())
	for _, s := range txs {
		for {
			if _, err := q.GetTx(ctx, &nodepb.GetTxRequest{Hash: s.hash}); err == nil {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("tx %s of %s not committed after %s", s.hash, s.signer, commitWaitMax)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(commitPollEvery):
			}
		}
	}
	return nil
}

// collect reads every tx's result back (checking it succeeded) and turns
// heights into commit times: a tx's latency runs from the start of its
// BroadcastTx to the first moment its block's height was seen committed.
func collect(ctx context.Context, c *client.Client, watch *heightWatch, subs []sent, t0 time.Time, res nodeResult) (nodeResult, error) {
	heights, err := txHeights(ctx, c, subs)
	if err != nil {
		return res, err
	}
	blocks := map[int64]bool{}
	var last time.Time
	for i, h := range heights {
		at, err := watch.waitFor(ctx, h)
		if err != nil {
			return res, err
		}
		blocks[h] = true
		res.latencies = append(res.latencies, at.Sub(subs[i].at))
		if at.After(last) {
			last = at
		}
	}
	res.blocks, res.elapsed = len(blocks), last.Sub(t0)
	slices.Sort(res.latencies)
	return res, nil
}

// waitFor returns when height h was first seen, waiting briefly if the
// watcher has not polled since it was committed.
func (w *heightWatch) waitFor(ctx context.Context, h int64) (time.Time, error) {
	for tries := 0; tries < 500; tries++ {
		if at, ok := w.at(h); ok {
			return at, nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(heightPollEvery):
		}
	}
	return time.Time{}, fmt.Errorf("height %d never seen by the height watcher", h)
}

// txHeights asks the node for each tx's result, a few requests at a time,
// and fails on any tx that did not succeed.
func txHeights(ctx context.Context, c *client.Client, subs []sent) ([]int64, error) {
	const workers = 4
	q := nodepb.NewTxServiceClient(c.Conn())
	heights := make([]int64, len(subs))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(subs); i += workers {
				r, err := q.GetTx(ctx, &nodepb.GetTxRequest{Hash: subs[i].hash})
				if err == nil && r.Result.Code != 0 {
					err = &client.TxError{Result: r.Result}
				}
				if err != nil {
					errs[w] = fmt.Errorf("tx %d (%s): %w", i, subs[i].signer, err)
					return
				}
				heights[i] = r.Result.Height
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return heights, nil
}

// percentile of sorted durations, nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
