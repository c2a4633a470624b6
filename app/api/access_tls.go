package api

import (
	"io"
	"net"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/credentials"
)

// refusalDrainMax bounds how long, and how much, the server reads from a
// client whose TLS handshake it refused.
const (
	refusalDrainMax      = 250 * time.Millisecond
	refusalDrainBytesMax = 64 << 10
)

// clearRefusals wraps the server's TLS credentials so that a client refused
// during the handshake (no client certificate, or one from another CA)
// reads the server's TLS alert, "tls: certificate required" or "bad
// certificate", instead of "broken pipe". In TLS 1.3 the client finishes
// its side of the handshake before the server checks its certificate and
// sends its first bytes at once; closing the socket with those bytes unread
// makes the kernel reset the connection, and the reset destroys the alert
// on its way. Reading them first (for at most 250 ms and 64 KiB) lets the
// connection close normally.
type clearRefusals struct {
	credentials.TransportCredentials
}

func (c clearRefusals) ServerHandshake(raw net.Conn) (net.Conn, credentials.AuthInfo, error) {
	held := &closeHeld{Conn: raw}
	held.hold.Store(true)
	conn, info, err := c.TransportCredentials.ServerHandshake(held)
	if err != nil {
		_ = raw.SetReadDeadline(time.Now().Add(refusalDrainMax))
		_, _ = io.Copy(io.Discard, io.LimitReader(raw, refusalDrainBytesMax))
		_ = raw.Close()
		return nil, nil, err
	}
	held.hold.Store(false)
	return conn, info, nil
}

func (c clearRefusals) Clone() credentials.TransportCredentials {
	return clearRefusals{c.TransportCredentials.Clone()}
}

// closeHeld ignores Close while hold is set: the TLS credentials close the
// connection as soon as a handshake fails, before it could be drained.
type closeHeld struct {
	net.Conn
	hold atomic.Bool
}

func (c *closeHeld) Close() error {
	if c.hold.Load() {
		return nil
	}
	return c.Conn.Close()
}
