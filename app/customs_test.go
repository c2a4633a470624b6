package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	ics23 "github.com/cosmos/ics23/go"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/demo"
	apptypes "github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/customs/examples"
	customskeeper "github.com/landsea/corridor/x/customs/keeper"
	ct "github.com/landsea/corridor/x/customs/types"
)

func customsSubmit(ds ...*ct.Declaration) *apptypes.Message {
	if len(ds) == 1 {
		return client.CustomsMsg(&ct.Msg{Sum: &ct.Msg_SubmitDeclaration{SubmitDeclaration: &ct.MsgSubmitDeclaration{Declaration: ds[0]}}})
	}
	return client.CustomsMsg(&ct.Msg{Sum: &ct.Msg_SubmitDeclarations{SubmitDeclarations: &ct.MsgSubmitDeclarations{Declarations: ds}}})
}

func customsDecide(id string, version uint32, doc string, d ct.Decision, reason string) *apptypes.Message {
	return client.CustomsMsg(&ct.Msg{Sum: &ct.Msg_Decide{Decide: &ct.MsgDecide{Id: id, Version: version, Document: doc, Decision: d, Reason: reason}}})
}

func customsAmend(id string, version uint32, d *ct.Declaration) *apptypes.Message {
	return client.CustomsMsg(&ct.Msg{Sum: &ct.Msg_AmendDeclaration{AmendDeclaration: &ct.MsgAmendDeclaration{Id: id, Version: version, Declaration: d}}})
}

// refused runs msgs signed by member in a block of their own and checks
// the transaction fails with codespace/code; a refused transaction does not
// use up the signer's sequence.
func (c *testChain) refused(member, codespace string, code uint32, msgs ...*apptypes.Message) {
	c.t.Helper()
	wantCode(c.t, c.block(c.tx(member, msgs...)), 0, codespace, code)
	c.seqs[member]--
}

// wantCode fails unless tx result i has codespace and code.
func wantCode(t *testing.T, fin *abci.FinalizeBlockResponse, i int, codespace string, code uint32) {
	t.Helper()
	r := fin.TxResults[i]
	if r.Codespace != codespace || r.Code != code {
		t.Fatalf("tx %d: got %s/%d (%s); want %s/%d", i, r.Codespace, r.Code, r.Log, codespace, code)
	}
}

