package main

import "github.com/spf13/cobra"

func billTxCmd() *cobra.Command {
	return &cobra.Command{Use: "bill", Short: "bill transactions"}
}

func billQueryCmd() *cobra.Command {
	return &cobra.Command{Use: "bill", Short: "bill queries"}
}
