package keeper_test

import (
	"bytes"
	"testing"

	"github.com/landsea/corridor/x/bill/types"
)

// lifeOf runs a bill through a full life and returns the ledger.
func lifeOf(t *testing.T, n string) *env {
	e := newEnv(t)
	e.mustApply("landsea-mto", issueMsg(railSea(n, true), true))
	e.mustApply("landsea-mto", issueDraftMsg(n))
	e.mustApply("cq-electronics", pledgeMsg(n, "cq-bank", e.now.Unix()+86400*60))
	e.mustApply("cr-rail", legMsg(n, 0, types.LegEventType_LEG_EVENT_TYPE_DEPARTED, "CNCQI"))
	e.mustApply("cq-bank", releaseMsg(n))
	e.mustApply("cq-electronics", endorseMsg(n, "th-importer"))
	e.mustApply("th-importer", surrenderMsg(n, amendment))
	e.mustApply("landsea-mto", acceptMsg(n, railSea(n+"-A1", true)))
	return e
}

// TestHistoryChain: every action lands in the history with actor, action,
// block time and height; the chain verifies against the record; the
// amended bill's chain continues from the voided one's head.
func TestHistoryChain(t *testing.T) {
	e := lifeOf(t, "H-1")
	old, h := e.bill("H-1"), e.history("H-1")
	if err := types.VerifyHistory(old, h, nil); err != nil {
		t.Fatal(err)
	}
	want := []types.Action{types.Action_ACTION_DRAFT, types.Action_ACTION_ISSUE, types.Action_ACTION_PLEDGE,
		types.Action_ACTION_LEG_EVENT, types.Action_ACTION_RELEASE, types.Action_ACTION_ENDORSE,
		types.Action_ACTION_SURRENDER_FOR_AMENDMENT, types.Action_ACTION_ACCEPT_SURRENDER}
	if len(h) != len(want) {
		t.Fatalf("history has %d entries, want %d", len(h), len(want))
	}
	for i, a := range want {
		if h[i].Action != a || h[i].Height == 0 || h[i].TimeUnixNano == 0 || h[i].Actor == "" {
			t.Fatalf("entry %d = %v by %q at %d/%d; want %v", i, h[i].Action, h[i].Actor, h[i].Height, h[i].TimeUnixNano, a)
		}
	}
	if h[2].Pledge.GetBank() != "cq-bank" || h[2].PossessorAfter != "cq-bank" || h[5].Counterparty != "th-importer" {
		t.Fatalf("entries do not say what happened: %+v / %+v", h[2], h[5])
	}
	nb, nh := e.bill("H-1-A1"), e.history("H-1-A1")
	if nb.Replaces != "H-1" || nh[0].Action != types.Action_ACTION_ISSUE_AMENDMENT || nh[0].LinkedNumber != "H-1" {
		t.Fatalf("amended bill: replaces %q, first entry %+v", nb.Replaces, nh[0])
	}
	if err := types.VerifyHistory(nb, nh, old.HistoryHead); err != nil {
		t.Fatalf("amended bill's chain: %v", err)
	}
	if nb.TitleHolder != "th-importer" || nb.Possessor != "th-importer" {
		t.Fatalf("amended bill issued to %s/%s, want the surrendering holder", nb.TitleHolder, nb.Possessor)
	}
}

// TestHistoryTamperingDetected: changing any entry, dropping or reordering
// entries, or changing the record itself breaks verification.
func TestHistoryTamperingDetected(t *testing.T) {
	e := lifeOf(t, "H-2")
	b := e.bill("H-2")
	tamper := map[string]func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry){
		"remark": func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			h[3].Remark = "x"
			return b, h
		},
		"actor": func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			h[5].Actor = "gx-agri"
			return b, h
		},
		"rehashed entry": rehashMiddle,
		"dropped last": func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			return b, h[:len(h)-1]
		},
		"dropped first": func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) { return b, h[1:] },
		"swapped": func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			h[2], h[3] = h[3], h[2]
			return b, h
		},
		"record possessor": func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			b.Possessor = "gx-agri"
			return b, h
		},
		"record goods": func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			b.Content.Goods[0].HsCodes[0] = "940360"
			return b, h
		},
	}
	for name, f := range tamper {
		t.Run(name, func(t *testing.T) {
			fresh := e.bill("H-2")
			tb, th := f(fresh, e.history("H-2"))
			if err := types.VerifyHistory(tb, th, nil); err == nil {
				t.Fatal("tampering went unnoticed")
			}
		})
	}
	if err := types.VerifyHistory(b, e.history("H-2"), nil); err != nil {
		t.Fatalf("untouched history: %v", err)
	}
}

// rehashMiddle rewrites an entry and recomputes its own hash: the next
// entry's prev_hash no longer matches.
func rehashMiddle(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
	h[4].Counterparty = "gx-agri"
	h[4].Hash, _ = types.EntryHash(h[4])
	if bytes.Equal(h[5].PrevHash, h[4].Hash) {
		panic("rehash did not change the hash")
	}
	return b, h
}
