// Package testpki makes certificates for tests of the node's and the
// client's TLS: a CA, certificates it issues, and a self-signed certificate,
// written as PEM files. Only tests import it.
package testpki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// CA is a certificate authority whose certificate and key are in memory.
type CA struct {
	Cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// NewCA makes a CA named name, valid for a day.
func NewCA(t testing.TB, name string) CA {
	t.Helper()
	der, key := selfSigned(t, name, nil)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return CA{Cert: cert, key: key}
}

// selfSigned makes a certificate named name, for dnsNames, that is its own
// CA, valid for a day.
func selfSigned(t testing.TB, name string, dnsNames []string) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: dnsNames,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der, key
}

// WriteCert writes the CA's certificate to path as PEM.
func (ca CA) WriteCert(t testing.TB, path string) {
	t.Helper()
	WritePEM(t, path, "CERTIFICATE", ca.Cert.Raw)
}

// Issue signs tmpl (its subject, names and key usages) with a new key for
// a day and writes <name>.pem and <name>-key.pem in dir.
func (ca CA) Issue(t testing.TB, tmpl *x509.Certificate, dir, name string) (certFile, keyFile string) {
	t.Helper()
	key := newKey(t)
	c := *tmpl
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	c.SerialNumber, c.NotBefore, c.NotAfter = serial, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
	c.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, &c, ca.Cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return writePair(t, dir, name, der, key)
}

// SelfSigned writes a certificate for localhost that is its own CA, and its
// key, as <name>.pem and <name>-key.pem in dir.
func SelfSigned(t testing.TB, dir, name string) (certFile, keyFile string) {
	t.Helper()
	der, key := selfSigned(t, name, []string{"localhost"})
	return writePair(t, dir, name, der, key)
}

func writePair(t testing.TB, dir, name string, der []byte, key *ecdsa.PrivateKey) (certFile, keyFile string) {
	t.Helper()
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
	WritePEM(t, certFile, "CERTIFICATE", der)
	WritePEM(t, keyFile, "PRIVATE KEY", keyDER)
	return certFile, keyFile
}

// WritePEM writes der to path as one PEM block of type typ, readable by its
// owner only.
func WritePEM(t testing.TB, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}
