package node

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/landsea/corridor/store"
)

// storeCollector serves the store's state on the node's Prometheus page,
// read from the store at each scrape: its size, its versions, the bucket
// cache and its warm-up after a start, how often commits read a bucket from
// disk, and Pebble's disk use and compaction backlog.
type storeCollector struct {
	st storeState
}

// storeState is what storeCollector reads from the store (*store.Store).
type storeState interface {
	Stats() store.Stats
	Usage() store.Usage
}

var (
	storeKeysDesc = prometheus.NewDesc("corridor_store_keys",
		"Merkle keys at the latest version.", nil, nil)
	storeVersionDesc = prometheus.NewDesc("corridor_store_version",
		"Latest committed version (the block height).", nil, nil)
	storeOldestDesc = prometheus.NewDesc("corridor_store_oldest_version",
		"Oldest version still readable (the retention point).", nil, nil)
	storeDiskDesc = prometheus.NewDesc("corridor_store_disk_bytes",
		"Bytes the store's files take on disk.", nil, nil)
	storeCompactingDesc = prometheus.NewDesc("corridor_store_compactions_running",
		"Pebble compactions running now.", nil, nil)
	storeDebtDesc = prometheus.NewDesc("corridor_store_compaction_debt_bytes",
		"Bytes Pebble estimates it must still compact.", nil, nil)
	cacheBytesDesc = prometheus.NewDesc("corridor_store_bucket_cache_bytes",
		"Bytes the bucket cache holds, counted against store_bucket_cache_mib.", nil, nil)
	cacheBucketsDesc = prometheus.NewDesc("corridor_store_bucket_cache_buckets",
		"Buckets the bucket cache holds.", nil, nil)
	warmingDesc = prometheus.NewDesc("corridor_store_bucket_cache_warming",
		"1 while the bucket cache fills from disk after a start or a state sync, else 0.", nil, nil)
	warmReadDesc = prometheus.NewDesc("corridor_store_bucket_cache_warm_up_read_ratio",
		"Share of the buckets the running warm-up has read, 0 to 1 (0 when none runs).", nil, nil)
	valueBytesDesc = prometheus.NewDesc("corridor_store_value_cache_bytes",
		"Bytes the value cache holds, counted against store_value_cache_mib.", nil, nil)
	valuesDesc = prometheus.NewDesc("corridor_store_value_cache_values",
		"Latest values the value cache holds.", nil, nil)
	scannedDesc = prometheus.NewDesc("corridor_store_scanned_buckets_total",
		"Buckets commits read from disk since the node started: a miss of the bucket cache.", nil, nil)
	changedDesc = prometheus.NewDesc("corridor_store_changed_leaves_total",
		"Leaves commits changed since the node started.", nil, nil)
)

func (c storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{storeKeysDesc, storeVersionDesc, storeOldestDesc, storeDiskDesc,
		storeCompactingDesc, storeDebtDesc, cacheBytesDesc, cacheBucketsDesc, warmingDesc, warmReadDesc,
		valueBytesDesc, valuesDesc, scannedDesc, changedDesc} {
		ch <- d
	}
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	st, u := c.st.Stats(), c.st.Usage()
	warming := 0.0
	if st.WarmingUp {
		warming = 1
	}
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	gauge(storeKeysDesc, float64(st.Keys))
	gauge(storeVersionDesc, float64(st.Version))
	gauge(storeOldestDesc, float64(st.OldestVersion))
	gauge(storeDiskDesc, float64(u.DiskBytes))
	gauge(storeCompactingDesc, float64(u.CompactionsRunning))
	gauge(storeDebtDesc, float64(u.CompactionDebtBytes))
	gauge(cacheBytesDesc, float64(st.BucketCacheBytes))
	gauge(cacheBucketsDesc, float64(st.BucketCacheBuckets))
	gauge(warmingDesc, warming)
	gauge(warmReadDesc, st.WarmUpRead)
	gauge(valueBytesDesc, float64(st.ValueCacheBytes))
	gauge(valuesDesc, float64(st.ValueCacheValues))
	ch <- prometheus.MustNewConstMetric(scannedDesc, prometheus.CounterValue, float64(st.ScannedBuckets))
	ch <- prometheus.MustNewConstMetric(changedDesc, prometheus.CounterValue, float64(st.ChangedLeaves))
}
