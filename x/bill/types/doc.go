// Package types holds the bill module's generated protobuf types, stateless
// validation, error codes and key layout.
package types
