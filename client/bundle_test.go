package client_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/client/bundlepb"
)

// verifyNow is the verifier's clock in these tests: an hour after genesis.
var verifyNow = genesisTime.Add(time.Hour)

func oneSet(int64) int { return 0 }

func fetch(t *testing.T, c *testChain, key string, height int64) *bundlepb.Bundle {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := client.BuildBundle(ctx, c, c, []byte(key), height)
	if err != nil {
		t.Fatalf("build bundle for %q at %d: %v", key, height, err)
	}
	return b
}

func headerHeights(t *testing.T, b *bundlepb.Bundle) []int64 {
	t.Helper()
	var hs []int64
	for _, lb := range b.LightBlocks {
		sh := &cmtproto.SignedHeader{}
		if err := sh.Unmarshal(lb.SignedHeader); err != nil {
			t.Fatal(err)
		}
		hs = append(hs, sh.Header.Height)
	}
	return hs
}

// TestBundleMembership fetches a bundle for a present key, verifies it, and
// verifies it again after a round trip through a file.
func TestBundleMembership(t *testing.T) {
	c := newTestChain(t, 8, 1, oneSet, map[int64]map[int]bool{5: {3: true}})
	b := fetch(t, c, "shared", 4)
	if hs := headerHeights(t, b); len(hs) != 1 || hs[0] != 5 {
		t.Fatalf("with one validator set the bundle should carry header 5 only, got %v", hs)
	}
	path := filepath.Join(t.TempDir(), "shared.bundle")
	if err := client.SaveBundle(path, b); err != nil {
		t.Fatal(err)
	}
	loaded, err := client.LoadBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, bb := range []*bundlepb.Bundle{b, loaded} {
		r, err := client.VerifyBundleAt(bb, c.genesis, verifyNow)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		if !r.Found || string(r.Value) != "s4" || string(r.Key) != "shared" || r.Height != 4 || r.Header != 5 {
			t.Fatalf("report: %+v", r)
		}
		if r.SignedPower != 30 || r.TotalPower != 40 || len(r.Signers) != 3 || r.LightBlocks != 1 || r.ChainID != c.chainID {
			t.Fatalf("report: %+v", r)
		}
		for _, s := range r.Signers {
			if !strings.HasPrefix(s, "set0-") {
				t.Fatalf("signer %q is not named from the genesis file", s)
			}
		}
	}
	// A verifier whose clock is before the header's time refuses it.
	_, err = client.VerifyBundleAt(b, c.genesis, genesisTime.Add(-time.Hour))
	expectCheck(t, err, client.CheckSignatures, "from the future")
}

// TestBundleAbsence proves that a key is absent.
func TestBundleAbsence(t *testing.T) {
	c := newTestChain(t, 6, 1, oneSet, nil)
	b := fetch(t, c, "k5", 3) // written at height 5, absent at 3
	if b.Found || len(b.Proof.Value) != 0 {
		t.Fatalf("k5 should be absent at 3: %+v", b.Proof)
	}
	r, err := client.VerifyBundleAt(b, c.genesis, verifyNow)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if r.Found || r.Value != nil || r.Height != 3 {
		t.Fatalf("report: %+v", r)
	}
	// Claiming the absent key exists fails.
	b.Found = true
	expectCheck(t, verify(b, c.genesis), client.CheckRecord, "does not verify for this key and value")
}

// TestBundleValidatorSetChange: the validators of blocks 1–5 all leave at
// block 6; the bundle must carry the headers where the set changed, and the
// verifier refuses it without them.
func TestBundleValidatorSetChange(t *testing.T) {
	c := newTestChain(t, 12, 2, func(h int64) int {
		if h <= 5 {
			return 0
		}
		return 1
	}, nil)
	b := fetch(t, c, "k9", 9)
	hs := headerHeights(t, b)
	if len(hs) < 2 || hs[len(hs)-1] != 10 {
		t.Fatalf("header chain %v should end at 10 and include the change of validators", hs)
	}
	t.Logf("header chain from genesis: %v", hs)
	r, err := client.VerifyBundleAt(b, c.genesis, verifyNow)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if r.LightBlocks != len(hs) || r.SignedPower != 40 || r.Validators != 4 {
		t.Fatalf("report: %+v", r)
	}
	short := clone(t, b)
	short.LightBlocks = short.LightBlocks[len(short.LightBlocks)-1:]
	expectCheck(t, verify(short, c.genesis), client.CheckSignatures, "1/3")
}

