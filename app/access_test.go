package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	ics23 "github.com/cosmos/ics23/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/api"
	"github.com/landsea/corridor/app/demo"
	apptypes "github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/store/storepb"
	at "github.com/landsea/corridor/x/access/types"
	billtypes "github.com/landsea/corridor/x/bill/types"
	"github.com/landsea/corridor/x/customs/examples"
	ct "github.com/landsea/corridor/x/customs/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

// memRecorder is an in-memory outbox for the read service.
type memRecorder struct {
	mu     sync.Mutex
	events []*at.AccessEvent
	fail   error
}

func (m *memRecorder) Record(ev *at.AccessEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	for _, e := range m.events {
		if bytes.Equal(e.Id, ev.Id) {
			return api.ErrEventPending
		}
	}
	m.events = append(m.events, ev)
	return nil
}

func (m *memRecorder) take() []*at.AccessEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.events
	m.events = nil
	return out
}

// readEnv serves the node's gRPC API over a test chain's store.
type readEnv struct {
	t     *testing.T
	c     *testChain
	read  at.ReadServiceClient
	query at.QueryServiceClient
	cl    *client.Client
}

// serveAPI starts the API on a loopback port; the node's wall clock is the
// chain's block time.
func serveAPI(t *testing.T, c *testChain, rec api.AccessRecorder) *readEnv {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := api.Deps{Store: c.st, ChainID: chainID, NodeID: "0123456789abcdef0123456789abcdef01234567", Province: "chongqing",
		Now: func() time.Time { return c.time }}
	if rec != nil {
		d.Access = rec
	}
	srv := api.NewServer(d, nil)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	cl, err := client.Dial(lis.Addr().String(), client.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return &readEnv{t: t, c: c, read: at.NewReadServiceClient(cl.Conn()), query: at.NewQueryServiceClient(cl.Conn()), cl: cl}
}

// body is a fresh read request body of member.
func (e *readEnv) body(member, recType, id string, p at.Purpose, grantID uint64) *at.ReadBody {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	return &at.ReadBody{MemberId: member, KeyId: "k1", RecordType: recType, RecordId: id, Purpose: p,
		PurposeText: "access test", Nonce: nonce, ExpiresUnixNano: e.c.time.Add(time.Minute).UnixNano(), GrantId: grantID}
}

func (e *readEnv) sign(member string, b *at.ReadBody) *at.ReadRequest {
	e.t.Helper()
	req, err := at.SignRead(chainID, b, e.c.keys[member].Sign)
	if err != nil {
		e.t.Fatal(err)
	}
	return req
}

func (e *readEnv) readAs(member, recType, id string, p at.Purpose, grantID uint64) (*at.ReadResponse, error) {
	return e.read.Read(context.Background(), e.sign(member, e.body(member, recType, id, p, grantID)))
}

// readProven reads a record with proofs asked for, as member, and checks
// every proof against appHash with store.VerifyMembership and the stock
// ics23 verifier, and that the content is exactly the proven values.
func (e *readEnv) readProven(member, recType, id string, p at.Purpose, version uint64, appHash []byte) *at.ReadResponse {
	e.t.Helper()
	b := e.body(member, recType, id, p, 0)
	b.Version, b.Prove = version, true
	resp, err := e.read.Read(context.Background(), e.sign(member, b))
	if err != nil {
		e.t.Fatalf("%s reads %s %q with proofs: %v", member, recType, id, err)
	}
	proven := map[string][]byte{}
	for _, pr := range resp.Proofs {
		verifyProof(e.t, pr, pr.Key, appHash)
		if pr.Height != resp.Height {
			e.t.Fatalf("proof of %x at height %d, answer at %d", pr.Key, pr.Height, resp.Height)
		}
		proven[string(pr.Key)] = pr.Value
	}
	for key, value := range contentParts(e.t, resp) {
		if v, ok := proven[key]; !ok || !bytes.Equal(v, value) {
			e.t.Fatalf("the content's part under %x is not a proven value", key)
		}
	}
	return resp
}

// contentParts are the state keys and values a read's content consists of.
func contentParts(t *testing.T, resp *at.ReadResponse) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	put := func(key []byte, m interface{ Marshal() ([]byte, error) }) {
		bz, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		out[string(key)] = bz
	}
	switch resp.RecordType {
	case at.RecordTypeBill:
		br := &billtypes.BillResponse{}
		if err := br.Unmarshal(resp.Content); err != nil || br.Bill.GetContent() == nil {
			t.Fatalf("bill content: %v", err)
		}
		rec := *br.Bill
		rec.Content = nil
		put(billtypes.BillKey(rec.Number), &rec)
		put(billtypes.ContentKey(rec.Number), br.Bill.Content)
	case at.RecordTypeDeclaration:
		d := &ct.DeclarationResponse{}
		if err := d.Unmarshal(resp.Content); err != nil || d.Version == nil {
			t.Fatalf("declaration content: %v", err)
		}
		put(ct.RecordKey(d.Record.Id), d.Record)
		put(ct.VersionKey(d.Record.Id, d.Version.Version), d.Version)
		for _, doc := range d.Documents {
			put(ct.DocumentKey(d.Record.Id, d.Version.Version, doc.Code), doc)
		}
	}
	return out
}

