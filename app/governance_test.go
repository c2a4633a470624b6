package app_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/genesis"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
	mk "github.com/landsea/corridor/x/membership/keeper"
	mt "github.com/landsea/corridor/x/membership/types"
)

var genesisTime = time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)

func valUpdate(b byte, power int64) abci.ValidatorUpdate {
	return abci.ValidatorUpdate{PubKeyType: mt.Ed25519PubKeyType, PubKeyBytes: bytes.Repeat([]byte{b}, 32), Power: power}
}

func updatesString(us []abci.ValidatorUpdate) string {
	var parts []string
	for _, u := range us {
		parts = append(parts, fmt.Sprintf("%s:%x:%d", u.PubKeyType, u.PubKeyBytes[:1], u.Power))
	}
	return strings.Join(parts, " ")
}

// TestGovernanceChangesTheValidatorSet: the ledger records the genesis
// validators; a proposal to remove one and another to add one pass with
// ten provinces' approval, each in one block, and that block's
// FinalizeBlock, and no other, hands CometBFT the change. The recorded set
// survives a restart and is served with its height; a proposal is served
// with a proof against the app hash.
func TestGovernanceChangesTheValidatorSet(t *testing.T) {
	c := newChainValidators(t, app.DefaultConfig(), []abci.ValidatorUpdate{valUpdate(1, 10), valUpdate(2, 10), valUpdate(3, 10), valUpdate(4, 10)})
	if fin := c.block(); len(fin.ValidatorUpdates) != 0 {
		t.Fatalf("the first block changes validators: %s", updatesString(fin.ValidatorUpdates))
	}
	q, ctx := mk.NewQueryServer(app.NewCommitted(c.st)), context.Background()
	vals, err := q.Validators(ctx, &mt.ValidatorsRequest{})
	if err != nil || len(vals.Validators) != 4 || vals.Height != 1 {
		t.Fatalf("genesis validators: %v, %v", vals, err)
	}

	pass := func(reason string, change *mt.ValidatorChange) *abci.FinalizeBlockResponse {
		t.Helper()
		propose := client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_SubmitProposal{SubmitProposal: &mt.MsgSubmitProposal{Reason: reason,
			Action: &mt.MsgSubmitProposal_ValidatorChange{ValidatorChange: change}}}})
		fin := c.block(c.tx("chongqing", propose))
		mustOK(t, fin)
		if len(fin.ValidatorUpdates) != 0 {
			t.Fatalf("a submission changes validators: %s", updatesString(fin.ValidatorUpdates))
		}
		var id uint64
		for _, e := range fin.TxResults[0].Events {
			for _, a := range e.Attributes {
				if e.Type == "membership.proposal_submitted" && a.Key == "proposal" {
					_, _ = fmt.Sscan(a.Value, &id)
				}
			}
		}
		var votes [][]byte
		for _, p := range mt.Provinces[1:10] {
			votes = append(votes, c.tx(p.ID, client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_Vote{Vote: &mt.MsgVote{ProposalId: id, Approve: true}}})))
		}
		fin = c.block(votes...)
		mustOK(t, fin)
		resp, err := q.Proposal(ctx, &mt.ProposalRequest{Id: id, Prove: true})
		if err != nil || resp.Proposal.Status != mt.ProposalStatus_PROPOSAL_STATUS_PASSED || resp.Proposal.ClosedHeight != c.height {
			t.Fatalf("proposal %d: %v, %v", id, resp, err)
		}
		verifyProof(t, resp.Proof, mt.ProposalKey(id), fin.AppHash)
		return fin
	}

	fin := pass("guizhou's validator retires", &mt.ValidatorChange{Province: "guizhou", PubKey: bytes.Repeat([]byte{4}, 32)})
	if got := updatesString(fin.ValidatorUpdates); got != "ed25519:04:0" {
		t.Fatalf("updates of the block that removed a validator: %q", got)
	}
	fin = pass("guizhou's new validator", &mt.ValidatorChange{Province: "guizhou", PubKey: bytes.Repeat([]byte{9}, 32), Power: 15})
	if got := updatesString(fin.ValidatorUpdates); got != "ed25519:09:15" {
		t.Fatalf("updates of the block that added a validator: %q", got)
	}
	if fin := c.block(); len(fin.ValidatorUpdates) != 0 {
		t.Fatalf("an empty block changes validators: %s", updatesString(fin.ValidatorUpdates))
	}

	c.restart()
	q = mk.NewQueryServer(app.NewCommitted(c.st))
	vals, err = q.Validators(ctx, &mt.ValidatorsRequest{})
	if err != nil || vals.Height != c.height {
		t.Fatal(vals, err)
	}
	var got []string
	for _, v := range vals.Validators {
		got = append(got, fmt.Sprintf("%x:%d:%s", v.PubKey[:1], v.Power, v.Province))
	}
	if strings.Join(got, " ") != "01:10: 02:10: 03:10: 09:15:guizhou" {
		t.Fatalf("validators after a restart: %v", got)
	}
	if fin := c.block(); len(fin.ValidatorUpdates) != 0 {
		t.Fatalf("the first block after a restart changes validators: %s", updatesString(fin.ValidatorUpdates))
	}
	list, err := q.Proposals(ctx, &mt.ProposalsRequest{})
	if err != nil || len(list.Proposals) != 2 || list.Proposals[0].Id != 1 || list.Proposals[1].Id != 2 {
		t.Fatalf("proposals: %v, %v", list, err)
	}
	if open, err := q.Proposals(ctx, &mt.ProposalsRequest{OpenOnly: true}); err != nil || len(open.Proposals) != 0 {
		t.Fatalf("open proposals: %v, %v", open, err)
	}
}

