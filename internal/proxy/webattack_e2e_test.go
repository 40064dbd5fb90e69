package proxy_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/proxy"
	"github.com/rampartsec/rampart/internal/waf"
)

// webResult is what a client and the origin saw of one request.
type webResult struct {
	status  int
	body    string
	bodyLen string // as the origin counted it ("" when it was not reached)
	bodySum string
	bodyErr string
}

// send sends a request for host through the proxy from a client address
// no address rule names.
func (e *env) send(t *testing.T, method, host, target string, hdr map[string]string, body io.Reader) webResult {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+target, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	req.Header.Set("X-Forwarded-For", "192.0.2.77")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return webResult{status: resp.StatusCode, body: string(b), bodyLen: resp.Header.Get("X-Body-Len"),
		bodySum: resp.Header.Get("X-Body-Sha256"), bodyErr: resp.Header.Get("X-Body-Err")}
}

// policy changes the host's policy and waits until a probe request gets
// the status: a policy write takes effect at the proxy's next refresh.
func (e *env) policy(t *testing.T, h *waf.Host, u *waf.PolicyUpdate, host, probe string, want int) {
	t.Helper()
	if _, err := e.waf.UpdatePolicy(context.Background(), proj, h.PolicyID, u); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := e.send(t, "GET", host, probe, nil, nil).status
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("policy update: %s got %d, want %d (not in force within 10 s)", probe, got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// checkEvent asserts the last event is a web attack of the type at the
// location, with a 6-digit rule ID.
func (e *env) checkEvent(t *testing.T, action decision.Action, attack, location string) {
	t.Helper()
	ev := e.sink.last()
	if ev.Action != action || ev.Attack != attack || ev.AttackLocation != location || !sixDigits.MatchString(ev.RuleID) ||
		ev.RuleType != decision.RuleNone || ev.Excerpt == "" {
		t.Fatalf("event %+v, want %s %s at %s", ev, action, attack, location)
	}
}

const (
	sqliQuery = "/search?id=1'+OR+1=1--"
	clean     = "/search?q=blue+shoes&page=2"
)

// A new policy (level 2, log) records an attack and forwards it; action
// block answers the block page with the event ID; the policy's level,
// check_all_headers and deep_decode take effect at the next refresh.
func TestWebAttackModesAndSettingsThroughTheProxy(t *testing.T) {
	e := newEnv(t)
	const name = "shop.example.com"
	h := e.host(t, name)
	e.eventually(t, "host routed", name, "192.0.2.1", 200)

	// Log mode: forwarded, recorded.
	if r := e.send(t, "GET", name, sqliQuery, nil, nil); r.status != 200 || r.bodyLen == "" {
		t.Fatalf("log mode: %+v", r)
	}
	e.checkEvent(t, decision.ActionLog, "sqli", "params")
	if ev := e.sink.last(); ev.PolicyID != h.PolicyID || ev.HostID != h.ID || ev.URL != sqliQuery {
		t.Fatalf("log event %+v", ev)
	}

	// Block mode: the block page with the event ID.
	e.policy(t, h, &waf.PolicyUpdate{Action: ptr("block")}, name, sqliQuery, 418)
	r := e.send(t, "GET", name, sqliQuery, nil, nil)
	e.checkEvent(t, decision.ActionBlock, "sqli", "params")
	if r.status != 418 || !strings.Contains(r.body, e.sink.last().EventID) {
		t.Fatalf("block page without the event ID %s: %+v", e.sink.last().EventID, r)
	}
	if r := e.send(t, "GET", name, clean, map[string]string{"Cookie": "sid=abc123; theme=dark"}, nil); r.status != 200 {
		t.Fatalf("clean request: %+v", r)
	}
	rec := httptest.NewRecorder()
	e.px.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, action := range []string{"block", "log"} {
		if !regexp.MustCompile(`(?m)^rampart_proxy_web_attacks_total\{action="` + action + `"\} [1-9]`).MatchString(rec.Body.String()) {
			t.Fatalf("metrics count no %s detection:\n%s", action, rec.Body.String())
		}
	}

	// Levels: a lone "../" is caught at level 3 only.
	const traversal = "/download?file=../notes.txt"
	if r := e.send(t, "GET", name, traversal, nil, nil); r.status != 200 {
		t.Fatalf("level 2 traversal: %+v", r)
	}
	e.policy(t, h, &waf.PolicyUpdate{Level: ptr(3)}, name, traversal, 418)
	e.checkEvent(t, decision.ActionBlock, "lfi", "params")
	e.policy(t, h, &waf.PolicyUpdate{Level: ptr(1)}, name, traversal, 200)

	// check_all_headers, as Terraform sends it (a JSON object under "extend").
	hdr := map[string]string{"X-Campaign": "<script>alert(1)</script>"}
	if r := e.send(t, "GET", name, "/", hdr, nil); r.status != 200 {
		t.Fatalf("header without check_all_headers: %+v", r)
	}
	e.policy(t, h, &waf.PolicyUpdate{Extend: map[string]string{"extend": `{"check_all_headers":true}`}}, name, "/", 200)
	deadline := time.Now().Add(10 * time.Second)
	for e.send(t, "GET", name, "/", hdr, nil).status != 418 {
		if time.Now().After(deadline) {
			t.Fatal("check_all_headers not in force within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.checkEvent(t, decision.ActionBlock, "xss", "header")

	// deep_decode: a base64-encoded injection.
	const encoded = "/?q=JyBPUiAnMSc9JzEnIC0t"
	e.policy(t, h, &waf.PolicyUpdate{Level: ptr(2)}, name, encoded, 200)
	e.policy(t, h, &waf.PolicyUpdate{Extend: map[string]string{"deep_decode": "true"}}, name, encoded, 418)
	e.checkEvent(t, decision.ActionBlock, "sqli", "params")

	// webattack off: not inspected; on again: inspected.
	e.policy(t, h, &waf.PolicyUpdate{Options: map[string]bool{"webattack": false}}, name, sqliQuery, 200)
	e.policy(t, h, &waf.PolicyUpdate{Options: map[string]bool{"webattack": true}}, name, sqliQuery, 418)

	// protect_status 0 and -1: not inspected.
	for _, st := range []int{0, -1, 1} {
		if _, err := e.waf.SetHostProtectStatus(context.Background(), proj, h.ID, ptr(st)); err != nil {
			t.Fatal(err)
		}
		want := 200
		if st == 1 {
			want = 418
		}
		deadline := time.Now().Add(10 * time.Second)
		for e.send(t, "GET", name, sqliQuery, nil, nil).status != want {
			if time.Now().After(deadline) {
				t.Fatalf("protect_status %d: attack not answered %d within 10 s", st, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// Form, JSON and multipart bodies are inspected; a body that is clean, or
// larger than the inspection limit, reaches the origin byte for byte,
// with a length or chunked.
func TestWebAttackBodiesThroughTheProxy(t *testing.T) {
	e := newEnv(t)
	const name = "api.example.com"
	h := e.host(t, name)
	e.eventually(t, "host routed", name, "192.0.2.1", 200)
	e.policy(t, h, &waf.PolicyUpdate{Action: ptr("block")}, name, sqliQuery, 418)

	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	_ = mw.WriteField("title", "holiday")
	_ = mw.WriteField("comment", "<script>alert(document.cookie)</script>")
	_ = mw.Close()
	for _, tc := range []struct {
		name, ctype, body, attack string
	}{
		{"form", "application/x-www-form-urlencoded", "user=ann&q=1'+OR+'1'='1", "sqli"},
		{"json", "application/json", `{"user":"ann","filter":"1' OR '1'='1"}`, "sqli"},
		{"multipart", mw.FormDataContentType(), mp.String(), "xss"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.send(t, "POST", name, "/submit", map[string]string{"Content-Type": tc.ctype}, strings.NewReader(tc.body))
			if r.status != 418 || r.bodyLen != "" {
				t.Fatalf("attack in a %s body: %+v", tc.name, r)
			}
			e.checkEvent(t, decision.ActionBlock, tc.attack, "body")
		})
	}

	// Clean bodies, below and above the limit, with and without a length.
	for _, size := range []int{10, 64 << 10, 64<<10 + 1, 1 << 20} {
		body := cleanBody(size)
		want := sha256Hex(body)
		for _, chunked := range []bool{false, true} {
			var rd io.Reader = bytes.NewReader(body)
			if chunked {
				rd = io.MultiReader(rd) // hides the length: sent chunked
			}
			r := e.send(t, "POST", name, "/upload", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, rd)
			if r.status != 200 || r.bodyLen != itoa(size) || r.bodySum != want || r.bodyErr != "" {
				t.Fatalf("clean body of %d bytes (chunked %v): %+v", size, chunked, r)
			}
		}
	}
	// An attack beyond the limit is not inspected (bounded work) and the
	// whole body reaches the origin.
	late := append(cleanBody(128<<10), "&q=1'+OR+'1'='1"...)
	r := e.send(t, "POST", name, "/upload", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, bytes.NewReader(late))
	if r.status != 200 || r.bodyLen != itoa(len(late)) || r.bodySum != sha256Hex(late) {
		t.Fatalf("attack past the inspection limit: %+v", r)
	}
}

// Each row of the precedence table in docs/decisions.md ("Address rules
// and basic web protection"): an attack in block mode from an address
// that a rule blocks, allows, logs or does not name.
func TestWebAttackPrecedenceRows(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const name = "rows.example.com"
	h := e.host(t, name)
	e.eventually(t, "host routed", name, "192.0.2.1", 200)
	e.policy(t, h, &waf.PolicyUpdate{Action: ptr("block")}, name, sqliQuery, 418)
	// The black rule is written last: once it is in force, so are the others.
	for _, rule := range []waf.WhiteBlackIPInput{
		{Name: "log", Addr: "198.18.0.3", White: ptr(2)},
		{Name: "white", Addr: "198.18.0.2", White: ptr(1)},
		{Name: "black", Addr: "198.18.0.1", White: ptr(0)},
	} {
		if _, err := e.waf.CreateWhiteBlackIPRules(ctx, proj, "0", []string{h.PolicyID}, &rule); err != nil {
			t.Fatal(err)
		}
	}
	e.eventually(t, "black rule", name, "198.18.0.1", 418)
	attack := func(client string) (int, []proxy.Event) {
		before := len(e.sink.all())
		req, _ := http.NewRequest("GET", e.srv.URL+sqliQuery, nil)
		req.Host = name
		req.Header.Set("X-Forwarded-For", client)
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, e.sink.all()[before:]
	}
	t.Run("A1 address block", func(t *testing.T) {
		st, evs := attack("198.18.0.1")
		if st != 418 || len(evs) != 1 || evs[0].RuleType != decision.RuleWhiteBlackIP || evs[0].Attack != "" {
			t.Fatalf("status %d, events %+v", st, evs)
		}
	})
	t.Run("A2 address allow", func(t *testing.T) {
		st, evs := attack("198.18.0.2")
		if st != 200 || len(evs) != 0 {
			t.Fatalf("status %d, events %+v", st, evs)
		}
	})
	t.Run("A3 address log", func(t *testing.T) {
		st, evs := attack("198.18.0.3")
		if st != 418 || len(evs) != 2 || evs[0].RuleType != decision.RuleWhiteBlackIP || evs[0].Action != decision.ActionLog ||
			evs[1].Attack != "sqli" || evs[1].Action != decision.ActionBlock {
			t.Fatalf("status %d, events %+v", st, evs)
		}
	})
	t.Run("A4 no address rule", func(t *testing.T) {
		st, evs := attack("198.18.0.4")
		if st != 418 || len(evs) != 1 || evs[0].Attack != "sqli" || evs[0].Action != decision.ActionBlock {
			t.Fatalf("status %d, events %+v", st, evs)
		}
	})
}

// A policy write bumps the WAF revision the data plane watches: the next
// refresh rebuilds the host table with the new settings.
func TestPolicyWriteRefreshesTheHostTable(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	h := e.host(t, "rev.example.com")
	px := proxy.New(proxy.Config{}, proxy.Deps{Hosts: e.db, Revisions: e.db, Decisions: fakeDecisions{}, Policies: e.db})
	defer px.Close()
	if built, err := px.Refresh(ctx); err != nil || !built {
		t.Fatalf("first refresh: %v %v", built, err)
	}
	if built, err := px.Refresh(ctx); err != nil || built {
		t.Fatalf("refresh without a write: %v %v", built, err)
	}
	if _, err := e.waf.UpdatePolicy(ctx, proj, h.PolicyID, &waf.PolicyUpdate{Level: ptr(3)}); err != nil {
		t.Fatal(err)
	}
	if built, err := px.Refresh(ctx); err != nil || !built {
		t.Fatalf("refresh after a policy write: %v %v", built, err)
	}
}