// TestBundleWaitsForNextHeader: the root of the latest height is only in a
// header not yet made; the fetcher waits for it until its context ends.
func TestBundleWaitsForNextHeader(t *testing.T) {
	c := newTestChain(t, 4, 1, oneSet, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := client.BuildBundle(ctx, c, c, []byte("shared"), 0)
	if err == nil || !strings.Contains(err.Error(), "waiting for block 5") {
		t.Fatalf("want a wait for block 5, got %v", err)
	}
}

func verify(b *bundlepb.Bundle, gen *cmttypes.GenesisDoc) error {
	_, err := client.VerifyBundleAt(b, gen, verifyNow)
	return err
}

func expectCheck(t *testing.T, err error, check, contains string) {
	t.Helper()
	var ve *client.VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("want a %q failure, got %v", check, err)
	}
	if ve.Check != check || !strings.HasPrefix(err.Error(), check+": ") || !strings.Contains(err.Error(), contains) {
		t.Fatalf("want check %q mentioning %q, got %q", check, contains, err)
	}
}

func clone(t *testing.T, b *bundlepb.Bundle) *bundlepb.Bundle {
	t.Helper()
	bz, err := client.EncodeBundle(b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.DecodeBundle(bz)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// editHeader decodes the last signed header, lets edit change it and
// encodes it back.
func editHeader(t *testing.T, b *bundlepb.Bundle, edit func(*cmtproto.SignedHeader)) {
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

func editValidators(t *testing.T, b *bundlepb.Bundle, edit func(*cmtproto.ValidatorSet)) {
	t.Helper()
	lb := b.LightBlocks[len(b.LightBlocks)-1]
	vs := &cmtproto.ValidatorSet{}
	if err := vs.Unmarshal(lb.ValidatorSet); err != nil {
		t.Fatal(err)
	}
	edit(vs)
	bz, err := vs.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	lb.ValidatorSet = bz
}

// TestBundleTamper changes one thing at a time and checks the verifier
// names the check that fails.
func TestBundleTamper(t *testing.T) {
	c := newTestChain(t, 6, 1, oneSet, nil)
	other := newTestChain(t, 2, 1, oneSet, nil)
	good := fetch(t, c, "k3", 4)
	if err := verify(good, c.genesis); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name           string
		edit           func(b *bundlepb.Bundle, gen *cmttypes.GenesisDoc)
		check, message string
	}{
		{"value byte", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) { b.Proof.Value[0] ^= 1 },
			client.CheckRecord, "proof does not verify for this key and value"},
		{"key byte", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) { b.Proof.Key[0] ^= 1 },
			client.CheckRecord, "proof does not verify for this key and value"},
		{"proof byte", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) {
			b.Proof.CommitmentProof[len(b.Proof.CommitmentProof)-3] ^= 1
		}, client.CheckRecord, ""},
		{"absent claimed", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) { b.Found = false },
			client.CheckRecord, "carries a value"},
		{"proof root", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) { b.Proof.Root[0] ^= 1 },
			client.CheckAppHash, "header 5 carries"},
		{"proof height", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) { b.Proof.Height = 3 },
			client.CheckAppHash, "its root is in header 4"},
		{"proof spec", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) { b.ProofSpec[len(b.ProofSpec)-1] ^= 1 },
			client.CheckProofSpec, "not the store's"},
		{"header app hash", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) {
			editHeader(t, b, func(sh *cmtproto.SignedHeader) { sh.Header.AppHash[0] ^= 1 })
		}, client.CheckSignatures, "commit signs block"},
		{"header time", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) {
			editHeader(t, b, func(sh *cmtproto.SignedHeader) { sh.Header.Time = sh.Header.Time.Add(time.Second) })
		}, client.CheckSignatures, "commit signs block"},
		{"first commit signature", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) {
			editHeader(t, b, func(sh *cmtproto.SignedHeader) { sh.Commit.Signatures[0].Signature[5] ^= 1 })
		}, client.CheckSignatures, "wrong signature"},
		{"last commit signature (beyond 2/3)", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) {
			editHeader(t, b, func(sh *cmtproto.SignedHeader) { sh.Commit.Signatures[3].Signature[5] ^= 1 })
		}, client.CheckSignatures, "wrong signature"},
		{"signer address", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) {
			editHeader(t, b, func(sh *cmtproto.SignedHeader) { sh.Commit.Signatures[1].ValidatorAddress[0] ^= 1 })
		}, client.CheckSignatures, "names validator"},
		{"validator power", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) {
			editValidators(t, b, func(vs *cmtproto.ValidatorSet) { vs.Validators[0].VotingPower = 100 })
		}, client.CheckSignatures, "validator"},
		{"garbled header", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) {
			b.LightBlocks[0].SignedHeader = []byte{0xff, 0xff, 0xff}
		}, client.CheckFormat, "does not decode"},
		{"no header", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) { b.LightBlocks = nil },
			client.CheckFormat, "no signed header"},
		{"format", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) { b.Format = 2 },
			client.CheckFormat, "format 2"},
		{"bundle chain id", func(b *bundlepb.Bundle, _ *cmttypes.GenesisDoc) { b.ChainId = "corridor-other" },
			client.CheckGenesis, `chain "corridor-other"`},
		{"genesis chain id", func(_ *bundlepb.Bundle, gen *cmttypes.GenesisDoc) { gen.ChainID = "corridor-other" },
			client.CheckGenesis, `genesis file is for chain "corridor-other"`},
		{"genesis of another network", func(_ *bundlepb.Bundle, gen *cmttypes.GenesisDoc) {
			gen.Validators = other.genesis.Validators
		}, client.CheckGenesis, "hashes to"},
		{"genesis power", func(_ *bundlepb.Bundle, gen *cmttypes.GenesisDoc) { gen.Validators[2].Power++ },
			client.CheckGenesis, "hashes to"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := clone(t, good)
			gen := *c.genesis
			gen.Validators = append([]cmttypes.GenesisValidator(nil), c.genesis.Validators...)
			tc.edit(b, &gen)
			expectCheck(t, verify(b, &gen), tc.check, tc.message)
		})
	}
}

