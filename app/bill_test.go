package app_test

import (
	"bytes"
	"context"
	"testing"

	ics23 "github.com/cosmos/ics23/go"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/demo"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
	at "github.com/landsea/corridor/x/access/types"
	billkeeper "github.com/landsea/corridor/x/bill/keeper"
	billtypes "github.com/landsea/corridor/x/bill/types"
)

// TestBillPledgeLifecycle issues a rail–sea bill, pledges it to a bank,
// has the pledgor try to transfer it (refused with PLEDGED, nothing
// written), releases it, and reads it back through the query service with
// an ICS23 proof verified against the block's app hash (the public record,
// without content), then with its content through a signed read by the
// holder, with proofs of the record and the content.
func TestBillPledgeLifecycle(t *testing.T) {
	c := newChain(t)
	c.block()
	n := "LSM-CQ-2026-APP001"
	issue := &billtypes.Msg{Sum: &billtypes.Msg_IssueBill{IssueBill: &billtypes.MsgIssueBill{Content: demo.RailSeaBill(n)}}}
	mustOK(t, c.block(c.tx("landsea-mto", client.BillMsg(issue))))
	pledge := &billtypes.Msg{Sum: &billtypes.Msg_Pledge{Pledge: &billtypes.MsgPledge{Number: n, Bank: "cq-bank",
		AmountMinor: 150_000_000, Currency: "CNY", AgreementReference: "CQRCB-TF-TEST", ExpiresUnix: c.time.Unix() + 86400*90}}}
	mustOK(t, c.block(c.tx("cq-electronics", client.BillMsg(pledge))))

	transfer := &billtypes.Msg{Sum: &billtypes.Msg_Transfer{Transfer: &billtypes.MsgTransfer{Number: n, To: "gx-agri"}}}
	fin := c.block(c.tx("cq-electronics", client.BillMsg(transfer)))
	if r := fin.TxResults[0]; r.Codespace != billtypes.Codespace || r.Code != billtypes.ErrPledged.Code {
		t.Fatalf("transfer of a pledged bill: code %s/%d %q; want bill/%d", r.Codespace, r.Code, r.Log, billtypes.ErrPledged.Code)
	}

	release := &billtypes.Msg{Sum: &billtypes.Msg_Release{Release: &billtypes.MsgRelease{Number: n}}}
	fin = c.block(c.tx("cq-bank", client.BillMsg(release)))
	mustOK(t, fin)

	q := billkeeper.NewQueryServer(app.NewCommitted(c.st))
	resp, err := q.Bill(context.Background(), &billtypes.BillRequest{Number: n, Prove: true})
	if err != nil {
		t.Fatal(err)
	}
	b := resp.Bill
	if b.Status != billtypes.BillStatus_BILL_STATUS_ISSUED || b.Possessor != "cq-electronics" || b.TitleHolder != "cq-electronics" || b.Pledge != nil {
		t.Fatalf("after release: %v held by %s/%s, pledge %v", b.Status, b.TitleHolder, b.Possessor, b.Pledge)
	}
	verifyBillProof(t, resp, fin.AppHash)
	var actions []billtypes.Action
	for _, e := range resp.History {
		actions = append(actions, e.Action)
	}
	want := []billtypes.Action{billtypes.Action_ACTION_ISSUE, billtypes.Action_ACTION_PLEDGE, billtypes.Action_ACTION_RELEASE}
	if len(actions) != len(want) || actions[0] != want[0] || actions[1] != want[1] || actions[2] != want[2] {
		t.Fatalf("history %v, want %v (the refused transfer leaves no entry)", actions, want)
	}
	if err := billtypes.VerifyHistory(b, resp.History, nil); err != nil {
		t.Fatalf("history does not verify against the proven record: %v", err)
	}
	if b.Content != nil || resp.Withheld == "" {
		t.Fatalf("the public answer carries the content (%v) or does not say it is withheld (%q)", b.Content, resp.Withheld)
	}
	full := serveAPI(t, c, &memRecorder{}).readBill("cq-electronics", n, at.Purpose_PURPOSE_LOGISTICS, fin.AppHash)
	if full.Bill.Content.GetNumber() != n || len(full.Bill.Content.Legs) == 0 || len(full.History) != 3 || !bytes.Equal(full.Bill.ContentHash, b.ContentHash) {
		t.Fatalf("signed read of the bill: %v, %d history entries", full.Bill.Content, len(full.History))
	}
	pledged, err := q.BillsByPledgee(context.Background(), &billtypes.BillsByPledgeeRequest{Bank: "cq-bank"})
	if err != nil || len(pledged.Bills) != 0 {
		t.Fatalf("released bill still listed under the bank: %v %v", pledged, err)
	}
}

// verifyBillProof checks the response's proof of the bill record against
// the app hash of the block it was read at, with the store's verifier and
// the stock ics23 one.
func verifyBillProof(t *testing.T, resp *billtypes.BillResponse, appHash []byte) {
	t.Helper()
	p := resp.Proof
	if p == nil || len(p.Value) == 0 {
		t.Fatal("no proof in the answer")
	}
	key := billtypes.BillKey(resp.Bill.Number)
	if string(p.Key) != string(key) || string(p.Root) != string(appHash) {
		t.Fatalf("proof is for key %x root %x; want %x under app hash %x", p.Key, p.Root, key, appHash)
	}
	bz, err := resp.Bill.Marshal()
	if err != nil || string(bz) != string(p.Value) {
		t.Fatalf("the bill returned is not the value proven (%v)", err)
	}
	cp := &ics23.CommitmentProof{}
	if err := cp.Unmarshal(p.CommitmentProof); err != nil {
		t.Fatal(err)
	}
	if err := store.VerifyMembership(appHash, cp, key, p.Value); err != nil {
		t.Fatalf("proof does not verify against the app hash: %v", err)
	}
	if !ics23.VerifyMembership(store.ProofSpec(), appHash, cp, key, p.Value) {
		t.Fatal("stock ics23 verifier refuses the proof")
	}
}

// TestBillDemoSteps runs the bill part of the demo through the ABCI app:
// every step is accepted and the bill ends released, at Laem Chabang.
func TestBillDemoSteps(t *testing.T) {
	c := newChain(t)
	c.block()
	for _, s := range demo.BillSteps() {
		fin := c.block(c.tx(s.Signer, s.Msgs...))
		for _, r := range fin.TxResults {
			if r.Code != 0 {
				t.Fatalf("demo step %q: code %s/%d: %s", s.Note, r.Codespace, r.Code, r.Log)
			}
		}
	}
	q := billkeeper.NewQueryServer(app.NewCommitted(c.st))
	loc, err := q.Location(context.Background(), &billtypes.LocationRequest{Number: demo.DemoBillNumber})
	if err != nil || loc.LastEvent.GetLocation() != "THLCH" || loc.Status != billtypes.BillStatus_BILL_STATUS_ISSUED {
		t.Fatalf("demo bill location: %+v %v", loc, err)
	}
}
