package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/cockroachdb/pebble/vfs"
)

// failStopFS wraps the filesystem Pebble uses and stops all writing after the
// first I/O error anywhere.
//
// Why: Pebble 1.x, when a compaction cannot read a block of an input table,
// skips that block and installs an output missing its keys, reporting success
// (fixed upstream only in Pebble 2). A store whose tree lost leaves would keep
// committing wrong roots. Refusing every write from the first error on makes
// such a compaction fail instead of being installed, and fails the store
// (every call returns ErrFailed); after a restart the data on disk is still
// the last committed version. "Not found", end-of-file and the errors of
// advisory calls (Prefetch, GetDiskUsage) are not I/O errors.
type failStopFS struct {
	vfs.FS
	err atomic.Pointer[error]
}

func newFailStopFS(fs vfs.FS) *failStopFS { return &failStopFS{FS: fs} }

// failure returns the first I/O error seen, or nil.
func (f *failStopFS) failure() error {
	if p := f.err.Load(); p != nil {
		return *p
	}
	return nil
}

// note records err if it is a real I/O error and returns it unchanged.
func (f *failStopFS) note(err error) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrExist) {
		return err
	}
	wrapped := fmt.Errorf("i/o error: %w", err)
	f.err.CompareAndSwap(nil, &wrapped)
	return err
}

// writable returns the recorded error, which every mutating call then returns.
func (f *failStopFS) writable() error { return f.failure() }

func (f *failStopFS) wrap(file vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, f.note(err)
	}
	return &failStopFile{File: file, fs: f}, nil
}

func (f *failStopFS) Create(name string) (vfs.File, error) {
	if err := f.writable(); err != nil {
		return nil, err
	}
	return f.wrap(f.FS.Create(name))
}

func (f *failStopFS) Open(name string, opts ...vfs.OpenOption) (vfs.File, error) {
	return f.wrap(f.FS.Open(name, opts...))
}

func (f *failStopFS) OpenReadWrite(name string, opts ...vfs.OpenOption) (vfs.File, error) {
	if err := f.writable(); err != nil {
		return nil, err
	}
	return f.wrap(f.FS.OpenReadWrite(name, opts...))
}

func (f *failStopFS) OpenDir(name string) (vfs.File, error) { return f.wrap(f.FS.OpenDir(name)) }

func (f *failStopFS) ReuseForWrite(oldname, newname string) (vfs.File, error) {
	if err := f.writable(); err != nil {
		return nil, err
	}
	return f.wrap(f.FS.ReuseForWrite(oldname, newname))
}

func (f *failStopFS) Link(oldname, newname string) error {
	if err := f.writable(); err != nil {
		return err
	}
	return f.note(f.FS.Link(oldname, newname))
}

func (f *failStopFS) Remove(name string) error {
	if err := f.writable(); err != nil {
		return err
	}
	return f.note(f.FS.Remove(name))
}

func (f *failStopFS) RemoveAll(name string) error {
	if err := f.writable(); err != nil {
		return err
	}
	return f.note(f.FS.RemoveAll(name))
}

func (f *failStopFS) Rename(oldname, newname string) error {
	if err := f.writable(); err != nil {
		return err
	}
	return f.note(f.FS.Rename(oldname, newname))
}

func (f *failStopFS) MkdirAll(dir string, perm os.FileMode) error {
	if err := f.writable(); err != nil {
		return err
	}
	return f.note(f.FS.MkdirAll(dir, perm))
}

func (f *failStopFS) List(dir string) ([]string, error) {
	l, err := f.FS.List(dir)
	return l, f.note(err)
}

func (f *failStopFS) Stat(name string) (os.FileInfo, error) {
	fi, err := f.FS.Stat(name)
	return fi, f.note(err)
}

// failStopFile records errors of one file and refuses writes after any.
type failStopFile struct {
	vfs.File
	fs *failStopFS
}

func (f *failStopFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	return n, f.fs.note(err)
}

func (f *failStopFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.File.ReadAt(p, off)
	return n, f.fs.note(err)
}

func (f *failStopFile) Write(p []byte) (int, error) {
	if err := f.fs.writable(); err != nil {
		return 0, err
	}
	n, err := f.File.Write(p)
	return n, f.fs.note(err)
}

func (f *failStopFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.fs.writable(); err != nil {
		return 0, err
	}
	n, err := f.File.WriteAt(p, off)
	return n, f.fs.note(err)
}

func (f *failStopFile) Sync() error {
	if err := f.fs.writable(); err != nil {
		return err
	}
	return f.fs.note(f.File.Sync())
}

func (f *failStopFile) SyncData() error {
	if err := f.fs.writable(); err != nil {
		return err
	}
	return f.fs.note(f.File.SyncData())
}

func (f *failStopFile) SyncTo(length int64) (bool, error) {
	if err := f.fs.writable(); err != nil {
		return false, err
	}
	full, err := f.File.SyncTo(length)
	return full, f.fs.note(err)
}

func (f *failStopFile) Preallocate(off, n int64) error {
	if err := f.fs.writable(); err != nil {
		return err
	}
	return f.fs.note(f.File.Preallocate(off, n))
}

func (f *failStopFile) Close() error { return f.fs.note(f.File.Close()) }

func (f *failStopFile) Stat() (os.FileInfo, error) {
	fi, err := f.File.Stat()
	return fi, f.fs.note(err)
}

func (f *failStopFS) Lock(name string) (io.Closer, error) {
	c, err := f.FS.Lock(name)
	return c, f.note(err)
}
