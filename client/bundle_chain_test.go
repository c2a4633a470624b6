package client_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/vfs"
	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"
	cmtversionpb "github.com/cometbft/cometbft/api/cometbft/version/v1"
	"github.com/cometbft/cometbft/crypto/tmhash"
	cmttypes "github.com/cometbft/cometbft/types"
	cmtversion "github.com/cometbft/cometbft/version"

	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/store/storepb"
)

// testChain is a chain made in memory for bundle tests: a real store whose
// root after height h is the AppHash of header h+1, and headers signed by
// mock validators whose set may change along the way.
type testChain struct {
	chainID string
	genesis *cmttypes.GenesisDoc
	st      *store.Store
	blocks  map[int64]*cmttypes.LightBlock
	latest  int64
	keys    map[string]cmttypes.PrivValidator // by validator address
	absent  map[int64]map[int]bool            // heights → validator indexes that do not sign
}

var genesisTime = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)

// newValidators makes n validators of power 10, named prefix0…
func (c *testChain) newValidators(prefix string, n int) ([]*cmttypes.Validator, []string) {
	var vals []*cmttypes.Validator
	var names []string
	for i := 0; i < n; i++ {
		pv := cmttypes.NewMockPV()
		pk, _ := pv.GetPubKey()
		c.keys[pk.Address().String()] = pv
		vals = append(vals, cmttypes.NewValidator(pk, 10))
		names = append(names, fmt.Sprintf("%s%d", prefix, i))
	}
	return vals, names
}

