package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	ct "github.com/landsea/corridor/x/customs/types"
	mt "github.com/landsea/corridor/x/membership/types"
)

// Config is one benchmark run.
type Config struct {
	RegisterTxs     int           // workload register: txs of one RegisterMember each
	BulkRecords     int           // workload bulk: declarations in total
	BulkBatch       int           // declarations per bulk tx
	Signers         int           // provinces signing concurrently, 1 to 15
	AppBlockTxs     int           // baseline: register txs per block
	AppBlockRecords int           // baseline: declarations per block
	TimeoutCommit   time.Duration // the node's consensus timeout_commit
	Bin             string        // corridord binary; built with go build when empty
	Keep            bool          // keep the temporary directory
}

func main() {
	var c Config
	flag.IntVar(&c.RegisterTxs, "txs", 3000, "register workload: transactions, one RegisterMember each")
	flag.IntVar(&c.BulkRecords, "records", 20000, "bulk workload: customs declarations in total (0 skips it)")
	flag.IntVar(&c.BulkBatch, "batch", 500, "bulk workload: declarations per transaction (MsgSubmitDeclarations)")
	flag.IntVar(&c.Signers, "signers", len(mt.Provinces), "provinces signing concurrently, each with its own sequence")
	flag.IntVar(&c.AppBlockTxs, "app-block-txs", 1000, "baseline: register transactions per block")
	flag.IntVar(&c.AppBlockRecords, "app-block-records", 20000, "baseline: declarations per block")
	flag.DurationVar(&c.TimeoutCommit, "timeout-commit", 500*time.Millisecond, "the node's timeout_commit (pause after each block)")
	flag.StringVar(&c.Bin, "bin", "", "corridord binary to run (default: go build ./cmd/corridord into the temp dir)")
	flag.BoolVar(&c.Keep, "keep", false, "keep the temporary directory (stores, node home and log)")
	flag.Parse()
	if err := c.validate(); err != nil {
		fmt.Fprintln(os.Stderr, "e2ebench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	results, err := Run(ctx, c)
	for _, line := range results {
		fmt.Println(line)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2ebench:", err)
		os.Exit(1)
	}
}

func (c Config) validate() error {
	switch {
	case c.RegisterTxs < 1:
		return fmt.Errorf("-txs must be at least 1, got %d", c.RegisterTxs)
	case c.BulkRecords < 0:
		return fmt.Errorf("-records must not be negative, got %d", c.BulkRecords)
	case c.BulkBatch < 1 || c.BulkBatch > ct.DeclarationsPerTxMax:
		return fmt.Errorf("-batch must be 1 to %d (the most declarations a tx may carry), got %d", ct.DeclarationsPerTxMax, c.BulkBatch)
	case c.Signers < 1 || c.Signers > len(mt.Provinces):
		return fmt.Errorf("-signers must be 1 to %d (the provinces), got %d", len(mt.Provinces), c.Signers)
	case c.AppBlockTxs < 1 || c.AppBlockRecords < 1:
		return fmt.Errorf("-app-block-txs and -app-block-records must be at least 1")
	case c.TimeoutCommit < 0:
		return fmt.Errorf("-timeout-commit must not be negative")
	}
	return nil
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

// machine describes where the figures come from.
func machine() string {
	return fmt.Sprintf("%s/%s, %d CPUs, %s, load average %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), loadAverage())
}

// loadAverage is the 1, 5 and 15-minute load average on Linux: on a shared
// machine it tells how much else was running.
func loadAverage() string {
	bz, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(bz)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
