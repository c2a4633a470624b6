package store

import (
	"sync"

	"github.com/cockroachdb/pebble"
)

// iterPool keeps leaf-index iterators of the latest version for proofs:
// opening a Pebble iterator costs more than the few-entry bucket scan a proof
// needs, and a kept iterator keeps each level's current table open for the
// next seek. (Latest reads of the flat index use Pebble's Get instead, see
// Store.latest.) A Pebble iterator sees the state of its creation and pins
// the memtables and files of that state, so the pool is emptied whenever the
// latest version changes and whenever files should be let go (flush, prune,
// compaction); an iterator taken before that is closed when returned.
type iterPool struct {
	mu   sync.Mutex
	gen  uint64
	free []*pebble.Iterator
	open func(reader) (*pebble.Iterator, error)
}

func newIterPool() *iterPool { return &iterPool{open: newLeafIter} }

const iterPoolMax = 8

// get returns an iterator of the latest version (the caller holds s.mu for
// reading) and the generation to return it with.
func (p *iterPool) get(db *pebble.DB) (*pebble.Iterator, uint64, error) {
	p.mu.Lock()
	gen := p.gen
	if n := len(p.free); n > 0 {
		it := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return it, gen, nil
	}
	p.mu.Unlock()
	it, err := p.open(db)
	return it, gen, err
}

// put returns an iterator obtained in generation gen.
func (p *iterPool) put(it *pebble.Iterator, gen uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gen == gen && len(p.free) < iterPoolMax && it.Error() == nil {
		p.free = append(p.free, it)
		return
	}
	_ = it.Close()
}

// reset closes the pooled iterators and starts a new generation.
func (p *iterPool) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, it := range p.free {
		_ = it.Close()
	}
	p.free = nil
	p.gen++
}
