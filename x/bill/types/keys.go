package types

import "github.com/landsea/corridor/x/base"

// Key layout of the bill module. Prefixes 0x30–0x3f of the state keyspace
// and 0xb0–0xbf of the index keyspace belong to bills.
//
//	state  0x30 | len | number                       -> Bill without content (protobuf)
//	state  0x31 | len | number | seq (8 bytes, BE)   -> HistoryEntry (protobuf)
//	state  0x32 | len | number                       -> BillContent (protobuf), protected
//	index  0xb0 | len | possessor | len | number     -> empty
//	index  0xb1 | len | title holder | len | number  -> empty
//	index  0xb2 | len | issuer | len | number        -> empty
//	index  0xb3 | len | pledgee bank | len | number  -> empty
//	index  0xb4 | status (1 byte) | len | number     -> empty
//
// A bill record is never deleted, so its key also reserves the number
// forever: a second issue of the same number finds it and is refused.
// History entries sort by sequence under their bill. The index keyspace is
// derived from the records and can be rebuilt from them.
//
// The content (parties, goods, equipment, legs, terms) is protected: it is
// served only through signed reads (x/access), never by the public query
// services or raw store reads (IsProtectedKey). The record keeps the
// content's hash, so a proof of the record fixes the content too.
const (
	prefixBill      = 0x30
	prefixHistory   = 0x31
	prefixContent   = 0x32
	prefixByHolder  = 0xb0
	prefixByTitle   = 0xb1
	prefixByIssuer  = 0xb2
	prefixByPledgee = 0xb3
	prefixByStatus  = 0xb4
)

// BillKey is where a bill's record lives.
func BillKey(number string) []byte { return base.Key(prefixBill, number) }

// BillPrefix is the prefix of every bill record.
func BillPrefix() []byte { return []byte{prefixBill} }

// IndexRange is the module's part of the index keyspace, [start, end).
func IndexRange() (start, end []byte) { return []byte{0xb0}, []byte{0xc0} }

// ContentKey is where a bill's content lives (protected).
func ContentKey(number string) []byte { return base.Key(prefixContent, number) }

// IsProtectedKey reports whether a state key holds protected bill data:
// a bill's content. Records, history and index entries are public.
func IsProtectedKey(key []byte) bool { return len(key) > 0 && key[0] == prefixContent }

// HistoryKey is where one history entry lives.
func HistoryKey(number string, seq uint64) []byte { return base.Key(prefixHistory, number, seq) }

// HistoryPrefix covers a bill's history.
func HistoryPrefix(number string) []byte { return base.Key(prefixHistory, number) }

// HolderIndexPrefix covers the bills a member possesses.
func HolderIndexPrefix(member string) []byte { return base.Key(prefixByHolder, member) }

// TitleIndexPrefix covers the bills a member holds title to.
func TitleIndexPrefix(member string) []byte { return base.Key(prefixByTitle, member) }

// IssuerIndexPrefix covers the bills a member issued.
func IssuerIndexPrefix(member string) []byte { return base.Key(prefixByIssuer, member) }

// PledgeeIndexPrefix covers the bills pledged to a bank.
func PledgeeIndexPrefix(bank string) []byte { return base.Key(prefixByPledgee, bank) }

// StatusIndexPrefix covers the bills in one status.
func StatusIndexPrefix(s BillStatus) []byte { return base.Key(prefixByStatus, byte(s)) }

// IndexKeys returns every index key of a bill record, in a fixed order.
func IndexKeys(b *Bill) [][]byte {
	n := b.Number
	var keys [][]byte
	if b.Possessor != "" {
		keys = append(keys, base.Key(prefixByHolder, b.Possessor, n))
	}
	if b.TitleHolder != "" {
		keys = append(keys, base.Key(prefixByTitle, b.TitleHolder, n))
	}
	keys = append(keys, base.Key(prefixByIssuer, b.Issuer, n))
	if b.Pledge != nil {
		keys = append(keys, base.Key(prefixByPledgee, b.Pledge.Bank, n))
	}
	return append(keys, base.Key(prefixByStatus, byte(b.Status), n))
}

// NumberFromIndexKey reads the bill number at the end of an index key,
// given the listing's prefix.
func NumberFromIndexKey(prefix, key []byte) (string, error) {
	n, rest, err := base.ReadString(key[len(prefix):])
	if err != nil {
		return "", err
	}
	if len(rest) != 0 {
		return "", base.ErrInternal.Wrapf("bill index key %x has trailing bytes", key)
	}
	return n, nil
}
