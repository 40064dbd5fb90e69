package sdktest

import (
	"io"
	"net/http"
	"testing"
	"time"

	waf "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1"
	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

// rulesPlane is a real rampart process with a data plane, one host on it
// bound to a policy of its own, and an origin answering "ok".
type rulesPlane struct {
	t         *testing.T
	c         *waf.WafClient
	proxyAddr string
	oport     int
	host      string
	hostID    string
	policyID  string
}

// newRulesPlane starts the server, creates a policy and a host bound to
// it, and waits until the data plane forwards to the host.
func newRulesPlane(t *testing.T, name string) *rulesPlane {
	t.Helper()
	c, proxyAddr, oport := serverWithDataPlane(t)
	p := &rulesPlane{t: t, c: c, proxyAddr: proxyAddr, oport: oport}
	p.addHost(name)
	return p
}

// sibling is another host of the same server, bound to a policy of its
// own.
func (p *rulesPlane) sibling(name string) *rulesPlane {
	p.t.Helper()
	q := &rulesPlane{t: p.t, c: p.c, proxyAddr: p.proxyAddr, oport: p.oport}
	q.addHost(name)
	return q
}

func (p *rulesPlane) addHost(name string) {
	t, c := p.t, p.c
	t.Helper()
	p.host, p.policyID = name+".example.com", wafPolicy(t, c, name)
	res, err := c.CreateHost(&wm.CreateHostRequest{Body: &wm.CreateHostRequestBody{Hostname: p.host, Policyid: &p.policyID,
		Server: []wm.CloudWafServer{{FrontProtocol: wm.GetCloudWafServerFrontProtocolEnum().HTTP, BackProtocol: wm.GetCloudWafServerBackProtocolEnum().HTTP,
			Address: "127.0.0.1", Port: int32(p.oport), Type: wm.GetCloudWafServerTypeEnum().IPV4}}}})
	if err != nil {
		t.Fatalf("CreateHost: %v", err)
	}
	p.hostID = *res.Id
	p.waitFor("/", nil, http.StatusOK)
}

// blockMode switches the policy's basic web protection to block (with a
// followed known-attack-source rule when followed is set, and the
// followed_action switch on).
func (p *rulesPlane) blockMode(followed string) {
	p.t.Helper()
	block := wm.GetPolicyActionCategoryEnum().BLOCK
	body := &wm.UpdatePolicyRequestBody{Action: &wm.PolicyAction{Category: &block}}
	if followed != "" {
		body.Action.FollowedActionId = &followed
		body.Options = &wm.PolicyOption{FollowedAction: ptr(true)}
	}
	if _, err := p.c.UpdatePolicy(&wm.UpdatePolicyRequest{PolicyId: p.policyID, Body: body}); err != nil {
		p.t.Fatalf("UpdatePolicy: %v", err)
	}
}

// followedAction turns the policy's known-attack-source switch on or off.
func (p *rulesPlane) followedAction(on bool) {
	p.t.Helper()
	if _, err := p.c.UpdatePolicy(&wm.UpdatePolicyRequest{PolicyId: p.policyID, Body: &wm.UpdatePolicyRequestBody{
		Options: &wm.PolicyOption{FollowedAction: ptr(on)}}}); err != nil {
		p.t.Fatalf("UpdatePolicy options.followed_action %v: %v", on, err)
	}
}

// send makes one request to the host through the data plane and returns
// the status, the content type and the body.
func (p *rulesPlane) send(uri string, header http.Header) (int, string, string) {
	p.t.Helper()
	req, _ := http.NewRequest("GET", "http://"+p.proxyAddr+uri, nil)
	req.Host = p.host
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatalf("GET %s: %v", uri, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

func (p *rulesPlane) status(uri string, header http.Header) int {
	p.t.Helper()
	s, _, _ := p.send(uri, header)
	return s
}

// waitFor sends the request until it is answered with want: the data
// plane picks a write up within tens of milliseconds.
func (p *rulesPlane) waitFor(uri string, header http.Header, want int) {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := p.status(uri, header)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("GET %s %v: %d, want %d", uri, header, got, want)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// event waits for a recorded event of the attack type on the URL of the
// host and returns it.
func (p *rulesPlane) event(attack, url string) wm.ListEventItems {
	p.t.Helper()
	recent := wm.GetListEventRequestRecentEnum().TODAY
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := p.c.ListEvent(&wm.ListEventRequest{Recent: &recent, Pagesize: ptr(int32(100))})
		if err != nil {
			p.t.Fatalf("ListEvent: %v", err)
		}
		for _, it := range *res.Items {
			if p.is(it, attack, url) {
				return it
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s event of %s within 10 s", attack, url)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// is reports whether the event is of the attack type on the URL of the
// host.
func (p *rulesPlane) is(it wm.ListEventItems, attack, url string) bool {
	return it.Attack != nil && *it.Attack == attack && it.Url != nil && *it.Url == url && it.Host != nil && *it.Host == p.host
}

// events counts the recorded events of the attack type on the URL of the
// host.
func (p *rulesPlane) events(attack, url string) int {
	p.t.Helper()
	recent := wm.GetListEventRequestRecentEnum().TODAY
	res, err := p.c.ListEvent(&wm.ListEventRequest{Recent: &recent, Pagesize: ptr(int32(100))})
	if err != nil {
		p.t.Fatalf("ListEvent: %v", err)
	}
	n := 0
	for _, it := range *res.Items {
		if p.is(it, attack, url) {
			n++
		}
	}
	return n
}

// preciseRule creates a precise-protection rule on one condition.
func (p *rulesPlane) preciseRule(name string, priority int32, action wm.CustomActionCategory, followed string,
	category wm.CustomConditionsCategory, index, op, content string) string {
	p.t.Helper()
	cond := wm.CustomConditions{Category: &category, LogicOperation: &op, Contents: &[]string{content}}
	if index != "" {
		cond.Index = &index
	}
	act := &wm.CustomAction{Category: action}
	if followed != "" {
		act.FollowedActionId = &followed
	}
	res, err := p.c.CreateCustomRule(&wm.CreateCustomRuleRequest{PolicyId: p.policyID, Body: &wm.CreateCustomRuleRequestBody{
		Name: name, Priority: priority, Conditions: []wm.CustomConditions{cond}, Action: act}})
	if err != nil {
		p.t.Fatalf("CreateCustomRule %s: %v", name, err)
	}
	return *res.Id
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

const dataPlaneSQLi = "/search?q=1'+OR+1=1--"

// TestWAFPreciseProtectionDataPlane: precise-protection rules created
// through the official SDK act on real traffic. A block rule on a header
// answers 418 and records a custom_custom event; a pass rule of a lower
// priority number lets an SQL injection through basic web protection in
// block mode; a log rule forwards and records; status 0 through
// UpdatePolicyRuleStatus stops the block rule.
func TestWAFPreciseProtectionDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "precise")
	p.blockMode("")
	p.waitFor(dataPlaneSQLi, nil, http.StatusTeapot)

	cat, act := wm.GetCustomConditionsCategoryEnum(), wm.GetCustomActionCategoryEnum()
	logID := p.preciseRule("audit", 20, act.LOG, "", cat.URL, "", "prefix", "/audit")
	// The header name is matched whatever its case.
	p.preciseRule("trusted", 1, act.PASS, "", cat.HEADER, "x-trusted", "equal", "yes")
	blockID := p.preciseRule("probe", 10, act.BLOCK, "", cat.HEADER, "X-Probe", "contain", "evil")
	probe := hdr("X-Probe", "very-evil")
	p.waitFor("/probe", probe, http.StatusTeapot) // the last write is in force, so are the others

	// (a) block: 418 and a custom_custom event naming the rule.
	if got := p.status("/probe", hdr("X-Probe", "fine")); got != http.StatusOK {
		t.Fatalf("request the block rule does not match: %d", got)
	}
	ev := p.event("custom_custom", "/probe")
	if *ev.Action != "block" || *ev.Rule != blockID || *ev.Host != p.host {
		t.Fatalf("block event: action %s rule %s host %s, want block %s %s", *ev.Action, *ev.Rule, *ev.Host, blockID, p.host)
	}
	// The pass rule (priority 1) wins over the block rule (priority 10)
	// and skips basic web protection.
	if got := p.status(dataPlaneSQLi, hdr("X-Trusted", "yes", "X-Probe", "evil")); got != http.StatusOK {
		t.Fatalf("SQLi with the pass rule's header: %d, want 200", got)
	}
	if got := p.status(dataPlaneSQLi, hdr("X-Trusted", "no")); got != http.StatusTeapot {
		t.Fatalf("SQLi without the pass rule's header: %d, want 418", got)
	}
	// Log: forwarded and recorded.
	if s, _, body := p.send("/audit/list", nil); s != http.StatusOK || body != "ok" {
		t.Fatalf("log rule: %d %q, want the origin's 200 ok", s, body)
	}
	ev = p.event("custom_custom", "/audit/list")
	if *ev.Action != "log" || *ev.Rule != logID {
		t.Fatalf("log event: action %s rule %s, want log %s", *ev.Action, *ev.Rule, logID)
	}
	if n := p.events("custom_custom", dataPlaneSQLi); n != 0 {
		t.Fatalf("the pass rule recorded %d custom events", n)
	}

	// (d) Disabling the block rule stops it.
	st, err := p.c.UpdatePolicyRuleStatus(&wm.UpdatePolicyRuleStatusRequest{PolicyId: p.policyID, RuleId: blockID,
		RuleType: wm.GetUpdatePolicyRuleStatusRequestRuleTypeEnum().CUSTOM, Body: &wm.UpdatePolicyRuleStatusRequestBody{Status: 0}})
	if err != nil || *st.Status != 0 {
		t.Fatalf("UpdatePolicyRuleStatus: %v %+v", err, st)
	}
	p.waitFor("/probe", probe, http.StatusOK)
	if got := p.status(dataPlaneSQLi, hdr("X-Trusted", "yes")); got != http.StatusOK {
		t.Fatalf("the pass rule after the block rule was disabled: %d", got)
	}

	// A condition on a reference table follows the table's values.
	list, err := p.c.CreateValueList(&wm.CreateValueListRequest{Body: &wm.CreateValueListRequestBody{Name: "admin_paths",
		Type: wm.GetCreateValueListRequestBodyTypeEnum().URL, Values: []string{"/admin"}}})
	if err != nil {
		t.Fatalf("CreateValueList: %v", err)
	}
	if _, err := p.c.CreateCustomRule(&wm.CreateCustomRuleRequest{PolicyId: p.policyID, Body: &wm.CreateCustomRuleRequestBody{
		Name: "admin", Priority: 5, Action: &wm.CustomAction{Category: act.BLOCK}, Conditions: []wm.CustomConditions{{
			Category: &cat.URL, LogicOperation: ptr("prefix_any"), ValueListId: list.Id}}}}); err != nil {
		t.Fatalf("CreateCustomRule on a reference table: %v", err)
	}
	p.waitFor("/admin/users", nil, http.StatusTeapot)
	if got := p.status("/internal/users", nil); got != http.StatusOK {
		t.Fatalf("a path the table does not hold yet: %d", got)
	}
	if _, err := p.c.UpdateValueList(&wm.UpdateValueListRequest{Valuelistid: *list.Id, Body: &wm.UpdateValueListRequestBody{
		Name: "admin_paths", Type: wm.GetUpdateValueListRequestBodyTypeEnum().URL, Values: &[]string{"/admin", "/internal"}}}); err != nil {
		t.Fatalf("UpdateValueList: %v", err)
	}
	p.waitFor("/internal/users", nil, http.StatusTeapot)

	// options.custom off: no precise-protection rule is in force.
	custom := func(on bool) {
		t.Helper()
		if _, err := p.c.UpdatePolicy(&wm.UpdatePolicyRequest{PolicyId: p.policyID, Body: &wm.UpdatePolicyRequestBody{
			Options: &wm.PolicyOption{Custom: ptr(on)}}}); err != nil {
			t.Fatalf("UpdatePolicy options.custom %v: %v", on, err)
		}
	}
	custom(false)
	p.waitFor(dataPlaneSQLi, hdr("X-Trusted", "yes"), http.StatusTeapot)
	before := p.events("custom_custom", "/audit/off")
	if got := p.status("/audit/off", nil); got != http.StatusOK {
		t.Fatalf("log rule's URL with options.custom off: %d", got)
	}
	custom(true)
	p.waitFor(dataPlaneSQLi, hdr("X-Trusted", "yes"), http.StatusOK)
	if n := p.events("custom_custom", "/audit/off"); n != before {
		t.Fatalf("the log rule recorded %d events while options.custom was off", n-before)
	}
}

// TestWAFCCDataPlane: CC rules created through the official SDK count real
// traffic. By IP, a limit of 3 per 60 s lets exactly 3 requests through and
// answers the 4th with the rule's custom response (418, its content type),
// recording a cc event; by cookie, two values are counted apart.
func TestWAFCCDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "ccplane")
	cat, act, tag := wm.GetCcConditionCategoryEnum(), wm.GetCreateCcRuleRequestBodyActionCategoryEnum(), wm.GetCreateCcRuleRequestBodyTagTypeEnum()
	ctype := wm.GetCreateCcRuleRequestBodyActionDetailResponseContentTypeEnum()
	under := func(path string) []wm.CcCondition {
		return []wm.CcCondition{{Category: cat.URL, LogicOperation: "prefix", Contents: &[]string{path}}}
	}
	byIP, err := p.c.CreateCcRule(&wm.CreateCcRuleRequest{PolicyId: p.policyID, Body: &wm.CreateCcRuleRequestBody{
		Name: ptr("api"), Mode: 1, Conditions: under("/api"), TagType: tag.IP, LimitNum: 3, LimitPeriod: 60,
		Action: &wm.CreateCcRuleRequestBodyAction{Category: act.BLOCK, Detail: &wm.CreateCcRuleRequestBodyActionDetail{
			Response: &wm.CreateCcRuleRequestBodyActionDetailResponse{ContentType: &ctype.APPLICATION_JSON, Content: ptr(`{"slow":"down"}`)}}}}})
	if err != nil {
		t.Fatalf("CreateCcRule by ip: %v", err)
	}
	if _, err := p.c.CreateCcRule(&wm.CreateCcRuleRequest{PolicyId: p.policyID, Body: &wm.CreateCcRuleRequestBody{
		Name: ptr("cart"), Mode: 1, Conditions: under("/cart"), TagType: tag.COOKIE, TagIndex: ptr("sid"), LimitNum: 2, LimitPeriod: 60,
		Action: &wm.CreateCcRuleRequestBodyAction{Category: act.BLOCK}}}); err != nil {
		t.Fatalf("CreateCcRule by cookie: %v", err)
	}
	// A precise block rule written after the CC rules shows when they are
	// in force, without counting: a precise block stops the request
	// before CC (docs/decisions.md, A7).
	pcat, pact := wm.GetCustomConditionsCategoryEnum(), wm.GetCustomActionCategoryEnum()
	ready := func(mark string) {
		t.Helper()
		p.preciseRule("ready"+mark, 1, pact.BLOCK, "", pcat.HEADER, "X-Ready", "equal", mark)
		p.waitFor("/ready", hdr("X-Ready", mark), http.StatusTeapot) // a URL no CC rule counts
	}
	ready("1")

	for i := 1; i <= 2; i++ {
		if got := p.status("/api/orders", nil); got != http.StatusOK {
			t.Fatalf("request %d of a limit of 3: %d", i, got)
		}
	}
	// A write in between rebuilds the rules: the unchanged rule's count
	// goes on.
	ready("2")
	if got := p.status("/api/orders", nil); got != http.StatusOK {
		t.Fatalf("request 3 of a limit of 3: %d", got)
	}
	s, ct, body := p.send("/api/orders", nil)
	if s != http.StatusTeapot || ct != "application/json" || body != `{"slow":"down"}` {
		t.Fatalf("4th request: %d %q %q, want 418 with the rule's JSON response", s, ct, body)
	}
	ev := p.event("cc", "/api/orders")
	if *ev.Action != "block" || *ev.Rule != *byIP.Id || *ev.Payload != "127.0.0.1" {
		t.Fatalf("cc event: action %s rule %s payload %s, want block %s 127.0.0.1", *ev.Action, *ev.Rule, *ev.Payload, *byIP.Id)
	}
	if got := p.status("/shop", nil); got != http.StatusOK {
		t.Fatalf("a URL no CC rule covers: %d", got)
	}

	a, b := hdr("Cookie", "sid=alpha"), hdr("Cookie", "sid=beta")
	for i, h := range []http.Header{a, a, b, b} {
		if got := p.status("/cart", h); got != http.StatusOK {
			t.Fatalf("cart request %d (%v): %d, want 200: cookie values are counted apart", i+1, h, got)
		}
	}
	if got := p.status("/cart", a); got != http.StatusTeapot {
		t.Fatalf("third request of sid=alpha: %d, want 418", got)
	}
	if got := p.status("/cart", hdr("Cookie", "sid=gamma")); got != http.StatusOK {
		t.Fatalf("first request of sid=gamma: %d, want 200", got)
	}
}

// TestWAFKnownAttackSourceDataPlane: a short_ip_block known-attack-source
// rule of 60 s, followed by the policy's basic web protection in block
// mode: an SQL injection is blocked, and so is the next clean request
// from the same client, recorded as a followed_action event.
func TestWAFKnownAttackSourceDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "punish")
	unit := wm.GetCreatePunishmentRuleRequestBodyTimeUnitEnum().SECOND
	pr, err := p.c.CreatePunishmentRule(&wm.CreatePunishmentRuleRequest{PolicyId: p.policyID, Body: &wm.CreatePunishmentRuleRequestBody{
		Category: wm.GetCreatePunishmentRuleRequestBodyCategoryEnum().SHORT_IP_BLOCK, BlockTime: 60, TimeUnit: &unit}})
	if err != nil {
		t.Fatalf("CreatePunishmentRule: %v", err)
	}
	if got := p.status("/clean", nil); got != http.StatusOK {
		t.Fatalf("clean request before any attack: %d", got)
	}
	p.blockMode(*pr.Id)
	// The policy's action and its followed rule are one write: the first
	// blocked SQL injection puts the client in the box.
	p.waitFor(dataPlaneSQLi, nil, http.StatusTeapot)
	if got := p.status("/clean", nil); got != http.StatusTeapot {
		t.Fatalf("clean request after a blocked attack: %d, want 418", got)
	}
	ev := p.event("followed_action", "/clean")
	if *ev.Action != "block" || *ev.Rule != *pr.Id || *ev.Payload != "127.0.0.1" {
		t.Fatalf("followed_action event: action %s rule %s payload %s, want block %s 127.0.0.1", *ev.Action, *ev.Rule, *ev.Payload, *pr.Id)
	}
	if sqli := p.event("sqli", dataPlaneSQLi); *sqli.Action != "block" {
		t.Fatalf("sqli event action %s", *sqli.Action)
	}

	// The box is the policy's: a host of another policy still forwards the
	// client. There, a precise-protection block rule naming that policy's
	// known-attack-source rule puts the client in its box.
	q := p.sibling("punish2")
	if got := q.status("/clean", nil); got != http.StatusOK {
		t.Fatalf("another policy's host, client boxed by the first: %d, want 200", got)
	}
	pr2, err := q.c.CreatePunishmentRule(&wm.CreatePunishmentRuleRequest{PolicyId: q.policyID, Body: &wm.CreatePunishmentRuleRequestBody{
		Category: wm.GetCreatePunishmentRuleRequestBodyCategoryEnum().SHORT_IP_BLOCK, BlockTime: 60, TimeUnit: &unit}})
	if err != nil {
		t.Fatalf("CreatePunishmentRule: %v", err)
	}
	q.followedAction(true)
	cat, act := wm.GetCustomConditionsCategoryEnum(), wm.GetCustomActionCategoryEnum()
	probeID := q.preciseRule("probe", 1, act.BLOCK, *pr2.Id, cat.HEADER, "X-Probe", "contain", "evil")
	q.waitFor("/probe", hdr("X-Probe", "evil"), http.StatusTeapot)
	if got := q.status("/clean", nil); got != http.StatusTeapot {
		t.Fatalf("clean request after a precise block that names a known-attack-source rule: %d, want 418", got)
	}
	ev = q.event("followed_action", "/clean")
	if *ev.Rule != *pr2.Id || *ev.Host != q.host {
		t.Fatalf("followed_action event: rule %s host %s, want %s %s", *ev.Rule, *ev.Host, *pr2.Id, q.host)
	}
	if ev := q.event("custom_custom", "/probe"); *ev.Rule != probeID {
		t.Fatalf("custom event rule %s, want %s", *ev.Rule, probeID)
	}
}

// TestWAFKnownAttackSourceByCookieDataPlane: a short_cookie_block
// known-attack-source rule punishes the value of the host's cookie
// traffic mark: after an SQL injection with sid=bad is blocked, clean
// requests with sid=bad are blocked (a followed_action event with the
// cookie's value and location) while sid=good is forwarded.
func TestWAFKnownAttackSourceByCookieDataPlane(t *testing.T) {
	t.Parallel()
	p := newRulesPlane(t, "cookiebox")
	if _, err := p.c.UpdateHost(&wm.UpdateHostRequest{InstanceId: p.hostID, Body: &wm.UpdateHostRequestBody{
		TrafficMark: &wm.TrafficMark{Cookie: ptr("sid")}}}); err != nil {
		t.Fatalf("UpdateHost traffic_mark: %v", err)
	}
	unit := wm.GetCreatePunishmentRuleRequestBodyTimeUnitEnum().SECOND
	pr, err := p.c.CreatePunishmentRule(&wm.CreatePunishmentRuleRequest{PolicyId: p.policyID, Body: &wm.CreatePunishmentRuleRequestBody{
		Category: wm.GetCreatePunishmentRuleRequestBodyCategoryEnum().SHORT_COOKIE_BLOCK, BlockTime: 60, TimeUnit: &unit}})
	if err != nil {
		t.Fatalf("CreatePunishmentRule: %v", err)
	}
	// Block mode naming the rule, with options.followed_action off, in
	// one write: once the policy blocks, the switch is off.
	block := wm.GetPolicyActionCategoryEnum().BLOCK
	if _, err := p.c.UpdatePolicy(&wm.UpdatePolicyRequest{PolicyId: p.policyID, Body: &wm.UpdatePolicyRequestBody{
		Action:  &wm.PolicyAction{Category: &block, FollowedActionId: pr.Id},
		Options: &wm.PolicyOption{FollowedAction: ptr(false)}}}); err != nil {
		t.Fatalf("UpdatePolicy: %v", err)
	}
	bad, good := hdr("Cookie", "sid=bad"), hdr("Cookie", "sid=good")
	p.waitFor(dataPlaneSQLi, bad, http.StatusTeapot)
	// With options.followed_action off, the block punishes nothing.
	if got := p.status("/clean?off", bad); got != http.StatusOK {
		t.Fatalf("clean request after a block with options.followed_action off: %d, want 200", got)
	}
	p.followedAction(true)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got := p.status(dataPlaneSQLi, bad); got != http.StatusTeapot {
			t.Fatalf("SQLi: %d", got)
		}
		if p.status("/clean", bad) == http.StatusTeapot {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a block with options.followed_action on did not punish the cookie within 10 s")
		}
		time.Sleep(25 * time.Millisecond)
	}
	if got := p.status("/clean?x=1", good); got != http.StatusOK {
		t.Fatalf("clean request with another cookie value: %d, want 200", got)
	}
	if got := p.status("/clean?x=2", nil); got != http.StatusOK {
		t.Fatalf("clean request without the cookie: %d, want 200", got)
	}
	ev := p.event("followed_action", "/clean")
	if *ev.Action != "block" || *ev.Rule != *pr.Id || *ev.Payload != "bad" || *ev.PayloadLocation != "cookie" {
		t.Fatalf("followed_action event: action %s rule %s payload %s location %s, want block %s bad cookie",
			*ev.Action, *ev.Rule, *ev.Payload, *ev.PayloadLocation, *pr.Id)
	}
}
