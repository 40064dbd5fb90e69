package proxy

import (
	"context"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// fakeRules is a PolicyRules whose precise-protection and CC answers
// depend on the request path (the path "/precise-block" matches a block
// rule, and so on), and which remembers what it was asked.
type fakeRules struct {
	precise     map[string]PreciseResult // by path
	cc          map[string]CCVerdict     // by path
	punishments map[string]waf.PunishmentRule

	mu    sync.Mutex
	asked []string // "precise <path>", "cc <path>"
	views []inspect.Request
}

func (f *fakeRules) Precise(req *inspect.Request, _ time.Time) PreciseResult {
	f.note("precise", req)
	return f.precise[req.Path]
}

func (f *fakeRules) CC(req *inspect.Request, _ time.Time) (CCVerdict, bool) {
	f.note("cc", req)
	v, ok := f.cc[req.Path]
	return v, ok
}

func (f *fakeRules) Punishment(id string) (waf.PunishmentRule, bool) {
	r, ok := f.punishments[id]
	return r, ok
}

func (f *fakeRules) note(what string, req *inspect.Request) {
	if f.precise == nil && f.cc == nil {
		return // the matches-nothing fake of the benchmarks records nothing
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, what+" "+req.Path)
	c := *req
	c.Cookies = append([]inspect.Pair(nil), req.Cookies...)
	c.Headers = append([]inspect.Pair(nil), req.Headers...)
	f.views = append(f.views, c)
}

func (f *fakeRules) reset() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.asked
	f.asked, f.views = nil, nil
	return a
}

// fakeRulesSource gives the same rules to every policy and counts calls.
type fakeRulesSource struct {
	rules PolicyRules
	mu    sync.Mutex
	pols  []string
}

func (s *fakeRulesSource) PolicyRules(_ context.Context, pol *waf.Policy) (PolicyRules, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pols = append(s.pols, pol.ID)
	return s.rules, nil
}

const sqliPath = "?id=1'+OR+1=1--"

// rulesFixture is a proxy on the stub upstream for rules.example.com, with
// a policy (basic web protection on, block, followed by "pun-ip") and the
// fake rules.
type rulesFixture struct {
	p     *Proxy
	sink  *fakeSink
	dec   *fakeDecider
	rules *fakeRules
	pol   *waf.Policy
	now   time.Time
}

func newRulesFixture(t *testing.T, full bool, marks map[string]any, masker Masker) *rulesFixture {
	t.Helper()
	st := &fakeStore{}
	h := newHost("p1", "rules.example.com", 1, serverOf(t, "192.0.2.1:80", 1))
	if marks != nil {
		h.Extra = map[string]any{"traffic_mark": marks}
	}
	st.set(h)
	pol := blockingPolicy(h.PolicyID)
	pol.FullDetection, pol.FollowedActionID = full, "pun-ip"
	f := &rulesFixture{sink: &fakeSink{}, dec: &fakeDecider{byIP: map[netip.Addr]decision.Decision{}}, pol: pol,
		now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.rules = &fakeRules{
		precise: map[string]PreciseResult{
			"/precise-log":        {Logged: PreciseHit{RuleID: "c-log", Action: "log"}},
			"/precise-pass":       {Decided: PreciseHit{RuleID: "c-pass", Action: "pass"}, Logged: PreciseHit{RuleID: "c-log", Action: "log"}},
			"/precise-block":      {Decided: PreciseHit{RuleID: "c-block", Action: "block"}},
			"/precise-block-cc":   {Decided: PreciseHit{RuleID: "c-block", Action: "block"}},
			"/precise-punish":     {Decided: PreciseHit{RuleID: "c-block", Action: "block", FollowedActionID: "pun-cookie"}},
			"/precise-punish-hdr": {Decided: PreciseHit{RuleID: "c-block", Action: "block", FollowedActionID: "pun-header"}},
			"/precise-punish-arg": {Decided: PreciseHit{RuleID: "c-block", Action: "block", FollowedActionID: "pun-params"}},
			"/precise-punish-bad": {Decided: PreciseHit{RuleID: "c-block", Action: "block", FollowedActionID: "pun-none"}},
		},
		cc: map[string]CCVerdict{
			"/cc-block":         {RuleID: "cc-b", Action: "block", Key: "ip:192.0.2.9"},
			"/cc-dynamic":       {RuleID: "cc-d", Action: "dynamic_block", Key: "ip:192.0.2.9"},
			"/cc-captcha":       {RuleID: "cc-c", Action: "captcha", Key: "ip:192.0.2.9"},
			"/cc-custom":        {RuleID: "cc-r", Action: "block", Key: "cookie:s1", Response: &waf.CCResponse{ContentType: "application/json", Content: `{"busy":true}`}},
			"/cc-log":           {RuleID: "cc-l", Action: "log", Key: strings.Repeat("k", 1000)},
			"/precise-block-cc": {RuleID: "cc-b", Action: "block", Key: "ip:192.0.2.9"},
		},
		punishments: map[string]waf.PunishmentRule{
			"pun-ip":     {ID: "pun-ip", Category: "long_ip_block", BlockTime: 10, TimeUnit: "MINUTE"},
			"pun-cookie": {ID: "pun-cookie", Category: "short_cookie_block", BlockTime: 30, TimeUnit: "SECOND"},
			"pun-header": {ID: "pun-header", Category: "long_header_block", BlockTime: 1, TimeUnit: "HOUR"},
			"pun-params": {ID: "pun-params", Category: "long_params_block", BlockTime: 1, TimeUnit: "HOUR"},
			"pun-none":   {ID: "pun-none", Category: "long_body_block", BlockTime: 1, TimeUnit: "HOUR"},
		},
	}
	f.p = New(Config{Now: func() time.Time { return f.now }}, Deps{Hosts: st, Revisions: st, Decisions: fakeSource{f.dec},
		Events: f.sink, Policies: fakePolicies{byID: map[string]*waf.Policy{h.PolicyID: pol}},
		Rules: &fakeRulesSource{rules: f.rules}, Maskers: fakeMaskers{h.PolicyID: masker}})
	f.p.transport = stubTransport{}
	if _, err := f.p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.p.Close)
	return f
}

