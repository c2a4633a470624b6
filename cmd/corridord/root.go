package main

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// defaultHome is where a node keeps its configuration, keys and data.
func defaultHome() string {
	if h := os.Getenv("CORRIDOR_HOME"); h != "" {
		return h
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".corridor"
	}
	return filepath.Join(home, ".corridor")
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "corridord",
		Short:         "Corridor: the shared customs and logistics ledger of the Western Land-Sea New Corridor",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().String("home", defaultHome(), "node home directory (config, keys, data); $CORRIDOR_HOME sets the default")
	root.AddCommand(versionCmd(), keysCmd(), txCmd(), queryCmd())
	root.AddCommand(verifyCmd())
	addNodeCommands(root)
	return root
}
