package main

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/landsea/corridor/app/api/nodepb"
	"github.com/landsea/corridor/app/node"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/internal/testpki"
	at "github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/customs/examples"
	ct "github.com/landsea/corridor/x/customs/types"
)

// singleNode creates a one-validator testnet (node0 is chongqing, with
// every genesis member's key in <dir>/keys) and returns its home and ports.
func singleNode(t *testing.T, chainID string) (home string, rpcPort, grpcPort int) {
	t.Helper()
	dir, base := t.TempDir(), freeBasePort(t, 1)
	out, err := exec.Command(corridordBin(t), "testnet", "--validators", "1", "--output", dir, "--base-port", fmt.Sprint(base),
		"--timeout-commit", "300ms", "--chain-id", chainID).CombinedOutput()
	if err != nil {
		t.Fatalf("testnet: %v\n%s", err, out)
	}
	return filepath.Join(dir, "node0"), base + 1, base + 2
}

func waitHeight(t *testing.T, rpcPort int, h int64) {
	t.Helper()
	waitFor(t, 60*time.Second, fmt.Sprintf("height %d", h), func() bool {
		got, _, err := abciInfo(rpcPort)
		return err == nil && got >= h
	})
}

// TestE2EAccessEventsSurviveKill serves reads of a province's declaration
// from a real corridord and kills it with SIGKILL right after the last read
// is answered, then 0.5 s and 1.2 s after, restarts it each time, and checks
// that every read that was answered, served or refused, has its access event
// on the ledger exactly once. The delays aim at the events being only in the
// outbox, a batch in flight, and a batch committed whose removal from the
// outbox is not yet on disk; which state a kill catches depends on the
// machine's speed, and the log line of each kill says what it found. The
// exactly-once check must hold whichever it is. The states themselves are
// made on purpose in app/node's tests: a batch committed but not confirmed is
// submitted again (TestEventSubmitterBatchesAndRetries) and the ledger keeps
// one copy of an event submitted twice (x/access TestRecordEventsDeduplicates).
func TestE2EAccessEventsSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a corridord process")
	}
	home, rpcPort, grpcPort := singleNode(t, "corridor-access-e2e")
	p := startNode(t, home)
	waitHeight(t, rpcPort, 1)
	c := dial(t, grpcPort)
	ring := client.Keyring{Dir: filepath.Join(home, "keys")}
	declID := setupDeclaration(t, c, ring)
	ids := map[string]bool{}
	for _, delay := range []time.Duration{0, 500 * time.Millisecond, 1200 * time.Millisecond} {
		st, err := nodepb.NewTxServiceClient(c.Conn()).Status(ctxTimeout(t, 5*time.Second), &nodepb.StatusRequest{})
		if err != nil {
			t.Fatal(err)
		}
		burst := readBurst(t, c, ring, st, declID)
		time.Sleep(delay)
		onLedger := countEvents(t, c, declID)
		p.kill()
		t.Logf("SIGKILL %s after %d reads: %d events of the record on the ledger (all rounds), %d in the outbox", delay, len(burst), onLedger, pendingAfterKill(t, home))
		for id := range burst {
			ids[id] = true
		}
		p = startNode(t, home)
		c = dial(t, grpcPort)
		waitFor(t, 30*time.Second, "the restarted node's API", func() bool {
			_, err := c.Height(ctxTimeout(t, time.Second))
			return err == nil
		})
	}
	checkExactlyOnce(t, at.NewQueryServiceClient(c.Conn()), declID, ids)
	// Prometheus listens at the base port + 3, the RPC at + 1.
	waitOutboxEmpty(t, rpcPort+2) // the submitter is done before the CLI signs as chongqing
	checkAccessCLI(t, home, grpcPort, declID)
	waitOutboxEmpty(t, rpcPort+2)
	p.stop(t)
	if n := pendingAfterKill(t, home); n != 0 {
		t.Errorf("%d events still pending after they were committed", n)
	}
}

