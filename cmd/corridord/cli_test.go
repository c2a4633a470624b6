package main

import (
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(corridordBin(t), args...).CombinedOutput()
	return string(out), err
}

// cliAt returns run with --node node and --home home added (cli), and the
// same that fails the test when the command fails (must).
func cliAt(t *testing.T, node, home string) (cli func(args ...string) (string, error), must func(args ...string) string) {
	cli = func(args ...string) (string, error) {
		t.Helper()
		return run(t, append(args, "--node", node, "--home", home)...)
	}
	must = func(args ...string) string {
		t.Helper()
		out, err := cli(args...)
		if err != nil {
			t.Fatalf("corridord %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	return cli, must
}

// TestStartErrors checks that the operator gets a clear error, not a crash,
// for a missing home, a port in use, a corrupt genesis, a genesis whose
// app_state is not the corridor genesis, and a missing or corrupt key file.
func TestStartErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nowhere")
	out, err := run(t, "start", "--home", missing)
	if err == nil || !strings.Contains(out, "corridord init") {
		t.Fatalf("missing home: %v\n%s", err, out)
	}

	base := freeBasePort(t, 1)
	dir := t.TempDir()
	if out, err := run(t, "testnet", "--validators", "1", "--output", dir, "--base-port", itoa(base)); err != nil {
		t.Fatalf("testnet: %v\n%s", err, out)
	}
	home := filepath.Join(dir, "node0")
	startBroken(t, home)
	l, err := net.Listen("tcp", "127.0.0.1:"+itoa(base+2)) // the gRPC port
	if err != nil {
		t.Fatal(err)
	}
	out, err = run(t, "start", "--home", home)
	l.Close()
	if err == nil || !strings.Contains(out, "address already in use") || !strings.Contains(out, "gRPC address") {
		t.Fatalf("port in use: %v\n%s", err, out)
	}

	gen := filepath.Join(home, "config", "genesis.json")
	if err := os.WriteFile(gen, []byte(`{"chain_id": "x", "validators": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = run(t, "start", "--home", home)
	if err == nil || !strings.Contains(out, "genesis") || !strings.Contains(out, "not valid") {
		t.Fatalf("corrupt genesis: %v\n%s", err, out)
	}
}

// startBroken starts copies of the node in home, each with one file of its
// home changed or removed, and checks that start fails with exit status 1
// (not a panic) and a message that names the file and what is wrong.
func startBroken(t *testing.T, home string) {
	t.Helper()
	gen, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	withAppState := func(appState string) string {
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(gen, &doc); err != nil {
			t.Fatal(err)
		}
		doc["app_state"] = json.RawMessage(appState)
		bz, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return string(bz)
	}
	const removed = "\x00removed"
	pvKey, nodeKey, pvState := "config/priv_validator_key.json", "config/node_key.json", "data/priv_validator_state.json"
	for _, tc := range []struct {
		name, file, content string
		says                []string
	}{
		{"membership not an object", "config/genesis.json", withAppState(`{"membership": 5}`),
			[]string{"genesis app_state.membership does not decode", "corridor.membership.v1.GenesisState"}},
		{"unknown app_state field", "config/genesis.json", withAppState(`{"membership": {"members": []}, "balances": {}}`),
			[]string{"genesis app_state", `unknown field "balances"`}},
		{"validator key missing", pvKey, removed, []string{"validator key file", pvKey, "is missing"}},
		{"validator key not JSON", pvKey, `{"priv_key": `, []string{"validator key file", pvKey, "is not valid"}},
		{"validator key without a key", pvKey, `{}`, []string{"validator key file", pvKey, "holds no priv_key"}},
		{"node key missing", nodeKey, removed, []string{"node key file", nodeKey, "is missing"}},
		{"node key not JSON", nodeKey, `{"priv_key": `, []string{"node key file", nodeKey, "is not valid"}},
		{"node key without a key", nodeKey, `{}`, []string{"node key file", nodeKey, "holds no priv_key"}},
		{"node key too short", nodeKey, `{"priv_key": {"type": "tendermint/PrivKeyEd25519", "value": "AAAA"}}`,
			[]string{"node key file", nodeKey, "not a usable key"}},
		{"validator state not JSON", pvState, `x`, []string{"validator state file", pvState, "is not valid"}},
	} {
		h := filepath.Join(t.TempDir(), "node")
		if err := os.CopyFS(h, os.DirFS(home)); err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(h, filepath.FromSlash(tc.file))
		if tc.content == removed {
			err = os.Remove(f)
		} else {
			err = os.WriteFile(f, []byte(tc.content), 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
		out, err := run(t, "start", "--home", h)
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || strings.Contains(out, "panic") {
			t.Errorf("%s: want exit status 1, got %v\n%s", tc.name, err, out)
			continue
		}
		for _, s := range tc.says {
			if !strings.Contains(out, filepath.FromSlash(s)) {
				t.Errorf("%s: %s\nwant it to say %q", tc.name, out, s)
			}
		}
	}
}

// TestTestnetLayout checks the 15-province network layout: names in genesis
// order, distinct ports, persistent peers.
func TestTestnetLayout(t *testing.T) {
	dir := t.TempDir()
	if out, err := run(t, "testnet", "--validators", "15", "--output", dir, "--base-port", "40000"); err != nil {
		t.Fatalf("testnet: %v\n%s", err, out)
	}
	bz, err := os.ReadFile(filepath.Join(dir, "node0", "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	provinces := []string{"chongqing", "guangxi", "guizhou", "gansu", "qinghai", "xinjiang", "yunnan", "ningxia",
		"shaanxi", "sichuan", "innermongolia", "tibet", "hainan", "zhanjiang", "huaihua"}
	last := 0
	for _, p := range provinces {
		i := strings.Index(string(bz), `"name": "`+p+`"`)
		if i < last {
			t.Fatalf("validator %s missing or out of order in genesis", p)
		}
		last = i
	}
	ports := map[string]bool{}
	for i := range provinces {
		conf, err := os.ReadFile(filepath.Join(dir, "node"+itoa(i), "config", "config.toml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(conf), "\n") {
			if strings.HasPrefix(line, "laddr = ") || strings.HasPrefix(line, "grpc_address") || strings.HasPrefix(line, "prometheus_listen_addr") {
				v := strings.TrimSpace(line[strings.Index(line, "=")+1:])
				if v == `""` {
					continue
				}
				if ports[v] {
					t.Fatalf("port %s used twice", v)
				}
				ports[v] = true
			}
			if strings.HasPrefix(line, "persistent_peers = ") && strings.Count(line, "@127.0.0.1:") != 14 {
				t.Fatalf("node%d persistent peers: %s", i, line)
			}
		}
	}
	if out, err := run(t, "testnet", "--validators", "16", "--output", t.TempDir()); err == nil || !strings.Contains(out, "1 to 15") {
		t.Fatalf("16 validators accepted: %s", out)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestRestartResumes is what a second `make run` does: a node stopped with
// SIGTERM and started again resumes the same chain.
func TestRestartResumes(t *testing.T) {
	home, base := initDevNode(t, "corridor-resume")
	p := startNode(t, home)
	waitFor(t, 60*time.Second, "height 3", func() bool { h, _, err := abciInfo(base + 1); return err == nil && h >= 3 })
	p.stop(t)
	h1, hash1, err := lastCommitted(t, home, base)
	if err != nil {
		t.Fatal(err)
	}
	p = startNode(t, home)
	waitFor(t, 60*time.Second, "the chain to go on", func() bool { h, _, err := abciInfo(base + 1); return err == nil && h > h1+1 })
	_, app, err := header(base+1, h1+1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.EqualFold(app, b64ToHex(t, hash1)) {
		t.Fatalf("after restart header %d carries %s, before the stop the app hash was %s", h1+1, app, b64ToHex(t, hash1))
	}
	p.stop(t)
}

// lastCommitted starts the node briefly, reads the committed height and app
// hash it reports, and stops it again (a third start of the same chain).
func lastCommitted(t *testing.T, home string, base int) (int64, string, error) {
	t.Helper()
	p := startNode(t, home)
	var h int64
	var hash string
	waitFor(t, 30*time.Second, "RPC", func() bool {
		var err error
		h, hash, err = abciInfo(base + 1)
		return err == nil
	})
	p.stop(t)
	return h, hash, nil
}

// TestCLIRefusesBadFlags: a member's command with a bad flag or a key not in
// its keyring is refused before anything is signed or sent, with a message
// that names what was wrong. Nothing listens at --node, so a message about
// the connection means the command went on to reach the node. A list query
// with a bad --from or --to time, a range that ends before it starts, no
// filter, or a status or role that does not exist, and
// a signed read with a bad --purpose are refused in the same way (the
// purpose before the --from key is looked for).
func TestCLIRefusesBadFlags(t *testing.T) {
	home := t.TempDir()
	for _, tc := range []struct {
		args []string
		says []string
	}{
		{[]string{"tx", "customs", "decide", "cq-electronics/CQE-2026-0001", "TH-IMPORT", "--decision", "maybe", "--from", "th-customs"},
			[]string{`--decision "maybe"`, "accept, inspect, release or reject"}},
		{[]string{"tx", "bill", "pledge", "LSM-CQ-2026-000001", "cq-bank", "--amount", "2,680,000.00", "--expires", "2027-06-30", "--from", "cq-electronics"},
			[]string{"--amount", `"2,680,000.00"`, "at most 2 decimals for CNY"}},
		{[]string{"tx", "bill", "pledge", "LSM-CQ-2026-000001", "cq-bank", "--amount", "100", "--expires", "next year", "--from", "cq-electronics"},
			[]string{`--expires "next year"`, "YYYY-MM-DD"}},
		{[]string{"tx", "access", "grant", "guizhou", "--type", "bill", "--record", "LSM-CQ-2026-000001", "--purpose", "audit", "--expires", "soon", "--from", "chongqing"},
			[]string{`--expires "soon"`, "RFC 3339"}},
		{[]string{"query", "store", "key", "not-hex"},
			[]string{`key "not-hex" is not hex`}},
		{[]string{"tx", "customs", "decide", "cq-electronics/CQE-2026-0001", "TH-IMPORT", "--decision", "release", "--version", "1"},
			[]string{"--from is required"}},
		{[]string{"tx", "customs", "decide", "cq-electronics/CQE-2026-0001", "TH-IMPORT", "--decision", "release", "--version", "1", "--from", "th-customs"},
			[]string{`no key of member "th-customs"`, filepath.Join(home, "keys")}},
		{[]string{"query", "access", "events", "--reader", "guizhou", "--from", "yesterday"},
			[]string{`--from "yesterday"`, "RFC 3339"}},
		{[]string{"query", "access", "events", "--to", "2026-11-31T00:00:00Z"},
			[]string{`--to "2026-11-31T00:00:00Z"`, "RFC 3339"}},
		{[]string{"query", "access", "events", "--from", "2026-12-01T00:00:00Z", "--to", "2026-11-01T00:00:00Z"},
			[]string{"--to 2026-11-01T00:00:00Z is not after --from 2026-12-01T00:00:00Z"}},
		{[]string{"query", "customs", "list", "--jurisdiction", "TH", "--from", "2026-11-29"},
			[]string{`--from "2026-11-29"`, "RFC 3339"}},
		{[]string{"query", "customs", "list", "--jurisdiction", "TH", "--from", "2026-11-29T08:00:00Z", "--to", "2026-11-29T08:00:00Z"},
			[]string{"--to 2026-11-29T08:00:00Z is not after --from 2026-11-29T08:00:00Z"}},
		{[]string{"query", "customs", "list", "--declarant", "cq-electronics", "--to", "tomorrow"},
			[]string{`--to "tomorrow"`, "RFC 3339"}},
		{[]string{"query", "customs", "list", "--declarant", "cq-electronics", "--from", "2026-11-29T08:00:00Z"},
			[]string{"--from and --to apply to --jurisdiction alone"}},
		{[]string{"query", "customs", "list", "--status", "released", "--jurisdiction", "TH", "--to", "2026-11-29T08:00:00Z"},
			[]string{"--from and --to apply to --jurisdiction alone"}},
		{[]string{"tx", "membership", "revoke-key", "k1", "--effective-height", "-3", "--from", "chongqing"},
			[]string{"revoke_key.effective_height: must not be negative"}},
		{[]string{"tx", "membership", "suspend", "cq-bank", "--from", "chongqing"},
			[]string{"suspend_member.reason: say why in 1 to 256 bytes, got 0"}},
		{[]string{"query", "customs", "list"},
			[]string{"give --declarant, --status, --jurisdiction or --transport-document"}},
		{[]string{"query", "bill", "list"},
			[]string{"say which bills: --holder, --issuer, --pledgee or --status"}},
		{[]string{"query", "bill", "list", "--holder", "cq-electronics", "--status", "LOST"},
			[]string{`--status "LOST" is not a bill status`}},
		{[]string{"query", "membership", "list", "--role", "BANKER"},
			[]string{`--role "BANKER" is not a role`}},
		{[]string{"query", "access", "read", "bill", "LSM-CQ-2026-000001", "--purpose", "fun", "--from", "th-customs"},
			[]string{`--purpose "fun"`, "customs-control, trade-finance"}},
		{[]string{"query", "bill", "export-dcsa", "LSM-CQ-2026-000001", "--purpose", "fun", "--from", "th-customs"},
			[]string{`--purpose "fun"`, "customs-control, trade-finance"}},
	} {
		out, err := run(t, append(tc.args, "--home", home, "--node", "127.0.0.1:1")...)
		if err == nil {
			t.Errorf("corridord %s: accepted\n%s", strings.Join(tc.args, " "), out)
			continue
		}
		for _, s := range tc.says {
			if !strings.Contains(out, s) {
				t.Errorf("corridord %s: %s\nwant it to say %q", strings.Join(tc.args, " "), out, s)
			}
		}
		if strings.Contains(out, "127.0.0.1:1") || strings.Contains(out, "rpc error") {
			t.Errorf("corridord %s: went on to reach the node\n%s", strings.Join(tc.args, " "), out)
		}
	}
}
