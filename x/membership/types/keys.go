package types

import "github.com/landsea/corridor/x/base"

// Key layout of the membership module. Prefixes 0x10–0x1f of the state
// keyspace and 0x90–0x9f of the index keyspace belong to membership.
//
//	state  0x10 | len | member id            -> Member (protobuf)
//	state  0x11 | len | member id            -> next sequence (8 bytes, big-endian)
//	state  0x12 | len | member id | len | key id -> Key (protobuf): a key dropped from its
//	                                            member's full record, kept so that its id is
//	                                            never given to another key and an auditor can
//	                                            still check what it signed
//	index  0x90 | role (1 byte) | len | id   -> empty
//	index  0x91 | len | province | len | id  -> empty
const (
	prefixMember   = 0x10
	prefixSequence = 0x11
	prefixRetired  = 0x12
	prefixByRole   = 0x90
	prefixByProv   = 0x91
)

// MemberKey is where a member's record lives.
func MemberKey(id string) []byte { return base.Key(prefixMember, id) }

// MemberPrefix covers every member record.
func MemberPrefix() []byte { return []byte{prefixMember} }

// SequenceKey is where a member's next sequence lives.
func SequenceKey(id string) []byte { return base.Key(prefixSequence, id) }

// RetiredKeyKey is where a key dropped from member's record is kept.
func RetiredKeyKey(member, keyID string) []byte { return base.Key(prefixRetired, member, keyID) }

// RoleIndexPrefix covers the members holding role.
func RoleIndexPrefix(r Role) []byte { return base.Key(prefixByRole, byte(r)) }

// RoleIndexKey indexes a member under one role.
func RoleIndexKey(r Role, id string) []byte { return base.Key(prefixByRole, byte(r), id) }

// ProvinceIndexPrefix covers the members admitted by a province.
func ProvinceIndexPrefix(province string) []byte { return base.Key(prefixByProv, province) }

// ProvinceIndexKey indexes a member under its province.
func ProvinceIndexKey(province, id string) []byte { return base.Key(prefixByProv, province, id) }
