package main

import "github.com/spf13/cobra"

func accessTxCmd() *cobra.Command {
	return &cobra.Command{Use: "access", Short: "access transactions"}
}

func accessQueryCmd() *cobra.Command {
	return &cobra.Command{Use: "access", Short: "access queries"}
}
