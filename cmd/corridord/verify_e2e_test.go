package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"

	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/client/bundlepb"
	mt "github.com/landsea/corridor/x/membership/types"
)

// TestE2EVerifyBundle writes proof bundles from a running four-validator
// network with `corridord query bundle`, stops the network, and checks them
// offline with `corridord verify`: the genuine bundles pass, and every
// tampered one fails with the check that caught it.
func TestE2EVerifyBundle(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four corridord processes")
	}
	n := startNetwork(t, 4)
	dir := t.TempDir()
	present, absent, atOne := filepath.Join(dir, "present.bundle"), filepath.Join(dir, "absent.bundle"), filepath.Join(dir, "at1.bundle")
	queryBundle(t, n, mt.MemberKey("chongqing"), 0, present)
	queryBundle(t, n, mt.MemberKey("no-such-member"), 0, absent)
	queryBundle(t, n, mt.MemberKey("guangxi"), 1, atOne)
	for _, p := range n.nodes {
		p.stop(t)
	}

	gen := filepath.Join(n.home(0), "config", "genesis.json")
	for _, c := range []struct{ file, want string }{
		{present, "present, value"}, {absent, "absent at height"}, {atOne, "at height 1\n"},
	} {
		out, err := run(t, "verify", c.file, "--genesis", gen)
		if err != nil || !strings.Contains(out, "verified: chain corridor-e2e") || !strings.Contains(out, c.want) {
			t.Fatalf("verify %s: %v\n%s", filepath.Base(c.file), err, out)
		}
		checkSigners(t, out)
		t.Logf("%s", out)
	}

	other := t.TempDir()
	if out, err := run(t, "testnet", "--validators", "4", "--output", other, "--chain-id", "corridor-e2e",
		"--base-port", fmt.Sprint(freeBasePort(t, 4))); err != nil {
		t.Fatalf("testnet: %v\n%s", err, out)
	}
	otherGen := filepath.Join(other, "node0", "config", "genesis.json")
	if out, err := run(t, "verify", present, "--genesis", otherGen); err == nil || !strings.Contains(out, "Error: genesis: ") {
		t.Fatalf("a genesis with other validators must fail the genesis check: %v\n%s", err, out)
	}

	for _, tc := range []struct {
		name, from, check, message string
		edit                       func(*bundlepb.Bundle)
	}{
		{"value byte", present, client.CheckRecord, "proof does not verify for this key and value",
			func(b *bundlepb.Bundle) { b.Proof.Value[len(b.Proof.Value)/2] ^= 1 }},
		{"key byte", present, client.CheckRecord, "proof does not verify for this key and value",
			func(b *bundlepb.Bundle) { b.Proof.Key[len(b.Proof.Key)-1] ^= 1 }},
		{"proof byte", present, client.CheckRecord, "",
			func(b *bundlepb.Bundle) { b.Proof.CommitmentProof[len(b.Proof.CommitmentProof)-2] ^= 1 }},
		{"absent key claimed present", absent, client.CheckRecord, "proof does not verify",
			func(b *bundlepb.Bundle) { b.Found = true }},
		{"proof root", present, client.CheckAppHash, "carries",
			func(b *bundlepb.Bundle) { b.Proof.Root[0] ^= 1 }},
		{"header app hash", present, client.CheckSignatures, "commit signs block",
			func(b *bundlepb.Bundle) {
				editSignedHeader(t, b, func(sh *cmtproto.SignedHeader) { sh.Header.AppHash[0] ^= 1 })
			}},
		{"commit signature", present, client.CheckSignatures, "wrong signature",
			func(b *bundlepb.Bundle) { editSignedHeader(t, b, flipFirstSignature) }},
		{"commit signature of the absence proof", absent, client.CheckSignatures, "wrong signature",
			func(b *bundlepb.Bundle) { editSignedHeader(t, b, flipFirstSignature) }},
	} {
		b, err := client.LoadBundle(tc.from)
		if err != nil {
			t.Fatal(err)
		}
		tc.edit(b)
		file := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".bundle")
		if err := client.SaveBundle(file, b); err != nil {
			t.Fatal(err)
		}
		out, err := run(t, "verify", file, "--genesis", gen)
		if err == nil || !strings.Contains(out, "Error: "+tc.check+": ") || !strings.Contains(out, tc.message) {
			t.Fatalf("%s: want %q failing with %q: %v\n%s", tc.name, tc.check, tc.message, err, out)
		}
	}
}

