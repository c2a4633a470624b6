package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
	"github.com/landsea/corridor/store"
)

// RunSlots times the writes of a prototype of another persistence for the
// store (docs/store.md, "Known gaps"): the leaves of each bucket (a 4-byte tip
// and the 32-byte leaf hash, as the bucket cache keeps them) live in a file of
// fixed 8 KiB pages, one per group of 2^g neighbouring buckets, read with
// pread and rewritten in place after each commit's Pebble batch; Pebble holds
// only what the store needs besides (the flat index L|key -> value, the
// version's created-key pages, node history every fourth level, the root).
// No leaf index, no bucket summaries: the tree's levels above the buckets stay
// resident as in the store. Crash recovery (replaying the blocks since the
// file's last sync), proofs, pruning and import are not built: this measures
// only what such a layout's writes cost. The run then writes the same keys
// into the store, with the run's bucket depth and caches, as the baseline, and
// requires the prototype's root to be the store's (unless two keys of a
// bucket share their tip, which the prototype orders without their hashes).
func RunSlots(cfg Config) error {
	p, err := openSlotProto(cfg)
	if err != nil {
		return err
	}
	logf("slots: %d keys, bucket depth %d, %d buckets per 8 KiB page (%d leaves at most), %d pages, block cache %d MiB, page file %s",
		cfg.Keys, p.depth, 1<<p.g, p.capacity, p.pages, cfg.CacheBytes>>20, map[bool]string{false: "read and written with pread and pwrite", true: "mapped"}[p.mem != nil])
	stop, err := startProfile(cfg)
	if err != nil {
		return errors.Join(err, p.close())
	}
	prog := newProgress("slots write", cfg.Dir)
	var busy time.Duration
	var root [32]byte
	err = batches(cfg, func(lo, hi int64) error {
		cs := make([]slotChange, hi-lo)
		for i := lo; i < hi; i++ {
			cs[i-lo] = slotChange{key: key(i), value: value(i, cfg.ValueBytes)}
		}
		start := time.Now()
		var err error
		root, err = p.commit(cs)
		busy += time.Since(start)
		prog.tick(hi, cfg.Keys)
		return err
	})
	stop()
	wps := float64(cfg.Keys) / busy.Seconds()
	rss := rssMiB()
	if cerr := p.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fileBytes, pebbleBytes := p.diskUse()
	logf("slots write: %.0f writes/s; pages read %d, written %d, kept in memory (over %d leaves) %d, changes that met a leaf with their tip %d%s",
		wps, p.pagesRead, p.pagesWritten, p.capacity, len(p.over), p.sharedTips, prog.diskReads(cfg.Keys))
	if err := removeContents(cfg.Dir); err != nil {
		return err
	}
	// The store, on the same keys, in the same run: the baseline, and the
	// root the prototype must reach.
	var res Result
	dir := filepath.Join(cfg.Dir, "store")
	s, err := openStore(cfg, dir)
	if err != nil {
		return err
	}
	err = storeWrites(cfg, s, dir, &res)
	got := s.LastCommit().Root
	if err := errors.Join(err, s.Close()); err != nil {
		return err
	}
	switch {
	case bytes.Equal(got, root[:]):
		logf("slots: root %x, the store's root for the same keys", root[:8])
	case p.sharedTips == 0:
		return fmt.Errorf("slots: root %x, the store's %x for the same keys", root, got)
	default:
		logf("slots: root %x, the store's %x: %d changes met a leaf with their tip, which the prototype orders without the keys' hashes", root[:8], got[:8], p.sharedTips)
	}
	fmt.Printf("SLOTS keys=%d slots_wps=%.0f store_wps=%.0f ratio=%.2f slots_rss_mib=%.0f bucket_depth=%d page_buckets=%d mapped=%t pages_in_memory=%d slot_file_bytes_per_key=%.1f slots_pebble_bytes_per_key=%.1f bucket_cache_mib=%d value_cache_mib=%d\n",
		cfg.Keys, wps, res.StoreWPS, wps/res.StoreWPS, rss, p.depth, 1<<p.g, p.mem != nil, len(p.over), float64(fileBytes)/float64(cfg.Keys), float64(pebbleBytes)/float64(cfg.Keys),
		cfg.bucketCacheMiB(), cfg.valueCacheMiB())
	return nil
}

