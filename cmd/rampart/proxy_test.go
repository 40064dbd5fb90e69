package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// `rampart serve --proxy-listen` routes a host created through the API to
// its upstream, enforces a rule written through the API, and serves the
// data plane's metrics at /metrics on the metrics listener, not on the API
// listener (they name every project's hosts).
func TestServeProxies(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "from origin") }))
	defer up.Close()
	upHost, upPort, _ := net.SplitHostPort(up.Listener.Addr().String())

	dir := t.TempDir()
	proxyAddr, metricsAddr := freeAddr(t), freeAddr(t)
	url, logs, stop := startServe(t, dir, map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password"},
		"--proxy-listen", proxyAddr, "--metrics-listen", metricsAddr)
	defer stop()
	pid, call := apiClient(t, url, dir, "acme", "first-password")

	get := func() (int, string) { t.Helper(); return proxyGet(t, proxyAddr, "shop.example.com", logs) }
	eventually := func(what string, want int, wantBody string) {
		t.Helper()
		proxyEventually(t, what, get, want, wantBody)
	}
	if st, _ := get(); st != 404 {
		t.Fatalf("unknown host: %d", st)
	}
	st, host := call("POST", "/v1/"+pid+"/waf/instance", `{"hostname":"shop.example.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"`+
		upHost+`","port":`+upPort+`,"type":"ipv4"}],"proxy":false}`)
	if st != 200 {
		t.Fatalf("create host: %d %v", st, host)
	}
	eventually("host routed", 200, "from origin")
	policy, _ := host["policyid"].(string)
	if st, out := call("POST", "/v1/"+pid+"/waf/policy/"+policy+"/whiteblackip", `{"name":"me","addr":"127.0.0.1","white":0}`); st != 200 {
		t.Fatalf("whiteblackip: %d %v", st, out)
	}
	eventually("whiteblackip block", 418, "Event ID")

	// The block is recorded as a protection event the WAF events API
	// shows under the event ID of the block page.
	req, _ := http.NewRequest("GET", "http://"+proxyAddr+"/cart?item=7", nil)
	req.Host = "shop.example.com"
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		EventID string `json:"event_id"`
	}
	err = json.NewDecoder(res.Body).Decode(&page)
	res.Body.Close()
	if err != nil || res.StatusCode != 418 || page.EventID == "" {
		t.Fatalf("JSON block page: %d %+v %v", res.StatusCode, page, err)
	}
	deadline := time.Now().Add(10 * time.Second) // asserts the effect, not the latency
	for {
		st, ev := call("GET", "/v1/"+pid+"/waf/event/"+page.EventID, "")
		if st == 200 {
			items, _ := ev["items"].([]any)
			if len(items) != 1 {
				t.Fatalf("ShowEvent: %v", ev)
			}
			it := items[0].(map[string]any)
			if it["host"] != "shop.example.com" || it["sip"] != "127.0.0.1" || it["attack"] != "custom_whiteblackip" ||
				it["action"] != "block" || it["url"] != "/cart?item=7" || it["policyid"] != policy || it["status"] != "418" {
				t.Fatalf("event: %v", it)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the block was not recorded: %d %v", st, ev)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st, list := call("GET", "/v1/"+pid+"/waf/event?recent=today", ""); st != 200 || list["total"].(float64) < 1 {
		t.Fatalf("ListEvent: %d %v", st, list)
	}

	res, err = http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the API listener: %d, want 404", res.StatusCode)
	}
	res, err = http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`rampart_proxy_requests_total{host="shop.example.com",code="2xx"}`, `rampart_proxy_decisions_total{action="block",rule_type="whiteblackip"}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s:\n%s", want, b)
		}
	}
}

// proxyGet sends a request for host through a data-plane listener.
func proxyGet(t *testing.T, addr, host string, logs *syncBuffer) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
	req.Host = host
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("proxy: %v\n%s", err, logs)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// proxyEventually polls until get answers want with wantBody in the body.
func proxyEventually(t *testing.T, what string, get func() (int, string), want int, wantBody string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // asserts the effect, not the latency
	for {
		st, b := get()
		if st == want && strings.Contains(b, wantBody) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d %q", what, st, b)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// `rampart proxy` is a data-plane-only node over the API node's store: a
// host created through the API is served by it, and it serves metrics on
// its own listener.
func TestProxyNode(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "from origin") }))
	defer up.Close()
	upHost, upPort, _ := net.SplitHostPort(up.Listener.Addr().String())
	dir := t.TempDir()
	url, _, stop := startServe(t, dir, map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password"})
	defer stop()
	pid, call := apiClient(t, url, dir, "acme", "first-password")

	proxyAddr, metricsAddr := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"proxy", "--data-dir", dir, "--proxy-listen", proxyAddr, "--metrics-listen", metricsAddr}, env(nil), logs, logs)
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("proxy node: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("proxy node did not stop")
		}
	}()
	get := func() (int, string) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) { // startup loads the geolocation data
			if c, err := net.Dial("tcp", proxyAddr); err == nil {
				c.Close()
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("proxy node not listening: %v\n%s", err, logs)
			}
		}
		return proxyGet(t, proxyAddr, "node.example.com", logs)
	}
	if st, _ := get(); st != 404 {
		t.Fatalf("unknown host: %d", st)
	}
	if st, out := call("POST", "/v1/"+pid+"/waf/instance", `{"hostname":"node.example.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"`+
		upHost+`","port":`+upPort+`,"type":"ipv4"}],"proxy":false}`); st != 200 {
		t.Fatalf("create host: %d %v", st, out)
	}
	proxyEventually(t, "host served by the proxy node", get, 200, "from origin")
	res, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `rampart_proxy_requests_total{host="node.example.com",code="2xx"}`) {
		t.Fatalf("metrics:\n%s", b)
	}
	// The node's engines and store are measured too, in a valid exposition.
	m := scrapeMetrics(t, metricsAddr)
	for _, c := range [][]string{{"rampart_engine_build_duration_seconds", "kind", "first"}, {"rampart_store_operation_duration_seconds", "op", "query"}} {
		if m.value(c[0], c[1:]...) < 1 {
			t.Errorf("the proxy node's %s%v: none counted", c[0], c[1:])
		}
	}
}
