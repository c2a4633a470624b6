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
)

// TestE2EKeyRotationCLI rotates a member's key through the command line, as
// its IT team would: add-key makes the new key in the keyring and puts it
// on the member's record, signed with the current one; revoke-key, signed
// with the new key, revokes the old one. The old key then signs nothing, a
// key the ledger refused is not left in the keyring, and a used key id is
// refused.
func TestE2EKeyRotationCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a node")
	}
	home := filepath.Join(t.TempDir(), "dev")
	if out, err := run(t, "init", "--home", home, "--chain-id", "corridor-rotate"); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	base := moveStandardPorts(t, home)
	p := startNode(t, home)
	waitFor(t, 60*time.Second, "height 2", func() bool { h, _, err := abciInfo(base + 1); return err == nil && h >= 2 })
	cli := func(args ...string) (string, error) {
		t.Helper()
		return run(t, append(args, "--node", "127.0.0.1:"+itoa(base+2), "--home", home)...)
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := cli(args...)
		if err != nil {
			t.Fatalf("corridord %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
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
	out, err := cli("tx", "membership", "add-key", "k3", "--from", "chongqing", "--key", "k1")
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
