// Command corridord runs a Corridor ledger node and is its command-line
// client: init, start, testnet, keys, tx, query, verify.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := rootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}
