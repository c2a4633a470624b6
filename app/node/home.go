package node

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/landsea/corridor/app/genesis"
	"github.com/landsea/corridor/client"
	mt "github.com/landsea/corridor/x/membership/types"
)

// NetworkOptions describe a network to create on this machine.
type NetworkOptions struct {
	// Output is the directory that receives one home per validator
	// (node0, node1, …) and the shared keyring (keys/).
	Output  string
	ChainID string
	// Validators is how many provinces run validators, 1 to 15, in genesis order.
	Validators int
	// BasePort: node i listens on BasePort+10i (p2p), +1 (RPC), +2 (gRPC), +3 (Prometheus).
	BasePort int
	// Demo adds the demo members and loads the demo data on first start.
	Demo bool
	// TimeoutCommit is CometBFT's pause after each block.
	TimeoutCommit time.Duration
	// Homes, when set, gives each validator's home instead of Output/nodeI.
	Homes []string
}

// Ports of node i.
func (o NetworkOptions) ports(i int) (p2pPort, rpcPort, grpcPort, promPort int) {
	b := o.BasePort + 10*i
	return b, b + 1, b + 2, b + 3
}

func (o NetworkOptions) home(i int) string {
	if len(o.Homes) > i {
		return o.Homes[i]
	}
	return filepath.Join(o.Output, fmt.Sprintf("node%d", i))
}

// CreateNetwork writes every validator's home: config.toml, node and
// validator keys, the shared genesis.json, and the member keys.
func CreateNetwork(o NetworkOptions) error {
	if o.Validators < 1 || o.Validators > len(mt.Provinces) {
		return fmt.Errorf("--validators must be 1 to %d, got %d", len(mt.Provinces), o.Validators)
	}
	for i := 0; i < o.Validators; i++ {
		if _, err := os.Stat(filepath.Join(o.home(i), "config", "genesis.json")); err == nil {
			return fmt.Errorf("%s already holds a node; remove it or choose another directory", o.home(i))
		}
	}
	confs, nodeIDs, vals, err := o.createNodes()
	if err != nil {
		return err
	}
	keys, err := o.memberKeys()
	if err != nil {
		return err
	}
	gen, err := o.genesisDoc(vals, keys)
	if err != nil {
		return err
	}
	for i, conf := range confs {
		conf.P2P.PersistentPeers = peersExcept(o, nodeIDs, i)
		if err := gen.SaveAs(conf.GenesisFile()); err != nil {
			return err
		}
		ac := DefaultAppConfig()
		_, _, grpcPort, _ := o.ports(i)
		ac.GRPCAddress = fmt.Sprintf("127.0.0.1:%d", grpcPort)
		ac.DemoLoad = o.Demo && i == 0
		if err := WriteConfig(o.home(i), conf, ac); err != nil {
			return err
		}
		if err := o.saveKeys(i, keys); err != nil {
			return err
		}
	}
	return nil
}

func (o NetworkOptions) createNodes() ([]*cmtcfg.Config, []p2p.ID, []cmttypes.GenesisValidator, error) {
	var confs []*cmtcfg.Config
	var ids []p2p.ID
	var vals []cmttypes.GenesisValidator
	for i := 0; i < o.Validators; i++ {
		conf := nodeConfig(o, i)
		for _, d := range []string{filepath.Dir(conf.PrivValidatorKeyFile()), filepath.Dir(conf.PrivValidatorStateFile())} {
			if err := os.MkdirAll(d, 0o700); err != nil {
				return nil, nil, nil, err
			}
		}
		pv, err := privval.GenFilePV(conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile(), nil)
		if err != nil {
			return nil, nil, nil, err
		}
		pv.Save()
		nk, err := p2p.LoadOrGenNodeKey(conf.NodeKeyFile())
		if err != nil {
			return nil, nil, nil, err
		}
		pub, err := pv.GetPubKey()
		if err != nil {
			return nil, nil, nil, err
		}
		confs = append(confs, conf)
		ids = append(ids, nk.ID())
		vals = append(vals, cmttypes.GenesisValidator{Address: pub.Address(), PubKey: pub, Power: 10, Name: mt.Provinces[i].ID})
	}
	return confs, ids, vals, nil
}

