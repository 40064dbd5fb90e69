package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"sync"
	"testing"
	"time"
)

// failingCerts fails its first fails calls (a store that is briefly
// unreadable), then answers from certs.
type failingCerts struct {
	mu    sync.Mutex
	fails int
	certs fakeCerts
}

func (c *failingCerts) Certificate(ctx context.Context, projectID, id string) ([]byte, []byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fails > 0 {
		c.fails--
		return nil, nil, errors.New("database is locked")
	}
	return c.certs.Certificate(ctx, projectID, id)
}

// A host whose certificate could not be read at a rebuild gets it at a
// later poll, without waiting for another WAF write; the retry is spaced
// out, not made at every poll.
func TestCertificateRetriedAfterReadError(t *testing.T) {
	_, a := upstreamServer(t, "a")
	aCert, aKey := selfSigned(t, "a.test")
	dCert, dKey := selfSigned(t, "default.test")
	def, err := tls.X509KeyPair(dCert, dKey)
	if err != nil {
		t.Fatal(err)
	}
	a.FrontProtocol = "HTTPS"
	h := newHost("p1", "a.test", 1, a)
	h.CertificateID = "ca"
	st := &fakeStore{}
	st.set(h)
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	src := &failingCerts{fails: 1, certs: fakeCerts{"p1/ca": {aCert, aKey}}}
	p := New(Config{DefaultCertificate: &def, Now: func() time.Time { return now }},
		Deps{Hosts: st, Revisions: st, Decisions: fakeSource{&fakeDecider{}}, Certificates: src})
	ctx := context.Background()
	served := func() string {
		c, err := p.getCertificate(&tls.ClientHelloInfo{ServerName: "a.test"})
		if err != nil {
			t.Fatal(err)
		}
		return c.Leaf.Subject.CommonName
	}

	if _, err := p.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if cn := served(); cn != "default.test" {
		t.Fatalf("after the failed read: %s", cn)
	}
	if changed, _ := p.Refresh(ctx); changed {
		t.Fatal("rebuilt again at the next poll")
	}
	now = now.Add(time.Minute)
	if changed, err := p.Refresh(ctx); err != nil || !changed {
		t.Fatalf("no rebuild after the retry delay: %v %v", changed, err)
	}
	if cn := served(); cn != "a.test" {
		t.Fatalf("after the retry: served %s, want a.test", cn)
	}
	if changed, _ := p.Refresh(ctx); changed {
		t.Fatal("rebuilt once the certificate was loaded")
	}
}
