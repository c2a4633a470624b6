package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(corridordBin(t), args...).CombinedOutput()
	return string(out), err
}

// TestStartErrors checks that the operator gets a clear error, not a crash,
// for a missing home, a port in use and a corrupt genesis.
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
