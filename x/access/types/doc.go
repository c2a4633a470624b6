// Package types holds the access module's generated protobuf types, stateless
// validation, error codes and key layout.
package types
