package client

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"
	ics23 "github.com/cosmos/ics23/go"

	"github.com/landsea/corridor/client/bundlepb"
	"github.com/landsea/corridor/store"
)

// A proof bundle (bundlepb.Bundle) proves offline that a raw state key had a
// value, or was absent, at a height: the genesis validators sign, directly or
// through intermediate headers, the header at height+1; its AppHash is the
// state root after height; the ICS23 proof ties the record to that root.
// FetchBundle builds one from a node; VerifyBundle checks one against a
// genesis file with no network.

// BundleFormat is the version of the bundle format this package writes and
// reads.
const BundleFormat = 1

// Limits on what a bundle may hold, checked before anything is decoded
// further: a bundle is input from anywhere.
const (
	bundleBytesMax      = 64 << 20
	lightBlocksMax      = 1024
	lightBlockBytesMax  = 4 << 20
	commitmentBytesMax  = 64 << 10
	proofSpecBytesMax   = 4 << 10
	validatorsMax       = 1000
	validatorsPerPage   = 100
	genesisChunksMax    = 64
	offlineTrustPeriod  = 200 * 365 * 24 * time.Hour
	headerClockDriftMax = 10 * time.Minute
)

// The checks VerifyBundle makes, in order; a *VerifyError names the one that
// failed.
const (
	// CheckFormat: the bundle decodes, has every part and stays within limits.
	CheckFormat = "bundle"
	// CheckGenesis: the bundle's chain id and genesis validator set hash are
	// the genesis file's.
	CheckGenesis = "genesis"
	// CheckSignatures: every header in the chain is signed by more than 2/3
	// of its validators' power (every signature present is checked) and by
	// more than 1/3 of the power of the validators trusted before it, starting
	// with the genesis set.
	CheckSignatures = "commit signatures"
	// CheckAppHash: the last header is at the record's height+1 and its
	// AppHash is the proof's root.
	CheckAppHash = "app hash"
	// CheckProofSpec: the bundle's proof spec is the store's.
	CheckProofSpec = "proof spec"
	// CheckRecord: the ICS23 proof proves the key has the value (or is
	// absent) under that AppHash.
	CheckRecord = "record"
)

// VerifyError is a bundle that failed a check. Check is one of the Check
// constants; the message starts with it.
type VerifyError struct {
	Check string
	Err   error
}

func (e *VerifyError) Error() string { return e.Check + ": " + e.Err.Error() }

// Unwrap returns the underlying reason.
func (e *VerifyError) Unwrap() error { return e.Err }

func failed(check string, format string, args ...any) error {
	return &VerifyError{Check: check, Err: fmt.Errorf(format, args...)}
}

// BundleReport is what a successful VerifyBundle established.
type BundleReport struct {
	ChainID string
	// Key is the raw state key; Value its value (nil when absent).
	Key, Value []byte
	// Found is true for a membership proof, false for an absence proof.
	Found bool
	// Height is the state height of the record; Header (= Height+1) the
	// header whose AppHash is the state root after Height.
	Height, Header int64
	AppHash        []byte
	BlockHash      []byte
	HeaderTime     time.Time
	// SignedPower of TotalPower signed the header, by Signers of Validators
	// validators (named from the genesis file when it names them).
	SignedPower, TotalPower int64
	Signers                 []string
	Validators              int
	// LightBlocks is the number of signed headers checked from genesis.
	LightBlocks int
}

// EncodeBundle returns the bundle's bytes (its protobuf encoding).
func EncodeBundle(b *bundlepb.Bundle) ([]byte, error) { return b.Marshal() }

// DecodeBundle decodes bundle bytes.
func DecodeBundle(bz []byte) (*bundlepb.Bundle, error) {
	if len(bz) > bundleBytesMax {
		return nil, failed(CheckFormat, "%d bytes is over the limit of %d", len(bz), bundleBytesMax)
	}
	b := &bundlepb.Bundle{}
	if err := b.Unmarshal(bz); err != nil {
		return nil, failed(CheckFormat, "does not decode as corridor.bundle.v1.Bundle: %v", err)
	}
	return b, nil
}

// SaveBundle writes the bundle to a file.
func SaveBundle(path string, b *bundlepb.Bundle) error {
	bz, err := EncodeBundle(b)
	if err != nil {
		return fmt.Errorf("bundle: encode: %w", err)
	}
	if err := os.WriteFile(path, bz, 0o644); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	return nil
}

