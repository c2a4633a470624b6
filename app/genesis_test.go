package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
)

// TestInitChainBadAppState: a genesis whose app_state is valid JSON but not
// the corridor genesis is refused by InitChain with an error that names
// app_state and the part of it that is wrong; the same app then starts from
// a good genesis.
func TestInitChainBadAppState(t *testing.T) {
	a := newApp(t, 12)
	good := genesisJSON(t, false, nil)
	// good with one more field: every part the app knows is right.
	extra := strings.Replace(string(good), "{", `{"balances": {}, `, 1)
	t0 := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	initChain := func(appState string) error {
		_, err := a.InitChain(context.Background(), &abci.InitChainRequest{ChainId: chainID,
			AppStateBytes: []byte(appState), InitialHeight: 1, Time: t0})
		return err
	}
	for _, tc := range []struct {
		name, appState string
		says           []string
	}{
		{"membership is a number", `{"membership": 5}`,
			[]string{"app_state.membership", "does not decode", "corridor.membership.v1.GenesisState"}},
		{"unknown field", extra,
			[]string{"app_state", `unknown field "balances"`, "membership"}},
		{"member id is a number", `{"membership": {"members": [{"id": 7}]}}`,
			[]string{"app_state.membership", "does not decode", "number"}},
		{"an array", `[]`, []string{"app_state", "must be a JSON object", "not []"}},
		{"a string", `"corridor"`, []string{"app_state", "must be a JSON object"}},
		{"null", `null`, []string{"no app_state", "membership"}},
		{"missing", ``, []string{"no app_state", "membership"}},
		{"no membership", `{}`, []string{"app_state", `no "membership"`}},
	} {
		err := initChain(tc.appState)
		if err == nil {
			t.Errorf("%s: app_state accepted", tc.name)
			continue
		}
		t.Logf("%s: %v", tc.name, err)
		for _, s := range tc.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %v\nwant it to say %q", tc.name, err, s)
			}
		}
	}

	if err := initChain(string(good)); err != nil {
		t.Fatalf("good genesis after the refused ones: %v", err)
	}
}

// TestTimesTheLedgerCannotHold: the ledger keeps times as nanoseconds
// since 1970 in 64 bits. A genesis time before 1970 or from 2262 on is refused by
// InitChain, and a block at such a time by FinalizeBlock, each with an
// error that names the time and genesis_time; neither panics.
func TestTimesTheLedgerCannotHold(t *testing.T) {
	for _, bad := range []time.Time{{}, time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)} {
		_, err := newApp(t, 12).InitChain(context.Background(), &abci.InitChainRequest{ChainId: chainID,
			AppStateBytes: genesisJSON(t, false, nil), InitialHeight: 1, Time: bad})
		if err == nil || !strings.Contains(err.Error(), "genesis time "+bad.UTC().Format(time.RFC3339)) || !strings.Contains(err.Error(), "genesis_time") {
			t.Errorf("genesis time %s: %v", bad, err)
		}
	}
	c := newChain(t)
	c.block()
	for _, bad := range []time.Time{{}, time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)} {
		_, err := c.app.FinalizeBlock(context.Background(), &abci.FinalizeBlockRequest{Height: c.height + 1, Time: bad})
		if err == nil || !strings.Contains(err.Error(), "block time "+bad.UTC().Format(time.RFC3339)) {
			t.Errorf("block time %s: %v", bad, err)
		}
	}
	c.block() // the app goes on at a good time
}
