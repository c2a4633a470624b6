package state

import (
	"bytes"
	"sort"

	"github.com/landsea/corridor/x/base"
)

type entry struct {
	value   []byte
	deleted bool
}

// Change is one buffered write: a set, or a delete when Delete is true.
type Change struct {
	Key, Value []byte
	Delete     bool
}

// Cache buffers writes over a parent reader.
type Cache struct {
	parent base.Reader
	writes map[string]entry
	keys   []string // sorted keys of writes; nil when stale
}

var _ base.KV = (*Cache)(nil)

// NewCache returns an empty cache over parent.
func NewCache(parent base.Reader) *Cache {
	return &Cache{parent: parent, writes: make(map[string]entry)}
}

// Get returns the buffered value, or the parent's; nil when absent.
func (c *Cache) Get(key []byte) ([]byte, error) {
	if e, ok := c.writes[string(key)]; ok {
		if e.deleted {
			return nil, nil
		}
		return e.value, nil
	}
	return c.parent.Get(key)
}

// Set buffers a write; value is copied.
func (c *Cache) Set(key, value []byte) {
	c.put(string(key), entry{value: append([]byte{}, value...)})
}

// Delete buffers a delete.
func (c *Cache) Delete(key []byte) {
	c.put(string(key), entry{deleted: true})
}

func (c *Cache) put(k string, e entry) {
	if _, ok := c.writes[k]; !ok {
		c.keys = nil
	}
	c.writes[k] = e
}

func (c *Cache) sortedKeys() []string {
	if c.keys == nil {
		c.keys = make([]string, 0, len(c.writes))
		for k := range c.writes {
			c.keys = append(c.keys, k)
		}
		sort.Strings(c.keys)
	}
	return c.keys
}

// Iterate visits the merged view of buffered writes and the parent in key
// order over [start, end).
func (c *Cache) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	keys := c.sortedKeys()
	i := sort.SearchStrings(keys, string(start))
	inRange := func(k string) bool { return end == nil || k < string(end) }
	// emitOwn emits own writes with keys below limit (all when limit is nil).
	stopped := false
	emitOwn := func(limit []byte) {
		for ; !stopped && i < len(keys) && inRange(keys[i]); i++ {
			if limit != nil && keys[i] >= string(limit) {
				return
			}
			if e := c.writes[keys[i]]; !e.deleted && !fn([]byte(keys[i]), e.value) {
				stopped = true
			}
		}
	}
	err := c.parent.Iterate(start, end, func(k, v []byte) bool {
		emitOwn(k)
		if stopped {
			return false
		}
		if _, own := c.writes[string(k)]; own {
			return true // shadowed by a buffered write, emitted in order by emitOwn
		}
		if !fn(k, v) {
			stopped = true
		}
		return !stopped
	})
	if err != nil {
		return err
	}
	emitOwn(nil)
	return nil
}

// Write copies the buffered writes into parent, in key order.
func (c *Cache) Write(parent *Cache) {
	for _, k := range c.sortedKeys() {
		parent.put(k, c.writes[k])
	}
}

// Changes returns the buffered writes sorted by key.
func (c *Cache) Changes() []Change {
	keys := c.sortedKeys()
	out := make([]Change, 0, len(keys))
	for _, k := range keys {
		e := c.writes[k]
		out = append(out, Change{Key: []byte(k), Value: e.value, Delete: e.deleted})
	}
	return out
}

// Len is the number of buffered writes.
func (c *Cache) Len() int { return len(c.writes) }

// Reset drops every buffered write.
func (c *Cache) Reset() {
	c.writes = make(map[string]entry)
	c.keys = nil
}

// MapReader is a Reader over a sorted in-memory map, for tests and genesis.
type MapReader map[string][]byte

// Get returns the value or nil.
func (m MapReader) Get(key []byte) ([]byte, error) { return m[string(key)], nil }

// Iterate visits keys in order.
func (m MapReader) Iterate(start, end []byte, fn func(k, v []byte) bool) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		if k >= string(start) && (end == nil || bytes.Compare([]byte(k), end) < 0) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !fn([]byte(k), m[k]) {
			return nil
		}
	}
	return nil
}
