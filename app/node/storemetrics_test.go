package node

import (
	"fmt"
	"path/filepath"
	"testing"

	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/landsea/corridor/store"
)

// TestStoreMetrics: the node's Prometheus page shows what the store holds,
// read at each scrape, and a scrape after the store has closed neither
// fails nor panics.
func TestStoreMetrics(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corridor.db")
	opts := storeOptions(DefaultAppConfig(), cmtlog.NewNopLogger())
	noCache := opts
	noCache.BucketCacheBytes = -1 // so that the commits read buckets
	st, err := store.Open(dir, noCache)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(storeCollector{st}); err != nil {
		t.Fatal(err)
	}
	commit := func(from, to int, value string) {
		t.Helper()
		var cs []store.Change
		for i := from; i < to; i++ {
			cs = append(cs, store.Change{Key: fmt.Appendf(nil, "record-%05d", i), Value: []byte(value)})
		}
		if _, err := st.Stage(cs, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	commit(0, 3000, "a")
	commit(2000, 5000, "b") // 1,000 updates, 2,000 new keys
	if got := gather(t, reg); got["corridor_store_changed_leaves_total"] != 6000 ||
		got["corridor_store_scanned_buckets_total"] == 0 || got["corridor_store_scanned_buckets_total"] != float64(st.Stats().ScannedBuckets) {
		t.Errorf("without a bucket cache: %v leaves changed and %v buckets read, want 6000 and Stats' %d", got["corridor_store_changed_leaves_total"],
			got["corridor_store_scanned_buckets_total"], st.Stats().ScannedBuckets)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopened, the cache warms and the totals start again.
	if st, err = store.Open(dir, opts); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg = prometheus.NewPedanticRegistry()
	if err := reg.Register(storeCollector{st}); err != nil {
		t.Fatal(err)
	}
	st.WaitForWarmUp()
	commit(4500, 5500, "c")

	got := gather(t, reg)
	stats := st.Stats()
	want := map[string]float64{
		"corridor_store_keys":                            5500,
		"corridor_store_version":                         3,
		"corridor_store_oldest_version":                  float64(stats.OldestVersion),
		"corridor_store_bucket_cache_buckets":            float64(stats.BucketCacheBuckets),
		"corridor_store_bucket_cache_bytes":              float64(stats.BucketCacheBytes),
		"corridor_store_bucket_cache_warming":            0,
		"corridor_store_bucket_cache_warm_up_read_ratio": 0,
		"corridor_store_changed_leaves_total":            1000,
		"corridor_store_scanned_buckets_total":           float64(stats.ScannedBuckets),
		"corridor_store_value_cache_values":              float64(stats.ValueCacheValues),
		"corridor_store_value_cache_bytes":               float64(stats.ValueCacheBytes),
	}
	// Pebble's figures move on their own: a scrape must match the store's
	// own answer read right after it, in one of a few tries.
	for try := 0; ; try++ {
		u := st.Usage()
		running, debt, disk := u.CompactionsRunning, u.CompactionDebtBytes, u.DiskBytes
		if got["corridor_store_compactions_running"] == float64(running) && got["corridor_store_compaction_debt_bytes"] == float64(debt) &&
			got["corridor_store_disk_bytes"] == float64(disk) {
			break
		}
		if try == 20 {
			t.Fatalf("compactions %v, debt %v, disk bytes %v on the page; the store says %d, %d, %d", got["corridor_store_compactions_running"],
				got["corridor_store_compaction_debt_bytes"], got["corridor_store_disk_bytes"], running, debt, disk)
		}
		got = gather(t, reg)
	}
	for name, v := range want {
		if g, ok := got[name]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", name, g, ok, v)
		}
	}
	if len(got) != len(want)+3 { // and the three of Pebble's above
		t.Errorf("%d store metrics, want %d: %v", len(got), len(want)+3, got)
	}
	if stats.BucketCacheBuckets == 0 || stats.ScannedBuckets != 0 {
		t.Errorf("after the warm-up: %d buckets cached, %d read by the commit; want some and none", stats.BucketCacheBuckets, stats.ScannedBuckets)
	}
	if got["corridor_store_disk_bytes"] < 5500*100 {
		t.Errorf("disk bytes %v for 5,500 keys", got["corridor_store_disk_bytes"])
	}

	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if got := gather(t, reg); got["corridor_store_keys"] != 5500 || got["corridor_store_disk_bytes"] != 0 {
		t.Errorf("after Close: keys %v, disk bytes %v; want 5500 and 0", got["corridor_store_keys"], got["corridor_store_disk_bytes"])
	}
}

// gather scrapes reg: each metric's value by name (metrics without labels).
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			switch {
			case m.GetGauge() != nil:
				out[mf.GetName()] = m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				out[mf.GetName()] = m.GetCounter().GetValue()
			}
		}
	}
	return out
}

// fixedState is a storeState whose figures are set by a test.
type fixedState struct {
	stats store.Stats
	usage store.Usage
}

func (f fixedState) Stats() store.Stats { return f.stats }
func (f fixedState) Usage() store.Usage { return f.usage }

// TestStoreMetricsNames: each metric carries its own figure. Every figure
// differs from every other, so a metric that shows another's figure fails.
func TestStoreMetricsNames(t *testing.T) {
	st := fixedState{
		stats: store.Stats{Keys: 11, Version: 12, OldestVersion: 13, BucketCacheBuckets: 14, BucketCacheBytes: 15,
			WarmingUp: true, WarmUpRead: 0.25, ScannedBuckets: 16, ChangedLeaves: 17, ValueCacheValues: 21, ValueCacheBytes: 22},
		usage: store.Usage{DiskBytes: 18, CompactionsRunning: 19, CompactionDebtBytes: 20},
	}
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(storeCollector{st}); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"corridor_store_keys":                            11,
		"corridor_store_version":                         12,
		"corridor_store_oldest_version":                  13,
		"corridor_store_bucket_cache_buckets":            14,
		"corridor_store_bucket_cache_bytes":              15,
		"corridor_store_bucket_cache_warming":            1,
		"corridor_store_bucket_cache_warm_up_read_ratio": 0.25,
		"corridor_store_scanned_buckets_total":           16,
		"corridor_store_changed_leaves_total":            17,
		"corridor_store_disk_bytes":                      18,
		"corridor_store_compactions_running":             19,
		"corridor_store_compaction_debt_bytes":           20,
		"corridor_store_value_cache_values":              21,
		"corridor_store_value_cache_bytes":               22,
	}
	got := gather(t, reg)
	if len(got) != len(want) {
		t.Errorf("%d metrics, want %d: %v", len(got), len(want), got)
	}
	for name, v := range want {
		if g, ok := got[name]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", name, g, ok, v)
		}
	}
}
