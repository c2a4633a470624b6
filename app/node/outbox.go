package node

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/cockroachdb/pebble"

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
// Key layout:
//
//	'e' | seq (8 bytes, big-endian)  -> AccessEvent (protobuf)
//	'i' | event id (32 bytes)        -> seq (8 bytes)
type Outbox struct {
	db   *pebble.DB
	seq  atomic.Uint64
	wake chan struct{}
}

const (
	outboxEventPrefix = 'e'
	outboxIDPrefix    = 'i'
)

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
	o := &Outbox{db: db, wake: make(chan struct{}, 1)}
	last, err := o.lastSeq()
	if err != nil {
		db.Close()
		return nil, err
	}
	o.seq.Store(last)
	return o, nil
}

func (o *Outbox) lastSeq() (uint64, error) {
	it, err := o.db.NewIter(&pebble.IterOptions{LowerBound: []byte{outboxEventPrefix}, UpperBound: []byte{outboxEventPrefix + 1}})
	if err != nil {
		return 0, err
	}
	defer it.Close()
	if !it.Last() {
		return 0, it.Error()
	}
	return seqFromKey(it.Key())
}

func eventKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{outboxEventPrefix}, seq)
}
func idKey(id []byte) []byte { return append([]byte{outboxIDPrefix}, id...) }

func seqFromKey(k []byte) (uint64, error) {
	if len(k) != 9 || k[0] != outboxEventPrefix {
		return 0, fmt.Errorf("outbox: malformed key %x", k)
	}
	return binary.BigEndian.Uint64(k[1:]), nil
}

// Record stores ev, synced to disk, and wakes the submitter. An event id
// already pending is refused with api.ErrEventPending.
func (o *Outbox) Record(ev *accesstypes.AccessEvent) error {
	if len(ev.Id) != accesstypes.EventIDBytes {
		return fmt.Errorf("outbox: event id of %d bytes", len(ev.Id))
	}
	_, closer, err := o.db.Get(idKey(ev.Id))
	if err == nil {
		closer.Close()
		return fmt.Errorf("outbox: event %x: %w", ev.Id, api.ErrEventPending)
	}
	if !errors.Is(err, pebble.ErrNotFound) {
		return fmt.Errorf("outbox: %w", err)
	}
	bz, err := ev.Marshal()
	if err != nil {
		return err
	}
	seq := o.seq.Add(1)
	b := o.db.NewBatch()
	defer b.Close()
	if err := b.Set(eventKey(seq), bz, nil); err != nil {
		return err
	}
	if err := b.Set(idKey(ev.Id), binary.BigEndian.AppendUint64(nil, seq), nil); err != nil {
		return err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("outbox: write event: %w", err)
	}
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return nil
}

// Pending returns up to max events in arrival order.
func (o *Outbox) Pending(max int) ([]PendingEvent, error) {
	it, err := o.db.NewIter(&pebble.IterOptions{LowerBound: []byte{outboxEventPrefix}, UpperBound: []byte{outboxEventPrefix + 1}})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []PendingEvent
	for ok := it.First(); ok && len(out) < max; ok = it.Next() {
		seq, err := seqFromKey(it.Key())
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
	for _, p := range evs {
		if err := b.Delete(eventKey(p.Seq), nil); err != nil {
			return err
		}
		if err := b.Delete(idKey(p.Event.Id), nil); err != nil {
			return err
		}
	}
	return b.Commit(pebble.NoSync)
}

// Len counts the pending events (a full scan; for tests and status).
func (o *Outbox) Len() (int, error) {
	evs, err := o.Pending(1 << 30)
	return len(evs), err
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
