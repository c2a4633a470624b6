package keeper_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/landsea/corridor/store/storepb"
	"github.com/landsea/corridor/x/access/keeper"
	"github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
)

func TestRecordEventsDeduplicates(t *testing.T) {
	e := newEnv(t)
	a, b, c := event(1, "cq-bank", "landsea-mto", "chongqing"), event(2, "cq-bank", "landsea-mto", "chongqing"), event(3, "gx-agri", "landsea-mto", "chongqing")
	e.mustApply("chongqing", eventsMsg(a, b))
	// The node crashed after the commit and before clearing its outbox: it
	// resubmits a and b with a new event c. Only c is new.
	e.events = nil
	e.mustApply("chongqing", eventsMsg(a, b, c))
	if got := e.events[len(e.events)-1]; got.Attrs[1].Value != "1" || got.Attrs[2].Value != "2" {
		t.Fatalf("second batch emitted %v, want recorded=1 duplicates=2", got)
	}
	// The same event twice in one batch is stored once.
	d := event(4, "gx-agri", "landsea-mto", "chongqing")
	e.mustApply("chongqing", eventsMsg(d, d))
	stored, err := e.k.GetEvent(e.st, a.Id)
	if err != nil || stored == nil {
		t.Fatalf("event a: %v %v", stored, err)
	}
	if stored.Height != 11 || len(stored.TxHash) == 0 || stored.BlockTimeUnixNano == 0 {
		t.Fatalf("ledger fields of a: %v", stored)
	}
	q := keeper.NewQueryServer(fakeCommitted{e})
	counts, err := q.EventCounts(context.Background(), &types.EventCountsRequest{Member: "landsea-mto"})
	if err != nil || len(counts.Counts) != 1 || counts.Counts[0].Count != 4 || counts.Counts[0].Role != types.PartyRole_PARTY_ROLE_OWNER {
		t.Fatalf("owner counts = %v, %v; want one counter of 4", counts, err)
	}
	all, err := q.Events(context.Background(), &types.EventsRequest{})
	if err != nil || len(all.Events) != 4 {
		t.Fatalf("all events = %d, %v; want 4", len(all.GetEvents()), err)
	}
}

func TestRecordEventsRules(t *testing.T) {
	e := newEnv(t)
	wantCode(t, e.apply("cq-electronics", eventsMsg(event(1, "cq-bank", "landsea-mto", "cq-electronics"))), base.ErrInvalidMsg)
	wantCode(t, e.apply("cq-customs", eventsMsg(event(1, "cq-bank", "landsea-mto", "chongqing"))), base.ErrUnauthorized)
	wantCode(t, e.apply("guangxi", eventsMsg(event(1, "cq-bank", "landsea-mto", "chongqing"))), types.ErrWrongProvince)
	wantCode(t, e.apply("chongqing", eventsMsg()), base.ErrInvalidMsg)
	many := make([]*types.AccessEvent, types.EventsPerMsgMax+1)
	for i := range many {
		many[i] = event(i, "cq-bank", "landsea-mto", "chongqing")
	}
	wantCode(t, e.apply("chongqing", eventsMsg(many...)), base.ErrLimitExceeded)
	wantCode(t, e.apply("chongqing", eventsMsg(many[:types.EventsPerMsgMax]...)), nil)
}

