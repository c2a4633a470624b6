package keeper_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/landsea/corridor/x/base"
	"github.com/landsea/corridor/x/customs/examples"
	"github.com/landsea/corridor/x/customs/mapping"
	"github.com/landsea/corridor/x/customs/types"
)

const (
	accept  = types.Decision_DECISION_ACCEPT
	inspect = types.Decision_DECISION_INSPECT
	release = types.Decision_DECISION_RELEASE
	reject  = types.Decision_DECISION_REJECT

	submitted  = types.DocumentStatus_DOCUMENT_STATUS_SUBMITTED
	accepted   = types.DocumentStatus_DOCUMENT_STATUS_ACCEPTED
	inspection = types.DocumentStatus_DOCUMENT_STATUS_INSPECTION
	released   = types.DocumentStatus_DOCUMENT_STATUS_RELEASED
	rejected   = types.DocumentStatus_DOCUMENT_STATUS_REJECTED
)

const thID = "cq-electronics/CQE-2026-0001"

func TestSubmitStoresVersionDocumentsAndIndexes(t *testing.T) {
	e := newEnv(t)
	e.mustExec("cq-electronics", submit(examples.ElectronicsToThailand()))
	rec := e.record(thID)
	if rec.Version != 1 || rec.Status != submitted || rec.DeclarantMember != "cq-electronics" || len(rec.Documents) != 2 {
		t.Fatalf("record %+v", rec)
	}
	if rec.Documents[0].Jurisdiction != "CN-chongqing" || rec.Documents[1].Jurisdiction != "TH" {
		t.Fatalf("jurisdictions %s %s", rec.Documents[0].Jurisdiction, rec.Documents[1].Jurisdiction)
	}
	for _, ds := range rec.Documents {
		bz, _ := e.state.Get(types.DocumentKey(thID, 1, ds.Code))
		doc := &types.GeneratedDocument{}
		if err := doc.Unmarshal(bz); err != nil || !bytes.Equal(doc.ContentHash, ds.ContentHash) {
			t.Fatalf("%s stored %v, hash %x vs %x", ds.Code, err, doc.ContentHash, ds.ContentHash)
		}
	}
	for _, k := range [][]byte{
		types.ByDeclarantKey("cq-electronics", thID), types.ByStatusKey(submitted, thID),
		types.ByDeclarantStatusKey("cq-electronics", submitted, thID),
		types.ByJurisdictionStatusKey("TH", submitted, thID), types.ByJurisdictionStatusKey("CN-chongqing", submitted, thID),
		types.ByJurisdictionTimeKey("TH", e.time.UnixNano(), thID),
		types.ByTransportDocumentKey("LSCQ2611000123", thID),
	} {
		if v, _ := e.index.Get(k); v == nil {
			t.Errorf("index key %x missing", k)
		}
	}
	if len(e.events) != 1 || e.events[0].Type != "customs.declaration_submitted" {
		t.Fatalf("events %+v", e.events)
	}
	wantErr(t, e.exec("cq-electronics", submit(examples.ElectronicsToThailand())), base.ErrAlreadyExists, "already exists")
}

func TestSubmitRoles(t *testing.T) {
	e := newEnv(t)
	wantErr(t, e.exec("cq-customs", submit(examples.ElectronicsToThailand())), base.ErrUnauthorized, "cq-customs")
	wantErr(t, e.exec("cr-rail", submit(examples.ElectronicsToThailand())), base.ErrUnauthorized, "cr-rail")
	wantErr(t, e.exec("nobody", submit(examples.ElectronicsToThailand())), base.ErrUnknownSigner, "nobody")
	e.mustExec("chongqing", submit(examples.ElectronicsToThailand()))
	e.record("chongqing/CQE-2026-0001")
}

