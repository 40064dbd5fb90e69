package proxy_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/origin"
	"github.com/rampartsec/rampart/internal/proxy"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

const proj = "0123456789abcdef0123456789abcdef"

// testGeo places whole /24 networks: 198.51.100.0/24 in CN-GD (Guangdong),
// 203.0.113.0/24 in the US in a Huawei Cloud data centre.
type testGeo struct{}

func (testGeo) Lookup(a netip.Addr) (origin.Code, origin.Code, origin.TagSet) {
	b := a.Unmap().As4()
	switch {
	case b[0] == 198 && b[1] == 51 && b[2] == 100:
		cn, _ := origin.Parse("CN")
		gd, _ := origin.Parse("GD")
		return cn, gd, 0
	case b[0] == 203 && b[1] == 0 && b[2] == 113:
		us, _ := origin.Parse("US")
		return us, 0, origin.TagSet(0).With(origin.TagHW)
	}
	return 0, 0, 0
}

// sink collects events.
type sink struct {
	mu  sync.Mutex
	evs []proxy.Event
}

func (s *sink) Record(ev proxy.Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.evs = append(s.evs, ev)
	return true
}

func (s *sink) all() []proxy.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]proxy.Event(nil), s.evs...)
}

func (s *sink) last() proxy.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.evs) == 0 {
		return proxy.Event{}
	}
	return s.evs[len(s.evs)-1]
}

type env struct {
	db     *sqlite.DB
	sm     *secmaster.Service
	waf    *waf.Service
	px     *proxy.Proxy
	sink   *sink
	srv    *testServer
	origin waf.Server
}

// newEnv runs the data plane over a real SQLite store, the services that
// write it and the engine registry, behind a real listener, with loopback
// as a trusted proxy so tests choose client addresses by X-Forwarded-For.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWithRules(t, nil)
}

// newEnvWithRules is newEnv with a source of precise-protection, CC and
// known-attack-source rules.
func newEnvWithRules(t *testing.T, rules proxy.PolicyRulesSource) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{db: db, sm: secmaster.New(db.SecMaster(), secmaster.Config{}), waf: waf.NewService(db, nil), sink: &sink{}}
	if err := e.sm.EnsureDefaultWorkspace(ctx, proj); err != nil {
		t.Fatal(err)
	}
	reg := enforce.NewRegistry(enforce.Sources{SecMaster: e.sm, WAF: db, Workspace: workspace.New(db, workspace.Config{}), Revisions: db}, testGeo{}, nil, nil)
	trusted, _ := proxy.ParseTrustedProxies("127.0.0.1/32")
	e.px = proxy.New(proxy.Config{TrustedProxies: trusted}, proxy.Deps{Hosts: db, Revisions: db, Decisions: reg, Events: e.sink, Locator: testGeo{}, Policies: db, Rules: rules})
	rctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); reg.Run(rctx, 10*time.Millisecond) }()
	go func() { defer wg.Done(); e.px.Run(rctx, 10*time.Millisecond) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	e.srv = serveProxy(t, e.px)

	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The origin reports the body it received by length and digest.
		sum := sha256.New()
		n, err := io.Copy(sum, r.Body)
		w.Header().Set("X-Upstream", "origin")
		w.Header().Set("X-Body-Len", strconv.FormatInt(n, 10))
		w.Header().Set("X-Body-Sha256", hex.EncodeToString(sum.Sum(nil)))
		if err != nil {
			w.Header().Set("X-Body-Err", err.Error())
		}
		w.Write([]byte("ok"))
	}))
	t.Cleanup(up.Close)
	h, p, _ := net.SplitHostPort(up.Listener.Addr().String())
	port, _ := strconv.Atoi(p)
	e.origin = waf.Server{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: h, Port: port, Type: "ipv4", Weight: 1}
	return e
}