// TestBundleEveryByte flips each byte of the record and its proof, and of
// the signed header, and checks every change is refused (and nothing
// panics).
func TestBundleEveryByte(t *testing.T) {
	c := newTestChain(t, 6, 1, oneSet, map[int64]map[int]bool{5: {2: true}})
	for _, key := range []string{"k3", "k5"} { // present, absent at 4
		good := fetch(t, c, key, 4)
		proof, err := good.Proof.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		for i := range proof {
			b := clone(t, good)
			bad := bytes.Clone(proof)
			bad[i] ^= 0x01
			b.Proof.Reset()
			if err := b.Proof.Unmarshal(bad); err != nil {
				continue // no longer a proof message: a file with it does not decode
			}
			if err := verify(b, c.genesis); err == nil {
				t.Fatalf("%s: flipping byte %d of the proof message went unnoticed", key, i)
			}
		}
		header := good.LightBlocks[0].SignedHeader
		for i := range header {
			b := clone(t, good)
			b.LightBlocks[0].SignedHeader = bytes.Clone(header)
			b.LightBlocks[0].SignedHeader[i] ^= 0x01
			if err := verify(b, c.genesis); err == nil {
				t.Fatalf("%s: flipping byte %d of the signed header went unnoticed", key, i)
			}
		}
	}
}