// TestLifecycle walks both documents through every allowed transition and
// tries the refused ones, by the right and the wrong offices.
func TestLifecycle(t *testing.T) {
	e := newEnv(t)
	e.mustExec("cq-electronics", submit(examples.ElectronicsToThailand()))

	// Wrong office, wrong role, unknown document, stale version.
	wantErr(t, e.exec("th-customs", decide(thID, 1, "CN-EXPORT", accept, "")), types.ErrWrongJurisdiction, "CN-chongqing")
	wantErr(t, e.exec("nn-customs", decide(thID, 1, "CN-EXPORT", accept, "")), types.ErrWrongJurisdiction, "CN-chongqing")
	wantErr(t, e.exec("cq-customs", decide(thID, 1, "TH-IMPORT", accept, "")), types.ErrWrongJurisdiction, "TH")
	wantErr(t, e.exec("cq-electronics", decide(thID, 1, "CN-EXPORT", accept, "")), base.ErrUnauthorized, "cq-electronics")
	wantErr(t, e.exec("la-customs", decide(thID, 1, "LA-IMPORT", accept, "")), base.ErrNotFound, "CN-EXPORT, TH-IMPORT")
	wantErr(t, e.exec("cq-customs", decide(thID, 2, "CN-EXPORT", accept, "")), types.ErrStaleVersion, "version 1")
	wantErr(t, e.exec("cq-customs", decide("cq-electronics/NOPE", 1, "CN-EXPORT", accept, "")), base.ErrNotFound, "does not exist")

	// Out of order.
	wantErr(t, e.exec("cq-customs", decide(thID, 1, "CN-EXPORT", release, "")), base.ErrInvalidTransition, "SUBMITTED")
	wantErr(t, e.exec("cq-customs", decide(thID, 1, "CN-EXPORT", inspect, "x-ray")), base.ErrInvalidTransition, "needs it to be ACCEPTED")

	steps := []struct {
		office, doc string
		d           types.Decision
		doc2        types.DocumentStatus
		summary     types.DocumentStatus
	}{
		{"cq-customs", "CN-EXPORT", accept, accepted, accepted},
		{"cq-customs", "CN-EXPORT", release, released, accepted},
		{"th-customs", "TH-IMPORT", accept, accepted, accepted},
		{"th-customs", "TH-IMPORT", inspect, inspection, inspection},
		{"th-customs", "TH-IMPORT", release, released, released},
	}
	for i, s := range steps {
		e.mustExec(s.office, decide(thID, 1, s.doc, s.d, "checked"))
		rec := e.record(thID)
		if docStatus(rec, s.doc) != s.doc2 || rec.Status != s.summary || len(rec.Decisions) != i+1 {
			t.Fatalf("step %d: %s is %s, summary %s, %d decisions", i, s.doc, docStatus(rec, s.doc), rec.Status, len(rec.Decisions))
		}
	}
	wantErr(t, e.exec("th-customs", decide(thID, 1, "TH-IMPORT", reject, "late")), types.ErrDocumentClosed, "RELEASED")
	wantErr(t, e.exec("cq-customs", decide(thID, 1, "CN-EXPORT", accept, "")), types.ErrDocumentClosed, "RELEASED")
	d := e.record(thID).Decisions[3]
	if d.Office != "th-customs" || d.From != accepted || d.To != inspection || d.Reason != "checked" || d.Height == 0 {
		t.Fatalf("decision record %+v", d)
	}
	// Status indexes moved with the record.
	if v, _ := e.index.Get(types.ByStatusKey(submitted, thID)); v != nil {
		t.Error("stale SUBMITTED index entry")
	}
	if v, _ := e.index.Get(types.ByJurisdictionStatusKey("TH", released, thID)); v == nil {
		t.Error("TH RELEASED index entry missing")
	}
}

func TestRejectPaths(t *testing.T) {
	for _, from := range []types.Decision{0, accept, inspect} {
		e := newEnv(t)
		e.mustExec("cq-electronics", submit(examples.ElectronicsToThailand()))
		if from == accept || from == inspect {
			e.mustExec("th-customs", decide(thID, 1, "TH-IMPORT", accept, ""))
		}
		if from == inspect {
			e.mustExec("th-customs", decide(thID, 1, "TH-IMPORT", inspect, "seal mismatch"))
		}
		e.mustExec("th-customs", decide(thID, 1, "TH-IMPORT", reject, "undeclared goods"))
		if rec := e.record(thID); rec.Status != rejected || docStatus(rec, "TH-IMPORT") != rejected {
			t.Fatalf("after %v: %s", from, rec.Status)
		}
	}
}