func (e *env) host(t *testing.T, name string) *waf.Host {
	t.Helper()
	no := false
	h, err := e.waf.CreateHost(context.Background(), proj, "0", &waf.HostInput{Hostname: &name, Proxy: &no, Servers: []waf.Server{e.origin}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// status sends a request for host from client (by X-Forwarded-For).
func (e *env) status(t *testing.T, host, client string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+"/", nil)
	req.Host = host
	req.Header.Set("X-Forwarded-For", client)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// eventually polls until the request gets the status: asserting that a
// write takes effect, with a generous deadline, not how fast.
func (e *env) eventually(t *testing.T, what, host, client string, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := e.status(t, host, client)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: status %d, want %d (not in force within 10 s)", what, got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (e *env) emergency(t *testing.T, category, object string) {
	t.Helper()
	ctx := context.Background()
	wss, _, err := e.sm.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: proj})
	if err != nil || len(wss) == 0 {
		t.Fatalf("workspaces: %v %v", wss, err)
	}
	no := false
	typ := secmaster.TypeSourceIP // the WAF layer takes address entries only
	in := &secmaster.PolicyInput{BlockAge: &secmaster.BlockAge{IsBlockAgeing: &no}, BlockTarget: object,
		Category: category, PolicyType: &typ, RegionID: "r",
		Defenses: []secmaster.DefenseInput{{ConnectionID: "c", ConnectionName: "c", ConnectionRegionID: "r", ConnectionRegionName: "r",
			DefenseType: secmaster.LayerWAF, TargetEnterpriseID: "0", TargetEnterpriseName: "d", TargetProjectID: proj, TargetProjectName: "tp"}}}
	if _, err := e.sm.CreatePolicy(ctx, proj, wss[0].ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sm.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// Each rule kind written through the services blocks, allows or logs
// requests through the proxy as docs/decisions.md says, and the events
// carry the rule, location and data-centre tag.
func TestRulesThroughTheProxy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const name = "www.example.com"
	// Before the host exists: 404; once written, the proxy routes it.
	if got := e.status(t, name, "192.0.2.1"); got != 404 {
		t.Fatalf("before the host: %d", got)
	}
	h := e.host(t, name)
	e.eventually(t, "host routed", name, "192.0.2.1", 200)

	// whiteblackip block, then a white rule of a narrower range allows.
	wb, err := e.waf.CreateWhiteBlackIPRules(ctx, proj, "0", []string{h.PolicyID}, &waf.WhiteBlackIPInput{Name: "b", Addr: "192.0.2.0/24", White: ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "whiteblackip block", name, "192.0.2.1", 418)
	if ev := e.sink.last(); ev.RuleType != decision.RuleWhiteBlackIP || ev.RuleID != wb[0].ID || ev.Action != decision.ActionBlock ||
		ev.ClientIP != netip.MustParseAddr("192.0.2.1") || ev.HostID != h.ID || ev.PolicyID != h.PolicyID {
		t.Fatalf("block event %+v", ev)
	}
	if _, err := e.waf.CreateWhiteBlackIPRules(ctx, proj, "0", []string{h.PolicyID}, &waf.WhiteBlackIPInput{Name: "w", Addr: "192.0.2.1", White: ptr(1)}); err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "whiteblackip allow", name, "192.0.2.1", 200)
	if got := e.status(t, name, "192.0.2.2"); got != 418 {
		t.Fatalf("the rest of the block range: %d", got)
	}

	// whiteblackip log: passes and is recorded.
	if _, err := e.waf.CreateWhiteBlackIPRules(ctx, proj, "0", []string{h.PolicyID}, &waf.WhiteBlackIPInput{Name: "l", Addr: "192.0.3.0/24", White: ptr(2)}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for e.sink.last().Action != decision.ActionLog || e.sink.last().RuleType != decision.RuleWhiteBlackIP {
		if got := e.status(t, name, "192.0.3.4"); got != 200 {
			t.Fatalf("log rule: %d", got)
		}
		if time.Now().After(deadline) {
			t.Fatal("whiteblackip log never recorded")
		}
		time.Sleep(5 * time.Millisecond)
	}

	// geoip block on the province: the event names the location.
	if _, err := e.waf.CreateGeoIPRules(ctx, proj, "0", []string{h.PolicyID}, &waf.GeoIPRuleChange{Geoip: ptr("GD"), White: ptr(0)}); err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "geoip block", name, "198.51.100.7", 418)
	if ev := e.sink.last(); ev.RuleType != decision.RuleGeolocation || ev.Location.String() != "GD" {
		t.Fatalf("geoip event %+v (location %s)", ev, ev.Location)
	}

	// ip_reputation block on the HW tag: the event names the tag.
	if _, err := e.waf.CreateReputationRules(ctx, proj, "0", []string{h.PolicyID}, &waf.ReputationRuleChange{Name: ptr("r"), Type: ptr("idc"), Tags: []string{"HW"}, Action: ptr("block")}); err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "ip_reputation block", name, "203.0.113.5", 418)
	if ev := e.sink.last(); ev.RuleType != decision.RuleIPReputation || ev.IDCTag != origin.TagHW || ev.Location.String() != "US" {
		t.Fatalf("reputation event %+v", ev)
	}

	// An emergency WAF BLOCK of an address no WAF rule names blocks; an
	// emergency WHITE entry lifts the geoip block.
	if got := e.status(t, name, "192.0.5.200"); got != 200 {
		t.Fatalf("before the emergency block: %d", got)
	}
	e.emergency(t, secmaster.CategoryBlock, "192.0.5.200")
	e.eventually(t, "emergency block", name, "192.0.5.200", 418)
	if ev := e.sink.last(); ev.RuleType != decision.RuleEmergency {
		t.Fatalf("emergency event %+v", ev)
	}
	e.emergency(t, secmaster.CategoryWhite, "198.51.100.7")
	e.eventually(t, "emergency white", name, "198.51.100.7", 200)
	// protect_status: suspended (0) forwards without checks; -1 too; 1 again enforces.
	if _, err := e.waf.SetHostProtectStatus(ctx, proj, h.ID, ptr(0)); err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "suspended", name, "192.0.5.200", 200)
	if _, err := e.waf.SetHostProtectStatus(ctx, proj, h.ID, ptr(-1)); err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "bypass", name, "192.0.5.200", 200)
	if _, err := e.waf.SetHostProtectStatus(ctx, proj, h.ID, ptr(1)); err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "protected again", name, "192.0.5.200", 418)

	// Deleting the host: 404.
	if _, err := e.waf.DeleteHost(ctx, proj, h.ID, true); err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "host deleted", name, "192.0.5.200", 404)
}