// signersLine is verify's account of who signed the header it checked.
var signersLine = regexp.MustCompile(`signed by (\d+) of 40 voting power \((\d) of 4 validators: ([a-z, ]+)\)`)

// checkSigners checks that verify names the validators that signed: more
// than two thirds of the four (which three sign a given block depends on
// timing), each one of the network's validators, each with its 10 votes.
func checkSigners(t *testing.T, out string) {
	t.Helper()
	m := signersLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("verify names no signers:\n%s", out)
	}
	names := strings.Split(m[3], ", ")
	if power, _ := strconv.Atoi(m[1]); power*3 <= 40*2 || power != 10*len(names) || m[2] != fmt.Sprint(len(names)) {
		t.Fatalf("signers do not add up (%s of 40 votes, %s validators named %q):\n%s", m[1], m[2], names, out)
	}
	validators := map[string]bool{}
	for _, p := range mt.Provinces[:4] { // testnet's validators, in genesis order
		validators[p.ID] = true
	}
	for _, name := range names {
		if !validators[name] {
			t.Fatalf("signer %q is named twice or is not one of the network's validators:\n%s", name, out)
		}
		delete(validators, name)
	}
}

// queryBundle runs `corridord query bundle` against node0.
func queryBundle(t *testing.T, n *network, key []byte, height int64, file string) {
	t.Helper()
	out, err := run(t, "query", "bundle", "--node", fmt.Sprintf("127.0.0.1:%d", n.grpc(0)),
		"--rpc", fmt.Sprintf("127.0.0.1:%d", n.rpc(0)), "--key", hex.EncodeToString(key),
		"--height", fmt.Sprint(height), "--bundle", file, "--timeout", "30s")
	if err != nil || !strings.Contains(out, "wrote "+file) {
		t.Fatalf("query bundle %X: %v\n%s", key, err, out)
	}
}

// editSignedHeader changes the bundle's last signed header.
func editSignedHeader(t *testing.T, b *bundlepb.Bundle, edit func(*cmtproto.SignedHeader)) {
	t.Helper()
	lb := b.LightBlocks[len(b.LightBlocks)-1]
	sh := &cmtproto.SignedHeader{}
	if err := sh.Unmarshal(lb.SignedHeader); err != nil {
		t.Fatal(err)
	}
	edit(sh)
	bz, err := sh.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	lb.SignedHeader = bz
}

func flipFirstSignature(sh *cmtproto.SignedHeader) {
	for i := range sh.Commit.Signatures {
		if s := sh.Commit.Signatures[i].Signature; len(s) > 0 {
			s[len(s)/2] ^= 1
			return
		}
	}
}

// TestVerifyCommandErrors checks the operator's mistakes get a clear error.
func TestVerifyCommandErrors(t *testing.T) {
	dir := t.TempDir()
	if out, err := run(t, "testnet", "--validators", "1", "--output", dir, "--base-port", fmt.Sprint(freeBasePort(t, 1))); err != nil {
		t.Fatalf("testnet: %v\n%s", err, out)
	}
	gen := filepath.Join(dir, "node0", "config", "genesis.json")
	garbage := filepath.Join(dir, "garbage.bundle")
	if err := os.WriteFile(garbage, []byte("not a bundle at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", garbage}, "--genesis GENESIS.json is required"},
		{[]string{"verify", garbage, "--genesis", filepath.Join(dir, "nowhere.json")}, "genesis: "},
		{[]string{"verify", garbage, "--genesis", garbage}, "is not a valid genesis file"},
		{[]string{"verify", filepath.Join(dir, "nowhere.bundle"), "--genesis", gen}, "bundle: open"},
		{[]string{"verify", garbage, "--genesis", gen}, "Error: bundle: does not decode"},
		{[]string{"query", "bundle", "--key", "zz", "--bundle", garbage}, "must be a non-empty raw state key in hex"},
		{[]string{"query", "bundle", "--key", "10"}, "--bundle FILE is required"},
	} {
		out, err := run(t, c.args...)
		if err == nil || !strings.Contains(out, c.want) {
			t.Errorf("%v: want an error with %q, got %v\n%s", c.args, c.want, err, out)
		}
	}
}