const (
	slotPageBytes  = 8192
	slotLeafBytes  = 36
	slotWorkChunk  = 32 // pages a worker claims at a time
	slotHistStride = 4  // node history on every fourth level, as the store
)

type slotLeaf struct {
	tip  uint32
	hash [32]byte
}

type slotChange struct {
	key, value []byte
	kh, leaf   [32]byte
	bucket     uint32
}

// slotPage is one page's work in a commit: its changes, and the buckets they
// changed with their new hashes.
type slotPage struct {
	page     uint32
	changes  []slotChange
	buckets  []uint32
	hashes   [][32]byte
	encoded  []byte        // the page to write, nil if it no longer fits
	overflow *slotOverflow // the page's leaves when it does not fit
}

type slotProto struct {
	depth, g, capacity int
	pages              uint32
	levels             [][][32]byte // levels[l][i]: node i of level l, 0 = root
	f                  *os.File
	db                 *pebble.DB
	cache              *pebble.Cache
	dir                string
	version            uint64
	over               map[uint32]*slotOverflow // pages that outgrew 8 KiB
	slab               []byte                   // the pages a commit writes
	mem                []byte                   // the file, mapped (-slots-mmap)
	stopSync           chan struct{}
	syncDone           chan error
	pagesRead          int64
	pagesWritten       int64
	sharedTips         int64
}

func openSlotProto(cfg Config) (*slotProto, error) {
	depth := cfg.Depth
	if depth == 0 {
		depth = store.DepthFor(cfg.Keys)
	}
	// As many buckets per page as keep a full page at about 195 leaves (of
	// 226): about one page in a hundred outgrows its 8 KiB.
	perBucket := float64(cfg.Keys) / float64(uint64(1)<<depth)
	g := 0
	for g < 7 && perBucket*float64(uint64(2)<<g) <= 195 {
		g++
	}
	if cfg.PageBuckets > 0 {
		g = bits.Len(uint(cfg.PageBuckets)) - 1
	}
	p := &slotProto{depth: depth, g: g, capacity: (slotPageBytes - 1<<g) / slotLeafBytes,
		pages: uint32(1) << (depth - g), dir: cfg.Dir, over: map[uint32]*slotOverflow{}}
	p.levels = make([][][32]byte, depth+1)
	for l := range p.levels {
		p.levels[l] = make([][32]byte, 1<<l)
	}
	var err error
	p.f, err = os.OpenFile(filepath.Join(cfg.Dir, "slots"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	if err := p.f.Truncate(int64(p.pages) * slotPageBytes); err != nil {
		return nil, errors.Join(err, p.f.Close())
	}
	if cfg.SlotsMmap {
		p.mem, err = syscall.Mmap(int(p.f.Fd()), 0, int(p.pages)*slotPageBytes, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
		if err != nil {
			return nil, errors.Join(err, p.f.Close())
		}
	}
	// The store's Pebble options, less the leaf-index comparer.
	p.cache = pebble.NewCache(cfg.CacheBytes)
	opts := &pebble.Options{Cache: p.cache, MemTableSize: 64 << 20, MemTableStopWritesThreshold: 4,
		L0CompactionThreshold: 4, L0StopWritesThreshold: 36, LBaseMaxBytes: 256 << 20,
		MaxConcurrentCompactions: func() int { return max(2, runtime.GOMAXPROCS(0)) },
		FormatMajorVersion:       pebble.FormatNewest}
	opts.Levels = make([]pebble.LevelOptions, 7)
	for i := range opts.Levels {
		opts.Levels[i] = pebble.LevelOptions{FilterPolicy: bloom.FilterPolicy(10), FilterType: pebble.TableFilter,
			BlockSize: 4 << 10, TargetFileSize: int64(8<<20) << min(i, 3)}
	}
	p.db, err = pebble.Open(filepath.Join(cfg.Dir, "slots-pebble"), opts)
	if err != nil {
		p.cache.Unref()
		return nil, errors.Join(err, p.f.Close())
	}
	// The file is synced every 10 seconds beside the commits; a real store
	// would record the version each sync covers and replay the blocks after
	// it on a restart.
	p.stopSync, p.syncDone = make(chan struct{}), make(chan error, 1)
	go func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-p.stopSync:
				p.syncDone <- p.f.Sync()
				return
			case <-t.C:
				if err := p.f.Sync(); err != nil {
					p.syncDone <- err
					return
				}
			}
		}
	}()
	return p, nil
}