// readDeclaration is a proven signed read of a declaration for customs
// control, decoded.
func (e *readEnv) readDeclaration(member, id string, version uint64, appHash []byte) *ct.DeclarationResponse {
	e.t.Helper()
	d := &ct.DeclarationResponse{}
	if err := d.Unmarshal(e.readProven(member, at.RecordTypeDeclaration, id, control, version, appHash).Content); err != nil {
		e.t.Fatal(err)
	}
	return d
}

// readBill is a proven signed read of a bill, decoded, with its history
// checked against the record.
func (e *readEnv) readBill(member, number string, p at.Purpose, appHash []byte) *billtypes.BillResponse {
	e.t.Helper()
	br := &billtypes.BillResponse{}
	if err := br.Unmarshal(e.readProven(member, at.RecordTypeBill, number, p, 0, appHash).Content); err != nil {
		e.t.Fatal(err)
	}
	if err := billtypes.VerifyHistory(br.Bill, br.History, nil); err != nil {
		e.t.Fatalf("bill %s read by %s: %v", number, member, err)
	}
	return br
}

func accessMsg(m *at.Msg) *apptypes.Message { return client.AccessMsg(m) }

func grantAccess(grantee string, scope at.GrantScope, recType, id string, p at.Purpose, expires time.Time) *apptypes.Message {
	return accessMsg(&at.Msg{Sum: &at.Msg_Grant{Grant: &at.MsgGrantAccess{Grantee: grantee, Scope: scope, RecordType: recType,
		RecordId: id, Purpose: p, PurposeText: "access test", LegalBasis: "WLSC data sharing agreement 2026, art. 4",
		ExpiresUnixNano: expires.UnixNano()}}})
}

func recordEvents(evs []*at.AccessEvent) *apptypes.Message {
	return accessMsg(&at.Msg{Sum: &at.Msg_RecordEvents{RecordEvents: &at.MsgRecordAccessEvents{Events: evs}}})
}

const (
	billA       = "LSM-ACC-0001"
	billB       = "LSM-ACC-0002"
	declID      = "cq-electronics/CQE-2026-0001"
	recordScope = at.GrantScope_GRANT_SCOPE_RECORD
	classScope  = at.GrantScope_GRANT_SCOPE_CLASS
	finance     = at.Purpose_PURPOSE_TRADE_FINANCE
	logistics   = at.Purpose_PURPOSE_LOGISTICS
	control     = at.Purpose_PURPOSE_CUSTOMS_CONTROL
	audit       = at.Purpose_PURPOSE_AUDIT
)

// accessChain has two bills issued by landsea-mto, the Thailand
// declaration of cq-electronics and these grants:
//
//	1 landsea-mto -> cq-bank        every bill, trade finance
//	2 landsea-mto -> gx-agri        bill B, logistics
//	3 cq-electronics -> nn-customs  the declaration, customs control
//	4 landsea-mto -> corridor-audit every bill, audit (revoked)
func accessChain(t *testing.T) *testChain {
	c := newChain(t)
	c.block()
	issue := func(n string) *apptypes.Message {
		return client.BillMsg(&billtypes.Msg{Sum: &billtypes.Msg_IssueBill{IssueBill: &billtypes.MsgIssueBill{Content: demo.RailSeaBill(n)}}})
	}
	mustOK(t, c.block(c.tx("landsea-mto", issue(billA), issue(billB)), c.tx("cq-electronics", customsSubmit(examples.ElectronicsToThailand()))))
	year := c.time.Add(365 * 24 * time.Hour)
	mustOK(t, c.block(
		c.tx("landsea-mto", grantAccess("cq-bank", classScope, at.RecordTypeBill, "", finance, year),
			grantAccess("gx-agri", recordScope, at.RecordTypeBill, billB, logistics, year)),
		c.tx("cq-electronics", grantAccess("nn-customs", recordScope, at.RecordTypeDeclaration, declID, control, year))))
	mustOK(t, c.block(c.tx("landsea-mto", grantAccess("corridor-audit", classScope, at.RecordTypeBill, "", audit, year))))
	mustOK(t, c.block(c.tx("landsea-mto", accessMsg(&at.Msg{Sum: &at.Msg_Revoke{Revoke: &at.MsgRevokeGrant{GrantId: 4}}}))))
	return c
}

