package api_test

import (
	"context"
	"net"
	"testing"
	"time"

	cmtrpc "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"github.com/landsea/corridor/app/api"
	"github.com/landsea/corridor/app/api/nodepb"
	"github.com/landsea/corridor/client"
	"github.com/landsea/corridor/store"
	"github.com/landsea/corridor/store/storepb"
)

type fakeBroadcaster struct{}

func (fakeBroadcaster) BroadcastTxSync(context.Context, cmttypes.Tx) (*cmtrpc.ResultBroadcastTx, error) {
	return &cmtrpc.ResultBroadcastTx{Code: 5, Codespace: "corridor", Log: "bad signature"}, nil
}

func (fakeBroadcaster) Tx(context.Context, []byte, bool) (*cmtrpc.ResultTx, error) {
	return nil, status.Error(codes.NotFound, "no tx")
}

// TestServerServices starts the gRPC server on loopback and checks health,
// reflection (which must list Corridor's services), the store service and
// that a refused tx comes back with its code.
func TestServerServices(t *testing.T) {
	st, err := store.Open(t.TempDir(), store.Options{BucketDepth: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Stage([]store.Change{{Key: []byte("k"), Value: []byte("v")}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Deps{Store: st, Broadcaster: fakeBroadcaster{}, ChainID: "c"}, nil)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(client.Codec{})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	h, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || h.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: %v %v", h, err)
	}
	services := listServices(t, ctx, conn)
	for _, want := range []string{"corridor.node.v1.TxService", "corridor.store.v1.QueryService", "corridor.membership.v1.QueryService"} {
		if !services[want] {
			t.Errorf("reflection does not list %s (got %v)", want, services)
		}
	}
	g, err := storepb.NewQueryServiceClient(conn).Get(ctx, &storepb.GetRequest{Key: []byte("k"), Prove: true})
	if err != nil || string(g.Value) != "v" || g.Proof == nil {
		t.Fatalf("store get: %v %v", g, err)
	}
	b, err := nodepb.NewTxServiceClient(conn).BroadcastTx(ctx, &nodepb.BroadcastTxRequest{TxBytes: []byte{1}, WaitForCommit: true})
	if err != nil || b.Result.Code != 5 || b.Result.Log == "" {
		t.Fatalf("broadcast: %v %v", b, err)
	}
	if _, err := nodepb.NewTxServiceClient(conn).BroadcastTx(ctx, &nodepb.BroadcastTxRequest{}); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("empty tx: %v", err)
	}
}

func listServices(t *testing.T, ctx context.Context, conn *grpc.ClientConn) map[string]bool {
	t.Helper()
	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, s := range resp.GetListServicesResponse().GetService() {
		out[s.Name] = true
	}
	// Resolving a Corridor file descriptor must work too (gogoproto registry).
	if err := stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: "corridor.membership.v1.QueryService"}}); err != nil {
		t.Fatal(err)
	}
	r2, err := stream.Recv()
	if err != nil || len(r2.GetFileDescriptorResponse().GetFileDescriptorProto()) == 0 {
		t.Fatalf("reflection cannot describe corridor.membership.v1.QueryService: %v %v", r2.GetErrorResponse(), err)
	}
	return out
}
