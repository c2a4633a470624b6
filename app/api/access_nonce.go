package api

import (
	"sync"
	"time"
)

// nonceBook remembers the (member, nonce) pairs of the read requests the
// node accepted until each request expires, so that a captured request
// cannot be replayed. It is node-local memory: a replay of a cross-party
// read after a restart is still caught, because its access event id (which
// the signature fixes) is then pending in the outbox or on the ledger.
type nonceBook struct {
	mu      sync.Mutex
	seen    map[string]time.Time
	sweepAt time.Time
}

// nonceBookMax bounds memory: at most this many live nonces (a node serving
// 10,000 reads/s with 10-minute requests would need more; such a node
// should shorten ReadValidityMax first).
const nonceBookMax = 2_000_000

func newNonceBook() *nonceBook { return &nonceBook{seen: map[string]time.Time{}} }

// use records member's nonce until expires; it reports false when the pair
// was already used by a request that has not expired, or the book is full.
func (b *nonceBook) use(member string, nonce []byte, expires, now time.Time) (ok bool, full bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.After(b.sweepAt) {
		for k, exp := range b.seen {
			if !exp.After(now) {
				delete(b.seen, k)
			}
		}
		b.sweepAt = now.Add(time.Minute)
	}
	k := member + "\x00" + string(nonce)
	if exp, used := b.seen[k]; used && exp.After(now) {
		return false, false
	}
	if len(b.seen) >= nonceBookMax {
		return false, true
	}
	b.seen[k] = expires
	return true, false
}
