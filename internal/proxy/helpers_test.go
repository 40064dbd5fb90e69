package proxy

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	cryptotls "crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// fakeStore is a HostSource and RevisionLister over a slice of hosts.
type fakeStore struct {
	mu    sync.Mutex
	hosts []*waf.Host
	rev   int64
}

func (s *fakeStore) AllHosts(context.Context) ([]*waf.Host, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*waf.Host, len(s.hosts))
	for i, h := range s.hosts {
		c := *h
		out[i] = &c
	}
	return out, nil
}

func (s *fakeStore) Revisions(context.Context) ([]rampart.Revision, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return []rampart.Revision{{ProjectID: "p1", Family: rampart.FamilyWAF, Revision: s.rev}}, nil
}

func (s *fakeStore) set(hosts ...*waf.Host) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hosts = hosts
	s.rev++
}

// fakeDecider decides by client address.
type fakeDecider struct {
	byIP map[netip.Addr]decision.Decision
}

func (d *fakeDecider) DecideWAF(_ string, ip netip.Addr, _ time.Time) decision.Decision {
	return d.byIP[ip]
}
func (d *fakeDecider) DecideIP(decision.Layer, netip.Addr, time.Time) decision.Decision {
	return decision.Decision{}
}
func (d *fakeDecider) DecideUser(string, time.Time) decision.Decision { return decision.Decision{} }
func (d *fakeDecider) DecideWorkspace(string, []string, netip.Addr) decision.Decision {
	return decision.Decision{}
}

type fakeSource struct{ d decision.Decider }

func (s fakeSource) Decider(context.Context, string) (decision.Decider, error) { return s.d, nil }

// fakeSink records events; full makes it drop them.
type fakeSink struct {
	mu   sync.Mutex
	evs  []Event
	full bool
}

func (s *fakeSink) Record(ev Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.full {
		return false
	}
	s.evs = append(s.evs, ev)
	return true
}

func (s *fakeSink) events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.evs...)
}

// upstreamServer is an origin that answers with its name and echoes the
// forwarding headers.
func upstreamServer(t *testing.T, name string) (*httptest.Server, waf.Server) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Upstream", name)
		w.Header().Set("X-Got-XFF", r.Header.Get("X-Forwarded-For"))
		w.Header().Set("X-Got-Real-IP", r.Header.Get("X-Real-IP"))
		w.Header().Set("X-Got-Proto", r.Header.Get("X-Forwarded-Proto"))
		w.Header().Set("X-Got-Host", r.Host)
		fmt.Fprintf(w, "hello from %s", name)
	}))
	t.Cleanup(srv.Close)
	return srv, serverOf(t, srv.Listener.Addr().String(), 1)
}

func serverOf(t testing.TB, hostport string, weight int) waf.Server {
	t.Helper()
	h, p, err := net.SplitHostPort(hostport)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(p)
	return waf.Server{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: h, Port: port, Type: "ipv4", Weight: weight}
}

// closedAddr returns an address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := ln.Addr().String()
	ln.Close()
	return a
}

var hostSeq int

func newHost(project, name string, protect int, servers ...waf.Server) *waf.Host {
	hostSeq++
	return &waf.Host{ID: fmt.Sprintf("h%d", hostSeq), ProjectID: project, Hostname: name, PolicyID: "pol-" + name,
		Servers: servers, LBAlgorithm: "round_robin", ProtectStatus: protect,
		CreatedAt: time.Date(2026, 1, 1, 0, 0, hostSeq, 0, time.UTC)}
}

// testProxy starts a proxy over st behind a real listener.
type testProxy struct {
	p    *Proxy
	srv  *testServer
	sink *fakeSink
	dec  *fakeDecider
}

func startProxy(t *testing.T, st *fakeStore, cfg Config, tls bool, certs CertificateSource) *testProxy {
	t.Helper()
	return startProxyWith(t, st, cfg, tls, certs, ServerConfig{})
}

// startProxyWith is startProxy with the listeners' settings.
func startProxyWith(t *testing.T, st *fakeStore, cfg Config, tls bool, certs CertificateSource, scfg ServerConfig) *testProxy {
	t.Helper()
	tp := &testProxy{sink: &fakeSink{}, dec: &fakeDecider{byIP: map[netip.Addr]decision.Decision{}}}
	tp.p = New(cfg, Deps{Hosts: st, Revisions: st, Decisions: fakeSource{tp.dec}, Events: tp.sink, Certificates: certs})
	if _, err := tp.p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	tp.srv = serveProxyWith(t, tp.p, tls, scfg)
	return tp
}

// testServer is a data plane served on a loopback listener the way
// `rampart proxy` serves it (Proxy.NewServer).
type testServer struct {
	URL      string
	Listener net.Listener
	tls      bool
}

// serveProxy serves p on a loopback listener, plain or TLS, until the test
// ends.
func serveProxy(t testing.TB, p *Proxy, tls bool) *testServer {
	t.Helper()
	return serveProxyWith(t, p, tls, ServerConfig{})
}

// serveProxyWith is serveProxy with the listeners' settings.
func serveProxyWith(t testing.TB, p *Proxy, tls bool, cfg ServerConfig) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := p.NewServer(cfg)
	ts := &testServer{URL: "http://" + ln.Addr().String(), Listener: ln, tls: tls}
	serve := srv.Serve
	if tls {
		ts.URL = "https://" + ln.Addr().String()
		serve = srv.ServeTLS
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = serve(ln) }()
	t.Cleanup(func() { _ = srv.Close(); <-done; p.Close() })
	return ts
}

// Client returns a client of the server; over TLS it accepts any
// certificate and offers HTTP/2.
func (ts *testServer) Client() *http.Client {
	if !ts.tls {
		return &http.Client{}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &cryptotls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: true}}
}

// get sends a request for host through the proxy.
func (tp *testProxy) get(t *testing.T, host, path string, hdr map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", tp.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := tp.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// selfSigned returns a PEM certificate and key for the names.
func selfSigned(t testing.TB, names ...string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]},
		DNSNames: names, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
}