// serve sends a request from client with the headers and returns the
// response and the events and rule calls it caused.
func (f *rulesFixture) serve(client, target string, hdr map[string]string) (*httptest.ResponseRecorder, []Event, []string) {
	before := len(f.sink.events())
	f.rules.reset()
	req := httptest.NewRequest("GET", "http://rules.example.com"+target, nil)
	req.RemoteAddr = client + ":40000"
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.p.ServeHTTP(rec, req)
	return rec, f.sink.events()[before:], f.rules.reset()
}

func eventIDOf(body string) string {
	_, rest, ok := strings.Cut(body, "Event ID: <code>")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "</code>")
	return id
}

func wantEvent(t *testing.T, ev Event, rt decision.RuleType, a decision.Action, ruleID string) {
	t.Helper()
	if ev.RuleType != rt || ev.Action != a || ev.RuleID != ruleID {
		t.Fatalf("event %s %s %q, want %s %s %q (%+v)", ev.RuleType, ev.Action, ev.RuleID, rt, a, ruleID, ev)
	}
}

// Each row of the precedence table in docs/decisions.md ("Address rules
// and basic web protection") from A5 on, with fake precise-protection and
// CC rules; A1 and A2 again to show the rules are not consulted.
func TestPolicyRulesPrecedenceRows(t *testing.T) {
	f := newRulesFixture(t, false, map[string]any{"cookie": "sid", "params": "user", "header": "x-device"}, nil)
	black, white, logged := netip.MustParseAddr("198.18.0.1"), netip.MustParseAddr("198.18.0.2"), netip.MustParseAddr("198.18.0.3")
	f.dec.byIP[black] = decision.Decision{Action: decision.ActionBlock, RuleType: decision.RuleWhiteBlackIP, RuleID: "b"}
	f.dec.byIP[white] = decision.Decision{Action: decision.ActionAllow, RuleType: decision.RuleWhiteBlackIP, RuleID: "w"}
	f.dec.byIP[logged] = decision.Decision{Action: decision.ActionLog, RuleType: decision.RuleWhiteBlackIP, RuleID: "l"}

	t.Run("A1 address block: rules not consulted", func(t *testing.T) {
		rec, evs, asked := f.serve("198.18.0.1", "/precise-block", nil)
		if rec.Code != 418 || len(evs) != 1 || evs[0].RuleType != decision.RuleWhiteBlackIP || len(asked) != 0 {
			t.Fatalf("status %d, events %+v, asked %v", rec.Code, evs, asked)
		}
	})
	t.Run("A2 address allow: rules not consulted", func(t *testing.T) {
		rec, evs, asked := f.serve("198.18.0.2", "/precise-block"+sqliPath, nil)
		if rec.Code != 200 || len(evs) != 0 || len(asked) != 0 {
			t.Fatalf("status %d, events %+v, asked %v", rec.Code, evs, asked)
		}
	})
	t.Run("A3 address log: every module runs", func(t *testing.T) {
		rec, evs, asked := f.serve("198.18.0.3", "/precise-log"+sqliPath, nil)
		if rec.Code != 418 || len(evs) != 3 || evs[0].RuleType != decision.RuleWhiteBlackIP || evs[0].Action != decision.ActionLog ||
			evs[2].Attack != "sqli" || strings.Join(asked, ",") != "precise /precise-log,cc /precise-log" {
			t.Fatalf("status %d, events %+v, asked %v", rec.Code, evs, asked)
		}
		wantEvent(t, evs[1], decision.RuleCustom, decision.ActionLog, "c-log")
	})
	t.Run("A4 no rule matches: forwarded", func(t *testing.T) {
		rec, evs, asked := f.serve("192.0.2.9", "/nothing", nil)
		if rec.Code != 200 || len(evs) != 0 || strings.Join(asked, ",") != "precise /nothing,cc /nothing" {
			t.Fatalf("status %d, events %+v, asked %v", rec.Code, evs, asked)
		}
	})
	t.Run("A5 precise log", func(t *testing.T) {
		rec, evs, asked := f.serve("192.0.2.9", "/precise-log", nil)
		if rec.Code != 200 || len(evs) != 1 || strings.Join(asked, ",") != "precise /precise-log,cc /precise-log" {
			t.Fatalf("status %d, events %+v, asked %v", rec.Code, evs, asked)
		}
		wantEvent(t, evs[0], decision.RuleCustom, decision.ActionLog, "c-log")
	})
	t.Run("A6 precise pass skips CC and basic protection", func(t *testing.T) {
		rec, evs, asked := f.serve("192.0.2.9", "/precise-pass"+sqliPath, nil)
		if rec.Code != 200 || len(evs) != 1 || strings.Join(asked, ",") != "precise /precise-pass" {
			t.Fatalf("status %d, events %+v, asked %v", rec.Code, evs, asked)
		}
		wantEvent(t, evs[0], decision.RuleCustom, decision.ActionLog, "c-log") // the log rule before the pass
	})
	t.Run("A7 precise block answers at once without full_detection", func(t *testing.T) {
		rec, evs, asked := f.serve("192.0.2.10", "/precise-block-cc"+sqliPath, nil)
		if rec.Code != 418 || len(evs) != 1 || strings.Join(asked, ",") != "precise /precise-block-cc" {
			t.Fatalf("status %d, events %+v, asked %v", rec.Code, evs, asked)
		}
		wantEvent(t, evs[0], decision.RuleCustom, decision.ActionBlock, "c-block")
		if id := eventIDOf(rec.Body.String()); id == "" || id != evs[0].EventID {
			t.Fatalf("block page event %q, event %q", id, evs[0].EventID)
		}
	})
	t.Run("A9 CC block with the block page", func(t *testing.T) {
		for _, path := range []string{"/cc-block", "/cc-dynamic", "/cc-captcha"} {
			rec, evs, _ := f.serve("192.0.2.9", path+sqliPath, nil)
			if rec.Code != 418 || len(evs) != 1 || evs[0].Key != "ip:192.0.2.9" || evs[0].KeyKind != "" {
				t.Fatalf("%s: status %d, events %+v", path, rec.Code, evs)
			}
			wantEvent(t, evs[0], decision.RuleCC, decision.ActionBlock, f.rules.cc[path].RuleID)
			if eventIDOf(rec.Body.String()) != evs[0].EventID {
				t.Fatalf("%s: block page %q", path, rec.Body.String())
			}
		}
	})
	t.Run("A9 CC block with the rule's response", func(t *testing.T) {
		rec, evs, _ := f.serve("192.0.2.9", "/cc-custom", nil)
		if rec.Code != 418 || rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != `{"busy":true}` || len(evs) != 1 {
			t.Fatalf("status %d %q %q, events %+v", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String(), evs)
		}
		wantEvent(t, evs[0], decision.RuleCC, decision.ActionBlock, "cc-r")
	})
	t.Run("A10 CC log continues to basic protection", func(t *testing.T) {
		rec, evs, _ := f.serve("192.0.2.11", "/cc-log"+sqliPath, nil)
		if rec.Code != 418 || len(evs) != 2 || evs[1].Attack != "sqli" || len(evs[0].Key) != maxKeyBytes {
			t.Fatalf("status %d, events %+v", rec.Code, evs)
		}
		wantEvent(t, evs[0], decision.RuleCC, decision.ActionLog, "cc-l")
		rec, evs, _ = f.serve("192.0.2.9", "/cc-log", nil)
		if rec.Code != 200 || len(evs) != 1 {
			t.Fatalf("clean: status %d, events %+v", rec.Code, evs)
		}
	})
	t.Run("A11 basic block punishes the address by the policy's followed action", func(t *testing.T) {
		rec, evs, _ := f.serve("192.0.2.50", "/"+sqliPath, nil)
		if rec.Code != 418 || len(evs) != 1 || evs[0].Attack != "sqli" {
			t.Fatalf("status %d, events %+v", rec.Code, evs)
		}
		rec, evs, asked := f.serve("192.0.2.50", "/precise-log", nil)
		if rec.Code != 418 || len(evs) != 1 || len(asked) != 0 || evs[0].Key != "192.0.2.50" || evs[0].KeyKind != "ip" {
			t.Fatalf("punished: status %d, events %+v, asked %v", rec.Code, evs, asked)
		}
		wantEvent(t, evs[0], decision.RulePunishment, decision.ActionBlock, "pun-ip")
		if rec, _, _ := f.serve("192.0.2.51", "/precise-log", nil); rec.Code != 200 {
			t.Fatalf("another address: %d", rec.Code)
		}
		f.now = f.now.Add(10*time.Minute + time.Second)
		if rec, _, _ := f.serve("192.0.2.50", "/precise-log", nil); rec.Code != 200 {
			t.Fatalf("after block_time: %d", rec.Code)
		}
	})
	t.Run("A8 known attack source by cookie, header and parameter", func(t *testing.T) {
		for _, c := range []struct {
			path, rule, kind, value, probe string
			hdr                            map[string]string
		}{
			{"/precise-punish", "pun-cookie", "cookie", "abc", "/", map[string]string{"Cookie": "theme=dark; sid=abc"}},
			{"/precise-punish-hdr", "pun-header", "header", "dev-7", "/", map[string]string{"X-Device": "dev-7"}},
			{"/precise-punish-arg?a=1&user=u%2042", "pun-params", "params", "u%2042", "/?user=u%2042", nil},
		} {
			rec, evs, _ := f.serve("192.0.2.60", c.path, c.hdr)
			if rec.Code != 418 || len(evs) != 1 {
				t.Fatalf("%s: status %d, events %+v", c.path, rec.Code, evs)
			}
			// The same source from another address is blocked before the rules run.
			rec, evs, asked := f.serve("192.0.2.61", c.probe, c.hdr)
			if rec.Code != 418 || len(evs) != 1 || len(asked) != 0 || evs[0].KeyKind != c.kind || evs[0].Key != c.value {
				t.Fatalf("%s: punished source: status %d, events %+v, asked %v", c.path, rec.Code, evs, asked)
			}
			wantEvent(t, evs[0], decision.RulePunishment, decision.ActionBlock, c.rule)
		}
		// A request without the mark is not blocked by it.
		if rec, _, _ := f.serve("192.0.2.61", "/", nil); rec.Code != 200 {
			t.Fatalf("unmarked request: %d", rec.Code)
		}
		// An unknown category punishes nothing.
		f.serve("192.0.2.62", "/precise-punish-bad", nil)
		if rec, _, _ := f.serve("192.0.2.62", "/", nil); rec.Code != 200 {
			t.Fatalf("unknown category punished: %d", rec.Code)
		}
	})
}

