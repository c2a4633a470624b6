package app_test

import (
	"context"
	"fmt"
	"strings"
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
	memoMax := app.DefaultLimits().MemoBytesMax
	longMemo := strings.Repeat("m", memoMax+1)

	// inBlock marks failures that need state: CheckTx checks the envelope
	// (signature, key, sequence), so those fail there too, except the role,
	// which only the message handler knows; every one of them fails again in
	// FinalizeBlock with the same code. log, when set, is part of the message
	// the submitter reads.
	cases := []struct {
		name    string
		tx      []byte
		code    *base.Code
		inBlock bool
		log     string
	}{
		{"garbage bytes", []byte("not a transaction"), base.ErrTxDecode, false, ""},
		{"wrong chain id", sign(guangxi, client.TxParams{ChainID: "other-chain"}, reg), base.ErrWrongChainID, false, ""},
		{"bad signature", badSig, base.ErrBadSignature, true, ""},
		{"unknown signer", sign(ghost, ok, reg), base.ErrUnknownSigner, true, ""},
		{"revoked key", sign(c.keys["chongqing"], client.TxParams{ChainID: chainID, Sequence: 2}, reg), base.ErrKeyRevoked, true, ""},
		{"replayed sequence", sign(k2, client.TxParams{ChainID: chainID, Sequence: 1}, reg), base.ErrSequenceReplayed, true, ""},
		{"sequence gap", sign(k2, client.TxParams{ChainID: chainID, Sequence: 5}, reg), base.ErrSequenceGap, true, ""},
		{"oversize tx", huge, base.ErrTxTooLarge, false, ""},
		{"too many messages", sign(guangxi, ok, many...), base.ErrTooManyMessages, false, ""},
		{"wrong role", sign(enterprise, ok, reg), base.ErrUnauthorized, true, ""},
		{"no messages", func() []byte {
			b, _ := (&types.Tx{BodyBytes: mustBody(t, guangxi), Signature: []byte{1}}).Marshal()
			return b
		}(), base.ErrEmptyTx, false, ""},
		{"invalid message", sign(guangxi, ok, client.RegisterMember(&mt.Member{Id: "X"})), base.ErrInvalidMsg, false, ""},
		// The setup block is height 1, so the next block is 2; but for its
		// timeout, k2's tx would succeed there.
		{"timed out", sign(k2, client.TxParams{ChainID: chainID, Sequence: 2, TimeoutHeight: 1}, reg), base.ErrTxTimeout, true,
			"tx timed out at height 1; the chain is at 2"},
		{"oversize memo", sign(guangxi, client.TxParams{ChainID: chainID, Memo: longMemo}, reg), base.ErrLimitExceeded, false,
			fmt.Sprintf("memo is %d bytes; the limit is %d", memoMax+1, memoMax)},
	}
	var inBlock [][]byte
	var inBlockCodes []*base.Code
	var inBlockLogs []string
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
		if !strings.Contains(resp.Log, tc.log) {
			t.Errorf("%s: CheckTx log %q does not say %q", tc.name, resp.Log, tc.log)
		}
		if tc.inBlock {
			inBlock = append(inBlock, tc.tx)
			inBlockCodes = append(inBlockCodes, tc.code)
			inBlockLogs = append(inBlockLogs, tc.log)
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
		if !strings.Contains(r.Log, inBlockLogs[i]) {
			t.Errorf("bad tx %d in the block: log %q does not say %q", i, r.Log, inBlockLogs[i])
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
	// At the edges both pass: a tx may be included at its timeout height
	// (block 3 is next), and a memo may use the whole limit.
	edge := sign(k2, client.TxParams{ChainID: chainID, Sequence: 2, TimeoutHeight: 3, Memo: longMemo[:memoMax]}, reg)
	if r, _ := c.app.CheckTx(ctx, &abci.CheckTxRequest{Tx: edge}); r.Code != 0 {
		t.Fatalf("tx at its timeout height with a memo of %d bytes: code %d %s", memoMax, r.Code, r.Log)
	}
}

// TestBlockEventLimit: a block emits at most EventsPerBlockMax events. With
// a limit of 3 and five transactions of one event each, the first three
// succeed and the two that would pass the limit fail whole, with their own
// code, leaving no member behind and no sequence used, so that they succeed
// when resubmitted in the next block. Another node with the same limit reaches
// the same results and app hash; a node with a larger limit commits all
// five and another app hash, which is why all nodes must share the limit.
func TestBlockEventLimit(t *testing.T) {
	provinces := []string{"chongqing", "guangxi", "guizhou", "yunnan", "sichuan"}
	run := func(eventsMax int) (*testChain, *abci.FinalizeBlockResponse, [][]byte) {
		cfg := app.DefaultConfig()
		cfg.Limits.EventsPerBlockMax = eventsMax
		c := newChainWith(t, cfg)
		c.block()
		var txs [][]byte
		for _, p := range provinces {
			m, _ := newEnterprise(p + "-events")
			m.Province = p
			txs = append(txs, c.tx(p, client.RegisterMember(m)))
		}
		return c, c.block(txs...), txs
	}
	c, fin, txs := run(3)
	for i, r := range fin.TxResults {
		if i < 3 {
			if r.Code != 0 || len(r.Events) != 1 {
				t.Fatalf("tx %d within the limit: code %d %s, %d events", i, r.Code, r.Log, len(r.Events))
			}
			continue
		}
		if r.Codespace != base.ErrLimitExceeded.Codespace || r.Code != base.ErrLimitExceeded.Code || len(r.Events) != 0 {
			t.Fatalf("tx %d over the limit: %s/%d %q with %d events, want %s/%d (%s)", i, r.Codespace, r.Code, r.Log, len(r.Events),
				base.ErrLimitExceeded.Codespace, base.ErrLimitExceeded.Code, base.ErrLimitExceeded.Name)
		}
		if want := "block would emit more than 3 events; resubmit in a later block"; !strings.Contains(r.Log, want) {
			t.Fatalf("tx %d over the limit: log %q does not say %q", i, r.Log, want)
		}
	}
	for i, p := range provinces {
		q, err := c.app.Query(context.Background(), &abci.QueryRequest{Path: app.QueryPathKey, Data: mt.MemberKey(p + "-events")})
		if err != nil || q.Code != 0 {
			t.Fatalf("query %s-events: %v %+v", p, err, q)
		}
		if registered := q.Value != nil; registered != (i < 3) {
			t.Fatalf("member %s-events registered: %v; want %v", p, registered, i < 3)
		}
	}
	mustOK(t, c.block(txs[3:]...))
	_, same, _ := run(3)
	if fmt.Sprint(same.TxResults) != fmt.Sprint(fin.TxResults) || string(same.AppHash) != string(fin.AppHash) {
		t.Fatal("two nodes with the same limit disagree on the block")
	}
	_, wide, _ := run(app.DefaultLimits().EventsPerBlockMax)
	mustOK(t, wide)
	if string(wide.AppHash) == string(fin.AppHash) {
		t.Fatal("a node with a larger event limit reached the same app hash")
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
