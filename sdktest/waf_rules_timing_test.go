package sdktest

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

// The tests of this file drive CC and precise-protection rules through the
// official SDK against a real rampart process, a real origin and the real
// clock: counting by header, lock_time, dynamic_block, log-only CC rules,
// CC conditions, precise-protection time windows, full_detection and every
// precise-protection condition category.

// do makes one request with the method to the host through the data plane
// and returns the status and the body.
func (p *rulesPlane) do(method, uri string, header http.Header) (int, string) {
	p.t.Helper()
	req, _ := http.NewRequest(method, "http://"+p.proxyAddr+uri, nil)
	req.Host = p.host
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, uri, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// ccRule creates a mode 1 CC rule.
func (p *rulesPlane) ccRule(body *wm.CreateCcRuleRequestBody) string {
	p.t.Helper()
	res, err := p.c.CreateCcRule(&wm.CreateCcRuleRequest{PolicyId: p.policyID, Body: body})
	if err != nil {
		p.t.Fatalf("CreateCcRule %s: %v", *body.Name, err)
	}
	return *res.Id
}

// ready writes a precise block rule after the rules before it and waits
// until the data plane enforces it: the rules written before are then in
// force too. The request that shows it goes to /ready, which the CC rules
// of these tests do not cover, and a precise block stops it before CC.
func (p *rulesPlane) ready(mark string) {
	p.t.Helper()
	cat, act := wm.GetCustomConditionsCategoryEnum(), wm.GetCustomActionCategoryEnum()
	p.preciseRule("ready"+mark, 1, act.BLOCK, "", cat.HEADER, "X-Ready", "equal", mark)
	p.waitFor("/ready", hdr("X-Ready", mark), http.StatusTeapot)
}

func ccUnder(path string) []wm.CcCondition {
	return []wm.CcCondition{{Category: wm.GetCcConditionCategoryEnum().URL, LogicOperation: "prefix", Contents: &[]string{path}}}
}

// overLimit sends the request until it is answered 418 (at most max
// requests) and returns the time of the answer.
func (p *rulesPlane) overLimit(uri string, header http.Header, max int) time.Time {
	p.t.Helper()
	for i := 1; i <= max; i++ {
		if s, _ := p.do("GET", uri, header); s == http.StatusTeapot {
			return time.Now()
		} else if s != http.StatusOK {
			p.t.Fatalf("request %d of %s: %d", i, uri, s)
		}
	}
	p.t.Fatalf("%s not blocked after %d requests", uri, max)
	return time.Time{}
}

// at sleeps until t.
func at(t time.Time) { time.Sleep(time.Until(t)) }

// TestWAFCCByHeaderDataPlane: a CC rule counting by the X-Api-Key header
// counts two keys apart and does not count requests without the header.
func TestWAFCCByHeaderDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "ccheader")
	act, tag := wm.GetCreateCcRuleRequestBodyActionCategoryEnum(), wm.GetCreateCcRuleRequestBodyTagTypeEnum()
	id := p.ccRule(&wm.CreateCcRuleRequestBody{Name: ptr("apikey"), Mode: 1, Conditions: ccUnder("/api"), TagType: tag.HEADER,
		TagIndex: ptr("X-Api-Key"), LimitNum: 2, LimitPeriod: 60, Action: &wm.CreateCcRuleRequestBodyAction{Category: act.BLOCK}})
	p.ready("1")

	a, b := hdr("X-Api-Key", "alpha"), hdr("X-Api-Key", "beta")
	for i, h := range []http.Header{a, a, b, b} {
		if s, _ := p.do("GET", "/api/items", h); s != http.StatusOK {
			t.Fatalf("request %d (%v): %d, want 200: the keys are counted apart", i+1, h, s)
		}
	}
	for i := 1; i <= 5; i++ {
		if s, _ := p.do("GET", "/api/items", nil); s != http.StatusOK {
			t.Fatalf("request %d without the header: %d, want 200 (not counted)", i, s)
		}
	}
	if s, _ := p.do("GET", "/api/items", a); s != http.StatusTeapot {
		t.Fatalf("third request of key alpha: %d, want 418", s)
	}
	if s, _ := p.do("GET", "/api/items?b", b); s != http.StatusTeapot {
		t.Fatalf("third request of key beta: %d, want 418", s)
	}
	if s, _ := p.do("GET", "/api/items", hdr("X-Api-Key", "gamma")); s != http.StatusOK {
		t.Fatalf("first request of key gamma: %d, want 200", s)
	}
	if s, _ := p.do("GET", "/api/items", nil); s != http.StatusOK {
		t.Fatalf("request without the header after both keys were blocked: %d, want 200", s)
	}
	ev := p.event("cc", "/api/items?b")
	if *ev.Action != "block" || *ev.Rule != id || *ev.Payload != "beta" {
		t.Fatalf("cc event: action %s rule %s payload %s, want block %s beta", *ev.Action, *ev.Rule, *ev.Payload, id)
	}
}

