package app_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/genesis"
	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
)

const chainID = "corridor-test"

// testChain drives an App through ABCI calls the way CometBFT would.
type testChain struct {
	t      *testing.T
	dir    string
	cfg    app.Config
	st     *store.Store
	app    *app.App
	keys   map[string]*client.Key
	seqs   map[string]uint64
	height int64
	time   time.Time
}

// seedKey derives a member's test key from its id, so that a restarted chain
// has the same keys.
func seedKey(id string) *client.Key {
	seed := sha256.Sum256([]byte("test-key/" + id))
	return client.KeyFromSeed(id, "k1", seed[:])
}

func newChain(t *testing.T) *testChain {
	t.Helper()
	return newChainWith(t, app.DefaultConfig())
}

// newChainWith is newChain with the node configured by cfg.
func newChainWith(t *testing.T, cfg app.Config) *testChain {
	t.Helper()
	return newChainValidators(t, cfg, nil)
}

// newChainValidators is newChainWith with the validator set CometBFT
// hands to InitChain.
func newChainValidators(t *testing.T, cfg app.Config, vals []abci.ValidatorUpdate) *testChain {
	t.Helper()
	c := &testChain{t: t, dir: t.TempDir(), cfg: cfg, keys: map[string]*client.Key{}, seqs: map[string]uint64{},
		time: time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)}
	c.open()
	bz := genesisJSON(t, true, c.keys)
	resp, err := c.app.InitChain(context.Background(), &abci.InitChainRequest{ChainId: chainID, AppStateBytes: bz, InitialHeight: 1, Time: c.time, Validators: vals})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.AppHash) != 32 {
		t.Fatalf("InitChain app hash %x", resp.AppHash)
	}
	return c
}

// genesisJSON is the app_state of a genesis of the founding members (and,
// with demo, the demo members), each with seedKey's key, which keys also
// receives when it is not nil.
func genesisJSON(t testing.TB, demo bool, keys map[string]*client.Key) []byte {
	t.Helper()
	gs, err := genesis.Build(genesis.Specs(demo), func(s genesis.Spec) (*client.Key, error) {
		k := seedKey(s.ID)
		if keys != nil {
			keys[s.ID] = k
		}
		return k, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	bz, err := genesis.MarshalJSON(gs)
	if err != nil {
		t.Fatal(err)
	}
	return bz
}

// newApp is an application on a new store of bucket depth depth, before
// genesis.
func newApp(t testing.TB, depth int) *app.App {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{BucketDepth: depth})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	a, err := app.New(st, chainID, app.DefaultConfig(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (c *testChain) open() {
	c.t.Helper()
	st, err := store.Open(c.dir, store.Options{BucketDepth: 12})
	if err != nil {
		c.t.Fatal(err)
	}
	a, err := app.New(st, chainID, c.cfg, nil, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	c.st, c.app = st, a
	c.t.Cleanup(func() { _ = st.Close() })
}

// restart closes the store and opens a new App on the same directory.
func (c *testChain) restart() {
	c.t.Helper()
	if err := c.st.Close(); err != nil {
		c.t.Fatal(err)
	}
	c.open()
}

// tx signs msgs as member with its next sequence.
func (c *testChain) tx(member string, msgs ...*types.Message) []byte {
	c.t.Helper()
	bz, err := client.BuildTx(c.keys[member], client.TxParams{ChainID: chainID, Sequence: c.seqs[member]}, msgs...)
	if err != nil {
		c.t.Fatal(err)
	}
	c.seqs[member]++
	return bz
}

// block runs one full block: PrepareProposal, ProcessProposal,
// FinalizeBlock, Commit.
func (c *testChain) block(txs ...[]byte) *abci.FinalizeBlockResponse {
	c.t.Helper()
	ctx := context.Background()
	c.height++
	c.time = c.time.Add(5 * time.Second)
	prep, err := c.app.PrepareProposal(ctx, &abci.PrepareProposalRequest{Txs: txs, MaxTxBytes: 64 << 20, Height: c.height, Time: c.time})
	if err != nil {
		c.t.Fatal(err)
	}
	proc, err := c.app.ProcessProposal(ctx, &abci.ProcessProposalRequest{Txs: prep.Txs, Height: c.height, Time: c.time})
	if err != nil || proc.Status != abci.PROCESS_PROPOSAL_STATUS_ACCEPT {
		c.t.Fatalf("ProcessProposal: %v %v", proc, err)
	}
	fin, err := c.app.FinalizeBlock(ctx, &abci.FinalizeBlockRequest{Txs: prep.Txs, Height: c.height, Time: c.time})
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.app.Commit(ctx, &abci.CommitRequest{}); err != nil {
		c.t.Fatal(err)
	}
	return fin
}

// mustOK fails the test unless every tx result is success.
func mustOK(t *testing.T, fin *abci.FinalizeBlockResponse) {
	t.Helper()
	for i, r := range fin.TxResults {
		if r.Code != 0 {
			t.Fatalf("tx %d failed: code %d %s: %s", i, r.Code, r.Codespace, r.Log)
		}
	}
}

var _ = app.QueryPathKey