// TestAccessReadMatrix reads the bills and the declaration as owners,
// parties, grantees and outsiders, and checks who is served on what basis,
// who is refused, and that exactly the cross-party reads and refusals
// leave access events.
func TestAccessReadMatrix(t *testing.T) {
	c := accessChain(t)
	rec := &memRecorder{}
	e := serveAPI(t, c, rec)
	cases := readMatrix()
	wantEvents := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(rec.events)
			resp, err := e.readAs(tc.reader, tc.recType, tc.id, tc.purpose, tc.grantID)
			if tc.want == basisDenied {
				if status.Code(err) != codes.PermissionDenied || resp != nil {
					t.Fatalf("want PermissionDenied, got %v %v", resp, err)
				}
				t.Logf("refused: %v", status.Convert(err).Message())
			} else {
				if err != nil {
					t.Fatalf("want served on %s, got %v", tc.want, err)
				}
				if resp.Basis != tc.want || resp.GrantId != tc.wantGrant || len(resp.Content) == 0 {
					t.Fatalf("served on %s grant %d, want %s grant %d", resp.Basis, resp.GrantId, tc.want, tc.wantGrant)
				}
				if h := sha256.Sum256(resp.Content); !bytes.Equal(h[:], resp.ContentHash) {
					t.Fatal("content hash does not match the content")
				}
			}
			if tc.want == basisOwner {
				if len(rec.events) != before {
					t.Fatal("an owner's own read left an access event")
				}
				return
			}
			wantEvents++
			if len(rec.events) != before+1 {
				t.Fatalf("%d new events, want 1", len(rec.events)-before)
			}
			ev := rec.events[before]
			if ev.Reader != tc.reader || ev.RecordId != tc.id || ev.Basis != tc.want || ev.GrantId != tc.wantGrant || ev.Province != "chongqing" {
				t.Fatalf("event %v", ev)
			}
			if resp != nil && !bytes.Equal(ev.ContentHash, resp.ContentHash) {
				t.Fatal("event records another content hash than the one served")
			}
		})
	}
	if len(rec.events) != wantEvents {
		t.Fatalf("%d events, want %d", len(rec.events), wantEvents)
	}
	checkBillContent(t, e)
}

// readCase is one read of the matrix and the basis it is served on (NONE:
// refused; UNSPECIFIED: the owner's own read).
type readCase struct {
	name, reader, recType, id string
	purpose                   at.Purpose
	grantID                   uint64
	want                      at.AccessBasis
	wantGrant                 uint64
}

const (
	basisOwner  = at.AccessBasis_ACCESS_BASIS_UNSPECIFIED
	basisParty  = at.AccessBasis_ACCESS_BASIS_PARTY
	basisGrant  = at.AccessBasis_ACCESS_BASIS_GRANT
	basisDenied = at.AccessBasis_ACCESS_BASIS_NONE
)

func readMatrix() []readCase {
	return []readCase{
		{"bill issuer (owner)", "landsea-mto", at.RecordTypeBill, billA, logistics, 0, basisOwner, 0},
		{"shipper and holder", "cq-electronics", at.RecordTypeBill, billA, logistics, 0, basisParty, 0},
		{"consignee", "th-importer", at.RecordTypeBill, billA, logistics, 0, basisParty, 0},
		{"leg carrier", "cr-rail", at.RecordTypeBill, billA, logistics, 0, basisParty, 0},
		{"bank with class grant", "cq-bank", at.RecordTypeBill, billA, finance, 0, basisGrant, 1},
		{"bank, other purpose", "cq-bank", at.RecordTypeBill, billA, at.Purpose_PURPOSE_INSURANCE, 0, basisDenied, 0},
		{"record grant on another bill", "gx-agri", at.RecordTypeBill, billA, logistics, 0, basisDenied, 0},
		{"record grant", "gx-agri", at.RecordTypeBill, billB, logistics, 0, basisGrant, 2},
		{"auditor, revoked grant", "corridor-audit", at.RecordTypeBill, billA, audit, 0, basisDenied, 0},
		{"province authority", "chongqing", at.RecordTypeBill, billA, at.Purpose_PURPOSE_STATISTICS, 0, basisDenied, 0},
		{"customs office, not a party to bills", "cq-customs", at.RecordTypeBill, billA, control, 0, basisDenied, 0},
		{"someone else's grant named", "cq-bank", at.RecordTypeBill, billB, logistics, 2, basisDenied, 0},
		{"declarant (owner)", "cq-electronics", at.RecordTypeDeclaration, declID, control, 0, basisOwner, 0},
		{"export customs office", "cq-customs", at.RecordTypeDeclaration, declID, control, 0, basisParty, 0},
		{"import customs office", "th-customs", at.RecordTypeDeclaration, declID, control, 0, basisParty, 0},
		{"other customs office with grant", "nn-customs", at.RecordTypeDeclaration, declID, control, 0, basisGrant, 3},
		{"other customs office", "vn-customs", at.RecordTypeDeclaration, declID, control, 0, basisDenied, 0},
		{"carrier", "landsea-mto", at.RecordTypeDeclaration, declID, logistics, 0, basisDenied, 0},
		{"bank with a bill grant", "cq-bank", at.RecordTypeDeclaration, declID, finance, 0, basisDenied, 0},
	}
}

// checkBillContent decodes a served bill: parties and goods are there.
func checkBillContent(t *testing.T, e *readEnv) {
	resp, err := e.readAs("cq-bank", at.RecordTypeBill, billA, finance, 0)
	if err != nil {
		t.Fatal(err)
	}
	br := &billtypes.BillResponse{}
	if err := br.Unmarshal(resp.Content); err != nil {
		t.Fatal(err)
	}
	if br.Bill.Content.Shipper.MemberId != "cq-electronics" || len(br.Bill.Content.Goods) == 0 || len(br.History) != 1 {
		t.Fatalf("served bill %v", br.Bill)
	}
}

