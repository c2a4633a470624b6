package client

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

// Key is one member signing key. The private key never leaves the client.
type Key struct {
	MemberID   string             `json:"member_id"`
	KeyID      string             `json:"key_id"`
	Scheme     string             `json:"scheme"`
	PrivateKey ed25519.PrivateKey `json:"private_key"`
}

// NewKey generates a fresh Ed25519 key for member and key id.
func NewKey(memberID, keyID string) (*Key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return &Key{MemberID: memberID, KeyID: keyID, Scheme: "ed25519", PrivateKey: priv}, nil
}

// KeyFromSeed derives a key from a 32-byte seed (tests and demos only).
func KeyFromSeed(memberID, keyID string, seed []byte) *Key {
	return &Key{MemberID: memberID, KeyID: keyID, Scheme: "ed25519", PrivateKey: ed25519.NewKeyFromSeed(seed)}
}

// PublicKey returns the raw public key.
func (k *Key) PublicKey() []byte { return k.PrivateKey.Public().(ed25519.PublicKey) }

// Sign signs msg.
func (k *Key) Sign(msg []byte) []byte { return ed25519.Sign(k.PrivateKey, msg) }

// LedgerKey is the key as the ledger records it.
func (k *Key) LedgerKey() *membershiptypes.Key {
	return &membershiptypes.Key{Id: k.KeyID, Scheme: membershiptypes.KeyScheme_KEY_SCHEME_ED25519, PublicKey: k.PublicKey()}
}

// Keyring is a directory of key files, one per member key, named
// <member>.<key>.json and readable only by their owner.
type Keyring struct{ Dir string }

func (r Keyring) path(memberID, keyID string) string {
	return filepath.Join(r.Dir, memberID+"."+keyID+".json")
}

// Save writes k into the keyring; it refuses to overwrite a key, and ids
// the ledger would refuse (which could also name a file outside the
// keyring).
func (r Keyring) Save(k *Key) error {
	if err := membershiptypes.ValidateID("member id", k.MemberID); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	if err := membershiptypes.ValidateKey(k.LedgerKey()); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	if err := os.MkdirAll(r.Dir, 0o700); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	bz, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(r.path(k.MemberID, k.KeyID), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("keyring: key %s/%s already exists in %s", k.MemberID, k.KeyID, r.Dir)
		}
		return fmt.Errorf("keyring: %w", err)
	}
	if _, err := f.Write(bz); err != nil {
		f.Close()
		return fmt.Errorf("keyring: %w", err)
	}
	return f.Close()
}

// Remove deletes a key file from the keyring.
func (r Keyring) Remove(memberID, keyID string) error {
	if err := os.Remove(r.path(memberID, keyID)); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	return nil
}

// Load reads a key. An empty keyID loads the member's only key.
func (r Keyring) Load(memberID, keyID string) (*Key, error) {
	if err := membershiptypes.ValidateID("member id", memberID); err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	if keyID == "" {
		keys, err := r.MemberKeys(memberID)
		if err != nil {
			return nil, err
		}
		if len(keys) == 1 {
			return keys[0], nil
		}
		var found []string
		for _, k := range keys {
			found = append(found, k.KeyID)
		}
		return nil, fmt.Errorf("keyring: member %q has %d keys in %s (%s); name one with --key", memberID, len(found), r.Dir, strings.Join(found, ", "))
	}
	if strings.ContainsAny(keyID, `/\`) {
		return nil, fmt.Errorf("keyring: key id %q holds a path separator", keyID)
	}
	k, err := readKey(r.path(memberID, keyID))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("keyring: no key %s/%s in %s", memberID, keyID, r.Dir)
	}
	if err != nil {
		return nil, err
	}
	if k.MemberID != memberID || k.KeyID != keyID {
		return nil, fmt.Errorf("keyring: %s holds key %s/%s, not %s/%s", r.path(memberID, keyID), k.MemberID, k.KeyID, memberID, keyID)
	}
	return k, nil
}

// MemberKeys returns the member's keys in the keyring, sorted by key id,
// or an error if there are none.
func (r Keyring) MemberKeys(memberID string) ([]*Key, error) {
	all, err := r.List()
	if err != nil {
		return nil, err
	}
	var keys []*Key
	for _, k := range all {
		if k.MemberID == memberID {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("keyring: no key of member %q in %s", memberID, r.Dir)
	}
	return keys, nil
}

func readKey(path string) (*Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err) // wraps os.ErrNotExist for Load
	}
	defer f.Close()
	if err := checkPrivate(f); err != nil {
		return nil, err
	}
	bz, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	k := &Key{}
	if err := json.Unmarshal(bz, k); err != nil {
		return nil, fmt.Errorf("keyring: %s is not a key file: %w", path, err)
	}
	if len(k.PrivateKey) != ed25519.PrivateKeySize || k.MemberID == "" || k.KeyID == "" {
		return nil, fmt.Errorf("keyring: %s is missing member_id, key_id or a 64-byte private_key", path)
	}
	return k, nil
}

// checkPrivate refuses a key file that users other than its owner may read
// or write, as ssh does: a member's signing key signs for the member. Save
// writes mode 0600. Windows has no such mode bits; there the check passes.
func checkPrivate(f *os.File) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("keyring: %s is open to other users (mode %04o); a signing key must be private to its owner: chmod 600 %s", f.Name(), perm, f.Name())
	}
	return nil
}

// List returns every key in the keyring, sorted by member and key id.
func (r Keyring) List() ([]*Key, error) {
	entries, err := os.ReadDir(r.Dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("keyring: %w", err)
	}
	var out []*Key
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		k, err := readKey(filepath.Join(r.Dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].MemberID != out[j].MemberID {
			return out[i].MemberID < out[j].MemberID
		}
		return out[i].KeyID < out[j].KeyID
	})
	return out, nil
}
