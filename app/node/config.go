package node

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"text/template"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/spf13/viper"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/store"
)

// AppConfig is the [corridor] section of config.toml: everything the
// application and its API need beyond CometBFT's own settings.
type AppConfig struct {
	GRPCAddress         string `mapstructure:"grpc_address"`
	GRPCTLSCert         string `mapstructure:"grpc_tls_cert"`
	GRPCTLSKey          string `mapstructure:"grpc_tls_key"`
	GRPCClientCA        string `mapstructure:"grpc_client_ca"`
	RetainVersions      int64  `mapstructure:"retain_versions"`
	SnapshotInterval    int64  `mapstructure:"snapshot_interval"`
	StoreBucketDepth    int    `mapstructure:"store_bucket_depth"`
	StoreCacheMiB       int64  `mapstructure:"store_cache_mib"`
	StoreBucketCacheMiB int64  `mapstructure:"store_bucket_cache_mib"`
	StoreValueCacheMiB  int64  `mapstructure:"store_value_cache_mib"`
	TxBytesMax          int    `mapstructure:"tx_bytes_max"`
	MessagesPerTxMax    int    `mapstructure:"messages_per_tx_max"`
	EventsPerBlockMax   int    `mapstructure:"events_per_block_max"`
	MemoBytesMax        int    `mapstructure:"memo_bytes_max"`
	DemoLoad            bool   `mapstructure:"demo_load"`
}

// DefaultAppConfig is the [corridor] section of a new node.
func DefaultAppConfig() AppConfig {
	d := app.DefaultConfig()
	return AppConfig{
		GRPCAddress:         "127.0.0.1:9090",
		RetainVersions:      d.RetainVersions,
		SnapshotInterval:    d.SnapshotInterval,
		StoreBucketDepth:    16,
		StoreCacheMiB:       256,
		StoreBucketCacheMiB: 256,
		StoreValueCacheMiB:  128,
		TxBytesMax:          d.Limits.TxBytesMax,
		MessagesPerTxMax:    d.Limits.MessagesPerTxMax,
		EventsPerBlockMax:   d.Limits.EventsPerBlockMax,
		MemoBytesMax:        d.Limits.MemoBytesMax,
	}
}

// StoreOptions returns the store's options from the [corridor] section: the
// bucket depth for a new store and the three caches (a bucket or value cache
// of 0 MiB is none).
func (c AppConfig) StoreOptions() store.Options {
	orNone := func(mib int64) int64 {
		if mib <= 0 {
			return -1
		}
		return mib << 20
	}
	return store.Options{BucketDepth: c.StoreBucketDepth, CacheBytes: c.StoreCacheMiB << 20,
		BucketCacheBytes: orNone(c.StoreBucketCacheMiB), ValueCacheBytes: orNone(c.StoreValueCacheMiB)}
}

// App returns the application configuration.
func (c AppConfig) App() app.Config {
	return app.Config{
		Limits: app.Limits{TxBytesMax: c.TxBytesMax, MessagesPerTxMax: c.MessagesPerTxMax,
			EventsPerBlockMax: c.EventsPerBlockMax, MemoBytesMax: c.MemoBytesMax},
		RetainVersions:   c.RetainVersions,
		SnapshotInterval: c.SnapshotInterval,
	}
}

const appSection = `
#######################################################################
###                 Corridor application options                    ###
#######################################################################
[corridor]

# gRPC API address (submit, query, audit, stream). Keep it on loopback or
# behind TLS: set grpc_tls_cert and grpc_tls_key to serve TLS, and
# grpc_client_ca to require client certificates (mutual TLS).
grpc_address = "{{ .GRPCAddress }}"
grpc_tls_cert = "{{ .GRPCTLSCert }}"
grpc_tls_key = "{{ .GRPCTLSKey }}"
grpc_client_ca = "{{ .GRPCClientCA }}"

# How many recent state versions stay queryable (older history is dropped
# and CometBFT may prune its blocks the same way); 0 keeps everything.
retain_versions = {{ .RetainVersions }}

# Take a state-sync snapshot every this many blocks; 0 disables.
snapshot_interval = {{ .SnapshotInterval }}

# Store: resident tree depth used when the store is created (about
# log2(expected records / 8); 16 suits up to ~500k records, 24 ~130M), the
# Pebble block cache, the bucket cache, which spares commits and proofs
# most reads of the leaf index (about 40 bytes per record to hold them all;
# 0 keeps none), and the value cache, which keeps the latest values blocks
# wrote so that reading them needs no disk lookup (a record's key and value
# and about 37 bytes; 0 keeps none).
store_bucket_depth = {{ .StoreBucketDepth }}
store_cache_mib = {{ .StoreCacheMiB }}
store_bucket_cache_mib = {{ .StoreBucketCacheMiB }}
store_value_cache_mib = {{ .StoreValueCacheMiB }}

# Limits on what a transaction or block may carry. All nodes of a network
# must use the same limits: they decide which transactions succeed.
tx_bytes_max = {{ .TxBytesMax }}
messages_per_tx_max = {{ .MessagesPerTxMax }}
events_per_block_max = {{ .EventsPerBlockMax }}
memo_bytes_max = {{ .MemoBytesMax }}

# Submit the demo data (make run) once, on the first start.
demo_load = {{ .DemoLoad }}
`