// TestGenesisValidatorKeyType: the ledger records Ed25519 validators only,
// and InitChain says so of another key type.
func TestGenesisValidatorKeyType(t *testing.T) {
	a := newApp(t, 12)
	_, err := a.InitChain(context.Background(), &abci.InitChainRequest{ChainId: chainID, AppStateBytes: genesisJSON(t, false, nil), InitialHeight: 1, Time: genesisTime,
		Validators: []abci.ValidatorUpdate{{PubKeyType: "secp256k1", PubKeyBytes: make([]byte, 33), Power: 10}}})
	if err == nil || !strings.Contains(err.Error(), `"secp256k1"`) {
		t.Fatalf("InitChain with a secp256k1 validator: %v", err)
	}
}

// TestGenesisNamesTheValidatorsProvinces: app_state may name the province
// of each of genesis.json's validators (corridord testnet and init write
// it); the ledger records it, and refuses a genesis whose two lists differ.
func TestGenesisNamesTheValidatorsProvinces(t *testing.T) {
	vals := []abci.ValidatorUpdate{valUpdate(1, 10), valUpdate(2, 10)}
	appState := func(named ...*mt.Validator) []byte {
		gs, err := genesis.Build(genesis.Specs(false), func(s genesis.Spec) (*client.Key, error) { return seedKey(s.ID), nil })
		if err != nil {
			t.Fatal(err)
		}
		gs.Membership.Validators = named
		bz, err := genesis.MarshalJSON(gs)
		if err != nil {
			t.Fatal(err)
		}
		return bz
	}
	named := func(b byte, power int64, province string) *mt.Validator {
		return &mt.Validator{PubKey: bytes.Repeat([]byte{b}, 32), Power: power, Province: province}
	}
	for _, tc := range []struct {
		name  string
		state []byte
		want  string
	}{
		{"one missing", appState(named(1, 10, "chongqing")), "lists 1 validators, genesis.json's validators 2"},
		{"another power", appState(named(1, 10, "chongqing"), named(2, 20, "guangxi")), "power 10) is not in app_state"},
		{"another key", appState(named(1, 10, "chongqing"), named(3, 10, "guangxi")), "is not in app_state"},
		{"not a province", appState(named(1, 10, "chongqing"), named(2, 10, "cq-bank")), `"cq-bank" is not one of the 15 provinces`},
	} {
		_, err := newApp(t, 12).InitChain(context.Background(), &abci.InitChainRequest{ChainId: chainID, AppStateBytes: tc.state, InitialHeight: 1, Time: genesisTime, Validators: vals})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want %q", tc.name, err, tc.want)
		}
	}
	st, err := store.Open(t.TempDir(), store.Options{BucketDepth: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := app.New(st, chainID, app.DefaultConfig(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := a.InitChain(ctx, &abci.InitChainRequest{ChainId: chainID, InitialHeight: 1, Time: genesisTime, Validators: vals,
		AppStateBytes: appState(named(2, 10, "guangxi"), named(1, 10, "chongqing"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.FinalizeBlock(ctx, &abci.FinalizeBlockRequest{Height: 1, Time: genesisTime}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Commit(ctx, &abci.CommitRequest{}); err != nil {
		t.Fatal(err)
	}
	got, err := mk.NewQueryServer(app.NewCommitted(st)).Validators(ctx, &mt.ValidatorsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Validators; len(v) != 2 || v[0].Province != "chongqing" || v[1].Province != "guangxi" {
		t.Fatalf("recorded genesis validators: %v", v)
	}
}
