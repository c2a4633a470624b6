package main

import (
	"encoding/hex"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/landsea/corridor/client"
)

// bundleQueryCmd is `corridord query bundle`: write a proof bundle for a raw
// state key. Module query commands can offer the same with addBundleFlags
// and writeBundle once they know their record's key.
func bundleQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle --key HEX --bundle FILE",
		Short: "Write an offline-verifiable proof bundle for a raw state key (present or absent); check it with `corridord verify`",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keyHex, _ := cmd.Flags().GetString("key")
			key, err := hex.DecodeString(keyHex)
			if err != nil || len(key) == 0 {
				return fmt.Errorf("--key %q must be a non-empty raw state key in hex", keyHex)
			}
			height, _ := cmd.Flags().GetInt64("height")
			if height < 0 {
				return fmt.Errorf("--height %d must be 0 (latest) or positive", height)
			}
			if path, _ := cmd.Flags().GetString("bundle"); path == "" {
				return fmt.Errorf("--bundle FILE is required: where to write the bundle")
			}
			cc, err := newCLICtx(cmd, false)
			if err != nil {
				return err
			}
			defer cc.Close()
			return writeBundle(cmd, cc, key, height)
		},
	}
	cmd.Flags().String("key", "", "raw state key, hex")
	cmd.Flags().Int64("height", 0, "state height of the record (0 = latest); the bundle waits for block height+1")
	addBundleFlags(cmd)
	return cmd
}

// addBundleFlags adds --bundle and --rpc to a query command.
func addBundleFlags(cmd *cobra.Command) {
	cmd.Flags().String("bundle", "", "write a proof bundle to FILE (record, ICS23 proof, signed header, validator sets)")
	cmd.Flags().String("rpc", "127.0.0.1:26657", "CometBFT RPC address of the node (signed headers and validator sets)")
}

// writeBundle fetches the bundle for key at height into the --bundle file
// and prints what it holds.
func writeBundle(cmd *cobra.Command, cc *cliCtx, key []byte, height int64) error {
	path, _ := cmd.Flags().GetString("bundle")
	rpc, _ := cmd.Flags().GetString("rpc")
	b, err := client.FetchBundle(cc.Ctx, cc.Client, rpc, key, height)
	if err != nil {
		return err
	}
	if err := client.SaveBundle(path, b); err != nil {
		return err
	}
	state := "present"
	if !b.Found {
		state = "absent"
	}
	_, err = fmt.Fprintf(cc.Out, "wrote %s: key %X %s at height %d on chain %s, with %d signed header(s) from genesis to header %d\n",
		path, key, state, b.Proof.Height, b.ChainId, len(b.LightBlocks), b.Proof.Height+1)
	return err
}
