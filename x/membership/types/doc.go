// Package types holds membership's generated protobuf types, stateless
// validation, the province list and the key layout (keys.go).
package types
