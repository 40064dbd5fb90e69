package proxy_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/proxy"
	"github.com/rampartsec/rampart/internal/waf"
)

// pathRules is a PolicyRules that decides by request path: /admin is a
// precise block followed by the known-attack-source rule "pun-sid"
// (cookie), /upload a precise pass, /api over a CC limit with a custom
// JSON response.
type pathRules struct{}

func (pathRules) Precise(req *inspect.Request, _ time.Time) proxy.PreciseResult {
	switch req.Path {
	case "/admin":
		return proxy.PreciseResult{Decided: proxy.PreciseHit{RuleID: "c-admin", Action: "block", FollowedActionID: "pun-sid"}}
	case "/upload":
		return proxy.PreciseResult{Decided: proxy.PreciseHit{RuleID: "c-upload", Action: "pass"}}
	}
	return proxy.PreciseResult{}
}

func (pathRules) CC(req *inspect.Request, _ time.Time) (proxy.CCVerdict, bool) {
	if req.Path != "/api" {
		return proxy.CCVerdict{}, false
	}
	return proxy.CCVerdict{RuleID: "cc-api", Action: "block", Key: "ip:" + req.Client.String(),
		Response: &waf.CCResponse{ContentType: "application/json", Content: `{"error":"slow down"}`}}, true
}

func (pathRules) Punishment(id string) (waf.PunishmentRule, bool) {
	if id != "pun-sid" {
		return waf.PunishmentRule{}, false
	}
	return waf.PunishmentRule{ID: id, Category: "long_cookie_block", BlockTime: 1, TimeUnit: "HOUR"}, true
}

// customOnly gives pathRules to policies with options.custom on, as the
// real source decides which modules are on.
type customOnly struct{}

func (customOnly) PolicyRules(_ context.Context, pol *waf.Policy) (proxy.PolicyRules, error) {
	if !pol.Options["custom"] {
		return nil, nil
	}
	return pathRules{}, nil
}

// Precise protection, CC and a known attack source through the proxy, a
// real store (the host's traffic_mark written through the service) and a
// real origin.
func TestPolicyRulesThroughTheProxy(t *testing.T) {
	e := newEnvWithRules(t, customOnly{})
	const name = "rules.example.com"
	no := false
	hn := name
	h, err := e.waf.CreateHost(context.Background(), proj, "0", &waf.HostInput{Hostname: &hn, Proxy: &no, Servers: []waf.Server{e.origin},
		Extra: map[string]any{"traffic_mark": map[string]any{"cookie": "sid"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "host routed", name, "192.0.2.1", 200)
	// New policies have options.custom on; the probe waits for block mode.
	e.policy(t, h, &waf.PolicyUpdate{Action: ptr("block"), Options: map[string]bool{"custom": true}}, name, sqliQuery, 418)

	do := func(method, target, client, cookie string, body io.Reader) (*http.Response, string, []proxy.Event) {
		t.Helper()
		before := len(e.sink.all())
		req, _ := http.NewRequest(method, e.srv.URL+target, body)
		req.Host = name
		req.Header.Set("X-Forwarded-For", client)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b), e.sink.all()[before:]
	}

	resp, _, evs := do("GET", "/admin", "198.18.1.1", "sid=attacker", nil)
	if resp.StatusCode != 418 || len(evs) != 1 || evs[0].RuleType != decision.RuleCustom || evs[0].RuleID != "c-admin" {
		t.Fatalf("precise block: %d, events %+v", resp.StatusCode, evs)
	}
	// The cookie is punished, from any address, before any rule runs.
	resp, _, evs = do("GET", "/", "198.18.1.2", "sid=attacker", nil)
	if resp.StatusCode != 418 || len(evs) != 1 || evs[0].RuleType != decision.RulePunishment || evs[0].RuleID != "pun-sid" ||
		evs[0].KeyKind != "cookie" || evs[0].Key != "attacker" {
		t.Fatalf("punished cookie: %d, events %+v", resp.StatusCode, evs)
	}
	if resp, _, evs := do("GET", "/", "198.18.1.1", "sid=someone-else", nil); resp.StatusCode != 200 || len(evs) != 0 {
		t.Fatalf("another cookie value from the punished request's address: %d, events %+v", resp.StatusCode, evs)
	}
	// A pass rule skips basic web protection: the attack body reaches the origin whole.
	body := "q=1'+OR+1=1--"
	resp, _, evs = do("POST", "/upload", "198.18.1.3", "", strings.NewReader(body))
	if resp.StatusCode != 200 || resp.Header.Get("X-Body-Len") != "13" || len(evs) != 0 {
		t.Fatalf("pass: %d, body %s, events %+v", resp.StatusCode, resp.Header.Get("X-Body-Len"), evs)
	}
	if resp, _, _ := do("POST", "/other", "198.18.1.3", "", strings.NewReader(body)); resp.StatusCode != 418 {
		t.Fatalf("the same body elsewhere: %d", resp.StatusCode)
	}
	// A CC block with the rule's own response.
	resp, got, evs := do("GET", "/api", "198.18.1.4", "", nil)
	if resp.StatusCode != 418 || resp.Header.Get("Content-Type") != "application/json" || got != `{"error":"slow down"}` ||
		len(evs) != 1 || evs[0].RuleType != decision.RuleCC || evs[0].Key != "ip:198.18.1.4" {
		t.Fatalf("cc: %d %q %q, events %+v", resp.StatusCode, resp.Header.Get("Content-Type"), got, evs)
	}
	// With options.custom off, the source gives no rules: /admin is forwarded.
	e.policy(t, h, &waf.PolicyUpdate{Options: map[string]bool{"custom": false}}, name, "/admin", 200)
}