// TestAmendmentHistory amends twice before acceptance, keeps every version
// and its documents, and refuses amendments once a document is accepted.
func TestAmendmentHistory(t *testing.T) {
	e := newEnv(t)
	// What each version was lodged with, and the time of its block.
	lodged := map[uint32]*types.Declaration{}
	at := map[uint32]time.Time{}
	d1 := examples.ElectronicsToThailand()
	e.mustExec("cq-electronics", submit(d1))
	lodged[1], at[1] = d1, e.time
	e.mustExec("th-customs", decide(thID, 1, "TH-IMPORT", reject, "consignee tax id does not match invoice"))

	d2 := examples.ElectronicsToThailand()
	d2.Items[2].Description = "LCD monitors, 27-inch, 2560x1440, for automatic data processing machines"
	wantErr(t, e.exec("gx-agri", amend(thID, 1, d2)), base.ErrUnauthorized, "only the declarant")
	wantErr(t, e.exec("cq-electronics", amend(thID, 2, d2)), types.ErrStaleVersion, "version 1")
	e.mustExec("cq-electronics", amend(thID, 1, d2))
	lodged[2], at[2] = d2, e.time

	rec := e.record(thID)
	if rec.Version != 2 || rec.Status != submitted || docStatus(rec, "TH-IMPORT") != submitted || len(rec.Decisions) != 1 {
		t.Fatalf("after amendment: %+v", rec)
	}
	d3 := examples.ElectronicsToThailand()
	d3.ImportJurisdictions = []string{"TH", "LA"}
	d3.TransportDocumentNumber = "LSCQ2611000999"
	e.mustExec("cq-electronics", amend(thID, 2, d3))
	lodged[3], at[3] = d3, e.time
	rec = e.record(thID)
	if rec.Version != 3 || len(rec.Documents) != 3 {
		t.Fatalf("version 3: %+v", rec)
	}
	// Every version and each of its documents is still there, unchanged:
	// the stored declaration is the one lodged, byte for byte, and each
	// stored document is the one generated from it at its block.
	wantCodes := map[uint32]string{1: "CN-EXPORT,TH-IMPORT", 2: "CN-EXPORT,TH-IMPORT", 3: "CN-EXPORT,TH-IMPORT,LA-IMPORT"}
	checkHistory := func() {
		t.Helper()
		for v := uint32(1); v <= 3; v++ {
			ver := e.version(thID, v)
			if ver.Version != v || ver.SubmittedBy != "cq-electronics" {
				t.Fatalf("version %d: %+v", v, ver)
			}
			got, _ := ver.Declaration.Marshal()
			want, _ := lodged[v].Marshal()
			if !bytes.Equal(got, want) {
				t.Errorf("version %d's stored declaration differs from the one lodged", v)
			}
			docs, err := mapping.Generate(mapping.Input{ID: thID, Version: v, Time: at[v], Decl: lodged[v]})
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, ref := range ver.Documents {
				codes = append(codes, ref.Code)
			}
			if got := strings.Join(codes, ","); got != wantCodes[v] || len(docs) != len(codes) {
				t.Fatalf("version %d lists documents %s, want %s", v, got, wantCodes[v])
			}
			for i, doc := range docs {
				want, _ := doc.Marshal()
				got, _ := e.state.Get(types.DocumentKey(thID, v, doc.Code))
				if got == nil {
					t.Errorf("%s of version %d is gone", doc.Code, v)
				} else if !bytes.Equal(got, want) {
					t.Errorf("%s of version %d differs from the document generated when it was lodged", doc.Code, v)
				}
				if ref := ver.Documents[i]; ref.Code != doc.Code || !bytes.Equal(ref.ContentHash, doc.ContentHash) {
					t.Errorf("version %d lists %s %x, want %s %x", v, ref.Code, ref.ContentHash, doc.Code, doc.ContentHash)
				}
			}
		}
	}
	checkHistory()
	if cn := func(v uint32) []byte { return e.version(thID, v).Documents[0].ContentHash }; bytes.Equal(cn(1), cn(2)) {
		t.Error("version 2's CN-EXPORT was not regenerated")
	}
	// The LA index entry appeared; a decision on the superseded version is refused.
	if v, _ := e.index.Get(types.ByJurisdictionStatusKey("LA", submitted, thID)); v == nil {
		t.Error("LA index entry missing")
	}
	if v, _ := e.index.Get(types.ByTransportDocumentKey("LSCQ2611000123", thID)); v != nil {
		t.Error("the old transport document still lists the amended declaration")
	}
	if v, _ := e.index.Get(types.ByTransportDocumentKey("LSCQ2611000999", thID)); v == nil {
		t.Error("the new transport document does not list it")
	}
	wantErr(t, e.exec("th-customs", decide(thID, 2, "TH-IMPORT", accept, "")), types.ErrStaleVersion, "at version 3")

	e.mustExec("cq-customs", decide(thID, 3, "CN-EXPORT", accept, ""))
	wantErr(t, e.exec("cq-electronics", amend(thID, 3, examples.ElectronicsToThailand())), types.ErrAmendmentClosed, "accepted by cq-customs")
	// Decisions change the record, never a stored version or document.
	checkHistory()
}

