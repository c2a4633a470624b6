package node

import (
	"bytes"
	"strings"
	"testing"

	cmtcfg "github.com/cometbft/cometbft/config"
)

// TestHaltLogger: consensus's failure line, logged through a logger derived
// with With, trips the halt with the error it names, whatever log_level
// hides; other error lines do not, and every line still reaches the log.
func TestHaltLogger(t *testing.T) {
	for _, level := range []string{"info", "none"} {
		conf := cmtcfg.DefaultConfig()
		conf.LogLevel = level
		var out bytes.Buffer
		base, err := newLogger(conf, &out)
		if err != nil {
			t.Fatal(err)
		}
		h := newHalt()
		logger := haltLogger{base, h}.With("module", "consensus")
		logger.Error("Failed to sign vote", "err", "not yet")
		select {
		case <-h.done:
			t.Fatalf("log_level %s: an ordinary error line stopped the node", level)
		default:
		}
		logger.With("height", 7).Error(consensusFailure, "err", "commit failed: no space left on device", "stack", "...")
		logger.Error(consensusFailure, "err", "a second failure")
		select {
		case <-h.done:
		default:
			t.Fatalf("log_level %s: the consensus failure did not stop the node", level)
		}
		if h.reason != "commit failed: no space left on device" {
			t.Errorf("log_level %s: reason %q, want the first failure's error", level, h.reason)
		}
		if shown := strings.Contains(out.String(), consensusFailure); shown != (level != "none") {
			t.Errorf("log_level %s: failure line in the log %v:\n%s", level, shown, out.String())
		}
	}
}
