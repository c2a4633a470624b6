package types

import "encoding/binary"

// SignDomain separates Corridor transaction signatures from any other use of
// the same key.
const SignDomain = "corridor/tx/v1"

// SignBytes returns what a transaction's signature covers:
// SignDomain ‖ 0x00 ‖ uvarint(len(chainID)) ‖ chainID ‖ bodyBytes.
func SignBytes(chainID string, bodyBytes []byte) []byte {
	out := make([]byte, 0, len(SignDomain)+1+binary.MaxVarintLen64+len(chainID)+len(bodyBytes))
	out = append(out, SignDomain...)
	out = append(out, 0)
	out = binary.AppendUvarint(out, uint64(len(chainID)))
	out = append(out, chainID...)
	return append(out, bodyBytes...)
}
