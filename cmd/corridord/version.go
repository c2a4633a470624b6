package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/landsea/corridor/app"
)

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the software version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "corridord %s (app protocol %d, %s)\n", app.Version, app.AppVersion, runtime.Version())
			return nil
		},
	}
}
