package node

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtflags "github.com/cometbft/cometbft/libs/cli/flags"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	rpclocal "github.com/cometbft/cometbft/rpc/client/local"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/api"
	"github.com/landsea/corridor/store"
)

// Run starts the node in home and blocks until ctx is done, then stops
// everything in order: gRPC, CometBFT, the store. Progress and the
// addresses go to out. If consensus stops for good first (see
// consensusFailure), Run stops the node the same way and returns why.
func Run(ctx context.Context, home string, out io.Writer) error {
	conf, ac, err := LoadConfig(home)
	if err != nil {
		return err
	}
	gen, err := cmttypes.GenesisDocFromFile(conf.GenesisFile())
	if err != nil {
		return fmt.Errorf("genesis %s is not valid: %w", conf.GenesisFile(), err)
	}
	if err := checkKeyFiles(conf); err != nil {
		return err
	}
	grpcLis, err := net.Listen("tcp", ac.GRPCAddress)
	if err != nil {
		return fmt.Errorf("gRPC address %s: %w (is another node running? change grpc_address in config.toml)", ac.GRPCAddress, err)
	}
	defer grpcLis.Close()
	tlsConf, err := serverTLS(ac)
	if err != nil {
		return err
	}
	logger, err := newLogger(conf, out)
	if err != nil {
		return err
	}
	halted := newHalt()
	logger = haltLogger{logger, halted}
	st, err := store.Open(storePath(conf), storeOptions(ac, logger))
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	if err := prometheus.DefaultRegisterer.Register(storeCollector{st}); err != nil {
		return fmt.Errorf("register the store's metrics: %w", err)
	}
	snaps := newSnapshots(filepath.Join(conf.DBDir(), "snapshots"), st, ac.SnapshotInterval, logger.With("module", "snapshots"))
	a, err := app.New(st, gen.ChainID, ac.App(), snaps, app.NewMetrics(prometheus.DefaultRegisterer))
	if err != nil {
		return err
	}
	n, err := newCometNode(ctx, conf, a, logger)
	if err != nil {
		return err
	}
	if err := n.Start(); err != nil {
		return fmt.Errorf("start CometBFT: %w", err)
	}
	defer func() {
		if err := n.Stop(); err == nil {
			n.Wait()
		}
	}()
	deps := api.Deps{Store: st, Broadcaster: rpclocal.New(n), ChainID: gen.ChainID,
		NodeID: string(n.NodeInfo().ID()), Moniker: conf.Moniker}
	// Access events (x/access): the node's outbox and the submitter that
	// puts its events on the ledger; sets deps.Access and deps.Province.
	access, err := startAccess(ctx, home, conf.DBDir(), conf.Moniker, &deps, logger, out)
	if err != nil {
		return err
	}
	defer access.Close()
	if err := prometheus.DefaultRegisterer.Register(access.outbox.PendingGauge()); err != nil {
		return fmt.Errorf("register the outbox gauge: %w", err)
	}
	srv := api.NewServer(deps, tlsConf)
	go func() { _ = srv.Serve(grpcLis) }()
	defer srv.Stop()
	fmt.Fprintf(out, "corridord %s: chain %s, node %s (%s)\n  CometBFT RPC  %s\n  gRPC API      %s\n  P2P           %s\n  Prometheus    %s\n",
		app.Version, gen.ChainID, n.NodeInfo().ID(), conf.Moniker, conf.RPC.ListenAddress, ac.GRPCAddress, conf.P2P.ListenAddress, conf.Instrumentation.PrometheusListenAddr)
	if ac.DemoLoad {
		go loadDemo(ctx, home, ac, out)
	}
	select {
	case <-ctx.Done():
		fmt.Fprintln(out, "corridord: stopping")
		return nil
	case <-halted.done:
		fmt.Fprintln(out, "corridord: consensus has stopped; stopping the node")
		return fmt.Errorf("consensus stopped: %s; fix the cause (a full disk, for one) and start the node again: it resumes from its last committed block", halted.reason)
	}
}

func newLogger(conf *cmtcfg.Config, out io.Writer) (cmtlog.Logger, error) {
	logger := cmtlog.NewTMLogger(cmtlog.NewSyncWriter(out))
	logger, err := cmtflags.ParseLogLevel(conf.LogLevel, logger, cmtcfg.DefaultLogLevel)
	if err != nil {
		return nil, fmt.Errorf("log_level %q: %w", conf.LogLevel, err)
	}
	return logger, nil
}

// storeOptions are the store's options from the config, with the store's own
// log lines (the bucket cache's warm-up at start, a failure, Pebble's
// notices) in the node's log as module=store.
// storePath is where the node keeps the application state.
func storePath(conf *cmtcfg.Config) string { return filepath.Join(conf.DBDir(), "corridor.db") }

func storeOptions(ac AppConfig, logger cmtlog.Logger) store.Options {
	o := ac.StoreOptions()
	l := logger.With("module", "store")
	o.Logger = func(format string, args ...any) { l.Info(fmt.Sprintf(format, args...)) }
	return o
}

// newCometNode builds the CometBFT node with every dependency explicit.
func newCometNode(ctx context.Context, conf *cmtcfg.Config, a *app.App, logger cmtlog.Logger) (*cmtnode.Node, error) {
	nodeKey, err := p2p.LoadNodeKey(conf.NodeKeyFile())
	if err != nil {
		return nil, fmt.Errorf("node key: %w", err)
	}
	pv := privval.LoadFilePV(conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile())
	n, err := cmtnode.NewNode(ctx, conf, pv, nodeKey,
		proxy.NewLocalClientCreator(a),
		cmtnode.DefaultGenesisDocProviderFunc(conf),
		cmtcfg.DefaultDBProvider,
		cmtnode.DefaultMetricsProvider(conf.Instrumentation),
		logger)
	if err != nil {
		return nil, fmt.Errorf("create CometBFT node: %w", err)
	}
	return n, nil
}

// serverTLS builds the gRPC listener's TLS config: none, TLS, or mutual TLS
// when a client CA is set (clients without a certificate it signed are
// refused during the handshake).
func serverTLS(ac AppConfig) (*tls.Config, error) {
	if ac.GRPCTLSCert == "" && ac.GRPCTLSKey == "" {
		if ac.GRPCClientCA != "" {
			return nil, errors.New("grpc_client_ca needs grpc_tls_cert and grpc_tls_key")
		}
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(ac.GRPCTLSCert, ac.GRPCTLSKey)
	if err != nil {
		return nil, fmt.Errorf("gRPC TLS certificate: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if ac.GRPCClientCA != "" {
		pem, err := os.ReadFile(ac.GRPCClientCA)
		if err != nil {
			return nil, fmt.Errorf("gRPC client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("gRPC client CA %s holds no PEM certificate", ac.GRPCClientCA)
		}
		cfg.ClientCAs, cfg.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}