// TestCustomsDeclarationDecisionsAndProofs lodges the rail–sea shipment to
// Thailand, amends it after a Thai rejection, has both customs offices
// release it, and verifies the publicly queried record against the app
// hash with the stock ics23 verifier; the version and documents, which the
// public query withholds, come with their proofs from a signed read by the
// declarant, and version 1 from a signed read by a customs office.
func TestCustomsDeclarationDecisionsAndProofs(t *testing.T) {
	c := newChain(t)
	c.block()
	const id = "cq-electronics/CQE-2026-0001"
	mustOK(t, c.block(c.tx("cq-electronics", customsSubmit(examples.ElectronicsToThailand()))))
	mustOK(t, c.block(c.tx("th-customs", customsDecide(id, 1, "TH-IMPORT", ct.Decision_DECISION_REJECT, "importer tax id differs from the licence"))))
	amended := examples.ElectronicsToThailand()
	amended.Consignee.Address = "88 Rama IV Road, Khlong Toei, Bangkok 10110, Thailand"
	mustOK(t, c.block(c.tx("cq-electronics", customsAmend(id, 1, amended))))

	c.refused("nn-customs", ct.Codespace, ct.ErrWrongJurisdiction.Code, customsDecide(id, 2, "CN-EXPORT", ct.Decision_DECISION_ACCEPT, ""))
	c.refused("cq-customs", "corridor", 17, customsDecide(id, 2, "CN-EXPORT", ct.Decision_DECISION_RELEASE, "")) // release before accept
	c.refused("cq-electronics", "corridor", 11, customsDecide(id, 2, "CN-EXPORT", ct.Decision_DECISION_ACCEPT, ""))
	mustOK(t, c.block(c.tx("cq-customs", customsDecide(id, 2, "CN-EXPORT", ct.Decision_DECISION_ACCEPT, ""))))
	c.refused("cq-customs", ct.Codespace, ct.ErrStaleVersion.Code, customsDecide(id, 1, "CN-EXPORT", ct.Decision_DECISION_RELEASE, ""))
	c.refused("cq-electronics", ct.Codespace, ct.ErrAmendmentClosed.Code, customsAmend(id, 2, amended))
	fin := c.block(
		c.tx("cq-customs", customsDecide(id, 2, "CN-EXPORT", ct.Decision_DECISION_RELEASE, "")),
		c.tx("th-customs", customsDecide(id, 2, "TH-IMPORT", ct.Decision_DECISION_ACCEPT, "")),
	)
	mustOK(t, fin)
	fin = c.block(c.tx("th-customs", customsDecide(id, 2, "TH-IMPORT", ct.Decision_DECISION_RELEASE, "")))
	mustOK(t, fin)

	q := customskeeper.NewQueryServer(app.NewCommitted(c.st))
	resp, err := q.Declaration(context.Background(), &ct.DeclarationRequest{Id: id, Prove: true})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Record.Status != ct.DocumentStatus_DOCUMENT_STATUS_RELEASED || resp.Record.Version != 2 || len(resp.Record.Decisions) != 5 {
		t.Fatalf("record: status %s version %d decisions %d", resp.Record.Status, resp.Record.Version, len(resp.Record.Decisions))
	}
	if len(resp.Proofs) != 1 || resp.Version != nil || len(resp.Documents) != 0 || resp.Withheld == "" {
		t.Fatalf("public answer: %d proofs, version %v, %d documents, withheld %q; want the record's proof only", len(resp.Proofs), resp.Version, len(resp.Documents), resp.Withheld)
	}
	verifyProofs(t, resp, fin.AppHash)
	if _, err := q.Declaration(context.Background(), &ct.DeclarationRequest{Id: id, Version: 3}); err == nil {
		t.Fatal("version 3 of a declaration with 2 found")
	}
	e := serveAPI(t, c, &memRecorder{})
	full := e.readDeclaration("cq-electronics", id, 0, fin.AppHash)
	if len(full.Documents) != 2 || full.Version.Version != 2 {
		t.Fatalf("signed read: version %d, %d documents", full.Version.GetVersion(), len(full.Documents))
	}
	for i, doc := range full.Documents {
		bz, _ := doc.Content.Marshal()
		if h := sha256.Sum256(bz); !bytes.Equal(h[:], doc.ContentHash) || doc.Version != 2 || !bytes.Equal(doc.ContentHash, resp.Record.Documents[i].ContentHash) {
			t.Fatalf("%s: content hash %x, recomputed %x, public record says %x", doc.Code, doc.ContentHash, h, resp.Record.Documents[i].ContentHash)
		}
	}
	v1 := e.readDeclaration("th-customs", id, 1, fin.AppHash)
	if v1.Version.Version != 1 || v1.Documents[0].Version != 1 || v1.Version.Declaration.Consignee.Address == amended.Consignee.Address {
		t.Fatalf("version 1 after amendment: %v", v1.Version)
	}
}

// verifyProofs checks each proof of resp against appHash (the root of the
// last committed block) with the store's verifier and the stock ics23 one.
func verifyProofs(t *testing.T, resp *ct.DeclarationResponse, appHash []byte) {
	t.Helper()
	for i, p := range resp.Proofs {
		if !bytes.Equal(p.Root, appHash) {
			t.Fatalf("proof %d root %x differs from the app hash %x", i, p.Root, appHash)
		}
		cp := &ics23.CommitmentProof{}
		if err := cp.Unmarshal(p.CommitmentProof); err != nil {
			t.Fatal(err)
		}
		if err := store.VerifyMembership(appHash, cp, p.Key, p.Value); err != nil {
			t.Fatalf("proof %d (key %x): %v", i, p.Key, err)
		}
		if !ics23.VerifyMembership(store.ProofSpec(), appHash, cp, p.Key, p.Value) {
			t.Fatalf("proof %d refused by the stock ics23 verifier", i)
		}
	}
	if !bytes.Equal(resp.Proofs[0].Key, ct.RecordKey(resp.Record.Id)) {
		t.Fatal("first proof is not the record's")
	}
}

func bulkDeclarations(from, n int) []*ct.Declaration {
	out := make([]*ct.Declaration, n)
	for i := range out {
		d := examples.ElectronicsToThailand()
		d.TraderReference = fmt.Sprintf("CQ-SW-%06d", from+i)
		out[i] = d
	}
	return out
}

