//go:build linux

package main

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// diskCounter reads the kernel's counters of completed reads for the block
// device that holds a directory (/proc/diskstats). Unlike the process's own
// read counters, they count only reads that reached the device, not those the
// OS page cache served: at 100M keys, how many of the bucket reads and
// compactions' reads go to the disk. The counters are the device's, so other
// processes' reads count too.
type diskCounter struct {
	major, minor uint64
}

// newDiskCounter returns the counter of dir's device, or nil if the kernel
// keeps no counters for it (a tmpfs, an overlay).
func newDiskCounter(dir string) *diskCounter {
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil {
		return nil
	}
	dev := uint64(st.Dev)
	d := &diskCounter{
		major: (dev>>8)&0xfff | (dev>>32)&^0xfff,
		minor: dev&0xff | (dev>>12)&^0xff,
	}
	if _, _, ok := d.reads(); !ok {
		return nil
	}
	return d
}

// reads returns the reads completed and the bytes read since boot.
func (d *diskCounter) reads() (ops, bytes int64, ok bool) {
	if d == nil {
		return 0, 0, false
	}
	f, err := os.Open("/proc/diskstats")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// major minor name reads merged sectors ms ...
		fs := strings.Fields(sc.Text())
		if len(fs) < 6 || fs[0] != strconv.FormatUint(d.major, 10) || fs[1] != strconv.FormatUint(d.minor, 10) {
			continue
		}
		ops, err1 := strconv.ParseInt(fs[3], 10, 64)
		sectors, err2 := strconv.ParseInt(fs[5], 10, 64)
		return ops, sectors * 512, err1 == nil && err2 == nil
	}
	return 0, 0, false
}

// diskProbe measures random 4 KiB reads that bypass the OS page cache
// (O_DIRECT) from a 4 GiB file in dir, at several queue depths: how many
// reads a second the disk serves, and how long each takes. A bucket read that
// misses both caches is one such read, made by one of the store's restaging
// workers (one per core) while it waits for it.
func diskProbe(dir string) error {
	const fileBytes = 4 << 30
	const block = 4096
	path := filepath.Join(dir, "storebench-disk-probe")
	if err := writeProbeFile(path, fileBytes); err != nil {
		return err
	}
	defer os.Remove(path)
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECT, 0)
	if err != nil {
		return fmt.Errorf("open %s with O_DIRECT: %w", path, err)
	}
	defer syscall.Close(fd)
	var line strings.Builder
	for _, qd := range []int{1, 2, 4, 8, 16, 32} {
		n := 8000 * min(qd, 8)
		errs := make([]error, qd)
		var wg sync.WaitGroup
		start := time.Now()
		for w := range qd {
			wg.Add(1)
			go func() {
				defer wg.Done()
				raw := make([]byte, 2*block)
				off := (block - int(uintptr(unsafe.Pointer(&raw[0]))%block)) % block
				buf := raw[off : off+block] // O_DIRECT wants an aligned buffer
				rng := rand.New(rand.NewSource(int64(w + 1)))
				for i := w; i < n && errs[w] == nil; i += qd {
					_, errs[w] = syscall.Pread(fd, buf, rng.Int63n(fileBytes/block)*block)
				}
			}()
		}
		wg.Wait()
		d := time.Since(start)
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		iops := float64(n) / d.Seconds()
		logf("disk: %d reads in flight: %.0f reads/s, %.0f µs each", qd, iops, float64(qd)*1e6/iops)
		fmt.Fprintf(&line, " qd%d_iops=%.0f qd%d_us=%.0f", qd, iops, qd, float64(qd)*1e6/iops)
	}
	fmt.Printf("DISK%s dir=%s\n", line.String(), dir)
	return nil
}

// writeProbeFile writes n bytes of random data to path, synced, unless a file
// of that size is there already.
func writeProbeFile(path string, n int64) error {
	if st, err := os.Stat(path); err == nil && st.Size() == n {
		return nil
	}
	logf("disk: writing %d MiB to %s", n>>20, path)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	rand.New(rand.NewSource(1)).Read(buf)
	for w := int64(0); w < n && err == nil; w += int64(len(buf)) {
		_, err = f.Write(buf)
	}
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}
