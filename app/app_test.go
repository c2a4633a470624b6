package app_test

import (
	"context"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	ics23 "github.com/cosmos/ics23/go"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/genesis"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/store/storepb"
	mt "github.com/landsea/corridor/x/membership/types"
)

func newEnterprise(id string) (*mt.Member, *client.Key) {
	k := seedKey(id)
	return &mt.Member{
		Id: id, Name: "Chongqing Test Trading Co., Ltd.", Roles: []mt.Role{mt.Role_ROLE_ENTERPRISE},
		Province: "chongqing", Country: "CN", CreditCode: genesis.MustCreditCode("91500000MA5U77771"),
		Keys: []*mt.Key{k.LedgerKey()},
	}, k
}

// TestLifecycle runs CheckTx → PrepareProposal → ProcessProposal →
// FinalizeBlock → Commit → Info → Query, then restarts from the same
// directory and checks that nothing was lost.
func TestLifecycle(t *testing.T) {
	c := newChain(t)
	ctx := context.Background()
	c.block() // block 1 commits genesis
	member, _ := newEnterprise("cq-test-trading")
	tx := c.tx("chongqing", client.RegisterMember(member))

	check, err := c.app.CheckTx(ctx, &abci.CheckTxRequest{Tx: tx, Type: abci.CHECK_TX_TYPE_CHECK})
	if err != nil || check.Code != 0 {
		t.Fatalf("CheckTx: %v %+v", err, check)
	}
	fin := c.block(tx)
	mustOK(t, fin)

	info, err := c.app.Info(ctx, &abci.InfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if info.LastBlockHeight != 2 || string(info.LastBlockAppHash) != string(fin.AppHash) {
		t.Fatalf("Info = height %d hash %x; want 2, %x", info.LastBlockHeight, info.LastBlockAppHash, fin.AppHash)
	}

	// The registered member is provable against the app hash.
	key := mt.MemberKey(member.Id)
	q, err := c.app.Query(ctx, &abci.QueryRequest{Path: app.QueryPathKey, Data: key, Prove: true})
	if err != nil || q.Code != 0 {
		t.Fatalf("Query: %v %+v", err, q)
	}
	got := &mt.Member{}
	if err := got.Unmarshal(q.Value); err != nil || got.Id != member.Id || got.Status != mt.MemberStatus_MEMBER_STATUS_ACTIVE {
		t.Fatalf("queried member %+v (%v)", got, err)
	}
	if len(q.ProofOps.GetOps()) != 1 || q.ProofOps.Ops[0].Type != app.ProofOpType {
		t.Fatalf("proof ops %+v", q.ProofOps)
	}
	cp := &ics23.CommitmentProof{}
	if err := cp.Unmarshal(q.ProofOps.Ops[0].Data); err != nil {
		t.Fatal(err)
	}
	if err := store.VerifyMembership(fin.AppHash, cp, key, q.Value); err != nil {
		t.Fatalf("proof does not verify against the app hash: %v", err)
	}
	if !ics23.VerifyMembership(store.ProofSpec(), fin.AppHash, cp, key, q.Value) {
		t.Fatal("stock ics23 verifier refuses the proof")
	}

	// An absent key gets a non-existence proof.
	absent := mt.MemberKey("no-such-member")
	q, err = c.app.Query(ctx, &abci.QueryRequest{Path: app.QueryPathKey, Data: absent, Prove: true})
	if err != nil || q.Code != 0 || q.Value != nil {
		t.Fatalf("absent query: %v %+v", err, q)
	}
	cp = &ics23.CommitmentProof{}
	if err := cp.Unmarshal(q.ProofOps.Ops[0].Data); err != nil {
		t.Fatal(err)
	}
	if !ics23.VerifyNonMembership(store.ProofSpec(), fin.AppHash, cp, absent) {
		t.Fatal("non-existence proof does not verify")
	}

	// Subspace lists members in key order.
	q, err = c.app.Query(ctx, &abci.QueryRequest{Path: app.QueryPathSubspace, Data: mt.MemberPrefix()})
	if err != nil || q.Code != 0 {
		t.Fatalf("subspace: %v %+v", err, q)
	}
	pairs := &storepb.KVPairs{}
	if err := pairs.Unmarshal(q.Value); err != nil {
		t.Fatal(err)
	}
	wantMembers := len(genesis.Specs(true)) + 1
	if len(pairs.Pairs) != wantMembers {
		t.Fatalf("subspace has %d members, want %d", len(pairs.Pairs), wantMembers)
	}
	q, _ = c.app.Query(ctx, &abci.QueryRequest{Path: app.QueryPathProofSpec})
	spec := &ics23.ProofSpec{}
	if err := spec.Unmarshal(q.Value); err != nil || !spec.SpecEquals(store.ProofSpec()) {
		t.Fatalf("proofspec query: %v", err)
	}

	// Restart from the same directory: same height, same hash, same state,
	// and the signer's sequence survived.
	c.restart()
	info, _ = c.app.Info(ctx, &abci.InfoRequest{})
	if info.LastBlockHeight != 2 || string(info.LastBlockAppHash) != string(fin.AppHash) {
		t.Fatalf("after restart Info = %d %x", info.LastBlockHeight, info.LastBlockAppHash)
	}
	replay := tx // the same tx again is a replay
	check, _ = c.app.CheckTx(ctx, &abci.CheckTxRequest{Tx: replay})
	if check.Code != 8 {
		t.Fatalf("replayed tx after restart: code %d %s", check.Code, check.Log)
	}
	fin2 := c.block(c.tx("chongqing", client.RegisterMember(mustMember(newEnterprise("cq-second")))))
	mustOK(t, fin2)
	if string(fin2.AppHash) == string(fin.AppHash) {
		t.Fatal("app hash did not change after a state change")
	}
}

func mustMember(m *mt.Member, _ *client.Key) *mt.Member { return m }

// TestRecheck: after a block, CometBFT rechecks the mempool. A tx whose
// sequence the block used is dropped (code 8); one signed by a key revoked
// in the block is dropped (code 7); a still-valid one stays.
func TestRecheck(t *testing.T) {
	c := newChain(t)
	ctx := context.Background()
	c.block()
	m1, _ := newEnterprise("cq-recheck-1")
	used := c.tx("chongqing", client.RegisterMember(m1))
	c.seqs["chongqing"] = 0
	m2, _ := newEnterprise("cq-recheck-2")
	sameSeq := c.tx("chongqing", client.RegisterMember(m2))
	k2 := seedKey("sichuan-k2")
	k2.MemberID, k2.KeyID = "sichuan", "k2"
	rotate := c.tx("sichuan",
		client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_AddKey{AddKey: &mt.MsgAddKey{Key: k2.LedgerKey()}}}),
		client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_RevokeKey{RevokeKey: &mt.MsgRevokeKey{KeyId: "k1"}}}))
	m3, _ := newEnterprise("cq-recheck-3")
	oldKey := c.tx("sichuan", client.RegisterMember(m3))
	m4, _ := newEnterprise("yn-recheck-4")
	m4.Province = "yunnan"
	valid := c.tx("yunnan", client.RegisterMember(m4))
	for _, tx := range [][]byte{sameSeq, rotate, oldKey, valid} { // the mempool; "used" reached the block from another node
		if r, _ := c.app.CheckTx(ctx, &abci.CheckTxRequest{Tx: tx}); r.Code != 0 {
			t.Fatalf("CheckTx before the block: %d %s", r.Code, r.Log)
		}
	}
	mustOK(t, c.block(used, rotate))
	for _, tc := range []struct {
		tx   []byte
		code uint32
	}{{sameSeq, 8}, {oldKey, 7}, {valid, 0}} {
		r, _ := c.app.CheckTx(ctx, &abci.CheckTxRequest{Tx: tc.tx, Type: abci.CHECK_TX_TYPE_RECHECK})
		if r.Code != tc.code {
			t.Errorf("recheck: code %d (%s), want %d", r.Code, r.Log, tc.code)
		}
	}
}

// TestCheckTxBeforeFirstBlock: genesis members can submit before block 1
// (which commits the genesis state) has been decided.
func TestCheckTxBeforeFirstBlock(t *testing.T) {
	c := newChain(t)
	m, _ := newEnterprise("cq-early")
	tx := c.tx("chongqing", client.RegisterMember(m))
	r, err := c.app.CheckTx(context.Background(), &abci.CheckTxRequest{Tx: tx})
	if err != nil || r.Code != 0 {
		t.Fatalf("CheckTx before block 1: %v %d %s", err, r.Code, r.Log)
	}
	mustOK(t, c.block(tx))
}
