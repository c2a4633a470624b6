package node

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/landsea/corridor/app/api"
	accesstypes "github.com/landsea/corridor/x/access/types"
)

// Outbox is the node's durable queue of access events that are not yet on
// the ledger: its own Pebble database under <home>/data/outbox. The read
// service writes each event with a synced commit before it sends any data;
// the submitter reads events in arrival order, puts them on the ledger and
// removes them once their block is committed. After a crash, whatever is
// still in the outbox is submitted again (the ledger skips event ids it
// already holds). Safe for concurrent use; concurrent Records share fsyncs
// through Pebble's commit pipeline.
//
// Key layout (one key per event):
//
//	'e' | seq (8 bytes, big-endian) | event id (32 bytes)  -> AccessEvent (protobuf)
//
// The ids of pending events are also kept in memory (rebuilt from the keys
// on open), so that refusing a replayed request costs no disk read.
type Outbox struct {
	db   *pebble.DB
	seq  atomic.Uint64
	wake chan struct{}

	mu      sync.Mutex
	pending map[[accesstypes.EventIDBytes]byte]struct{}
}

const outboxEventPrefix = 'e'

// OutboxPendingMax bounds the events waiting for the ledger. When the
// ledger stops taking them (the chain halted, the province key was
// revoked), the node refuses further cross-party reads rather than let
// its promise to record them grow without end.
const OutboxPendingMax = 1_000_000

// ErrOutboxFull is returned by Record when OutboxPendingMax events wait.
var ErrOutboxFull = errors.New("outbox: too many access events wait for the ledger")

// PendingEvent is an event in the outbox and its position.
type PendingEvent struct {
	Seq   uint64
	Event *accesstypes.AccessEvent
}

var _ api.AccessRecorder = (*Outbox)(nil)

// OpenOutbox opens (or creates) the outbox in dir.
func OpenOutbox(dir string) (*Outbox, error) {
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietPebble{}})
	if err != nil {
		return nil, fmt.Errorf("outbox: open %s: %w", dir, err)
	}
	o := &Outbox{db: db, wake: make(chan struct{}, 1), pending: map[[accesstypes.EventIDBytes]byte]struct{}{}}
	if err := o.load(); err != nil {
		db.Close()
		return nil, err
	}
	return o, nil
}

// load rebuilds the pending ids and the last sequence from the keys.
func (o *Outbox) load() error {
	it, err := o.db.NewIter(eventBounds())
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		seq, id, err := parseEventKey(it.Key())
		if err != nil {
			return err
		}
		o.pending[id] = struct{}{}
		o.seq.Store(seq)
	}
	return it.Error()
}

func eventBounds() *pebble.IterOptions {
	return &pebble.IterOptions{LowerBound: []byte{outboxEventPrefix}, UpperBound: []byte{outboxEventPrefix + 1}}
}

func eventKey(seq uint64, id []byte) []byte {
	k := binary.BigEndian.AppendUint64([]byte{outboxEventPrefix}, seq)
	return append(k, id...)
}

func parseEventKey(k []byte) (uint64, [accesstypes.EventIDBytes]byte, error) {
	var id [accesstypes.EventIDBytes]byte
	if len(k) != 9+len(id) || k[0] != outboxEventPrefix {
		return 0, id, fmt.Errorf("outbox: malformed key %x", k)
	}
	copy(id[:], k[9:])
	return binary.BigEndian.Uint64(k[1:9]), id, nil
}

// Record stores ev, synced to disk, and wakes the submitter. An event id
// already pending is refused with api.ErrEventPending.
func (o *Outbox) Record(ev *accesstypes.AccessEvent) error {
	var id [accesstypes.EventIDBytes]byte
	if len(ev.Id) != len(id) {
		return fmt.Errorf("outbox: event id of %d bytes", len(ev.Id))
	}
	copy(id[:], ev.Id)
	bz, err := ev.Marshal()
	if err != nil {
		return err
	}
	if err := o.reserve(id); err != nil {
		return err
	}
	if err := o.db.Set(eventKey(o.seq.Add(1), ev.Id), bz, pebble.Sync); err != nil {
		o.release(id)
		return fmt.Errorf("outbox: write event: %w", err)
	}
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return nil
}

func (o *Outbox) reserve(id [accesstypes.EventIDBytes]byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, dup := o.pending[id]; dup {
		return fmt.Errorf("outbox: event %x: %w", id, api.ErrEventPending)
	}
	if len(o.pending) >= OutboxPendingMax {
		return fmt.Errorf("%w (%d); the node serves no more reads until they are on the ledger", ErrOutboxFull, len(o.pending))
	}
	o.pending[id] = struct{}{}
	return nil
}

func (o *Outbox) release(ids ...[accesstypes.EventIDBytes]byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, id := range ids {
		delete(o.pending, id)
	}
}

// Pending returns up to max events in arrival order.
func (o *Outbox) Pending(max int) ([]PendingEvent, error) {
	it, err := o.db.NewIter(eventBounds())
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []PendingEvent
	for ok := it.First(); ok && len(out) < max; ok = it.Next() {
		seq, _, err := parseEventKey(it.Key())
		if err != nil {
			return nil, err
		}
		ev := &accesstypes.AccessEvent{}
		if err := ev.Unmarshal(it.Value()); err != nil {
			return nil, fmt.Errorf("outbox: event %d does not decode: %w", seq, err)
		}
		out = append(out, PendingEvent{Seq: seq, Event: ev})
	}
	return out, it.Error()
}

// Remove deletes events that are on the ledger. The delete is not synced:
// if it is lost in a crash, the events are submitted again and the ledger
// skips them.
func (o *Outbox) Remove(evs []PendingEvent) error {
	b := o.db.NewBatch()
	defer b.Close()
	ids := make([][accesstypes.EventIDBytes]byte, len(evs))
	for i, p := range evs {
		copy(ids[i][:], p.Event.Id)
		if err := b.Delete(eventKey(p.Seq, p.Event.Id), nil); err != nil {
			return err
		}
	}
	if err := b.Commit(pebble.NoSync); err != nil {
		return err
	}
	o.release(ids...)
	return nil
}

// Len is the number of pending events.
func (o *Outbox) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.pending)
}

// PendingGauge is the Prometheus gauge corridor_access_outbox_pending: the
// events this node has recorded and not yet seen committed on the ledger.
// It falls to zero a block or two after reads stop; one that only grows
// means the node's events are not reaching the ledger (the submitter logs
// why).
func (o *Outbox) PendingGauge() prometheus.GaugeFunc {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: "corridor", Name: "access_outbox_pending",
		Help: "Access events this node recorded that are not yet committed on the ledger.",
	}, func() float64 { return float64(o.Len()) })
}

// Wake is signalled after every Record.
func (o *Outbox) Wake() <-chan struct{} { return o.wake }

// Close closes the database; pending events stay on disk.
func (o *Outbox) Close() error { return o.db.Close() }

// quietPebble drops Pebble's informational log lines; errors reach the
// caller as errors.
type quietPebble struct{}

func (quietPebble) Infof(string, ...any) {}
func (quietPebble) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf("outbox: pebble: "+format, args...))
}
