package app_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/client"
	mk "github.com/landsea/corridor/x/membership/keeper"
	mt "github.com/landsea/corridor/x/membership/types"
)

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
	_, err := a.InitChain(context.Background(), &abci.InitChainRequest{ChainId: chainID, AppStateBytes: genesisJSON(t, false, nil), InitialHeight: 1,
		Validators: []abci.ValidatorUpdate{{PubKeyType: "secp256k1", PubKeyBytes: make([]byte, 33), Power: 10}}})
	if err == nil || !strings.Contains(err.Error(), `"secp256k1"`) {
		t.Fatalf("InitChain with a secp256k1 validator: %v", err)
	}
}