// TestWAFCCLockTimeDataPlane: limit 2 per 1 s with a lock_time of 3 s. The
// key that goes over stays blocked after its 1 s period ended, until the
// lock ends, and is let through after it.
func TestWAFCCLockTimeDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "cclock")
	act, tag := wm.GetCreateCcRuleRequestBodyActionCategoryEnum(), wm.GetCreateCcRuleRequestBodyTagTypeEnum()
	p.ccRule(&wm.CreateCcRuleRequestBody{Name: ptr("lock"), Mode: 1, Conditions: ccUnder("/lock"), TagType: tag.IP,
		LimitNum: 2, LimitPeriod: 1, LockTime: ptr(int32(3)), Action: &wm.CreateCcRuleRequestBodyAction{Category: act.BLOCK}})
	p.ready("1")

	t0 := p.overLimit("/lock", nil, 10)
	// The period (1 s) is over, the lock (3 s) is not.
	at(t0.Add(1500 * time.Millisecond))
	if s, _ := p.do("GET", "/lock", nil); s != http.StatusTeapot {
		t.Fatalf("1.5 s after going over (period 1 s, lock 3 s): %d, want 418", s)
	}
	at(t0.Add(2500 * time.Millisecond))
	if s, _ := p.do("GET", "/lock", nil); s != http.StatusTeapot {
		t.Fatalf("2.5 s after going over: %d, want 418", s)
	}
	// t0 is taken after the answer: the lock began before it.
	at(t0.Add(4 * time.Second))
	if s, body := p.do("GET", "/lock", nil); s != http.StatusOK || body != "ok" {
		t.Fatalf("4 s after going over (lock 3 s): %d %q, want the origin's 200 ok", s, body)
	}
}

