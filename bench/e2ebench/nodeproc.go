package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/landsea/corridor/app/node"
	"github.com/landsea/corridor/client"
)

// childNode is a corridord process running a single-validator chain.
type childNode struct {
	home     string
	keysDir  string
	grpcAddr string
	promAddr string // Prometheus metrics
	cmd      *exec.Cmd
	log      *os.File
	exited   chan error
	// settings read back from the node's config.toml
	timeoutCommit time.Duration
	mempoolTxMax  int // mempool max_tx_bytes
}

// buildCorridord builds the node binary into dir with `go build` from the
// module root (the directory holding go.mod).
func buildCorridord(dir string) (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run e2ebench from inside the corridor module")
	}
	bin := filepath.Join(dir, "corridord")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/corridord")
	cmd.Dir = filepath.Dir(mod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/corridord: %w\n%s", err, out)
	}
	return bin, nil
}

// freeBasePort finds a base port with 10 free ports after it (corridord
// testnet gives node0 base (p2p), +1 (RPC), +2 (gRPC), +3 (Prometheus)).
func freeBasePort() (int, error) {
	for base := 32000 + (os.Getpid()%200)*50; base < 60000; base += 1000 {
		ok := true
		for p := base; p < base+10 && ok; p++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				continue
			}
			l.Close()
		}
		if ok {
			return base, nil
		}
	}
	return 0, fmt.Errorf("no 10 free ports on 127.0.0.1")
}

// startChildNode writes a one-validator testnet under dir with
// `corridord testnet` and starts it with `corridord start`.
func startChildNode(bin, dir, chainID string, timeoutCommit time.Duration) (*childNode, error) {
	base, err := freeBasePort()
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(bin, "testnet", "--validators", "1", "--output", dir, "--chain-id", chainID,
		"--base-port", strconv.Itoa(base), "--timeout-commit", timeoutCommit.String()).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("corridord testnet: %w\n%s", err, out)
	}
	n := &childNode{home: filepath.Join(dir, "node0"), keysDir: filepath.Join(dir, "keys"), exited: make(chan error, 1)}
	conf, ac, err := node.LoadConfig(n.home)
	if err != nil {
		return nil, err
	}
	n.grpcAddr, n.promAddr = ac.GRPCAddress, conf.Instrumentation.PrometheusListenAddr
	n.timeoutCommit, n.mempoolTxMax = conf.Consensus.TimeoutCommit, conf.Mempool.MaxTxBytes
	if n.log, err = os.Create(filepath.Join(dir, "node.log")); err != nil {
		return nil, err
	}
	n.cmd = exec.Command(bin, "start", "--home", n.home)
	n.cmd.Stdout, n.cmd.Stderr = n.log, n.log
	// Its own process group: a Ctrl-C at the terminal reaches only the
	// benchmark, which then stops the node with SIGTERM itself.
	n.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := n.cmd.Start(); err != nil {
		n.log.Close()
		return nil, fmt.Errorf("corridord start: %w", err)
	}
	go func() { n.exited <- n.cmd.Wait() }()
	return n, nil
}

// waitReady waits until the node's gRPC API reports a committed block.
func (n *childNode) waitReady(ctx context.Context, c *client.Client) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-n.exited:
			n.exited <- err
			return fmt.Errorf("corridord exited before it was ready (%v); log:\n%s", err, n.tail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if h, err := c.Height(ctx); err == nil && h >= 1 {
			return nil
		}
	}
	return fmt.Errorf("corridord not ready after 60s; log:\n%s", n.tail())
}

// stop sends SIGTERM and waits up to 30 s for a clean exit, then kills.
func (n *childNode) stop() error {
	defer n.log.Close()
	if err := n.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("SIGTERM corridord: %w", err)
	}
	select {
	case err := <-n.exited:
		if err != nil {
			return fmt.Errorf("corridord exited with %v after SIGTERM; log:\n%s", err, n.tail())
		}
		return nil
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.exited
		return fmt.Errorf("corridord did not stop within 30s of SIGTERM; killed")
	}
}

// tail is the end of the node's log, for error messages.
func (n *childNode) tail() string {
	bz, _ := os.ReadFile(n.log.Name())
	if len(bz) > 3000 {
		bz = bz[len(bz)-3000:]
	}
	return string(bz)
}

// keys loads the signers' keys from the testnet keyring.
func (n *childNode) keys(ids []string) (map[string]*client.Key, error) {
	ring := client.Keyring{Dir: n.keysDir}
	out := map[string]*client.Key{}
	for _, id := range ids {
		k, err := ring.Load(id, "k1")
		if err != nil {
			return nil, err
		}
		out[id] = k
	}
	return out, nil
}

// logSize is the node log's current length; what a workload adds to the
// log starts there.
func (n *childNode) logSize() int64 {
	fi, err := n.log.Stat()
	if err != nil {
		return 0
	}
	return fi.Size()
}

// extraRounds counts the consensus rounds beyond the first at any height
// logged since offset from. CometBFT logs "Resetting proposal info" when a
// height goes to another round: with one validator that happens only when
// its own proposal was not complete within timeout_propose.
func (n *childNode) extraRounds(from int64) int {
	bz, err := os.ReadFile(n.log.Name())
	if err != nil || int64(len(bz)) < from {
		return 0
	}
	return strings.Count(string(bz[from:]), "Resetting proposal info")
}