// TestAccessProtectedRecords: an anonymous gRPC caller gets no protected
// field of a declaration or a bill from the query services, and the store
// service refuses the protected keys (and non-existence proofs that would
// show one); the owner, a party and a grantee read the full content through
// the read service, with proofs that verify against the app hash.
func TestAccessProtectedRecords(t *testing.T) {
	c := accessChain(t)
	e := serveAPI(t, c, &memRecorder{})
	ctx, conn, appHash := context.Background(), e.cl.Conn(), c.st.LastCommit().Root
	decl, err := ct.NewQueryServiceClient(conn).Declaration(ctx, &ct.DeclarationRequest{Id: declID, Prove: true})
	if err != nil || decl.Version != nil || len(decl.Documents) != 0 || decl.Withheld == "" || len(decl.Proofs) != 1 {
		t.Fatalf("public declaration: %v %v", decl, err)
	}
	listed, err := ct.NewQueryServiceClient(conn).DeclarationsByDeclarant(ctx, &ct.DeclarationsByDeclarantRequest{Declarant: "cq-electronics"})
	if err != nil || len(listed.Records) != 1 || len(listed.Records[0].Documents) != 2 {
		t.Fatalf("public listing: %v %v", listed, err)
	}
	bq := billtypes.NewQueryServiceClient(conn)
	bill, err := bq.Bill(ctx, &billtypes.BillRequest{Number: billA, Prove: true})
	if err != nil || bill.Bill.Content != nil || len(bill.Bill.ContentHash) != 32 || bill.Withheld == "" || bill.Proof == nil {
		t.Fatalf("public bill: %v %v", bill, err)
	}
	verifyBillProof(t, bill, appHash)
	byIssuer, err := bq.BillsByIssuer(ctx, &billtypes.BillsByIssuerRequest{Issuer: "landsea-mto"})
	if err != nil || len(byIssuer.Bills) != 2 || byIssuer.Bills[0].Content != nil || byIssuer.Bills[1].Content != nil {
		t.Fatalf("public bill listing: %v %v", byIssuer, err)
	}
	checkStoreRefusals(t, e)

	owner := e.readDeclaration("cq-electronics", declID, 0, appHash)
	party := e.readDeclaration("cq-customs", declID, 0, appHash)
	grantee := e.readDeclaration("nn-customs", declID, 0, appHash)
	for _, d := range []*ct.DeclarationResponse{owner, party, grantee} {
		if d.Version.Declaration.GetConsignee().GetName() == "" || len(d.Documents) != 2 || d.Documents[0].Content == nil {
			t.Fatalf("full declaration: %v", d.Version)
		}
	}
	for reader, p := range map[string]at.Purpose{"landsea-mto": logistics, "cr-rail": logistics, "cq-bank": finance} {
		br := e.readBill(reader, billA, p, appHash)
		if br.Bill.Content.Shipper.GetMemberId() != "cq-electronics" || len(br.Bill.Content.Goods) == 0 || !bytes.Equal(br.Bill.ContentHash, bill.Bill.ContentHash) {
			t.Fatalf("full bill read by %s: %v", reader, br.Bill.Content)
		}
	}
	if _, err := e.readAs("gx-agri", at.RecordTypeBill, billA, logistics, 0); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("outsider's signed read: %v", err)
	}
}

// checkStoreRefusals: the store service refuses every protected key with
// PermissionDenied pointing at the read service, serves public keys, and
// refuses exactly the non-existence proofs that would show a protected
// neighbour.
func checkStoreRefusals(t *testing.T, e *readEnv) {
	t.Helper()
	ctx := context.Background()
	protected := [][]byte{ct.VersionKey(declID, 1), ct.DocumentKey(declID, 1, "CN-EXPORT"), ct.DocumentKey(declID, 1, "TH-IMPORT"),
		billtypes.ContentKey(billA), billtypes.ContentKey(billB), ct.VersionKey(declID, 7)}
	for _, key := range protected {
		for _, prove := range []bool{false, true} {
			r, err := e.cl.Get(ctx, key, 0, prove)
			if status.Code(err) != codes.PermissionDenied || r != nil || !strings.Contains(err.Error(), "ReadService") {
				t.Fatalf("store get of protected key %x (prove %v): %v %v", key, prove, r, err)
			}
		}
	}
	for _, key := range [][]byte{ct.RecordKey(declID), billtypes.BillKey(billA), billtypes.HistoryKey(billA, 0)} {
		if r, err := e.cl.Get(ctx, key, 0, true); err != nil || !r.Found || r.Proof == nil {
			t.Fatalf("store get of public key %x: %v %v", key, r, err)
		}
	}
	refused := 0
	for i := 0; i < 300; i++ {
		key := []byte(fmt.Sprintf("\xffprobe-%d", i))
		r, err := e.cl.Get(ctx, key, 0, true)
		if status.Code(err) == codes.PermissionDenied {
			refused++
			continue
		}
		if err != nil || r.Found {
			t.Fatalf("absent key %x: %v %v", key, r, err)
		}
		cp := &ics23.CommitmentProof{}
		if err := cp.Unmarshal(r.Proof.CommitmentProof); err != nil {
			t.Fatal(err)
		}
		for _, side := range []*ics23.ExistenceProof{cp.GetNonexist().GetLeft(), cp.GetNonexist().GetRight()} {
			if side != nil && api.IsProtectedKey(side.Key) {
				t.Fatalf("the non-existence proof of %x shows protected key %x", key, side.Key)
			}
		}
	}
	if refused == 0 {
		t.Fatal("no non-existence proof of 300 absent keys had a protected neighbour; the check went untested")
	}
	t.Logf("%d of 300 non-existence proofs refused for a protected neighbour", refused)
}