// TestWAFCCDynamicBlockDataPlane: a dynamic_block rule of 2 per 1 s with
// unlock_num 3 blocks the key while it keeps sending 3 or more requests a
// period, across periods, and lets it through once a period passed with
// fewer.
func TestWAFCCDynamicBlockDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "ccdynamic")
	act, tag := wm.GetCreateCcRuleRequestBodyActionCategoryEnum(), wm.GetCreateCcRuleRequestBodyTagTypeEnum()
	id := p.ccRule(&wm.CreateCcRuleRequestBody{Name: ptr("dyn"), Mode: 1, Conditions: ccUnder("/dyn"), TagType: tag.IP,
		LimitNum: 2, LimitPeriod: 1, UnlockNum: ptr(int32(3)), Action: &wm.CreateCcRuleRequestBodyAction{Category: act.DYNAMIC_BLOCK}})
	p.ready("1")

	t0 := p.overLimit("/dyn", nil, 10)
	// About 10 requests a period for 2.5 s: every one refused, in the
	// periods after the one that went over too.
	n := 0
	for time.Since(t0) < 2500*time.Millisecond {
		if s, _ := p.do("GET", "/dyn", nil); s != http.StatusTeapot {
			t.Fatalf("request %d, %v after going over, still sending 10 a period (unlock_num 3): %d, want 418", n+1, time.Since(t0), s)
		}
		n++
		time.Sleep(100 * time.Millisecond)
	}
	if n < 15 {
		t.Fatalf("only %d requests in 2.5 s: the test could not keep the key over", n)
	}
	// Two quiet periods: the next request opens a period after one with
	// fewer than 3 requests.
	time.Sleep(2200 * time.Millisecond)
	for i := 1; i <= 2; i++ {
		if s, body := p.do("GET", "/dyn", nil); s != http.StatusOK || body != "ok" {
			t.Fatalf("request %d after a quiet period: %d %q, want the origin's 200 ok", i, s, body)
		}
	}
	ev := p.event("cc", "/dyn")
	if *ev.Action != "block" || *ev.Rule != id {
		t.Fatalf("cc event: action %s rule %s, want block %s", *ev.Action, *ev.Rule, id)
	}
}

// TestWAFCCLogDataPlane: a CC log rule forwards the request over its limit
// and records a cc event with action log; the requests within the limit are
// not recorded.
func TestWAFCCLogDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "cclog")
	act, tag := wm.GetCreateCcRuleRequestBodyActionCategoryEnum(), wm.GetCreateCcRuleRequestBodyTagTypeEnum()
	id := p.ccRule(&wm.CreateCcRuleRequestBody{Name: ptr("watch"), Mode: 1, Conditions: ccUnder("/watch"), TagType: tag.IP,
		LimitNum: 2, LimitPeriod: 60, Action: &wm.CreateCcRuleRequestBodyAction{Category: act.LOG}})
	p.ready("1")

	for i := 1; i <= 2; i++ {
		if s, _ := p.do("GET", "/watch/a", nil); s != http.StatusOK {
			t.Fatalf("request %d of a limit of 2: %d", i, s)
		}
	}
	if s, body := p.do("GET", "/watch/b", nil); s != http.StatusOK || body != "ok" {
		t.Fatalf("third request, log rule: %d %q, want the origin's 200 ok", s, body)
	}
	ev := p.event("cc", "/watch/b")
	if *ev.Action != "log" || *ev.Rule != id || *ev.Payload != "127.0.0.1" {
		t.Fatalf("cc event: action %s rule %s payload %s, want log %s 127.0.0.1", *ev.Action, *ev.Rule, *ev.Payload, id)
	}
	if n := p.events("cc", "/watch/a"); n != 0 {
		t.Fatalf("%d cc events for the requests within the limit", n)
	}
}

// TestWAFCCConditionsDataPlane: a mode 1 CC rule whose conditions are url
// prefix /api and method POST counts only the requests that satisfy both.
func TestWAFCCConditionsDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "cccond")
	cat, act, tag := wm.GetCcConditionCategoryEnum(), wm.GetCreateCcRuleRequestBodyActionCategoryEnum(), wm.GetCreateCcRuleRequestBodyTagTypeEnum()
	p.ccRule(&wm.CreateCcRuleRequestBody{Name: ptr("posts"), Mode: 1, TagType: tag.IP, LimitNum: 2, LimitPeriod: 60,
		Conditions: []wm.CcCondition{
			{Category: cat.URL, LogicOperation: "prefix", Contents: &[]string{"/api"}},
			{Category: cat.METHOD, LogicOperation: "equal", Contents: &[]string{"POST"}},
		}, Action: &wm.CreateCcRuleRequestBodyAction{Category: act.BLOCK}})
	p.ready("1")

	for i := 1; i <= 4; i++ {
		if s, _ := p.do("GET", "/api/orders", nil); s != http.StatusOK {
			t.Fatalf("GET /api request %d: %d, want 200 (not counted)", i, s)
		}
		if s, _ := p.do("POST", "/shop/orders", nil); s != http.StatusOK {
			t.Fatalf("POST /shop request %d: %d, want 200 (not counted)", i, s)
		}
	}
	for i := 1; i <= 2; i++ {
		if s, _ := p.do("POST", "/api/orders", nil); s != http.StatusOK {
			t.Fatalf("POST /api request %d of a limit of 2: %d", i, s)
		}
	}
	if s, _ := p.do("POST", "/api/orders", nil); s != http.StatusTeapot {
		t.Fatalf("third POST /api: %d, want 418", s)
	}
	// The block is the rule's: requests it does not cover still pass.
	if s, _ := p.do("GET", "/api/orders", nil); s != http.StatusOK {
		t.Fatalf("GET /api while POST /api is blocked: %d, want 200", s)
	}
	if s, _ := p.do("POST", "/shop/orders", nil); s != http.StatusOK {
		t.Fatalf("POST /shop while POST /api is blocked: %d, want 200", s)
	}
}

