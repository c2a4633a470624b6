package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/landsea/corridor/app/node"
)

func addNodeCommands(root *cobra.Command) {
	root.AddCommand(initCmd(), startCmd(), testnetCmd(), nodeIDCmd(), validatorKeyCmd(), checkIndexesCmd())
}

func checkIndexesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check-indexes",
		Short: "Compare the stopped node's secondary indexes (listings by party, status, time; counters) with what its state implies, module by module; --repair rewrites them from the state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, _ := cmd.Flags().GetString("home")
			repair, _ := cmd.Flags().GetBool("repair")
			return node.CheckIndexes(home, repair, cmd.OutOrStdout())
		},
	}
	cmd.Flags().Bool("repair", false, "if an index differs, rewrite every index from the state (the state, its root and the height stay as they are)")
	return cmd
}

func validatorKeyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validator-key",
		Short: "Print the node's validator public key in hex (for 'tx membership propose-validator --pub-key')",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, _ := cmd.Flags().GetString("home")
			pub, err := node.LoadValidatorPubKey(filepath.Join(home, "config", "priv_validator_key.json"))
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%x\n", pub)
			return nil
		},
	}
}

func initCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a single-validator development chain in --home (province chongqing)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, _ := cmd.Flags().GetString("home")
			chainID, _ := cmd.Flags().GetString("chain-id")
			demo, _ := cmd.Flags().GetBool("demo")
			o := node.NetworkOptions{Output: home, ChainID: chainID, Validators: 1, BasePort: 26656,
				Demo: demo, TimeoutCommit: time.Second, Homes: []string{home}}
			if err := node.CreateSingle(o); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "initialised chain %s in %s (keys in %s)\n", chainID, home, filepath.Join(home, "keys"))
			return nil
		},
	}
	cmd.Flags().String("chain-id", "corridor-dev", "chain id")
	cmd.Flags().Bool("demo", false, "add the demo members and load the demo data on first start")
	return cmd
}

func startCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "start",
		Short: "Run the node in --home until interrupted (Ctrl-C stops it cleanly)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, _ := cmd.Flags().GetString("home")
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return node.Run(ctx, home, cmd.OutOrStdout())
		},
	}
}

func testnetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "testnet",
		Short: "Write the homes of a network of N province validators on 127.0.0.1",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var o node.NetworkOptions
			o.Validators, _ = cmd.Flags().GetInt("validators")
			o.Output, _ = cmd.Flags().GetString("output")
			o.ChainID, _ = cmd.Flags().GetString("chain-id")
			o.BasePort, _ = cmd.Flags().GetInt("base-port")
			o.Demo, _ = cmd.Flags().GetBool("demo")
			o.TimeoutCommit, _ = cmd.Flags().GetDuration("timeout-commit")
			if err := node.CreateNetwork(o); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d validator homes under %s (node0 … node%d); member keys in %s\n",
				o.Validators, o.Output, o.Validators-1, filepath.Join(o.Output, "keys"))
			return nil
		},
	}
	cmd.Flags().Int("validators", 4, "number of province validators, 1 to 15 (in genesis order)")
	cmd.Flags().String("output", "./testnet", "directory for the node homes")
	cmd.Flags().String("chain-id", "corridor-testnet", "chain id")
	cmd.Flags().Int("base-port", 27000, "node i listens on base+10i (p2p), +1 (RPC), +2 (gRPC), +3 (Prometheus)")
	cmd.Flags().Bool("demo", false, "add the demo members and load the demo data through node0")
	cmd.Flags().Duration("timeout-commit", 500*time.Millisecond, "pause after each block")
	return cmd
}

func nodeIDCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "node-id",
		Short: "Print the node's p2p id (for other nodes' persistent_peers)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, _ := cmd.Flags().GetString("home")
			nk, err := node.LoadNodeKey(filepath.Join(home, "config", "node_key.json"))
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), nk.ID())
			return nil
		},
	}
}