// A7 with the policy's full_detection: CC and basic web protection still
// run and record; the precise block is answered with its own event ID.
// Without another detection the precise block alone is answered.
func TestPolicyRulesFullDetection(t *testing.T) {
	f := newRulesFixture(t, true, nil, nil)
	rec, evs, asked := f.serve("192.0.2.9", "/precise-block-cc"+sqliPath, nil)
	if rec.Code != 418 || len(evs) != 3 || strings.Join(asked, ",") != "precise /precise-block-cc,cc /precise-block-cc" {
		t.Fatalf("status %d, events %+v, asked %v", rec.Code, evs, asked)
	}
	wantEvent(t, evs[0], decision.RuleCustom, decision.ActionBlock, "c-block")
	wantEvent(t, evs[1], decision.RuleCC, decision.ActionBlock, "cc-b")
	if evs[2].Attack != "sqli" || evs[2].Action != decision.ActionBlock {
		t.Fatalf("basic protection event %+v", evs[2])
	}
	if id := eventIDOf(rec.Body.String()); id != evs[0].EventID {
		t.Fatalf("block page event %q, precise event %q", id, evs[0].EventID)
	}
	rec, evs, _ = f.serve("192.0.2.8", "/precise-block", nil)
	if rec.Code != 418 || len(evs) != 1 || eventIDOf(rec.Body.String()) != evs[0].EventID {
		t.Fatalf("precise block alone: status %d, events %+v", rec.Code, evs)
	}
}

