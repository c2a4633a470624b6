package store

import (
	"encoding/binary"
	"slices"
)

// arena keeps byte records under 64-bit ids within a budget of bytes, for
// the store's in-memory caches (bucketCache, valueCache). Records are
// appended to large chunks and found through a map of plain integers, so the
// garbage collector has nothing in it to scan: a first bucket cache with one
// slice per bucket spent much of a write run's time in collections.
//
// Each entry counts its header, its record and arenaEntryOverhead (its slot
// in the map, roughly) against the budget. An entry replaced or removed
// leaves its bytes behind in its chunk; compact copies the live entries out
// of the chunks with the fewest until the bytes left behind are at most a
// quarter of the arena. set makes room in a full arena by removing other
// entries, picked at random. The zero arena, and one with no budget, hold
// nothing. Callers serialize access.
type arena struct {
	budget int64
	used   int64             // entries' bytes, with arenaEntryOverhead each
	loc    map[uint64]uint64 // id -> chunk<<32 | offset of its entry
	chunks [][]byte          // nil once emptied, until reused
	live   []int             // bytes of each chunk's entries still in loc
	cur    int               // the chunk new entries go into, if any
	held   int64             // bytes of the chunks in use
}

const (
	arenaHeaderLen     = 8 + 4 // an entry: id, record length, then the record
	arenaEntryOverhead = 24
	arenaChunkBytes    = 4 << 20
	// arenaMaxRecord bounds a record: an entry must fit in one chunk.
	arenaMaxRecord = arenaChunkBytes - arenaHeaderLen
)

func newArena(budget int64) arena {
	return arena{budget: max(budget, 0), loc: make(map[uint64]uint64)}
}

// get returns id's record, if it has one. The slice is the arena's own and
// is valid until the arena next changes.
func (a *arena) get(id uint64) ([]byte, bool) {
	at, ok := a.loc[id]
	if !ok {
		return nil, false
	}
	chunk, off := a.chunks[at>>32], int(uint32(at))
	n := int(binary.BigEndian.Uint32(chunk[off+8:]))
	return chunk[off+arenaHeaderLen : off+arenaHeaderLen+n], true
}

// set makes rec id's record, or removes id's entry if rec is nil. If the
// budget has no room for the entry, other entries go, picked at random,
// until it has; an entry bigger than the whole budget or a chunk is not
// kept.
func (a *arena) set(id uint64, rec []byte) {
	a.remove(id)
	need := entryBytes(rec)
	if rec == nil || need > a.budget || len(rec) > arenaMaxRecord {
		return
	}
	for a.used+need > a.budget {
		for victim := range a.loc { // a map's range starts at a random entry
			a.remove(victim)
			break
		}
	}
	a.loc[id] = a.append(id, rec)
	a.used += need
}

// fill makes rec the record of id, not yet kept, if the budget has room for
// it as it is, and reports whether it had: it takes no entry's place.
func (a *arena) fill(id uint64, rec []byte) bool {
	if a.used+entryBytes(rec) > a.budget {
		return false
	}
	a.set(id, rec)
	return true
}

// remove drops id's entry, if it has one; its bytes stay in the chunk until
// compact copies the chunk out.
func (a *arena) remove(id uint64) {
	if e, ok := a.get(id); ok {
		a.live[a.loc[id]>>32] -= arenaHeaderLen + len(e)
		a.used -= entryBytes(e)
		delete(a.loc, id)
	}
}

// entryBytes is what an entry of record rec counts for against the budget.
func entryBytes(rec []byte) int64 {
	return int64(arenaHeaderLen+len(rec)) + arenaEntryOverhead
}

// append writes an entry into the current chunk, starting a new one (in an
// emptied chunk's slot if there is one) if it does not fit, and returns
// where it is.
func (a *arena) append(id uint64, rec []byte) uint64 {
	need := arenaHeaderLen + len(rec)
	if len(a.chunks) == 0 || len(a.chunks[a.cur])+need > arenaChunkBytes {
		a.cur = slices.IndexFunc(a.chunks, func(ch []byte) bool { return ch == nil })
		if a.cur < 0 {
			a.cur = len(a.chunks)
			a.chunks, a.live = append(a.chunks, nil), append(a.live, 0)
		}
		a.chunks[a.cur] = make([]byte, 0, arenaChunkBytes)
		a.held += arenaChunkBytes
	}
	chunk := a.chunks[a.cur]
	off := len(chunk)
	chunk = binary.BigEndian.AppendUint64(chunk, id)
	chunk = binary.BigEndian.AppendUint32(chunk, uint32(len(rec)))
	a.chunks[a.cur] = append(chunk, rec...)
	a.live[a.cur] += need
	return uint64(a.cur)<<32 | uint64(off)
}

// compact copies the live entries out of the chunks with the fewest until
// the bytes left behind by replaced entries are at most a quarter of the
// arena (plus one chunk). An emptied chunk's slot stays, nil, until append
// reuses it, so that the chunk numbers in loc keep their meaning.
func (a *arena) compact() {
	for {
		live, worst := int64(0), -1
		for i, ch := range a.chunks {
			live += int64(a.live[i])
			if ch != nil && i != a.cur && (worst < 0 || a.live[i] < a.live[worst]) {
				worst = i
			}
		}
		if worst < 0 || a.held-live <= a.held/4+arenaChunkBytes {
			return
		}
		chunk := a.chunks[worst]
		for off := 0; off < len(chunk); {
			id := binary.BigEndian.Uint64(chunk[off:])
			n := arenaHeaderLen + int(binary.BigEndian.Uint32(chunk[off+8:]))
			if at, ok := a.loc[id]; ok && at == uint64(worst)<<32|uint64(off) {
				a.loc[id] = a.append(id, chunk[off+arenaHeaderLen:off+n])
			}
			off += n
		}
		a.chunks[worst], a.live[worst] = nil, 0
		a.held -= arenaChunkBytes
	}
}

// count returns the entries kept and the bytes they count for.
func (a *arena) count() (entries int, bytes int64) { return len(a.loc), a.used }
