// Package mapping generates each jurisdiction's customs document from one
// version of a canonical declaration: China's export declaration and the
// import declarations of Thailand, Viet Nam, Laos and (through the ASEAN
// Customs Declaration Document) the other ASEAN members. One file per
// jurisdiction; docs/customs-mapping.md gives every generated field's source.
//
// Generation is a pure function of the declaration, its id and version and
// the block time: no wall clock, no maps iterated into output, integer
// arithmetic on decimals. The same input gives byte-identical documents,
// and so the same content hash, on every node.
package mapping