// TestWAFPreciseTimeWindowDataPlane: a precise-protection rule acts only
// inside its time window: one that ended and one that has not begun do not
// act, one in force does; a window that ends a few seconds on stops acting
// then, and one that begins a few seconds on starts acting then.
func TestWAFPreciseTimeWindowDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "window")
	cat, act := wm.GetCustomConditionsCategoryEnum(), wm.GetCustomActionCategoryEnum()
	rule := func(name string, start, terminal int64) {
		t.Helper()
		op := "equal"
		if _, err := p.c.CreateCustomRule(&wm.CreateCustomRuleRequest{PolicyId: p.policyID, Body: &wm.CreateCustomRuleRequestBody{
			Name: name, Priority: 10, Time: true, Start: &start, Terminal: &terminal, Action: &wm.CustomAction{Category: act.BLOCK},
			Conditions: []wm.CustomConditions{{Category: &cat.HEADER, Index: ptr("X-Window"), LogicOperation: &op, Contents: &[]string{name}}}}}); err != nil {
			t.Fatalf("CreateCustomRule %s: %v", name, err)
		}
	}
	now := time.Now().Unix()
	rule("ended", now-3600, now-60)
	rule("later", now+3600, now+7200)
	rule("closing", now-60, now+3)
	rule("opening", now+3, now+3600)
	rule("current", now-60, now+3600)
	p.waitFor("/w", hdr("X-Window", "current"), http.StatusTeapot) // written last: the others are in force
	for _, name := range []string{"ended", "later", "opening"} {
		if s, _ := p.do("GET", "/w", hdr("X-Window", name)); s != http.StatusOK {
			t.Fatalf("rule %q outside its window: %d, want 200", name, s)
		}
	}
	if s, _ := p.do("GET", "/w", hdr("X-Window", "closing")); s != http.StatusTeapot {
		t.Fatalf("rule \"closing\" before its terminal: %d, want 418", s)
	}
	// One second past the bounds (whole Unix seconds).
	at(time.Unix(now+4, 0))
	if s, _ := p.do("GET", "/w", hdr("X-Window", "closing")); s != http.StatusOK {
		t.Fatalf("rule \"closing\" after its terminal: %d, want 200", s)
	}
	if s, _ := p.do("GET", "/w", hdr("X-Window", "opening")); s != http.StatusTeapot {
		t.Fatalf("rule \"opening\" after its start: %d, want 418", s)
	}
	if s, _ := p.do("GET", "/w", hdr("X-Window", "current")); s != http.StatusTeapot {
		t.Fatalf("rule \"current\": %d, want 418", s)
	}
}

