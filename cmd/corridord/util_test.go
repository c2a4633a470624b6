package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"

	"github.com/landsea/corridor/client"
)

func seedTestKey(id string) *client.Key {
	seed := sha256.Sum256([]byte("e2e/" + id))
	return client.KeyFromSeed(id, "k1", seed[:])
}

func b64ToHex(t *testing.T, s string) string {
	t.Helper()
	bz, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("app hash %q is not base64: %v", s, err)
	}
	return hex.EncodeToString(bz)
}
