package node

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/landsea/corridor/app/api"
	"github.com/landsea/corridor/app/api/nodepb"
	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	accesstypes "github.com/landsea/corridor/x/access/types"
)

// testEvent is a served read of a bill, n-th of its kind.
func testEvent(n int) *accesstypes.AccessEvent {
	id := sha256.Sum256([]byte(fmt.Sprintf("outbox-test-%d", n)))
	h := sha256.Sum256([]byte("content"))
	return &accesstypes.AccessEvent{
		Id: id[:], Reader: "cq-bank", ReaderProvince: "chongqing", NodeId: "0123456789abcdef0123456789abcdef01234567",
		Province: "chongqing", Owner: "landsea-mto", RecordType: accesstypes.RecordTypeBill, RecordId: "LSM-CQ-2026-000123",
		RecordVersion: 3, ContentHash: h[:], Purpose: accesstypes.Purpose_PURPOSE_TRADE_FINANCE,
		PurposeText: "pre-shipment finance, contract CQRCB-TF-2026-0917", Basis: accesstypes.AccessBasis_ACCESS_BASIS_GRANT,
		GrantId: 17, Result: accesstypes.AccessResult_ACCESS_RESULT_SERVED, RequestTimeUnixNano: time.Now().UnixNano(),
	}
}

