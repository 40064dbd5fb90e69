package proxy

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/waf"
)

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var loopback = netip.MustParseAddr("127.0.0.1")

// Requests are routed by Host to the host's upstream; unknown hosts get the
// 404 page; wildcards match subdomains; the oldest of colliding hosts wins.
func TestRouting(t *testing.T) {
	_, a := upstreamServer(t, "a")
	_, b := upstreamServer(t, "b")
	_, c := upstreamServer(t, "c")
	st := &fakeStore{}
	older := newHost("p1", "www.example.com", 1, a)
	wild := newHost("p1", "*.example.com", 1, b)
	newer := newHost("p2", "www.example.com", 1, c) // another project, created later
	st.set(newer, wild, older)
	tp := startProxy(t, st, Config{}, false, nil)

	for host, want := range map[string]string{"www.example.com": "a", "WWW.Example.com:80": "a", "api.example.com": "b", "x.y.example.com": "b"} {
		resp := tp.get(t, host, "/", nil)
		if resp.StatusCode != 200 || resp.Header.Get("X-Upstream") != want {
			t.Errorf("%s: status %d upstream %q, want %q", host, resp.StatusCode, resp.Header.Get("X-Upstream"), want)
		}
	}
	resp := tp.get(t, "unknown.test", "/", nil)
	if resp.StatusCode != 404 || !strings.Contains(body(t, resp), "Site not found") {
		t.Fatalf("unknown host: %d", resp.StatusCode)
	}
	resp = tp.get(t, "example.com", "/", map[string]string{"Accept": "application/json"})
	var js map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&js); err != nil || resp.StatusCode != 404 || js["error_code"] != "waf.unknown_host" {
		t.Fatalf("unknown host JSON: %d %v %v", resp.StatusCode, js, err)
	}

	// A change of the hosts takes effect at the next refresh.
	st.set(newHost("p1", "new.test", 1, c))
	if changed, err := tp.p.Refresh(context.Background()); err != nil || !changed {
		t.Fatalf("refresh: %v %v", changed, err)
	}
	if changed, _ := tp.p.Refresh(context.Background()); changed {
		t.Fatal("refresh without a revision change rebuilt the table")
	}
	if resp := tp.get(t, "new.test", "/", nil); resp.Header.Get("X-Upstream") != "c" {
		t.Fatalf("new host: %d", resp.StatusCode)
	}
	if resp := tp.get(t, "www.example.com", "/", nil); resp.StatusCode != 404 {
		t.Fatalf("deleted host: %d", resp.StatusCode)
	}
}

