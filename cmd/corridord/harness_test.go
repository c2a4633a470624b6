package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/landsea/corridor/client"
)

// The tests in this package run real corridord processes on 127.0.0.1.

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// TestMain removes the binary corridordBin built once the tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// raceEnv, when set, has corridordBin build corridord with the race
// detector (make test-race); each node's reports land in its node.log,
// where startNode's cleanup looks for them.
const raceEnv = "CORRIDORD_TEST_RACE"

// corridordBin builds the binary once per test run.
func corridordBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "corridord-bin")
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		binPath = filepath.Join(dir, "corridord")
		args := []string{"build", "-o", binPath}
		if os.Getenv(raceEnv) != "" {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// freeBasePort finds a base port with 10 free ports per node.
func freeBasePort(t *testing.T, nodes int) int {
	t.Helper()
	for base := 31000 + (os.Getpid()%200)*50; base < 60000; base += 1000 {
		ok := true
		for p := base; p < base+10*nodes && ok; p++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				continue
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free ports")
	return 0
}

// proc is one running corridord.
type proc struct {
	home string
	cmd  *exec.Cmd
	log  *os.File
}

func startNode(t *testing.T, home string) *proc {
	t.Helper()
	logPath := filepath.Join(home, "node.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	from, err := logf.Seek(0, io.SeekEnd)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(corridordBin(t), "start", "--home", home)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{home: home, cmd: cmd, log: logf}
	if os.Getenv(raceEnv) != "" {
		// Runs last, once the process is gone: a race-built node writes a
		// report for each data race it meets to its log.
		t.Cleanup(func() {
			if report := raceReport(logPath, from); report != "" {
				t.Errorf("%s: corridord met a data race:\n%s", home, report)
			}
		})
	}
	t.Cleanup(func() { p.kill() })
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last lines of %s/node.log:\n%s", home, tailLog(home))
		}
	})
	return p
}

// kill sends SIGKILL (kill -9) and reaps the process.
func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_ = p.cmd.Wait()
	}
	p.log.Close()
}

// stop sends SIGTERM and waits for a clean exit.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("node exited with %v; log %s", err, tailLog(p.home))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("node did not stop within 30s of SIGTERM")
	}
	p.log.Close()
}

// raceReport is the first data race report in the log file from offset
// from on (the race detector's "WARNING: DATA RACE" block, up to its closing
// line of '='), or "" when there is none.
func raceReport(file string, from int64) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	bz, err := io.ReadAll(io.NewSectionReader(f, from, math.MaxInt64-from))
	if err != nil {
		return ""
	}
	log := string(bz)
	i := strings.Index(log, "WARNING: DATA RACE")
	if i < 0 {
		return ""
	}
	report := log[i:]
	if end := strings.Index(report, "\n=================="); end >= 0 {
		report = report[:end]
	}
	return report
}

func tailLog(home string) string {
	bz, _ := os.ReadFile(filepath.Join(home, "node.log"))
	if len(bz) > 3000 {
		bz = bz[len(bz)-3000:]
	}
	return string(bz)
}

// rpcJSON GETs a CometBFT RPC path and decodes "result" into out.
func rpcJSON(port int, path string, out any) error {
	c := http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/%s", port, path))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	bz, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(bz, &env); err != nil {
		return err
	}
	if len(env.Error) > 0 && string(env.Error) != "null" {
		return fmt.Errorf("rpc %s: %s", path, env.Error)
	}
	return json.Unmarshal(env.Result, out)
}

// abciInfo returns a node's last committed height and app hash (base64).
func abciInfo(port int) (int64, string, error) {
	var r struct {
		Response struct {
			Height  string `json:"last_block_height"`
			AppHash string `json:"last_block_app_hash"`
		} `json:"response"`
	}
	if err := rpcJSON(port, "abci_info", &r); err != nil {
		return 0, "", err
	}
	h, _ := strconv.ParseInt(r.Response.Height, 10, 64)
	return h, r.Response.AppHash, nil
}

// header returns the block hash and app hash (hex) of block h.
func header(port int, h int64) (string, string, error) {
	var r struct {
		BlockID struct {
			Hash string `json:"hash"`
		} `json:"block_id"`
		Block struct {
			Header struct {
				AppHash string `json:"app_hash"`
			} `json:"header"`
		} `json:"block"`
	}
	err := rpcJSON(port, fmt.Sprintf("block?height=%d", h), &r)
	return r.BlockID.Hash, r.Block.Header.AppHash, err
}

// waitFor polls cond until it is true or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", timeout, what)
}

func dial(t *testing.T, port int) *client.Client {
	t.Helper()
	c, err := client.Dial("127.0.0.1:"+strconv.Itoa(port), client.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// TestRaceReport checks how the harness finds a race-built node's reports:
// only in the log written since the node started, the whole report, and
// nothing in a clean log.
func TestRaceReport(t *testing.T) {
	race := func(addr string) string {
		return "==================\nWARNING: DATA RACE\nWrite at " + addr + " by goroutine 7:\n  main.f()\n" +
			"Previous read at " + addr + " by goroutine 6:\n  main.g()\n==================\n"
	}
	earlier := "I[2026-11-30|10:00:00.000] started\n" + race("0x00c000012345")
	file := filepath.Join(t.TempDir(), "node.log")
	if err := os.WriteFile(file, []byte(earlier+"I[2026-11-30|10:00:01.000] restarted\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := raceReport(file, int64(len(earlier))); got != "" {
		t.Fatalf("a clean run since the offset: %q", got)
	}
	if got := raceReport(file, 0); !strings.Contains(got, "0x00c000012345 by goroutine 7") || strings.Contains(got, "restarted") {
		t.Fatalf("the earlier report, from offset 0: %q", got)
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(race("0x00c0000abcde") + "I[2026-11-30|10:00:02.000] stopping\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got := raceReport(file, int64(len(earlier)))
	if !strings.HasPrefix(got, "WARNING: DATA RACE\nWrite at 0x00c0000abcde") || !strings.HasSuffix(got, "main.g()") {
		t.Fatalf("the later report: %q", got)
	}
	if raceReport(filepath.Join(t.TempDir(), "none.log"), 0) != "" {
		t.Fatal("a missing log has no report")
	}
}