func openOutbox(t testing.TB, dir string) *Outbox {
	t.Helper()
	o, err := OpenOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestOutboxOrderReopenAndDuplicates(t *testing.T) {
	dir := t.TempDir()
	o := openOutbox(t, dir)
	for i := 0; i < 5; i++ {
		if err := o.Record(testEvent(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Record(testEvent(2)); !errors.Is(err, api.ErrEventPending) {
		t.Fatalf("second copy of a pending event: %v", err)
	}
	p, err := o.Pending(3)
	if err != nil || len(p) != 3 || p[0].Seq != 1 || string(p[2].Event.Id) != string(testEvent(2).Id) {
		t.Fatalf("first three pending: %v %v", p, err)
	}
	if err := o.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	o = openOutbox(t, dir)
	defer o.Close()
	if err := o.Record(testEvent(5)); err != nil {
		t.Fatal(err)
	}
	p, _ = o.Pending(100)
	if len(p) != 3 || p[0].Seq != 4 || p[2].Seq != 6 {
		t.Fatalf("after reopen: %d pending, seqs %d..%d; want 3, 4..6", len(p), p[0].Seq, p[len(p)-1].Seq)
	}
	// A removed event's id may be recorded again (the ledger will skip it).
	if err := o.Record(testEvent(0)); err != nil {
		t.Fatalf("event removed earlier: %v", err)
	}
}

// TestOutboxPendingGauge checks corridor_access_outbox_pending through a
// registry, as the node's Prometheus endpoint serves it: it counts recorded
// events, drops as they are removed, and counts the events still on disk
// after a restart.
func TestOutboxPendingGauge(t *testing.T) {
	dir := t.TempDir()
	o := openOutbox(t, dir)
	served := func(o *Outbox, want int) {
		t.Helper()
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(o.PendingGauge())
		exp := fmt.Sprintf(`# HELP corridor_access_outbox_pending Access events this node recorded that are not yet committed on the ledger.
# TYPE corridor_access_outbox_pending gauge
corridor_access_outbox_pending %d
`, want)
		if err := testutil.GatherAndCompare(reg, strings.NewReader(exp), "corridor_access_outbox_pending"); err != nil {
			t.Fatal(err)
		}
	}
	served(o, 0)
	for i := 0; i < 4; i++ {
		if err := o.Record(testEvent(i)); err != nil {
			t.Fatal(err)
		}
	}
	served(o, 4)
	p, err := o.Pending(3)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Remove(p); err != nil {
		t.Fatal(err)
	}
	served(o, 1)
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	o = openOutbox(t, dir)
	defer o.Close()
	served(o, 1)
}

// fakeLedger records events with dedupe by id, like x/access; it can fail
// a submission before or after "committing" it.
type fakeLedger struct {
	mu         sync.Mutex
	events     map[string]int
	txs        int
	msgsPerTx  []int
	failBefore int // fail this many submissions without committing
	failAfter  int // commit, then report failure (a crash before Remove)
	height     int64
}

func (f *fakeLedger) Submit(_ context.Context, key *client.Key, _ time.Duration, msgs ...*types.Message) (*nodepb.TxResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failBefore > 0 {
		f.failBefore--
		return nil, errors.New("node unavailable")
	}
	f.txs++
	f.height++
	f.msgsPerTx = append(f.msgsPerTx, len(msgs))
	for _, m := range msgs {
		for _, e := range m.GetAccess().GetRecordEvents().Events {
			if e.Province != key.MemberID {
				return nil, fmt.Errorf("event of %s signed by %s", e.Province, key.MemberID)
			}
			f.events[string(e.Id)]++
		}
	}
	if f.failAfter > 0 {
		f.failAfter--
		return nil, errors.New("tx is in the mempool but not committed after 30s")
	}
	return &nodepb.TxResult{Height: f.height}, nil
}

func TestEventSubmitterBatchesAndRetries(t *testing.T) {
	o := openOutbox(t, t.TempDir())
	defer o.Close()
	for i := 0; i < 1400; i++ {
		if err := o.Record(testEvent(i)); err != nil {
			t.Fatal(err)
		}
	}
	key, _ := client.NewKey("chongqing", "k1")
	led := &fakeLedger{events: map[string]int{}, failBefore: 1, failAfter: 1}
	s := &EventSubmitter{Outbox: o, Key: func() (*client.Key, error) { return key, nil }, Tx: led, EventsPerTxMax: 1100}
	ctx := context.Background()
	if n, err := s.SubmitOnce(ctx); err == nil || n != 0 {
		t.Fatalf("node down: %d %v", n, err)
	}
	if n, err := s.SubmitOnce(ctx); err == nil || n != 0 {
		t.Fatalf("committed but not confirmed: %d %v", n, err)
	}
	for _, want := range []int{1100, 300, 0} {
		if n, err := s.SubmitOnce(ctx); err != nil || n != want {
			t.Fatalf("submitted %d (%v), want %d", n, err, want)
		}
	}
	if led.msgsPerTx[0] != 2 || led.msgsPerTx[2] != 1 {
		t.Fatalf("messages per tx %v: want batches split into messages of %d", led.msgsPerTx, accesstypes.EventsPerMsgMax)
	}
	twice := 0
	for _, n := range led.events {
		if n > 1 {
			twice++
		}
	}
	if len(led.events) != 1400 || twice != 1100 {
		t.Fatalf("ledger saw %d events, %d of them twice; want 1400 and 1100 resubmitted", len(led.events), twice)
	}
	if n := o.Len(); n != 0 {
		t.Fatalf("%d events left in the outbox", n)
	}
}

// TestEventSubmitterRunWakesOnRecord: a submitter waiting with nothing to
// submit is woken by Record and submits the new event at once, not after
// its idle pause (an hour here). The event is recorded only once the
// submitter has found the outbox empty and is about to wait, so only the
// wake can bring it to the ledger.
func TestEventSubmitterRunWakesOnRecord(t *testing.T) {
	o := openOutbox(t, t.TempDir())
	defer o.Close()
	key, _ := client.NewKey("chongqing", "k1")
	led := &fakeLedger{events: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	idle := make(chan struct{})
	s := &EventSubmitter{Outbox: o, Key: func() (*client.Key, error) { return key, nil }, Tx: led, Idle: time.Hour, Retry: time.Millisecond,
		idle: func() {
			select {
			case idle <- struct{}{}:
			case <-ctx.Done():
			}
		}}
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	waitIdle := func(what string) {
		t.Helper()
		select {
		case <-idle:
		case <-time.After(5 * time.Second):
			t.Fatal(what)
		}
	}
	waitIdle("the submitter did not find the empty outbox")
	if err := o.Record(testEvent(1)); err != nil {
		t.Fatal(err)
	}
	waitIdle("the submitter did not wake up for a new event")
	led.mu.Lock()
	txs, seen := led.txs, led.events[string(testEvent(1).Id)]
	led.mu.Unlock()
	if txs != 1 || seen != 1 || o.Len() != 0 {
		t.Fatalf("after the wake: %d txs, event submitted %d times, %d left in the outbox; want 1, 1, 0", txs, seen, o.Len())
	}
}
