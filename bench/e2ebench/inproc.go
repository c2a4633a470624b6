package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/genesis"
	"github.com/landsea/corridor/app/node"
	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
)

// appChain drives an App through the ABCI calls CometBFT makes for each
// block, with nothing else in the process: no consensus, no network, no
// mempool. It is the baseline the node is compared with.
type appChain struct {
	st      *store.Store
	app     *app.App
	chainID string
	keys    map[string]*client.Key
	next    map[string]uint64 // each signer's next sequence
	height  int64
	time    time.Time
}

// phaseTimes add up where the baseline spends its time.
type phaseTimes struct {
	check    time.Duration // CheckTx of every tx (not part of app_tps)
	propose  time.Duration // PrepareProposal + ProcessProposal
	finalize time.Duration // FinalizeBlock: signatures, handlers, new root
	commit   time.Duration // Commit: persisting the block's writes
}

// appResult is what one workload measured in-process.
type appResult struct {
	txs, records, blocks int
	elapsed              time.Duration // propose + finalize + commit
	phases               phaseTimes
}

func (r appResult) tps() float64 { return float64(r.txs) / r.elapsed.Seconds() }
func (r appResult) rps() float64 { return float64(r.records) / r.elapsed.Seconds() }

// benchKey derives a member's key from its id, so runs are repeatable.
func benchKey(id string) *client.Key {
	seed := sha256.Sum256([]byte("e2ebench-key/" + id))
	return client.KeyFromSeed(id, "k1", seed[:])
}

// openAppChain creates a store in dir with a node's default store and
// application settings, and runs InitChain with the 15 provinces and the
// demo members in genesis.
func openAppChain(dir, chainID string) (*appChain, error) {
	ac := node.DefaultAppConfig()
	st, err := store.Open(dir, ac.StoreOptions())
	if err != nil {
		return nil, err
	}
	a, err := app.New(st, chainID, ac.App(), nil, nil)
	if err != nil {
		st.Close()
		return nil, err
	}
	c := &appChain{st: st, app: a, chainID: chainID, keys: map[string]*client.Key{}, next: map[string]uint64{},
		time: time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)}
	gs, err := genesis.Build(genesis.Specs(true), func(s genesis.Spec) (*client.Key, error) {
		c.keys[s.ID] = benchKey(s.ID)
		return c.keys[s.ID], nil
	})
	if err == nil {
		err = c.initChain(gs)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return c, nil
}

func (c *appChain) initChain(gs *types.GenesisState) error {
	bz, err := genesis.MarshalJSON(gs)
	if err != nil {
		return err
	}
	_, err = c.app.InitChain(context.Background(), &abci.InitChainRequest{
		ChainId: c.chainID, AppStateBytes: bz, InitialHeight: 1, Time: c.time})
	if err != nil {
		return err
	}
	return c.block(nil, &phaseTimes{}) // height 1, empty, like a node's first block
}

func (c *appChain) close() error { return c.st.Close() }

// block runs CheckTx on every tx (timed apart), then one block of them:
// PrepareProposal, ProcessProposal, FinalizeBlock, Commit. A tx that fails
// is an error: the workloads are built to succeed.
func (c *appChain) block(txs [][]byte, p *phaseTimes) error {
	ctx := context.Background()
	t0 := time.Now()
	for i, tx := range txs {
		r, err := c.app.CheckTx(ctx, &abci.CheckTxRequest{Tx: tx, Type: abci.CHECK_TX_TYPE_CHECK})
		if err != nil || r.Code != 0 {
			return fmt.Errorf("CheckTx of tx %d at height %d: %v %s", i, c.height+1, err, r.GetLog())
		}
	}
	c.height++
	c.time = c.time.Add(time.Second)
	t1 := time.Now()
	prep, err := c.app.PrepareProposal(ctx, &abci.PrepareProposalRequest{Txs: txs, MaxTxBytes: 32 << 20, Height: c.height, Time: c.time})
	if err != nil {
		return err
	}
	if len(prep.Txs) != len(txs) {
		return fmt.Errorf("PrepareProposal kept %d of %d txs", len(prep.Txs), len(txs))
	}
	proc, err := c.app.ProcessProposal(ctx, &abci.ProcessProposalRequest{Txs: prep.Txs, Height: c.height, Time: c.time})
	if err != nil || proc.Status != abci.PROCESS_PROPOSAL_STATUS_ACCEPT {
		return fmt.Errorf("ProcessProposal at height %d: %v %v", c.height, proc.GetStatus(), err)
	}
	t2 := time.Now()
	fin, err := c.app.FinalizeBlock(ctx, &abci.FinalizeBlockRequest{Txs: prep.Txs, Height: c.height, Time: c.time})
	if err != nil {
		return err
	}
	for i, r := range fin.TxResults {
		if r.Code != 0 {
			return fmt.Errorf("tx %d at height %d failed: code %d (%s): %s", i, c.height, r.Code, r.Codespace, r.Log)
		}
	}
	t3 := time.Now()
	if _, err := c.app.Commit(ctx, &abci.CommitRequest{}); err != nil {
		return err
	}
	t4 := time.Now()
	p.check += t1.Sub(t0)
	p.propose += t2.Sub(t1)
	p.finalize += t3.Sub(t2)
	p.commit += t4.Sub(t3)
	return nil
}

// runApp signs w and runs it in blocks whose transactions create up to
// recordsPerBlock records (at least one tx per block).
func (c *appChain) runApp(ctx context.Context, w workload, recordsPerBlock int) (appResult, error) {
	signed, err := sign(w, c.keys, c.chainID, c.next)
	if err != nil {
		return appResult{}, err
	}
	res := appResult{txs: len(signed), records: w.records()}
	for start := 0; start < len(signed); {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		end, records := start, 0
		for end < len(signed) && (end == start || records+w.txs[end].records <= recordsPerBlock) {
			records += w.txs[end].records
			end++
		}
		if err := c.block(signed[start:end], &res.phases); err != nil {
			return res, err
		}
		res.blocks++
		start = end
	}
	p := res.phases
	res.elapsed = p.propose + p.finalize + p.commit
	return res, nil
}