func (p *slotProto) close() error {
	close(p.stopSync)
	err := <-p.syncDone
	if p.mem != nil {
		err = errors.Join(err, syscall.Munmap(p.mem))
	}
	err = errors.Join(err, p.db.Close(), p.f.Close())
	p.cache.Unref()
	return err
}

// diskUse returns the page file's size and the Pebble directory's.
func (p *slotProto) diskUse() (file, peb int64) {
	return int64(p.pages) * slotPageBytes, dirBytes(filepath.Join(p.dir, "slots-pebble"))
}

// commit writes one version: the changes' pages, the resident levels, one
// synced Pebble batch, then the pages into the file.
func (p *slotProto) commit(cs []slotChange) ([32]byte, error) {
	workers := runtime.GOMAXPROCS(0)
	_ = spread(workers, len(cs), func(i int) error {
		c := &cs[i]
		c.kh = sha256.Sum256(c.key)
		vh := sha256.Sum256(c.value)
		var pre [8 + 64]byte
		copy(pre[:], "corridor")
		copy(pre[8:], c.kh[:])
		copy(pre[40:], vh[:])
		c.leaf = sha256.Sum256(pre[:])
		c.bucket = uint32(binary.BigEndian.Uint64(c.kh[:8]) >> (64 - p.depth))
		return nil
	})
	slices.SortFunc(cs, func(a, b slotChange) int { return bytes.Compare(a.kh[:], b.kh[:]) })
	var pages []slotPage
	for i := 0; i < len(cs); {
		pg := cs[i].bucket >> p.g
		j := i + 1
		for j < len(cs) && cs[j].bucket>>p.g == pg {
			j++
		}
		pages = append(pages, slotPage{page: pg, changes: cs[i:j]})
		i = j
	}
	if need := len(pages) * slotPageBytes; cap(p.slab) < need {
		p.slab = make([]byte, need)
	}
	for k := range pages {
		pages[k].encoded = p.slab[k*slotPageBytes : (k+1)*slotPageBytes]
	}
	var next atomic.Int64
	var read, shared atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws := &slotWorker{buf: make([]byte, slotPageBytes)}
			for {
				lo := int(next.Add(slotWorkChunk)) - slotWorkChunk
				if lo >= len(pages) {
					return
				}
				for k := lo; k < min(lo+slotWorkChunk, len(pages)); k++ {
					n, s, err := p.restage(&pages[k], ws)
					if err != nil {
						errs[w] = err
						return
					}
					read.Add(n)
					shared.Add(s)
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return [32]byte{}, err
	}
	p.pagesRead += read.Load()
	p.sharedTips += shared.Load()
	p.version++
	b := p.db.NewBatch()
	defer b.Close()
	hist := p.propagate(pages)
	root := p.levels[0][0]
	// The batch: flat index in key order, created-key pages, node history,
	// root and metadata, as the store writes them.
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return bytes.Compare(cs[a].key, cs[b].key) })
	for _, i := range order {
		if err := b.Set(append([]byte{'L'}, cs[i].key...), cs[i].value, nil); err != nil {
			return root, err
		}
	}
	var ver [8]byte
	binary.BigEndian.PutUint64(ver[:], p.version)
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && cs[j].kh[0] == cs[i].kh[0] {
			j++
		}
		page := make([]byte, 0, 32*(j-i))
		for _, c := range cs[i:j] {
			page = append(page, c.kh[:]...)
		}
		if err := b.Set(slices.Concat([]byte{'U'}, ver[:], []byte{'A', cs[i].kh[0]}), page, nil); err != nil {
			return root, err
		}
		i = j
	}
	for l, blob := range hist {
		if err := b.Set(slices.Concat([]byte{'U'}, ver[:], []byte{'N', byte(l)}), blob, nil); err != nil {
			return root, err
		}
	}
	if err := b.Set(slices.Concat([]byte{'V'}, ver[:]), root[:], nil); err != nil {
		return root, err
	}
	if err := b.Set([]byte("Ml"), slices.Concat(ver[:], root[:]), nil); err != nil {
		return root, err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return root, err
	}
	// Only a committed version's pages reach the file.
	var written atomic.Int64
	werr := spread(workers, len(pages), func(k int) error {
		pg := &pages[k]
		if pg.encoded == nil {
			return nil
		}
		written.Add(1)
		if p.mem != nil {
			copy(p.mem[int64(pg.page)*slotPageBytes:], pg.encoded)
			return nil
		}
		_, err := p.f.WriteAt(pg.encoded, int64(pg.page)*slotPageBytes)
		return err
	})
	for k := range pages {
		if pages[k].encoded == nil {
			p.over[pages[k].page] = pages[k].overflow
		} else {
			delete(p.over, pages[k].page)
		}
	}
	p.pagesWritten += written.Load()
	return root, werr
}

