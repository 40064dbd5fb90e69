package proxy

import (
	"context"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/penalty"

	"github.com/rampartsec/rampart/internal/waf"
)

// rulesBenchProxy serves www.example.com on the stub upstream with basic
// web protection on or off and, with rules, a PolicyRules that matches
// nothing and allocates nothing (so that what is measured is the
// plumbing: the view, the calls, the penalty-box check).
func rulesBenchProxy(tb testing.TB, web, rules bool) *Proxy {
	st := &fakeStore{}
	h := newHost("p1", "www.example.com", 1, serverOf(tb, "192.0.2.1:80", 1))
	st.set(h)
	pol := &waf.Policy{ID: h.PolicyID, Level: 2, Action: "log", Options: map[string]bool{"webattack": web, "common": true, "webshell": true}}
	deps := Deps{Hosts: st, Revisions: st, Decisions: fakeSource{&fakeDecider{}},
		Policies: fakePolicies{byID: map[string]*waf.Policy{h.PolicyID: pol}}}
	if rules {
		deps.Rules = &fakeRulesSource{rules: &fakeRules{}}
	}
	p := New(Config{}, deps)
	p.transport = stubTransport{}
	if _, err := p.Refresh(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if rt := p.table.Load().lookup("www.example.com"); (rt.rules != nil) != rules || (rt.web != nil) != web {
		tb.Fatalf("web %v, rules %v: route %+v", web, rules, rt)
	}
	return p
}

// The cost of the precise-protection, CC and known-attack-source plumbing
// on a clean GET: the same host with and without a PolicyRules that
// matches nothing, with basic web protection off and on, in the same run.
//
//	go test -run '^$' -bench 'BenchmarkPolicyRules' -benchtime 2s -count 3 ./internal/proxy
func BenchmarkPolicyRules(b *testing.B) {
	for _, web := range []bool{false, true} {
		for _, rules := range []bool{false, true} {
			p := rulesBenchProxy(b, web, rules)
			name := "web-off"
			if web {
				name = "web-on"
			}
			if rules {
				name += "/rules"
			} else {
				name += "/no-rules"
			}
			b.Run("get/"+name, func(b *testing.B) { benchServeRequest(b, p, cleanGet(), nil) })
			p.Close()
		}
	}
}

// A clean GET through a route with a PolicyRules (that itself allocates
// nothing) allocates no more than through the same route without one, with
// basic web protection off and on: the view is pooled and the penalty box
// is skipped while empty.
func TestPolicyRulesAddNoAllocsToACleanGet(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts (not meaningful with -race: sync.Pool drops items)")
	}
	req := cleanGet()
	w := &discardWriter{h: http.Header{}}
	allocs := func(web, rules, punishing bool) float64 {
		p := rulesBenchProxy(t, web, rules)
		defer p.Close()
		if punishing { // the box holds other sources: every lookup is made
			now := time.Now()
			p.penalties.PutAddr("p1/"+"pol-www.example.com", netip.MustParseAddr("192.0.2.200"), "r", now.Add(time.Hour), now)
			p.penalties.Put("p1/"+"pol-www.example.com", penalty.KindCookie, "other", "r", now.Add(time.Hour), now)
		}
		n := testing.AllocsPerRun(200, func() {
			clear(w.h)
			w.code = 0
			p.ServeHTTP(w, req)
		})
		if w.code != 200 {
			t.Fatalf("web %v, rules %v: status %d", web, rules, w.code)
		}
		return n
	}
	for _, web := range []bool{false, true} {
		without := allocs(web, false, false)
		if with := allocs(web, true, false); with > without {
			t.Errorf("web protection %v: a clean GET allocates %.0f with rules, %.0f without", web, with, without)
		}
		if with := allocs(web, true, true); with > without {
			t.Errorf("web protection %v: a clean GET allocates %.0f with rules and a non-empty penalty box, %.0f without rules", web, with, without)
		}
	}
}

// The same comparison without the forwarding: only the checks after the
// address decision (what inspectAndForward does before forwarding), so
// that the plumbing's share is not lost in the reverse proxy's cost.
//
//	go test -run '^$' -bench 'BenchmarkPolicyRuleChecks' -benchtime 2s -count 3 ./internal/proxy
func BenchmarkPolicyRuleChecks(b *testing.B) {
	for _, web := range []bool{false, true} {
		for _, rules := range []bool{false, true} {
			p := rulesBenchProxy(b, web, rules)
			rt := p.table.Load().lookup("www.example.com")
			c := webCheck{rt: rt, web: rt.web, rules: rt.rules, host: "www.example.com", client: netip.MustParseAddr("8.8.8.8")}
			req := cleanGet()
			name := map[bool]string{false: "web-off", true: "web-on"}[web] + map[bool]string{false: "/no-rules", true: "/rules"}[rules]
			b.Run("get/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if c.web == nil && c.rules == nil {
						continue
					}
					v := getView()
					if p.protect(stdRequest{req}, c, v).stops() {
						b.Fatal("a clean request was answered")
					}
					v.release()
				}
			})
			p.Close()
		}
	}
}