// waitOutboxEmpty waits until the node's Prometheus endpoint reports no
// pending access events: every event it recorded is on the ledger.
func waitOutboxEmpty(t *testing.T, promPort int) {
	t.Helper()
	var last string
	waitFor(t, 30*time.Second, "an empty outbox", func() bool {
		last = metricLine(t, promPort, "corridor_access_outbox_pending")
		return last == "corridor_access_outbox_pending 0"
	})
	t.Logf("%s", last)
}

func countEvents(t *testing.T, c *client.Client, declID string) int {
	got, err := at.NewQueryServiceClient(c.Conn()).Events(ctxTimeout(t, 5*time.Second),
		&at.EventsRequest{RecordType: at.RecordTypeDeclaration, RecordId: declID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(got.Events)
}

// checkExactlyOnce waits until the ledger holds as many events of the
// record as reads were answered, and checks each answered read's event is
// there exactly once.
func checkExactlyOnce(t *testing.T, q at.QueryServiceClient, declID string, ids map[string]bool) {
	t.Helper()
	var got *at.EventsResponse
	var err error
	waitFor(t, 60*time.Second, "every answered read's event on the ledger", func() bool {
		got, err = q.Events(ctxTimeout(t, 5*time.Second), &at.EventsRequest{RecordType: at.RecordTypeDeclaration, RecordId: declID, Limit: 1000})
		return err == nil && len(got.Events) >= len(ids)
	})
	seen := map[string]int{}
	for _, e := range got.Events {
		seen[string(e.Id)]++
	}
	for id := range ids {
		if seen[id] != 1 {
			t.Errorf("event %x is on the ledger %d times, want once", id, seen[id])
		}
	}
	if len(got.Events) != len(ids) {
		t.Errorf("%d events on the ledger, %d reads answered", len(got.Events), len(ids))
	}
}

// checkAccessCLI grants, reads and audits through the command line.
func checkAccessCLI(t *testing.T, home string, grpcPort int, declID string) {
	t.Helper()
	node := fmt.Sprintf("127.0.0.1:%d", grpcPort)
	cli := func(args ...string) string {
		t.Helper()
		out, err := run(t, append(args, "--node", node, "--home", home)...)
		if err != nil {
			t.Fatalf("corridord %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	cli("tx", "access", "grant", "guizhou", "--type", at.RecordTypeDeclaration, "--record", declID, "--purpose", "statistics",
		"--purpose-text", "provincial trade report", "--legal-basis", "WLSC data sharing agreement 2026, art. 7", "--expires", "1h", "--from", "chongqing")
	out := cli("query", "access", "read", at.RecordTypeDeclaration, declID, "--from", "guizhou", "--purpose", "statistics")
	if !strings.Contains(out, "ACCESS_BASIS_GRANT") || !strings.Contains(out, `"declarant_member": "chongqing"`) {
		t.Fatalf("read: %s", out)
	}
	eventHex := out[strings.Index(out, "access event ")+len("access event "):][:64]
	var h int64
	waitFor(t, 30*time.Second, "the CLI read's event on the ledger", func() bool {
		out, err := run(t, "query", "access", "event", eventHex, "--prove", "--node", node)
		if err == nil && strings.Contains(out, "proof verifies against root") {
			_, err = fmt.Sscanf(out[strings.Index(out, `"height": "`)+len(`"height": "`):], "%d", &h)
			return err == nil
		}
		return false
	})
	out = cli("query", "access", "events", "--owner", "chongqing", "--from", time.Now().Add(-time.Minute).UTC().Format(time.RFC3339))
	if strings.Count(out, `"reader": "guizhou"`) < 1 {
		t.Fatalf("events by owner: %s", out)
	}
	out = cli("query", "access", "counts", "guizhou")
	if !strings.Contains(out, "PARTY_ROLE_READER") {
		t.Fatalf("counts: %s", out)
	}
	// Members are listed a page at a time: two pages of two are the first
	// four members.
	members := func(args ...string) (ids []string, next string) {
		t.Helper()
		var page struct {
			Members []struct {
				ID string `json:"id"`
			} `json:"members"`
			Next string `json:"next_page_token"`
		}
		if err := json.Unmarshal([]byte(cli(append([]string{"query", "membership", "list"}, args...)...)), &page); err != nil {
			t.Fatal(err)
		}
		for _, m := range page.Members {
			ids = append(ids, m.ID)
		}
		return ids, page.Next
	}
	first, next := members("--limit", "2")
	second, _ := members("--limit", "2", "--page-token", next)
	four, _ := members("--limit", "4")
	if len(four) != 4 || fmt.Sprint(append(first, second...)) != fmt.Sprint(four) {
		t.Fatalf("members in pages of 2: %v then %v; in one page of 4: %v", first, second, four)
	}
	// The membership queries check their proofs as the access ones do.
	for _, args := range [][]string{{"member", "chongqing"}, {"key", "chongqing", "k1"}} {
		out = cli(append([]string{"query", "membership"}, append(args, "--prove")...)...)
		if !strings.Contains(out, "proof verifies against root") || !strings.Contains(out, `"id": "k1"`) {
			t.Fatalf("query membership %s --prove: %s", strings.Join(args, " "), out)
		}
	}
	out = cli("query", "access", "stream", "--from-height", fmt.Sprint(h), "--until-height", fmt.Sprint(h))
	t.Logf("stream: %.300s", out)
	if !strings.Contains(out, `{"height":"`+fmt.Sprint(h)+`","events":[{`) {
		t.Fatalf("stream from height %d: %s", h, out)
	}
}

// setupDeclaration has chongqing lodge a declaration and grant guangxi
// access to its declarations for statistics.
func setupDeclaration(t *testing.T, c *client.Client, ring client.Keyring) string {
	t.Helper()
	cq, err := ring.Load("chongqing", "")
	if err != nil {
		t.Fatal(err)
	}
	d := examples.ElectronicsToThailand()
	submit := client.CustomsMsg(&ct.Msg{Sum: &ct.Msg_SubmitDeclaration{SubmitDeclaration: &ct.MsgSubmitDeclaration{Declaration: d}}})
	grant := client.AccessMsg(&at.Msg{Sum: &at.Msg_Grant{Grant: &at.MsgGrantAccess{Grantee: "guangxi", Scope: at.GrantScope_GRANT_SCOPE_CLASS,
		RecordType: at.RecordTypeDeclaration, Purpose: at.Purpose_PURPOSE_STATISTICS, PurposeText: "corridor trade statistics",
		LegalBasis: "WLSC data sharing agreement 2026, art. 7", ExpiresUnixNano: time.Now().Add(24 * time.Hour).UnixNano()}}})
	if _, err := c.Submit(ctxTimeout(t, 60*time.Second), cq, submit, grant); err != nil {
		t.Fatalf("declaration and grant: %v", err)
	}
	return ct.DeclarationID("chongqing", d.TraderReference)
}

// readBurst sends 30 reads by guangxi (served on the grant) and 10 by
// guizhou (refused) at once and returns the event id of every answer.
func readBurst(t *testing.T, c *client.Client, ring client.Keyring, st *nodepb.StatusResponse, declID string) map[string]bool {
	t.Helper()
	rs := at.NewReadServiceClient(c.Conn())
	var mu sync.Mutex
	ids := map[string]bool{}
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		reader := "guangxi"
		if i%4 == 3 {
			reader = "guizhou"
		}
		key, err := ring.Load(reader, "")
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := signedRead(t, st.ChainId, key, declID, time.Minute)
			resp, err := rs.Read(ctxTimeout(t, 20*time.Second), req)
			want := at.EventID(st.NodeId, req.Signature)
			switch {
			case err == nil && bytes.Equal(resp.EventId, want):
			case reader == "guizhou" && status.Code(err) == codes.PermissionDenied && strings.Contains(err.Error(), fmt.Sprintf("%x", want)):
			default:
				t.Errorf("read by %s: %v %v", reader, resp, err)
				return
			}
			mu.Lock()
			ids[string(want)] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	return ids
}

func signedRead(t *testing.T, chainID string, key *client.Key, declID string, validity time.Duration) *at.ReadRequest {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	req, err := at.SignRead(chainID, &at.ReadBody{MemberId: key.MemberID, KeyId: key.KeyID, RecordType: at.RecordTypeDeclaration,
		RecordId: declID, Purpose: at.Purpose_PURPOSE_STATISTICS, PurposeText: "monthly corridor trade statistics",
		Nonce: nonce, ExpiresUnixNano: time.Now().Add(validity).UnixNano()}, key.Sign)
	if err != nil {
		t.Error(err)
	}
	return req
}

// pendingAfterKill counts the events in a stopped node's outbox.
func pendingAfterKill(t *testing.T, home string) int {
	t.Helper()
	o, err := node.OpenOutbox(filepath.Join(home, "data", "outbox"))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	return o.Len()
}

// TestE2EAccessMutualTLS runs corridord with mutual TLS on its gRPC API
// (certificates made in the test) and checks that a client with a
// certificate from the configured CA is served, and that a client without
// one, with one from another CA, or without TLS is refused with an error
// that says so.
func TestE2EAccessMutualTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a corridord process")
	}
	home, rpcPort, grpcPort := singleNode(t, "corridor-mtls-e2e")
	pki := newTestPKI(t, filepath.Join(home, "tls"))
	setTLSConfig(t, home, pki)
	startNode(t, home)
	waitHeight(t, rpcPort, 1)
	addr := fmt.Sprintf("127.0.0.1:%d", grpcPort)
	call := func(o client.DialOptions) error {
		c, err := client.Dial(addr, o)
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.Height(ctxTimeout(t, 5*time.Second))
		return err
	}
	if err := call(client.DialOptions{CAFile: pki.caFile, CertFile: pki.clientCert, KeyFile: pki.clientKey}); err != nil {
		t.Fatalf("client with a certificate from the node's client CA: %v", err)
	}
	cases := []struct {
		name string
		opts client.DialOptions
		want []string
	}{
		{"no client certificate", client.DialOptions{CAFile: pki.caFile}, []string{"certificate required"}},
		{"certificate from another CA", client.DialOptions{CAFile: pki.caFile, CertFile: pki.rogueCert, KeyFile: pki.rogueKey},
			[]string{"certificate required", "unknown certificate authority", "bad certificate"}},
		{"no TLS", client.DialOptions{}, []string{"connection closed", "EOF", "error reading server preface"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := call(tc.opts)
			if err == nil {
				t.Fatal("served")
			}
			t.Logf("refused: %v", err)
			for _, w := range tc.want {
				if strings.Contains(err.Error(), w) {
					return
				}
			}
			t.Fatalf("error %q says none of %q", err, tc.want)
		})
	}
}

// testPKI is a CA with a server and a client certificate, plus a client
// certificate from another CA, as PEM files.
type testPKI struct {
	caFile, serverCert, serverKey, clientCert, clientKey, rogueCert, rogueKey string
}

func newTestPKI(t *testing.T, dir string) testPKI {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ca, rogue := testpki.NewCA(t, "Corridor test CA"), testpki.NewCA(t, "Someone else's CA")
	p := testPKI{caFile: filepath.Join(dir, "ca.pem")}
	ca.WriteCert(t, p.caFile)
	server := &x509.Certificate{Subject: pkix.Name{CommonName: "chongqing node"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	p.serverCert, p.serverKey = ca.Issue(t, server, dir, "server")
	clientTmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "corridor-audit"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	p.clientCert, p.clientKey = ca.Issue(t, clientTmpl, dir, "client")
	p.rogueCert, p.rogueKey = rogue.Issue(t, clientTmpl, dir, "rogue")
	return p
}

// setTLSConfig turns on mutual TLS in a node's config.toml.
func setTLSConfig(t *testing.T, home string, p testPKI) {
	t.Helper()
	path := filepath.Join(home, "config", "config.toml")
	bz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(bz)
	for k, v := range map[string]string{"grpc_tls_cert": p.serverCert, "grpc_tls_key": p.serverKey, "grpc_client_ca": p.caFile} {
		old := k + ` = ""`
		if !strings.Contains(s, old) {
			t.Fatalf("config.toml has no %s", old)
		}
		s = strings.Replace(s, old, k+` = "`+v+`"`, 1)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAccessReadThroughput is the node-level access benchmark (make
// bench-access; it is skipped unless CORRIDOR_BENCH_ACCESS is set): a real
// corridord serves CORRIDOR_BENCH_READS (default 20,000) signed reads of a
// declaration from 64 concurrent clients, each read written to the outbox
// before it is answered, and the node's submitter puts the events on the
// ledger. It reports reads served per second and events committed per
// second (from the first read until the last event is on the ledger).
func TestAccessReadThroughput(t *testing.T) {
	if os.Getenv("CORRIDOR_BENCH_ACCESS") == "" {
		t.Skip("benchmark: set CORRIDOR_BENCH_ACCESS=1 (make bench-access)")
	}
	reads := 20000
	if s := os.Getenv("CORRIDOR_BENCH_READS"); s != "" {
		fmt.Sscanf(s, "%d", &reads)
	}
	home, rpcPort, grpcPort := singleNode(t, "corridor-access-bench")
	startNode(t, home)
	waitHeight(t, rpcPort, 1)
	c := dial(t, grpcPort)
	ring := client.Keyring{Dir: filepath.Join(home, "keys")}
	declID := setupDeclaration(t, c, ring)
	st, err := nodepb.NewTxServiceClient(c.Conn()).Status(ctxTimeout(t, 5*time.Second), &nodepb.StatusRequest{})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ring.Load("guangxi", "")
	reqs := make([]*at.ReadRequest, reads)
	for i := range reqs {
		reqs[i] = signedRead(t, st.ChainId, key, declID, at.ReadValidityMax-time.Minute)
	}
	h0, _ := c.Height(ctxTimeout(t, 5*time.Second))
	start := time.Now()
	serveAll(t, c, reqs, 64)
	served := time.Since(start)
	q := at.NewQueryServiceClient(c.Conn())
	waitFor(t, 10*time.Minute, "every event on the ledger", func() bool {
		r, err := q.EventCounts(ctxTimeout(t, 5*time.Second), &at.EventCountsRequest{Member: "guangxi"})
		return err == nil && len(r.Counts) == 1 && r.Counts[0].Count == uint64(reads)
	})
	committed := time.Since(start)
	h1, _ := c.Height(ctxTimeout(t, 5*time.Second))
	t.Logf("RESULT access reads: %d served in %.2fs = %.0f reads/s; all %d events committed after %.2fs = %.0f events/s (%d blocks)",
		reads, served.Seconds(), float64(reads)/served.Seconds(), reads, committed.Seconds(), float64(reads)/committed.Seconds(), h1-h0)
}

// serveAll sends reqs from workers goroutines and fails on any refusal.
func serveAll(t *testing.T, c *client.Client, reqs []*at.ReadRequest, workers int) {
	rs := at.NewReadServiceClient(c.Conn())
	next := make(chan *at.ReadRequest)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for req := range next {
				if _, err := rs.Read(ctxTimeout(t, time.Minute), req); err != nil {
					t.Errorf("read: %v", err)
				}
			}
		}()
	}
	for _, r := range reqs {
		next <- r
	}
	close(next)
	wg.Wait()
}
