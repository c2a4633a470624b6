package node

import (
	"fmt"
	"sync"

	cmtlog "github.com/cometbft/cometbft/libs/log"
)

// consensusFailure is what CometBFT's consensus logs, at error level, when
// it stops for good: an ABCI call failed (the store could not write a
// block, say on a full disk) or consensus could not write its own files
// (priv_validator_state.json, its WAL). Consensus does not go on after it,
// yet the process would keep serving RPC, gRPC and metrics from the last
// committed state, looking alive. So Run stops the node and returns the
// failure, and a supervisor that restarts failed processes restarts it: the
// restarted node resumes from its last committed block, or, if the cause is
// still there, fails at start saying what it is.
const consensusFailure = "CONSENSUS FAILURE!!!"

// halt is tripped once, by the first consensus failure logged.
type halt struct {
	once   sync.Once
	done   chan struct{}
	reason string
}

func newHalt() *halt { return &halt{done: make(chan struct{})} }

func (h *halt) trip(reason string) {
	h.once.Do(func() {
		h.reason = reason
		close(h.done)
	})
}

// haltLogger passes every line on to the node's logger and trips h when
// consensus logs its failure.
type haltLogger struct {
	cmtlog.Logger
	h *halt
}

func (l haltLogger) Error(msg string, keyvals ...any) {
	l.Logger.Error(msg, keyvals...)
	if msg == consensusFailure {
		reason := "no reason given"
		for i := 0; i+1 < len(keyvals); i += 2 {
			if keyvals[i] == "err" {
				reason = fmt.Sprint(keyvals[i+1])
			}
		}
		l.h.trip(reason)
	}
}

func (l haltLogger) With(keyvals ...any) cmtlog.Logger {
	return haltLogger{l.Logger.With(keyvals...), l.h}
}
