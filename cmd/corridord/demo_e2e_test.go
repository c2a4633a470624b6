package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/landsea/corridor/store"
	bt "github.com/landsea/corridor/x/bill/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

// TestE2EDemoNode is `make run` seen by a user: a development chain with
// demo data starts, loads its declarations and bill through the gRPC API,
// and the CLI queries their public records (with proofs), is refused the
// protected content by the store service, reads it with signed reads (with
// proofs), refuses a wrong-role decision, exports the bill in DCSA form and
// writes a proof bundle that verifies offline.
func TestE2EDemoNode(t *testing.T) {
	home, base := initDevNode(t, "corridor-demo", "--demo")
	node := "127.0.0.1:" + itoa(base+2)
	p := startNode(t, home)
	waitFor(t, 3*time.Minute, "the demo data to load", func() bool {
		bz, _ := os.ReadFile(filepath.Join(home, "node.log"))
		if strings.Contains(string(bz), "demo: step") { // the loader's error line
			t.Fatalf("demo failed:\n%s", tailLog(home))
		}
		return strings.Contains(string(bz), "transactions loaded")
	})
	cli := func(args ...string) string {
		t.Helper()
		out, err := run(t, append(args, "--home", home, "--node", node)...)
		if err != nil {
			t.Fatalf("corridord %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	if prop := cli("query", "membership", "proposal", "1", "--prove"); !strings.Contains(prop, "PROPOSAL_STATUS_PASSED") || !strings.Contains(prop, "cq-guoyuan-customs") {
		t.Fatalf("the demo's admission proposal:\n%s", prop)
	}
	if office := cli("query", "membership", "member", "cq-guoyuan-customs"); !strings.Contains(office, "MEMBER_STATUS_ACTIVE") {
		t.Fatalf("the office the demo admits:\n%s", office)
	}
	list := cli("query", "customs", "list", "--declarant", "cq-electronics")
	if !strings.Contains(list, "cq-electronics") {
		t.Fatalf("no demo declarations of cq-electronics:\n%s", list)
	}
	bill := cli("query", "bill", "bill", "LSM-CQ-2026-000001", "--prove")
	if !strings.Contains(bill, "LSM-CQ-2026-000001") || !strings.Contains(bill, "cq-bank") || strings.Contains(bill, `"goods"`) || !strings.Contains(bill, "ReadService") {
		t.Fatalf("demo bill, public record:\n%s", bill)
	}
	decl := cli("query", "customs", "declaration", "cq-electronics/CQE-2026-0001", "--prove")
	if !strings.Contains(decl, "RELEASED") || strings.Contains(decl, `"consignee"`) || !strings.Contains(decl, "ReadService") {
		t.Fatalf("demo declaration, public record:\n%s", decl)
	}
	out, err := run(t, "query", "store", "key", hex.EncodeToString(bt.ContentKey("LSM-CQ-2026-000001")), "--home", home, "--node", node)
	if err == nil || !strings.Contains(out, "PermissionDenied") || !strings.Contains(out, "ReadService") {
		t.Fatalf("store read of the bill's content: %v\n%s", err, out)
	}
	full := cli("query", "access", "read", "bill", "LSM-CQ-2026-000001", "--from", "cq-bank", "--purpose", "trade-finance", "--prove")
	if !strings.Contains(full, `"goods"`) || !strings.Contains(full, "proofs verify") || !strings.Contains(full, "basis ACCESS_BASIS_") {
		t.Fatalf("signed read of the demo bill:\n%s", full)
	}
	full = cli("query", "access", "read", "customs.declaration", "cq-electronics/CQE-2026-0001", "--from", "cq-electronics", "--purpose", "customs-control", "--prove")
	if !strings.Contains(full, `"consignee"`) || !strings.Contains(full, "proofs verify") {
		t.Fatalf("signed read of the demo declaration by its declarant:\n%s", full)
	}
	dcsa := cli("query", "bill", "export-dcsa", "LSM-CQ-2026-000001", "--from", "landsea-mto", "--purpose", "logistics")
	var doc map[string]any
	if err := json.Unmarshal([]byte(dcsa[strings.Index(dcsa, "{"):]), &doc); err != nil || doc["transportDocumentReference"] != "LSM-CQ-2026-000001" {
		t.Fatalf("DCSA export: %v\n%s", err, dcsa)
	}
	// An enterprise may not decide on a declaration: the ledger refuses the
	// signed tx for the role, and the CLI says so.
	out, err = run(t, "tx", "customs", "decide", "cq-electronics/CQE-2026-0001", "CN-EXPORT", "--decision", "release", "--from", "cq-electronics", "--home", home, "--node", node)
	if err == nil || !strings.Contains(out, "refused") || !strings.Contains(out, `member "cq-electronics" holds`) || !strings.Contains(out, "ROLE_CUSTOMS_OFFICE") {
		t.Fatalf("an enterprise's decision on its declaration: %v\n%s", err, out)
	}
	// The node's province (its moniker, chongqing) rotates the key that
	// signs the node's access events, on the node itself: the keyring then
	// holds the old key and the new one. Once the old one is revoked the
	// node signs its events with the new one, and does so after a restart.
	readRecorded := func(when string) {
		t.Helper()
		out := cli("query", "access", "read", "bill", "LSM-CQ-2026-000001", "--from", "cq-bank", "--purpose", "trade-finance")
		i := strings.Index(out, "access event ")
		if i < 0 || len(out) < i+len("access event ")+64 {
			t.Fatalf("read %s: %s", when, out)
		}
		ev := out[i+len("access event "):][:64]
		waitFor(t, 30*time.Second, "the event of the read "+when+" on the ledger", func() bool {
			out, err := run(t, "query", "access", "event", ev, "--node", node)
			return err == nil && strings.Contains(out, "cq-bank")
		})
	}
	readRecorded("before the rotation")
	cli("tx", "membership", "add-key", "k2", "--from", "chongqing")
	cli("tx", "membership", "revoke-key", "k1", "--from", "chongqing", "--key", "k2")
	readRecorded("after the rotation")
	p.stop(t)
	p = startNode(t, home)
	waitFor(t, 60*time.Second, "the restarted node's gRPC", func() bool {
		_, err := run(t, "query", "membership", "member", "chongqing", "--node", node)
		return err == nil
	})
	readRecorded("after a restart")

	// A proof bundle for a member record verifies offline, after the node stops.
	bundle := filepath.Join(t.TempDir(), "cq-bank.bundle")
	cli("query", "bundle", "--key", hex.EncodeToString(mt.MemberKey("cq-bank")), "--bundle", bundle, "--rpc", "127.0.0.1:"+itoa(base+1))
	p.stop(t)
	if out, err := run(t, "check-indexes", "--home", home); err != nil || !strings.Contains(out, "every index matches the state") || !strings.Contains(out, "access ") {
		t.Fatalf("check-indexes: %v\n%s", err, out)
	}
	// The bill listings are lost (as a disk fault or a faulty upgrade could
	// lose them): the check names the module, and --repair rewrites them.
	st, err := store.Open(filepath.Join(home, "data", "corridor.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	billStart, billEnd := bt.IndexRange()
	if err := st.ReplaceAux(billStart, billEnd, func(func(k, v []byte) error) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "check-indexes", "--home", home); err == nil || !strings.Contains(out, "indexes of [bill] differ") || !strings.Contains(out, "--repair") {
		t.Fatalf("check-indexes of a damaged index: %v\n%s", err, out)
	}
	if out, err := run(t, "check-indexes", "--repair", "--home", home); err != nil || !strings.Contains(out, "rewriting the indexes") || !strings.HasSuffix(strings.TrimSpace(out), "every index matches the state") {
		t.Fatalf("check-indexes --repair: %v\n%s", err, out)
	}
	out, err = run(t, "verify", bundle, "--genesis", filepath.Join(home, "config", "genesis.json"))
	if err != nil {
		t.Fatalf("verify: %v\n%s", err, out)
	}
}

// initDevNode makes a one-validator development chain (corridord init,
// with extra flags such as --demo) in a new home, on free ports, and
// returns the home and the base port (see moveStandardPorts).
func initDevNode(t *testing.T, chainID string, flags ...string) (string, int) {
	t.Helper()
	home := filepath.Join(t.TempDir(), "dev")
	if out, err := run(t, append([]string{"init", "--home", home, "--chain-id", chainID}, flags...)...); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	return home, moveStandardPorts(t, home)
}

// moveStandardPorts rewrites a single node's standard ports (26656, 26657,
// 9090, 26660) to free ones and returns the new base: p2p base, RPC base+1,
// gRPC base+2, Prometheus base+3.
func moveStandardPorts(t *testing.T, home string) int {
	t.Helper()
	base := freeBasePort(t, 1)
	confPath := filepath.Join(home, "config", "config.toml")
	conf, err := os.ReadFile(confPath)
	if err != nil {
		t.Fatal(err)
	}
	s := string(conf)
	for old, nw := range map[string]int{"26656": base, "26657": base + 1, "9090": base + 2, "26660": base + 3} {
		s = strings.ReplaceAll(s, "127.0.0.1:"+old, "127.0.0.1:"+itoa(nw))
	}
	if err := os.WriteFile(confPath, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return base
}
