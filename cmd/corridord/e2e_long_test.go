package main

import (
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/landsea/corridor/client"
	mt "github.com/landsea/corridor/x/membership/types"
)

// TestE2ELongFifteenProvinces runs the full 15-province network under load
// for CORRIDOR_E2E_MINUTES (default 10) minutes, kill -9-ing a random
// validator every round and restarting it, and checks at the end that all
// nodes agree on every block and app hash. It runs only with
// CORRIDOR_E2E_LONG=1 (make e2e-long).
func TestE2ELongFifteenProvinces(t *testing.T) {
	if os.Getenv("CORRIDOR_E2E_LONG") == "" {
		t.Skip("long run: set CORRIDOR_E2E_LONG=1 (make e2e-long)")
	}
	minutes := 10
	if m, err := strconv.Atoi(os.Getenv("CORRIDOR_E2E_MINUTES")); err == nil && m > 0 {
		minutes = m
	}
	n := startNetwork(t, 15)
	ring := client.Keyring{Dir: filepath.Join(n.dir, "keys")}
	c0 := dial(t, n.grpc(0))
	stop := make(chan struct{})
	var loaded atomic.Int64
	var wg sync.WaitGroup
	for _, p := range mt.Provinces[1:5] {
		k, err := ring.Load(p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); loadMembers(t, c0, k, stop, &loaded) }()
	}
	rng := rand.New(rand.NewSource(1))
	deadline := time.Now().Add(time.Duration(minutes) * time.Minute)
	rounds := 0
	for time.Now().Before(deadline) {
		victim := 1 + rng.Intn(14) // node0 serves the load
		n.nodes[victim].kill()
		time.Sleep(time.Duration(2+rng.Intn(8)) * time.Second)
		n.nodes[victim] = startNode(t, n.home(victim))
		waitFor(t, 3*time.Minute, "the restarted node to catch up", func() bool {
			h0, _, _ := abciInfo(n.rpc(0))
			h, _, err := abciInfo(n.rpc(victim))
			return err == nil && h >= h0-1
		})
		rounds++
	}
	close(stop)
	wg.Wait()
	top, _, _ := abciInfo(n.rpc(0))
	all := make([]int, 15)
	for i := range all {
		all[i] = i
	}
	waitFor(t, 2*time.Minute, "every node at the top", func() bool {
		for i := range all {
			if h, _, err := abciInfo(n.rpc(i)); err != nil || h < top {
				return false
			}
		}
		return true
	})
	n.checkAppHashes(t, all, 1, top)
	t.Logf("%d rounds of kill -9, %d txs committed, heights 1..%d agree on 15 nodes", rounds, loaded.Load(), top)
}
