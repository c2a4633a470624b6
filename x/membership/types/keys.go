package types

import (
	"encoding/binary"

	"github.com/landsea/corridor/x/base"
)

// Key layout of the membership module. Prefixes 0x10–0x1f of the state
// keyspace and 0x90–0x9f of the index keyspace belong to membership.
//
//	state  0x10 | len | member id            -> Member (protobuf)
//	state  0x11 | len | member id            -> next sequence (8 bytes, big-endian)
//	state  0x12 | len | member id | len | key id -> Key (protobuf): a key dropped from its
//	                                            member's full record, kept so that its id is
//	                                            never given to another key and an auditor can
//	                                            still check what it signed
//	state  0x13 | proposal id (8, BE)       -> Proposal (protobuf)
//	state  0x14 | Ed25519 public key (32)   -> Validator (protobuf): CometBFT's validator set
//	state  0x15                             -> the next proposal id (8 bytes, big-endian)
//	index  0x90 | role (1 byte) | len | id   -> empty
//	index  0x91 | len | province | len | id  -> empty
//	index  0x92 | proposal id (8, BE)       -> empty, while the proposal is open
const (
	prefixMember       = 0x10
	prefixSequence     = 0x11
	prefixRetired      = 0x12
	prefixProposal     = 0x13
	prefixValidator    = 0x14
	keyNextProposal    = 0x15
	prefixByRole       = 0x90
	prefixByProv       = 0x91
	prefixOpenProposal = 0x92
)

// MemberKey is where a member's record lives.
func MemberKey(id string) []byte { return base.Key(prefixMember, id) }

// MemberPrefix covers every member record.
func MemberPrefix() []byte { return []byte{prefixMember} }

// IndexRange is the module's part of the index keyspace, [start, end).
func IndexRange() (start, end []byte) { return []byte{0x90}, []byte{0xa0} }

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

// ProposalKey is where a proposal lives.
func ProposalKey(id uint64) []byte { return binary.BigEndian.AppendUint64([]byte{prefixProposal}, id) }

// ProposalPrefix covers every proposal, in id order.
func ProposalPrefix() []byte { return []byte{prefixProposal} }

// OpenProposalKey indexes a proposal while it takes votes.
func OpenProposalKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{prefixOpenProposal}, id)
}

// OpenProposalPrefix covers the open proposals, in id order.
func OpenProposalPrefix() []byte { return []byte{prefixOpenProposal} }

// NextProposalKey holds the id the next proposal gets.
func NextProposalKey() []byte { return []byte{keyNextProposal} }

// ValidatorKey is where the validator with this public key is recorded.
func ValidatorKey(pubKey []byte) []byte { return append([]byte{prefixValidator}, pubKey...) }

// ValidatorPrefix covers the validator set, in public-key order.
func ValidatorPrefix() []byte { return []byte{prefixValidator} }
