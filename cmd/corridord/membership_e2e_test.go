package main

import (
	"encoding/base64"
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
	// approve has provinces approve proposal id through the Go client.
	approve := func(id uint64, provinces []mt.ProvinceInfo) {
		t.Helper()
		for _, p := range provinces {
			k, err := ring.Load(p.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Submit(ctxTimeout(t, 60*time.Second), k, client.MembershipMsg(&mt.Msg{Sum: &mt.Msg_Vote{Vote: &mt.MsgVote{ProposalId: id, Approve: true}}})); err != nil {
				t.Fatalf("%s votes: %v", p.ID, err)
			}
		}
	}
	approve(id, mt.Provinces[2:10])
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

	// A customs office is admitted by the provinces together: its own
	// province alone is refused. The new office then signs.
	keys := func(args ...string) string {
		t.Helper()
		out, err := run(t, append(append([]string{"keys"}, args...), "--home", home)...)
		if err != nil {
			t.Fatalf("corridord keys %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	pubKey := func(member, key string) string {
		t.Helper()
		f := strings.Split(strings.TrimSpace(keys("show", member, key)), "\t")
		if len(f) != 4 || len(f[3]) != 64 {
			t.Fatalf("keys show %s %s: %q", member, key, f)
		}
		return f[3]
	}
	keys("add", "cq-customs-2")
	pub, err := hex.DecodeString(pubKey("cq-customs-2", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	office := filepath.Join(t.TempDir(), "office.json")
	if err := os.WriteFile(office, []byte(`{"id":"cq-customs-2","name":"Chongqing Customs, Guoyuan Port Office","roles":["ROLE_CUSTOMS_OFFICE"],`+
		`"province":"chongqing","country":"CN","jurisdiction":"CN-chongqing","keys":[{"id":"k1","scheme":"KEY_SCHEME_ED25519","public_key":"`+
		base64.StdEncoding.EncodeToString(pub)+`"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := cli("tx", "membership", "register-member", office, "--from", "chongqing"); err == nil || !strings.Contains(out, "propose-admission") {
		t.Fatalf("a province registering a customs office alone: %v\n%s", err, out)
	}
	id = proposalID(t, must("tx", "membership", "propose-admission", office, "--reason", "Guoyuan port opens a customs office", "--from", "chongqing"))
	approve(id, mt.Provinces[1:9])
	if out, err := cli("tx", "membership", "add-key", "k2", "--from", "cq-customs-2"); err == nil || !strings.Contains(out, "not registered") ||
		!strings.Contains(out, "removed key cq-customs-2/k2 from the keyring: the transaction was not sent") {
		t.Fatalf("the office signed before the tenth approval: %v\n%s", err, out)
	}
	approve(id, mt.Provinces[9:10])
	if s := memberStatus("cq-customs-2"); s != "MEMBER_STATUS_ACTIVE" {
		t.Fatalf("cq-customs-2 after the admission passed: %s", s)
	}
	must("tx", "membership", "add-key", "k2", "--from", "cq-customs-2")

	// cq-electronics lost both its keys: the provinces give it a new one,
	// which its IT team made, and the old ones sign nothing from then on.
	keys("add", "cq-electronics", "k7")
	id = proposalID(t, must("tx", "membership", "propose-key-replacement", "cq-electronics", "k7", pubKey("cq-electronics", "k7"),
		"--reason", "both keys were on a stolen laptop", "--from", "guangxi"))
	approve(id, append([]mt.ProvinceInfo{mt.Provinces[0]}, mt.Provinces[2:10]...))
	if out, err := cli("tx", "membership", "add-key", "k8", "--from", "cq-electronics", "--key", "k2"); err == nil || !strings.Contains(out, "revoked") {
		t.Fatalf("a replaced key signed: %v\n%s", err, out)
	}
	must("tx", "membership", "add-key", "k8", "--from", "cq-electronics", "--key", "k7")

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
