package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/landsea/corridor/client"
)

// verifyCmd is `corridord verify FILE --genesis GENESIS.json`: check a proof
// bundle offline.
func verifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify BUNDLE --genesis GENESIS.json",
		Short: "Check a proof bundle offline against the network's genesis file (no node needed)",
		Long: "Checks a bundle written by `corridord query bundle`: the genesis file's chain id and validators, " +
			"the signatures of every header from genesis to the record's header (more than 2/3 of the voting power), " +
			"the header's app hash against the proof's root, and the ICS23 proof for the record's key and value " +
			"(or its absence). Exits 0 and prints what was verified, or exits 1 naming the check that failed.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			genPath, _ := cmd.Flags().GetString("genesis")
			if genPath == "" {
				return fmt.Errorf("--genesis GENESIS.json is required: the network's genesis file")
			}
			gen, err := cmttypes.GenesisDocFromFile(genPath)
			if err != nil {
				return fmt.Errorf("genesis: %s is not a valid genesis file: %w", genPath, err)
			}
			b, err := client.LoadBundle(args[0])
			if err != nil {
				return err
			}
			r, err := client.VerifyBundle(b, gen)
			if err != nil {
				return err
			}
			return printReport(cmd.OutOrStdout(), r)
		},
	}
	cmd.Flags().String("genesis", "", "the network's genesis file (config/genesis.json of any node)")
	return cmd
}

// valueShownBytesMax bounds how much of the value verify prints.
const valueShownBytesMax = 256

func printReport(w io.Writer, r *client.BundleReport) error {
	shown, more := r.Value, ""
	if len(shown) > valueShownBytesMax {
		shown, more = shown[:valueShownBytesMax], "…"
	}
	state := fmt.Sprintf("present, value %d bytes: %X%s", len(r.Value), shown, more)
	if !r.Found {
		state = "absent"
	}
	_, err := fmt.Fprintf(w, "verified: chain %s, key %X %s at height %d\n"+
		"header %d (%s) app hash %X, block %X\n"+
		"signed by %d of %d voting power (%d of %d validators: %s)\n"+
		"checked %d signed header(s) from the genesis validator set\n",
		r.ChainID, r.Key, state, r.Height,
		r.Header, r.HeaderTime.UTC().Format(time.RFC3339), r.AppHash, r.BlockHash,
		r.SignedPower, r.TotalPower, len(r.Signers), r.Validators, strings.Join(r.Signers, ", "),
		r.LightBlocks)
	return err
}
