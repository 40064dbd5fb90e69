package proxy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"testing"
)

// fakeCerts is a CertificateSource over a map of (project/id) → PEM pair.
type fakeCerts map[string][2][]byte

func (c fakeCerts) Certificate(_ context.Context, projectID, id string) ([]byte, []byte, error) {
	v, ok := c[projectID+"/"+id]
	if !ok {
		return nil, nil, errors.New("no such certificate")
	}
	return v[0], v[1], nil
}

// Each host gets its certificate by SNI, hosts without one the default;
// HTTP/2 is negotiated by ALPN.
func TestTLSWithSNIAndHTTP2(t *testing.T) {
	_, a := upstreamServer(t, "a")
	_, b := upstreamServer(t, "b")
	aCert, aKey := selfSigned(t, "a.test")
	bCert, bKey := selfSigned(t, "*.b.test")
	dCert, dKey := selfSigned(t, "default.test")
	def, err := tls.X509KeyPair(dCert, dKey)
	if err != nil {
		t.Fatal(err)
	}
	certs := fakeCerts{"p1/ca": {aCert, aKey}, "p1/cb": {bCert, bKey}}
	a.FrontProtocol, b.FrontProtocol = "HTTPS", "HTTPS"
	ha := newHost("p1", "a.test", 1, a)
	ha.CertificateID = "ca"
	hb := newHost("p1", "*.b.test", 1, b)
	hb.CertificateID = "cb"
	hc := newHost("p1", "c.test", 1, a)
	hc.CertificateID = "missing" // falls back to the default
	st := &fakeStore{}
	st.set(ha, hb, hc)
	tp := startProxy(t, st, Config{DefaultCertificate: &def}, true, certs)

	for _, c := range []struct {
		sni      string
		cn       string
		upstream string
	}{{"a.test", "a.test", "a"}, {"www.b.test", "*.b.test", "b"}, {"c.test", "default.test", "a"}} {
		tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, ServerName: c.sni}, ForceAttemptHTTP2: true}
		client := &http.Client{Transport: tr}
		req, _ := http.NewRequest("GET", tp.srv.URL+"/", nil)
		req.Host = c.sni
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.sni, err)
		}
		resp.Body.Close()
		tr.CloseIdleConnections()
		if cn := resp.TLS.PeerCertificates[0].Subject.CommonName; cn != c.cn {
			t.Fatalf("%s: served the certificate of %s, want %s", c.sni, cn, c.cn)
		}
		if resp.StatusCode != 200 || resp.ProtoMajor != 2 || resp.Header.Get("X-Upstream") != c.upstream || resp.Header.Get("X-Got-Proto") != "https" {
			t.Fatalf("%s: %d %s upstream %q proto %q", c.sni, resp.StatusCode, resp.Proto, resp.Header.Get("X-Upstream"), resp.Header.Get("X-Got-Proto"))
		}
	}

	// HTTP/1.1 is offered too.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(aCert)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "a.test", NextProtos: []string{"http/1.1"}}}
	req, _ := http.NewRequest("GET", tp.srv.URL+"/", nil)
	req.Host = "a.test"
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tr.CloseIdleConnections()
	if resp.ProtoMajor != 1 || resp.StatusCode != 200 {
		t.Fatalf("HTTP/1.1: %s %d", resp.Proto, resp.StatusCode)
	}

	// Without a default certificate, an unknown server name fails the handshake.
	tp2 := startProxy(t, st, Config{}, true, certs)
	_, err = tls.Dial("tcp", tp2.srv.Listener.Addr().String(), &tls.Config{ServerName: "unknown.test", InsecureSkipVerify: true})
	if err == nil {
		t.Fatal("handshake for an unknown name without a default certificate succeeded")
	}
}
