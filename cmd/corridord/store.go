package main

import (
	"encoding/hex"
	"fmt"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
)

func storeQueryCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "store", Short: "Raw state reads"}
	get := &cobra.Command{
		Use:   "key HEXKEY",
		Short: "Read a raw state key (hex), with --prove an ICS23 proof; protected content (declaration data, bill parties and goods) is refused here: read it with 'query access read'",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := hex.DecodeString(args[0])
			if err != nil {
				return fmt.Errorf("key %q is not hex: %w", args[0], err)
			}
			prove, _ := cmd.Flags().GetBool("prove")
			height, _ := cmd.Flags().GetInt64("height")
			return query(cmd, func(cc *cliCtx) (gogoproto.Message, error) {
				return cc.Client.Get(cc.Ctx, key, height, prove)
			})
		},
	}
	get.Flags().Bool("prove", false, "include an ICS23 proof")
	get.Flags().Int64("height", 0, "height to read (0 = latest)")
	cmd.AddCommand(get)
	return cmd
}
