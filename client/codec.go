package client

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"
)

// Codec is the gRPC codec both ends of Corridor's API use. Corridor's
// messages are gogoproto types with their own Marshal and Unmarshal; gRPC's
// own messages (health, reflection) are standard protobuf.
type Codec struct{}

type gogoMessage interface {
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

// Marshal encodes v.
func (Codec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case gogoMessage:
		return m.Marshal()
	case proto.Message:
		return proto.Marshal(m)
	case protoadapt.MessageV1:
		return proto.Marshal(protoadapt.MessageV2Of(m))
	}
	return nil, fmt.Errorf("codec: cannot marshal %T", v)
}

// Unmarshal decodes data into v.
func (Codec) Unmarshal(data []byte, v any) error {
	switch m := v.(type) {
	case gogoMessage:
		return m.Unmarshal(data)
	case proto.Message:
		return proto.Unmarshal(data, m)
	case protoadapt.MessageV1:
		return proto.Unmarshal(data, protoadapt.MessageV2Of(m))
	}
	return fmt.Errorf("codec: cannot unmarshal into %T", v)
}

// Name is the content subtype gRPC sends; "proto" keeps standard tools
// (grpcurl and friends) working.
func (Codec) Name() string { return "proto" }
