package app_test

import (
	"context"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/x/base"
	mt "github.com/landsea/corridor/x/membership/types"
)

// TestBadTransactions submits one bad transaction of each kind and checks
// that each gets its own code, in CheckTx and in the block, and that the
// block's app hash is unchanged: nothing of a rejected tx touches state.
func TestBadTransactions(t *testing.T) {
	c := newChain(t)
	// Setup: chongqing rotates from k1 to k2, so k1 is revoked.
	k2 := seedKey("chongqing-k2")
	k2.MemberID, k2.KeyID = "chongqing", "k2"
	mustOK(t, c.block(
		c.tx("chongqing", client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_AddKey{AddKey: &mt.MsgAddKey{Key: k2.LedgerKey()}}})),
		c.tx("chongqing", client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_RevokeKey{RevokeKey: &mt.MsgRevokeKey{KeyId: "k1"}}})),
	))
	before, _ := c.app.Info(context.Background(), &abci.InfoRequest{})

	member, _ := newEnterprise("cq-bad-case")
	reg := client.RegisterMember(member)
	sign := func(k *client.Key, p client.TxParams, msgs ...*types.Message) []byte {
		bz, err := client.BuildTx(k, p, msgs...)
		if err != nil {
			t.Fatal(err)
		}
		return bz
	}
	guangxi := c.keys["guangxi"]
	ok := client.TxParams{ChainID: chainID, Sequence: 0}
	badSig := sign(guangxi, ok, reg)
	badSig[len(badSig)-1] ^= 1 // the signature is the last field
	ghost := seedKey("ghost")
	enterprise := c.keys["cq-electronics"]
	many := make([]*types.Message, app.DefaultLimits().MessagesPerTxMax+1)
	for i := range many {
		many[i] = reg
	}
	huge := make([]byte, app.DefaultLimits().TxBytesMax+1)

	// inBlock marks failures that need state: CheckTx checks the envelope
	// (signature, key, sequence), so those fail there too, except the role,
	// which only the message handler knows; every one of them fails again in
	// FinalizeBlock with the same code.
	cases := []struct {
		name    string
		tx      []byte
		code    *base.Code
		inBlock bool
	}{
		{"garbage bytes", []byte("not a transaction"), base.ErrTxDecode, false},
		{"wrong chain id", sign(guangxi, client.TxParams{ChainID: "other-chain"}, reg), base.ErrWrongChainID, false},
		{"bad signature", badSig, base.ErrBadSignature, true},
		{"unknown signer", sign(ghost, ok, reg), base.ErrUnknownSigner, true},
		{"revoked key", sign(c.keys["chongqing"], client.TxParams{ChainID: chainID, Sequence: 2}, reg), base.ErrKeyRevoked, true},
		{"replayed sequence", sign(k2, client.TxParams{ChainID: chainID, Sequence: 1}, reg), base.ErrSequenceReplayed, true},
		{"sequence gap", sign(k2, client.TxParams{ChainID: chainID, Sequence: 5}, reg), base.ErrSequenceGap, true},
		{"oversize tx", huge, base.ErrTxTooLarge, false},
		{"too many messages", sign(guangxi, ok, many...), base.ErrTooManyMessages, false},
		{"wrong role", sign(enterprise, ok, reg), base.ErrUnauthorized, true},
		{"no messages", func() []byte {
			b, _ := (&types.Tx{BodyBytes: mustBody(t, guangxi), Signature: []byte{1}}).Marshal()
			return b
		}(), base.ErrEmptyTx, false},
		{"invalid message", sign(guangxi, ok, client.RegisterMember(&mt.Member{Id: "X"})), base.ErrInvalidMsg, false},
	}
	var inBlock [][]byte
	var inBlockCodes []*base.Code
	for _, tc := range cases {
		resp, err := c.app.CheckTx(context.Background(), &abci.CheckTxRequest{Tx: tc.tx})
		if err != nil {
			t.Fatalf("%s: CheckTx error %v", tc.name, err)
		}
		wantCheck := tc.code
		if tc.code == base.ErrUnauthorized {
			wantCheck = &base.Code{Codespace: "", Code: 0}
		}
		if resp.Code != wantCheck.Code || resp.Codespace != wantCheck.Codespace {
			t.Errorf("%s: CheckTx code %d/%s %q, want %d (%s)", tc.name, resp.Code, resp.Codespace, resp.Log, wantCheck.Code, tc.code.Name)
		}
		if resp.Code != 0 && resp.Log == "" {
			t.Errorf("%s: CheckTx gave no log", tc.name)
		}
		if tc.inBlock {
			inBlock = append(inBlock, tc.tx)
			inBlockCodes = append(inBlockCodes, tc.code)
		}
	}
	// Stateful failures inside a block: each fails with its code, and the
	// block changes nothing.
	ctx := context.Background()
	fin, err := c.app.FinalizeBlock(ctx, &abci.FinalizeBlockRequest{Txs: inBlock, Height: c.height + 1, Time: c.time})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range fin.TxResults {
		if r.Code != inBlockCodes[i].Code || r.Codespace != inBlockCodes[i].Codespace {
			t.Errorf("bad tx %d in the block: code %d %q, want %d (%s)", i, r.Code, r.Log, inBlockCodes[i].Code, inBlockCodes[i].Name)
		}
	}
	if _, err := c.app.Commit(ctx, &abci.CommitRequest{}); err != nil {
		t.Fatal(err)
	}
	if string(fin.AppHash) != string(before.LastBlockAppHash) {
		t.Fatalf("a block of rejected txs changed the app hash")
	}
	// A proposal holding a tx that fails the stateless checks is refused.
	proc, _ := c.app.ProcessProposal(ctx, &abci.ProcessProposalRequest{Txs: [][]byte{[]byte("junk")}, Height: c.height + 2})
	if proc.Status != abci.PROCESS_PROPOSAL_STATUS_REJECT {
		t.Fatal("ProcessProposal accepted garbage")
	}
}

func mustBody(t *testing.T, k *client.Key) []byte {
	body := &types.TxBody{Signer: &types.Signer{MemberId: k.MemberID, KeyId: k.KeyID}, ChainId: chainID}
	bz, err := body.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return bz
}