// cleanBody returns n bytes of a form body no rule matches.
func cleanBody(n int) []byte {
	const unit = "name=alice&city=paris&"
	b := bytes.Repeat([]byte(unit), n/len(unit)+1)
	return b[:n]
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func itoa(n int) string { return strconv.Itoa(n) }

// fakeDecisions answers every project with a decider that allows.
type fakeDecisions struct{}

func (fakeDecisions) Decider(context.Context, string) (decision.Decider, error) {
	return allowAll{}, nil
}

type allowAll struct{}

func (allowAll) DecideWAF(string, netip.Addr, time.Time) decision.Decision {
	return decision.Decision{}
}
func (allowAll) DecideIP(decision.Layer, netip.Addr, time.Time) decision.Decision {
	return decision.Decision{}
}
func (allowAll) DecideUser(string, time.Time) decision.Decision { return decision.Decision{} }
func (allowAll) DecideWorkspace(string, []string, netip.Addr) decision.Decision {
	return decision.Decision{}
}

// testServer is a data plane served on a loopback listener the way
// `rampart proxy` serves it (Proxy.NewServer).
type testServer struct {
	URL string
}

// Client returns a client of the server.
func (ts *testServer) Client() *http.Client { return &http.Client{} }

// serveProxy serves px over plain HTTP on a loopback listener until the
// test ends.
func serveProxy(t *testing.T, px *proxy.Proxy) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := px.NewServer(proxy.ServerConfig{})
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close(); <-done })
	return &testServer{URL: "http://" + ln.Addr().String()}
}
