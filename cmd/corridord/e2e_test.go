package main

import (
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/landsea/corridor/app/genesis"
	"github.com/landsea/corridor/client"
	mt "github.com/landsea/corridor/x/membership/types"
)

type network struct {
	dir   string
	base  int
	nodes []*proc
}

func (n *network) home(i int) string { return filepath.Join(n.dir, fmt.Sprintf("node%d", i)) }
func (n *network) rpc(i int) int     { return n.base + 10*i + 1 }
func (n *network) grpc(i int) int    { return n.base + 10*i + 2 }

func startNetwork(t *testing.T, validators int) *network {
	t.Helper()
	n := &network{dir: t.TempDir(), base: freeBasePort(t, validators)}
	out, err := exec.Command(corridordBin(t), "testnet", "--validators", fmt.Sprint(validators), "--output", n.dir,
		"--base-port", fmt.Sprint(n.base), "--timeout-commit", "300ms", "--chain-id", "corridor-e2e").CombinedOutput()
	if err != nil {
		t.Fatalf("testnet: %v\n%s", err, out)
	}
	for i := 0; i < validators; i++ {
		n.nodes = append(n.nodes, startNode(t, n.home(i)))
	}
	waitFor(t, 90*time.Second, "every node to commit height 2", func() bool {
		for i := range n.nodes {
			if h, _, err := abciInfo(n.rpc(i)); err != nil || h < 2 {
				return false
			}
		}
		return true
	})
	return n
}

// checkAppHashes checks, for each node, that the app hash it reports for its
// last height equals the AppHash in the next block's header, and that all
// nodes hold the same blocks.
func (n *network) checkAppHashes(t *testing.T, nodes []int, from, to int64) {
	t.Helper()
	for h := from; h <= to; h++ {
		var blockHash, appHash string
		for _, i := range nodes {
			bh, ah, err := header(n.rpc(i), h)
			if err != nil {
				t.Fatalf("node%d block %d: %v", i, h, err)
			}
			if blockHash == "" {
				blockHash, appHash = bh, ah
			} else if bh != blockHash || ah != appHash {
				t.Fatalf("height %d: node%d has block %s app hash %s; node%d has %s %s", h, i, bh, ah, nodes[0], blockHash, appHash)
			}
		}
	}
}

// lastHashMatchesNextHeader samples abci_info on a node and checks it
// against the next block's header once that block exists.
func (n *network) lastHashMatchesNextHeader(t *testing.T, i int) {
	t.Helper()
	h, appHashB64, err := abciInfo(n.rpc(i))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, fmt.Sprintf("block %d on node%d", h+1, i), func() bool {
		_, _, err := header(n.rpc(i), h+1)
		return err == nil
	})
	_, next, _ := header(n.rpc(i), h+1)
	if got := b64ToHex(t, appHashB64); !strings.EqualFold(got, next) {
		t.Fatalf("node%d: app hash after height %d is %s, but header %d carries %s", i, h, got, h+1, next)
	}
}