// slotWorker holds one worker's buffers, reused from page to page.
type slotWorker struct {
	buf         []byte
	old, merged []slotLeaf
	oldCount    []int
}

// slotOverflow is a page whose leaves no longer fit in it, kept in memory.
type slotOverflow struct {
	leaves []slotLeaf
	counts []int
}

// restage loads a page's buckets, merges its changes in (both are in tip
// order within a bucket), rehashes the buckets they touched and encodes the
// page. It returns whether the page was read from the file and how many
// changes met a leaf with their tip.
func (p *slotProto) restage(pg *slotPage, w *slotWorker) (read, shared int64, err error) {
	per := 1 << p.g
	w.old, w.oldCount = w.old[:0], w.oldCount[:0]
	if ov, ok := p.over[pg.page]; ok {
		w.old = append(w.old, ov.leaves...)
		w.oldCount = append(w.oldCount, ov.counts...)
	} else {
		if p.mem != nil {
			copy(w.buf, p.mem[int64(pg.page)*slotPageBytes:])
		} else if _, err := p.f.ReadAt(w.buf, int64(pg.page)*slotPageBytes); err != nil {
			return 0, 0, err
		}
		read = 1
		off := per
		for i := range per {
			n := int(w.buf[i])
			if off+n*slotLeafBytes > slotPageBytes {
				return read, 0, fmt.Errorf("slot page %d: bucket %d holds %d leaves past the page's end", pg.page, i, n)
			}
			for range n {
				var l slotLeaf
				l.tip = binary.BigEndian.Uint32(w.buf[off:])
				copy(l.hash[:], w.buf[off+4:off+slotLeafBytes])
				w.old = append(w.old, l)
				off += slotLeafBytes
			}
			w.oldCount = append(w.oldCount, n)
		}
	}
	w.merged = w.merged[:0]
	counts := make([]int, 0, per)
	first := pg.page << p.g
	ci, li := 0, 0
	for b := range per {
		start, end := len(w.merged), li+w.oldCount[b]
		bucket := first + uint32(b)
		changed := false
		for ci < len(pg.changes) && pg.changes[ci].bucket == bucket {
			c := &pg.changes[ci]
			ci++
			changed = true
			tip := uint32(binary.BigEndian.Uint64(c.kh[:8]) << p.depth >> 32)
			for li < end && w.old[li].tip < tip {
				w.merged = append(w.merged, w.old[li])
				li++
			}
			if li < end && w.old[li].tip == tip {
				// The key itself, or another key with this tip: the flat
				// index tells them apart, as the store's bucket cache does.
				shared++
				if _, closer, err := p.db.Get(append([]byte{'L'}, c.key...)); err == nil {
					closer.Close()
					li++
				} else if !errors.Is(err, pebble.ErrNotFound) {
					return read, shared, err
				}
			}
			w.merged = append(w.merged, slotLeaf{tip: tip, hash: c.leaf})
		}
		w.merged = append(w.merged, w.old[li:end]...)
		li = end
		counts = append(counts, len(w.merged)-start)
		if changed {
			pg.buckets = append(pg.buckets, bucket)
			pg.hashes = append(pg.hashes, slotSubtree(w.merged[start:], 0))
		}
	}
	if len(w.merged) > p.capacity {
		pg.encoded, pg.overflow = nil, &slotOverflow{leaves: slices.Clone(w.merged), counts: counts}
		return read, shared, nil
	}
	out := pg.encoded
	for i, n := range counts {
		out[i] = byte(n)
	}
	off := per
	for _, l := range w.merged {
		binary.BigEndian.PutUint32(out[off:], l.tip)
		copy(out[off+4:], l.hash[:])
		off += slotLeafBytes
	}
	clear(out[off:])
	return read, shared, nil
}

