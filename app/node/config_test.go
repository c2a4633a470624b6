package node

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtlog "github.com/cometbft/cometbft/libs/log"

	"github.com/landsea/corridor/store"
)

// TestStoreCacheConfig: the bucket and value caches' sizes go from
// config.toml to the store's options; 0 keeps none, and a file written before
// the keys existed gets the defaults.
func TestStoreCacheConfig(t *testing.T) {
	for _, tc := range []struct {
		name            string
		edit            func(AppConfig) AppConfig
		buckets, values int64
	}{
		{"default", func(a AppConfig) AppConfig { return a }, 256 << 20, 128 << 20},
		{"set", func(a AppConfig) AppConfig { a.StoreBucketCacheMiB, a.StoreValueCacheMiB = 640, 2048; return a }, 640 << 20, 2048 << 20},
		{"zero is none", func(a AppConfig) AppConfig { a.StoreBucketCacheMiB, a.StoreValueCacheMiB = 0, 0; return a }, -1, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home, _ := writeTestConfig(t, tc.edit(DefaultAppConfig()))
			_, ac, err := LoadConfig(home)
			if err != nil {
				t.Fatal(err)
			}
			if got := ac.StoreOptions().BucketCacheBytes; got != tc.buckets {
				t.Fatalf("bucket cache %d bytes, want %d", got, tc.buckets)
			}
			if got := ac.StoreOptions().ValueCacheBytes; got != tc.values {
				t.Fatalf("value cache %d bytes, want %d", got, tc.values)
			}
		})
	}
	t.Run("a file without the keys", func(t *testing.T) {
		a := DefaultAppConfig()
		a.StoreBucketCacheMiB, a.StoreValueCacheMiB = 0, 0
		home, path := writeTestConfig(t, a)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var kept []string
		for _, line := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(line, "store_bucket_cache_mib") && !strings.HasPrefix(line, "store_value_cache_mib") {
				kept = append(kept, line)
			}
		}
		if len(kept) != len(strings.Split(string(data), "\n"))-2 {
			t.Fatal("config.toml lacks a store_bucket_cache_mib or a store_value_cache_mib line")
		}
		if err := os.WriteFile(path, []byte(strings.Join(kept, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		_, ac, err := LoadConfig(home)
		if err != nil {
			t.Fatal(err)
		}
		if got := ac.StoreOptions().BucketCacheBytes; got != 256<<20 {
			t.Fatalf("bucket cache %d bytes, want the default %d", got, 256<<20)
		}
		if got := ac.StoreOptions().ValueCacheBytes; got != 128<<20 {
			t.Fatalf("value cache %d bytes, want the default %d", got, 128<<20)
		}
	})
}

// TestStoreLogsToTheNodeLog: the store's lines reach the node's log. A store
// reopened with records warms its bucket cache and says so, as module=store.
func TestStoreLogsToTheNodeLog(t *testing.T) {
	var buf bytes.Buffer
	logger := cmtlog.NewTMLogger(cmtlog.NewSyncWriter(&buf))
	dir := filepath.Join(t.TempDir(), "corridor.db")
	opts := storeOptions(DefaultAppConfig(), logger)
	st, err := store.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	var cs []store.Change
	for i := range 2000 {
		cs = append(cs, store.Change{Key: fmt.Appendf(nil, "record-%d", i), Value: []byte("v")})
	}
	if _, err := st.Stage(cs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err = store.Open(dir, opts); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.WaitForWarmUp() // it logs as it ends
	for _, want := range []string{"module=store", "bucket cache warmed from the leaf index"} {
		if !strings.Contains(buf.String(), want) {
			t.Fatalf("node log lacks %q:\n%s", want, buf.String())
		}
	}
}

// TestConfigRefusesBadSettings: a limit in config.toml that cannot work, a
// negative size or count, or a [corridor] setting that does not exist
// stops the node before it starts, with a message naming the file and the
// setting.
func TestConfigRefusesBadSettings(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"tx_bytes_max = 0", "tx_bytes_max = 0; it must be at least 1"},
		{"messages_per_tx_max = -3", "messages_per_tx_max = -3; it must be at least 1"},
		{"events_per_block_max = 0", "events_per_block_max = 0; it must be at least 1"},
		{"memo_bytes_max = -1", "memo_bytes_max = -1; it must be at least 0"},
		{`tx_bytes_max = "lots"`, "tx_bytes_max"},
		{"retain_versions = -1", "retain_versions = -1: it cannot be negative (0 keeps every version)"},
		{"snapshot_interval = -100", "snapshot_interval = -100: it cannot be negative"},
		{"store_cache_mib = -5", "store_cache_mib = -5: it cannot be negative (0 is the store's default, 256)"},
		{"store_bucket_cache_mib = -1", "store_bucket_cache_mib = -1: it cannot be negative"},
		{"store_value_cache_mib = -2", "store_value_cache_mib = -2: it cannot be negative"},
		{"store_bucket_depth = -2", "store_bucket_depth = -2: it cannot be negative"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			home, path := writeTestConfig(t, DefaultAppConfig())
			setConfigLine(t, path, tc.line)
			_, _, err := LoadConfig(home)
			if err == nil {
				t.Fatalf("%s accepted", tc.line)
			}
			for _, want := range []string{path, "[corridor]", tc.want} {
				if !strings.Contains(err.Error(), want) {
					t.Fatalf("error %q does not say %q", err, want)
				}
			}
		})
	}
	t.Run("a misspelt setting", func(t *testing.T) {
		home, path := writeTestConfig(t, DefaultAppConfig())
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		data = bytes.Replace(data, []byte("store_cache_mib = 256"), []byte("store_cache_mb = 512"), 1)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err = LoadConfig(home)
		if err == nil || !strings.Contains(err.Error(), "[corridor]: unknown setting store_cache_mb; the section has grpc_address") ||
			!strings.Contains(err.Error(), "store_cache_mib") {
			t.Fatalf("store_cache_mb: %v", err)
		}
	})
	t.Run("a memo limit of 0 is no memo", func(t *testing.T) {
		home, path := writeTestConfig(t, DefaultAppConfig())
		setConfigLine(t, path, "memo_bytes_max = 0")
		if _, ac, err := LoadConfig(home); err != nil || ac.MemoBytesMax != 0 {
			t.Fatalf("memo_bytes_max = 0: %d, %v", ac.MemoBytesMax, err)
		}
	})
}

// writeTestConfig writes a config.toml of CometBFT's defaults and a into a
// new home, and returns the home and the file's path.
func writeTestConfig(t *testing.T, a AppConfig) (home, path string) {
	t.Helper()
	home = t.TempDir()
	conf := cmtcfg.DefaultConfig()
	conf.SetRoot(home)
	if err := WriteConfig(home, conf, a); err != nil {
		t.Fatal(err)
	}
	return home, filepath.Join(home, "config", "config.toml")
}

// setConfigLine replaces the line of config.toml that sets the same key as
// line.
func setConfigLine(t *testing.T, path, line string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.Fields(line)[0] + " "
	lines := strings.Split(string(data), "\n")
	found := false
	for i, l := range lines {
		if strings.HasPrefix(l, key) {
			lines[i], found = line, true
		}
	}
	if !found {
		t.Fatalf("config.toml has no %q line", key)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}