// A12: the policy's false-alarm masks cover basic web protection only: a
// masked detection is neither acted on nor recorded, while a precise or CC
// rule on the same path still acts.
func TestPolicyRulesMaskingCoversBasicProtectionOnly(t *testing.T) {
	f := newRulesFixture(t, false, nil, &pathMasker{host: "rules.example.com", path: "/precise-log"})
	rec, evs, _ := f.serve("192.0.2.9", "/precise-log"+sqliPath, nil)
	if rec.Code != 200 || len(evs) != 1 {
		t.Fatalf("masked: status %d, events %+v", rec.Code, evs)
	}
	wantEvent(t, evs[0], decision.RuleCustom, decision.ActionLog, "c-log")
	f2 := newRulesFixture(t, false, nil, &pathMasker{host: "rules.example.com", path: "/cc-block"})
	if rec, evs, _ := f2.serve("192.0.2.9", "/cc-block", nil); rec.Code != 418 || len(evs) != 1 || evs[0].RuleType != decision.RuleCC {
		t.Fatalf("CC under a mask: status %d, events %+v", rec.Code, evs)
	}
}

// The rules see the whole request: host, client address, method, path,
// query, cookies and every header (also without check_all_headers).
func TestPolicyRulesSeeTheWholeRequest(t *testing.T) {
	f := newRulesFixture(t, false, nil, nil)
	f.rules.reset()
	req := httptest.NewRequest("GET", "http://Rules.Example.com:8080/precise-log?a=1&b=2", nil)
	req.RemoteAddr = "192.0.2.33:1234"
	req.Header.Set("Cookie", "sid=abc; theme=dark")
	req.Header.Set("X-Custom", "v1")
	req.Header.Set("Referer", "https://ref.example/")
	f.p.ServeHTTP(httptest.NewRecorder(), req)
	f.rules.mu.Lock()
	defer f.rules.mu.Unlock()
	if len(f.rules.views) != 2 {
		t.Fatalf("%d views", len(f.rules.views))
	}
	v := f.rules.views[0]
	hdr := map[string]string{}
	for _, h := range v.Headers {
		hdr[h.Name] = h.Value
	}
	if v.Host != "rules.example.com" || v.Client != netip.MustParseAddr("192.0.2.33") || v.Method != "GET" ||
		v.Path != "/precise-log" || v.RawQuery != "a=1&b=2" || len(v.Cookies) != 2 || v.Cookies[0] != (inspect.Pair{Name: "sid", Value: "abc"}) ||
		hdr["X-Custom"] != "v1" || hdr["Referer"] != "https://ref.example/" {
		t.Fatalf("view %+v", v)
	}
}

