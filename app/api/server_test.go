package api_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/mempool"
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
	accesstypes "github.com/landsea/corridor/x/access/types"
)

// fakeBroadcaster refuses every tx as CometBFT v1's local client does when
// the application's CheckTx refuses it, or with err when that is set.
type fakeBroadcaster struct{ err error }

func (f fakeBroadcaster) BroadcastTxSync(_ context.Context, tx cmttypes.Tx) (*cmtrpc.ResultBroadcastTx, error) {
	if f.err != nil {
		return nil, f.err
	}
	return nil, fmt.Errorf("broadcast error on transaction validation: %w",
		mempool.ErrInvalidTx{Code: 5, Codespace: "corridor", Log: "bad signature", Hash: tx.Hash()})
}

// Tx knows no tx, and says so as CometBFT's local client does.
func (fakeBroadcaster) Tx(_ context.Context, hash []byte, _ bool) (*cmtrpc.ResultTx, error) {
	return nil, fmt.Errorf("tx (%X) not found", hash)
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
	ctx, conn := serve(t, st)

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
	if err != nil || b.Result.Code != 5 || b.Result.Codespace != "corridor" || b.Result.Log != "bad signature" ||
		b.Result.Hash != strings.ToUpper(hex.EncodeToString(cmttypes.Tx([]byte{1}).Hash())) {
		t.Fatalf("broadcast of a tx CheckTx refuses: %v %v; want its result with code 5", b, err)
	}
	if _, err := nodepb.NewTxServiceClient(conn).BroadcastTx(ctx, &nodepb.BroadcastTxRequest{}); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("empty tx: %v", err)
	}
}

// serve starts the gRPC server over st on a loopback port and returns a
// connection to it, and a context for the calls.
func serve(t *testing.T, st *store.Store) (context.Context, *grpc.ClientConn) {
	t.Helper()
	return serveWith(t, st, fakeBroadcaster{})
}

// serveWith is serve with b in place of CometBFT.
func serveWith(t *testing.T, st *store.Store, b api.Broadcaster) (context.Context, *grpc.ClientConn) {
	t.Helper()
	srv := api.NewServer(api.Deps{Store: st, Broadcaster: b, ChainID: "c"}, nil)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(client.Codec{})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return ctx, conn
}