// LoadBundle reads a bundle file.
func LoadBundle(path string) (*bundlepb.Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	defer f.Close()
	bz, err := io.ReadAll(io.LimitReader(f, bundleBytesMax+1))
	if err != nil {
		return nil, fmt.Errorf("bundle: read %s: %w", path, err)
	}
	return DecodeBundle(bz)
}

// VerifyBundle checks a bundle against the network's genesis with no network
// access. It returns what it established, or a *VerifyError naming the first
// check that failed. It never panics on a malformed bundle.
func VerifyBundle(b *bundlepb.Bundle, gen *cmttypes.GenesisDoc) (*BundleReport, error) {
	return VerifyBundleAt(b, gen, time.Now())
}

// VerifyBundleAt is VerifyBundle with the verifier's clock given: a header
// more than ten minutes after now is refused.
func VerifyBundleAt(b *bundlepb.Bundle, gen *cmttypes.GenesisDoc, now time.Time) (r *BundleReport, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, failed(CheckFormat, "malformed bundle: %v", p)
		}
	}()
	if err := checkBundleShape(b); err != nil {
		return nil, err
	}
	genVals, err := checkGenesis(b, gen)
	if err != nil {
		return nil, err
	}
	blocks, err := decodeLightBlocks(b.LightBlocks)
	if err != nil {
		return nil, err
	}
	if err := verifyLightBlocks(genesisAnchor(gen, genVals), genVals, blocks, now); err != nil {
		return nil, &VerifyError{Check: CheckSignatures, Err: err}
	}
	target := blocks[len(blocks)-1]
	if err := checkAppHash(b, target); err != nil {
		return nil, err
	}
	if err := checkRecord(b, target.AppHash); err != nil {
		return nil, err
	}
	return newReport(b, gen, target, len(blocks)), nil
}

func checkBundleShape(b *bundlepb.Bundle) error {
	switch {
	case b == nil:
		return failed(CheckFormat, "no bundle")
	case b.Format != BundleFormat:
		return failed(CheckFormat, "format %d; this verifier reads format %d", b.Format, BundleFormat)
	case b.Proof == nil:
		return failed(CheckFormat, "no proof")
	case len(b.Proof.Key) == 0:
		return failed(CheckFormat, "the record's key is empty")
	case b.Proof.Height <= 0:
		return failed(CheckFormat, "the record's height %d is not positive", b.Proof.Height)
	case len(b.LightBlocks) == 0:
		return failed(CheckFormat, "no signed header")
	case len(b.LightBlocks) > lightBlocksMax:
		return failed(CheckFormat, "%d signed headers is over the limit of %d", len(b.LightBlocks), lightBlocksMax)
	case len(b.Proof.CommitmentProof) > commitmentBytesMax:
		return failed(CheckFormat, "the ICS23 proof has %d bytes, over the limit of %d", len(b.Proof.CommitmentProof), commitmentBytesMax)
	case len(b.ProofSpec) > proofSpecBytesMax:
		return failed(CheckFormat, "the proof spec has %d bytes, over the limit of %d", len(b.ProofSpec), proofSpecBytesMax)
	}
	return nil
}

// checkGenesis compares the bundle with the genesis file and returns the
// genesis validator set.
func checkGenesis(b *bundlepb.Bundle, gen *cmttypes.GenesisDoc) (*cmttypes.ValidatorSet, error) {
	if gen == nil {
		return nil, failed(CheckGenesis, "no genesis document")
	}
	if b.ChainId != gen.ChainID {
		return nil, failed(CheckGenesis, "the bundle is from chain %q, the genesis file is for chain %q", b.ChainId, gen.ChainID)
	}
	vals, err := genesisValidators(gen)
	if err != nil {
		return nil, failed(CheckGenesis, "%v", err)
	}
	if !bytes.Equal(vals.Hash(), b.GenesisValidatorsHash) {
		return nil, failed(CheckGenesis, "the bundle starts from genesis validator set %X, the genesis file's set hashes to %X",
			b.GenesisValidatorsHash, vals.Hash())
	}
	return vals, nil
}