// The rules of a policy are loaded whatever its webattack switch; a route
// without basic web protection still runs them. A suspended host runs
// none.
func TestPolicyRulesWithoutWebProtection(t *testing.T) {
	st := &fakeStore{}
	on := newHost("p1", "on.example.com", 1, serverOf(t, "192.0.2.1:80", 1))
	off := newHost("p1", "off.example.com", 0, serverOf(t, "192.0.2.1:80", 1))
	off.PolicyID = on.PolicyID
	st.set(on, off)
	pol := &waf.Policy{ID: on.PolicyID, Action: "block", Options: map[string]bool{"webattack": false}}
	rules := &fakeRules{precise: map[string]PreciseResult{"/x": {Decided: PreciseHit{RuleID: "c1", Action: "block"}}}}
	src := &fakeRulesSource{rules: rules}
	p := New(Config{}, Deps{Hosts: st, Revisions: st, Decisions: fakeSource{&fakeDecider{}}, Rules: src,
		Policies: fakePolicies{byID: map[string]*waf.Policy{pol.ID: pol}}})
	p.transport = stubTransport{}
	if _, err := p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if len(src.pols) != 1 || src.pols[0] != pol.ID {
		t.Fatalf("rules asked for %v", src.pols)
	}
	for host, want := range map[string]int{"on.example.com": 418, "off.example.com": 200} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "http://"+host+"/x"+sqliPath, nil)
		p.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("%s: %d, want %d", host, rec.Code, want)
		}
	}
	if rt := p.table.Load().lookup("on.example.com"); rt.web != nil || rt.rules == nil {
		t.Fatalf("route %+v", rt)
	}
}

