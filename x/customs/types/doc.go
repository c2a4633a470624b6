// Package types holds the customs module's protobuf types (the canonical
// declaration, the generated jurisdiction documents, the stored records,
// messages and queries), their stateless validation against the embedded
// code lists (HS 2022, UN/LOCODE, ISO 3166-1, ISO 4217, Incoterms 2020,
// ISO 6346), fixed-point decimal arithmetic, error codes and the key layout.
package types