func TestAmendRefusesNewReference(t *testing.T) {
	e := newEnv(t)
	e.mustExec("cq-electronics", submit(examples.ElectronicsToThailand()))
	d := examples.ElectronicsToThailand()
	d.TraderReference = "CQE-2026-9999"
	wantErr(t, e.exec("cq-electronics", amend(thID, 1, d)), base.ErrInvalidMsg, "cannot change")
	wantErr(t, e.exec("cq-electronics", amend("cq-electronics/NOPE", 1, examples.ElectronicsToThailand())), base.ErrInvalidMsg, "cannot change")
}

func TestAmendUnknownDeclaration(t *testing.T) {
	e := newEnv(t)
	e.mustExec("cq-electronics", submit(examples.ElectronicsToThailand()))
	d := examples.ElectronicsToThailand()
	d.TraderReference = "NOPE"
	wantErr(t, e.exec("cq-electronics", amend("cq-electronics/NOPE", 1, d)), base.ErrNotFound, `declaration "cq-electronics/NOPE" does not exist`)
	// Another declarant's reference is not found either: ids are per declarant.
	wantErr(t, e.exec("gx-agri", amend("gx-agri/CQE-2026-0001", 1, examples.ElectronicsToThailand())), base.ErrNotFound, "does not exist")
}

func TestVersionsLimit(t *testing.T) {
	e := newEnv(t)
	e.mustExec("cq-electronics", submit(examples.ElectronicsToThailand()))
	for v := uint32(1); v < types.VersionsMax; v++ {
		e.mustExec("cq-electronics", amend(thID, v, examples.ElectronicsToThailand()))
	}
	wantErr(t, e.exec("cq-electronics", amend(thID, types.VersionsMax, examples.ElectronicsToThailand())), base.ErrLimitExceeded, "versions")
}

func numbered(n int) []*types.Declaration {
	out := make([]*types.Declaration, n)
	for i := range out {
		d := examples.ElectronicsToThailand()
		d.TraderReference = fmt.Sprintf("BULK-%05d", i)
		out[i] = d
	}
	return out
}

// TestBatchLimitPerTransaction: 2,000 declarations per transaction, counted
// across all the submit messages of that transaction.
func TestBatchLimitPerTransaction(t *testing.T) {
	e := newEnv(t)
	ds := numbered(2200)
	wantErr(t, types.ValidateMsg(batch(ds[:2001]...)), base.ErrLimitExceeded, "at most 2000")

	// Two messages of one transaction: 1,500 then 600.
	ctx := base.NewContext(nil)
	ctx.Height, ctx.Time, ctx.Signer, ctx.State, ctx.Index, ctx.TxHash = 1, e.time, "chongqing", e.state, e.index, []byte("tx-a")
	if err := e.k.Handle(ctx, batch(ds[:1500]...)); err != nil {
		t.Fatal(err)
	}
	ctx.MsgIndex = 1
	wantErr(t, e.k.Handle(ctx, batch(ds[1500:2100]...)), base.ErrLimitExceeded, "lodges 2100 declarations")
	// The next transaction starts counting again.
	ctx.MsgIndex, ctx.TxHash = 0, []byte("tx-b")
	if err := e.k.Handle(ctx, batch(ds[1500:2001]...)); err != nil {
		t.Fatal(err)
	}
}

func TestBatchNamesFailingDeclaration(t *testing.T) {
	e := newEnv(t)
	ds := numbered(3)
	e.mustExec("cq-electronics", submit(ds[1]))
	// By the time declarations[1] fails, the keeper has already written
	// declarations[0] to the state it was given; it does not undo that.
	// Nothing of the batch reaches the ledger because the app runs each
	// transaction on its own cache and writes it into the block only when
	// every message succeeds (execTx in app/finalize.go).
	wantErr(t, e.exec("cq-electronics", batch(ds...)), base.ErrAlreadyExists, "submit_declarations.declarations[1]")
}
