package proxy

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/geodata"
	"github.com/rampartsec/rampart/internal/origin"
	"github.com/rampartsec/rampart/internal/waf"
)

// The data plane's cost per request against a bare httputil.ReverseProxy,
// in the same run, on the same upstream:
//
//   - stub: the upstream is an in-memory RoundTripper answering a canned
//     200, so the figure is the proxies' own work (routing, the decision,
//     headers, copying);
//   - loopback: a real httptest upstream over TCP.
//
// The bare proxy runs twice: as is (it allocates a 32 KB copy buffer per
// request) and with a buffer pool like Rampart's.
//
// Rampart decides every request on an engine holding 1,000,000 emergency
// BLOCK prefixes (random IPv4 /32 and /16–/30), a geolocation block rule
// and an IP-reputation block rule, on the embedded address data; the
// client address (8.8.8.8) matches none, so every stage is evaluated.
//
//	go test -run '^$' -bench 'BenchmarkHandler' -benchtime 2s -count 3 ./internal/proxy
func BenchmarkHandler(b *testing.B) {
	eng := benchEngine(b)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	defer up.Close()
	upURL, _ := url.Parse(up.URL)

	for _, mode := range []string{"stub", "loopback"} {
		var tr roundTripCloser = stubTransport{}
		if mode == "loopback" {
			tr = &http.Transport{MaxIdleConnsPerHost: 256}
		}
		bare := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(upURL)
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
		}, Transport: tr}
		b.Run(mode+"/bare-reverseproxy", func(b *testing.B) { benchServe(b, bare) })
		// The same with a pool of copy buffers, as Rampart has.
		pooled := *bare
		pooled.BufferPool = &bufferPool{}
		b.Run(mode+"/bare-reverseproxy-bufferpool", func(b *testing.B) { benchServe(b, &pooled) })

		st := &fakeStore{}
		srv := serverOf(b, upURL.Host, 1)
		st.set(&waf.Host{ID: "h1", ProjectID: "p1", Hostname: "www.example.com", PolicyID: "policy-www",
			Servers: []waf.Server{srv}, LBAlgorithm: "round_robin", ProtectStatus: 1})
		p := New(Config{}, Deps{Hosts: st, Revisions: st, Decisions: fakeSource{eng}})
		p.transport = tr
		if _, err := p.Refresh(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Run(mode+"/rampart", func(b *testing.B) {
			before := p.metrics.decisions[decision.ActionAllow][decision.RuleNone].Load()
			benchServe(b, p)
			if p.metrics.decisions[decision.ActionAllow][decision.RuleNone].Load() == before {
				b.Fatal("no request was decided")
			}
		})
		tr.CloseIdleConnections()
	}
}

func benchServe(b *testing.B, h http.Handler) {
	req := httptest.NewRequest("GET", "http://www.example.com/index.html", nil)
	req.RemoteAddr = "8.8.8.8:40000"
	benchServeRequest(b, h, req, nil)
}

// benchServeRequest serves req through h in a loop, after calling before
// (when not nil) to prepare each iteration, and wants 200.
func benchServeRequest(b *testing.B, h http.Handler, req *http.Request, before func()) {
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		if before != nil {
			before()
		}
		clear(w.h)
		w.code = 0
		h.ServeHTTP(w, req)
		if w.code != 200 {
			b.Fatalf("status %d", w.code)
		}
	}
}

type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = 200
	}
	return len(p), nil
}
func (w *discardWriter) WriteHeader(c int) { w.code = c }

// stubTransport answers every request with a canned 200.
type stubTransport struct{}

func (stubTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/plain"}}, Body: io.NopCloser(strings.NewReader("hello")),
		ContentLength: 5, Request: r}, nil
}
func (stubTransport) CloseIdleConnections() {}

var (
	benchEngineOnce sync.Once
	benchEngineVal  *engine.Engine
	benchEngineErr  error
)

// benchEngine builds (once) the engine of 1,000,000 emergency prefixes
// plus geolocation and IP-reputation rules.
func benchEngine(b *testing.B) *engine.Engine {
	benchEngineOnce.Do(func() {
		geo, err := geodata.LoadEmbedded()
		if err != nil {
			benchEngineErr = err
			return
		}
		r := rand.New(rand.NewPCG(1, 2))
		p := &engine.Project{Emergency: make([]engine.EmergencyEntry, 0, 1_000_000)}
		for i := range 1_000_000 {
			v := r.Uint32()
			a := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
			bits := 32
			if i%10 == 0 {
				bits = 16 + r.IntN(15)
			}
			pf := netip.PrefixFrom(a, bits).Masked()
			if pf.Contains(netip.MustParseAddr("8.8.8.8")) {
				continue
			}
			p.Emergency = append(p.Emergency, engine.EmergencyEntry{Layer: engine.LayerWAF, Category: engine.CategoryBlock,
				PolicyID: fmt.Sprintf("sm-%04d", i%2500), Prefix: pf})
		}
		cn, _ := origin.Parse("CN")
		p.WAF = []engine.WAFPolicy{{ID: "policy-www", Hosts: []string{"www.example.com"},
			Options:    engine.Options{WhiteBlackIP: true, Geoip: true, IPReputation: true},
			Geo:        []engine.GeoRule{{ID: "g1", Codes: []origin.Code{cn}, White: engine.WhiteBlock, Enabled: true}},
			Reputation: []engine.ReputationRule{{ID: "r1", Tags: origin.TagSet(0).With(origin.TagDrPeng), Category: engine.ReputationBlock, Enabled: true}},
		}}
		benchEngineVal, benchEngineErr = engine.New(p, geo, nil)
	})
	if benchEngineErr != nil {
		b.Fatal(benchEngineErr)
	}
	return benchEngineVal
}
