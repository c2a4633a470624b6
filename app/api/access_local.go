package api

import (
	"context"
	"fmt"
	"time"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/api/nodepb"
	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	membershipkeeper "github.com/landsea/corridor/x/membership/keeper"
)

// LocalSubmitter submits transactions through the node's own transaction
// service, in process: the same CheckTx, mempool and wait-for-commit path
// as a gRPC client, without a network connection (so the node's TLS and
// client-certificate settings do not apply to it). The node's access-event
// submitter uses it.
type LocalSubmitter struct {
	tx        *txService
	committed app.Committed
	chainID   string
}

// NewLocalSubmitter returns a submitter over the node's dependencies.
func NewLocalSubmitter(d Deps) *LocalSubmitter {
	return &LocalSubmitter{tx: &txService{d: d}, committed: app.NewCommitted(d.Store), chainID: d.ChainID}
}

// Submit signs msgs with key at the signer's next committed sequence,
// broadcasts and waits up to timeout for the block. A refused transaction
// is returned as *client.TxError.
func (l *LocalSubmitter) Submit(ctx context.Context, key *client.Key, timeout time.Duration, msgs ...*types.Message) (*nodepb.TxResult, error) {
	seq, err := membershipkeeper.Keeper{}.NextSequence(l.committed.State(), key.MemberID)
	if err != nil {
		return nil, fmt.Errorf("sequence of %q: %w", key.MemberID, err)
	}
	bz, err := client.BuildTx(key, client.TxParams{ChainID: l.chainID, Sequence: seq}, msgs...)
	if err != nil {
		return nil, err
	}
	resp, err := l.tx.BroadcastTx(ctx, &nodepb.BroadcastTxRequest{TxBytes: bz, WaitForCommit: true, TimeoutMs: uint32(timeout / time.Millisecond)})
	if err != nil {
		return nil, err
	}
	if resp.Result.Code != 0 {
		return resp.Result, &client.TxError{Result: resp.Result}
	}
	return resp.Result, nil
}