// protect_status: -1 and 0 forward without a decision (nothing recorded);
// 1 blocks with the 418 page and an event, logs and records, allows.
func TestProtectStatusAndBlockPage(t *testing.T) {
	_, a := upstreamServer(t, "a")
	st := &fakeStore{}
	st.set(newHost("p1", "bypass.test", -1, a), newHost("p1", "suspended.test", 0, a), newHost("p1", "protected.test", 1, a))
	tp := startProxy(t, st, Config{}, false, nil)
	tp.dec.byIP[loopback] = decision.Decision{Action: decision.ActionBlock, RuleType: decision.RuleWhiteBlackIP, RuleID: "r1", PolicyID: "pol1"}

	for _, h := range []string{"bypass.test", "suspended.test"} {
		if resp := tp.get(t, h, "/", nil); resp.StatusCode != 200 {
			t.Fatalf("%s: %d", h, resp.StatusCode)
		}
	}
	if n := len(tp.sink.events()); n != 0 {
		t.Fatalf("%d events for unprotected hosts", n)
	}
	resp := tp.get(t, "protected.test", "/path?q=1", nil)
	page := body(t, resp)
	if resp.StatusCode != 418 || !strings.Contains(page, "Request blocked") || resp.Header.Get("X-Upstream") != "" {
		t.Fatalf("block: %d %q", resp.StatusCode, page)
	}
	evs := tp.sink.events()
	if len(evs) != 1 {
		t.Fatalf("events %+v", evs)
	}
	ev := evs[0]
	if !strings.Contains(page, ev.EventID) || ev.EventID == "" || ev.Action != decision.ActionBlock || ev.RuleID != "r1" ||
		ev.RuleType != decision.RuleWhiteBlackIP || ev.PolicyID != "pol1" || ev.ClientIP != loopback || ev.Hostname != "protected.test" ||
		ev.URL != "/path?q=1" || ev.Method != "GET" || ev.ProjectID != "p1" || ev.HostID == "" || ev.Time.IsZero() {
		t.Fatalf("event %+v", ev)
	}
	resp = tp.get(t, "protected.test", "/", map[string]string{"Accept": "application/json"})
	var js map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&js); err != nil || resp.StatusCode != 418 || js["event_id"] == "" || js["event_id"] == ev.EventID {
		t.Fatalf("JSON block: %d %v %v", resp.StatusCode, js, err)
	}

	// Log: forwarded and recorded.
	tp.dec.byIP[loopback] = decision.Decision{Action: decision.ActionLog, RuleType: decision.RuleGeolocation, RuleID: "g1"}
	if resp := tp.get(t, "protected.test", "/", nil); resp.StatusCode != 200 {
		t.Fatalf("log: %d", resp.StatusCode)
	}
	evs = tp.sink.events()
	if len(evs) != 3 || evs[2].Action != decision.ActionLog || evs[2].RuleID != "g1" || evs[2].PolicyID != "pol-protected.test" {
		t.Fatalf("log event %+v", evs)
	}

	// A full queue drops the event; the request is not held.
	tp.sink.mu.Lock()
	tp.sink.full = true
	tp.sink.mu.Unlock()
	if resp := tp.get(t, "protected.test", "/", nil); resp.StatusCode != 200 {
		t.Fatalf("log with a full queue: %d", resp.StatusCode)
	}
	if tp.p.metrics.dropped.Load() != 1 {
		t.Fatalf("dropped %d", tp.p.metrics.dropped.Load())
	}

	// Allow: forwarded, nothing recorded.
	delete(tp.dec.byIP, loopback)
	if resp := tp.get(t, "protected.test", "/", nil); resp.StatusCode != 200 {
		t.Fatalf("allow: %d", resp.StatusCode)
	}
	if n := len(tp.sink.events()); n != 3 {
		t.Fatalf("allow recorded an event: %d", n)
	}

	// Metrics.
	rec := &strings.Builder{}
	w := &textRecorder{h: http.Header{}, b: rec}
	tp.p.Metrics().ServeHTTP(w, nil)
	for _, want := range []string{
		`rampart_proxy_requests_total{host="protected.test",code="4xx"} 2`,
		`rampart_proxy_requests_total{host="bypass.test",code="2xx"} 1`,
		`rampart_proxy_decisions_total{action="block",rule_type="whiteblackip"} 2`,
		`rampart_proxy_decisions_total{action="log",rule_type="geoip"} 2`,
		`rampart_proxy_decisions_total{action="allow",rule_type=""} 1`,
		`rampart_proxy_events_dropped_total 1`,
		`rampart_proxy_upstream_latency_seconds_count 5`,
	} {
		if !strings.Contains(rec.String(), want) {
			t.Errorf("metrics lack %s:\n%s", want, rec.String())
		}
	}
}

type textRecorder struct {
	h http.Header
	b *strings.Builder
}

func (r *textRecorder) Header() http.Header         { return r.h }
func (r *textRecorder) Write(p []byte) (int, error) { return r.b.Write(p) }
func (r *textRecorder) WriteHeader(int)             {}

