package proxy

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/decision"
)

// fakeKeys is a KeySource over a list of keys.
type fakeKeys struct {
	mu   sync.Mutex
	keys []bouncer.Key
}

func (f *fakeKeys) Bouncers(context.Context) ([]bouncer.Key, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bouncer.Key(nil), f.keys...), nil
}

func (f *fakeKeys) set(keys ...bouncer.Key) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys = keys
}

// Secrets of the fixture's keys.
const (
	keyP1    = "p1-waf-secret-0123456789abcdef"
	keyP2    = "p2-waf-secret-0123456789abcdef"
	keyP1CFW = "p1-cfw-secret-0123456789abcdef"
)

// fauthFixture is a forward-auth endpoint over the rules fixture's proxy
// (rules.example.com, project p1, with precise, CC and blocking basic web
// protection), plus other.example.com of project p2 and paused.example.com
// (p1, protection suspended), with keys of p1 (WAF and CFW layers) and p2.
type fauthFixture struct {
	*rulesFixture
	url  string
	keys *fakeKeys
	logs *bytes.Buffer
}

func newFauthFixture(t *testing.T, cfg ForwardAuthConfig) *fauthFixture {
	t.Helper()
	f := &fauthFixture{rulesFixture: newRulesFixture(t, false, nil, nil), keys: &fakeKeys{}, logs: &bytes.Buffer{}}
	st := &fakeStore{}
	main := newHost("p1", "rules.example.com", 1, serverOf(t, "192.0.2.1:80", 1))
	main.PolicyID = f.pol.ID
	other := newHost("p2", "other.example.com", 1, serverOf(t, "192.0.2.1:80", 1))
	other.PolicyID = f.pol.ID
	st.set(main, other, newHost("p1", "paused.example.com", 0, serverOf(t, "192.0.2.1:80", 1)))
	f.p.deps.Hosts, f.p.deps.Revisions, f.p.deps.Keys = st, st, f.keys
	f.p.log = slog.New(slog.NewTextHandler(&lockedWriter{w: f.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.p.revs = nil
	if _, err := f.p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.keys.set(
		bouncer.Key{Name: "a", ProjectID: "p1", Layer: decision.LayerWAF, Hash: bouncer.HashSecret(keyP1)},
		bouncer.Key{Name: "b", ProjectID: "p2", Layer: decision.LayerWAF, Hash: bouncer.HashSecret(keyP2)},
		bouncer.Key{Name: "c", ProjectID: "p1", Layer: decision.LayerCFW, Hash: bouncer.HashSecret(keyP1CFW)},
	)
	if err := f.p.RefreshKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := f.p.NewServer(ServerConfig{})
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.ServeForwardAuth(ln, cfg) }()
	t.Cleanup(func() { _ = srv.Close(); <-done })
	f.url = "http://" + ln.Addr().String()
	return f
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// ask sends a question (method and target of the asker's own request,
// headers) and returns the answer with its body and the events it caused.
func (f *fauthFixture) ask(t *testing.T, method, target string, hdr map[string]string) (*http.Response, string, []Event) {
	t.Helper()
	before := len(f.sink.events())
	req, err := http.NewRequest(method, f.url+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b), f.sink.events()[before:]
}

// traefik is a question as Traefik's ForwardAuth and Caddy's forward_auth
// ask it: X-Forwarded-Method, -Uri, -Host and -For.
func traefik(key, method, host, uri, client string) map[string]string {
	return map[string]string{"X-Api-Key": key, "X-Forwarded-Method": method, "X-Forwarded-Host": host, "X-Forwarded-Uri": uri,
		"X-Forwarded-For": client, "X-Forwarded-Proto": "https"}
}

// wantAllowed fails unless the answer lets the request pass: 200, no body,
// no event.
func wantAllowed(t *testing.T, what string, res *http.Response, body string, evs []Event) {
	t.Helper()
	if res.StatusCode != 200 || body != "" || len(evs) != 0 || res.Header.Get("X-Rampart-Action") != "" {
		t.Fatalf("%s: %d %q %+v %v", what, res.StatusCode, body, evs, res.Header)
	}
}

// wantBlocked fails unless the answer is a block by the rule, recorded as
// one event whose ID is in the body and the headers; it returns the event.
func wantBlocked(t *testing.T, what string, res *http.Response, body string, evs []Event, ruleType, ruleID string) Event {
	t.Helper()
	h := res.Header
	if res.StatusCode != 403 || h.Get("X-Rampart-Action") != "block" || h.Get("X-Rampart-Rule-Type") != ruleType ||
		h.Get("X-Rampart-Rule") != ruleID || len(evs) != 1 {
		t.Fatalf("%s: %d %v %q events %+v", what, res.StatusCode, h, body, evs)
	}
	id := h.Get("X-Rampart-Event-Id")
	if id == "" || evs[0].EventID != id || !strings.Contains(body, id) || evs[0].Status != 403 {
		t.Fatalf("%s: event ID %q, body %q, event %+v", what, id, body, evs[0])
	}
	return evs[0]
}

// Each asker's header convention names the original method, target, host
// and client: an allowed client passes, a blocked one is answered 403
// with its event, which records the original request, not the question.
func TestForwardAuthHeaderConventions(t *testing.T) {
	f := newFauthFixture(t, ForwardAuthConfig{PathPrefix: "/rampart"})
	bad := netip.MustParseAddr("203.0.113.66")
	f.dec.byIP[bad] = decision.Decision{Action: decision.ActionBlock, RuleType: decision.RuleWhiteBlackIP, RuleID: "wb-1"}
	conventions := []struct {
		name, method, target string
		hdr                  func(client string) map[string]string
	}{
		{"traefik/caddy", "GET", "/auth", func(c string) map[string]string {
			return traefik(keyP1, "POST", "rules.example.com", "/orig/path?a=1", "198.51.100.1, "+c)
		}},
		{"nginx", "POST", "/auth", func(c string) map[string]string {
			return map[string]string{"X-Api-Key": keyP1, "X-Original-Method": "POST", "X-Original-URI": "/orig/path?a=1",
				"X-Forwarded-Host": "Rules.Example.com:8443", "X-Real-IP": c}
		}},
		{"envoy", "POST", "/rampart/orig/path?a=1", func(c string) map[string]string {
			return map[string]string{"X-Api-Key": keyP1, "Host": "rules.example.com", "X-Forwarded-For": c}
		}},
		{"haproxy", "HEAD", "/", func(c string) map[string]string {
			return map[string]string{"X-Api-Key": keyP1, "X-Original-Method": "POST", "X-Original-URI": "/orig/path?a=1",
				"X-Forwarded-Host": "rules.example.com", "X-Forwarded-For": c}
		}},
	}
	for _, cv := range conventions {
		res, body, evs := f.ask(t, cv.method, cv.target, cv.hdr("192.0.2.9"))
		wantAllowed(t, cv.name, res, body, evs)
		res, body, evs = f.ask(t, cv.method, cv.target, cv.hdr(bad.String()))
		if cv.method == "HEAD" {
			body = res.Header.Get("X-Rampart-Event-Id") // a HEAD answer has no body
		}
		ev := wantBlocked(t, cv.name, res, body, evs, "whiteblackip", "wb-1")
		if ev.Method != "POST" || ev.URL != "/orig/path?a=1" || ev.Hostname != "rules.example.com" || ev.ClientIP != bad ||
			ev.ProjectID != "p1" || ev.Action != decision.ActionBlock {
			t.Fatalf("%s: event %+v", cv.name, ev)
		}
	}
}

// Every check that needs no body answers through forward auth: address
// rules of each kind, precise protection, CC (with a rule's own response),
// known attack sources, and basic web protection of the URL and headers.
func TestForwardAuthRunsTheChecks(t *testing.T) {
	f := newFauthFixture(t, ForwardAuthConfig{})
	for ip, rt := range map[string]decision.RuleType{"203.0.113.1": decision.RuleGeolocation, "203.0.113.2": decision.RuleIPReputation,
		"203.0.113.3": decision.RuleEmergency} {
		f.dec.byIP[netip.MustParseAddr(ip)] = decision.Decision{Action: decision.ActionBlock, RuleType: rt, RuleID: "r-" + ip}
	}
	ask := func(uri, client string, extra map[string]string) (*http.Response, string, []Event) {
		h := traefik(keyP1, "GET", "rules.example.com", uri, client)
		for k, v := range extra {
			h[k] = v
		}
		return f.ask(t, "GET", "/", h)
	}
	for ip, name := range map[string]string{"203.0.113.1": "geoip", "203.0.113.2": "ip_reputation", "203.0.113.3": "emergency"} {
		res, body, evs := ask("/", ip, nil)
		wantBlocked(t, name, res, body, evs, name, "r-"+ip)
	}
	res, body, evs := ask("/precise-block", "192.0.2.9", nil)
	wantBlocked(t, "precise", res, body, evs, "custom", "c-block")
	res, body, evs = ask("/cc-block", "192.0.2.9", nil)
	wantBlocked(t, "cc", res, body, evs, "cc", "cc-b")
	res, body, evs = ask("/cc-custom", "192.0.2.9", nil)
	if res.StatusCode != 403 || body != `{"busy":true}` || res.Header.Get("Content-Type") != "application/json" ||
		res.Header.Get("X-Rampart-Rule") != "cc-r" || len(evs) != 1 || evs[0].EventID != res.Header.Get("X-Rampart-Event-Id") {
		t.Fatalf("cc custom response: %d %q %v %+v", res.StatusCode, body, res.Header, evs)
	}
	res, body, evs = ask("/search"+sqliPath, "192.0.2.12", nil)
	ev := wantBlocked(t, "url attack", res, body, evs, "web_attack", evs[0].RuleID)
	if ev.Attack != "sqli" || ev.URL != "/search"+sqliPath {
		t.Fatalf("url attack event %+v", ev)
	}
	res, body, evs = ask("/", "192.0.2.10", map[string]string{"User-Agent": "sqlmap/1.7"})
	if ev := wantBlocked(t, "header attack", res, body, evs, "web_attack", evs[0].RuleID); ev.AttackLocation != "header" {
		t.Fatalf("header attack event %+v", ev)
	}
	// The basic protection block named the known-attack-source rule
	// pun-ip: the source is now punished, whatever it asks.
	res, body, evs = ask("/", "192.0.2.10", nil)
	wantBlocked(t, "punished", res, body, evs, "punishment", "pun-ip")
	// A log rule lets the request pass and records it.
	res, body, evs = ask("/precise-log", "192.0.2.9", nil)
	if res.StatusCode != 200 || body != "" || len(evs) != 1 || evs[0].Action != decision.ActionLog {
		t.Fatalf("log: %d %q %+v", res.StatusCode, body, evs)
	}
	// The block page is JSON for an original request that asked for JSON.
	res, body, _ = ask("/precise-block", "192.0.2.9", map[string]string{"Accept": "application/json"})
	if res.StatusCode != 403 || !strings.Contains(body, `"event_id":"`+res.Header.Get("X-Rampart-Event-Id")+`"`) {
		t.Fatalf("JSON block page: %d %q", res.StatusCode, body)
	}
	// A suspended host is let through unchecked.
	res, body, evs = f.ask(t, "GET", "/", traefik(keyP1, "GET", "paused.example.com", "/precise-block", "203.0.113.1"))
	wantAllowed(t, "suspended host", res, body, evs)
}

// The asker's credential and the headers that carry the request line are
// not inspected as the client's headers, and never reach an event.
func TestForwardAuthDoesNotInspectItsOwnHeaders(t *testing.T) {
	f := newFauthFixture(t, ForwardAuthConfig{})
	f.pol.Extend = map[string]string{"extend": `{"check_all_headers":true}`}
	f.p.revs = nil
	if _, err := f.p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, body, evs := f.ask(t, "GET", "/", traefik(keyP1, "GET", "rules.example.com", "/", "192.0.2.9"))
	wantAllowed(t, "clean", res, body, evs)
	f.ask(t, "GET", "/", traefik(keyP1, "GET", "rules.example.com", "/precise-log", "192.0.2.9"))
	for _, v := range f.rules.views {
		for _, h := range v.Headers {
			if skipFauthHeader(h.Name) {
				t.Fatalf("the rules saw %s", h.Name)
			}
		}
	}
	// An attack in another header is seen (check_all_headers).
	h := traefik(keyP1, "GET", "rules.example.com", "/", "192.0.2.11")
	h["X-Campaign"] = "<script>alert(1)</script>"
	res, body, evs = f.ask(t, "GET", "/", h)
	if ev := wantBlocked(t, "other header", res, body, evs, "web_attack", evs[0].RuleID); ev.AttackLocation != "header" {
		t.Fatalf("event %+v", ev)
	}
}

// Askers are authenticated by a WAF-layer key, which bounds the hosts they
// may ask about to its project's, or by a trusted address; the others get
// 401 or 403 and no decision, and no key is ever logged.
func TestForwardAuthAskers(t *testing.T) {
	f := newFauthFixture(t, ForwardAuthConfig{})
	bad := netip.MustParseAddr("203.0.113.66")
	f.dec.byIP[bad] = decision.Decision{Action: decision.ActionBlock, RuleType: decision.RuleWhiteBlackIP, RuleID: "wb-1"}
	for _, c := range []struct {
		name, key string
		want      int
	}{
		{"no key", "", 401},
		{"wrong key", "not-a-key-of-anyone", 403},
		{"cfw layer key", keyP1CFW, 403},
	} {
		res, body, evs := f.ask(t, "GET", "/", traefik(c.key, "GET", "rules.example.com", "/", bad.String()))
		if res.StatusCode != c.want || len(evs) != 0 || res.Header.Get("X-Rampart-Action") != "" || !strings.Contains(body, "message") {
			t.Fatalf("%s: %d %q %+v", c.name, res.StatusCode, body, evs)
		}
	}
	// Another project's key: its host is unknown, never that project's
	// decision.
	res, body, evs := f.ask(t, "GET", "/", traefik(keyP2, "GET", "rules.example.com", "/", bad.String()))
	if res.StatusCode != 403 || res.Header.Get("X-Rampart-Action") != "unknown-host" || len(evs) != 0 || strings.Contains(body, "Event ID") {
		t.Fatalf("other project's host: %d %v %q %+v", res.StatusCode, res.Header, body, evs)
	}
	res, body, evs = f.ask(t, "GET", "/", traefik(keyP2, "GET", "other.example.com", "/", bad.String()))
	if ev := wantBlocked(t, "own project's host", res, body, evs, "whiteblackip", "wb-1"); ev.ProjectID != "p2" {
		t.Fatalf("event %+v", ev)
	}
	res, _, _ = f.ask(t, "GET", "/", traefik(keyP1, "GET", "nosuch.example.com", "/", "192.0.2.9"))
	if res.StatusCode != 403 || res.Header.Get("X-Rampart-Action") != "unknown-host" {
		t.Fatalf("unknown host: %d %v", res.StatusCode, res.Header)
	}
	// A deleted key is refused within the refresh.
	f.keys.set(bouncer.Key{Name: "b", ProjectID: "p2", Layer: decision.LayerWAF, Hash: bouncer.HashSecret(keyP2)})
	if err := f.p.RefreshKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res, _, _ := f.ask(t, "GET", "/", traefik(keyP1, "GET", "rules.example.com", "/", "192.0.2.9")); res.StatusCode != 403 {
		t.Fatalf("deleted key: %d", res.StatusCode)
	}
	if m := metricsOf(t, f.p); !strings.Contains(m, `rampart_proxy_forward_auth_total{answer="refused"} 4`) ||
		!strings.Contains(m, `rampart_proxy_forward_auth_total{answer="unknown_host"} 2`) {
		t.Fatalf("metrics:\n%s", m)
	}
	for _, k := range []string{keyP1, keyP2, keyP1CFW, "not-a-key-of-anyone"} {
		if strings.Contains(f.logs.String(), k) {
			t.Fatalf("a key was logged:\n%s", f.logs)
		}
		for _, ev := range f.sink.events() {
			if strings.Contains(ev.Key+ev.Excerpt+ev.URL, k) {
				t.Fatalf("a key is in an event: %+v", ev)
			}
		}
	}
}

// A trusted address asks without a key about any project's host; a key it
// sends anyway must be a good one and then bounds it; unknown hosts are
// let through when configured so.
func TestForwardAuthTrustedAddresses(t *testing.T) {
	f := newFauthFixture(t, ForwardAuthConfig{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, AllowUnknownHosts: true})
	bad := netip.MustParseAddr("203.0.113.66")
	f.dec.byIP[bad] = decision.Decision{Action: decision.ActionBlock, RuleType: decision.RuleWhiteBlackIP, RuleID: "wb-1"}
	for _, host := range []string{"rules.example.com", "other.example.com"} {
		res, body, evs := f.ask(t, "GET", "/", traefik("", "GET", host, "/", bad.String()))
		wantBlocked(t, host, res, body, evs, "whiteblackip", "wb-1")
	}
	if res, _, _ := f.ask(t, "GET", "/", traefik("wrong", "GET", "rules.example.com", "/", "192.0.2.9")); res.StatusCode != 403 {
		t.Fatalf("a wrong key from a trusted address: %d", res.StatusCode)
	}
	res, body, evs := f.ask(t, "GET", "/", traefik(keyP2, "GET", "rules.example.com", "/", bad.String()))
	if res.StatusCode != 200 || body != "" || len(evs) != 0 || res.Header.Get("X-Rampart-Action") != "unknown-host" {
		t.Fatalf("unknown host allowed: %d %q %v", res.StatusCode, body, res.Header)
	}
	res, _, _ = f.ask(t, "GET", "/", traefik("", "GET", "nosuch.example.com", "/", bad.String()))
	if res.StatusCode != 200 {
		t.Fatalf("unknown host allowed: %d", res.StatusCode)
	}
}

// metricsOf returns the proxy's metrics exposition.
func metricsOf(t *testing.T, p *Proxy) string {
	t.Helper()
	rec := httptest.NewRecorder()
	p.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}