// WriteConfig writes config.toml: CometBFT's settings and the [corridor]
// section.
func WriteConfig(home string, c *cmtcfg.Config, a AppConfig) error {
	path := filepath.Join(home, "config", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	cmtcfg.WriteConfigFile(path, c)
	var buf bytes.Buffer
	if err := template.Must(template.New("app").Parse(appSection)).Execute(&buf, a); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// LoadConfig reads <home>/config/config.toml.
func LoadConfig(home string) (*cmtcfg.Config, AppConfig, error) {
	path := filepath.Join(home, "config", "config.toml")
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, AppConfig{}, fmt.Errorf("no node at %s: %s is missing; run 'corridord init --home %s' first", home, path, home)
		}
		return nil, AppConfig{}, err
	}
	v := viper.New()
	v.SetConfigFile(path)
	if err := v.ReadInConfig(); err != nil {
		return nil, AppConfig{}, fmt.Errorf("%s: %w", path, err)
	}
	conf := cmtcfg.DefaultConfig()
	if err := v.Unmarshal(conf); err != nil {
		return nil, AppConfig{}, fmt.Errorf("%s: %w", path, err)
	}
	conf.SetRoot(home)
	ac := DefaultAppConfig()
	if sub := v.Sub("corridor"); sub != nil {
		if err := checkKnownKeys(sub.AllKeys()); err != nil {
			return nil, AppConfig{}, fmt.Errorf("%s [corridor]: %w", path, err)
		}
		if err := sub.Unmarshal(&ac); err != nil {
			return nil, AppConfig{}, fmt.Errorf("%s [corridor]: %w", path, err)
		}
	}
	if err := conf.ValidateBasic(); err != nil {
		return nil, AppConfig{}, fmt.Errorf("%s: %w", path, err)
	}
	if err := ac.Validate(); err != nil {
		return nil, AppConfig{}, fmt.Errorf("%s [corridor]: %w", path, err)
	}
	return conf, ac, nil
}

// checkKnownKeys refuses a [corridor] setting AppConfig does not have: a
// misspelt one would otherwise be ignored, and the node run with the
// default the operator meant to change.
func checkKnownKeys(keys []string) error {
	known := map[string]bool{}
	var names []string
	t := reflect.TypeOf(AppConfig{})
	for i := 0; i < t.NumField(); i++ {
		name := t.Field(i).Tag.Get("mapstructure")
		known[name] = true
		names = append(names, name)
	}
	var unknown []string
	for _, k := range keys {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("unknown setting %s; the section has %s", strings.Join(unknown, ", "), strings.Join(names, ", "))
}

// Validate checks the settings that have a range.
func (c AppConfig) Validate() error {
	for _, s := range []struct {
		name  string
		value int64
		means string
	}{
		{"retain_versions", c.RetainVersions, "0 keeps every version"},
		{"snapshot_interval", c.SnapshotInterval, "0 takes no snapshots"},
		{"store_cache_mib", c.StoreCacheMiB, "0 is the store's default, 256"},
		{"store_bucket_cache_mib", c.StoreBucketCacheMiB, "0 keeps no bucket cache"},
		{"store_value_cache_mib", c.StoreValueCacheMiB, "0 keeps no value cache"},
		{"store_bucket_depth", int64(c.StoreBucketDepth), "0 is the store's default"},
	} {
		if s.value < 0 {
			return fmt.Errorf("%s = %d: it cannot be negative (%s)", s.name, s.value, s.means)
		}
	}
	return c.App().Limits.Validate()
}
