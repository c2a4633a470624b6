package app

import (
	"bytes"
	"context"
	"fmt"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/landsea/corridor/app/state"
	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// FinalizeBlock executes the block's transactions in order on the staged
// state, runs the modules' end-of-block work and returns the new app hash.
// Nothing is persisted until Commit.
func (a *App) FinalizeBlock(_ context.Context, req *abci.FinalizeBlockRequest) (*abci.FinalizeBlockResponse, error) {
	if a.staged != 0 {
		// A second FinalizeBlock without Commit (a replay after a crash
		// restarts the process, so this is a new proposal at the same
		// height): start again from committed state.
		a.resetBlock()
	}
	if want := a.store.LastCommit().Version + 1; req.Height != want {
		return nil, fmt.Errorf("app: FinalizeBlock at height %d, but the store expects %d", req.Height, want)
	}
	if err := checkBlockTime("block time", req.Time); err != nil {
		return nil, err
	}
	before, err := a.members.Validators(a.block)
	if err != nil {
		return nil, err
	}
	var blockEvents []base.Event
	results := make([]*abci.ExecTxResult, len(req.Txs))
	for i, tx := range req.Txs {
		results[i] = a.deliverTx(tx, req.Height, req.Time, &blockEvents)
	}
	endEvents, err := a.endBlock(req.Height, req.Time)
	if err != nil {
		return nil, err
	}
	after, err := a.members.Validators(a.block)
	if err != nil {
		return nil, err
	}
	root, err := a.stage()
	if err != nil {
		return nil, err
	}
	a.staged = req.Height
	return &abci.FinalizeBlockResponse{
		TxResults:        results,
		Events:           toABCIEvents(endEvents),
		ValidatorUpdates: validatorUpdates(before, after),
		AppHash:          root,
	}, nil
}

// Block times the ledger can hold: its keys and records keep times as
// nanoseconds since 1970 in a signed 64-bit integer, which ends in April
// 2262; the last months are left for times computed from a block's.
var (
	minBlockTime = time.Unix(0, 0)
	maxBlockTime = time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
)

// checkBlockTime refuses a time outside what the ledger can hold: a block
// at such a time (only a genesis_time set so in genesis.json can lead to
// one) would otherwise fail deep in a module.
func checkBlockTime(what string, t time.Time) error {
	if t.Before(minBlockTime) || t.After(maxBlockTime) {
		return fmt.Errorf("app: %s %s is outside %s to %s, the times the ledger can hold; check genesis_time in genesis.json",
			what, t.UTC().Format(time.RFC3339), minBlockTime.UTC().Format(time.RFC3339), maxBlockTime.UTC().Format(time.RFC3339))
	}
	return nil
}

// validatorUpdates tells CometBFT how the block changed the validator set
// the ledger records (a passed governance proposal): the new power of each
// validator whose power changed, 0 for one removed. Both sets are in
// public-key order.
func validatorUpdates(before, after []*mt.Validator) []abci.ValidatorUpdate {
	var out []abci.ValidatorUpdate
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		var c int
		switch {
		case i == len(before):
			c = 1
		case j == len(after):
			c = -1
		default:
			c = bytes.Compare(before[i].PubKey, after[j].PubKey)
		}
		switch {
		case c < 0: // removed
			out = append(out, abci.ValidatorUpdate{PubKeyType: mt.Ed25519PubKeyType, PubKeyBytes: before[i].PubKey, Power: 0})
			i++
		case c > 0: // added
			out = append(out, abci.ValidatorUpdate{PubKeyType: mt.Ed25519PubKeyType, PubKeyBytes: after[j].PubKey, Power: after[j].Power})
			j++
		default:
			if before[i].Power != after[j].Power {
				out = append(out, abci.ValidatorUpdate{PubKeyType: mt.Ed25519PubKeyType, PubKeyBytes: after[j].PubKey, Power: after[j].Power})
			}
			i++
			j++
		}
	}
	return out
}

