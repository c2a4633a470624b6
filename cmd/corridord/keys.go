package main

import (
	"encoding/hex"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/landsea/corridor/client"
)

func keyring(cmd *cobra.Command) client.Keyring {
	home, _ := cmd.Flags().GetString("home")
	return client.Keyring{Dir: filepath.Join(home, "keys")}
}

func keysCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage member signing keys in <home>/keys"}
	add := &cobra.Command{
		Use:   "add MEMBER_ID [KEY_ID]",
		Short: "Create a new Ed25519 key for a member (key id defaults to k1)",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			keyID := "k1"
			if len(args) == 2 {
				keyID = args[1]
			}
			k, err := client.NewKey(args[0], keyID)
			if err != nil {
				return err
			}
			if err := keyring(cmd).Save(k); err != nil {
				return err
			}
			printKey(cmd, k)
			return nil
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the keys in the keyring",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keys, err := keyring(cmd).List()
			if err != nil {
				return err
			}
			for _, k := range keys {
				printKey(cmd, k)
			}
			return nil
		},
	}
	show := &cobra.Command{
		Use:   "show MEMBER_ID [KEY_ID]",
		Short: "Show a key's public part",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			keyID := ""
			if len(args) == 2 {
				keyID = args[1]
			}
			k, err := keyring(cmd).Load(args[0], keyID)
			if err != nil {
				return err
			}
			printKey(cmd, k)
			return nil
		},
	}
	cmd.AddCommand(add, list, show)
	return cmd
}

func printKey(cmd *cobra.Command, k *client.Key) {
	fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%s\t%s\n", k.MemberID, k.KeyID, k.Scheme, hex.EncodeToString(k.PublicKey()))
}
