// Package types holds the customs module's generated protobuf types, stateless
// validation, error codes and key layout.
package types
