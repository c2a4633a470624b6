package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestE2EDiskFull: a node whose data directory fills up stops, with an
// error that says so, instead of staying up with consensus halted; started
// again on the still-full disk it refuses to run, saying why; once space is
// freed it resumes from its last committed block, with the app hash it had.
// The data directory is a 256 MiB tmpfs, so the test needs root (it skips
// otherwise).
func TestE2EDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a node")
	}
	home, base := initDevNode(t, "corridor-diskfull")
	data := filepath.Join(home, "data")
	mountSmallDisk(t, data)

	p := startNode(t, home)
	var h0 int64
	var hash0 string
	waitFor(t, 60*time.Second, "height 3", func() bool {
		var err error
		h0, hash0, err = abciInfo(base + 1)
		return err == nil && h0 >= 3
	})
	fill := filepath.Join(data, "fill")
	fillDisk(t, fill)
	code := waitExit(t, p, 60*time.Second)
	log := tailLog(home)
	if code != 1 || !strings.Contains(log, "Error: consensus stopped:") || !strings.Contains(log, "no space left on device") {
		t.Fatalf("on a full disk the node exited with %d; want 1 and the cause in its log", code)
	}

	// Still full: the node does not start, and says why.
	p = startNode(t, home)
	if code := waitExit(t, p, 60*time.Second); code != 1 || !strings.Contains(tailLog(home), "no space left on device") {
		t.Fatalf("started on a full disk the node exited with %d; want 1 and the cause in its log", code)
	}

	if err := os.Remove(fill); err != nil {
		t.Fatal(err)
	}
	p = startNode(t, home)
	waitFor(t, 60*time.Second, "the chain to go on", func() bool { h, _, err := abciInfo(base + 1); return err == nil && h > h0+1 })
	if _, app, err := header(base+1, h0+1); err != nil || !strings.EqualFold(app, b64ToHex(t, hash0)) {
		t.Fatalf("after the restart header %d carries %s (%v); before the disk filled the app hash at %d was %s", h0+1, app, err, h0, b64ToHex(t, hash0))
	}
	p.stop(t)
}

// mountSmallDisk mounts a 256 MiB tmpfs on dir, keeping dir's files, and
// unmounts it when the test ends. Without root the test is skipped.
func mountSmallDisk(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small disk (tmpfs) needs root")
	}
	saved := dir + ".saved"
	if err := os.Rename(dir, saved); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=256m"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	if out, err := exec.Command("cp", "-a", saved+"/.", dir).CombinedOutput(); err != nil {
		t.Fatalf("copy the data directory onto the tmpfs: %v\n%s", err, out)
	}
}

// fillDisk writes file until the disk holding it is full.
func fillDisk(t *testing.T, file string) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

// waitExit waits for p to exit by itself and returns its exit code.
func waitExit(t *testing.T, p *proc, timeout time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		p.log.Close()
		var exit *exec.ExitError
		if err == nil {
			return 0
		} else if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		t.Fatal(err)
	case <-time.After(timeout):
		t.Fatalf("the node was still running %s later; log:\n%s", timeout, tailLog(p.home))
	}
	return -1
}