// deliverTx runs one transaction on a child of the block state; its writes
// join the block only when every check and every message succeeds and its
// events fit in the block's limit.
func (a *App) deliverTx(bz []byte, height int64, t time.Time, blockEvents *[]base.Event) *abci.ExecTxResult {
	var events []base.Event
	err := a.execTx(bz, height, t, len(*blockEvents), &events)
	a.metrics.observeTx("deliver", err)
	if err != nil {
		codespace, code, log := base.ABCIInfo(err)
		return &abci.ExecTxResult{Code: code, Codespace: codespace, Log: log}
	}
	*blockEvents = append(*blockEvents, events...)
	a.metrics.observeEvents(events)
	return &abci.ExecTxResult{Code: abci.CodeTypeOK, Events: toABCIEvents(events)}
}

// execTx runs one transaction; blockEvents is how many events the block's
// earlier transactions emitted.
func (a *App) execTx(bz []byte, height int64, t time.Time, blockEvents int, events *[]base.Event) error {
	d, err := a.decodeTx(bz, fullChecks)
	if err != nil {
		return err
	}
	signer := d.body.Signer.MemberId
	next, err := a.members.NextSequence(a.block, signer)
	if err != nil {
		return err
	}
	if err := a.authenticate(a.block, d, height, next, fullChecks); err != nil {
		return err
	}
	txState, txIndex := state.NewCache(a.block), state.NewCache(a.blockIndex)
	ctx := a.newContext(height, t, events)
	ctx.Signer, ctx.TxHash, ctx.State, ctx.Index = signer, d.hash, txState, txIndex
	for i, msg := range d.body.Messages {
		ctx.MsgIndex = i
		if err := a.handleMsg(ctx, msg); err != nil {
			return wrapMsgIndex(err, i)
		}
	}
	if blockEvents+len(*events) > a.cfg.Limits.EventsPerBlockMax {
		return base.ErrLimitExceeded.Wrapf("block would emit more than %d events; resubmit in a later block", a.cfg.Limits.EventsPerBlockMax)
	}
	a.members.SetNextSequence(txState, signer, next+1)
	txState.Write(a.block)
	txIndex.Write(a.blockIndex)
	return nil
}

// endBlock runs the modules' end-of-block work (expiry queues) on the block
// state. A failure here is a bug, not bad input, and stops the node.
func (a *App) endBlock(height int64, t time.Time) ([]base.Event, error) {
	var events []base.Event
	ctx := a.newContext(height, t, &events)
	ctx.State, ctx.Index = a.block, a.blockIndex
	for _, eb := range a.endBlockers {
		if err := eb.EndBlock(ctx); err != nil {
			return nil, fmt.Errorf("app: end of block %d: %w", height, err)
		}
	}
	return events, nil
}

// Commit persists the staged block as one synced store batch.
func (a *App) Commit(context.Context, *abci.CommitRequest) (*abci.CommitResponse, error) {
	if a.staged == 0 {
		return nil, fmt.Errorf("app: Commit without a finalized block")
	}
	start := time.Now()
	ci, err := a.store.Commit()
	if err != nil {
		return nil, fmt.Errorf("app: commit of height %d: %w", a.staged, err)
	}
	a.metrics.observeCommit(time.Since(start), a.block.Len()+a.blockIndex.Len())
	a.resetBlock()
	resp := &abci.CommitResponse{}
	if r := a.cfg.RetainVersions; r > 0 && ci.Version > r {
		resp.RetainHeight = ci.Version - r + 1
		if err := a.store.Prune(resp.RetainHeight); err != nil {
			return nil, fmt.Errorf("app: prune below %d: %w", resp.RetainHeight, err)
		}
	}
	if a.snaps != nil {
		a.snaps.Committed(ci.Version)
	}
	return resp, nil
}

func toABCIEvents(events []base.Event) []abci.Event {
	out := make([]abci.Event, len(events))
	for i, e := range events {
		out[i].Type = e.Type
		for _, at := range e.Attrs {
			out[i].Attributes = append(out[i].Attributes, abci.EventAttribute{Key: at.Key, Value: at.Value, Index: true})
		}
	}
	return out
}
