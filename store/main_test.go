package store

import (
	"flag"
	"os"
	"runtime"
	"testing"

	"github.com/cockroachdb/pebble/vfs"
)

var rewrite = flag.Bool("rewrite", false, "rewrite golden files in testdata")

func vfsNewMem() vfs.FS { return vfs.NewMem() }

// TestMain makes a fatal Pebble error on a Pebble goroutine (a flush or
// compaction hitting an injected I/O error) end only that goroutine instead of
// the test process; stores failed that way keep running in the background
// until the process exits, so this holds for the whole run.
func TestMain(m *testing.M) {
	fatalInBackground = func(string) { runtime.Goexit() }
	os.Exit(m.Run())
}