// TestValidateEvent breaks one rule of a valid served event at a time and
// checks that the error is the one of that rule.
func TestValidateEvent(t *testing.T) {
	denied := func(e *types.AccessEvent) {
		e.Result, e.Basis, e.GrantId, e.ContentHash, e.DenialReason = types.AccessResult_ACCESS_RESULT_DENIED, types.AccessBasis_ACCESS_BASIS_NONE, 0, nil, "no grant"
	}
	cases := []struct {
		name string
		edit func(e *types.AccessEvent)
		text string
	}{
		{"short id", func(e *types.AccessEvent) { e.Id = e.Id[:31] }, "id: must be 32 bytes, got 31"},
		{"bad reader", func(e *types.AccessEvent) { e.Reader = "Bad Reader" }, `reader: "Bad Reader" must be 2-64 characters`},
		{"bad owner", func(e *types.AccessEvent) { e.Owner = "x" }, `owner: "x" must be 2-64 characters`},
		{"reader is owner", func(e *types.AccessEvent) { e.Reader = e.Owner }, `reader: "landsea-mto" owns the record`},
		{"reader province", func(e *types.AccessEvent) { e.ReaderProvince = "bangkok" }, `reader_province: "bangkok" is not one of the 15 corridor provinces`},
		{"serving province", func(e *types.AccessEvent) { e.Province = "" }, `: province: "" is not one of the 15 corridor provinces`},
		{"no node", func(e *types.AccessEvent) { e.NodeId = "" }, "node_id: must be 1-"},
		{"record type", func(e *types.AccessEvent) { e.RecordType = "passport" }, `record_type: "passport" is not a record type`},
		{"record id", func(e *types.AccessEvent) { e.RecordId = "" }, "record_id: must be 1-"},
		{"purpose", func(e *types.AccessEvent) { e.Purpose = 0 }, "purpose: 0 is not a purpose"},
		{"purpose text long", func(e *types.AccessEvent) { e.PurposeText = string(bytes.Repeat([]byte("x"), 513)) }, "purpose_text: must be 0-512 bytes, got 513"},
		{"no result", func(e *types.AccessEvent) { e.Result = 0 }, "result: must be ACCESS_RESULT_SERVED or ACCESS_RESULT_DENIED"},
		{"served without hash", func(e *types.AccessEvent) { e.ContentHash = nil }, "content_hash: a served read carries the SHA-256"},
		// grant_id 0 agrees with basis NONE, so only the served-basis rule refuses it.
		{"served on basis none", func(e *types.AccessEvent) { e.Basis, e.GrantId = types.AccessBasis_ACCESS_BASIS_NONE, 0 },
			"basis: a served read is on basis PARTY or GRANT, got ACCESS_BASIS_NONE"},
		{"served with denial reason", func(e *types.AccessEvent) { e.DenialReason = "no grant" }, "denial_reason: must be empty for a served read"},
		{"grant basis no id", func(e *types.AccessEvent) { e.GrantId = 0 }, "grant_id: set exactly when basis is GRANT (basis ACCESS_BASIS_GRANT, grant_id 0)"},
		{"party basis with id", func(e *types.AccessEvent) { e.Basis = types.AccessBasis_ACCESS_BASIS_PARTY },
			"grant_id: set exactly when basis is GRANT (basis ACCESS_BASIS_PARTY, grant_id 1)"},
		{"denied with hash", func(e *types.AccessEvent) { h := e.ContentHash; denied(e); e.ContentHash = h },
			"content_hash: a denied read sent nothing"},
		{"denied on basis grant", func(e *types.AccessEvent) { denied(e); e.Basis, e.GrantId = types.AccessBasis_ACCESS_BASIS_GRANT, 1 },
			"basis: a denied read has basis NONE, got ACCESS_BASIS_GRANT"},
		{"denied without reason", func(e *types.AccessEvent) { denied(e); e.DenialReason = "" }, "denial_reason: must be 1-"},
		{"no request time", func(e *types.AccessEvent) { e.RequestTimeUnixNano = 0 }, "request_time_unix_nano: must be a positive unix time"},
		{"height preset", func(e *types.AccessEvent) { e.Height = 5 }, "set by the ledger"},
		{"tx hash preset", func(e *types.AccessEvent) { e.TxHash = []byte{1} }, "set by the ledger"},
	}
	if err := types.ValidateEvent(event(1, "cq-bank", "landsea-mto", "chongqing")); err != nil {
		t.Fatalf("valid event refused: %v", err)
	}
	ev := event(1, "cq-bank", "landsea-mto", "chongqing")
	denied(ev)
	if err := types.ValidateEvent(ev); err != nil {
		t.Fatalf("valid denied event refused: %v", err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := event(1, "cq-bank", "landsea-mto", "chongqing")
			c.edit(ev)
			err := types.ValidateEvent(ev)
			wantCode(t, err, base.ErrInvalidMsg)
			if !strings.Contains(err.Error(), c.text) {
				t.Fatalf("got %q; want the error containing %q", err, c.text)
			}
		})
	}
}

// fakeCommitted serves an env's state as committed state (no proofs).
type fakeCommitted struct{ e *env }

func (f fakeCommitted) State() base.Reader { return f.e.st }
func (f fakeCommitted) Index() base.Reader { return f.e.idx }
func (f fakeCommitted) Height() int64      { return f.e.height }
func (f fakeCommitted) Prove([]byte) (*storepb.Proof, error) {
	return nil, base.ErrInvalidMsg.Wrapf("no proofs in unit tests")
}
