package store

import (
	"flag"

	"github.com/cockroachdb/pebble/vfs"
)

var rewrite = flag.Bool("rewrite", false, "rewrite golden files in testdata")

func vfsNewMem() vfs.FS { return vfs.NewMem() }
