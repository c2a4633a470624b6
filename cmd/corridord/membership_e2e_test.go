package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/landsea/corridor/client"
	mt "github.com/landsea/corridor/x/membership/types"
)

// TestE2EMembershipCLI runs membership changes through the command line.
// A province suspends a member it admitted, which then signs nothing (the
// key its refused transaction would have added is not left in its
// keyring), and reinstates it. A member rotates its key, as its IT team
// would: add-key makes the new key in the keyring and puts it on the
// member's record, signed with the current one; revoke-key, signed with
// the new key, revokes the old one, which then signs nothing; a used key
// id is refused. The provinces remove a member by a governance vote.
func TestE2EMembershipCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a node")
	}
	home, base := initDevNode(t, "corridor-members", "--demo")
	setTOML(t, filepath.Join(home, "config", "config.toml"), map[string]string{"demo_load": "false"}) // the demo members, not their data
	p := startNode(t, home)
	waitFor(t, 60*time.Second, "height 2", func() bool { h, _, err := abciInfo(base + 1); return err == nil && h >= 2 })
	cli, must := cliAt(t, "127.0.0.1:"+itoa(base+2), home)
	memberStatus := func(id string) string {
		t.Helper()
		var r struct {
			Member struct {
				Status string `json:"status"`
			} `json:"member"`
		}
		if err := json.Unmarshal([]byte(must("query", "membership", "member", id)), &r); err != nil {
			t.Fatal(err)
		}
		return r.Member.Status
	}

	if out, err := cli("tx", "membership", "suspend", "cq-electronics", "--from", "chongqing"); err == nil || !strings.Contains(out, "suspend_member.reason: say why") {
		t.Fatalf("suspend without a reason: %v\n%s", err, out)
	}
	must("tx", "membership", "suspend", "cq-electronics", "--reason", "signing key reported stolen", "--from", "chongqing")
	if s := memberStatus("cq-electronics"); s != "MEMBER_STATUS_SUSPENDED" {
		t.Fatalf("cq-electronics after suspend: %s", s)
	}
	out, err := cli("tx", "membership", "add-key", "k2", "--from", "cq-electronics")
	if err == nil || !strings.Contains(out, "is MEMBER_STATUS_SUSPENDED") || !strings.Contains(out, "removed key cq-electronics/k2") {
		t.Fatalf("a suspended member's tx: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(home, "keys", "cq-electronics.k2.json")); !os.IsNotExist(err) {
		t.Fatalf("the refused key is still in the keyring: %v", err)
	}
	must("tx", "membership", "reinstate", "cq-electronics", "--reason", "new key issued", "--from", "chongqing")
	if s := memberStatus("cq-electronics"); s != "MEMBER_STATUS_ACTIVE" {
		t.Fatalf("cq-electronics after reinstate: %s", s)
	}
	must("tx", "membership", "add-key", "k2", "--from", "cq-electronics")

	// The provinces remove a member by a vote: guangxi proposes it through
	// the command line, nine more approve (one of them through the command
	// line too), and the member signs nothing from then on; its province
	// cannot reinstate it.
	out = must("tx", "membership", "propose-removal", "th-importer", "--reason", "breach of the data-sharing agreement", "--from", "guangxi")
	id := proposalID(t, out)
	must("tx", "membership", "vote", itoa(int(id)), "yes", "--from", "chongqing")
	c := dial(t, base+2)
	ring := client.Keyring{Dir: filepath.Join(home, "keys")}
	for _, p := range mt.Provinces[2:10] {
		k, err := ring.Load(p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Submit(ctxTimeout(t, 60*time.Second), k, client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_Vote{Vote: &mt.MsgVote{ProposalId: id, Approve: true}}})); err != nil {
			t.Fatalf("%s votes: %v", p.ID, err)
		}
	}
	if s := memberStatus("th-importer"); s != "MEMBER_STATUS_REMOVED" {
		t.Fatalf("th-importer after the removal passed: %s", s)
	}
	if out, err := cli("tx", "membership", "reinstate", "th-importer", "--reason", "appeal", "--from", "guangxi"); err == nil || !strings.Contains(out, "removed by a governance proposal") {
		t.Fatalf("reinstating a removed member: %v\n%s", err, out)
	}
	if out, err := cli("tx", "membership", "add-key", "k2", "--from", "th-importer"); err == nil || !strings.Contains(out, "is MEMBER_STATUS_REMOVED") {
		t.Fatalf("a removed member's tx: %v\n%s", err, out)
	}
	if out := must("query", "membership", "proposals", "--open"); strings.Contains(out, `"id"`) {
		t.Fatalf("open proposals after the removal passed: %s", out)
	}

	ledgerKey := func(id string) (pub, status string) {
		t.Helper()
		var r struct {
			Key struct {
				PublicKey string `json:"public_key"`
				Status    string `json:"status"`
			} `json:"key"`
		}
		out := must("query", "membership", "key", "chongqing", id)
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("query membership key %s: %v\n%s", id, err, out)
		}
		return r.Key.PublicKey, r.Key.Status
	}

	must("tx", "membership", "add-key", "k2", "--from", "chongqing")
	k2, err := client.Keyring{Dir: filepath.Join(home, "keys")}.Load("chongqing", "k2")
	if err != nil {
		t.Fatalf("add-key left no key k2 in the keyring: %v", err)
	}
	if pub, status := ledgerKey("k2"); status != "KEY_STATUS_ACTIVE" || !strings.EqualFold(b64ToHex(t, pub), hex.EncodeToString(k2.PublicKey())) {
		t.Fatalf("k2 on the ledger: %s %s; in the keyring %x", status, pub, k2.PublicKey())
	}
	// With two keys in the keyring the signer must be named.
	if out, err := cli("tx", "membership", "revoke-key", "k1", "--from", "chongqing"); err == nil || !strings.Contains(out, "name one with --key") {
		t.Fatalf("revoke-key without --key: %v\n%s", err, out)
	}
	must("tx", "membership", "revoke-key", "k1", "--from", "chongqing", "--key", "k2")
	if _, status := ledgerKey("k1"); status != "KEY_STATUS_REVOKED" {
		t.Fatalf("k1 after revoke-key: %s", status)
	}

	// The revoked key signs nothing, and the key it tried to add is gone.
	out, err = cli("tx", "membership", "add-key", "k3", "--from", "chongqing", "--key", "k1")
	if err == nil || !strings.Contains(out, "revoked") || !strings.Contains(out, "removed key chongqing/k3") {
		t.Fatalf("add-key signed with the revoked k1: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(home, "keys", "chongqing.k3.json")); !os.IsNotExist(err) {
		t.Fatalf("the refused key k3 is still in the keyring: %v", err)
	}
	// A key id the member has used is refused, and the keyring's key of
	// that id is kept (add-key did not make it).
	if out, err := cli("tx", "membership", "add-key", "k1", "--from", "chongqing", "--key", "k2"); err == nil || !strings.Contains(out, `already has a key "k1"`) {
		t.Fatalf("add-key k1 again: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(home, "keys", "chongqing.k1.json")); err != nil {
		t.Fatalf("the keyring lost k1: %v", err)
	}
	p.stop(t)
}