// newTestChain builds blocks 1..n; setAt(h) says which validator set (an
// index into sets) signs block h. Every height writes key "k<h>" = "v<h>"
// and key "shared" = "s<h>".
// absent lists, by height, the validator indexes that do not sign.
func newTestChain(t *testing.T, n int64, sets int, setAt func(h int64) int, absent map[int64]map[int]bool) *testChain {
	t.Helper()
	c := &testChain{chainID: "corridor-bundle-test", blocks: map[int64]*cmttypes.LightBlock{}, latest: n,
		keys: map[string]cmttypes.PrivValidator{}, absent: absent}
	var valSets []*cmttypes.ValidatorSet
	for s := 0; s < sets; s++ {
		vals, names := c.newValidators(fmt.Sprintf("set%d-", s), 4)
		if s == setAt(1) {
			c.genesis = &cmttypes.GenesisDoc{ChainID: c.chainID, GenesisTime: genesisTime, InitialHeight: 1}
			for i, v := range vals {
				c.genesis.Validators = append(c.genesis.Validators, cmttypes.GenesisValidator{
					Address: v.Address, PubKey: v.PubKey, Power: v.VotingPower, Name: names[i]})
			}
		}
		vs, err := cmttypes.ValidatorSetFromExistingValidators(vals)
		if err != nil {
			t.Fatal(err)
		}
		valSets = append(valSets, vs)
	}
	st, err := store.Open("bundle", store.Options{FS: vfs.NewMem(), BucketDepth: 12, CacheBytes: 1 << 20, MemTableBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c.st = st
	c.build(t, n, func(h int64) *cmttypes.ValidatorSet { return valSets[setAt(h)] })
	return c
}

func (c *testChain) build(t *testing.T, n int64, valsAt func(int64) *cmttypes.ValidatorSet) {
	t.Helper()
	var last cmttypes.BlockID
	appHash := make([]byte, 32)
	for h := int64(1); h <= n; h++ {
		hdr := &cmttypes.Header{
			Version: cmtversionpb.Consensus{Block: cmtversion.BlockProtocol}, ChainID: c.chainID, Height: h,
			Time: genesisTime.Add(time.Duration(h-1) * time.Second), LastBlockID: last,
			LastCommitHash: tmhash.Sum([]byte("lc")), DataHash: tmhash.Sum([]byte("data")),
			ValidatorsHash: valsAt(h).Hash(), NextValidatorsHash: valsAt(h + 1).Hash(),
			ConsensusHash: tmhash.Sum([]byte("cons")), AppHash: appHash, LastResultsHash: tmhash.Sum([]byte("res")),
			EvidenceHash: tmhash.Sum([]byte("ev")), ProposerAddress: valsAt(h).Validators[0].Address,
		}
		commit := c.sign(t, hdr, valsAt(h))
		c.blocks[h] = &cmttypes.LightBlock{SignedHeader: &cmttypes.SignedHeader{Header: hdr, Commit: commit}, ValidatorSet: valsAt(h)}
		last = commit.BlockID
		// Execute block h: its state root goes into header h+1.
		root, err := c.st.Stage([]store.Change{
			{Key: []byte(fmt.Sprintf("k%d", h)), Value: []byte(fmt.Sprintf("v%d", h))},
			{Key: []byte("shared"), Value: []byte(fmt.Sprintf("s%d", h))},
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.st.Commit(); err != nil {
			t.Fatal(err)
		}
		appHash = root
	}
}

// sign makes the commit for hdr: every validator of vals signs, except
// those marked absent at that height.
func (c *testChain) sign(t *testing.T, hdr *cmttypes.Header, vals *cmttypes.ValidatorSet) *cmttypes.Commit {
	t.Helper()
	bid := cmttypes.BlockID{Hash: hdr.Hash(), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: tmhash.Sum([]byte("parts"))}}
	sigs := make([]cmttypes.CommitSig, vals.Size())
	for i, v := range vals.Validators {
		if c.absent[hdr.Height][i] {
			sigs[i] = cmttypes.NewCommitSigAbsent()
			continue
		}
		vote := &cmttypes.Vote{Type: cmtproto.PrecommitType, Height: hdr.Height, BlockID: bid,
			Timestamp: hdr.Time.Add(500 * time.Millisecond), ValidatorAddress: v.Address, ValidatorIndex: int32(i)}
		vp := vote.ToProto()
		if err := c.keys[v.Address.String()].SignVote(c.chainID, vp, false); err != nil {
			t.Fatal(err)
		}
		sigs[i] = cmttypes.CommitSig{BlockIDFlag: cmttypes.BlockIDFlagCommit, ValidatorAddress: v.Address,
			Timestamp: vote.Timestamp, Signature: vp.Signature}
	}
	return &cmttypes.Commit{Height: hdr.Height, BlockID: bid, Signatures: sigs}
}

// The chain is its own ProofSource and HeaderSource.

func (c *testChain) Get(_ context.Context, key []byte, height int64, prove bool) (*storepb.GetResponse, error) {
	if height == 0 {
		height = c.st.LastCommit().Version
	}
	root, err := c.st.RootAt(height)
	if err != nil {
		return nil, err
	}
	value, err := c.st.GetAt(height, key)
	if err != nil {
		return nil, err
	}
	cp, err := c.st.Proof(height, key)
	if err != nil {
		return nil, err
	}
	bz, err := cp.Marshal()
	if err != nil {
		return nil, err
	}
	p := &storepb.Proof{Height: height, Key: key, Value: value, CommitmentProof: bz, Root: root}
	return &storepb.GetResponse{Found: value != nil, Value: value, Height: height, Proof: p}, nil
}

func (c *testChain) Genesis(context.Context) (*cmttypes.GenesisDoc, error) { return c.genesis, nil }

func (c *testChain) LatestHeight(context.Context) (int64, error) { return c.latest, nil }

func (c *testChain) SignedHeader(_ context.Context, h int64) (*cmttypes.SignedHeader, error) {
	if b, ok := c.blocks[h]; ok && h <= c.latest {
		return b.SignedHeader, nil
	}
	return nil, fmt.Errorf("no block %d", h)
}

func (c *testChain) ValidatorSet(_ context.Context, h int64) (*cmttypes.ValidatorSet, error) {
	if b, ok := c.blocks[h]; ok && h <= c.latest {
		return b.ValidatorSet, nil
	}
	return nil, fmt.Errorf("no block %d", h)
}
