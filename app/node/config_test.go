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

// TestStoreBucketCacheConfig: the bucket cache's size goes from config.toml
// to the store's options; 0 keeps none, and a file written before the key
// existed gets the default.
func TestStoreBucketCacheConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(AppConfig) AppConfig
		want int64
	}{
		{"default", func(a AppConfig) AppConfig { return a }, 256 << 20},
		{"set", func(a AppConfig) AppConfig { a.StoreBucketCacheMiB = 640; return a }, 640 << 20},
		{"zero is none", func(a AppConfig) AppConfig { a.StoreBucketCacheMiB = 0; return a }, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			conf := cmtcfg.DefaultConfig()
			conf.SetRoot(home)
			if err := WriteConfig(home, conf, tc.edit(DefaultAppConfig())); err != nil {
				t.Fatal(err)
			}
			_, ac, err := LoadConfig(home)
			if err != nil {
				t.Fatal(err)
			}
			if got := ac.StoreOptions().BucketCacheBytes; got != tc.want {
				t.Fatalf("bucket cache %d bytes, want %d", got, tc.want)
			}
		})
	}
	t.Run("a file without the key", func(t *testing.T) {
		home := t.TempDir()
		conf := cmtcfg.DefaultConfig()
		conf.SetRoot(home)
		a := DefaultAppConfig()
		a.StoreBucketCacheMiB = 0
		if err := WriteConfig(home, conf, a); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(home, "config", "config.toml")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var kept []string
		for _, line := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(line, "store_bucket_cache_mib") {
				kept = append(kept, line)
			}
		}
		if len(kept) == len(strings.Split(string(data), "\n")) {
			t.Fatal("config.toml has no store_bucket_cache_mib line")
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
