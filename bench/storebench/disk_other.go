//go:build !linux

package main

import "errors"

// diskCounter counts a device's reads only on Linux.
type diskCounter struct{}

func newDiskCounter(string) *diskCounter { return nil }

func (d *diskCounter) reads() (ops, bytes int64, ok bool) { return 0, 0, false }

func diskProbe(string) error { return errors.New("-disk needs Linux (O_DIRECT)") }
