package keeper_test

import (
	"bytes"
	"errors"
	"strings"
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

// TestHistoryChain: every action lands in the history with its actor (the
// member who signed the message), action, block time and height; the chain
// verifies against the record; the amended bill's chain continues from the
// voided one's head.
func TestHistoryChain(t *testing.T) {
	e := lifeOf(t, "H-1")
	old, h := e.bill("H-1"), e.history("H-1")
	if err := types.VerifyHistory(old, h, nil); err != nil {
		t.Fatal(err)
	}
	// The actions of lifeOf, each with the member who signed it.
	want := []struct {
		action types.Action
		actor  string
	}{
		{types.Action_ACTION_DRAFT, "landsea-mto"},
		{types.Action_ACTION_ISSUE, "landsea-mto"},
		{types.Action_ACTION_PLEDGE, "cq-electronics"},
		{types.Action_ACTION_LEG_EVENT, "cr-rail"},
		{types.Action_ACTION_RELEASE, "cq-bank"},
		{types.Action_ACTION_ENDORSE, "cq-electronics"},
		{types.Action_ACTION_SURRENDER_FOR_AMENDMENT, "th-importer"},
		{types.Action_ACTION_ACCEPT_SURRENDER, "landsea-mto"},
	}
	if len(h) != len(want) {
		t.Fatalf("history has %d entries, want %d", len(h), len(want))
	}
	for i, w := range want {
		if h[i].Action != w.action || h[i].Actor != w.actor || h[i].Height == 0 || h[i].TimeUnixNano == 0 {
			t.Fatalf("entry %d = %v by %q at %d/%d; want %v by %s", i, h[i].Action, h[i].Actor, h[i].Height, h[i].TimeUnixNano, w.action, w.actor)
		}
	}
	if h[2].Pledge.GetBank() != "cq-bank" || h[2].PossessorAfter != "cq-bank" || h[5].Counterparty != "th-importer" {
		t.Fatalf("entries do not say what happened: %+v / %+v", h[2], h[5])
	}
	nb, nh := e.bill("H-1-A1"), e.history("H-1-A1")
	if nb.Replaces != "H-1" || nh[0].Action != types.Action_ACTION_ISSUE_AMENDMENT || nh[0].LinkedNumber != "H-1" || nh[0].Actor != "landsea-mto" {
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
// entries, or changing the record itself breaks verification with
// ErrHistoryBroken, and each kind of tampering is caught by the check meant
// for it: an entry's own hash, the link to the entry before, the head the
// record stores, the sequence numbers and count, or the record's state and
// content hashes.
func TestHistoryTamperingDetected(t *testing.T) {
	e := lifeOf(t, "H-2")
	b := e.bill("H-2")
	type tamperFunc func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry)
	tamper := map[string]struct {
		f    tamperFunc
		want string // what the refusal says
	}{
		// Sequence and count intact: only the entry's hash shows the change.
		"remark": {func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			h[3].Remark = "x"
			return b, h
		}, "entry 3: content does not hash to its recorded hash"},
		"actor": {func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			h[5].Actor = "gx-agri"
			return b, h
		}, "entry 5: content does not hash to its recorded hash"},
		// The entry hashes to its new hash: the next entry's link shows it.
		"rehashed entry": {rehashMiddle, "entry 5: prev_hash does not match entry 4"},
		// Swapped entries renumbered and rehashed, each one consistent in
		// itself: only the links between entries show the new order.
		"swapped, renumbered and rehashed": {func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			h[2], h[3] = h[3], h[2]
			h[2].Seq, h[3].Seq = 2, 3
			rehash(h[2])
			rehash(h[3])
			return b, h
		}, "entry 2: prev_hash does not match entry 1"},
		// An entry rewritten and every later entry relinked: the chain is
		// consistent, but does not end at the head the record stores.
		"rewritten and relinked": {func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			h[4].Counterparty = "gx-agri"
			for i := 4; i < len(h); i++ {
				h[i].PrevHash = h[i-1].Hash
				rehash(h[i])
			}
			return b, h
		}, "last entry's hash is not the record's history_head"},
		"dropped last": {func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			return b, h[:len(h)-1]
		}, "records 8 history entries, got 7"},
		"dropped first": {func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			return b, h[1:]
		}, "records 8 history entries, got 7"},
		"swapped": {func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			h[2], h[3] = h[3], h[2]
			return b, h
		}, `entry 2 is "H-2" #3`},
		"record possessor": {func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			b.Possessor = "gx-agri"
			return b, h
		}, "the record does not match the state its last history entry hashed"},
		"record goods": {func(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
			b.Content.Goods[0].HsCodes[0] = "940360"
			return b, h
		}, "content does not match the record's content_hash"},
	}
	for name, tc := range tamper {
		t.Run(name, func(t *testing.T) {
			fresh := e.bill("H-2")
			tb, th := tc.f(fresh, e.history("H-2"))
			err := types.VerifyHistory(tb, th, nil)
			if err == nil {
				t.Fatal("tampering went unnoticed")
			}
			if !errors.Is(err, types.ErrHistoryBroken) {
				t.Fatalf("want %s, got %v", types.ErrHistoryBroken.Name, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
	if err := types.VerifyHistory(b, e.history("H-2"), nil); err != nil {
		t.Fatalf("untouched history: %v", err)
	}
}

// rehash recomputes an entry's own hash after it was changed.
func rehash(e *types.HistoryEntry) {
	h, err := types.EntryHash(e)
	if err != nil {
		panic(err)
	}
	e.Hash = h
}

// rehashMiddle rewrites an entry and recomputes its own hash: the next
// entry's prev_hash no longer matches.
func rehashMiddle(b *types.Bill, h []*types.HistoryEntry) (*types.Bill, []*types.HistoryEntry) {
	h[4].Counterparty = "gx-agri"
	rehash(h[4])
	if bytes.Equal(h[5].PrevHash, h[4].Hash) {
		panic("rehash did not change the hash")
	}
	return b, h
}
