package client

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"
	"github.com/cometbft/cometbft/light"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/landsea/corridor/client/bundlepb"
)

// The header chain of a bundle: signed headers with their validator sets,
// verified with CometBFT's light client rules from the genesis validator set.
//
// Offline verification trusts the genesis validator set for any age: the
// light client's trusting period (which guards a client that follows a live
// chain against old keys of validators that have since left) does not apply
// to a file checked against the genesis of a permissioned network. A bundle
// is therefore only as good as the genesis validators' keys; docs/verify.md
// says so.

// encodeLightBlock turns a light block into the bundle's form.
func encodeLightBlock(lb *cmttypes.LightBlock) (*bundlepb.LightBlock, error) {
	sh, err := lb.SignedHeader.ToProto().Marshal()
	if err != nil {
		return nil, fmt.Errorf("encode header %d: %w", lb.Height, err)
	}
	vp, err := lb.ValidatorSet.ToProto()
	if err != nil {
		return nil, fmt.Errorf("encode validators at %d: %w", lb.Height, err)
	}
	vs, err := vp.Marshal()
	if err != nil {
		return nil, fmt.Errorf("encode validators at %d: %w", lb.Height, err)
	}
	return &bundlepb.LightBlock{SignedHeader: sh, ValidatorSet: vs}, nil
}

// decodeLightBlocks decodes the bundle's header chain; failures are
// CheckFormat errors.
func decodeLightBlocks(in []*bundlepb.LightBlock) ([]*cmttypes.LightBlock, error) {
	out := make([]*cmttypes.LightBlock, len(in))
	for i, b := range in {
		lb, err := decodeLightBlock(b)
		if err != nil {
			return nil, failed(CheckFormat, "signed header %d of %d: %v", i+1, len(in), err)
		}
		out[i] = lb
	}
	return out, nil
}

func decodeLightBlock(b *bundlepb.LightBlock) (*cmttypes.LightBlock, error) {
	if b == nil {
		return nil, errors.New("missing")
	}
	if len(b.SignedHeader) > lightBlockBytesMax || len(b.ValidatorSet) > lightBlockBytesMax {
		return nil, fmt.Errorf("over the limit of %d bytes", lightBlockBytesMax)
	}
	shp := &cmtproto.SignedHeader{}
	if err := shp.Unmarshal(b.SignedHeader); err != nil {
		return nil, fmt.Errorf("does not decode as cometbft.types.v1.SignedHeader: %w", err)
	}
	if shp.Header == nil || shp.Commit == nil {
		return nil, errors.New("the header or its commit is missing")
	}
	sh, err := cmttypes.SignedHeaderFromProto(shp)
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	vp := &cmtproto.ValidatorSet{}
	if err := vp.Unmarshal(b.ValidatorSet); err != nil {
		return nil, fmt.Errorf("validator set does not decode as cometbft.types.v1.ValidatorSet: %w", err)
	}
	if len(vp.Validators) > validatorsMax {
		return nil, fmt.Errorf("%d validators is over the limit of %d", len(vp.Validators), validatorsMax)
	}
	vals, err := cmttypes.ValidatorSetFromProto(vp)
	if err != nil {
		return nil, fmt.Errorf("validator set of header %d: %w", sh.Height, err)
	}
	return &cmttypes.LightBlock{SignedHeader: sh, ValidatorSet: vals}, nil
}

// genesisAnchor stands for the genesis as a trusted header just before the
// chain's first block: its next validators are the genesis validators. Block
// 1 carries the genesis time, so the anchor is one nanosecond earlier.
func genesisAnchor(gen *cmttypes.GenesisDoc, vals *cmttypes.ValidatorSet) *cmttypes.SignedHeader {
	initial := gen.InitialHeight
	if initial == 0 {
		initial = 1
	}
	return anchorHeader(gen.ChainID, initial-1, gen.GenesisTime.Add(-time.Nanosecond), vals)
}

func anchorHeader(chainID string, height int64, t time.Time, vals *cmttypes.ValidatorSet) *cmttypes.SignedHeader {
	return &cmttypes.SignedHeader{Header: &cmttypes.Header{
		ChainID: chainID, Height: height, Time: t,
		ValidatorsHash: vals.Hash(), NextValidatorsHash: vals.Hash(),
	}}
}

// verifyLightBlocks checks the header chain from the anchor: each header
// must be verifiable from the one before it.
func verifyLightBlocks(anchor *cmttypes.SignedHeader, anchorVals *cmttypes.ValidatorSet, blocks []*cmttypes.LightBlock, now time.Time) error {
	trusted, trustedVals := anchor, anchorVals
	for i, lb := range blocks {
		if err := verifyStep(trusted, trustedVals, lb, now); err != nil {
			return fmt.Errorf("header %d (%d of %d from genesis): %w", lb.Height, i+1, len(blocks), err)
		}
		trusted, trustedVals = lb.SignedHeader, lb.ValidatorSet
	}
	return nil
}

// verifyStep checks one header against the last trusted one with
// light.Verify (adjacent: the validator set is the one the trusted header
// announced; skipping: more than 1/3 of the trusted power signed), then
// checks every signature of its commit: the light client stops once 2/3 have
// signed, but a bundle must not carry a single altered byte.
func verifyStep(trusted *cmttypes.SignedHeader, trustedVals *cmttypes.ValidatorSet, lb *cmttypes.LightBlock, now time.Time) error {
	if err := lb.ValidateBasic(trusted.ChainID); err != nil {
		return err
	}
	err := light.Verify(trusted, trustedVals, lb.SignedHeader, lb.ValidatorSet,
		offlineTrustPeriod, now, headerClockDriftMax, light.DefaultTrustLevel)
	if errors.As(err, new(light.ErrNewValSetCantBeTrusted)) {
		return &untrustedError{fmt.Errorf("not signed by more than 1/3 of the power trusted at height %d (the bundle may lack the headers where the validator set changed): %w",
			trusted.Height, err)}
	}
	if err != nil {
		return err
	}
	if err := lb.ValidatorSet.VerifyCommit(trusted.ChainID, lb.Commit.BlockID, lb.Height, lb.Commit); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return checkSignerAddresses(lb)
}

// checkSignerAddresses checks that each signature names the validator at its
// index: CometBFT finds the key by index and does not look at the address.
func checkSignerAddresses(lb *cmttypes.LightBlock) error {
	for i, sig := range lb.Commit.Signatures {
		if sig.BlockIDFlag == cmttypes.BlockIDFlagAbsent {
			continue
		}
		if want := lb.ValidatorSet.Validators[i].Address; !bytes.Equal(sig.ValidatorAddress, want) {
			return fmt.Errorf("commit: signature %d names validator %X, but validator %d of the set is %X", i, []byte(sig.ValidatorAddress), i, []byte(want))
		}
	}
	return nil
}

// untrustedError is a header the trusted validators did not sign enough of:
// the fetcher answers it by adding an intermediate header.
type untrustedError struct{ error }

func (e *untrustedError) Unwrap() error { return e.error }
