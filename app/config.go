package app

import "fmt"

// Limits bound everything a transaction or block may carry. Going over a
// limit is an error with code ErrTxTooLarge, ErrTooManyMessages or
// ErrLimitExceeded, never a truncation.
type Limits struct {
	// TxBytesMax is the largest encoded transaction accepted (bulk batches
	// of thousands of declarations fit).
	TxBytesMax int `toml:"tx_bytes_max"`
	// MessagesPerTxMax is the most messages one transaction may carry.
	MessagesPerTxMax int `toml:"messages_per_tx_max"`
	// EventsPerBlockMax is the most events one block may emit; a transaction
	// that would pass it fails whole.
	EventsPerBlockMax int `toml:"events_per_block_max"`
	// MemoBytesMax bounds the memo.
	MemoBytesMax int `toml:"memo_bytes_max"`
}

// DefaultLimits are the limits a new node starts with.
func DefaultLimits() Limits {
	return Limits{
		TxBytesMax:        8 << 20,
		MessagesPerTxMax:  10000,
		EventsPerBlockMax: 200000,
		MemoBytesMax:      256,
	}
}

// Validate checks each limit against its least value, naming it as
// config.toml's [corridor] section does.
func (l Limits) Validate() error {
	for _, c := range []struct {
		name     string
		got, min int
	}{
		{"tx_bytes_max", l.TxBytesMax, 1},
		{"messages_per_tx_max", l.MessagesPerTxMax, 1},
		{"events_per_block_max", l.EventsPerBlockMax, 1},
		{"memo_bytes_max", l.MemoBytesMax, 0},
	} {
		if c.got < c.min {
			return fmt.Errorf("%s = %d; it must be at least %d", c.name, c.got, c.min)
		}
	}
	return nil
}

// Config is the application part of a node's configuration.
type Config struct {
	Limits Limits
	// RetainVersions is how many recent state versions stay queryable (and
	// how many blocks CometBFT keeps); 0 keeps everything.
	RetainVersions int64
	// SnapshotInterval is how often (in blocks) a state-sync snapshot is
	// taken; 0 disables snapshots.
	SnapshotInterval int64
}

// DefaultConfig is the configuration of a new node.
func DefaultConfig() Config {
	return Config{Limits: DefaultLimits(), RetainVersions: 10000, SnapshotInterval: 0}
}
