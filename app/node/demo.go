package node

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/landsea/corridor/app/demo"
	"github.com/landsea/corridor/client"
)

// loadDemo submits the demo transactions once, on the first start of a
// development chain, through the node's own gRPC API. A marker file keeps a
// restarted node from loading them again.
func loadDemo(ctx context.Context, home string, ac AppConfig, out io.Writer) {
	marker := filepath.Join(home, "data", "demo-loaded")
	if _, err := os.Stat(marker); err == nil {
		return
	}
	steps := demo.Steps()
	if len(steps) == 0 {
		return
	}
	if err := submitDemo(ctx, home, ac, steps, out); err != nil {
		fmt.Fprintf(out, "demo: %v\n", err)
		return
	}
	_ = os.WriteFile(marker, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
	fmt.Fprintf(out, "demo: %d transactions loaded\n", len(steps))
}

func submitDemo(ctx context.Context, home string, ac AppConfig, steps []demo.Step, out io.Writer) error {
	c, err := client.Dial(ac.GRPCAddress, client.DialOptions{})
	if err != nil {
		return err
	}
	defer c.Close()
	ring := client.Keyring{Dir: filepath.Join(home, "keys")}
	if err := waitHeight(ctx, c, 1); err != nil {
		return err
	}
	for i, s := range steps {
		key, err := ring.Load(s.Signer, "")
		if err != nil {
			return err
		}
		res, err := c.Submit(ctx, key, s.Msgs...)
		if err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, s.Note, err)
		}
		fmt.Fprintf(out, "demo: %-60s height %d\n", s.Note, res.Height)
	}
	return nil
}

// waitHeight waits until the node has committed height h.
func waitHeight(ctx context.Context, c *client.Client, h int64) error {
	for {
		if got, err := c.Height(ctx); err == nil && got >= h {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
