package types

import (
	"bytes"
	"crypto/sha256"
	"fmt"
)

// Domain tags keep the two hashes of the history chain apart from each
// other and from any other SHA-256 use on the ledger.
const (
	stateHashDomain = "corridor/bill/state/v1\x00"
	entryHashDomain = "corridor/bill/history/v1\x00"
)

// StateHash is the SHA-256 of a bill record with its history fields
// (history_length, history_head) and its content cleared, over the record's
// protobuf encoding; content_hash stays. Every history entry carries the
// state hash of the bill after its action, so the chain fixes the record,
// through content_hash its content, and the sequence of actions. A record
// with or without its content filled in has the same state hash.
func StateHash(b *Bill) ([]byte, error) {
	c := *b
	c.HistoryLength, c.HistoryHead, c.Content = 0, nil, nil
	bz, err := c.Marshal()
	if err != nil {
		return nil, fmt.Errorf("bill: encode state of %q: %w", b.Number, err)
	}
	sum := sha256.Sum256(append([]byte(stateHashDomain), bz...))
	return sum[:], nil
}

// ContentHash is the SHA-256 of a bill content's protobuf encoding, the
// bytes stored under ContentKey.
func ContentHash(c *BillContent) ([]byte, error) {
	bz, err := c.Marshal()
	if err != nil {
		return nil, fmt.Errorf("bill: encode content of %q: %w", c.GetNumber(), err)
	}
	sum := sha256.Sum256(bz)
	return sum[:], nil
}

// VerifyContent checks that b carries content and that it is the content
// the record's content_hash names.
func VerifyContent(b *Bill) error {
	if b.Content == nil {
		return ErrHistoryBroken.Wrapf("bill %q: no content to check", b.Number)
	}
	h, err := ContentHash(b.Content)
	if err != nil {
		return err
	}
	if !bytes.Equal(h, b.ContentHash) || b.Content.Number != b.Number {
		return ErrHistoryBroken.Wrapf("bill %q: content does not match the record's content_hash", b.Number)
	}
	return nil
}

// EntryHash is the SHA-256 of a history entry's protobuf encoding with its
// hash field cleared. The encoding includes prev_hash and state_hash, which
// chains the entries and ties each one to the bill's state.
func EntryHash(e *HistoryEntry) ([]byte, error) {
	c := *e
	c.Hash = nil
	bz, err := c.Marshal()
	if err != nil {
		return nil, fmt.Errorf("bill: encode history entry %d of %q: %w", e.Seq, e.Number, err)
	}
	sum := sha256.Sum256(append([]byte(entryHashDomain), bz...))
	return sum[:], nil
}

// VerifyHistory checks that history is the complete, untampered history of
// b: entries numbered 0…n-1 for b's number, each hash recomputing, each
// prev_hash equal to the hash before it, the last hash equal to b's
// history_head, and the last state hash equal to b's own state hash. The
// first entry's prev_hash is empty for a new bill; for an amended bill it
// is the voided bill's head, which prevHead (when not nil) must equal.
// A proof of the bill record therefore proves every entry. When b carries
// its content (a signed read), the content must match content_hash.
func VerifyHistory(b *Bill, history []*HistoryEntry, prevHead []byte) error {
	number := b.Number
	if b.Content != nil {
		if err := VerifyContent(b); err != nil {
			return err
		}
	}
	if uint64(len(history)) != b.HistoryLength || len(history) == 0 {
		return ErrHistoryBroken.Wrapf("bill %q records %d history entries, got %d", number, b.HistoryLength, len(history))
	}
	if b.Replaces == "" && len(history[0].PrevHash) != 0 {
		return ErrHistoryBroken.Wrapf("bill %q: first entry links to a previous hash but the bill replaces none", number)
	}
	if prevHead != nil && !bytes.Equal(history[0].PrevHash, prevHead) {
		return ErrHistoryBroken.Wrapf("bill %q: first entry does not link to the replaced bill's head", number)
	}
	prev := history[0].PrevHash
	for i, e := range history {
		if e.Number != number || e.Seq != uint64(i) {
			return ErrHistoryBroken.Wrapf("entry %d is %q #%d, want %q #%d", i, e.Number, e.Seq, number, i)
		}
		if !bytes.Equal(e.PrevHash, prev) {
			return ErrHistoryBroken.Wrapf("bill %q entry %d: prev_hash does not match entry %d", number, i, i-1)
		}
		h, err := EntryHash(e)
		if err != nil {
			return err
		}
		if !bytes.Equal(h, e.Hash) {
			return ErrHistoryBroken.Wrapf("bill %q entry %d: content does not hash to its recorded hash", number, i)
		}
		prev = e.Hash
	}
	if !bytes.Equal(prev, b.HistoryHead) {
		return ErrHistoryBroken.Wrapf("bill %q: last entry's hash is not the record's history_head", number)
	}
	sh, err := StateHash(b)
	if err != nil {
		return err
	}
	if !bytes.Equal(sh, history[len(history)-1].StateHash) {
		return ErrHistoryBroken.Wrapf("bill %q: the record does not match the state its last history entry hashed", number)
	}
	return nil
}