// Forwarded headers count only from trusted peers; the right-most
// untrusted X-Forwarded-For address is the client.
func TestForwardedHeaders(t *testing.T) {
	_, a := upstreamServer(t, "a")
	st := &fakeStore{}
	st.set(newHost("p1", "www.test", 1, a))
	spoofed := netip.MustParseAddr("203.0.113.9")
	block := decision.Decision{Action: decision.ActionBlock, RuleType: decision.RuleEmergency}

	// Untrusted peer: headers ignored for the decision and replaced upstream.
	tp := startProxy(t, st, Config{}, false, nil)
	tp.dec.byIP[spoofed] = block
	resp := tp.get(t, "www.test", "/", map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9", "X-Forwarded-Proto": "https"})
	if resp.StatusCode != 200 || resp.Header.Get("X-Got-XFF") != "127.0.0.1" || resp.Header.Get("X-Got-Real-IP") != "127.0.0.1" ||
		resp.Header.Get("X-Got-Proto") != "http" || resp.Header.Get("X-Got-Host") != "www.test" {
		t.Fatalf("untrusted: %d %v", resp.StatusCode, resp.Header)
	}

	// Trusted peer (loopback): the right-most untrusted address decides.
	trusted, err := ParseTrustedProxies("127.0.0.0/8, 10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tp = startProxy(t, st, Config{TrustedProxies: trusted}, false, nil)
	tp.dec.byIP[spoofed] = block
	resp = tp.get(t, "www.test", "/", map[string]string{"X-Forwarded-For": "198.51.100.1, 203.0.113.9, 10.0.0.1"})
	if resp.StatusCode != 418 {
		t.Fatalf("trusted XFF: %d", resp.StatusCode)
	}
	resp = tp.get(t, "www.test", "/", map[string]string{"X-Forwarded-For": "203.0.113.9, 198.51.100.1", "X-Forwarded-Proto": "https"})
	if resp.StatusCode != 200 || resp.Header.Get("X-Got-XFF") != "203.0.113.9, 198.51.100.1, 127.0.0.1" ||
		resp.Header.Get("X-Got-Real-IP") != "198.51.100.1" || resp.Header.Get("X-Got-Proto") != "https" {
		t.Fatalf("trusted, spoofed left of the client: %d %v", resp.StatusCode, resp.Header)
	}
	if resp := tp.get(t, "www.test", "/", map[string]string{"X-Real-IP": "203.0.113.9"}); resp.StatusCode != 418 {
		t.Fatalf("trusted X-Real-IP: %d", resp.StatusCode)
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8,nonsense"); err == nil {
		t.Fatal("bad trusted proxy accepted")
	}
}

// A server refusing connections is skipped; with all down the client gets
// 502; an upstream too slow gets 504.
func TestUpstreamFailure(t *testing.T) {
	_, a := upstreamServer(t, "a")
	down := serverOf(t, closedAddr(t), 5)
	st := &fakeStore{}
	h := newHost("p1", "www.test", 1, down, a)
	st.set(h)
	tp := startProxy(t, st, Config{}, false, nil)
	for i := range 10 {
		resp := tp.get(t, "www.test", "/", nil)
		if resp.StatusCode != 200 || resp.Header.Get("X-Upstream") != "a" {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	// A POST with a body is retried too: the connection was never made.
	req, _ := http.NewRequest("POST", tp.srv.URL+"/", strings.NewReader("payload"))
	req.Host = "www.test"
	tp.p.pools(t, "www.test")[0].servers[0].downUntil.Store(0) // try the down server first again
	resp, err := tp.srv.Client().Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST failover: %v %v", resp, err)
	}
	resp.Body.Close()
	if tp.p.metrics.retries.Load() == 0 {
		t.Fatal("no retry counted")
	}

	st.set(newHost("p1", "www.test", 1, down, serverOf(t, closedAddr(t), 1)))
	tp.p.Refresh(context.Background())
	if resp := tp.get(t, "www.test", "/", nil); resp.StatusCode != 502 || !strings.Contains(body(t, resp), "Bad gateway") {
		t.Fatalf("all down: %d", resp.StatusCode)
	}

	slow := make(chan struct{})
	_, s := upstreamServerFunc(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-slow:
		case <-r.Context().Done():
		}
	})
	defer close(slow)
	st2 := &fakeStore{}
	st2.set(newHost("p1", "slow.test", 1, s))
	tp2 := startProxy(t, st2, Config{UpstreamTimeout: 200 * time.Millisecond}, false, nil)
	if resp := tp2.get(t, "slow.test", "/", nil); resp.StatusCode != 504 {
		t.Fatalf("slow upstream: %d", resp.StatusCode)
	}
}

// pools returns the pools of a host (test helper).
func (p *Proxy) pools(t *testing.T, host string) []*pool {
	t.Helper()
	rt := p.table.Load().lookup(host)
	if rt == nil {
		t.Fatalf("no route for %s", host)
	}
	return []*pool{rt.plain}
}

func upstreamServerFunc(t *testing.T, h http.HandlerFunc) (*httptest.Server, waf.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, serverOf(t, srv.Listener.Addr().String(), 1)
}
