package client

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/landsea/corridor/client/bundlepb"
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/store/storepb"
)

// ProofSource reads a raw state key with its ICS23 proof; *Client is one.
type ProofSource interface {
	Get(ctx context.Context, key []byte, height int64, prove bool) (*storepb.GetResponse, error)
}

// HeaderSource gives a chain's genesis, signed headers and validator sets;
// NewRPCHeaderSource reads them from a node's CometBFT RPC.
type HeaderSource interface {
	// Genesis is the chain's genesis document (its validators are where the
	// header chain starts).
	Genesis(ctx context.Context) (*cmttypes.GenesisDoc, error)
	// LatestHeight is the height of the last committed block.
	LatestHeight(ctx context.Context) (int64, error)
	// SignedHeader is the header at height and the commit that signs it.
	SignedHeader(ctx context.Context, height int64) (*cmttypes.SignedHeader, error)
	// ValidatorSet is the validator set at height, in the chain's order.
	ValidatorSet(ctx context.Context, height int64) (*cmttypes.ValidatorSet, error)
}

// FetchBundle builds a proof bundle for a raw state key at height (0 =
// latest) from a node: the record and its proof from the gRPC API, the
// signed header at height+1 and the headers and validator sets that lead to
// it from genesis from the node's CometBFT RPC (rpcAddr, e.g.
// 127.0.0.1:26657 or tcp://host:26657). It waits for block height+1 if it is
// not committed yet.
func FetchBundle(ctx context.Context, c *Client, rpcAddr string, key []byte, height int64) (*bundlepb.Bundle, error) {
	src, err := NewRPCHeaderSource(rpcAddr)
	if err != nil {
		return nil, err
	}
	return BuildBundle(ctx, c, src, key, height)
}

// BuildBundle is FetchBundle over any sources. The node must still hold the
// headers and validator sets the header chain needs: the one at height+1
// and, after validator set changes, some of those in between.
func BuildBundle(ctx context.Context, proofs ProofSource, headers HeaderSource, key []byte, height int64) (*bundlepb.Bundle, error) {
	if len(key) == 0 {
		return nil, errors.New("bundle: the key is empty")
	}
	r, err := proofs.Get(ctx, key, height, true)
	if err != nil {
		return nil, fmt.Errorf("bundle: read key %X with proof: %w", key, err)
	}
	p := r.Proof
	if p == nil || p.Height <= 0 {
		return nil, fmt.Errorf("bundle: the node answered key %X without a proof", key)
	}
	if err := waitForHeight(ctx, headers, p.Height+1); err != nil {
		return nil, err
	}
	f := &chainFetcher{src: headers, cache: map[int64]*cmttypes.LightBlock{}}
	blocks, err := f.lightBlocks(ctx, p.Height+1)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	spec, err := store.ProofSpec().Marshal()
	if err != nil {
		return nil, fmt.Errorf("bundle: encode proof spec: %w", err)
	}
	b := &bundlepb.Bundle{Format: BundleFormat, ChainId: f.anchor.ChainID, GenesisValidatorsHash: f.anchorVals.Hash(),
		Found: r.Found, Proof: p, ProofSpec: spec}
	for _, lb := range blocks {
		e, err := encodeLightBlock(lb)
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		b.LightBlocks = append(b.LightBlocks, e)
	}
	return b, nil
}

