package types

import (
	"encoding/binary"

	"github.com/landsea/corridor/x/base"
)

// Key layout of the access module. Prefixes 0x40–0x4f of the state
// keyspace and 0xc0–0xcf of the index keyspace belong to access. Strings
// and event ids are length-prefixed (base.Key); ids, heights and times
// (unix ns, never negative) are 8-byte big-endian so that they sort.
//
//	state  0x40 | grant id                                   -> Grant (protobuf)
//	state  0x41                                              -> next grant id (8 bytes)
//	state  0x42 | expiry time | grant id                     -> 0x01 (expiry queue of active grants)
//	state  0x43 | event id                                   -> AccessEvent (protobuf)
//	index  0xc0 | owner | grant id                           -> empty
//	index  0xc1 | grantee | grant id                         -> empty
//	index  0xc2 | record type | scope | target | grant id    -> empty (target: record id or class owner)
//	index  0xc3 | grantee | record type | scope | target | grant id -> empty (active grants only)
//	index  0xc4 | record type | record id | time | event id  -> empty
//	index  0xc5 | reader | time | event id                   -> empty
//	index  0xc6 | owner | time | event id                    -> empty
//	index  0xc7 | reader province | time | event id          -> empty
//	index  0xc8 | serving province | time | event id         -> empty
//	index  0xc9 | time | event id                            -> empty
//	index  0xca | height | event id                          -> empty (stream order)
//	index  0xcb | member | role | purpose | result           -> count (8 bytes)
//
// Event "time" is the request time the serving node wrote into the event.
// The expiry queue is Merkle state because it decides what EndBlock does;
// the index keyspace is derived from grants and events and can be rebuilt.
const (
	prefixGrant                  = 0x40
	prefixNextGrantID            = 0x41
	prefixExpiry                 = 0x42
	prefixEvent                  = 0x43
	prefixGrantByOwner           = 0xc0
	prefixGrantByGrantee         = 0xc1
	prefixGrantByTarget          = 0xc2
	prefixGrantLive              = 0xc3
	prefixEventByRecord          = 0xc4
	prefixEventByReader          = 0xc5
	prefixEventByOwner           = 0xc6
	prefixEventByReaderProvince  = 0xc7
	prefixEventByServingProvince = 0xc8
	prefixEventByTime            = 0xc9
	prefixEventByHeight          = 0xca
	prefixEventCount             = 0xcb
)

// GrantKey is where a grant lives.
func GrantKey(id uint64) []byte { return base.Key(prefixGrant, id) }

// GrantPrefix is the prefix of every grant record.
func GrantPrefix() []byte { return []byte{prefixGrant} }

// EventPrefix is the prefix of every access event record.
func EventPrefix() []byte { return []byte{prefixEvent} }

// IndexRange is the module's part of the index keyspace, [start, end).
func IndexRange() (start, end []byte) { return []byte{0xc0}, []byte{0xd0} }

// NextGrantIDKey holds the id the next grant gets.
func NextGrantIDKey() []byte { return []byte{prefixNextGrantID} }

// ExpiryPrefix covers the expiry queue.
func ExpiryPrefix() []byte { return []byte{prefixExpiry} }

// ExpiryKey queues a grant under its expiry time.
func ExpiryKey(expiresUnixNano int64, id uint64) []byte {
	return base.Key(prefixExpiry, expiresUnixNano, id)
}

// ExpiryEnd is the first queue key after every grant expiring at or
// before t.
func ExpiryEnd(t int64) []byte { return base.Key(prefixExpiry, t+1) }

// GrantIDFromExpiryKey reads the grant id at the end of a queue key.
func GrantIDFromExpiryKey(k []byte) (uint64, error) {
	if len(k) != 17 || k[0] != prefixExpiry {
		return 0, base.ErrInternal.Wrapf("access: expiry key %x is malformed", k)
	}
	return binary.BigEndian.Uint64(k[9:]), nil
}

// GrantByOwnerPrefix covers the grants an owner gave.
func GrantByOwnerPrefix(owner string) []byte { return base.Key(prefixGrantByOwner, owner) }

// GrantByGranteePrefix covers the grants a member holds.
func GrantByGranteePrefix(grantee string) []byte { return base.Key(prefixGrantByGrantee, grantee) }

// GrantByTargetPrefix covers the grants on one record (scope RECORD,
// target = record id) or one owner's class (scope CLASS, target = owner).
func GrantByTargetPrefix(recordType string, scope GrantScope, target string) []byte {
	return base.Key(prefixGrantByTarget, recordType, byte(scope), target)
}