// TestBroadcastErrors: what CometBFT answers a broadcast with reaches the
// client as the status that says what to do: a tx already in the mempool,
// a full mempool, a tx too large, a node that cannot take transactions.
func TestBroadcastErrors(t *testing.T) {
	st, err := store.Open(t.TempDir(), store.Options{BucketDepth: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tc := range []struct {
		err  error
		code codes.Code
		msg  string
	}{
		{fmt.Errorf("broadcast error on transaction validation: %w", mempool.ErrTxInCache), codes.AlreadyExists, "is already in the mempool"},
		{mempool.ErrMempoolIsFull{NumTxs: 5000, MaxTxs: 5000}, codes.ResourceExhausted, "the node's mempool is full"},
		{mempool.ErrTxTooLarge{Max: 10, Actual: 11}, codes.InvalidArgument, "is too large"},
		{errors.New("endpoint is closed while node is catching up"), codes.Unavailable, "broadcast: endpoint is closed"},
	} {
		ctx, conn := serveWith(t, st, fakeBroadcaster{err: tc.err})
		_, err := nodepb.NewTxServiceClient(conn).BroadcastTx(ctx, &nodepb.BroadcastTxRequest{TxBytes: []byte{1}})
		if s, _ := status.FromError(err); s.Code() != tc.code || !strings.Contains(s.Message(), tc.msg) {
			t.Errorf("%v: %v; want %s saying %q", tc.err, err, tc.code, tc.msg)
		}
	}
}

// TestServerRefusals: requests the API cannot answer get the gRPC code
// that says why, and a message naming what was wrong: a malformed or
// unknown tx hash, an empty key, a height pruned away or not yet committed,
// a negative stream start.
func TestServerRefusals(t *testing.T) {
	st, err := store.Open(t.TempDir(), store.Options{BucketDepth: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range 3 {
		if _, err := st.Stage([]store.Change{{Key: []byte("k"), Value: []byte{byte(i)}}}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Prune(2); err != nil { // heights 2 and 3 stay readable
		t.Fatal(err)
	}
	ctx, conn := serve(t, st)
	txs, kv := nodepb.NewTxServiceClient(conn), storepb.NewQueryServiceClient(conn)
	unknown := strings.Repeat("AB", 32)
	stream := func(from int64) error {
		s, err := accesstypes.NewQueryServiceClient(conn).StreamEvents(ctx, &accesstypes.StreamEventsRequest{FromHeight: from})
		if err != nil {
			return err
		}
		_, err = s.Recv()
		return err
	}
	for _, tc := range []struct {
		name string
		call func() error
		code codes.Code
		msg  string
	}{
		{"tx hash not hex", func() error {
			_, err := txs.GetTx(ctx, &nodepb.GetTxRequest{Hash: "not-hex"})
			return err
		}, codes.InvalidArgument, `hash "not-hex" is not 64 hex characters`},
		{"tx hash too short", func() error {
			_, err := txs.GetTx(ctx, &nodepb.GetTxRequest{Hash: "ABCD"})
			return err
		}, codes.InvalidArgument, `hash "ABCD" is not 64 hex characters`},
		{"unknown tx", func() error {
			_, err := txs.GetTx(ctx, &nodepb.GetTxRequest{Hash: strings.ToLower(unknown)})
			return err
		}, codes.NotFound, "tx " + unknown + ": tx (" + unknown + ") not found"},
		{"empty key", func() error {
			_, err := kv.Get(ctx, &storepb.GetRequest{})
			return err
		}, codes.InvalidArgument, "key is empty"},
		{"pruned height", func() error {
			_, err := kv.Get(ctx, &storepb.GetRequest{Key: []byte("k"), Height: 1})
			return err
		}, codes.FailedPrecondition, "read at height 1: store: version pruned: 1 is before the oldest retained version 2"},
		{"proof at a pruned height", func() error {
			_, err := kv.Get(ctx, &storepb.GetRequest{Key: []byte("k"), Height: 1, Prove: true})
			return err
		}, codes.FailedPrecondition, "proof at height 1: store: version pruned: 1 is before the oldest retained version 2"},
		{"future height", func() error {
			_, err := kv.Get(ctx, &storepb.GetRequest{Key: []byte("k"), Height: 4})
			return err
		}, codes.FailedPrecondition, "read at height 4: store: version unknown: 4 is after the latest version 3"},
		{"proof at a future height", func() error {
			_, err := kv.Get(ctx, &storepb.GetRequest{Key: []byte("k"), Height: 4, Prove: true})
			return err
		}, codes.FailedPrecondition, "proof at height 4: store: version unknown: 4 is after the latest version 3"},
		{"negative height", func() error {
			_, err := kv.Get(ctx, &storepb.GetRequest{Key: []byte("k"), Height: -4})
			return err
		}, codes.InvalidArgument, "height: must not be negative, got -4 (0 reads the latest)"},
		{"negative stream start", func() error { return stream(-1) }, codes.InvalidArgument, "from_height: must not be negative, got -1"},
	} {
		err := tc.call()
		if s, _ := status.FromError(err); s.Code() != tc.code || !strings.Contains(s.Message(), tc.msg) {
			t.Errorf("%s: %v; want %s saying %q", tc.name, err, tc.code, tc.msg)
		}
	}
	// The oldest retained height still reads.
	if g, err := kv.Get(ctx, &storepb.GetRequest{Key: []byte("k"), Height: 2}); err != nil || !g.Found || g.Value[0] != 1 {
		t.Fatalf("read at the oldest retained height: %v %v", g, err)
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
