package main

import "github.com/spf13/cobra"

func customsTxCmd() *cobra.Command {
	return &cobra.Command{Use: "customs", Short: "customs transactions"}
}

func customsQueryCmd() *cobra.Command {
	return &cobra.Command{Use: "customs", Short: "customs queries"}
}
