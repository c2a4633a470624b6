package base

import (
	"encoding/binary"
	"fmt"
)

// Key layout helpers. Every variable-length part of a key is length-prefixed
// (one byte, so parts are at most 255 bytes) so that no key is a prefix of
// another by accident; integers are big-endian so that they sort.

// MaxKeyPart is the longest variable part a key may hold.
const MaxKeyPart = 255

// Key builds a key from a one-byte prefix and parts. Each part is a string
// (length-prefixed), []byte (length-prefixed), uint64 or int64 (8 bytes
// big-endian; int64 must be non-negative) or a byte (one byte, no prefix).
// A part longer than MaxKeyPart is an internal error: callers validate
// lengths before building keys.
func Key(prefix byte, parts ...any) []byte {
	k := []byte{prefix}
	for _, p := range parts {
		k = AppendPart(k, p)
	}
	return k
}

// AppendPart appends one key part as Key describes.
func AppendPart(k []byte, p any) []byte {
	switch v := p.(type) {
	case string:
		return appendBytes(k, []byte(v))
	case []byte:
		return appendBytes(k, v)
	case uint64:
		return binary.BigEndian.AppendUint64(k, v)
	case int64:
		if v < 0 {
			panic(fmt.Sprintf("base: negative int64 key part %d", v))
		}
		return binary.BigEndian.AppendUint64(k, uint64(v))
	case byte:
		return append(k, v)
	default:
		panic(fmt.Sprintf("base: unsupported key part %T", p))
	}
}

func appendBytes(k, b []byte) []byte {
	if len(b) > MaxKeyPart {
		panic(fmt.Sprintf("base: key part of %d bytes exceeds %d", len(b), MaxKeyPart))
	}
	k = append(k, byte(len(b)))
	return append(k, b...)
}

// ReadString reads a length-prefixed part from k, returning it and the rest.
func ReadString(k []byte) (string, []byte, error) {
	b, rest, err := ReadBytes(k)
	return string(b), rest, err
}

// ReadBytes reads a length-prefixed part from k, returning it and the rest.
func ReadBytes(k []byte) ([]byte, []byte, error) {
	if len(k) < 1 || len(k) < 1+int(k[0]) {
		return nil, nil, fmt.Errorf("base: key part truncated")
	}
	n := int(k[0])
	return k[1 : 1+n], k[1+n:], nil
}

// ReadUint64 reads an 8-byte big-endian part.
func ReadUint64(k []byte) (uint64, []byte, error) {
	if len(k) < 8 {
		return 0, nil, fmt.Errorf("base: key part truncated")
	}
	return binary.BigEndian.Uint64(k), k[8:], nil
}
