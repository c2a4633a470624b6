package api

import (
	"context"
	"crypto/tls"
	"time"

	cmtrpc "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	reflectionv1 "google.golang.org/grpc/reflection/grpc_reflection_v1"
	reflectionv1alpha "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"

	"github.com/landsea/corridor/app"
	"github.com/landsea/corridor/app/api/nodepb"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/store/storepb"
	membershipkeeper "github.com/landsea/corridor/x/membership/keeper"
	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

// Broadcaster is what the API needs of CometBFT: the in-process RPC client
// (rpc/client/local) provides it.
type Broadcaster interface {
	BroadcastTxSync(ctx context.Context, tx cmttypes.Tx) (*cmtrpc.ResultBroadcastTx, error)
	Tx(ctx context.Context, hash []byte, prove bool) (*cmtrpc.ResultTx, error)
}

// Deps are the API's dependencies.
type Deps struct {
	Store       *store.Store
	Broadcaster Broadcaster
	ChainID     string
	NodeID      string
	Moniker     string

	// Access read service (x/access). Access keeps access events until they
	// are on the ledger; nil means the node serves no reads of another
	// member's records. Province is the province whose key signs the node's
	// events. RecordSources replaces DefaultRecordSources (tests); Now
	// replaces the wall clock (tests).
	Access        AccessRecorder
	Province      string
	RecordSources map[string]RecordSource
	Now           func() time.Time
}

// NewServer returns a gRPC server with every Corridor service registered.
// tlsConfig may be nil for plain TCP.
func NewServer(d Deps, tlsConfig *tls.Config) *grpc.Server {
	opts := []grpc.ServerOption{
		grpc.ForceServerCodec(client.Codec{}),
		grpc.MaxRecvMsgSize(16 << 20),
		grpc.MaxSendMsgSize(64 << 20),
	}
	if tlsConfig != nil {
		opts = append(opts, grpc.Creds(clearRefusals{credentials.NewTLS(tlsConfig)})) // access_tls.go: refused clients read why
	}
	s := grpc.NewServer(opts...)
	committed := app.NewCommitted(d.Store)
	nodepb.RegisterTxServiceServer(s, &txService{d: d})
	storepb.RegisterQueryServiceServer(s, storeQuery{st: d.Store})
	membershiptypes.RegisterQueryServiceServer(s, membershipkeeper.NewQueryServer(committed))
	registerModules(s, committed, d)

	hs := health.NewServer()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(s, hs)
	// Reflection resolves descriptors through gogoproto's registry as well
	// as the standard one, since Corridor's types are gogoproto types.
	ropts := reflection.ServerOptions{Services: s, DescriptorResolver: gogoproto.HybridResolver}
	reflectionv1.RegisterServerReflectionServer(s, reflection.NewServerV1(ropts))
	reflectionv1alpha.RegisterServerReflectionServer(s, reflection.NewServer(ropts))
	return s
}