// TestWAFFullDetectionDataPlane: with the policy's full_detection on, a
// precise block still answers 418 with its event ID on the block page, and
// a CC rule the same request takes over its limit records its own event
// (docs/decisions.md, A7).
func TestWAFFullDetectionDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "fulldetect")
	if _, err := p.c.UpdatePolicy(&wm.UpdatePolicyRequest{PolicyId: p.policyID, Body: &wm.UpdatePolicyRequestBody{FullDetection: ptr(true)}}); err != nil {
		t.Fatalf("UpdatePolicy full_detection: %v", err)
	}
	act, tag := wm.GetCreateCcRuleRequestBodyActionCategoryEnum(), wm.GetCreateCcRuleRequestBodyTagTypeEnum()
	ccID := p.ccRule(&wm.CreateCcRuleRequestBody{Name: ptr("fd"), Mode: 1, Conditions: ccUnder("/fd"), TagType: tag.IP,
		LimitNum: 1, LimitPeriod: 60, Action: &wm.CreateCcRuleRequestBodyAction{Category: act.BLOCK}})
	pcat, pact := wm.GetCustomConditionsCategoryEnum(), wm.GetCustomActionCategoryEnum()
	probeID := p.preciseRule("probe", 5, pact.BLOCK, "", pcat.HEADER, "X-Probe", "equal", "evil")
	p.waitFor("/ready", hdr("X-Probe", "evil"), http.StatusTeapot) // /ready: no CC rule counts it

	evil := hdr("X-Probe", "evil")
	if s, _ := p.do("GET", "/fd/1", evil); s != http.StatusTeapot {
		t.Fatalf("first request (precise block, CC within its limit): %d, want 418", s)
	}
	s, body := p.do("GET", "/fd/2", evil)
	if s != http.StatusTeapot {
		t.Fatalf("second request (precise block, CC over its limit): %d, want 418", s)
	}
	custom := p.event("custom_custom", "/fd/2")
	if *custom.Action != "block" || *custom.Rule != probeID {
		t.Fatalf("custom event: action %s rule %s, want block %s", *custom.Action, *custom.Rule, probeID)
	}
	if !strings.Contains(body, *custom.Id) {
		t.Fatalf("block page %q does not show the precise rule's event ID %s", body, *custom.Id)
	}
	cc := p.event("cc", "/fd/2")
	if *cc.Action != "block" || *cc.Rule != ccID {
		t.Fatalf("cc event: action %s rule %s, want block %s", *cc.Action, *cc.Rule, ccID)
	}
	if n := p.events("cc", "/fd/1"); n != 0 {
		t.Fatalf("%d cc events for the request within the limit", n)
	}
	// The CC rule counted the precise-blocked requests: a clean request
	// is now over its limit.
	if s, _ := p.do("GET", "/fd/3", nil); s != http.StatusTeapot {
		t.Fatalf("clean request after two counted ones (limit 1): %d, want 418", s)
	}
}

