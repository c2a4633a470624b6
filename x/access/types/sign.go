package types

import (
	"crypto/sha256"
	"encoding/binary"
)

// ReadSignDomain separates read-request signatures from transaction
// signatures ("corridor/tx/v1") and any other use of a member's key: a
// signed read can never be replayed as a transaction, nor the reverse.
const ReadSignDomain = "corridor/read/v1"

// ReadSignBytes returns what a read request's signature covers:
// ReadSignDomain ‖ 0x00 ‖ uvarint(len(chainID)) ‖ chainID ‖ bodyBytes.
func ReadSignBytes(chainID string, bodyBytes []byte) []byte {
	out := make([]byte, 0, len(ReadSignDomain)+1+binary.MaxVarintLen64+len(chainID)+len(bodyBytes))
	out = append(out, ReadSignDomain...)
	out = append(out, 0)
	out = binary.AppendUvarint(out, uint64(len(chainID)))
	out = append(out, chainID...)
	return append(out, bodyBytes...)
}

// eventIDDomain separates event ids from other hashes.
const eventIDDomain = "corridor/access-event/v1"

// EventIDBytes is the length of an access event id.
const EventIDBytes = sha256.Size

// EventID is the id of the access event a node records for one signed read:
// SHA-256(domain ‖ 0x00 ‖ uvarint(len(nodeID)) ‖ nodeID ‖ signature). A
// read request carries a fresh nonce and the node refuses a replayed one, so
// each read a node answers has its own signature and its own id; the same
// id submitted twice is the same read.
func EventID(nodeID string, signature []byte) []byte {
	h := sha256.New()
	h.Write([]byte(eventIDDomain))
	h.Write([]byte{0})
	h.Write(binary.AppendUvarint(nil, uint64(len(nodeID))))
	h.Write([]byte(nodeID))
	h.Write(signature)
	return h.Sum(nil)
}

// SignRead encodes body and signs it for chainID with sign (a member key's
// signing function), returning the request to send to a node's
// ReadService.
func SignRead(chainID string, body *ReadBody, sign func([]byte) []byte) (*ReadRequest, error) {
	bz, err := body.Marshal()
	if err != nil {
		return nil, err
	}
	return &ReadRequest{BodyBytes: bz, Signature: sign(ReadSignBytes(chainID, bz))}, nil
}
