package proxy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"testing"

	"github.com/rampartsec/rampart/internal/decision"
)

// A decided, forwarded request allocates no more than the same request
// through a bare httputil.ReverseProxy (with a buffer pool, as Rampart
// has): routing, the client address, the decision and the balancing add
// nothing per request.
func TestAllocsNoMoreThanReverseProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	st := &fakeStore{}
	st.set(newHost("p1", "www.example.com", 1, serverOf(t, "192.0.2.1:80", 1), serverOf(t, "192.0.2.2:80", 3)))
	dec := &fakeDecider{byIP: map[netip.Addr]decision.Decision{}}
	p := New(Config{}, Deps{Hosts: st, Revisions: st, Decisions: fakeSource{dec}})
	p.transport = stubTransport{}
	if _, err := p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("http://192.0.2.1:80")
	bare := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.Out.Host = pr.In.Host
		pr.SetXForwarded()
	}, Transport: stubTransport{}, BufferPool: &bufferPool{}}

	req := httptest.NewRequest("GET", "http://www.example.com/", nil)
	req.RemoteAddr = "198.51.100.7:5000"
	w := &discardWriter{h: http.Header{}}
	run := func(h http.Handler) float64 {
		return testing.AllocsPerRun(200, func() {
			clear(w.h)
			w.code = 0
			h.ServeHTTP(w, req)
		})
	}
	rampart, baseline := run(p), run(bare)
	if w.code != 200 {
		t.Fatalf("status %d", w.code)
	}
	if rampart > baseline {
		t.Fatalf("Rampart allocates %.0f per request, the bare proxy %.0f", rampart, baseline)
	}
	if n := p.metrics.decisions[decision.ActionAllow][decision.RuleNone].Load(); n < 200 {
		t.Fatalf("%d requests decided", n)
	}
}

// Basic web protection adds no allocation to a clean GET (with a query,
// cookies and browser headers): the request view is pooled and refers to
// the request's own strings.
func TestWebProtectionAddsNoAllocsToACleanGet(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts (not meaningful with -race: sync.Pool drops items)")
	}
	req := cleanGet()
	w := &discardWriter{h: http.Header{}}
	allocs := func(on bool) float64 {
		p := webBenchProxy(t, on)
		defer p.Close()
		n := testing.AllocsPerRun(200, func() {
			clear(w.h)
			w.code = 0
			p.ServeHTTP(w, req)
		})
		if w.code != 200 {
			t.Fatalf("protection on %v: status %d", on, w.code)
		}
		return n
	}
	if on, off := allocs(true), allocs(false); on > off {
		t.Fatalf("a clean GET allocates %.0f with basic web protection, %.0f without", on, off)
	}
}