func nodeConfig(o NetworkOptions, i int) *cmtcfg.Config {
	conf := cmtcfg.DefaultConfig()
	conf.SetRoot(o.home(i))
	p2pPort, rpcPort, _, promPort := o.ports(i)
	conf.Moniker = mt.Provinces[i].ID
	conf.DBBackend = "pebbledb"
	conf.P2P.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", p2pPort)
	conf.P2P.AllowDuplicateIP = true
	conf.P2P.AddrBookStrict = false
	conf.RPC.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", rpcPort)
	conf.Instrumentation.Prometheus = true
	conf.Instrumentation.PrometheusListenAddr = fmt.Sprintf("127.0.0.1:%d", promPort)
	if o.TimeoutCommit > 0 {
		conf.Consensus.TimeoutCommit = o.TimeoutCommit
	}
	conf.TxIndex.Indexer = "kv"
	return conf
}

func peersExcept(o NetworkOptions, ids []p2p.ID, self int) string {
	var peers string
	for j, id := range ids {
		if j == self {
			continue
		}
		p2pPort, _, _, _ := o.ports(j)
		if peers != "" {
			peers += ","
		}
		peers += fmt.Sprintf("%s@127.0.0.1:%d", id, p2pPort)
	}
	return peers
}

// memberKeys creates one signing key per genesis member.
func (o NetworkOptions) memberKeys() (map[string]*client.Key, error) {
	keys := map[string]*client.Key{}
	for _, s := range genesis.Specs(o.Demo) {
		k, err := client.NewKey(s.ID, "k1")
		if err != nil {
			return nil, err
		}
		keys[s.ID] = k
	}
	return keys, nil
}

func (o NetworkOptions) genesisDoc(vals []cmttypes.GenesisValidator, keys map[string]*client.Key) (*cmttypes.GenesisDoc, error) {
	gs, err := genesis.Build(genesis.Specs(o.Demo), func(s genesis.Spec) (*client.Key, error) { return keys[s.ID], nil })
	if err != nil {
		return nil, err
	}
	for _, v := range vals {
		gs.Membership.Validators = append(gs.Membership.Validators, &mt.Validator{PubKey: v.PubKey.Bytes(), Power: v.Power, Province: v.Name})
	}
	state, err := genesis.MarshalJSON(gs)
	if err != nil {
		return nil, err
	}
	gen := &cmttypes.GenesisDoc{
		ChainID: o.ChainID, GenesisTime: time.Now().UTC().Truncate(time.Second), InitialHeight: 1,
		ConsensusParams: cmttypes.DefaultConsensusParams(), Validators: vals, AppState: state,
	}
	gen.ConsensusParams.Block.MaxBytes = 32 << 20
	return gen, gen.ValidateAndComplete()
}

// saveKeys writes node i's province key into its home; node0's home also
// gets every other member key (it signs the demo data and serves as the
// operator's keyring), and so does the shared keyring <output>/keys.
func (o NetworkOptions) saveKeys(i int, keys map[string]*client.Key) error {
	own := client.Keyring{Dir: filepath.Join(o.home(i), "keys")}
	if i != 0 {
		return own.Save(keys[mt.Provinces[i].ID])
	}
	rings := []client.Keyring{own}
	if o.Output != "" && filepath.Clean(o.Output) != filepath.Clean(o.home(0)) {
		rings = append(rings, client.Keyring{Dir: filepath.Join(o.Output, "keys")})
	}
	for _, r := range rings {
		for _, s := range genesis.Specs(o.Demo) {
			if err := r.Save(keys[s.ID]); err != nil {
				return err
			}
		}
	}
	return nil
}

// CreateSingle writes one validator's home at o.Homes[0] with the standard
// ports (26656 p2p, 26657 RPC, 9090 gRPC, 26660 Prometheus) and every member
// key in <home>/keys.
func CreateSingle(o NetworkOptions) error {
	if len(o.Homes) != 1 {
		return fmt.Errorf("one home expected")
	}
	o.Validators, o.Output = 1, ""
	if err := CreateNetwork(o); err != nil {
		return err
	}
	// Standard ports for a single node.
	conf, ac, err := LoadConfig(o.Homes[0])
	if err != nil {
		return err
	}
	conf.P2P.ListenAddress = "tcp://127.0.0.1:26656"
	conf.RPC.ListenAddress = "tcp://127.0.0.1:26657"
	conf.Instrumentation.PrometheusListenAddr = "127.0.0.1:26660"
	ac.GRPCAddress = "127.0.0.1:9090"
	if err := os.Remove(filepath.Join(o.Homes[0], "config", "config.toml")); err != nil {
		return err
	}
	return WriteConfig(o.Homes[0], conf, ac)
}
