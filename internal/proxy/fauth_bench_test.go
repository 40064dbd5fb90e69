package proxy

import (
	"context"
	"net"
	"net/netip"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/waf"
)

// fauthBenchProxy serves www.example.com with basic web protection at
// level 2 (log) and policy rules that match nothing (so that precise
// protection and CC run on every question), and one WAF-layer key.
func fauthBenchProxy(tb testing.TB) (*forwardAuth, *fakeDecider) {
	tb.Helper()
	st := &fakeStore{}
	h := newHost("p1", "www.example.com", 1, serverOf(tb, "192.0.2.1:80", 1))
	st.set(h)
	pol := &waf.Policy{ID: h.PolicyID, Level: 2, Action: "log", Options: map[string]bool{"webattack": true, "common": true, "webshell": true}}
	dec := &fakeDecider{byIP: map[netip.Addr]decision.Decision{
		netip.MustParseAddr("203.0.113.66"): {Action: decision.ActionBlock, RuleType: decision.RuleWhiteBlackIP, RuleID: "wb-1"}}}
	keys := &fakeKeys{keys: []bouncer.Key{{Name: "a", ProjectID: "p1", Layer: decision.LayerWAF, Hash: bouncer.HashSecret(keyP1)}}}
	p := New(Config{}, Deps{Hosts: st, Revisions: st, Decisions: fakeSource{dec}, Events: &fakeSink{full: true},
		Policies: fakePolicies{byID: map[string]*waf.Policy{h.PolicyID: pol}}, Rules: &fakeRulesSource{rules: &fakeRules{}}, Keys: keys})
	if _, err := p.Refresh(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if err := p.RefreshKeys(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if rt := p.table.Load().lookup("www.example.com"); rt.web == nil || rt.rules == nil {
		tb.Fatalf("route %+v", rt)
	}
	tb.Cleanup(p.Close)
	return &forwardAuth{p: p}, dec
}

// fauthQuestion is a question as Traefik and Caddy ask it about a
// browser's search request from client.
func fauthQuestion(client string) *fasthttp.RequestCtx {
	var req fasthttp.Request
	req.Header.SetMethod("GET")
	req.SetRequestURI("/")
	req.Header.SetHost("127.0.0.1:9081")
	for k, v := range map[string]string{
		"X-Api-Key": keyP1, "X-Forwarded-Method": "GET", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "www.example.com",
		"X-Forwarded-Uri": "/search?q=blue+running+shoes&size=42&sort=price_asc&page=2", "X-Forwarded-For": client,
		"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
		"Accept":     "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Accept-Language": "en-GB,en;q=0.9",
		"Cookie": "sessionid=8f14e45fceea167a5a36dedd4bea2543; theme=dark; consent=yes", "Referer": "https://www.example.com/",
	} {
		req.Header.Set(k, v)
	}
	ctx := &fasthttp.RequestCtx{}
	ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
	return ctx
}

// answerQuestion answers the question in ctx again (its response reset).
func (fa *forwardAuth) answerQuestion(ctx *fasthttp.RequestCtx) int {
	ctx.Response.Reset()
	fa.serve(ctx)
	return ctx.Response.StatusCode()
}

// Answering an allowed question (the key checked, the address decided,
// precise protection, CC and basic web protection of the URL and headers
// run) allocates nothing beyond the request the server parsed.
func TestForwardAuthAllowAllocatesNothing(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts (not meaningful with -race: sync.Pool drops items)")
	}
	fa, _ := fauthBenchProxy(t)
	ctx := fauthQuestion("8.8.8.8")
	if st := fa.answerQuestion(ctx); st != 200 {
		t.Fatalf("status %d", st)
	}
	if n := testing.AllocsPerRun(200, func() { fa.answerQuestion(ctx) }); n != 0 {
		t.Fatalf("an allowed question allocates %.0f times", n)
	}
	if n := fa.p.metrics.fauthAllowed.Load(); n < 200 {
		t.Fatalf("%d questions allowed", n)
	}
}

// The forward-auth decision: an allowed question (a browser's search
// request through every check) and a blocked one (the address rules; the
// event ID and the block page are made, the event dropped by the sink).
//
//	go test -run '^$' -bench 'BenchmarkForwardAuth' -benchmem -benchtime 2s -count 3 ./internal/proxy
func BenchmarkForwardAuth(b *testing.B) {
	fa, _ := fauthBenchProxy(b)
	for _, c := range []struct {
		name, client string
		want         int
	}{{"allow", "8.8.8.8", 200}, {"block", "203.0.113.66", 403}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := fauthQuestion(c.client)
			b.ReportAllocs()
			for b.Loop() {
				if st := fa.answerQuestion(ctx); st != c.want {
					b.Fatalf("status %d", st)
				}
			}
		})
	}
}