// TestAccessGrantExpiryDeniesReads: a read on a grant works until the
// grant's expiry; after it, the read is refused (by the node's clock
// at once, and the ledger marks the grant expired in the next block).
func TestAccessGrantExpiryDeniesReads(t *testing.T) {
	c := accessChain(t)
	e := serveAPI(t, c, &memRecorder{})
	mustOK(t, c.block(c.tx("cq-electronics", grantAccess("cq-bank", recordScope, at.RecordTypeDeclaration, declID, finance, c.time.Add(12*time.Second)))))
	if _, err := e.readAs("cq-bank", at.RecordTypeDeclaration, declID, finance, 5); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	c.time = c.time.Add(10 * time.Second) // the node's clock passes the expiry before any block does
	if _, err := e.readAs("cq-bank", at.RecordTypeDeclaration, declID, finance, 0); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("after expiry on the node clock: %v", err)
	}
	fin := c.block()
	if !hasEvent(fin.Events, "access.grant_expired") {
		t.Fatalf("no grant_expired event at the end of block %d: %v", c.height, fin.Events)
	}
	resp, err := e.query.Grant(context.Background(), &at.GrantRequest{Id: 5})
	if err != nil || resp.Grant.Status != at.GrantStatus_GRANT_STATUS_EXPIRED {
		t.Fatalf("grant 5 after its expiry block: %v %v", resp, err)
	}
	_, err = e.readAs("cq-bank", at.RecordTypeDeclaration, declID, finance, 5)
	if status.Code(err) != codes.PermissionDenied || !bytes.Contains([]byte(err.Error()), []byte("GRANT_STATUS_EXPIRED")) {
		t.Fatalf("named expired grant: %v", err)
	}
}

func hasEvent(events []abci.Event, typ string) bool {
	for _, e := range events {
		if e.Type == typ {
			return true
		}
	}
	return false
}

// TestAccessReadRefusals covers requests refused before any decision:
// nothing is served and nothing is recorded.
func TestAccessReadRefusals(t *testing.T) {
	c := accessChain(t)
	rec := &memRecorder{}
	e := serveAPI(t, c, rec)
	ctx := context.Background()
	b := func() *at.ReadBody { return e.body("cq-bank", at.RecordTypeBill, billA, finance, 0) }
	signWith := func(body *at.ReadBody, sign func([]byte) []byte) *at.ReadRequest {
		bz, _ := body.Marshal()
		return &at.ReadRequest{BodyBytes: bz, Signature: sign(bz)}
	}
	bank := c.keys["cq-bank"]
	cases := []struct {
		name string
		req  *at.ReadRequest
		want codes.Code
	}{
		{"signature by another key", signWith(b(), func(bz []byte) []byte { return c.keys["gx-agri"].Sign(at.ReadSignBytes(chainID, bz)) }), codes.Unauthenticated},
		{"signed for another chain", signWith(b(), func(bz []byte) []byte { return bank.Sign(at.ReadSignBytes("other-chain", bz)) }), codes.Unauthenticated},
		{"signed as a transaction", signWith(b(), func(bz []byte) []byte { return bank.Sign(apptypes.SignBytes(chainID, bz)) }), codes.Unauthenticated},
		{"unknown member", e.sign("cq-bank", func() *at.ReadBody { x := b(); x.MemberId = "no-such-bank"; return x }()), codes.Unauthenticated},
		{"unknown key", e.sign("cq-bank", func() *at.ReadBody { x := b(); x.KeyId = "k9"; return x }()), codes.Unauthenticated},
		{"expired request", e.sign("cq-bank", func() *at.ReadBody { x := b(); x.ExpiresUnixNano = c.time.Add(-time.Second).UnixNano(); return x }()), codes.InvalidArgument},
		{"expiry too far", e.sign("cq-bank", func() *at.ReadBody { x := b(); x.ExpiresUnixNano = c.time.Add(time.Hour).UnixNano(); return x }()), codes.InvalidArgument},
		{"short nonce", e.sign("cq-bank", func() *at.ReadBody { x := b(); x.Nonce = x.Nonce[:8]; return x }()), codes.InvalidArgument},
		{"unknown record type", e.sign("cq-bank", func() *at.ReadBody { x := b(); x.RecordType = "passport"; return x }()), codes.InvalidArgument},
		{"no purpose", e.sign("cq-bank", func() *at.ReadBody { x := b(); x.Purpose = 0; return x }()), codes.InvalidArgument},
		{"missing record", e.sign("cq-bank", func() *at.ReadBody { x := b(); x.RecordId = "LSM-NONE"; return x }()), codes.NotFound},
		{"bill at a version it is not at", e.sign("cq-bank", func() *at.ReadBody { x := b(); x.Version = 7; return x }()), codes.NotFound},
		{"declaration version it does not have", e.sign("cq-bank", func() *at.ReadBody {
			x := b()
			x.RecordType, x.RecordId, x.Version = at.RecordTypeDeclaration, declID, 2
			return x
		}()), codes.NotFound},
		{"garbage body", &at.ReadRequest{BodyBytes: []byte{0xff, 0xff}, Signature: []byte{1}}, codes.InvalidArgument},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := e.read.Read(ctx, tc.req)
			if status.Code(err) != tc.want || resp != nil {
				t.Fatalf("got %v %v, want %s", resp, err, tc.want)
			}
			t.Logf("%v", status.Convert(err).Message())
		})
	}
	if len(rec.events) != 0 {
		t.Fatalf("refused requests left %d events", len(rec.events))
	}
	checkReplays(t, c, e, rec)
	checkRecorderFailures(t, c, rec)
}

