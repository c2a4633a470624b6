package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/landsea/corridor/app/api/nodepb"
	"github.com/landsea/corridor/app/types"
	"github.com/landsea/corridor/store/storepb"
	membershiptypes "github.com/landsea/corridor/x/membership/types"
)

// DialOptions configure the connection to a node's gRPC API.
type DialOptions struct {
	// CAFile, when set, turns on TLS and trusts this CA for the server.
	CAFile string
	// CertFile and KeyFile are the client certificate for mutual TLS.
	CertFile, KeyFile string
	// ServerName overrides the name checked in the server certificate.
	ServerName string
}

// Client talks to one node.
type Client struct {
	conn    *grpc.ClientConn
	chainID string
}

// Dial connects to a node's gRPC address (host:port).
func Dial(addr string, o DialOptions) (*Client, error) {
	creds, err := o.credentials()
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(Codec{}), grpc.MaxCallRecvMsgSize(64<<20), grpc.MaxCallSendMsgSize(16<<20)))
	if err != nil {
		return nil, fmt.Errorf("client: dial %s: %w", addr, err)
	}
	return &Client{conn: conn}, nil
}

func (o DialOptions) credentials() (credentials.TransportCredentials, error) {
	if o.CAFile == "" {
		if o.CertFile != "" {
			return nil, errors.New("client: a client certificate needs --ca too (TLS)")
		}
		return insecure.NewCredentials(), nil
	}
	pem, err := os.ReadFile(o.CAFile)
	if err != nil {
		return nil, fmt.Errorf("client: CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("client: %s holds no PEM certificate", o.CAFile)
	}
	cfg := &tls.Config{RootCAs: pool, ServerName: o.ServerName, MinVersion: tls.VersionTLS12}
	if o.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("client: client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return credentials.NewTLS(cfg), nil
}

// Conn is the underlying connection, for the modules' generated clients.
func (c *Client) Conn() *grpc.ClientConn { return c.conn }

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// ChainID asks the node for its chain id (once) and remembers it.
func (c *Client) ChainID(ctx context.Context) (string, error) {
	if c.chainID != "" {
		return c.chainID, nil
	}
	st, err := nodepb.NewTxServiceClient(c.conn).Status(ctx, &nodepb.StatusRequest{})
	if err != nil {
		return "", fmt.Errorf("client: node status: %w", err)
	}
	c.chainID = st.ChainId
	return c.chainID, nil
}

// NextSequence returns the sequence the member's next tx must carry.
func (c *Client) NextSequence(ctx context.Context, memberID string) (uint64, error) {
	r, err := membershiptypes.NewQueryServiceClient(c.conn).Account(ctx, &membershiptypes.AccountRequest{Id: memberID})
	if err != nil {
		return 0, fmt.Errorf("client: account of %q: %w", memberID, err)
	}
	return r.NextSequence, nil
}

// Broadcast sends signed tx bytes; with wait it returns once the tx is in a
// committed block (or fails with DeadlineExceeded).
func (c *Client) Broadcast(ctx context.Context, tx []byte, wait bool, timeout time.Duration) (*nodepb.TxResult, error) {
	r, err := nodepb.NewTxServiceClient(c.conn).BroadcastTx(ctx, &nodepb.BroadcastTxRequest{
		TxBytes: tx, WaitForCommit: wait, TimeoutMs: uint32(timeout / time.Millisecond)})
	if err != nil {
		return nil, err
	}
	return r.Result, nil
}

// TxError is a transaction the ledger refused.
type TxError struct{ Result *nodepb.TxResult }

func (e *TxError) Error() string {
	return fmt.Sprintf("tx %s refused: code %d (%s): %s", e.Result.Hash, e.Result.Code, e.Result.Codespace, e.Result.Log)
}

// ErrNotSent marks an error of Submit that came before the transaction was
// broadcast: the ledger never saw it.
var ErrNotSent = errors.New("client: transaction not sent")

// Submit signs msgs with key at the member's next sequence, broadcasts and
// waits for the block. A refused tx is returned as *TxError; an error
// before the broadcast matches ErrNotSent.
func (c *Client) Submit(ctx context.Context, key *Key, msgs ...*types.Message) (*nodepb.TxResult, error) {
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	seq, err := c.NextSequence(ctx, key.MemberID)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	tx, err := BuildTx(key, TxParams{ChainID: chainID, Sequence: seq}, msgs...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	res, err := c.Broadcast(ctx, tx, true, 30*time.Second)
	if err != nil {
		return nil, err
	}
	if res.Code != 0 {
		return res, &TxError{Result: res}
	}
	return res, nil
}

// Get reads a raw state key, with a proof when prove is set.
func (c *Client) Get(ctx context.Context, key []byte, height int64, prove bool) (*storepb.GetResponse, error) {
	return storepb.NewQueryServiceClient(c.conn).Get(ctx, &storepb.GetRequest{Key: key, Height: height, Prove: prove})
}

// Height returns the node's latest committed height.
func (c *Client) Height(ctx context.Context) (int64, error) {
	st, err := nodepb.NewTxServiceClient(c.conn).Status(ctx, &nodepb.StatusRequest{})
	if err != nil {
		return 0, err
	}
	return st.Height, nil
}
