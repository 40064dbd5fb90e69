package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The WAF dashboard operations report what the data plane answered: the
// test tallies every request it sends through a real data plane (origin
// answers and blocks) and reads the same figures back through the API.
func TestServeDashboardCountsTraffic(t *testing.T) {
	serveDashboardCountsTraffic(t, "", nil)
}

// serveDashboardCountsTraffic runs the dashboard test on the store named
// (empty: SQLite in the data directory); then, before serve stops, hands
// the metrics listener's address to after (when not nil).
func serveDashboardCountsTraffic(t *testing.T, store string, after func(metricsAddr string)) {
	up := httptest200or404(t)
	upHost, upPort, _ := net.SplitHostPort(up.Listener.Addr().String())

	dir := t.TempDir()
	proxyAddr, metricsAddr := freeAddr(t), freeAddr(t)
	vars := map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password"}
	if store != "" {
		vars["RAMPART_STORE"] = store
	}
	url, logs, stop := startServe(t, dir, vars,
		"--proxy-listen", proxyAddr, "--metrics-listen", metricsAddr, "--traffic-flush-interval", "50ms")
	defer stop()
	pid, call := apiClient(t, url, dir, "acme", "first-password")
	from := time.Now().Add(-time.Minute).UnixMilli()

	st, host := call("POST", "/v1/"+pid+"/waf/instance", `{"hostname":"shop.example.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"`+
		upHost+`","port":`+upPort+`,"type":"ipv4"}],"proxy":false}`)
	if st != 200 {
		t.Fatalf("create host: %d %v", st, host)
	}
	hostID, _ := host["id"].(string)
	policy, _ := host["policyid"].(string)

	tally := map[int]int{} // status → requests the routed host answered
	send := func(path string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+proxyAddr+path, nil)
		req.Host = "shop.example.com"
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("proxy: %v\n%s", err, logs)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if path != "/" || strings.Contains(string(b), "from origin") {
			tally[res.StatusCode]++ // not the unknown-host page of the time before the host was routed
		}
		return res.StatusCode, string(b)
	}
	proxyEventually(t, "host routed", func() (int, string) { return send("/") }, 200, "from origin")
	for range 4 {
		send("/")
	}
	for range 3 {
		if st, _ := send("/missing?q=1"); st != 404 {
			t.Fatalf("origin 404: %d", st)
		}
	}
	if st, out := call("POST", "/v1/"+pid+"/waf/policy/"+policy+"/whiteblackip", `{"name":"me","addr":"127.0.0.1","white":0}`); st != 200 {
		t.Fatalf("whiteblackip: %d %v", st, out)
	}
	proxyEventually(t, "whiteblackip block", func() (int, string) { return send("/cart") }, 418, "Event ID")
	for range 5 {
		send("/cart")
	}
	to := time.Now().Add(time.Minute).UnixMilli()
	window := fmt.Sprintf("from=%d&to=%d", from, to)
	requests, blocks := tally[200]+tally[404]+tally[418], tally[418]

	// ListStatistics: the counters are flushed every 50 ms.
	stats := map[string]float64{}
	deadline := time.Now().Add(10 * time.Second) // asserts the effect, not the latency
	for {
		st, out := call("GET", "/v1/"+pid+"/waf/overviews/statistics?"+window, "")
		if st != 200 {
			t.Fatalf("ListStatistics: %d %v", st, out)
		}
		for _, it := range out["body"].([]any) {
			m := it.(map[string]any)
			stats[m["key"].(string)] = m["num"].(float64)
		}
		if stats["ACCESS"] == float64(requests) && stats["ATTACK"] == float64(blocks) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("statistics %v, want ACCESS %d and ATTACK %d (tally %v)", stats, requests, blocks, tally)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if stats["WEB_ATTACK"] != 0 || stats["PRECISE"] != 0 || stats["CC"] != 0 || stats["CRAWLER"] != 0 {
		t.Errorf("statistics %v: only address-rule blocks were sent", stats)
	}

	// The response codes by source: the origin's 200s and 404s, the block pages.
	sum := func(source, key string) float64 {
		t.Helper()
		st, out := call("GET", "/v1/"+pid+"/waf/overviews/response-code/timeline?"+window+"&response_source="+source+"&hosts="+hostID, "")
		if st != 200 {
			t.Fatalf("ListResponseCodeTimeline: %d %v", st, out)
		}
		var n float64
		for _, it := range out["body"].([]any) {
			m := it.(map[string]any)
			if m["key"] == key {
				for _, p := range m["timeline"].([]any) {
					n += p.(map[string]any)["num"].(float64)
				}
			}
		}
		return n
	}
	if got := sum("UPSTREAM", "2XX"); got != float64(tally[200]) {
		t.Errorf("upstream 2XX: %v, want %d", got, tally[200])
	}
	if got := sum("UPSTREAM", "4XX"); got != 3 {
		t.Errorf("upstream 4XX: %v, want 3", got)
	}
	if got := sum("WAF", "4XX"); got != float64(blocks) {
		t.Errorf("WAF 4XX: %v, want %d", got, blocks)
	}

	// The top lists come from the protection events (written in batches).
	deadline = time.Now().Add(10 * time.Second)
	for {
		st, out := call("GET", "/v1/"+pid+"/waf/overviews/attack/ip?"+window, "")
		items, _ := out["items"].([]any)
		if st == 200 && len(items) == 1 && items[0].(map[string]any)["num"] == float64(blocks) {
			if items[0].(map[string]any)["key"] != "127.0.0.1" {
				t.Fatalf("ListTopIp: %v", out)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ListTopIp: %d %v, want 127.0.0.1 with %d", st, out, blocks)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st, out := call("GET", "/v1/"+pid+"/waf/overviews/attack/url?"+window, ""); st != 200 ||
		fmt.Sprint(out["items"]) != fmt.Sprintf("[map[host:shop.example.com key:/cart num:%d]]", blocks) {
		t.Errorf("ListTopUrl: %d %v", st, out)
	}
	if st, out := call("GET", "/v1/"+pid+"/waf/overviews/attack/top-domains?"+window, ""); st != 200 ||
		fmt.Sprint(out["items"]) != fmt.Sprintf("[map[key:%s num:%d web_tag:]]", hostID, blocks) {
		t.Errorf("ListTopDomains: %d %v", st, out)
	}
	if st, out := call("GET", "/v1/"+pid+"/waf/overviews/attack/action-types?"+window, ""); st != 200 ||
		fmt.Sprint(out["items"]) != fmt.Sprintf("[map[key:block num:%d]]", blocks) {
		t.Errorf("ListAttackActionTypes: %d %v", st, out)
	}
	if st, out := call("GET", "/v1/"+pid+"/waf/event/attack/type?"+window, ""); st != 200 || out["whiteblackip"] != float64(blocks) {
		t.Errorf("ListThreats: %d %v", st, out)
	}
	if after != nil {
		after(metricsAddr)
	}
}

// httptest200or404 is an origin answering "from origin" on every path but
// /missing, which it answers 404.
func httptest200or404(t *testing.T) *httptest.Server {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "from origin")
	}))
	t.Cleanup(up.Close)
	return up
}
