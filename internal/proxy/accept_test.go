package proxy

import (
	"context"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
)

// failingListener fails its first Accept calls with "too many open files",
// as a listener does when the process is out of file descriptors.
type failingListener struct {
	net.Listener
	fails atomic.Int32 // failures left
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.fails.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.Addr(), Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// An accept error that does not end the listener (out of file descriptors)
// is waited out: the plain and the TLS listener go on accepting, and stop
// when the server is closed.
func TestAcceptErrorDoesNotStopServing(t *testing.T) {
	eachWire(t, func(t *testing.T, tlsOn bool) {
		_, up := upstreamServer(t, "a")
		cfg := Config{}
		if tlsOn {
			cfg.DefaultCertificate = wireCertificate(t)
		}
		st := &fakeStore{}
		st.set(newHost("p1", wireHost, 1, up))
		tp := &testProxy{sink: &fakeSink{}, dec: &fakeDecider{byIP: map[netip.Addr]decision.Decision{}}}
		tp.p = New(cfg, Deps{Hosts: st, Revisions: st, Decisions: fakeSource{tp.dec}, Events: tp.sink})
		if _, err := tp.p.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		inner, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln := &failingListener{Listener: inner}
		ln.fails.Store(4)
		srv := tp.p.NewServer(ServerConfig{})
		serve := srv.Serve
		if tlsOn {
			serve = srv.ServeTLS
		}
		done := make(chan error, 1)
		go func() { done <- serve(ln) }()
		t.Cleanup(func() { _ = srv.Close(); tp.p.Close() })
		tp.srv = &testServer{Listener: ln, tls: tlsOn}

		// The four failures are waited out (5 + 10 + 20 + 40 ms).
		deadline := time.Now().Add(wireTimeout)
		for ln.fails.Load() >= 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		select {
		case err := <-done:
			t.Fatalf("serving stopped after an accept error: %v", err)
		default:
		}
		c := tp.open(t)
		c.send(t, get("/"))
		resp, body := c.read(t, "GET")
		if resp.StatusCode != 200 || !strings.Contains(string(body), "hello from a") {
			t.Fatalf("after accept errors: %d %q, want 200 from the origin", resp.StatusCode, body)
		}

		_ = srv.Close()
		select {
		case err := <-done:
			if err != ErrServerClosed {
				t.Fatalf("serve returned %v after Close, want ErrServerClosed", err)
			}
		case <-time.After(wireTimeout):
			t.Fatal("serve did not return after Close")
		}
	})
}
