package store

import (
	"sync"

	"github.com/cockroachdb/pebble"
)

// iterPool keeps leaf-index iterators of the latest version for readers:
// opening a Pebble iterator costs more than the few-entry bucket scan a proof
// needs. A Pebble iterator sees the state of its creation, so the pool is
// emptied whenever the latest version changes.
type iterPool struct {
	mu      sync.Mutex
	version int64
	free    []*pebble.Iterator
}

const iterPoolMax = 8

// get returns an iterator over the leaf index at version, which the caller
// (holding s.mu for reading) knows to be the latest.
func (p *iterPool) get(db *pebble.DB, version int64) (*pebble.Iterator, error) {
	p.mu.Lock()
	if p.version == version && len(p.free) > 0 {
		it := p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
		p.mu.Unlock()
		return it, nil
	}
	p.mu.Unlock()
	return db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixLeaf}, UpperBound: []byte{prefixLeaf + 1}})
}

// put returns an iterator obtained at version.
func (p *iterPool) put(it *pebble.Iterator, version int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.version == version && len(p.free) < iterPoolMax && it.Error() == nil {
		p.free = append(p.free, it)
		return
	}
	_ = it.Close()
}

// reset closes the pooled iterators and moves the pool to version. Callers
// hold s.mu for writing, so no reader holds an iterator of an older version
// that it would return later... except through put, which closes those.
func (p *iterPool) reset(version int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, it := range p.free {
		_ = it.Close()
	}
	p.free, p.version = nil, version
}
