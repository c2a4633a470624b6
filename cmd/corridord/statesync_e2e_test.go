package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	mt "github.com/landsea/corridor/x/membership/types"
)

// setTOML replaces `key = value` lines in a config file; each key must
// appear exactly once.
func setTOML(t *testing.T, path string, kv map[string]string) {
	t.Helper()
	bz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(bz)
	for k, v := range kv {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(k) + ` = .*$`)
		if n := len(re.FindAllStringIndex(s, -1)); n != 1 {
			t.Fatalf("%s: %d lines set %s", path, n, k)
		}
		s = re.ReplaceAllLiteralString(s, k+" = "+v)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestE2EStateSync: a validator takes snapshots; a new node joins by state
// sync (it never executes the early blocks), catches up, agrees on the app
// hash and serves queries from the restored state and indexes.
func TestE2EStateSync(t *testing.T) {
	dir := t.TempDir()
	base := freeBasePort(t, 2)
	if out, err := exec.Command(corridordBin(t), "testnet", "--validators", "1", "--output", dir, "--base-port", itoa(base),
		"--timeout-commit", "300ms", "--chain-id", "corridor-sync").CombinedOutput(); err != nil {
		t.Fatalf("testnet: %v\n%s", err, out)
	}
	v := filepath.Join(dir, "node0")
	setTOML(t, filepath.Join(v, "config", "config.toml"), map[string]string{"snapshot_interval": "20"})
	startNode(t, v)
	rpc := base + 1
	waitFor(t, 90*time.Second, "two snapshots", func() bool {
		h, _, err := abciInfo(rpc)
		snaps, _ := os.ReadDir(filepath.Join(v, "data", "snapshots"))
		return err == nil && h >= 40 && len(snaps) >= 2
	})
	trustHash, _, err := header(rpc, 3)
	if err != nil {
		t.Fatal(err)
	}
	nodeID, err := exec.Command(corridordBin(t), "node-id", "--home", v).Output()
	if err != nil {
		t.Fatalf("node-id: %v", err)
	}

	full := filepath.Join(dir, "full")
	if out, err := run(t, "init", "--home", full, "--chain-id", "corridor-sync"); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	gen, _ := os.ReadFile(filepath.Join(v, "config", "genesis.json"))
	if err := os.WriteFile(filepath.Join(full, "config", "genesis.json"), gen, 0o644); err != nil {
		t.Fatal(err)
	}
	fb := moveStandardPorts(t, full)
	setTOML(t, filepath.Join(full, "config", "config.toml"), map[string]string{
		"persistent_peers": fmt.Sprintf(`"%s@127.0.0.1:%d"`, strings.TrimSpace(string(nodeID)), base),
		"enable":           "true", // [statesync] is the only section with this key
		"rpc_servers":      fmt.Sprintf(`"127.0.0.1:%d,127.0.0.1:%d"`, rpc, rpc),
		"trust_height":     "3",
		"trust_hash":       `"` + trustHash + `"`,
	})
	startNode(t, full)
	waitFor(t, 2*time.Minute, "the new node to catch up", func() bool {
		h0, _, _ := abciInfo(rpc)
		h, _, err := abciInfo(fb + 1)
		return err == nil && h >= h0-1 && h > 40
	})
	logBytes, _ := os.ReadFile(filepath.Join(full, "node.log"))
	if !strings.Contains(string(logBytes), "state restored from snapshot") {
		t.Fatalf("the new node did not restore a snapshot:\n%s", tailLog(full))
	}
	if _, _, err := header(fb+1, 2); err == nil {
		t.Fatal("the state-synced node has block 2: it replayed from genesis instead of restoring")
	}
	h, _, _ := abciInfo(fb + 1)
	_, a0, err0 := header(rpc, h)
	_, a1, err1 := header(fb+1, h)
	if err0 != nil || err1 != nil || a0 != a1 {
		t.Fatalf("height %d: app hash %s (validator) vs %s (state-synced) %v %v", h, a0, a1, err0, err1)
	}
	c := dial(t, fb+2)
	r, err := mt.NewQueryServiceClient(c.Conn()).Members(ctxTimeout(t, 10*time.Second), &mt.MembersRequest{Role: mt.Role_ROLE_PROVINCE_AUTHORITY})
	if err != nil || len(r.Members) != 15 {
		t.Fatalf("restored indexes: %v members, %v", len(r.GetMembers()), err)
	}
}
