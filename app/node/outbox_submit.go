package node

import (
	"context"
	"errors"
	"time"

	cmtlog "github.com/cometbft/cometbft/libs/log"

	"github.com/landsea/corridor/app/api/nodepb"
	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
	accesstypes "github.com/landsea/corridor/x/access/types"
	"github.com/landsea/corridor/x/base"
)

// TxSubmitter signs and submits a transaction and waits for its block
// (api.LocalSubmitter in a node).
type TxSubmitter interface {
	Submit(ctx context.Context, key *client.Key, timeout time.Duration, msgs ...*types.Message) (*nodepb.TxResult, error)
}

// EventSubmitter moves access events from the outbox to the ledger: it
// takes up to EventsPerTxMax pending events in arrival order, submits them
// as one transaction signed by the node's province key, waits for the block
// and then removes them from the outbox.
type EventSubmitter struct {
	Outbox *Outbox
	// Key returns the key that signs the next transaction.
	Key    func() (*client.Key, error)
	Tx     TxSubmitter
	Logger cmtlog.Logger
	// EventsPerTxMax bounds one transaction (split into messages of at most
	// accesstypes.EventsPerMsgMax events).
	EventsPerTxMax int
	// Idle is how long the submitter sleeps when nothing wakes it; Retry is
	// the first pause after a failed submission (doubling up to 30 s).
	Idle, Retry time.Duration
	// TxTimeout is how long it waits for a transaction's block.
	TxTimeout time.Duration

	// idle, when set, is called each time Run has found nothing to submit,
	// just before it waits to be woken (tests use it to know the submitter
	// waits).
	idle func()
}

// EventsPerTxDefault is the default batch size: five messages of 1,000.
const EventsPerTxDefault = 5000

// Run submits until ctx is done. Pending events left by a crash are
// submitted first.
func (s *EventSubmitter) Run(ctx context.Context) {
	s.defaults()
	pause := s.Retry
	for ctx.Err() == nil {
		n, err := s.SubmitOnce(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.Logger.Error("access events: submission failed; retrying", "err", err, "in", pause)
			sleep(ctx, pause)
			pause = min(2*pause, 30*time.Second)
		case n == 0:
			pause = s.Retry
			if s.idle != nil {
				s.idle()
			}
			select {
			case <-ctx.Done():
			case <-s.Outbox.Wake():
			case <-time.After(s.Idle):
			}
		default:
			pause = s.Retry
		}
	}
}

func (s *EventSubmitter) defaults() {
	if s.EventsPerTxMax <= 0 {
		s.EventsPerTxMax = EventsPerTxDefault
	}
	if s.Idle <= 0 {
		s.Idle = time.Second
	}
	if s.Retry <= 0 {
		s.Retry = 500 * time.Millisecond
	}
	if s.TxTimeout <= 0 {
		s.TxTimeout = 30 * time.Second
	}
	if s.Logger == nil {
		s.Logger = cmtlog.NewNopLogger()
	}
}

// SubmitOnce puts one batch of pending events on the ledger and returns
// how many it removed from the outbox.
func (s *EventSubmitter) SubmitOnce(ctx context.Context) (int, error) {
	s.defaults()
	pending, err := s.Outbox.Pending(s.EventsPerTxMax)
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	key, err := s.Key()
	if err != nil {
		return 0, err
	}
	res, err := s.Tx.Submit(ctx, key, s.TxTimeout, eventMessages(pending)...)
	if err != nil {
		var txErr *client.TxError
		if errors.As(err, &txErr) && txErr.Result.Codespace == base.Codespace && txErr.Result.Code == base.ErrInvalidMsg.Code {
			// A malformed event would block the queue for ever; the read
			// service validates every event before writing it, so this is
			// a bug. Say so loudly and keep retrying: dropping an event
			// would lose an audit record.
			s.Logger.Error("access events: the ledger refuses a batch as malformed", "log", txErr.Result.Log)
		}
		return 0, err
	}
	if err := s.Outbox.Remove(pending); err != nil {
		return 0, err
	}
	s.Logger.Debug("access events on the ledger", "events", len(pending), "height", res.Height)
	return len(pending), nil
}

// eventMessages splits events into messages of at most EventsPerMsgMax.
func eventMessages(pending []PendingEvent) []*types.Message {
	var msgs []*types.Message
	for i := 0; i < len(pending); i += accesstypes.EventsPerMsgMax {
		m := &accesstypes.MsgRecordAccessEvents{}
		for _, p := range pending[i:min(i+accesstypes.EventsPerMsgMax, len(pending))] {
			m.Events = append(m.Events, p.Event)
		}
		msgs = append(msgs, client.AccessMsg(&accesstypes.Msg{Sum: &accesstypes.Msg_RecordEvents{RecordEvents: m}}))
	}
	return msgs
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
