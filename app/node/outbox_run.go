package node

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	cmtlog "github.com/cometbft/cometbft/libs/log"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/api"
	"github.com/landsea/corridor/client"
	mk "github.com/landsea/corridor/x/membership/keeper"
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
	ps := provinceSigner{ring: client.Keyring{Dir: filepath.Join(home, "keys")}, province: province, committed: app.NewCommitted(d.Store)}
	if _, err := ps.keys(); err != nil {
		fmt.Fprintf(out, "access: %v; this node serves no reads of another member's records\n", err)
		rt.cancel = func() {}
		return rt, nil
	}
	d.Access, d.Province = ob, province
	sub := &EventSubmitter{Outbox: ob, Key: ps.Key, Tx: api.NewLocalSubmitter(*d), Logger: logger.With("module", "access")}
	sctx, cancel := context.WithCancel(ctx)
	rt.cancel = cancel
	rt.wg.Add(1)
	go func() { defer rt.wg.Done(); sub.Run(sctx) }()
	return rt, nil
}

// provinceSigner finds the key that signs the node's access events among
// the province's keys in the node's keyring. After a key rotation, or a
// replacement by the provinces, the keyring holds the old key and the new
// one, and the ledger has revoked the old one or will at a set height; so
// the key is picked again for every transaction, as the ledger stands.
type provinceSigner struct {
	ring      client.Keyring
	province  string
	committed app.Committed
}

// keys returns the province's keys in the keyring, or an error if there
// are none.
func (p provinceSigner) keys() ([]*client.Key, error) {
	if !mt.IsProvince(p.province) {
		return nil, fmt.Errorf("the node's moniker %q is not a corridor province, so no key signs its access events", p.province)
	}
	return p.ring.MemberKeys(p.province)
}

// Key returns, of the province's keys in the keyring, the one the ledger's
// committed state lets sign at the next height with the same public key,
// the one added last if several can. If none can (before the chain's first
// block, say) and the keyring holds one key, that key: the ledger then
// says why it refuses it.
func (p provinceSigner) Key() (*client.Key, error) {
	keys, err := p.keys()
	if err != nil {
		return nil, err
	}
	var best *client.Key
	bestAdded := int64(-1)
	var why []string
	for _, k := range keys {
		_, lk, err := mk.Keeper{}.Authenticate(p.committed.State(), p.province, k.KeyID, p.committed.Height()+1)
		switch {
		case err != nil:
			why = append(why, k.KeyID+": "+err.Error())
		case !bytes.Equal(lk.PublicKey, k.PublicKey()):
			why = append(why, k.KeyID+": the ledger's key of that id has another public key")
		case lk.AddedHeight > bestAdded:
			best, bestAdded = k, lk.AddedHeight
		}
	}
	switch {
	case best != nil:
		return best, nil
	case len(keys) == 1:
		return keys[0], nil
	}
	return nil, fmt.Errorf("no key of province %q in %s can sign on the ledger (%s)", p.province, p.ring.Dir, strings.Join(why, "; "))
}

// Close stops the submitter, waits for it, and closes the outbox (pending
// events stay on disk for the next start).
func (rt *accessRuntime) Close() error {
	rt.cancel()
	rt.wg.Wait()
	return rt.outbox.Close()
}
