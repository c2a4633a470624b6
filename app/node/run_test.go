package node

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/landsea/corridor/internal/testpki"
)

// TestServerTLS: the gRPC listener's TLS follows config.toml — none, TLS,
// or mutual TLS with a client CA — and a TLS setting that cannot work
// stops the node with a message naming what is wrong, rather than serving
// with less protection than configured.
func TestServerTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := testpki.SelfSigned(t, dir, "node")
	notPEM := filepath.Join(dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")

	for _, tc := range []struct {
		name          string
		cert, key, ca string
		want          []string
	}{
		{"client CA without a server certificate", "", "", cert, []string{"grpc_client_ca needs grpc_tls_cert and grpc_tls_key"}},
		{"certificate without a key", cert, "", "", []string{"gRPC TLS certificate"}},
		{"unreadable certificate", missing, key, "", []string{"gRPC TLS certificate", missing}},
		{"unreadable key", cert, missing, "", []string{"gRPC TLS certificate", missing}},
		{"key that is not PEM", cert, notPEM, "", []string{"gRPC TLS certificate", "PEM"}},
		{"unreadable client CA", cert, key, missing, []string{"gRPC client CA", missing}},
		{"client CA with no PEM certificate", cert, key, notPEM, []string{"gRPC client CA " + notPEM + " holds no PEM certificate"}},
	} {
		cfg, err := serverTLS(AppConfig{GRPCTLSCert: tc.cert, GRPCTLSKey: tc.key, GRPCClientCA: tc.ca})
		if err == nil {
			t.Errorf("%s: accepted (TLS config %v)", tc.name, cfg != nil)
			continue
		}
		for _, want := range tc.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not say %q", tc.name, err, want)
			}
		}
	}

	if cfg, err := serverTLS(AppConfig{}); cfg != nil || err != nil {
		t.Fatalf("no TLS settings: %v %v; want plain TCP", cfg, err)
	}
	cfg, err := serverTLS(AppConfig{GRPCTLSCert: cert, GRPCTLSKey: key})
	if err != nil || len(cfg.Certificates) != 1 || cfg.ClientAuth != tls.NoClientCert || cfg.MinVersion != tls.VersionTLS12 {
		t.Fatalf("TLS: %v; want one certificate, TLS 1.2 at least, no client certificate asked", err)
	}
	cfg, err = serverTLS(AppConfig{GRPCTLSCert: cert, GRPCTLSKey: key, GRPCClientCA: cert})
	if err != nil {
		t.Fatalf("mutual TLS: %v", err)
	}
	if cfg.ClientAuth != tls.RequireAndVerifyClientCert || cfg.ClientCAs == nil {
		t.Fatalf("mutual TLS: client auth %v; want client certificates required and verified", cfg.ClientAuth)
	}
}
