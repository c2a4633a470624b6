package client

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/landsea/corridor/internal/testpki"
)

// TestDialTLSOptions: TLS options that cannot work are refused when the
// client is made, each with a message naming what is wrong; a readable CA
// alone, or with a client certificate and key, is taken.
func TestDialTLSOptions(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := testpki.SelfSigned(t, dir, "node")
	caFile := certFile // its own CA
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		o    DialOptions
		says string
	}{
		{"a client certificate without a CA", DialOptions{CertFile: certFile, KeyFile: keyFile}, "needs --ca too"},
		{"a CA file that does not exist", DialOptions{CAFile: filepath.Join(dir, "missing.pem")}, "CA file"},
		{"a CA file without a certificate", DialOptions{CAFile: empty}, "holds no PEM certificate"},
		{"a client certificate without its key", DialOptions{CAFile: caFile, CertFile: certFile, KeyFile: filepath.Join(dir, "missing.key")}, "client certificate"},
		{"a client key that is not a key", DialOptions{CAFile: caFile, CertFile: certFile, KeyFile: empty}, "client certificate"},
	} {
		c, err := Dial("127.0.0.1:1", tc.o)
		if err == nil {
			c.Close()
			t.Errorf("%s: accepted", tc.name)
		} else if !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v; want it to say %q", tc.name, err, tc.says)
		}
	}
	for _, o := range []DialOptions{{}, {CAFile: caFile}, {CAFile: caFile, CertFile: certFile, KeyFile: keyFile}} {
		c, err := Dial("127.0.0.1:1", o)
		if err != nil {
			t.Fatalf("options %+v: %v", o, err)
		}
		c.Close()
	}
}