// checkReplays sends the same signed request again: to the same node (its
// nonce book refuses it), to a restarted node whose outbox still holds the
// event, and to a restarted node after the event is on the ledger.
func checkReplays(t *testing.T, c *testChain, e *readEnv, rec *memRecorder) {
	ctx := context.Background()
	req := e.sign("cq-bank", e.body("cq-bank", at.RecordTypeBill, billA, finance, 0))
	if _, err := e.read.Read(ctx, req); err != nil {
		t.Fatal(err)
	}
	if _, err := e.read.Read(ctx, req); status.Code(err) != codes.AlreadyExists {
		t.Fatalf("replay to the same node: %v", err)
	}
	if _, err := serveAPI(t, c, rec).read.Read(ctx, req); status.Code(err) != codes.AlreadyExists {
		t.Fatalf("replay after a restart, event pending: %v", err)
	}
	mustOK(t, c.block(c.tx("chongqing", recordEvents(rec.take()))))
	if _, err := serveAPI(t, c, rec).read.Read(ctx, req); status.Code(err) != codes.AlreadyExists {
		t.Fatalf("replay after a restart, event on the ledger: %v", err)
	}
}

// checkRecorderFailures: a node whose outbox fails, or that has none,
// sends nothing of another member's records; the owner still reads.
func checkRecorderFailures(t *testing.T, c *testChain, rec *memRecorder) {
	rec.fail = errors.New("disk full")
	defer func() { rec.fail = nil }()
	e := serveAPI(t, c, rec)
	if resp, err := e.readAs("cq-bank", at.RecordTypeBill, billA, finance, 0); status.Code(err) != codes.Unavailable || resp != nil {
		t.Fatalf("outbox failing: %v %v", resp, err)
	}
	e = serveAPI(t, c, nil)
	if resp, err := e.readAs("cq-electronics", at.RecordTypeBill, billA, logistics, 0); status.Code(err) != codes.Unavailable || resp != nil {
		t.Fatalf("no outbox: %v %v", resp, err)
	}
	if _, err := e.readAs("landsea-mto", at.RecordTypeBill, billA, logistics, 0); err != nil {
		t.Fatalf("owner read on a node without outbox: %v", err)
	}
}

