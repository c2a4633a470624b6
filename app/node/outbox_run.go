package node

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync"

	cmtlog "github.com/cometbft/cometbft/libs/log"

	"github.com/landsea/corridor/app/api"
	"github.com/landsea/corridor/client"
	mt "github.com/landsea/corridor/x/membership/types"
)

// accessRuntime is the node's access-event machinery: the outbox and the
// goroutine that submits its events.
type accessRuntime struct {
	outbox *Outbox
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startAccess opens <home>/data/outbox and, when the node holds its
// province's key (<home>/keys/<province>.*.json, the province being the
// node's moniker), starts the submitter and hands the outbox to the read
// service through d. Without the key the node still starts, but its read
// service refuses reads of another member's records: events it could not
// put on the ledger must not be promised.
func startAccess(ctx context.Context, home, dataDir, province string, d *api.Deps, logger cmtlog.Logger, out io.Writer) (*accessRuntime, error) {
	ob, err := OpenOutbox(filepath.Join(dataDir, "outbox"))
	if err != nil {
		return nil, err
	}
	rt := &accessRuntime{outbox: ob}
	key, err := provinceKey(home, province)
	if err != nil {
		fmt.Fprintf(out, "access: %v; this node serves no reads of another member's records\n", err)
		rt.cancel = func() {}
		return rt, nil
	}
	d.Access, d.Province = ob, province
	sub := &EventSubmitter{Outbox: ob, Key: key, Tx: api.NewLocalSubmitter(*d), Logger: logger.With("module", "access")}
	sctx, cancel := context.WithCancel(ctx)
	rt.cancel = cancel
	rt.wg.Add(1)
	go func() { defer rt.wg.Done(); sub.Run(sctx) }()
	return rt, nil
}

// provinceKey loads the key that signs the node's access events.
func provinceKey(home, province string) (*client.Key, error) {
	if !mt.IsProvince(province) {
		return nil, fmt.Errorf("the node's moniker %q is not a corridor province, so no key signs its access events", province)
	}
	return client.Keyring{Dir: filepath.Join(home, "keys")}.Load(province, "")
}

// Close stops the submitter, waits for it, and closes the outbox (pending
// events stay on disk for the next start).
func (rt *accessRuntime) Close() error {
	rt.cancel()
	rt.wg.Wait()
	return rt.outbox.Close()
}