func genesisValidators(gen *cmttypes.GenesisDoc) (*cmttypes.ValidatorSet, error) {
	if len(gen.Validators) == 0 {
		return nil, errors.New("the genesis file lists no validators")
	}
	if len(gen.Validators) > validatorsMax {
		return nil, fmt.Errorf("the genesis file lists %d validators, over the limit of %d", len(gen.Validators), validatorsMax)
	}
	vals := make([]*cmttypes.Validator, len(gen.Validators))
	for i, v := range gen.Validators {
		if v.PubKey == nil {
			return nil, fmt.Errorf("genesis validator %d (%s) has no public key", i, v.Name)
		}
		vals[i] = cmttypes.NewValidator(v.PubKey, v.Power)
	}
	return cmttypes.ValidatorSetFromExistingValidators(vals)
}

// checkAppHash checks that the target header carries the proof's root as
// its AppHash and sits at the record's height+1.
func checkAppHash(b *bundlepb.Bundle, target *cmttypes.LightBlock) error {
	p := b.Proof
	if target.Height != p.Height+1 {
		return failed(CheckAppHash, "the record is at height %d, so its root is in header %d, but the bundle's last header is %d",
			p.Height, p.Height+1, target.Height)
	}
	if !bytes.Equal(target.AppHash, p.Root) {
		return failed(CheckAppHash, "header %d carries %X but the proof's root is %X", target.Height, []byte(target.AppHash), p.Root)
	}
	return nil
}

// checkRecord checks the ICS23 proof against the signed root with the
// store's own proof spec.
func checkRecord(b *bundlepb.Bundle, root []byte) error {
	if err := checkProofSpec(b.ProofSpec); err != nil {
		return err
	}
	cp := &ics23.CommitmentProof{}
	if err := cp.Unmarshal(b.Proof.CommitmentProof); err != nil {
		return failed(CheckRecord, "the ICS23 proof does not decode: %v", err)
	}
	p := b.Proof
	if !b.Found {
		if len(p.Value) != 0 {
			return failed(CheckRecord, "the bundle says key %X is absent but carries a value", p.Key)
		}
		if err := store.VerifyNonMembership(root, cp, p.Key); err != nil {
			return failed(CheckRecord, "proof does not show key %X absent: %v", p.Key, err)
		}
		// The ics23 verifier checks the neighbours against the key it is
		// given and ignores the key written in the proof; a proof that names
		// another key is still refused, so that no byte goes unchecked.
		if np := cp.GetNonexist(); np != nil && !bytes.Equal(np.Key, p.Key) {
			return failed(CheckRecord, "the absence proof names key %X, the record's key is %X", np.Key, p.Key)
		}
		return nil
	}
	if err := store.VerifyMembership(root, cp, p.Key, p.Value); err != nil {
		return failed(CheckRecord, "proof does not verify for this key and value (key %X): %v", p.Key, err)
	}
	return nil
}

func checkProofSpec(bz []byte) error {
	want, err := store.ProofSpec().Marshal()
	if err != nil {
		return failed(CheckProofSpec, "encode the store's spec: %v", err)
	}
	if !bytes.Equal(bz, want) {
		return failed(CheckProofSpec, "the bundle's proof spec (%X) is not the store's (%X)", bz, want)
	}
	return nil
}

func newReport(b *bundlepb.Bundle, gen *cmttypes.GenesisDoc, target *cmttypes.LightBlock, steps int) *BundleReport {
	names := map[string]string{}
	for _, v := range gen.Validators {
		names[v.PubKey.Address().String()] = v.Name
	}
	r := &BundleReport{
		ChainID: b.ChainId, Key: b.Proof.Key, Found: b.Found, Height: b.Proof.Height, Header: target.Height,
		AppHash: target.AppHash, BlockHash: target.Commit.BlockID.Hash, HeaderTime: target.Time,
		TotalPower: target.ValidatorSet.TotalVotingPower(), Validators: target.ValidatorSet.Size(), LightBlocks: steps,
	}
	if b.Found {
		r.Value = b.Proof.Value
	}
	for i, sig := range target.Commit.Signatures {
		if sig.BlockIDFlag != cmttypes.BlockIDFlagCommit {
			continue
		}
		v := target.ValidatorSet.Validators[i]
		r.SignedPower += v.VotingPower
		name := names[v.Address.String()]
		if name == "" {
			name = v.Address.String()
		}
		r.Signers = append(r.Signers, name)
	}
	return r
}