// TestWAFPreciseCategoriesDataPlane: one precise-protection block rule per
// condition category, each also scoped to a URL prefix of its own, blocks
// the request that carries its value and forwards the one that does not.
func TestWAFPreciseCategoriesDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "categories")
	type req struct {
		method, uri string
		header      http.Header
	}
	long := strings.Repeat("a", 300)
	rows := []struct {
		name                         string
		category, index, op, content string
		hit, miss                    *req // hit nil: the client cannot carry the value
	}{
		{"url", "url", "", "contain", "evil", &req{"GET", "/evil", nil}, &req{"GET", "/fine", nil}},
		{"user-agent", "user-agent", "", "contain", "sqlmap", &req{"GET", "/", hdr("User-Agent", "sqlmap/1.7")},
			&req{"GET", "/", hdr("User-Agent", "Mozilla/5.0")}},
		{"referer", "referer", "", "contain", "evil.example", &req{"GET", "/", hdr("Referer", "http://evil.example/x")},
			&req{"GET", "/", hdr("Referer", "http://good.example/x")}},
		{"ip", "ip", "", "equal", "127.0.0.1", &req{"GET", "/", nil}, nil},
		{"ip other", "ip", "", "equal", "192.0.2.0/24", nil, &req{"GET", "/", nil}},
		// The data plane listens on 127.0.0.1: the client is IPv4, which
		// an ipv6 condition does not hold for.
		{"ipv6", "ipv6", "", "equal", "::1", nil, &req{"GET", "/", nil}},
		{"method", "method", "", "equal", "DELETE", &req{"DELETE", "/", nil}, &req{"GET", "/", nil}},
		{"request_line", "request_line", "", "len_greater", "200", &req{"GET", "/?pad=" + long, nil}, &req{"GET", "/?pad=a", nil}},
		{"request", "request", "", "len_greater", "1000", &req{"GET", "/", hdr("X-Pad", strings.Repeat("b", 1200))},
			&req{"GET", "/", hdr("X-Pad", "b")}},
		{"params", "params", "q", "contain", "evil", &req{"GET", "/?q=so-evil", nil}, &req{"GET", "/?q=fine&evil=1", nil}},
		{"cookie", "cookie", "sid", "equal", "bad", &req{"GET", "/", hdr("Cookie", "sid=bad")}, &req{"GET", "/", hdr("Cookie", "sid=good; x=bad")}},
		{"header", "header", "X-Probe", "equal", "evil", &req{"GET", "/", hdr("X-Probe", "evil")}, &req{"GET", "/", hdr("X-Probe", "good", "X-Other", "evil")}},
	}
	act, urlCat, prefix := wm.GetCustomActionCategoryEnum(), wm.GetCustomConditionsCategoryEnum().URL, "prefix"
	scope := func(i int) string { return "/row" + string(rune('a'+i)) }
	for i, r := range rows {
		category, op := wm.CustomConditionsCategory{}, r.op
		if err := category.UnmarshalJSON([]byte(`"` + r.category + `"`)); err != nil {
			t.Fatalf("category %s: %v", r.category, err)
		}
		cond := wm.CustomConditions{Category: &category, LogicOperation: &op, Contents: &[]string{r.content}}
		if r.index != "" {
			cond.Index = &r.index
		}
		if _, err := p.c.CreateCustomRule(&wm.CreateCustomRuleRequest{PolicyId: p.policyID, Body: &wm.CreateCustomRuleRequestBody{
			Name: strings.ReplaceAll(r.name, " ", "_"), Priority: int32(10 + i), Action: &wm.CustomAction{Category: act.BLOCK},
			Conditions: []wm.CustomConditions{
				{Category: &urlCat, LogicOperation: &prefix, Contents: &[]string{scope(i)}}, cond}}}); err != nil {
			t.Fatalf("CreateCustomRule %s: %v", r.name, err)
		}
	}
	p.ready("1")
	for i, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			if r.hit != nil {
				if s, _ := p.do(r.hit.method, scope(i)+r.hit.uri, r.hit.header); s != http.StatusTeapot {
					t.Errorf("%s %s %v, carrying the value: %d, want 418", r.hit.method, scope(i)+r.hit.uri, r.hit.header, s)
				}
			}
			if r.miss != nil {
				if s, body := p.do(r.miss.method, scope(i)+r.miss.uri, r.miss.header); s != http.StatusOK || body != "ok" {
					t.Errorf("%s %s %v, without the value: %d %q, want the origin's 200 ok", r.miss.method, scope(i)+r.miss.uri, r.miss.header, s, body)
				}
			}
			// The rule is scoped to its own prefix: the hit elsewhere passes.
			if r.hit != nil {
				if s, _ := p.do(r.hit.method, "/elsewhere"+r.hit.uri, r.hit.header); s != http.StatusOK {
					t.Errorf("%s /elsewhere%s %v: %d, want 200", r.hit.method, r.hit.uri, r.hit.header, s)
				}
			}
		})
	}
}