// TestCustomsBulkLoad10000 loads 10,000 declarations as a province's node
// would — five transactions of 2,000 in one block — then pages through
// them by declarant and by jurisdiction and time, and proves one.
func TestCustomsBulkLoad10000(t *testing.T) {
	start := time.Now()
	c := newChain(t)
	c.block()
	var txs [][]byte
	for i := 0; i < 5; i++ {
		txs = append(txs, c.tx("chongqing", customsSubmit(bulkDeclarations(i*ct.DeclarationsPerTxMax, ct.DeclarationsPerTxMax)...)))
	}
	fin := c.block(txs...)
	mustOK(t, fin)
	t.Logf("10,000 declarations in one block: %v, %d bytes per tx", time.Since(start), len(txs[0]))

	// Over the limit: 1,000 + 1,001 declarations in two messages of one tx.
	over := c.block(c.tx("chongqing", customsSubmit(bulkDeclarations(20000, 1000)...), customsSubmit(bulkDeclarations(30000, 1001)...)))
	wantCode(t, over, 0, "corridor", 18)

	q := customskeeper.NewQueryServer(app.NewCommitted(c.st))
	ctx := context.Background()
	seen, token := 0, ""
	for pages := 0; ; pages++ {
		resp, err := q.DeclarationsByDeclarant(ctx, &ct.DeclarationsByDeclarantRequest{Declarant: "chongqing", PageToken: token, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		seen += len(resp.Records)
		if token = resp.NextPageToken; token == "" {
			break
		}
		if pages > 20 {
			t.Fatal("pagination does not end")
		}
	}
	if seen != 10000 {
		t.Fatalf("listed %d declarations by declarant, want 10000", seen)
	}
	blockTime := c.time.Add(-5 * time.Second).UnixNano() // the bulk block
	byTime, err := q.DeclarationsByJurisdiction(ctx, &ct.DeclarationsByJurisdictionRequest{
		Jurisdiction: "TH", FromUnixNano: blockTime, ToUnixNano: blockTime + 1, Limit: 1000})
	if err != nil || len(byTime.Records) != 1000 || byTime.NextPageToken == "" {
		t.Fatalf("by jurisdiction and time: %d records, token %q, %v", len(byTime.Records), byTime.NextPageToken, err)
	}
	none, err := q.DeclarationsByJurisdiction(ctx, &ct.DeclarationsByJurisdictionRequest{Jurisdiction: "TH", ToUnixNano: blockTime})
	if err != nil || len(none.Records) != 0 {
		t.Fatalf("before the bulk block: %d records, %v", len(none.Records), err)
	}
	queue, err := q.DeclarationsByStatus(ctx, &ct.DeclarationsByStatusRequest{Status: ct.DocumentStatus_DOCUMENT_STATUS_SUBMITTED, Jurisdiction: "CN-chongqing", Limit: 10})
	if err != nil || len(queue.Records) != 10 || queue.NextPageToken == "" {
		t.Fatalf("CN-chongqing queue: %d, %v", len(queue.Records), err)
	}
	proved, err := q.Declaration(ctx, &ct.DeclarationRequest{Id: "chongqing/CQ-SW-009999", Prove: true})
	if err != nil {
		t.Fatal(err)
	}
	verifyProofs(t, proved, over.AppHash)
	if elapsed := time.Since(start); elapsed > 60*time.Second {
		t.Errorf("bulk load took %v", elapsed)
	}
}

// TestCustomsRefusedBatchLeavesNoTrace: a batch whose second declaration
// already exists on the ledger passes the stateless checks and fails in the
// keeper, after the keeper has stored the first declaration in the
// transaction's state. The transaction fails whole: beside a good
// transaction in the same block, the first declaration is neither found nor
// listed, the failed transaction reports no events, and the block's app hash
// is that of the same block without it.
func TestCustomsRefusedBatchLeavesNoTrace(t *testing.T) {
	lodged, fresh := bulkDeclarations(0, 1)[0], bulkDeclarations(1, 1)[0]
	run := func(withRefused bool) (*testChain, *abci.FinalizeBlockResponse) {
		c := newChain(t)
		c.block()
		mustOK(t, c.block(c.tx("chongqing", customsSubmit(lodged))))
		var txs [][]byte
		if withRefused {
			txs = append(txs, c.tx("chongqing", customsSubmit(fresh, lodged)))
		}
		txs = append(txs, c.tx("cq-electronics", customsSubmit(examples.ElectronicsToThailand())))
		return c, c.block(txs...)
	}
	c, fin := run(true)
	wantCode(t, fin, 0, base.Codespace, base.ErrAlreadyExists.Code)
	if r := fin.TxResults[0]; !strings.Contains(r.Log, "declarations[1]: declaration") || !strings.Contains(r.Log, "chongqing/CQ-SW-000000\" already exists") || len(r.Events) != 0 {
		t.Fatalf("refused batch: log %q, %d events; want the second declaration named and no events", r.Log, len(r.Events))
	}
	wantCode(t, fin, 1, "", 0)

	q := customskeeper.NewQueryServer(app.NewCommitted(c.st))
	ctx := context.Background()
	freshID := ct.DeclarationID("chongqing", fresh.TraderReference)
	if r, err := q.Declaration(ctx, &ct.DeclarationRequest{Id: freshID}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("the refused batch's first declaration %s: %v, %v", freshID, r.GetRecord(), err)
	}
	listed, err := q.DeclarationsByDeclarant(ctx, &ct.DeclarationsByDeclarantRequest{Declarant: "chongqing"})
	if err != nil || len(listed.Records) != 1 || listed.Records[0].Id != ct.DeclarationID("chongqing", lodged.TraderReference) {
		t.Fatalf("chongqing's declarations: %v %v; want only the one lodged before", listed.GetRecords(), err)
	}
	_, without := run(false)
	if !bytes.Equal(fin.AppHash, without.AppHash) {
		t.Fatalf("app hash %x with the refused batch, %x without it", fin.AppHash, without.AppHash)
	}
}

// TestCustomsQueryErrors: bad requests get clear gRPC errors.
func TestCustomsQueryErrors(t *testing.T) {
	c := newChain(t)
	c.block()
	q := customskeeper.NewQueryServer(app.NewCommitted(c.st))
	ctx := context.Background()
	if _, err := q.Declaration(ctx, &ct.DeclarationRequest{Id: "cq-electronics/NONE"}); err == nil || !bytes.Contains([]byte(err.Error()), []byte("does not exist")) {
		t.Errorf("missing declaration: %v", err)
	}
	if _, err := q.Declaration(ctx, &ct.DeclarationRequest{Id: "no slash"}); err == nil {
		t.Error("bad id accepted")
	}
	if _, err := q.DeclarationsByStatus(ctx, &ct.DeclarationsByStatusRequest{}); err == nil {
		t.Error("status-less listing accepted")
	}
	if _, err := q.DeclarationsByJurisdiction(ctx, &ct.DeclarationsByJurisdictionRequest{Jurisdiction: "TH", FromUnixNano: 10, ToUnixNano: 5}); err == nil {
		t.Error("inverted time range accepted")
	}
	if _, err := q.DeclarationsByDeclarant(ctx, &ct.DeclarationsByDeclarantRequest{Declarant: "chongqing", PageToken: "!!"}); err == nil {
		t.Error("bad page token accepted")
	}
}

// TestCustomsDemo runs the customs demo as make run loads it and checks
// where each shipment ends.
func TestCustomsDemo(t *testing.T) {
	c := newChain(t)
	c.block()
	for i, s := range demo.CustomsSteps() {
		fin := c.block(c.tx(s.Signer, s.Msgs...))
		if r := fin.TxResults[0]; r.Code != 0 {
			t.Fatalf("step %d (%s: %s): code %d %s", i, s.Signer, s.Note, r.Code, r.Log)
		}
	}
	q := customskeeper.NewQueryServer(app.NewCommitted(c.st))
	for id, version := range map[string]uint32{
		"cq-electronics/CQE-2026-0001": 1, "cq-electronics/CQE-2026-0002": 1, "gx-agri/GXA-2026-0107": 2,
	} {
		r, err := q.Declaration(context.Background(), &ct.DeclarationRequest{Id: id})
		if err != nil || r.Record.Status != ct.DocumentStatus_DOCUMENT_STATUS_RELEASED || r.Record.Version != version {
			t.Fatalf("%s: %v %v", id, err, r.GetRecord())
		}
	}
	r, _ := q.Declaration(context.Background(), &ct.DeclarationRequest{Id: "cq-electronics/CQE-2026-0001"})
	if r.Record.TransportDocumentNumber != demo.DemoBillNumber {
		t.Fatalf("the demo declaration does not name the demo bill: %s", r.Record.TransportDocumentNumber)
	}
	byBill, err := q.DeclarationsByTransportDocument(context.Background(), &ct.DeclarationsByTransportDocumentRequest{TransportDocumentNumber: demo.DemoBillNumber})
	if err != nil || len(byBill.Records) != 1 || byBill.Records[0].Id != "cq-electronics/CQE-2026-0001" {
		t.Fatalf("declarations on the demo bill: %v %v", err, byBill.GetRecords())
	}
}
