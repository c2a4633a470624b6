package keeper_test

import (
	"bytes"
	"context"
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

func TestValidateEvent(t *testing.T) {
	cases := map[string]func(e *types.AccessEvent){
		"short id":             func(e *types.AccessEvent) { e.Id = e.Id[:31] },
		"bad reader":           func(e *types.AccessEvent) { e.Reader = "Bad Reader" },
		"reader is owner":      func(e *types.AccessEvent) { e.Reader = e.Owner },
		"reader province":      func(e *types.AccessEvent) { e.ReaderProvince = "bangkok" },
		"serving province":     func(e *types.AccessEvent) { e.Province = "" },
		"no node":              func(e *types.AccessEvent) { e.NodeId = "" },
		"record type":          func(e *types.AccessEvent) { e.RecordType = "passport" },
		"record id":            func(e *types.AccessEvent) { e.RecordId = "" },
		"purpose":              func(e *types.AccessEvent) { e.Purpose = 0 },
		"no result":            func(e *types.AccessEvent) { e.Result = 0 },
		"served without hash":  func(e *types.AccessEvent) { e.ContentHash = nil },
		"served on basis none": func(e *types.AccessEvent) { e.Basis = types.AccessBasis_ACCESS_BASIS_NONE },
		"grant basis no id":    func(e *types.AccessEvent) { e.GrantId = 0 },
		"party basis with id":  func(e *types.AccessEvent) { e.Basis = types.AccessBasis_ACCESS_BASIS_PARTY },
		"denied with hash": func(e *types.AccessEvent) {
			e.Result, e.Basis, e.GrantId, e.DenialReason = types.AccessResult_ACCESS_RESULT_DENIED, types.AccessBasis_ACCESS_BASIS_NONE, 0, "no grant"
		},
		"denied without reason": func(e *types.AccessEvent) {
			e.Result, e.Basis, e.GrantId, e.ContentHash = types.AccessResult_ACCESS_RESULT_DENIED, types.AccessBasis_ACCESS_BASIS_NONE, 0, nil
		},
		"no request time":   func(e *types.AccessEvent) { e.RequestTimeUnixNano = 0 },
		"height preset":     func(e *types.AccessEvent) { e.Height = 5 },
		"purpose text long": func(e *types.AccessEvent) { e.PurposeText = string(bytes.Repeat([]byte("x"), 513)) },
	}
	if err := types.ValidateEvent(event(1, "cq-bank", "landsea-mto", "chongqing")); err != nil {
		t.Fatalf("valid event refused: %v", err)
	}
	for name, f := range cases {
		ev := event(1, "cq-bank", "landsea-mto", "chongqing")
		f(ev)
		err := types.ValidateEvent(ev)
		wantCode(t, err, base.ErrInvalidMsg)
		t.Logf("%s: %v", name, err)
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
