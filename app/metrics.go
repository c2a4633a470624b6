package app

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/landsea/corridor/x/base"
)

// Metrics are the application's Prometheus metrics, served beside
// CometBFT's on the node's Prometheus endpoint.
type Metrics struct {
	txs           *prometheus.CounterVec
	commitSeconds prometheus.Histogram
	commitWrites  prometheus.Histogram
	records       *prometheus.CounterVec
}

// NewMetrics registers the metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		txs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "corridor", Name: "txs_total",
			Help: "Transactions seen, by stage (check, deliver), codespace and code (0 = accepted).",
		}, []string{"stage", "codespace", "code"}),
		commitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "corridor", Name: "store_commit_seconds",
			Help: "Time to persist one block through the store.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		commitWrites: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "corridor", Name: "store_commit_writes",
			Help: "Keys written per committed block (state and indexes).", Buckets: prometheus.ExponentialBuckets(1, 4, 12),
		}),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "corridor", Name: "records_total",
			Help: "Records written by each module, by event type.",
		}, []string{"event"}),
	}
	if reg != nil {
		reg.MustRegister(m.txs, m.commitSeconds, m.commitWrites, m.records)
	}
	return m
}

// NopMetrics returns metrics registered nowhere.
func NopMetrics() *Metrics { return NewMetrics(nil) }

func (m *Metrics) observeTx(stage string, err error) {
	codespace, code, _ := base.ABCIInfo(err)
	m.txs.WithLabelValues(stage, codespace, itoa(int(code))).Inc()
}

func (m *Metrics) observeCommit(d time.Duration, writes int) {
	m.commitSeconds.Observe(d.Seconds())
	m.commitWrites.Observe(float64(writes))
}

// observeEvents counts the records a successful tx wrote, by event type
// (e.g. membership.member_registered).
func (m *Metrics) observeEvents(events []base.Event) {
	for _, e := range events {
		m.records.WithLabelValues(e.Type).Inc()
	}
}
