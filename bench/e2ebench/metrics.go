package main

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// nodeMetrics are the counters read from the node's Prometheus endpoint
// that say where a workload's time went inside the node.
type nodeMetrics struct {
	// seconds spent in each ABCI method, by CometBFT's
	// abci_connection_method_timing_seconds (check_tx includes waiting for
	// the application lock that block execution holds)
	abciSeconds map[string]float64
	abciCalls   map[string]float64
	checkTxs    float64 // corridor_txs_total{stage="check"}: CheckTx and recheck calls
}

// scrapeMetrics reads the node's /metrics.
func scrapeMetrics(addr string) (nodeMetrics, error) {
	m := nodeMetrics{abciSeconds: map[string]float64{}, abciCalls: map[string]float64{}}
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + addr + "/metrics")
	if err != nil {
		return m, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		series := line[:sp]
		switch {
		case strings.Contains(series, "abci_connection_method_timing_seconds_sum"):
			m.abciSeconds[label(series, "method")] += v
		case strings.Contains(series, "abci_connection_method_timing_seconds_count"):
			m.abciCalls[label(series, "method")] += v
		case strings.HasPrefix(series, "corridor_txs_total") && label(series, "stage") == "check":
			m.checkTxs += v
		}
	}
	if err := sc.Err(); err != nil {
		return m, err
	}
	if len(m.abciCalls) == 0 {
		return m, fmt.Errorf("no abci_connection metrics at %s/metrics", addr)
	}
	return m, nil
}

// label returns the value of name in a Prometheus series string.
func label(series, name string) string {
	i := strings.Index(series, name+`="`)
	if i < 0 {
		return ""
	}
	rest := series[i+len(name)+2:]
	if j := strings.IndexByte(rest, '"'); j >= 0 {
		return rest[:j]
	}
	return ""
}

// sub is m minus an earlier scrape.
func (m nodeMetrics) sub(before nodeMetrics) nodeMetrics {
	out := nodeMetrics{abciSeconds: map[string]float64{}, abciCalls: map[string]float64{}, checkTxs: m.checkTxs - before.checkTxs}
	for k, v := range m.abciSeconds {
		out.abciSeconds[k] = v - before.abciSeconds[k]
	}
	for k, v := range m.abciCalls {
		out.abciCalls[k] = v - before.abciCalls[k]
	}
	return out
}

// describe says where the node's time went during one workload of txs
// transactions that took elapsed. CheckTx time is not given: the metric
// includes waiting for the application lock, which concurrent submitters
// and block execution hold, so its sum exceeds the wall time.
func (m nodeMetrics) describe(txs int, elapsed time.Duration) string {
	s := m.abciSeconds
	inBlocks := s["finalize_block"] + s["commit"] + s["prepare_proposal"] + s["process_proposal"]
	return fmt.Sprintf("in the app: FinalizeBlock %.2fs, Commit %.2fs, Prepare+ProcessProposal %.2fs; outside block execution %.2fs; %.0f CheckTx calls for %d txs (the rest are rechecks after a block)",
		s["finalize_block"], s["commit"], s["prepare_proposal"]+s["process_proposal"], elapsed.Seconds()-inBlocks, m.checkTxs, txs)
}