// slotSubtree is the node over a bucket's leaves, sorted by tip, splitting
// from the tip's bit `bit` on: the store's tree below the bucket level.
func slotSubtree(ls []slotLeaf, bit int) [32]byte {
	switch {
	case len(ls) == 0:
		return [32]byte{}
	case len(ls) == 1:
		return ls[0].hash
	case bit == 32:
		// Leaves that share every bit of the tip: the store reads their
		// keys' hashes; the prototype pairs them in order.
		return slotPair(slotSubtree(ls[:1], bit), slotSubtree(ls[1:], bit))
	}
	split, _ := slices.BinarySearchFunc(ls, uint32(1)<<(31-bit), func(l slotLeaf, mask uint32) int {
		if l.tip&mask != 0 {
			return 1
		}
		return -1
	})
	if split == 0 || split == len(ls) {
		return slotSubtree(ls, bit+1)
	}
	return slotPair(slotSubtree(ls[:split], bit+1), slotSubtree(ls[split:], bit+1))
}

func slotPair(l, r [32]byte) [32]byte {
	var zero [32]byte
	switch {
	case l == zero:
		return r
	case r == zero:
		return l
	}
	var b [64]byte
	copy(b[:], l[:])
	copy(b[32:], r[:])
	return sha256.Sum256(b[:])
}

// propagate puts the changed buckets' hashes into the bucket level and
// rehashes their ancestors, the two halves of the tree on two goroutines as
// the store does, and returns, per kept history level, the previous values of
// the nodes it changed there (index and hash).
func (p *slotProto) propagate(pages []slotPage) map[int][]byte {
	var idx []uint32
	var hs [][32]byte
	for _, pg := range pages {
		idx = append(idx, pg.buckets...)
		hs = append(hs, pg.hashes...)
	}
	half := len(idx)
	if p.depth > 0 {
		half, _ = slices.BinarySearch(idx, uint32(1)<<(p.depth-1))
	}
	parts := [][2]int{{0, half}, {half, len(idx)}}
	hist := make([]map[int][]byte, 2)
	var wg sync.WaitGroup
	for k, part := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := map[int][]byte{}
			cur := slices.Clone(idx[part[0]:part[1]])
			for j, b := range cur {
				p.keep(h, p.depth, b)
				p.levels[p.depth][b] = hs[part[0]+j]
			}
			for l := p.depth; l > 1; l-- {
				cur = p.rehashParents(h, l, cur)
			}
			hist[k] = h
		}()
	}
	wg.Wait()
	h := hist[0]
	for l, b := range hist[1] {
		h[l] = append(h[l], b...)
	}
	if p.depth > 0 {
		p.rehashParents(h, 1, []uint32{0, 1})
	}
	return h
}

// rehashParents recomputes the parents on level l-1 of the nodes cur of level
// l (sorted) and returns them.
func (p *slotProto) rehashParents(h map[int][]byte, l int, cur []uint32) []uint32 {
	out := cur[:0]
	for _, i := range cur {
		par := i >> 1
		if len(out) > 0 && out[len(out)-1] == par {
			continue
		}
		out = append(out, par)
	}
	for _, par := range out {
		p.keep(h, l-1, par)
		p.levels[l-1][par] = slotPair(p.levels[l][2*par], p.levels[l][2*par+1])
	}
	return out
}

// keep records a node's value before a change, on the kept history levels.
func (p *slotProto) keep(h map[int][]byte, l int, i uint32) {
	if (p.depth-l)%slotHistStride != 0 {
		return
	}
	h[l] = binary.BigEndian.AppendUint32(h[l], i)
	h[l] = append(h[l], p.levels[l][i][:]...)
}

// spread runs fn(0..n-1) on w goroutines; each stops at its first error.
func spread(w, n int, fn func(int) error) error {
	errs := make([]error, w)
	var wg sync.WaitGroup
	for k := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < n && errs[k] == nil; i += w {
				errs[k] = fn(i)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