// The metrics count the rule decisions by rule type.
func TestPolicyRulesMetrics(t *testing.T) {
	f := newRulesFixture(t, false, nil, nil)
	f.serve("192.0.2.9", "/precise-block", nil)
	f.serve("192.0.2.9", "/precise-pass", nil)
	f.serve("192.0.2.9", "/cc-log", nil)
	rec := httptest.NewRecorder()
	f.p.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range []string{
		`rampart_proxy_decisions_total{action="block",rule_type="custom"} 1`,
		`rampart_proxy_decisions_total{action="allow",rule_type="custom"} 1`,
		`rampart_proxy_decisions_total{action="log",rule_type="custom"} 1`,
		`rampart_proxy_decisions_total{action="log",rule_type="cc"} 1`,
	} {
		if !strings.Contains(rec.Body.String(), line+"\n") {
			t.Errorf("no %s in\n%s", line, rec.Body.String())
		}
	}
}

// Rules read every header, but basic web protection without
// check_all_headers still inspects only its own (User-Agent and framing):
// an attack in another header passes it, one in User-Agent does not.
func TestPolicyRulesDoNotWidenBasicProtectionHeaders(t *testing.T) {
	f := newRulesFixture(t, false, nil, nil)
	rec, evs, _ := f.serve("192.0.2.9", "/", map[string]string{"X-Search": "1' OR 1=1--"})
	if rec.Code != 200 || len(evs) != 0 {
		t.Fatalf("status %d, events %+v", rec.Code, evs)
	}
	rec, evs, _ = f.serve("192.0.2.9", "/", map[string]string{"User-Agent": "sqlmap/1.7"})
	if rec.Code != 418 || len(evs) != 1 || evs[0].AttackLocation != "header" {
		t.Fatalf("user agent: status %d, events %+v", rec.Code, evs)
	}
}

// A source in the box is released at once when its known-attack-source rule
// leaves the policy's rules (deleted, or the followed_action switch off),
// whether or not the policy has other rules in force.
func TestPunishedSourceReleasedWhenItsRuleIsGone(t *testing.T) {
	f := newRulesFixture(t, false, nil, nil)
	if rec, _, _ := f.serve("192.0.2.60", "/"+sqliPath, nil); rec.Code != 418 {
		t.Fatalf("attack: %d", rec.Code)
	}
	if rec, _, _ := f.serve("192.0.2.60", "/precise-log", nil); rec.Code != 418 {
		t.Fatalf("punished: %d", rec.Code)
	}
	delete(f.rules.punishments, "pun-ip")
	rec, evs, _ := f.serve("192.0.2.60", "/precise-log", nil)
	if rec.Code != 200 {
		t.Fatalf("after the rule left the policy: status %d, events %+v", rec.Code, evs)
	}
	for _, ev := range evs {
		if ev.RuleType == decision.RulePunishment {
			t.Fatalf("punishment event after the rule left the policy: %+v", ev)
		}
	}
}