// GrantLivePrefix covers the active grants that let grantee read one
// record (scope RECORD) or one owner's class (scope CLASS).
func GrantLivePrefix(grantee, recordType string, scope GrantScope, target string) []byte {
	return base.Key(prefixGrantLive, grantee, recordType, byte(scope), target)
}

// GrantTarget is what a grant covers within its record type: the record id
// for one record, the owner for a class.
func GrantTarget(g *Grant) string {
	if g.Scope == GrantScope_GRANT_SCOPE_CLASS {
		return g.Owner
	}
	return g.RecordId
}

// GrantIndexKeys are a grant's permanent index keys.
func GrantIndexKeys(g *Grant) [][]byte {
	return [][]byte{
		base.AppendPart(GrantByOwnerPrefix(g.Owner), g.Id),
		base.AppendPart(GrantByGranteePrefix(g.Grantee), g.Id),
		base.AppendPart(GrantByTargetPrefix(g.RecordType, g.Scope, GrantTarget(g)), g.Id),
	}
}

// GrantLiveKey is a grant's key in the active-grant lookup.
func GrantLiveKey(g *Grant) []byte {
	return base.AppendPart(GrantLivePrefix(g.Grantee, g.RecordType, g.Scope, GrantTarget(g)), g.Id)
}

// GrantIDFromIndexKey reads the grant id that ends a grant index key.
func GrantIDFromIndexKey(k []byte) (uint64, error) {
	if len(k) < 9 {
		return 0, base.ErrInternal.Wrapf("access: grant index key %x is too short", k)
	}
	return binary.BigEndian.Uint64(k[len(k)-8:]), nil
}

// EventKey is where an access event lives.
func EventKey(id []byte) []byte { return base.Key(prefixEvent, id) }

// EventByRecordPrefix covers the events of one record.
func EventByRecordPrefix(recordType, recordID string) []byte {
	return base.Key(prefixEventByRecord, recordType, recordID)
}

// EventByReaderPrefix covers the events of one reader.
func EventByReaderPrefix(reader string) []byte { return base.Key(prefixEventByReader, reader) }

// EventByOwnerPrefix covers the events on one owner's records.
func EventByOwnerPrefix(owner string) []byte { return base.Key(prefixEventByOwner, owner) }

// EventByReaderProvincePrefix covers the events of readers of a province.
func EventByReaderProvincePrefix(p string) []byte { return base.Key(prefixEventByReaderProvince, p) }

// EventByServingProvincePrefix covers the events a province's node served.
func EventByServingProvincePrefix(p string) []byte {
	return base.Key(prefixEventByServingProvince, p)
}

// EventByTimePrefix covers every event in request-time order.
func EventByTimePrefix() []byte { return []byte{prefixEventByTime} }

// EventByHeightPrefix covers every event in height order.
func EventByHeightPrefix() []byte { return []byte{prefixEventByHeight} }

// EventHeightKey is the stream-order key of an event recorded at height.
func EventHeightKey(height int64, id []byte) []byte { return base.Key(prefixEventByHeight, height, id) }

// EventHeightStart is the first stream-order key at height.
func EventHeightStart(height int64) []byte { return base.Key(prefixEventByHeight, height) }

// EventIndexKeys are an event's time-ordered index keys (not the height
// key, nor the counters).
func EventIndexKeys(e *AccessEvent) [][]byte {
	t := e.RequestTimeUnixNano
	return [][]byte{
		base.Key(prefixEventByRecord, e.RecordType, e.RecordId, t, e.Id),
		base.Key(prefixEventByReader, e.Reader, t, e.Id),
		base.Key(prefixEventByOwner, e.Owner, t, e.Id),
		base.Key(prefixEventByReaderProvince, e.ReaderProvince, t, e.Id),
		base.Key(prefixEventByServingProvince, e.Province, t, e.Id),
		base.Key(prefixEventByTime, t, e.Id),
	}
}

// EventIDFromIndexKey reads the event id that ends an event index key.
func EventIDFromIndexKey(k []byte) ([]byte, error) {
	if len(k) < EventIDBytes+1 || int(k[len(k)-EventIDBytes-1]) != EventIDBytes {
		return nil, base.ErrInternal.Wrapf("access: event index key %x does not end in an event id", k)
	}
	return k[len(k)-EventIDBytes:], nil
}

// EventCountPrefix covers a member's counters.
func EventCountPrefix(member string) []byte { return base.Key(prefixEventCount, member) }

// EventCountKey is one counter of a member.
func EventCountKey(member string, role PartyRole, p Purpose, r AccessResult) []byte {
	return base.Key(prefixEventCount, member, byte(role), byte(p), byte(r))
}
