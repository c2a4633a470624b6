package client

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeyring: keys saved are loaded back, by member alone when it has one
// key and by key id otherwise; files are readable by their owner only; and
// every refusal says what was wrong.
func TestKeyring(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	r := Keyring{Dir: dir}
	seed := func(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }
	bank := KeyFromSeed("cq-bank", "k1", seed(1))
	if err := r.Save(bank); err != nil {
		t.Fatal(err)
	}
	got, err := r.Load("cq-bank", "")
	if err != nil || !bytes.Equal(got.PrivateKey, bank.PrivateKey) || got.KeyID != "k1" {
		t.Fatalf("the only key of cq-bank: %+v, %v", got, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "cq-bank.k1.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v; want mode 0600", fi, err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("keyring directory: %v, %v; want mode 0700", fi, err)
	}

	refused := func(what string, err error, says ...string) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: accepted", what)
		}
		for _, s := range says {
			if !strings.Contains(err.Error(), s) {
				t.Fatalf("%s: %v; want it to say %q", what, err, s)
			}
		}
	}
	// Saving over a key would lose it.
	refused("a second key cq-bank/k1", r.Save(KeyFromSeed("cq-bank", "k1", seed(2))), "cq-bank/k1 already exists")
	if got, _ := r.Load("cq-bank", "k1"); !bytes.Equal(got.PrivateKey, bank.PrivateKey) {
		t.Fatal("the first key of cq-bank/k1 was replaced")
	}

	// With two keys, the member alone is not enough.
	if err := r.Save(KeyFromSeed("cq-bank", "k2", seed(3))); err != nil {
		t.Fatal(err)
	}
	_, err = r.Load("cq-bank", "")
	refused("cq-bank with two keys", err, `member "cq-bank" has 2 keys`, "k1, k2", "--key")
	if got, err := r.Load("cq-bank", "k2"); err != nil || !bytes.Equal(got.PrivateKey, KeyFromSeed("", "", seed(3)).PrivateKey) {
		t.Fatalf("cq-bank/k2: %v", err)
	}
	keys, err := r.List()
	if err != nil || len(keys) != 2 || keys[0].KeyID != "k1" || keys[1].KeyID != "k2" {
		t.Fatalf("list: %v, %v", keys, err)
	}

	_, err = r.Load("guizhou", "")
	refused("a member without keys", err, `no key of member "guizhou"`, dir)
	_, err = r.Load("cq-bank", "k9")
	refused("a key id not in the keyring", err, "no key cq-bank/k9", dir)
	_, err = r.Load("../cq-bank", "k1")
	refused("a member id with a path", err, "member id", `"../cq-bank"`)
	_, err = r.Load("cq-bank", "../../k1")
	refused("a key id with a path", err, "path separator")
	refused("saving a member id with a path", r.Save(KeyFromSeed("../x", "k1", seed(4))), "member id")
	refused("saving a key id with a path", r.Save(KeyFromSeed("cq-bank", "a/b", seed(4))), "key.id")
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "x.k1.json")); err == nil {
		t.Fatal("a key was written outside the keyring")
	}

	// A file whose content is another key, or not a key at all.
	other, err := os.ReadFile(filepath.Join(dir, "cq-bank.k2.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cq-bank.k3.json"), other, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = r.Load("cq-bank", "k3")
	refused("a file holding another key", err, "holds key cq-bank/k2, not cq-bank/k3")
	if err := os.WriteFile(filepath.Join(dir, "cq-bank.k3.json"), []byte(`{"member_id": "cq-bank"`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = r.Load("cq-bank", "k3")
	refused("a file that is not JSON", err, "cq-bank.k3.json is not a key file")
	_, err = r.List()
	refused("listing a keyring with a broken file", err, "cq-bank.k3.json")
	if err := os.WriteFile(filepath.Join(dir, "cq-bank.k3.json"), []byte(`{"member_id": "cq-bank", "key_id": "k3", "private_key": "AAAA"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = r.Load("cq-bank", "k3")
	refused("a file with a short private key", err, "64-byte private_key")

	// A good key file that other users may read is refused until it is
	// made private again.
	path := filepath.Join(dir, "cq-bank.k2.json")
	for _, mode := range []os.FileMode{0o644, 0o640, 0o602} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err = r.Load("cq-bank", "k2")
		refused(fmt.Sprintf("a key file of mode %04o", mode), err, fmt.Sprintf("cq-bank.k2.json is open to other users (mode %04o)", mode))
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Load("cq-bank", "k2"); err != nil {
		t.Fatalf("a key file of mode 0400: %v", err)
	}
}
