// Package dcsa converts between DCSA eBL 3.0 transport documents (JSON, as
// in the DCSA eBL OpenAPI 3.0.x) and the ledger's bill record.
//
// The conversion runs in the client (corridord tx bill import-dcsa, query
// bill export-dcsa): the ledger stores only the canonical record, never the
// JSON. Import reads the fields the record supports and reports every
// other field as a Warning with its JSON path, so nothing is dropped
// silently; Export writes a record back in DCSA form and reports the ledger
// facts DCSA has no field for. Importing a document and exporting the bill
// gives back the document minus the warned paths (see the round-trip test
// over the fixtures).
//
// Parties in a DCSA document are names and addresses; on the ledger the
// shipper (the first holder), a straight bill's consignee and each leg's
// carrier must also be members. Options says which members they are.
package dcsa
