package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/cosmos/gogoproto/jsonpb"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/landsea/corridor/app/api/nodepb"
	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/client"
)

// cliCtx is what tx and query commands share: a connection to a node and,
// for transactions, the signing key.
type cliCtx struct {
	Client *client.Client
	Key    *client.Key
	Out    io.Writer
	Ctx    context.Context
	cancel context.CancelFunc
	output string
}

// addConnFlags adds the flags that say how to reach a node.
func addConnFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.String("node", "127.0.0.1:9090", "gRPC address of the node")
	f.String("ca", "", "CA certificate (PEM) to reach the node over TLS")
	f.String("cert", "", "client certificate (PEM) for mutual TLS")
	f.String("cert-key", "", "client certificate key (PEM) for mutual TLS")
	f.String("output", "text", "output format: text or json")
	f.Duration("timeout", 60*time.Second, "how long to wait for the node")
}

// addPageFlags adds --limit and --page-token to a list command.
func addPageFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.Uint32("limit", 0, "page size (default 100, at most 1000)")
	f.String("page-token", "", "next_page_token of the previous page")
}

// addSignFlags adds the flags that pick the signing key.
func addSignFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.String("from", "", "member id that signs (its key must be in <home>/keys)")
	f.String("key", "", "key id of the signing member (default: its only key)")
}

// newCLICtx connects to the node; with sign it also loads the --from key.
func newCLICtx(cmd *cobra.Command, sign bool) (*cliCtx, error) {
	flag := func(n string) string { v, _ := cmd.Flags().GetString(n); return v }
	timeout, _ := cmd.Flags().GetDuration("timeout")
	c, err := client.Dial(flag("node"), client.DialOptions{CAFile: flag("ca"), CertFile: flag("cert"), KeyFile: flag("cert-key")})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
	cc := &cliCtx{Client: c, Out: cmd.OutOrStdout(), Ctx: ctx, cancel: cancel, output: flag("output")}
	if sign {
		if flag("from") == "" {
			cc.Close()
			return nil, fmt.Errorf("--from is required: the member id that signs")
		}
		cc.Key, err = client.Keyring{Dir: filepath.Join(flag("home"), "keys")}.Load(flag("from"), flag("key"))
		if err != nil {
			cc.Close()
			return nil, err
		}
	}
	return cc, nil
}

// query connects to the node, asks it with ask and prints the answer or
// returns the error: a query command's whole run once its flags are read.
func query(cmd *cobra.Command, ask func(cc *cliCtx) (gogoproto.Message, error)) error {
	cc, err := newCLICtx(cmd, false)
	if err != nil {
		return err
	}
	defer cc.Close()
	return cc.PrintResult(ask(cc))
}

// Close releases the connection.
func (c *cliCtx) Close() {
	c.cancel()
	_ = c.Client.Close()
}

// Submit signs and submits msgs, waits for the block and prints the result.
func (c *cliCtx) Submit(msgs ...*types.Message) (*nodepb.TxResult, error) {
	res, err := c.Client.Submit(c.Ctx, c.Key, msgs...)
	if res != nil {
		if perr := c.Print(res); perr != nil {
			return res, perr
		}
	}
	return res, err
}

// Print writes a protobuf message as JSON (both output formats use the
// protobuf JSON form, which keeps field names stable for scripts).
func (c *cliCtx) Print(msg gogoproto.Message) error { return printJSON(c.Out, msg) }

// PrintResult prints a query's answer, or returns its error.
func (c *cliCtx) PrintResult(msg gogoproto.Message, err error) error {
	if err != nil {
		return err
	}
	return c.Print(msg)
}

func printJSON(w io.Writer, msg gogoproto.Message) error {
	m := jsonpb.Marshaler{OrigName: true, Indent: "  "}
	s, err := m.MarshalToString(msg)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, s)
	return err
}

// submitValidated refuses a message whose own validation failed (validate,
// the result of the module's ValidateMsg) before anything is signed;
// otherwise it signs and submits it and waits for the block.
func submitValidated(cmd *cobra.Command, validate error, msg *types.Message) error {
	if validate != nil {
		return validate
	}
	cc, err := newCLICtx(cmd, true)
	if err != nil {
		return err
	}
	defer cc.Close()
	_, err = cc.Submit(msg)
	return err
}

// timeRange reads --from and --to (RFC 3339, either may be empty) as Unix
// nanoseconds; 0 means open. --to is the time to stop before, so with both
// given it must come after --from.
func timeRange(from, to string) (int64, int64, error) {
	var out [2]int64
	for i, s := range []string{from, to} {
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return 0, 0, fmt.Errorf("--%s %q: not an RFC 3339 time like 2026-11-29T08:00:00Z", []string{"from", "to"}[i], s)
		}
		out[i] = t.UnixNano()
	}
	if from != "" && to != "" && out[1] <= out[0] {
		return 0, 0, fmt.Errorf("--to %s is not after --from %s: the range would be empty", to, from)
	}
	return out[0], out[1], nil
}