// waitForHeight waits until block h is committed (its header then exists
// with a commit).
func waitForHeight(ctx context.Context, src HeaderSource, h int64) error {
	for {
		latest, err := src.LatestHeight(ctx)
		if err != nil {
			return fmt.Errorf("bundle: node status: %w", err)
		}
		if latest >= h {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bundle: waiting for block %d (the node is at %d): %w", h, latest, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// chainFetcher picks the headers a verifier needs to reach a target header
// from genesis, the way CometBFT's light client skips: try the target
// directly from the last trusted header; when too little of the trusted
// validators' power signed it, try the header halfway, and so on. With an
// unchanged validator set the target alone suffices.
type chainFetcher struct {
	src        HeaderSource
	cache      map[int64]*cmttypes.LightBlock
	anchor     *cmttypes.SignedHeader
	anchorVals *cmttypes.ValidatorSet
}

func (f *chainFetcher) lightBlocks(ctx context.Context, target int64) ([]*cmttypes.LightBlock, error) {
	if err := f.loadAnchor(ctx); err != nil {
		return nil, err
	}
	goal, err := f.lightBlock(ctx, target)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	trusted, trustedVals, pivot := f.anchor, f.anchorVals, goal
	var out []*cmttypes.LightBlock
	for len(out) < lightBlocksMax {
		err := verifyStep(trusted, trustedVals, pivot, now)
		var untrusted *untrustedError
		switch {
		case err == nil:
			out = append(out, pivot)
			if pivot.Height == target {
				return out, nil
			}
			trusted, trustedVals, pivot = pivot.SignedHeader, pivot.ValidatorSet, goal
		case errors.As(err, &untrusted) && pivot.Height-trusted.Height > 1:
			if pivot, err = f.lightBlock(ctx, trusted.Height+(pivot.Height-trusted.Height)/2); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("header %d from the node does not verify from height %d: %w", pivot.Height, trusted.Height, err)
		}
	}
	return nil, fmt.Errorf("reaching header %d needs more than %d headers", target, lightBlocksMax)
}

// loadAnchor reads the genesis: the header chain starts from its
// validators, exactly as the verifier's does.
func (f *chainFetcher) loadAnchor(ctx context.Context) error {
	gen, err := f.src.Genesis(ctx)
	if err != nil {
		return fmt.Errorf("genesis: %w", err)
	}
	if f.anchorVals, err = genesisValidators(gen); err != nil {
		return fmt.Errorf("genesis: %w", err)
	}
	f.anchor = genesisAnchor(gen, f.anchorVals)
	return nil
}

func (f *chainFetcher) lightBlock(ctx context.Context, h int64) (*cmttypes.LightBlock, error) {
	if lb, ok := f.cache[h]; ok {
		return lb, nil
	}
	sh, err := f.src.SignedHeader(ctx, h)
	if err != nil {
		return nil, fmt.Errorf("signed header %d: %w", h, err)
	}
	vals, err := f.src.ValidatorSet(ctx, h)
	if err != nil {
		return nil, fmt.Errorf("validators at %d: %w", h, err)
	}
	lb := &cmttypes.LightBlock{SignedHeader: sh, ValidatorSet: vals}
	f.cache[h] = lb
	return lb, nil
}

// rpcHeaders reads headers and validator sets from CometBFT's RPC.
type rpcHeaders struct{ c *rpchttp.HTTP }

// NewRPCHeaderSource reads headers from a node's CometBFT RPC address
// (host:port, tcp://host:port or http://host:port).
func NewRPCHeaderSource(addr string) (HeaderSource, error) {
	if addr == "" {
		return nil, errors.New("bundle: the CometBFT RPC address is empty")
	}
	if !strings.Contains(addr, "://") {
		addr = "tcp://" + addr
	}
	c, err := rpchttp.New(addr)
	if err != nil {
		return nil, fmt.Errorf("bundle: CometBFT RPC %s: %w", addr, err)
	}
	return rpcHeaders{c}, nil
}

// Genesis reads /genesis, or /genesis_chunked when the node finds the
// document too large to send whole.
func (r rpcHeaders) Genesis(ctx context.Context) (*cmttypes.GenesisDoc, error) {
	res, err := r.c.Genesis(ctx)
	if err == nil && res.Genesis != nil {
		return res.Genesis, nil
	}
	var doc []byte
	for chunk, total := 0, 1; chunk < total; chunk++ {
		res, cerr := r.c.GenesisChunked(ctx, uint(chunk))
		if cerr != nil {
			return nil, fmt.Errorf("%v; chunked: %w", err, cerr)
		}
		if total = res.TotalChunks; total > genesisChunksMax {
			return nil, fmt.Errorf("the genesis has %d chunks, over the limit of %d", total, genesisChunksMax)
		}
		bz, derr := base64.StdEncoding.DecodeString(res.Data)
		if derr != nil {
			return nil, fmt.Errorf("genesis chunk %d: %w", chunk, derr)
		}
		doc = append(doc, bz...)
	}
	return cmttypes.GenesisDocFromJSON(doc)
}

func (r rpcHeaders) LatestHeight(ctx context.Context) (int64, error) {
	st, err := r.c.Status(ctx)
	if err != nil {
		return 0, err
	}
	return st.SyncInfo.LatestBlockHeight, nil
}

func (r rpcHeaders) SignedHeader(ctx context.Context, h int64) (*cmttypes.SignedHeader, error) {
	res, err := r.c.Commit(ctx, &h)
	if err != nil {
		return nil, err
	}
	if res.Header == nil || res.Commit == nil {
		return nil, fmt.Errorf("the node has no signed header at %d", h)
	}
	return &res.SignedHeader, nil
}

func (r rpcHeaders) ValidatorSet(ctx context.Context, h int64) (*cmttypes.ValidatorSet, error) {
	var vals []*cmttypes.Validator
	perPage := validatorsPerPage
	for page := 1; ; page++ {
		res, err := r.c.Validators(ctx, &h, &page, &perPage)
		if err != nil {
			return nil, err
		}
		if res.Total <= 0 || res.Total > validatorsMax || len(res.Validators) == 0 {
			return nil, fmt.Errorf("the node reports %d validators (page %d holds %d); want 1 to %d",
				res.Total, page, len(res.Validators), validatorsMax)
		}
		vals = append(vals, res.Validators...)
		if len(vals) >= res.Total {
			break
		}
	}
	return cmttypes.ValidatorSetFromExistingValidators(vals)
}