// TestAccessEventsOnLedger puts served and refused reads on the ledger,
// resubmits the batch (nothing is recorded twice), and answers auditors'
// queries, with an ICS23 proof of one event verified against the app hash.
func TestAccessEventsOnLedger(t *testing.T) {
	c := accessChain(t)
	rec := &memRecorder{}
	e := serveAPI(t, c, rec)
	for i := 0; i < 3; i++ {
		if _, err := e.readAs("cq-bank", at.RecordTypeBill, billA, finance, 0); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = e.readAs("gx-agri", at.RecordTypeBill, billA, logistics, 0)
	if _, err := e.readAs("cq-customs", at.RecordTypeDeclaration, declID, control, 0); err != nil {
		t.Fatal(err)
	}
	evs := rec.take()
	fin := c.block(c.tx("chongqing", recordEvents(evs)))
	mustOK(t, fin)
	mustOK(t, c.block(c.tx("chongqing", recordEvents(evs)))) // after a crash: all duplicates
	c.refused("guangxi", at.Codespace, at.ErrWrongProvince.Code, recordEvents(evs))
	c.refused("cq-customs", "corridor", 11, recordEvents(evs))
	ctx := context.Background()
	byRecord, err := e.query.Events(ctx, &at.EventsRequest{RecordType: at.RecordTypeBill, RecordId: billA})
	if err != nil || len(byRecord.Events) != 4 {
		t.Fatalf("events of bill A: %d %v; want 4", len(byRecord.GetEvents()), err)
	}
	byOwner, _ := e.query.Events(ctx, &at.EventsRequest{Owner: "cq-electronics"})
	byReader, _ := e.query.Events(ctx, &at.EventsRequest{Reader: "cq-bank"})
	byProvince, _ := e.query.Events(ctx, &at.EventsRequest{ServingProvince: "chongqing"})
	if len(byOwner.Events) != 1 || len(byReader.Events) != 3 || len(byProvince.Events) != 5 {
		t.Fatalf("by owner %d, reader %d, province %d; want 1, 3, 5", len(byOwner.Events), len(byReader.Events), len(byProvince.Events))
	}
	counts, err := e.query.EventCounts(ctx, &at.EventCountsRequest{Member: "landsea-mto"})
	if err != nil || len(counts.Counts) != 2 {
		t.Fatalf("counts of landsea-mto: %v %v; want served/finance and denied/logistics", counts, err)
	}
	one, err := e.query.Event(ctx, &at.EventRequest{Id: evs[0].Id, Prove: true})
	if err != nil {
		t.Fatal(err)
	}
	if one.Event.Height != c.height-3 || !bytes.Equal(one.Event.ContentHash, evs[0].ContentHash) {
		t.Fatalf("event on the ledger: %v", one.Event)
	}
	verifyProof(t, one.Proof, at.EventKey(evs[0].Id), c.st.LastCommit().Root)
	stored, _ := one.Event.Marshal()
	if !bytes.Equal(stored, one.Proof.Value) {
		t.Fatal("the event returned is not the value proven")
	}
}

// verifyProof checks an ICS23 existence proof of key against appHash with
// the store's verifier and the stock ics23 one.
func verifyProof(t *testing.T, p *storepb.Proof, key, appHash []byte) {
	t.Helper()
	if p == nil || !bytes.Equal(p.Key, key) || !bytes.Equal(p.Root, appHash) {
		t.Fatalf("proof %v is not for key %x under app hash %x", p, key, appHash)
	}
	cp := &ics23.CommitmentProof{}
	if err := cp.Unmarshal(p.CommitmentProof); err != nil {
		t.Fatal(err)
	}
	if err := store.VerifyMembership(appHash, cp, key, p.Value); err != nil {
		t.Fatalf("proof does not verify: %v", err)
	}
	if !ics23.VerifyMembership(store.ProofSpec(), appHash, cp, key, p.Value) {
		t.Fatal("stock ics23 verifier refuses the proof")
	}
}

// TestAccessEventStreamResumes streams events from height 1, breaks the
// stream, commits more events, and resumes from the last height seen + 1:
// every event arrives exactly once, each height whole and in order.
func TestAccessEventStreamResumes(t *testing.T) {
	c := accessChain(t)
	rec := &memRecorder{}
	e := serveAPI(t, c, rec)
	commitReads := func(n int) int {
		for i := 0; i < n; i++ {
			if _, err := e.readAs("cq-bank", at.RecordTypeBill, billA, finance, 0); err != nil {
				t.Fatal(err)
			}
		}
		mustOK(t, c.block(c.tx("chongqing", recordEvents(rec.take()))))
		return n
	}
	want := commitReads(3) + commitReads(2)
	seen := map[string]int{}
	ctx, cancel := context.WithCancel(context.Background())
	last := streamUntil(ctx, t, e.query, 1, seen, want)
	cancel()
	want += commitReads(4)
	c.block()
	want += commitReads(1)
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	streamUntil(ctx, t, e.query, last+1, seen, want)
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("event %x streamed %d times", id, n)
		}
	}
}

// streamUntil reads a stream from height from until seen holds want events
// and returns the last height received.
func streamUntil(ctx context.Context, t *testing.T, q at.QueryServiceClient, from int64, seen map[string]int, want int) int64 {
	t.Helper()
	s, err := q.StreamEvents(ctx, &at.StreamEventsRequest{FromHeight: from})
	if err != nil {
		t.Fatal(err)
	}
	last := from - 1
	for len(seen) < want {
		r, err := s.Recv()
		if err != nil {
			t.Fatalf("stream from %d: %v", from, err)
		}
		if r.Height <= last {
			t.Fatalf("height %d after %d", r.Height, last)
		}
		last = r.Height
		for _, ev := range r.Events {
			if ev.Height != r.Height {
				t.Fatalf("event of height %d in the message of height %d", ev.Height, r.Height)
			}
			seen[string(ev.Id)]++
		}
	}
	return last
}

