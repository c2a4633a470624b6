package main

import "github.com/spf13/cobra"

func txCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "tx", Short: "Sign and submit transactions (waits for the block)"}
	addConnFlags(cmd)
	addSignFlags(cmd)
	cmd.AddCommand(membershipTxCmd(), customsTxCmd(), billTxCmd(), accessTxCmd())
	return cmd
}

func queryCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "query", Aliases: []string{"q"}, Short: "Query committed state (with --prove, with proofs)"}
	addConnFlags(cmd)
	cmd.AddCommand(membershipQueryCmd(), storeQueryCmd(), customsQueryCmd(), billQueryCmd(), accessQueryCmd())
	cmd.AddCommand(bundleQueryCmd())
	return cmd
}