func TestE2EFourValidators(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four corridord processes")
	}
	n := startNetwork(t, 4)
	ring := client.Keyring{Dir: filepath.Join(n.dir, "keys")}

	// A tx sent to node0 is queryable on every node.
	key, err := ring.Load("chongqing", "")
	if err != nil {
		t.Fatal(err)
	}
	c0 := dial(t, n.grpc(0))
	newKey := seedTestKey("cq-e2e-enterprise")
	m := &mt.Member{Id: "cq-e2e-enterprise", Name: "E2E Trading Co., Ltd.", Roles: []mt.Role{mt.Role_ROLE_ENTERPRISE},
		Province: "chongqing", Country: "CN", CreditCode: genesis.MustCreditCode("91500000MA5UE2E01"), Keys: []*mt.Key{newKey.LedgerKey()}}
	res, err := c0.Submit(ctxTimeout(t, 60*time.Second), key, client.RegisterMember(m))
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	for i := range n.nodes {
		ci := dial(t, n.grpc(i))
		waitFor(t, 30*time.Second, fmt.Sprintf("node%d to reach height %d", i, res.Height), func() bool {
			h, err := ci.Height(ctxTimeout(t, 5*time.Second))
			return err == nil && h >= res.Height
		})
		r, err := mt.NewQueryServiceClient(ci.Conn()).Member(ctxTimeout(t, 5*time.Second), &mt.MemberRequest{Id: m.Id})
		if err != nil || r.Member.Name != m.Name {
			t.Fatalf("node%d does not show the member: %v", i, err)
		}
	}
	for i := range n.nodes {
		n.lastHashMatchesNextHeader(t, i)
	}
	checkMetrics(t, n.base+3)

	// Under load, kill -9 one validator; the chain goes on; restart it and
	// it catches up with the same app hashes.
	stop := make(chan struct{})
	var loaded atomic.Int64
	var wg sync.WaitGroup
	for _, prov := range []string{"guangxi", "guizhou"} {
		k, err := ring.Load(prov, "")
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); loadMembers(t, c0, k, stop, &loaded) }()
	}
	waitFor(t, 60*time.Second, "the load to commit", func() bool { return loaded.Load() > 0 })
	n.nodes[3].kill()
	atKill := loaded.Load()
	hKill, _, _ := abciInfo(n.rpc(0))
	waitFor(t, 60*time.Second, "the chain to go on without node3, load txs committed", func() bool {
		h, _, err := abciInfo(n.rpc(0))
		return err == nil && h >= hKill+5 && loaded.Load() > atKill
	})
	n.nodes[3] = startNode(t, n.home(3))
	waitFor(t, 120*time.Second, "node3 to catch up", func() bool {
		h0, _, _ := abciInfo(n.rpc(0))
		h3, _, err := abciInfo(n.rpc(3))
		return err == nil && h3 >= h0-1 && h3 > hKill+5
	})
	close(stop)
	wg.Wait()
	top, _, _ := abciInfo(n.rpc(3))
	n.checkAppHashes(t, []int{0, 1, 2, 3}, 1, top)
	for i := range n.nodes {
		n.lastHashMatchesNextHeader(t, i)
	}
	t.Logf("%d load txs committed; checked heights 1..%d on 4 nodes", loaded.Load(), top)
	for _, p := range n.nodes {
		p.stop(t)
	}
}

// loadMembers registers members one tx at a time until stop is closed.
func loadMembers(t *testing.T, c *client.Client, k *client.Key, stop chan struct{}, done *atomic.Int64) {
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		id := fmt.Sprintf("load-%s-%d", k.MemberID, i)
		nk := seedTestKey(id)
		m := &mt.Member{Id: id, Name: "Load " + id, Roles: []mt.Role{mt.Role_ROLE_CARRIER}, Province: k.MemberID, Country: "CN",
			Keys: []*mt.Key{nk.LedgerKey()}}
		if _, err := c.Submit(ctxTimeout(t, 30*time.Second), k, client.RegisterMember(m)); err == nil {
			done.Add(1)
		}
	}
}

// checkMetrics reads the Prometheus endpoint: CometBFT's metrics and
// Corridor's application metrics are both there.
func checkMetrics(t *testing.T, port int) {
	t.Helper()
	body := metrics(t, port)
	for _, want := range []string{`corridor_txs_total{code="0",codespace="",stage="deliver"}`, "corridor_store_commit_seconds_bucket",
		`corridor_records_total{event="membership.member_registered"}`, "corridor_access_outbox_pending ", "cometbft_consensus_height",
		"corridor_store_keys ", "corridor_store_bucket_cache_warming ", "corridor_store_scanned_buckets_total "} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// metrics fetches the node's Prometheus page.
func metrics(t *testing.T, port int) string {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// metricLine is the line of the node's Prometheus page that gives metric
// name (one without labels), or "" when there is none.
func metricLine(t *testing.T, port int, name string) string {
	t.Helper()
	for _, line := range strings.Split(metrics(t, port), "\n") {
		if strings.HasPrefix(line, name+" ") {
			return line
		}
	}
	return ""
}