// TestAccessDemoSteps runs the whole demo (customs, bills, then grants)
// through the ABCI app: every step is accepted and the grants are there.
func TestAccessDemoSteps(t *testing.T) {
	c := newChain(t)
	c.block()
	for _, s := range demo.Steps() {
		fin := c.block(c.tx(s.Signer, s.Msgs...))
		for _, r := range fin.TxResults {
			if r.Code != 0 {
				t.Fatalf("demo step %q: code %s/%d: %s", s.Note, r.Codespace, r.Code, r.Log)
			}
		}
	}
	e := serveAPI(t, c, &memRecorder{})
	resp, err := e.query.Grants(context.Background(), &at.GrantsRequest{Grantee: "cq-bank"})
	if err != nil || len(resp.Grants) != 2 || resp.Grants[1].Status != at.GrantStatus_GRANT_STATUS_REVOKED {
		t.Fatalf("cq-bank's grants after the demo: %v %v", resp, err)
	}
	if _, err := e.readAs("cq-bank", at.RecordTypeBill, demo.DemoBillNumber, finance, 0); err != nil {
		t.Fatalf("cq-bank reads the demo bill: %v", err)
	}
	if _, err := e.readAs("nn-customs", at.RecordTypeDeclaration, "cq-electronics/CQE-2026-0001", control, 0); err != nil {
		t.Fatalf("nn-customs reads the Thailand declaration: %v", err)
	}
	mq := mt.NewQueryServiceClient(e.cl.Conn())
	office, err := mq.Member(context.Background(), &mt.MemberRequest{Id: demo.DemoOfficeID})
	if err != nil || office.Member.GetStatus() != mt.MemberStatus_MEMBER_STATUS_ACTIVE {
		t.Fatalf("the office the demo's provinces admit: %v, %v", office, err)
	}
	p, err := mq.Proposal(context.Background(), &mt.ProposalRequest{Id: 1})
	if err != nil || p.Proposal.GetStatus() != mt.ProposalStatus_PROPOSAL_STATUS_PASSED || len(p.Proposal.GetApprovals()) != 10 {
		t.Fatalf("the demo's proposal: %v, %v", p, err)
	}
}

// BenchmarkAccessEventsLedger measures access events/s committed through
// the application (FinalizeBlock and Commit, no consensus): each block
// carries one transaction of 5,000 events in five messages, as the node's
// submitter sends them.
func BenchmarkAccessEventsLedger(b *testing.B) {
	const perTx = 5000
	a, key := benchApp(b)
	tmpl := benchEvent()
	ctx := context.Background()
	blockTime := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var msgs []*apptypes.Message
		for m := 0; m < perTx/at.EventsPerMsgMax; m++ {
			evs := make([]*at.AccessEvent, at.EventsPerMsgMax)
			for j := range evs {
				e := *tmpl
				id := sha256.Sum256([]byte(fmt.Sprintf("bench-%d-%d-%d", i, m, j)))
				e.Id, e.RequestTimeUnixNano = id[:], tmpl.RequestTimeUnixNano+int64(i*perTx+m*at.EventsPerMsgMax+j)
				evs[j] = &e
			}
			msgs = append(msgs, recordEvents(evs))
		}
		tx, err := client.BuildTx(key, client.TxParams{ChainID: chainID, Sequence: uint64(i)}, msgs...)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		fin, err := a.FinalizeBlock(ctx, &abci.FinalizeBlockRequest{Txs: [][]byte{tx}, Height: int64(i + 2), Time: blockTime.Add(time.Duration(i) * time.Second)})
		if err != nil || fin.TxResults[0].Code != 0 {
			b.Fatalf("block %d: %v %v", i+2, err, fin.GetTxResults())
		}
		if _, err := a.Commit(ctx, &abci.CommitRequest{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*perTx)/b.Elapsed().Seconds(), "events/s")
}

// benchApp is an application after genesis and an empty block 1, and the
// chongqing province's key.
func benchApp(b *testing.B) (*app.App, *client.Key) {
	a, bz := newApp(b, 16), genesisJSON(b, true, nil)
	ctx, t0 := context.Background(), time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	if _, err := a.InitChain(ctx, &abci.InitChainRequest{ChainId: chainID, AppStateBytes: bz, InitialHeight: 1, Time: t0}); err != nil {
		b.Fatal(err)
	}
	if _, err := a.FinalizeBlock(ctx, &abci.FinalizeBlockRequest{Height: 1, Time: t0}); err != nil {
		b.Fatal(err)
	}
	if _, err := a.Commit(ctx, &abci.CommitRequest{}); err != nil {
		b.Fatal(err)
	}
	return a, seedKey("chongqing")
}

func benchEvent() *at.AccessEvent {
	h := sha256.Sum256([]byte("content"))
	return &at.AccessEvent{
		Reader: "cq-bank", ReaderProvince: "chongqing", NodeId: "0123456789abcdef0123456789abcdef01234567",
		Province: "chongqing", Owner: "landsea-mto", RecordType: at.RecordTypeBill, RecordId: "LSM-CQ-2026-000123",
		RecordVersion: 3, ContentHash: h[:], Purpose: finance, PurposeText: "pre-shipment finance, contract CQRCB-TF-2026-0917",
		Basis: at.AccessBasis_ACCESS_BASIS_GRANT, GrantId: 17, Result: at.AccessResult_ACCESS_RESULT_SERVED,
		RequestTimeUnixNano: time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC).UnixNano(),
	}
}
