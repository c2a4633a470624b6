package base

import "time"

// Context is what one message handler sees: the block it runs in, who signed,
// and the staged state. Time is the block time, never the wall clock.
type Context struct {
	ChainID string
	Height  int64
	Time    time.Time
	// Signer is the member id that signed the transaction.
	Signer string
	// State is the Merkle-committed state.
	State KV
	// Index is the derived, non-Merkle keyspace for secondary indexes.
	Index KV
	// TxHash is the hash of the transaction being executed (empty outside a tx).
	TxHash []byte
	// MsgIndex is the position of the message in its transaction.
	MsgIndex int

	events *[]Event
}

// Event is a typed, ordered list of attributes, emitted into the block result.
type Event struct {
	Type  string
	Attrs []Attr
}

// Attr is one event attribute.
type Attr struct{ Key, Value string }

// NewContext returns a context whose events are appended to events.
func NewContext(events *[]Event) Context { return Context{events: events} }

// Emit records an event; attrs are key, value pairs.
func (c Context) Emit(typ string, attrs ...string) {
	if c.events == nil {
		return
	}
	e := Event{Type: typ}
	for i := 0; i+1 < len(attrs); i += 2 {
		e.Attrs = append(e.Attrs, Attr{attrs[i], attrs[i+1]})
	}
	*c.events = append(*c.events, e)
}
