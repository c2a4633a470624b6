package types

import (
	"strings"

	"github.com/landsea/corridor/x/base"
)

// Key layout of the customs module. Prefixes 0x20–0x2f of the state
// keyspace and 0xa0–0xaf of the index keyspace belong to customs. Strings
// are length-prefixed (base.Key), versions and times are 8-byte big-endian.
//
//	state  0x20 | id                          -> DeclarationRecord (mutable head)
//	state  0x21 | id | version                -> DeclarationVersion (never rewritten), protected
//	state  0x22 | id | version | doc code     -> GeneratedDocument (never rewritten), protected
//	index  0xa0 | declarant | id              -> empty
//	index  0xa1 | status (1 byte) | id        -> empty (summary status)
//	index  0xa2 | declarant | status | id     -> empty (summary status)
//	index  0xa3 | jurisdiction | time | id    -> doc code (block time of the current version, unix ns)
//	index  0xa4 | jurisdiction | status | id  -> doc code (document status)
//	index  0xa5 | transport document | id     -> empty (the single bill's number)
//
// The index keyspace is outside the Merkle tree: derived from state and
// rebuildable. A declaration has at most one document per jurisdiction,
// so (jurisdiction, id) identifies a document.
//
// Versions (what was declared) and generated documents are protected: they
// are served only through signed reads (x/access), never by the public
// query service or raw store reads (IsProtectedKey). The record is public:
// statuses, decisions and the documents' content hashes.
const (
	prefixRecord         = 0x20
	prefixVersion        = 0x21
	prefixDocument       = 0x22
	prefixByDeclarant    = 0xa0
	prefixByStatus       = 0xa1
	prefixByDeclStatus   = 0xa2
	prefixByJurisTime    = 0xa3
	prefixByJurisStatus  = 0xa4
	prefixByTransportDoc = 0xa5
	declarationIDSep     = "/"
	traderReferenceBytes = 64
)

// DeclarationID is the id of the declaration member submitted under ref.
func DeclarationID(member, ref string) string { return member + declarationIDSep + ref }

// SplitDeclarationID returns the declarant member and trader reference of id.
func SplitDeclarationID(id string) (member, ref string, ok bool) {
	return strings.Cut(id, declarationIDSep)
}

// IsProtectedKey reports whether a state key holds protected customs data:
// a declaration version or a generated document.
func IsProtectedKey(key []byte) bool {
	return len(key) > 0 && (key[0] == prefixVersion || key[0] == prefixDocument)
}

// RecordKey is where a declaration's head lives.
func RecordKey(id string) []byte { return base.Key(prefixRecord, id) }

// RecordPrefix is the prefix of every declaration record.
func RecordPrefix() []byte { return []byte{prefixRecord} }

// IndexRange is the module's part of the index keyspace, [start, end).
func IndexRange() (start, end []byte) { return []byte{0xa0}, []byte{0xb0} }

// VersionKey is where one version lives.
func VersionKey(id string, version uint32) []byte {
	return base.Key(prefixVersion, id, uint64(version))
}

// DocumentKey is where a generated document lives.
func DocumentKey(id string, version uint32, code string) []byte {
	return base.Key(prefixDocument, id, uint64(version), code)
}

// DocumentPrefix covers the documents of one version.
func DocumentPrefix(id string, version uint32) []byte {
	return base.Key(prefixDocument, id, uint64(version))
}

// ByDeclarantPrefix covers the declarations of a declarant.
func ByDeclarantPrefix(declarant string) []byte { return base.Key(prefixByDeclarant, declarant) }

// ByDeclarantKey indexes a declaration under its declarant.
func ByDeclarantKey(declarant, id string) []byte { return base.Key(prefixByDeclarant, declarant, id) }

// ByStatusPrefix covers the declarations with a summary status.
func ByStatusPrefix(s DocumentStatus) []byte { return base.Key(prefixByStatus, byte(s)) }

// ByStatusKey indexes a declaration under its summary status.
func ByStatusKey(s DocumentStatus, id string) []byte { return base.Key(prefixByStatus, byte(s), id) }

// ByDeclarantStatusPrefix covers a declarant's declarations with a status.
func ByDeclarantStatusPrefix(declarant string, s DocumentStatus) []byte {
	return base.Key(prefixByDeclStatus, declarant, byte(s))
}

// ByDeclarantStatusKey indexes a declaration under declarant and status.
func ByDeclarantStatusKey(declarant string, s DocumentStatus, id string) []byte {
	return base.Key(prefixByDeclStatus, declarant, byte(s), id)
}

// ByJurisdictionTimePrefix covers a jurisdiction's documents by time.
func ByJurisdictionTimePrefix(jurisdiction string) []byte {
	return base.Key(prefixByJurisTime, jurisdiction)
}

// ByJurisdictionTimeKey indexes a document under its jurisdiction and the
// block time (unix ns, not negative) of its version.
func ByJurisdictionTimeKey(jurisdiction string, timeUnixNano int64, id string) []byte {
	return base.Key(prefixByJurisTime, jurisdiction, timeUnixNano, id)
}

// ByJurisdictionStatusPrefix covers a jurisdiction's documents in a status.
func ByJurisdictionStatusPrefix(jurisdiction string, s DocumentStatus) []byte {
	return base.Key(prefixByJurisStatus, jurisdiction, byte(s))
}

// ByJurisdictionStatusKey indexes a document under jurisdiction and status.
func ByJurisdictionStatusKey(jurisdiction string, s DocumentStatus, id string) []byte {
	return base.Key(prefixByJurisStatus, jurisdiction, byte(s), id)
}

// ByTransportDocumentPrefix covers the declarations naming a transport document.
func ByTransportDocumentPrefix(number string) []byte { return base.Key(prefixByTransportDoc, number) }

// ByTransportDocumentKey indexes a declaration under its transport document.
func ByTransportDocumentKey(number, id string) []byte {
	return base.Key(prefixByTransportDoc, number, id)
}
