package api

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/mempool"
	cmttypes "github.com/cometbft/cometbft/types"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/landsea/corridor/app/api/nodepb"
)

// Wait limits for BroadcastTx.
const (
	waitDefault = 15 * time.Second
	waitMax     = 120 * time.Second
	pollEvery   = 100 * time.Millisecond
)

type txService struct {
	nodepb.UnimplementedTxServiceServer
	d Deps
}

// BroadcastTx checks the tx (CheckTx), adds it to the mempool and, when
// asked, waits until it is in a committed block.
func (t *txService) BroadcastTx(ctx context.Context, req *nodepb.BroadcastTxRequest) (*nodepb.BroadcastTxResponse, error) {
	if len(req.TxBytes) == 0 {
		return nil, status.Error(codes.InvalidArgument, "tx_bytes is empty")
	}
	res, err := t.d.Broadcaster.BroadcastTxSync(ctx, req.TxBytes)
	if err != nil {
		return broadcastRefusal(req.TxBytes, err)
	}
	out := &nodepb.TxResult{Hash: strings.ToUpper(hex.EncodeToString(res.Hash)), Code: res.Code, Codespace: res.Codespace, Log: res.Log}
	if res.Code != abci.CodeTypeOK || !req.WaitForCommit {
		return &nodepb.BroadcastTxResponse{Result: out}, nil
	}
	wait := waitDefault
	if req.TimeoutMs != 0 {
		wait = min(time.Duration(req.TimeoutMs)*time.Millisecond, waitMax)
	}
	committed, err := t.waitTx(ctx, res.Hash, wait)
	if err != nil {
		return nil, err
	}
	return &nodepb.BroadcastTxResponse{Result: committed}, nil
}

// broadcastRefusal turns an error of CometBFT's BroadcastTxSync into the
// answer a client can act on. CometBFT reports the application's CheckTx
// refusal (bad signature, wrong sequence, revoked key, …) as an error, not
// as a result: it is the tx's result, with its code, as a refusal in the
// block would be. A tx already in the mempool, a full mempool or a tx too
// large get the status that says so; anything else means the node cannot
// take transactions now.
func broadcastRefusal(tx []byte, err error) (*nodepb.BroadcastTxResponse, error) {
	hash := strings.ToUpper(hex.EncodeToString(cmttypes.Tx(tx).Hash()))
	var invalid mempool.ErrInvalidTx
	var full mempool.ErrMempoolIsFull
	var large mempool.ErrTxTooLarge
	switch {
	case errors.As(err, &invalid):
		return &nodepb.BroadcastTxResponse{Result: &nodepb.TxResult{Hash: hash, Code: invalid.Code, Codespace: invalid.Codespace, Log: invalid.Log}}, nil
	case errors.Is(err, mempool.ErrTxInCache):
		return nil, status.Errorf(codes.AlreadyExists, "tx %s is already in the mempool: wait for its block, or ask GetTx", hash)
	case errors.As(err, &full):
		return nil, status.Errorf(codes.ResourceExhausted, "the node's mempool is full (%v); send the tx again shortly", err)
	case errors.As(err, &large):
		return nil, status.Errorf(codes.InvalidArgument, "tx %s is too large: %v", hash, err)
	}
	return nil, status.Errorf(codes.Unavailable, "broadcast: %v", err)
}

func (t *txService) waitTx(ctx context.Context, hash []byte, wait time.Duration) (*nodepb.TxResult, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		if r, err := t.d.Broadcaster.Tx(ctx, hash, false); err == nil {
			return txResult(r.Hash, r.Height, &r.TxResult), nil
		}
		select {
		case <-ctx.Done():
			return nil, status.Errorf(codes.DeadlineExceeded, "tx %X is in the mempool but not committed after %s; query it later with GetTx", hash, wait)
		case <-tick.C:
		}
	}
}

// GetTx returns a committed tx's result.
func (t *txService) GetTx(ctx context.Context, req *nodepb.GetTxRequest) (*nodepb.GetTxResponse, error) {
	hash, err := hex.DecodeString(req.Hash)
	if err != nil || len(hash) != 32 {
		return nil, status.Errorf(codes.InvalidArgument, "hash %q is not 64 hex characters", req.Hash)
	}
	r, err := t.d.Broadcaster.Tx(ctx, hash, false)
	if err != nil {
		return nil, status.Errorf(codes.NotFound, "tx %X: %v", hash, err)
	}
	return &nodepb.GetTxResponse{Result: txResult(r.Hash, r.Height, &r.TxResult)}, nil
}

// Status describes the node.
func (t *txService) Status(context.Context, *nodepb.StatusRequest) (*nodepb.StatusResponse, error) {
	ci := t.d.Store.LastCommit()
	return &nodepb.StatusResponse{ChainId: t.d.ChainID, Height: ci.Version, AppHash: ci.Root, NodeId: t.d.NodeID, Moniker: t.d.Moniker}, nil
}

func txResult(hash []byte, height int64, r *abci.ExecTxResult) *nodepb.TxResult {
	out := &nodepb.TxResult{Hash: strings.ToUpper(hex.EncodeToString(hash)), Height: height, Code: r.Code, Codespace: r.Codespace, Log: r.Log}
	for _, e := range r.Events {
		for _, a := range e.Attributes {
			out.Events = append(out.Events, fmt.Sprintf("%s.%s=%s", e.Type, a.Key, a.Value))
		}
	}
	return out
}
